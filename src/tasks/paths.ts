import path from 'node:path';

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

/**
 * Task ids become directory names, so they must not be able to climb out of the data directory:
 * no '/', and no leading '.' (Druid's IdUtils refuses the same). ':' from ISO times is fine on POSIX.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be refused
export const TASK_ID_PATTERN = /^(?!\.)[^/\u0000]{1,255}$/u;
export const isSafeTaskId = (id: string): boolean => TASK_ID_PATTERN.test(id) && id.trim() === id && id !== '';

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
