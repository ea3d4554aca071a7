import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Test-only fault points: places where a test can make Grove crash, pause or wait, to prove what
 * survives a crash at exactly that step. They are read once, when a process starts, from
 * `GROVE_FAULTS` (`point=action[,point=action]`); unset (production), every point is a no-op.
 *
 * Actions:
 * - `crash`: SIGKILL this process on the spot, as a power cut would;
 * - `delay:<ms>`: pause, widening a race window;
 * - `hold`: write `<GROVE_FAULT_DIR>/<point>.reached` and wait until `<point>.release` exists.
 *
 * Task processes inherit the environment, so points in them work the same way.
 */
export type FaultPoint =
  /** Segment files moved into deep storage; the publish transaction has not begun. */
  | 'publish.after-move'
  /** Partition numbers read and segment rows written inside the publish transaction, not committed. */
  | 'publish.before-commit'
  /** The publish transaction committed; the scheduler has not yet released locks or written the report. */
  | 'publish.after-commit'
  /** An MSQ worker received its stage-1 (segment generation) work order and has not started it. */
  | 'worker.stage1'
  /** The scheduler submitted a controller's workers and has not yet told the controller their ids. */
  | 'scheduler.workers-submitted'
  /** An MSQ stage-0 worker read one input file and has not started the next (a hold ends on stop). */
  | 'worker.split-read';

type Action = { readonly kind: 'crash' } | { readonly kind: 'hold' } | { readonly kind: 'delay'; readonly ms: number };

const POINTS: readonly FaultPoint[] = ['publish.after-move', 'publish.before-commit', 'publish.after-commit', 'worker.stage1', 'scheduler.workers-submitted', 'worker.split-read'];

/** Parses `GROVE_FAULTS`; throws on anything it does not know, so a typo never silently tests nothing. */
export function parseFaults(raw: string | undefined): ReadonlyMap<FaultPoint, Action> {
  const out = new Map<FaultPoint, Action>();
  for (const part of (raw ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [point, action] = part.split('=', 2);
    if (!POINTS.includes(point as FaultPoint)) throw new Error(`GROVE_FAULTS: unknown fault point [${point}]; known: ${POINTS.join(', ')}`);
    const delay = /^delay:(\d+)$/.exec(action ?? '');
    if (action === 'crash' || action === 'hold') out.set(point as FaultPoint, { kind: action });
    else if (delay) out.set(point as FaultPoint, { kind: 'delay', ms: Number(delay[1]) });
    else throw new Error(`GROVE_FAULTS: unknown action [${action}] for [${point}]; use crash, hold or delay:<ms>`);
  }
  return out;
}

const faults = parseFaults(process.env.GROVE_FAULTS);
const gateDir = process.env.GROVE_FAULT_DIR;
if ([...faults.values()].some((a) => a.kind === 'hold') && !gateDir) throw new Error('GROVE_FAULTS: a hold needs GROVE_FAULT_DIR');

/** Reaches a fault point: does nothing unless a test armed it. */
export async function faultPoint(point: FaultPoint, signal?: AbortSignal): Promise<void> {
  const action = faults.get(point);
  if (action === undefined) return;
  if (action.kind === 'crash') {
    process.kill(process.pid, 'SIGKILL');
    await sleep(60_000);
  } else if (action.kind === 'delay') {
    await sleep(action.ms);
  } else {
    const dir = gateDir as string;
    fs.appendFileSync(path.join(dir, `${point}.reached`), `${process.pid}\n`);
    while (!fs.existsSync(path.join(dir, `${point}.release`))) {
      if (signal?.aborted) return;
      await sleep(20);
    }
  }
}
