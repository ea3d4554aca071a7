import { faultPoint } from '../core/fault-points.js';
import type { TaskContext } from '../core/task-context.js';
import { runStage0, runStage1, type WorkerIO } from './exec/index.js';
import { faultOf } from './faults.js';
import type { ControllerToWorker, WorkerToController } from './types.js';

/**
 * An MSQ worker task (`<controller>-worker<N>_0`, type query_worker): announces itself to its
 * controller, runs the work orders it is sent one at a time, and ends when the controller says the
 * query is over. A fault is reported to the controller, which fails the query and stops the workers.
 */
export async function runWorker(task: Record<string, unknown>, ctx: TaskContext): Promise<undefined> {
  const controllerId = String(task.controllerTaskId);
  const tell = (m: WorkerToController): void => ctx.send(controllerId, m);
  const stopping = new AbortController();
  const io: WorkerIO = {
    workDir: ctx.workDir,
    allowedInputDirs: ctx.allowedInputDirs,
    allowedHttpProtocols: ctx.allowedHttpProtocols,
    signal: ctx.signal,
    log: ctx.log,
    counters: (stage, counters) => tell({ type: 'counters', stage, counters }),
    deepStorageDir: ctx.deepStorageDir,
    stopSignal: stopping.signal,
  };
  return new Promise<undefined>((resolve, reject) => {
    let queue = Promise.resolve();
    ctx.onMessage((from, message) => {
      if (from !== controllerId) return;
      const m = message as ControllerToWorker;
      // Acted on at once, not queued behind the work order it is meant to cut short.
      if (m.type === 'stop') {
        ctx.log('INFO', 'Stop requested by the controller: finishing with the input read so far');
        stopping.abort();
        return;
      }
      if (m.type === 'finish') {
        queue.then(() => resolve(undefined), reject);
        return;
      }
      queue = queue.then(async () => {
        const { order } = m;
        ctx.log('INFO', `Work order for stage ${order.stage}`);
        try {
          if (order.stage === 1) await faultPoint('worker.stage1', ctx.signal);
          const result = order.stage === 0 ? await runStage0(order, io) : await runStage1(order, io);
          tell({ type: 'stageResult', result });
        } catch (e) {
          const fault = faultOf(e, ctx.signal);
          ctx.log('ERROR', `Stage ${order.stage} failed: ${fault.errorCode}: ${fault.errorMessage}`);
          tell({ type: 'stageFailed', stage: order.stage, fault });
        }
      });
    });
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
    tell({ type: 'ready' });
  });
}
