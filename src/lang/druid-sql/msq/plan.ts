import type { DuckDBInstance } from '@duckdb/node-api';
import type { SqlBase, SqlExpression } from 'druid-query-toolkit';
import { SqlAlias, SqlColumn, SqlQuery, SqlStar, SqlTable } from 'druid-query-toolkit';
import { bindParameters } from '../parse.js';
import { toDuckDbSql } from '../rewrite.js';
import type { SqlParameter } from '../parse.js';
import { granularityToJson, normalizeZone, type Granularity } from '../../../time/index.js';
import type { ExternInput, MsqInput, MsqPlan } from '../../../msq/types.js';
import { extractDataSources, type ListSegments } from './datasources.js';
import { describeStage0 } from './describe.js';
import { extractInputs } from './extern.js';
import { maskSql } from './lexer.js';
import { overwriteIntervals } from './overwrite.js';
import { invalidSql, parseMsqSql } from './parse.js';
import { partitionGranularity } from './partition.js';
import { analyseRollup } from './rollup.js';
import { resolveSettings } from '../../../msq/settings.js';
import { resolveClusteredBy, targetDataSource, validateIngestOutputs } from './validate.js';

/**
 * The SQL front end of MSQ: one statement (after SET prefixes) → an MsqPlan. Checks run in the
 * order Druid runs them (grammar, ingest handler, validator, MSQ engine), so a statement with
 * several problems reports the one Druid would.
 */

/** Names unnamed select expressions of nested queries EXPR$<i>, as Calcite does at every level. */
function nameNestedOutputs(top: SqlQuery): SqlQuery {
  return top.walk((node: SqlBase) => {
    if (!(node instanceof SqlQuery) || node === top) return node;
    const exprs = node.getSelectExpressionsArray();
    if (exprs.length === 0) return node;
    return node.changeSelectExpressions(
      exprs.map((ex, i) => (ex instanceof SqlAlias || ex instanceof SqlColumn || ex instanceof SqlStar ? ex : ex.as(`EXPR$${i}`, true))),
    );
  }) as SqlQuery;
}

/**
 * `SELECT *` over a single input lists the input's declared columns, so the stage-0 SQL reads
 * exactly the signature whatever else the executor's relation holds.
 */
function expandStar(query: SqlQuery, inputs: readonly MsqInput[]): SqlQuery {
  const from = query.fromClause;
  if (!from || from.getJoins().length > 0 || from.expressions.length() !== 1) return query;
  const rel = from.expressions.first();
  const table = rel instanceof SqlAlias ? rel.expression : rel;
  const alias = rel instanceof SqlAlias ? rel.getAliasName() : undefined;
  if (!(table instanceof SqlTable)) return query;
  const m = /^__input(\d+)$/.exec(table.getName());
  if (!m) return query;
  const names = (inputs[Number(m[1])] as ExternInput).signature.map((c) => c.name);
  const exprs = query.getSelectExpressionsArray().flatMap((ex): SqlExpression[] => {
    if (!(ex instanceof SqlStar)) return [ex];
    const qualifier = ex.table?.getName();
    if (qualifier !== undefined && qualifier !== alias && qualifier !== table.getName()) return [ex];
    return names.map((n) => SqlColumn.create(n));
  });
  return query.changeSelectExpressions(exprs);
}

/**
 * Drops a trailing `;` and trailing comments, which the toolkit keeps, so executors can embed the
 * SQL as a subquery (`SELECT ... FROM (<stage0Sql>)`).
 */
function bareStatement(sql: string): string {
  const end = maskSql(sql).replace(/[\s;]+$/, '').length;
  return sql.slice(0, end);
}

/**
 * `parameters` are the request's dynamic parameters, bound to `?` placeholders as Druid binds them;
 * `listSegments` reads the metadata store for statements that read existing datasources.
 */
