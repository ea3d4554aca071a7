import os from 'node:os';
import path from 'node:path';
import { isFixedPeriod, periodMillis, tryParsePeriod } from '../time/period.js';

/**
 * Grove's settings, resolved once at start-up from flags, then environment, then defaults, and
 * frozen. A bad value stops start-up with a message naming the setting.
 */
export interface GroveConfig {
  readonly host: string;
  readonly port: number;
  /** A second port serving only the Elasticsearch face, at its root (`--es-port`); null for none. */
  readonly esPort: number | null;
  /** Absolute path of the data directory (metadata.sqlite, segments, tasks, tmp). */
  readonly dataDir: string;
  /** `sqlite:<path>` or `postgres://...`; default: SQLite file in the data directory. */
  readonly metadataUrl: string;
  /** Task slots of this process (Druid's druid.worker.capacity). */
  readonly workerCapacity: number;
  /** Absolute directories local input sources may read from. */
  readonly allowedInputDirs: readonly string[];
  readonly allowedHttpProtocols: readonly string[];
  readonly logLevel: string;
  /** How long completed tasks stay in the complete list (Druid: recentlyFinishedThreshold, PT24H). */
  readonly recentlyFinishedMs: number;
  /** How long a SELECT statement's result pages are kept on disk after it finishes. */
  readonly resultsRetentionMs: number;
  /** Largest request body taken (GROVE_BODY_LIMIT_BYTES; default 256 MiB: inline ingestion specs can be big). */
  readonly bodyLimitBytes: number;
  /** How long a running task waits for a lock before it fails (Druid's taskLockTimeout, 5 min). */
  readonly lockTimeoutMs: number;
  /** How long a shut-down task gets to stop by itself before its process is killed (invariant 6: < 1 s). */
  readonly shutdownGraceMs: number;
  /** How long `stop` (partial results) waits for the statement to end over what it read. */
  readonly stopWaitMs: number;
  /** How often the scheduler looks again without being woken (lock timeouts, missed events). */
  readonly schedulerTickMs: number;
  /** Tasks a task process runs before it is replaced. */
  readonly tasksPerProcess: number;
}

export interface ConfigInput {
  port?: string;
  esPort?: string;
  host?: string;
  dataDir?: string;
  metadataUrl?: string;
  workerCapacity?: string;
  allowedInputDirs?: string;
  logLevel?: string;
  resultsRetention?: string;
}

export class ConfigError extends Error {}

function positiveInt(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function resolveConfig(flags: ConfigInput, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): GroveConfig {
  const pick = (flag: string | undefined, envName: string): string | undefined =>
    flag ?? (env[envName] !== undefined && env[envName] !== '' ? env[envName] : undefined);

  const port = positiveInt('port (--port / GROVE_PORT)', pick(flags.port, 'GROVE_PORT') ?? '8888', 0, 65535);
  const esPortText = pick(flags.esPort, 'GROVE_ES_PORT');
  const esPort = esPortText === undefined ? null : positiveInt('Elasticsearch port (--es-port / GROVE_ES_PORT)', esPortText, 0, 65535);
  if (esPort !== null && esPort !== 0 && esPort === port) throw new ConfigError(`the Elasticsearch port (--es-port / GROVE_ES_PORT) must differ from the port, both are ${port}`);
  const host = pick(flags.host, 'GROVE_HOST') ?? '127.0.0.1';
  const dataDir = path.resolve(cwd, pick(flags.dataDir, 'GROVE_DATA_DIR') ?? 'var');
  const metadataUrl = pick(flags.metadataUrl, 'GROVE_METADATA_URL') ?? `sqlite:${path.join(dataDir, 'metadata.sqlite')}`;
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(metadataUrl)) {
    throw new ConfigError(`metadata URL (--metadata-url / GROVE_METADATA_URL) must start with sqlite: or postgres://, got "${metadataUrl}"`);
  }
  const defaultCapacity = String(Math.max(2, os.availableParallelism() - 1));
  const workerCapacity = positiveInt(
    'worker capacity (--worker-capacity / GROVE_WORKER_CAPACITY)',
    pick(flags.workerCapacity, 'GROVE_WORKER_CAPACITY') ?? defaultCapacity,
    1,
    256,
  );
  const dirs = pick(flags.allowedInputDirs, 'GROVE_ALLOWED_INPUT_DIRS');
  const allowedInputDirs = (dirs ? dirs.split(',').filter((d) => d.trim() !== '') : [cwd]).map((d) => path.resolve(cwd, d.trim()));
  const logLevel = pick(flags.logLevel, 'GROVE_LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`log level (GROVE_LOG_LEVEL) must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  const retention = pick(flags.resultsRetention, 'GROVE_RESULTS_RETENTION') ?? 'PT6H';
  const period = tryParsePeriod(retention);
  if (period === null || !isFixedPeriod(period) || periodMillis(period) <= 0) {
    throw new ConfigError(`results retention (--results-retention / GROVE_RESULTS_RETENTION) must be an ISO-8601 period of fixed length such as PT6H or P2D, got "${retention}"`);
  }
  const ms = (name: string, envName: string, fallback: number, min: number, max: number): number =>
    positiveInt(`${name} (${envName})`, pick(undefined, envName) ?? String(fallback), min, max);
  return Object.freeze({
    host,
    port,
    esPort,
    dataDir,
    metadataUrl,
    workerCapacity,
    allowedInputDirs: Object.freeze(allowedInputDirs),
    allowedHttpProtocols: Object.freeze(['http:', 'https:']),
    logLevel,
    recentlyFinishedMs: 24 * 3600 * 1000,
    resultsRetentionMs: periodMillis(period),
    bodyLimitBytes: ms('request body limit', 'GROVE_BODY_LIMIT_BYTES', 256 * 1024 * 1024, 1024, 2 ** 31),
    lockTimeoutMs: ms('lock timeout in ms', 'GROVE_LOCK_TIMEOUT_MS', 300_000, 1, 86_400_000),
    shutdownGraceMs: ms('shutdown grace in ms', 'GROVE_SHUTDOWN_GRACE_MS', 600, 0, 60_000),
    stopWaitMs: ms('stop wait in ms', 'GROVE_STOP_WAIT_MS', 10_000, 1, 600_000),
    schedulerTickMs: ms('scheduler tick in ms', 'GROVE_SCHEDULER_TICK_MS', 1000, 10, 60_000),
    tasksPerProcess: ms('tasks per task process', 'GROVE_TASKS_PER_PROCESS', 200, 1, 1_000_000),
  });
}
