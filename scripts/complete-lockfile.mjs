#!/usr/bin/env node
// Adds lockfile entries for other platforms' optional native packages (rollup, DuckDB bindings).
//
// Why: npm leaves them out when it cannot fetch their metadata (npm/cli#4828), and the registry
// mirror here serves only Linux builds; npm 11's `npm ci` then refuses the lock as out of sync.
// Each added entry carries the os/cpu/libc its name encodes, so `npm ci` skips it on every other
// platform without fetching anything. Run after `npm install` changes the lock.
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x'];
const OSES = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'openharmony', 'sunos', 'netbsd', 'aix'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OSES.includes(p));
  const cpu = parts.find((p) => CPUS.includes(p));
  if (!os || !cpu) return null;
  const libc = os !== 'linux' ? undefined : parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : 'glibc';
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const depKey = `${key === '' ? '' : `${key}/`}node_modules/${dep}`.replace(/^(.*node_modules\/)(?:.*node_modules\/)?/, '$1');
    const topKey = `node_modules/${dep}`;
    if (lock.packages[depKey] || lock.packages[topKey]) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d/.test(version)) continue;
    lock.packages[topKey] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`complete-lockfile: added ${added} optional platform entries\n`);
