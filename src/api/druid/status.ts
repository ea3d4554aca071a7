import os from 'node:os';
import { SCHEMAS } from './schemas.js';
import type { FastifyInstance } from 'fastify';
import { GROVE_VERSION } from '../../core/version.js';

/** Druid's process status endpoints, answered as a Druid router would. */
export async function statusRoutes(app: FastifyInstance): Promise<void> {
  app.get('/status/health', { schema: SCHEMAS.health }, async () => true);
  app.get('/status', { schema: SCHEMAS.processStatus }, async () => {
    const mem = process.memoryUsage();
    return {
      version: GROVE_VERSION,
      modules: [],
      memory: {
        maxMemory: os.totalmem(),
        totalMemory: mem.heapTotal,
        freeMemory: mem.heapTotal - mem.heapUsed,
        usedMemory: mem.heapUsed,
        directMemory: mem.external,
      },
    };
  });
}
