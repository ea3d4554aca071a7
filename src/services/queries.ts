import type { DuckDBInstance } from '@duckdb/node-api';
import { cancelQuery, executeQuery } from '../query/execute.js';
import type { ServerInfo } from '../query/system/rows.js';
import type { QueryPlan, QueryResult } from '../query/types.js';
import type { DatasourceService } from './datasources.js';
import type { TaskService } from './tasks.js';

/**
 * Synchronous queries of any language: the front end makes the plan, this runs it on the shared
 * engine over the visible segments, with the plan's timeout, cancellable by its query id.
 */
export class QueryService {
  readonly engine: DuckDBInstance;
  readonly #run: (plan: QueryPlan) => Promise<QueryResult>;

  constructor(engine: DuckDBInstance, deepStorageDir: string, datasources: DatasourceService, tasks: TaskService, server: ServerInfo) {
    this.engine = engine;
    const deps = {
      listUsedSegments: (names: string[]) => datasources.cached(names),
      knownDataSources: () => datasources.names(),
      deepStorageDir,
      duckdb: engine,
      // sys.tasks shows what the task lists show: active tasks, then those that ended recently.
      listTasks: () => tasks.list(),
      server,
    };
    this.#run = (plan) => executeQuery(plan, deps);
  }

  run(plan: QueryPlan): Promise<QueryResult> {
    return this.#run(plan);
  }

  /** Interrupts the running query with this id; false when none is running. */
  cancel(queryId: string): boolean {
    return cancelQuery(queryId);
  }
}
