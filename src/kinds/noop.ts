import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkTaskId, taskPriority } from '../core/checks.js';
import { invalidInput } from '../core/errors.js';
import type { TaskKind } from '../core/task-kind.js';
import { checkDataSourceName } from '../ingest/spec-read.js';

/** Druid's NoopTask: holds a slot for `runTime` ms; used for smoke tests and capacity checks. */
export const noopKind: TaskKind = {
  type: 'noop',
  describe(body) {
    const runTime = body.runTime ?? 2500;
    if (typeof runTime !== 'number' || !Number.isInteger(runTime) || runTime < 0) {
      throw invalidInput('noop task: runTime must be a non-negative whole number of milliseconds');
    }
    const dataSource = body.dataSource === undefined || body.dataSource === null || body.dataSource === '' ? 'none' : checkDataSourceName(body.dataSource, 'dataSource');
    const context = body.context ?? {};
    if (typeof context !== 'object' || context === null || Array.isArray(context)) throw invalidInput('noop task: context must be a JSON object');
    const priority = taskPriority((context as Record<string, unknown>).priority, 0);
    const id = checkTaskId(body.id) ?? `noop_${new Date().toISOString()}_${randomBytes(4).toString('hex')}`;
    return {
      id,
      groupId: id,
      type: 'noop',
      dataSource,
      priority,
      lock: null,
      payload: { type: 'noop', id, groupId: id, dataSource, runTime, resource: { availabilityGroup: id, requiredCapacity: 1 }, context: context as Record<string, unknown> },
    };
  },
  load: async () => async (task, ctx) => {
    const runTime = typeof task.runTime === 'number' ? task.runTime : 2500;
    ctx.log('INFO', `Running noop task for ${runTime} ms`);
    await sleep(runTime, undefined, { signal: ctx.signal });
    ctx.log('INFO', 'Noop task finished');
    return undefined;
  },
};
