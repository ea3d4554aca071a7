import { randomBytes } from 'node:crypto';
import type { Interval, LockType } from '../core/types.js';
import { invalidInput } from '../errors/catalogue.js';
import { isSafeTaskId } from './paths.js';
import { defaultTaskId, lockRequirement, parseIndexTask, taskPayload, validateInputAccess } from '../ingest/spec.js';
import { checkDataSourceName } from '../ingest/spec-read.js';
import { taskPriority } from '../core/checks.js';

/**
 * What the scheduler needs to know about a submitted task, whatever its type. Parsing happens on
 * submit so a bad spec is a 400 and never a queued task.
 */
export interface TaskDescription {
  readonly id: string;
  readonly groupId: string;
  readonly type: string;
  readonly dataSource: string;
  readonly priority: number;
  /** Locks to hold before the task may take a slot; null intervals: it asks while it runs. */
  readonly lock: { readonly type: LockType; readonly intervals: readonly Interval[] | null } | null;
  /** The payload GET /task/{id} shows (Druid fills in defaults). */
  readonly payload: Record<string, unknown>;
}

export interface DescribeOptions {
  readonly allowedInputDirs: readonly string[];
  readonly allowedHttpProtocols: readonly string[];
}


function checkId(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string' || !isSafeTaskId(id)) {
    throw invalidInput(`Invalid value for field [id]: task id must be 1-255 characters without '/', must not start with '.' and must not have leading or trailing spaces`);
  }
  return id;
}

/** Druid's NoopTask: holds a slot for `runTime` ms; used for smoke tests and capacity checks. */
function describeNoop(body: Record<string, unknown>): TaskDescription {
  const runTime = body.runTime ?? 2500;
  if (typeof runTime !== 'number' || !Number.isInteger(runTime) || runTime < 0) {
    throw invalidInput('noop task: runTime must be a non-negative whole number of milliseconds');
  }
  const dataSource = body.dataSource === undefined || body.dataSource === null || body.dataSource === '' ? 'none' : checkDataSourceName(body.dataSource, 'dataSource');
  const context = body.context ?? {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) throw invalidInput('noop task: context must be a JSON object');
  const priority = taskPriority((context as Record<string, unknown>).priority, 0);
  const id = checkId(body.id) ?? `noop_${new Date().toISOString()}_${randomBytes(4).toString('hex')}`;
  return {
    id,
    groupId: id,
    type: 'noop',
    dataSource,
    priority,
    lock: null,
    payload: { type: 'noop', id, groupId: id, dataSource, runTime, resource: { availabilityGroup: id, requiredCapacity: 1 }, context: context as Record<string, unknown> },
  };
}

export function describeTask(body: unknown, opts: DescribeOptions): TaskDescription {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidInput('Task spec must be a JSON object');
  }
  const obj = body as Record<string, unknown>;
  switch (obj.type) {
    case 'noop':
      return describeNoop(obj);
    case 'index':
    case 'index_parallel': {
      const task = parseIndexTask(obj);
      validateInputAccess(task, opts.allowedInputDirs, opts.allowedHttpProtocols);
      const id = checkId(obj.id) ?? defaultTaskId(task);
      const req = lockRequirement(task);
      return {
        id,
        groupId: id,
        type: task.type,
        dataSource: task.dataSource,
        priority: task.priority,
        lock: { type: req.type, intervals: req.intervals },
        payload: taskPayload(task, id, id),
      };
    }
    case undefined:
      throw invalidInput('Missing type id when trying to resolve subtype of task: the "type" property is required');
    default:
      throw invalidInput(
        `Could not resolve type id '${String(obj.type)}' as a subtype of Task: known type ids = [index, index_parallel, noop]`,
      );
  }
}

/** Worker N of an MSQ controller: Druid's `<controllerId>-worker<N>_<attempt>`, same group and priority. */
export function describeWorker(controller: TaskDescription, n: number): TaskDescription {
  const id = `${controller.id}-worker${n}_0`;
  return {
    id,
    groupId: controller.id,
    type: 'query_worker',
    dataSource: controller.dataSource,
    priority: controller.priority,
    lock: null,
    payload: {
      type: 'query_worker', id, groupId: controller.id, dataSource: controller.dataSource, controllerTaskId: controller.id, workerNumber: n,
      resource: { availabilityGroup: id, requiredCapacity: 1 }, context: { priority: controller.priority },
    },
  };
}
