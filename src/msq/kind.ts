import { isSafeTaskId } from '../core/checks.js';
import { invalidInput } from '../core/errors.js';
import type { TaskDescription, TaskKind } from '../core/task-kind.js';
import { ETERNITY, bucketsOverlapping, parseGranularity } from '../time/granularity.js';
import { CANCELED, faultMessage } from './faults.js';
import type { MsqPlan, MsqSettings } from './types.js';

/**
 * The two task kinds of a multi-stage query: its controller (`query-<id>`, the statement) and the
 * workers it asks for (`<controller>-worker<N>_0`). Both are created by Grove, never submitted.
 */

/** Druid names the datasource of a SELECT job this way. */
export const SELECT_DATASOURCE = '__query_select';

/** The controller task id of a statement. */
export function controllerTaskId(queryId: string): string {
  const id = `query-${queryId}`;
  if (!isSafeTaskId(id)) {
    throw invalidInput(`Invalid sqlQueryId [${JSON.stringify(queryId).slice(1, -1)}]: it must be at most 249 characters, without '/', NUL or leading or trailing spaces`);
  }
  return id;
}

/** The lock an MSQ job holds before it runs: REPLACE locks what it overwrites; INSERT asks later. */
function lockFor(plan: MsqPlan): TaskDescription['lock'] {
  if (plan.kind === 'select') return null;
  if (plan.kind === 'insert') return { type: 'shared', intervals: null };
  if (plan.overwrite === 'all' || plan.overwrite === null) return { type: 'exclusive', intervals: [ETERNITY] };
  const gran = parseGranularity(plan.partitionedBy, 'PARTITIONED BY');
  return { type: 'exclusive', intervals: plan.overwrite.flatMap((i) => (gran.type === 'all' ? [ETERNITY] : bucketsOverlapping(i, gran))) };
}

/**
 * The controller task of a plan. `payloadExtras` are what the statement's language adds to the
 * payload (Druid SQL: the query text, its context and result settings).
 */
export function describeController(id: string, plan: MsqPlan, settings: MsqSettings, payloadExtras: Record<string, unknown> = {}): TaskDescription {
  const dataSource = plan.dataSource ?? SELECT_DATASOURCE;
  return {
    id,
    groupId: id,
    type: 'query_controller',
    dataSource,
    priority: settings.priority,
    lock: lockFor(plan),
    payload: {
      type: 'query_controller',
      id,
      groupId: id,
      dataSource,
      resource: { availabilityGroup: id, requiredCapacity: 1 },
      spec: { plan, settings },
      ...payloadExtras,
    },
  };
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

/** The plan a controller task runs, from its payload. */
export function planOfPayload(payload: Record<string, unknown>): MsqPlan | null {
  return (payload.spec as { plan?: MsqPlan } | undefined)?.plan ?? null;
}

interface MsqReportShape {
  multiStageQuery: { payload: { status: { status: string; errorReport?: unknown; durationMs?: number; startTime?: string }; stages?: Array<{ phase?: string }> } };
}

const isMsqReport = (r: unknown): r is MsqReportShape => typeof r === 'object' && r !== null && 'multiStageQuery' in r;

/**
 * A controller records how its query ended (the Canceled fault of a shutdown included) before it
 * exits. One that could not (its process crashed or was killed) left a RUNNING report: that report
 * is ended FAILED, saying no more than the scheduler knows.
 */
function finalControllerReport(_taskId: string, errorMsg: string | null, live: unknown): unknown {
  if (!isMsqReport(live)) return live;
  const report = structuredClone(live);
  const status = report.multiStageQuery.payload.status;
  if (status.status !== 'RUNNING' || errorMsg === null) return report;
  status.status = 'FAILED';
  const message = `The controller ended without recording how the query ended: ${errorMsg}`;
  status.errorReport = { taskId: null, host: null, error: { errorCode: 'UnknownError', message, errorMessage: message } };
  if (status.startTime) status.durationMs = Date.now() - Date.parse(status.startTime);
  for (const st of report.multiStageQuery.payload.stages ?? []) if (st.phase !== undefined && st.phase !== 'FINISHED') st.phase = 'FAILED';
  return report;
}

export const queryControllerKind: TaskKind = {
  type: 'query_controller',
  load: async () => (await import('./controller.js')).runController,
  // The controller and its first worker start together, or not at all.
  startSlots: 2,
  finalReport: finalControllerReport,
  statement: true,
  describeMember: describeWorker,
  membersEndedReason: faultMessage(CANCELED),
};

export const queryWorkerKind: TaskKind = {
  type: 'query_worker',
  load: async () => (await import('./worker.js')).runWorker,
};
