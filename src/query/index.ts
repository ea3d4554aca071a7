/** The query engine: plans of any language run on DuckDB over the visible segments. */
export { createQueryEngine, type QueryEngineOptions } from './engine.js';
export { cancelQuery, executeQuery, missingDataSource } from './execute.js';
export type { DataSourcePlan, ExecutedPlan, QueryDeps, QueryPlan, QueryResult, ResultColumn } from './types.js';
