import path from 'node:path';
import { isSafeTaskId } from '../core/checks.js';

/** The data directory layout (DESIGN.md "Data layout"). */
export interface DataPaths {
  readonly root: string;
  readonly deepStorage: string;
  taskDir(taskId: string): string;
  logFile(taskId: string): string;
  reportFile(taskId: string): string;
  workDir(taskId: string): string;
  /** Result pages of a SELECT job (statements API), kept for the results retention. */
  resultsDir(taskId: string): string;
}

function checked(id: string): string {
  if (!isSafeTaskId(id)) throw new Error(`internal: unsafe task id [${id}] reached the file layout`);
  return id;
}

export function dataPaths(dataDir: string): DataPaths {
  return {
    root: dataDir,
    deepStorage: path.join(dataDir, 'segments'),
    taskDir: (id) => path.join(dataDir, 'tasks', checked(id)),
    logFile: (id) => path.join(dataDir, 'tasks', checked(id), 'log'),
    reportFile: (id) => path.join(dataDir, 'tasks', checked(id), 'report.json'),
    workDir: (id) => path.join(dataDir, 'tmp', checked(id)),
    resultsDir: (id) => path.join(dataDir, 'tasks', checked(id), 'results'),
  };
}
