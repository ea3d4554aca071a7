import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { GroveConfig } from './config/config.js';
import { buildApp, buildElasticApp } from './server/app.js';
import { openCore, type Services } from './services/index.js';

export interface RunningGrove {
  readonly app: FastifyInstance;
  readonly services: Services;
  /** The address actually bound. Task locations report config.port, so pass a real port. */
  readonly url: string;
  /** The Elasticsearch face's own port (`--es-port`), when it has one. */
  readonly esUrl: string | null;
  stop(): Promise<void>;
}

/**
 * Starts Grove: the core (store, scheduler, engine, services), then the HTTP faces over it. stop()
 * is idempotent and returns the same in-flight promise to concurrent callers.
 */
export async function startGrove(config: GroveConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningGrove> {
  const core = await openCore(config, log);
  let app: FastifyInstance;
  let esApp: FastifyInstance | null = null;
  try {
    app = await buildApp(core.services);
    if (config.esPort !== null) esApp = await buildElasticApp(core.services);
    await core.start();
    await app.listen({ host: config.host, port: config.port });
    if (esApp) await esApp.listen({ host: config.host, port: config.esPort! });
  } catch (e) {
    await esApp?.close();
    await core.stop();
    throw e;
  }
  const portOf = (a: FastifyInstance, fallback: number): number => {
    const addr = a.server.address();
    return typeof addr === 'object' && addr ? addr.port : fallback;
  };
  const port = portOf(app, config.port);
  let stopping: Promise<void> | null = null;
  return {
    app,
    services: core.services,
    url: `http://${config.host}:${port}`,
    esUrl: esApp ? `http://${config.host}:${portOf(esApp, config.esPort ?? 0)}` : null,
    stop() {
      stopping ??= (async () => {
        await esApp?.close();
        await app.close();
        await core.stop();
      })();
      return stopping;
    },
  };
}
