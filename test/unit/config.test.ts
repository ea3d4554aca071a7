import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/config.js';

describe('resolveConfig', () => {
  it('uses the embedded defaults', () => {
    const c = resolveConfig({}, {}, '/srv/grove');
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8888, dataDir: '/srv/grove/var', metadataUrl: 'sqlite:/srv/grove/var/metadata.sqlite', allowedInputDirs: ['/srv/grove'] });
    expect(c.workerCapacity).toBeGreaterThanOrEqual(2);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('takes flags over environment over defaults', () => {
    const env = { GROVE_PORT: '9000', GROVE_DATA_DIR: 'data', GROVE_WORKER_CAPACITY: '3', GROVE_METADATA_URL: 'postgres://u@h/db' };
    expect(resolveConfig({}, env, '/w')).toMatchObject({ port: 9000, dataDir: path.resolve('/w/data'), workerCapacity: 3, metadataUrl: 'postgres://u@h/db' });
    expect(resolveConfig({ port: '9100', workerCapacity: '5' }, env, '/w')).toMatchObject({ port: 9100, workerCapacity: 5 });
  });

  it('reads the results retention as an ISO period (default six hours)', () => {
    expect(resolveConfig({}, {}, '/w').resultsRetentionMs).toBe(6 * 3_600_000);
    expect(resolveConfig({}, { GROVE_RESULTS_RETENTION: 'P2D' }, '/w').resultsRetentionMs).toBe(2 * 86_400_000);
    expect(resolveConfig({ resultsRetention: 'PT30M' }, { GROVE_RESULTS_RETENTION: 'P2D' }, '/w').resultsRetentionMs).toBe(30 * 60_000);
  });

  it.each([
    [{ port: '88x' }, /port/],
    [{ workerCapacity: '-1' }, /worker capacity/],
    [{ metadataUrl: 'mysql://x' }, /metadata URL/],
    [{ logLevel: 'chatty' }, /log level/],
    [{ resultsRetention: '6 hours' }, /results retention/],
    [{ resultsRetention: 'P1M' }, /fixed length/],
    [{ resultsRetention: 'PT0S' }, /results retention/],
  ])('rejects %j naming the setting', (flags, message) => {
    expect(() => resolveConfig(flags, {}, '/w')).toThrow(ConfigError);
    expect(() => resolveConfig(flags, {}, '/w')).toThrow(message);
  });
});
