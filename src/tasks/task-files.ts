import fs from 'node:fs';
import type { DataPaths } from './paths.js';
import { kindOf } from '../kinds/index.js';

/** The files a task leaves for users: its log (the scheduler adds lines too) and its final report. */
export class TaskFiles {
  readonly #paths: DataPaths;

  constructor(paths: DataPaths) {
    this.#paths = paths;
  }

  /** Writes the completion report made from the last live one (none for tasks without reports). */
  writeReport(taskId: string, type: string, errorMsg: string | null, live: unknown): void {
    const report = kindOf(type).finalReport?.(taskId, errorMsg, live) ?? live;
    if (report === undefined) return;
    fs.mkdirSync(this.#paths.taskDir(taskId), { recursive: true });
    fs.writeFileSync(this.#paths.reportFile(taskId), JSON.stringify(report));
  }

  /** Adds a line in the task log's format; only to a task that has begun running (has a log). */
  appendLog(taskId: string, level: 'INFO' | 'ERROR', message: string): void {
    if (!fs.existsSync(this.#paths.taskDir(taskId))) return;
    const ts = new Date().toISOString().replace('.', ',').replace('Z', '');
    fs.appendFileSync(this.#paths.logFile(taskId), `${ts} ${level} [grove-queue] grove.TaskQueue - ${message}\n`);
  }
}
