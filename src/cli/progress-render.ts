import cliProgress from 'cli-progress';
import { stageLine, type StageView } from './progress-model.js';

/**
 * Shows stage views while `grove sql --wait` polls: live bars on a terminal, plain lines otherwise
 * (CI logs, pipes) where redrawing would leave escape codes and hundreds of partial frames.
 */

export interface ProgressRenderer {
  update(views: readonly StageView[]): void;
  /** A message above the bars (or a plain line). */
  log(line: string): void;
  stop(): void;
}

/** Bars count in thousandths so a stage with no known total yet can still be drawn (empty). */
const SCALE = 1000;

function payload(v: StageView): Record<string, string> {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  const detail = v.files ? `files ${v.files.read}/${v.files.total}` : v.processor === 'segmentGenerator' && v.bar.value > 0 ? `persisted ${fmt(v.bar.value)}` : '';
  return {
    stage: `stage ${v.stageNumber} ${v.processor}`.padEnd(24),
    pct: v.fraction === null ? '  ?%' : `${String(Math.floor(v.fraction * 100)).padStart(3)}%`,
    phase: v.phase.padEnd(14),
    workers: v.workerCount === null ? 'workers -' : `workers ${v.workerCount}`,
    rows: `rows ${fmt(v.rowsIn)} -> ${fmt(v.rowsOut)}`,
    detail,
  };
}

export class TtyRenderer implements ProgressRenderer {
  private readonly multi: cliProgress.MultiBar;
  private readonly bars = new Map<number, cliProgress.SingleBar>();
  private stopped = false;

  constructor(stream: NodeJS.WritableStream) {
    this.multi = new cliProgress.MultiBar(
      {
        stream,
        format: '{stage} |{bar}| {pct}  {phase} {workers}  {rows}  {detail}',
        hideCursor: true,
        clearOnComplete: false,
        barsize: 20,
        // The bars are redrawn from polled reports; a higher frame rate only burns CPU.
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(views: readonly StageView[]): void {
    for (const v of views) {
      const value = Math.round((v.fraction ?? 0) * SCALE);
      const bar = this.bars.get(v.stageNumber);
      if (bar) bar.update(value, payload(v));
      else this.bars.set(v.stageNumber, this.multi.create(SCALE, value, payload(v)));
    }
  }

  log(line: string): void {
    this.multi.log(`${line}\n`);
  }

  stop(): void {
    // Stopping twice would print the final frame twice.
    if (this.stopped) return;
    this.stopped = true;
    this.multi.stop();
  }
}

/**
 * One line per stage whenever its phase, worker count or file count changes; row counts alone
 * move on every poll, so a stage whose only change is rows prints at most every `quietMs`.
 */
export class PlainRenderer implements ProgressRenderer {
  private readonly last = new Map<number, { key: string; line: string; at: number }>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly quietMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  update(views: readonly StageView[]): void {
    for (const v of views) {
      const line = stageLine(v);
      const key = `${v.phase}|${v.workerCount}|${v.files?.read}|${v.partitionCount}`;
      const prev = this.last.get(v.stageNumber);
      if (prev?.line === line) continue;
      const t = this.now();
      if (prev && prev.key === key && t - prev.at < this.quietMs) continue;
      this.last.set(v.stageNumber, { key, line, at: t });
      this.write(`${line}\n`);
    }
  }

  log(line: string): void {
    this.write(`${line}\n`);
  }

  stop(): void {}
}
