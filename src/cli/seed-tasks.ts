import type { GroveConfig } from '../config/config.js';
import { openMetadataStore } from '../store/db.js';

/**
 * Fills the store with completed noop tasks, the way a busy cluster's history looks, so the task
 * list benchmark measures a realistic table. Rows are real task rows, written in batches.
 */
export async function seedCompletedTasks(config: GroveConfig, count: number): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be a positive whole number');
  const store = await openMetadataStore(config.metadataUrl);
  const now = Date.now();
  try {
    for (let done = 0; done < count; done += 500) {
      const rows = Array.from({ length: Math.min(500, count - done) }, (_, k) => {
        const i = done + k;
        const id = `noop_seed_${now}_${i}`;
        const created = now - (count - i) * 1000;
        return {
          id, group_id: id, type: 'noop', datasource: `seed_ds_${i % 10}`, created_ms: created, priority: 0,
          status: i % 17 === 0 ? 'FAILED' : 'SUCCESS', runner_state: 'NONE',
          payload: JSON.stringify({ type: 'noop', id, groupId: id, runTime: 0 }),
          error_msg: i % 17 === 0 ? 'Shutdown request from user' : null,
          started_ms: created + 10, ended_ms: created + 510, duration_ms: 500, location_host: config.host, location_port: config.port,
        };
      });
      await store.db.insertInto('tasks').values(rows).execute();
    }
  } finally {
    await store.close();
  }
  return count;
}