export async function planMsqStatement(
  sql: string,
  context: Record<string, unknown>,
  duckdb: DuckDBInstance,
  parameters?: readonly SqlParameter[],
  listSegments?: ListSegments,
): Promise<MsqPlan> {
  const parsed = parseMsqSql(sql);
  const { kind, setContext, target } = parsed;
  const query = bindParameters(parsed.query, parameters);
  const merged: Record<string, unknown> = { ...context, ...setContext };
  const settings = resolveSettings(merged);

  let granularity: Granularity | null = null;
  let overwrite: MsqPlan['overwrite'] = null;
  let dataSource: string | null = null;
  if (kind !== 'select') {
    const op = kind.toUpperCase();
    if (merged.sqlOuterLimit !== undefined) throw invalidSql(`Context parameter [sqlOuterLimit] cannot be provided on operator [${op}]`);
    if (!query.partitionedByClause) throw invalidSql(`Operation [${op}] requires a PARTITIONED BY to be explicitly defined, but none was found.`);
    granularity = partitionGranularity(query.partitionedByClause);
    if (kind === 'replace') {
      const where = query.replaceClause?.whereClause?.expression;
      overwrite = where ? overwriteIntervals(where, granularity, normalizeZone(merged.sqlTimeZone, 'sqlTimeZone')) : 'all';
    }
    dataSource = targetDataSource(query, kind, target);
    if (query.orderByClause) throw invalidSql(`Cannot use an ORDER BY clause on a Query of type [${op}], use CLUSTERED BY instead`);
  }

  const select = query
    .changeInsertClause(undefined)
    .changeReplaceClause(undefined)
    .changePartitionedByClause(undefined)
    .changeClusteredByClause(undefined);
  const { query: withInputs, inputs: external } = extractInputs(select);
  rejectSystemTables(withInputs);
  // External inputs keep their numbers (`__input<n>`); datasources follow them.
  const timeZone = normalizeZone(merged.sqlTimeZone, 'sqlTimeZone');
  const inputs: MsqInput[] = [...external, ...(await extractDataSources(withInputs, sql, listSegments, timeZone))];
  const stage0 = expandStar(nameNestedOutputs(withInputs), inputs);
  const stage0Sql = bareStatement(toDuckDbSql(stage0, { timeZone }));
  const described = await describeStage0(duckdb, stage0Sql, inputs);

  if (granularity) validateIngestOutputs(described, granularity, stage0);
  const clusteredBy = query.clusteredByClause ? resolveClusteredBy(stage0, query.clusteredByClause.toArray(), described) : [];
  const rollup = analyseRollup(stage0, described.length, kind, settings.finalizeAggregations, inputs.length);
  const limit = query.getLimitValue() ?? null;

  return {
    kind,
    dataSource,
    overwrite,
    partitionedBy: granularity ? granularityToJson(granularity) : null,
    clusteredBy,
    grouped: rollup.grouped,
    // A LIMIT is global, and a statement without inputs has nothing to split.
    singleWorker: rollup.singleWorker || limit !== null || inputs.length === 0,
    limit,
    inputs,
    stage0Sql,
    columns: described.map((c, i) => ({ name: c.name, druidType: c.druidType, sqlType: c.sqlType, combine: rollup.combines[i] ?? null })),
    context: merged,
    sql,
    ...(parsed.explain ? { explain: true } : {}),
  };
}

/** System tables answer from the metadata store, not through tasks (reference §5.2). */
function rejectSystemTables(query: SqlQuery): void {
  const named: string[] = [];
  query.walk((node) => {
    if (node instanceof SqlTable) {
      const schema = node.getNamespaceName();
      if (schema === 'sys' || schema?.toUpperCase() === 'INFORMATION_SCHEMA') named.push(`${schema}.${node.getName()}`);
    }
    return node;
  });
  if (named.length > 0) throw invalidSql(`Cannot query table(s) [${[...new Set(named)].join(', ')}] with SQL engine [msq-task]`);
}
