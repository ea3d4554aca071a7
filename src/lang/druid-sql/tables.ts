import type { SqlBase, SqlColumn, SqlExpression } from 'druid-query-toolkit';
import { SqlAlias, SqlFunction, SqlQuery, SqlTable } from 'druid-query-toolkit';
import type { Interval } from '../../core/types.js';
import { GroveError } from '../../core/errors.js';
import { union } from '../../segments/intervals.js';
import { timeFilter } from './time-filter.js';

/**
 * Finds the datasources a query reads and, per datasource, the time ranges its WHERE clauses
 * allow. A datasource referenced several times gets the union of what each reference needs; one
 * reference without an analysable filter means "all of time" for that datasource.
 */

export interface TableRef {
  /** Datasource name as written, without the `druid.` schema. */
  readonly name: string;
  /** Schema as written (`druid`, `sys`, ...), or undefined. */
  readonly schema: string | undefined;
  /** Raw text of the reference, to locate it for error messages. */
  readonly text: string;
}

export interface TableUsage {
  readonly refs: TableRef[];
  /** Datasource name -> allowed time ranges, or null for no pruning. */
  readonly filters: Map<string, Interval[] | null>;
}

/** Table functions Druid's native engine accepts in FROM that Grove can hand to DuckDB as is. */
const ALLOWED_FROM_FUNCTIONS = new Set(['UNNEST']);

interface FromItem {
  readonly table?: SqlTable;
  /** The name rows of this item are qualified by: the alias, or the table name. */
  readonly qualifier?: string;
}

function fromItem(ex: SqlExpression): FromItem {
  const inner = ex instanceof SqlAlias ? ex.getUnderlyingExpression() : ex;
  const alias = ex instanceof SqlAlias ? ex.getAliasName() : undefined;
  if (inner instanceof SqlTable) return { table: inner, qualifier: alias ?? inner.getName() };
  if (inner instanceof SqlFunction) {
    const name = inner.getEffectiveFunctionName().toUpperCase();
    if (!ALLOWED_FROM_FUNCTIONS.has(name)) {
      throw new GroveError('invalidInput', `Table function [${name}] is not supported by Grove's SQL engine; only UNNEST is`, {
        context: { sourceType: 'sql' },
      });
    }
    return { qualifier: alias };
  }
  if (inner.type === 'literal') {
    throw new GroveError('invalidInput', `A literal [${String(inner)}] cannot be used as a table`, { context: { sourceType: 'sql' } });
  }
  // Subqueries and VALUES are visited as query nodes of their own.
  return { qualifier: alias };
}

function queryFromItems(q: SqlQuery): FromItem[] {
  if (!q.fromClause) return [];
  const exprs = [...q.fromClause.expressions.values, ...q.fromClause.getJoins().map((j) => j.table)];
  return exprs.map(fromItem);
}

function lineColumn(sql: string, text: string): { line: number; column: number } | undefined {
  let at = sql.indexOf(text);
  if (at < 0) at = sql.toLowerCase().indexOf(text.toLowerCase());
  if (at < 0) return undefined;
  const before = sql.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * Calcite's message for an unknown table, with its position as Druid reports it; the query engine
 * and the MSQ planner both answer it.
 */
export function objectNotFound(sql: string, ref: TableRef, message?: string): GroveError {
  const within = ref.schema !== undefined ? ` within '${ref.schema}'` : '';
  const what = message ?? `Object '${ref.name}' not found${within}`;
  const pos = lineColumn(sql, ref.text);
  const where = pos ? ` (line [${pos.line}], column [${pos.column}])` : '';
  const context: Record<string, string> = { sourceType: 'sql' };
  if (pos) {
    Object.assign(context, {
      line: String(pos.line),
      column: String(pos.column),
      endLine: String(pos.line),
      endColumn: String(pos.column + ref.text.length - 1),
    });
  }
  return new GroveError('invalidInput', `${what}${where}`, { context });
}

export function findTables(root: SqlBase): TableUsage {
  const cteNames = new Set<string>();
  root.walk((node) => {
    if (node.type === 'withPart') cteNames.add((node as unknown as { table: { name: string } }).table.name);
    return node;
  });

  const refs: TableRef[] = [];
  const filters = new Map<string, Interval[] | null>();
  const need = (name: string, f: Interval[] | null): void => {
    if (!filters.has(name)) filters.set(name, f);
    else {
      const prev = filters.get(name) ?? null;
      filters.set(name, prev === null || f === null ? null : union(prev, f));
    }
  };

  root.walk((node) => {
    if (!(node instanceof SqlQuery)) return node;
    const items = queryFromItems(node);
    for (const item of items) {
      const t = item.table;
      if (!t) continue;
      const schema = t.getNamespaceName();
      if (schema === undefined && cteNames.has(t.getName())) continue;
      const ref: TableRef = { name: t.getName(), schema, text: t.toString() };
      refs.push(ref);
      if (schema !== undefined && schema.toLowerCase() !== 'druid') continue;
      // Unqualified __time only unambiguously means this table when it is the only FROM item.
      const isTime = (c: SqlColumn): boolean => {
        if (c.getName() !== '__time') return false;
        const qualifier = c.getTableName();
        return qualifier === undefined ? items.length === 1 : qualifier === item.qualifier;
      };
      need(ref.name, timeFilter(node.getWhereExpression(), isTime));
    }
    return node;
  });
  return { refs, filters };
}
