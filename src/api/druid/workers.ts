import { SCHEMAS } from './schemas.js';
import type { FastifyInstance } from 'fastify';
import { intervalToString } from '../../core/types.js';
import type { Services } from '../../services/index.js';
import { parseInterval } from '../../time/interval.js';

/**
 * The Overlord's view of task slots and locks: `GET /workers`, `GET /totalWorkerCapacity` and
 * `POST /lockedIntervals/v2`, as Druid's OverlordResource answers them. Grove is one worker.
 */
export async function workerRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/druid/indexer/v1/workers', { schema: SCHEMAS.workers }, async () => {
    const u = s.tasks.usage();
    return [{
      worker: { scheme: 'http', host: `${s.config.host}:${s.config.port}`, ip: s.config.host, capacity: u.capacity, version: '0', category: '_default_worker_category' },
      currCapacityUsed: u.used,
      currParallelIndexCapacityUsed: 0,
      availabilityGroups: u.running,
      runningTasks: u.running,
      lastCompletedTaskTime: new Date(u.lastCompletedMs ?? 0).toISOString(),
      blacklistedUntil: null,
    }];
  });

  app.get('/druid/indexer/v1/totalWorkerCapacity', { schema: SCHEMAS.totalWorkerCapacity }, async () => {
    const u = s.tasks.usage();
    return { currentClusterCapacity: u.capacity, maximumCapacityWithAutoScale: u.capacity, usedClusterCapacity: u.used };
  });

  // Druid's LockFilterPolicy: locks of `datasource` at or above `priority`, overlapping `intervals`.
  // The body's shape is checked by its schema; its errors are plain text, as Druid's are here.
  app.post<{ Body: LockFilterPolicy[] }>('/druid/indexer/v1/lockedIntervals/v2', { schema: SCHEMAS.lockedIntervals, config: { errorShape: 'text' } }, async (req) => {
    const out: Record<string, string[]> = {};
    for (const policy of req.body) {
      const within = (policy.intervals ?? []).map((i) => parseInterval(i));
      const found = (await s.tasks.lockedIntervals(policy.datasource, policy.priority ?? 0, within)).map(intervalToString);
      if (found.length > 0) out[policy.datasource] = [...new Set([...(out[policy.datasource] ?? []), ...found])];
    }
    return out;
  });
}

interface LockFilterPolicy {
  readonly datasource: string;
  readonly priority?: number | null;
  readonly intervals?: readonly string[] | null;
}
