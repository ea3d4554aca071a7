import { runDruidQuery, type DruidQueryRequest } from '../../src/lang/druid-sql/query.js';
import { cancelQuery, executeQuery, type QueryDeps, type QueryResult } from '../../src/query/index.js';

/** A Druid SQL query through the front end and the engine, as the Druid face runs it. */
export const runSql = (request: DruidQueryRequest, deps: QueryDeps): Promise<QueryResult> =>
  runDruidQuery(request, (plan) => executeQuery(plan, deps));

export const cancelSql = cancelQuery;
