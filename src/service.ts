import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { GroveConfig } from './config/config.js';
import { buildApp } from './server/app.js';
import type { Services } from './server/services.js';
import { startResultsSweeper } from './statements/retention.js';
import { openMetadataStore, type MetadataStore } from './store/db.js';
import { dataPaths } from './tasks/paths.js';
import { sweepOrphanSegments } from './tasks/publish.js';
import { TaskQueue } from './tasks/queue.js';

export interface RunningGrove {
  readonly app: FastifyInstance;
  readonly services: Services;
  /** The address actually bound. Task locations report config.port, so pass a real port. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts Grove: metadata store (migrated), task queue (recovered), HTTP server. stop() is
 * idempotent and returns the same in-flight promise to concurrent callers.
 */
export async function startGrove(config: GroveConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningGrove> {
  const paths = dataPaths(config.dataDir);
  for (const dir of [paths.root, paths.deepStorage]) fs.mkdirSync(dir, { recursive: true });
  // Scratch space of tasks that died with an earlier process is garbage; nothing in it was published.
  fs.rmSync(`${config.dataDir}/tmp`, { recursive: true, force: true });

  const store: MetadataStore = await openMetadataStore(config.metadataUrl);
  const orphans = await sweepOrphanSegments(store.db, paths.deepStorage);
  if (orphans.length > 0) log.warn({ files: orphans.length }, 'removed segment files of publishes that never committed');
  const queue = new TaskQueue(store.db, config, paths, log);
  const services: Services = { config, db: store.db, paths, queue, log };
  let app: FastifyInstance;
  try {
    app = await buildApp(services);
    await queue.start();
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await queue.stop();
    await store.close();
    throw e;
  }
  const stopSweeper = startResultsSweeper(`${config.dataDir}/tasks`, config.resultsRetentionMs, log);
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  let stopping: Promise<void> | null = null;
  return {
    app,
    services,
    url: `http://${config.host}:${port}`,
    stop() {
      stopping ??= (async () => {
        stopSweeper();
        await app.close();
        await queue.stop();
        await store.close();
      })();
      return stopping;
    },
  };
}
