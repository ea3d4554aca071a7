import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Druid's local input source filter is a wildcard (Commons IO WildcardFileFilter) matched against
 * file names anywhere under baseDir. Grove also takes `**`, `{a,b}` and `[abc]`; a pattern with a
 * `/` matches the path relative to baseDir instead of the name.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` also matches no directory at all.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\\]{}]/g, '\\$&');
  }
  while (braces-- > 0) re += ')';
  return new RegExp(`^${re}$`);
}

/** Listing more files than this is a runaway filter (e.g. `*` over a home directory). */
export const MAX_LISTED_FILES = 100_000;

/** Files under `baseDir` (recursively) whose name, or relative path if the glob has a `/`, matches. */
export async function listMatchingFiles(baseDir: string, filter: string): Promise<string[]> {
  const re = globToRegExp(filter);
  const byPath = filter.includes('/');
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() || e.isSymbolicLink()) {
        const rel = path.relative(baseDir, full).split(path.sep).join('/');
        if (re.test(byPath ? rel : e.name)) {
          out.push(full);
          if (out.length > MAX_LISTED_FILES) throw new Error(`filter [${filter}] matches more than ${MAX_LISTED_FILES} files under [${baseDir}]`);
        }
      }
    }
  };
  await walk(baseDir);
  return out;
}
