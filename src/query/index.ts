/** Druid SQL over DuckDB: the public surface of src/query. */
export { createQueryEngine, type QueryEngineOptions } from './engine.js';
export { runSql, cancelSql } from './run.js';
export { formatSqlResponse, resultFormatOf, type FormattedResponse } from './format.js';
export { sqlRoutes, toSqlRequest } from './routes.js';
export type {
  DataSourcePlan,
  QueryDeps,
  QueryPlan,
  ResultColumn,
  ResultFormat,
  SqlParameter,
  SqlRequest,
  SqlResult,
} from './types.js';
export { RESULT_FORMATS } from './types.js';
