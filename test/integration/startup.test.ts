import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/cli/main.js');
const grove = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } });

describe('start-up settings', () => {
  it.each([
    [['start', '--port', 'abc'], {}, /port \(--port \/ GROVE_PORT\) must be a whole number, got "abc"/],
    [['start', '--port', '70000'], {}, /port .* must be between 0 and 65535, got 70000/],
    [['start', '--worker-capacity', '0'], {}, /worker capacity .* must be between 1 and 256/],
    [['start'], { GROVE_WORKER_CAPACITY: 'many' }, /worker capacity \(--worker-capacity \/ GROVE_WORKER_CAPACITY\) must be a whole number/],
    [['start', '--metadata-url', 'mysql://x'], {}, /metadata URL .* must start with sqlite: or postgres:\/\//],
    [['start'], { GROVE_LOG_LEVEL: 'loud' }, /log level \(GROVE_LOG_LEVEL\) must be one of/],
  ])('grove %j refuses to start and names the setting', (args, env, message) => {
    const r = grove(args as string[], env as Record<string, string>);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('an unreachable metadata store stops start-up with a message', () => {
    const r = grove(['start', '--port', '0', '--data-dir', '/tmp/grove-unreachable', '--metadata-url', 'postgres://postgres@127.0.0.1:1/none']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/grove: could not start: .*(ECONNREFUSED|connect)/);
  });
});
