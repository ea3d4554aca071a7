import fs from 'node:fs';
import type { Logger } from 'pino';
import type { GroveConfig } from '../config/config.js';
import { createQueryEngine } from '../query/engine.js';
import { startResultsSweeper } from '../results/retention.js';
import { openMetadataStore } from '../store/db.js';
import { dataPaths, type DataPaths } from '../tasks/paths.js';
import { sweepOrphanSegments } from '../tasks/publish.js';
import { TaskQueue } from '../tasks/queue.js';
import { AsyncQueryService } from './async-queries.js';
import { DatasourceService } from './datasources.js';
import { QueryService } from './queries.js';
import { StatementService } from './statements.js';
import { TaskService } from './tasks.js';
import { GROVE_VERSION } from '../core/version.js';

/** The core services every API face is a thin adapter over. */
export interface Services {
  readonly config: GroveConfig;
  readonly log: Logger;
  readonly paths: DataPaths;
  readonly tasks: TaskService;
  readonly statements: StatementService;
  /** Async queries a face keeps for a time (ES|QL's keep_alive). */
  readonly asyncQueries: AsyncQueryService;
  readonly queries: QueryService;
  readonly datasources: DatasourceService;
}

export interface Core {
  readonly services: Services;
  /** Recovers the task queue and starts scheduling. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the core once: the metadata store (migrated, with segment files of uncommitted publishes
 * removed), the scheduler, the query engine, and the services over them.
 */
export async function openCore(config: GroveConfig, log: Logger): Promise<Core> {
  const paths = dataPaths(config.dataDir);
  for (const dir of [paths.root, paths.deepStorage]) fs.mkdirSync(dir, { recursive: true });
  // Scratch space of tasks that died with an earlier process is garbage; nothing in it was published.
  fs.rmSync(`${config.dataDir}/tmp`, { recursive: true, force: true });
  const store = await openMetadataStore(config.metadataUrl);
  try {
    const orphans = await sweepOrphanSegments(store.db, paths.deepStorage);
    if (orphans.length > 0) log.warn({ files: orphans.length }, 'removed segment files of publishes that never committed');
  } catch (e) {
    await store.close();
    throw e;
  }
  const datasources = new DatasourceService(store.db);
  const queue = new TaskQueue(store.db, config, paths, log, { listSegments: (names) => datasources.current(names) });
  // Queries read used segments from memory; the queue clears it around every publish.
  queue.onPublish(() => datasources.published());
  const engine = await createQueryEngine({ deepStorageDir: paths.deepStorage });
  const tasks = new TaskService(queue, store.db, paths, config);
  const server = { host: config.host, port: config.port, startTime: new Date().toISOString(), version: GROVE_VERSION };
  const statements = new StatementService(tasks, paths);
  const asyncQueries = new AsyncQueryService(store.db, statements, log);
  const services: Services = {
    config,
    log,
    paths,
    tasks,
    statements,
    asyncQueries,
    queries: new QueryService(engine, paths.deepStorage, datasources, tasks, server),
    datasources,
  };
  let stopSweeper = (): void => {};
  return {
    services,
    async start() {
      await queue.start();
      stopSweeper = startResultsSweeper(`${config.dataDir}/tasks`, config.resultsRetentionMs, log, () => asyncQueries.kept());
      asyncQueries.start();
    },
    async stop() {
      stopSweeper();
      asyncQueries.stop();
      await queue.stop();
      engine.closeSync();
      await store.close();
    },
  };
}
