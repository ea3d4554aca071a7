import type { SqlBase } from 'druid-query-toolkit';
import { SqlFunction, SqlQuery, SqlStar } from 'druid-query-toolkit';
import type { Combine } from '../../../msq/types.js';
import type { StatementKind } from './parse.js';
import { invalidSql } from './parse.js';

/**
 * How a statement splits across workers. Stage 0 runs the whole SELECT on each worker's share of
 * the input files; for GROUP BY, stage 1 merges the partial rows of equal keys with each output
 * column's `combine`. Anything whose partials cannot be merged that way (distinct counts, sketches,
 * AVG, HAVING, windows, subqueries that aggregate, joins between inputs, ORDER BY/LIMIT) runs on a
 * single worker instead, which is always correct.
 */

const COMBINE: Record<string, Combine> = {
  SUM: 'sum',
  COUNT: 'sum',
  MIN: 'min',
  MAX: 'max',
  EARLIEST: 'earliest',
  EARLIEST_BY: 'earliest',
  LATEST: 'latest',
  LATEST_BY: 'latest',
  ANY_VALUE: 'any',
};

const OTHER_AGGREGATES = [
  'AVG', 'APPROX_COUNT_DISTINCT', 'APPROX_COUNT_DISTINCT_BUILTIN', 'APPROX_COUNT_DISTINCT_DS_HLL', 'APPROX_COUNT_DISTINCT_DS_THETA',
  'APPROX_QUANTILE', 'APPROX_QUANTILE_DS', 'APPROX_QUANTILE_FIXED_BUCKETS', 'DS_HLL', 'DS_THETA', 'DS_QUANTILES_SKETCH', 'DS_TUPLE_DOUBLES',
  'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VARIANCE', 'VAR_POP', 'VAR_SAMP', 'ARRAY_AGG', 'ARRAY_CONCAT_AGG', 'STRING_AGG', 'LISTAGG',
  'BIT_AND', 'BIT_OR', 'BIT_XOR', 'BOOL_AND', 'BOOL_OR', 'EVERY', 'GROUPING',
];
const AGGREGATES = new Set([...Object.keys(COMBINE), ...OTHER_AGGREGATES]);

function isAggregate(node: SqlBase): node is SqlFunction {
  return node instanceof SqlFunction && !node.windowSpec && AGGREGATES.has(node.getEffectiveFunctionName().toUpperCase());
}

/** Nodes of `root` matching `test`, not looking inside nested queries when `shallow`. */
function find(root: SqlBase, test: (n: SqlBase) => boolean, shallow: boolean): SqlBase[] {
  const out: SqlBase[] = [];
  root.walk((node, stack) => {
    const nested = stack.some((s) => s instanceof SqlQuery && s !== root);
    if ((!shallow || (!nested && !(node instanceof SqlQuery && node !== root))) && test(node)) out.push(node);
    return node;
  });
  return out;
}

/** A nested query that needs all rows at once (so cannot run per input split). */
function needsAllRows(q: SqlQuery): boolean {
  const aggregates = q.getSelectExpressionsArray().some((e) => find(e, isAggregate, true).length > 0);
  return Boolean(q.groupByClause || q.havingClause || q.orderByClause || q.limitClause || q.offsetClause || q.decorator === 'DISTINCT' || aggregates);
}

export interface Rollup {
  readonly grouped: boolean;
  readonly combines: readonly Combine[];
  readonly singleWorker: boolean;
}

/** `query` is the stage-0 SELECT (inputs replaced, top-level stars expanded where possible). */
export function analyseRollup(query: SqlQuery, outputs: number, kind: StatementKind, finalize: boolean, inputCount: number): Rollup {
  const exprs = query.getSelectExpressionsArray().map((e) => e.getUnderlyingExpression());
  const topAggregates = exprs.map((e) => find(e, isAggregate, true));
  const grouped = Boolean(query.groupByClause) || query.decorator === 'DISTINCT' || topAggregates.some((a) => a.length > 0);

  let single =
    inputCount > 1 ||
    Boolean(query.havingClause || query.orderByClause || query.limitClause || query.offsetClause || query.unionQuery) ||
    find(query, (n) => n instanceof SqlFunction && Boolean(n.windowSpec), false).length > 0 ||
    find(query, (n) => n instanceof SqlQuery && n !== query && needsAllRows(n), false).length > 0;

  if (!grouped) return { grouped, combines: new Array<Combine>(outputs).fill(null), singleWorker: single };
  if (exprs.some((e) => e instanceof SqlStar) || exprs.length !== outputs) {
    return { grouped, combines: new Array<Combine>(outputs).fill(null), singleWorker: true };
  }
  // Stage 1 merges by the output key columns, so every GROUP BY key must be an output column.
  for (const g of query.getGroupByExpressions() ?? []) {
    const name = g instanceof SqlFunction ? g.getEffectiveFunctionName().toUpperCase() : '';
    if (['ROLLUP', 'CUBE', 'GROUPING SETS', 'GROUPING_SETS'].includes(name) || query.getSelectIndexForExpression(g, true) < 0) single = true;
  }
  const combines = exprs.map((e, i): Combine => {
    const aggs = topAggregates[i];
    if (aggs.length === 0) return null;
    if (!(e instanceof SqlFunction) || aggs[0] !== e) {
      single = true; // an expression over aggregates, e.g. SUM(x) / COUNT(*)
      return null;
    }
    const name = e.getEffectiveFunctionName().toUpperCase();
    if (name === 'AVG') avgCheck(kind, finalize);
    const combine = e.getEffectiveDecorator() === 'DISTINCT' ? undefined : COMBINE[name];
    if (combine === undefined) {
      single = true;
      return null;
    }
    return combine;
  });
  return { grouped, combines, singleWorker: single };
}

/**
 * Druid's rollup metrics are SUM, COUNT, MIN, MAX, EARLIEST/LATEST and sketches; AVG has no stored
 * partial form (reference §1.3). With finalized aggregations AVG is just a DOUBLE column and fine.
 */
function avgCheck(kind: StatementKind, finalize: boolean): void {
  if (kind !== 'select' && !finalize) {
    throw invalidSql(
      'AVG cannot be stored as a rollup metric (finalizeAggregations is false): store SUM and COUNT columns and divide them at query time, or set finalizeAggregations to true to store the finished average.',
    );
  }
}
