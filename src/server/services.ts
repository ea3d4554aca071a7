import type { Logger } from 'pino';
import type { GroveConfig } from '../config/config.js';
import type { Db } from '../store/db.js';
import type { DataPaths } from '../tasks/paths.js';
import type { TaskQueue } from '../tasks/queue.js';

/** The core services every HTTP face is a thin adapter over. */
export interface Services {
  readonly config: GroveConfig;
  readonly db: Db;
  readonly paths: DataPaths;
  readonly queue: TaskQueue;
  readonly log: Logger;
}
