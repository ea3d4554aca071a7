import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { GroveConfig } from './config/config.js';
import { buildApp } from './server/app.js';
import { openCore, type Services } from './services/index.js';

export interface RunningGrove {
  readonly app: FastifyInstance;
  readonly services: Services;
  /** The address actually bound. Task locations report config.port, so pass a real port. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts Grove: the core (store, scheduler, engine, services), then the HTTP faces over it. stop()
 * is idempotent and returns the same in-flight promise to concurrent callers.
 */
export async function startGrove(config: GroveConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningGrove> {
  const core = await openCore(config, log);
  let app: FastifyInstance;
  try {
    app = await buildApp(core.services);
    await core.start();
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await core.stop();
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  let stopping: Promise<void> | null = null;
  return {
    app,
    services: core.services,
    url: `http://${config.host}:${port}`,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await core.stop();
      })();
      return stopping;
    },
  };
}
