import type { RunnerState, StatusCode } from './types.js';

/**
 * One task as every part of Grove sees it, whether it is still queued or running (the scheduler
 * knows it) or has ended (the store knows it). Faces map it to their own shapes.
 */
export interface TaskView {
  readonly id: string;
  readonly groupId: string;
  readonly type: string;
  readonly dataSource: string;
  readonly createdMs: number;
  readonly status: StatusCode;
  /** WAITING (for locks), PENDING (for a slot), RUNNING, or NONE once it ended. */
  readonly runnerState: RunnerState;
  readonly startedMs: number | null;
  /** How long it ran; null while it has not ended. */
  readonly durationMs: number | null;
  readonly errorMsg: string | null;
  /** Where it runs or ran; null while it has not started. */
  readonly location: { readonly host: string; readonly port: number } | null;
}
