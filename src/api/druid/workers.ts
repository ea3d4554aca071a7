import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../core/errors.js';
import { intervalToString } from '../../core/types.js';
import type { Services } from '../../services/index.js';
import { parseInterval } from '../../time/interval.js';
import type { DruidErrorShape } from './errors.js';

/**
 * The Overlord's view of task slots and locks: `GET /workers`, `GET /totalWorkerCapacity` and
 * `POST /lockedIntervals/v2`, as Druid's OverlordResource answers them. Grove is one worker.
 */
export async function workerRoutes(app: FastifyInstance, s: Services): Promise<void> {
  app.get('/druid/indexer/v1/workers', async () => {
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

  app.get('/druid/indexer/v1/totalWorkerCapacity', async () => {
    const u = s.tasks.usage();
    return { currentClusterCapacity: u.capacity, maximumCapacityWithAutoScale: u.capacity, usedClusterCapacity: u.used };
  });

  // Druid's LockFilterPolicy: locks of `datasource` at or above `priority`, overlapping `intervals`.
  app.post<{ Body: unknown }>('/druid/indexer/v1/lockedIntervals/v2', { config: { errorShape: 'text' satisfies DruidErrorShape } }, async (req) => {
    const policies = req.body;
    if (!Array.isArray(policies) || policies.length === 0) throw invalidInput('No filter provided');
    const out: Record<string, string[]> = {};
    for (const p of policies as unknown[]) {
      const policy = p as { datasource?: unknown; priority?: unknown; intervals?: unknown };
      if (typeof p !== 'object' || p === null || typeof policy.datasource !== 'string') throw invalidInput('Each filter needs a "datasource" string');
      if (policy.priority !== undefined && policy.priority !== null && !Number.isInteger(policy.priority)) throw invalidInput('"priority" must be a whole number');
      if (policy.intervals !== undefined && policy.intervals !== null && !(Array.isArray(policy.intervals) && policy.intervals.every((i) => typeof i === 'string'))) {
        throw invalidInput('"intervals" must be an array of ISO interval strings');
      }
      const within = ((policy.intervals as string[] | null | undefined) ?? []).map((i) => parseInterval(i));
      const found = (await s.tasks.lockedIntervals(policy.datasource, (policy.priority as number | undefined | null) ?? 0, within)).map(intervalToString);
      if (found.length > 0) out[policy.datasource] = [...new Set([...(out[policy.datasource] ?? []), ...found])];
    }
    return out;
  });
}
