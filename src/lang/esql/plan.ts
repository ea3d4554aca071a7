import type { MsqPlan } from '../../msq/types.js';
import type { QueryPlan } from '../../query/types.js';
import type { EsqlProgram } from './compile.js';
import { druidTypesOf, type EsType } from './types.js';

/**
 * A compiled ES|QL query as the engine's plans: a synchronous query over views of the datasources,
 * or the SELECT job an async query runs as (one worker, since the DuckDB statement is not split).
 * Both read the same visible segments, pruned by the `@timestamp` conditions.
 */

/** The ES|QL columns of a result, kept with an async query so its pages can be shown later. */
export interface EsqlColumn {
  readonly name: string;
  readonly type: EsType;
  readonly multi: boolean;
}

export const esqlColumns = (program: EsqlProgram): EsqlColumn[] => program.columns.map((c) => ({ name: c.name, type: c.type, multi: c.multi }));

export function esqlQueryPlan(program: EsqlProgram, queryId: string, timeoutMs?: number): QueryPlan {
  return {
    queryId,
    sql: program.sql,
    dataSources: program.sources.map((s) => ({ name: s.name, filter: s.filter })),
    systemTables: [],
    timeZone: 'UTC',
    timeoutMs,
    explain: false,
    stringifyArrays: false,
  };
}

export function esqlMsqPlan(program: EsqlProgram, text: string): MsqPlan {
  return {
    kind: 'select',
    dataSource: null,
    overwrite: null,
    partitionedBy: null,
    clusteredBy: [],
    grouped: false,
    singleWorker: true,
    limit: null,
    inputs: program.sources.map((s) => ({ dataSource: s.name, relation: s.name, filter: s.filter, columns: s.columns })),
    stage0Sql: program.sql,
    columns: program.columns.map((c) => ({ name: c.name, ...druidTypesOf(c.type, c.multi), combine: null })),
    context: { sqlTimeZone: 'UTC', sqlStringifyArrays: false },
    sql: text,
  };
}

/**
 * A result row as Elasticsearch prints it: a multi-value of one value is that value and of none
 * is null, booleans are booleans (the engine may hand them over as 1/0), NaN and infinities null.
 */
export function esqlRow(columns: readonly EsqlColumn[], row: readonly unknown[]): unknown[] {
  return columns.map((c, i) => {
    let v = row[i];
    if (v === undefined || v === null) return null;
    if (c.multi && Array.isArray(v)) {
      if (v.length === 0) return null;
      if (v.length === 1) v = v[0];
      else return v.map((x) => scalar(c.type, x));
    }
    return scalar(c.type, v);
  });
}

function scalar(type: EsType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'boolean') return v === true || v === 1 || v === 1n || v === '1' || v === 'true';
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}
