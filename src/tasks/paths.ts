import path from 'node:path';

/** The data directory layout (DESIGN.md "Data layout"). */
export interface DataPaths {
  readonly root: string;
  readonly deepStorage: string;
  taskDir(taskId: string): string;
  logFile(taskId: string): string;
  reportFile(taskId: string): string;
  workDir(taskId: string): string;
}

// Task ids may contain ':' (ISO times) which is fine on POSIX file systems; '/' is refused on submit.
export function dataPaths(dataDir: string): DataPaths {
  return {
    root: dataDir,
    deepStorage: path.join(dataDir, 'segments'),
    taskDir: (id) => path.join(dataDir, 'tasks', id),
    logFile: (id) => path.join(dataDir, 'tasks', id, 'log'),
    reportFile: (id) => path.join(dataDir, 'tasks', id, 'report.json'),
    workDir: (id) => path.join(dataDir, 'tmp', id),
  };
}
