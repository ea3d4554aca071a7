import { unprintableProblem } from '../../../core/checks.js';
import type { SqlExpression, SqlQuery } from 'druid-query-toolkit';
import { SqlColumn, SqlFunction, SqlLiteral, SqlStar, SqlTable } from 'druid-query-toolkit';
import type { Granularity } from '../../../time/index.js';
import type { DescribedColumn } from './describe.js';
import { javaGranularity } from './partition.js';
import { invalidSql, type StatementKind } from './parse.js';

/**
 * Druid's checks on an INSERT/REPLACE target and on the planned output columns, in Druid's order
 * (IngestHandler, DruidSqlValidator, MSQTaskSqlEngine.validateInsert), with Druid's messages.
 */

const op = (kind: StatementKind): string => kind.toUpperCase();

/** The target datasource name (IdUtils.validateId rules), rejecting column lists and other schemas. */
export function targetDataSource(query: SqlQuery, kind: 'insert' | 'replace', target: readonly string[]): string {
  const clause = kind === 'insert' ? query.insertClause : query.replaceClause;
  const table = clause?.table;
  if (table instanceof SqlFunction || clause?.columns) {
    // The toolkit reads `INSERT INTO t (a, b)` as a call t(a, b); REPLACE keeps a column list.
    const name = table instanceof SqlFunction ? table.functionName.name : String(table);
    const cols = table instanceof SqlFunction ? table.getArgArray().map(String) : (clause?.columns?.columns.values.map((r) => r.name) ?? []);
    throw invalidSql(`Operation [${op(kind)}] cannot be run with a target column list, given [${name} (${cols.map((c) => `\`${c}\``).join(', ')})]`);
  }
  if (!(table instanceof SqlTable)) throw invalidSql(`Operation [${op(kind)}] needs a datasource name as its target, got [${String(table)}]`);
  // The toolkit drops the schema of a qualified target; the parts come from the text.
  const name = target.length > 0 ? target[target.length - 1] : table.getName();
  if (target.length > 2 || (target.length === 2 && target[0] !== 'druid')) {
    throw invalidSql(`Table [${target.join('.')}] does not support operation [${op(kind)}] because it is not a Druid datasource`);
  }
  if (name === '') throw invalidSql('Invalid value for field [table]: must not be null');
  if (name.startsWith('.')) throw invalidSql(`Invalid value for field [table]: Value [${name}] cannot start with '.'.`);
  if (name.includes('/')) throw invalidSql(`Invalid value for field [table]: Value [${name}] cannot contain '/'.`);
  if (/[^\S ]/.test(name)) throw invalidSql(`Invalid value for field [table]: Value [${name}] contains illegal whitespace characters.  Only space is allowed.`);
  const unprintable = unprintableProblem(name);
  if (unprintable !== null) throw invalidSql(`Invalid value for field [table]: Value [${JSON.stringify(name).slice(1, -1)}] ${unprintable}`);
  return name;
}

const UNNAMED = /^EXPR\$\d+$/;

/** Output checks of an ingestion: names, __time, LIMIT and OFFSET. */
export function validateIngestOutputs(columns: readonly DescribedColumn[], granularity: Granularity, query: SqlQuery): void {
  if (columns.some((c) => UNNAMED.test(c.name))) {
    throw invalidSql(
      'Insertion requires columns to be named, but at least one of the columns was unnamed.  This is usually the result of applying a function without having an AS clause, please ensure that all function callsare named with an AS clause as in "func(X) as myColumn".',
    );
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw invalidSql(`Duplicate field in SELECT: [${c.name}]`);
    seen.add(c.name);
  }
  const time = columns.find((c) => c.name === '__time');
  if (time && time.sqlType !== 'TIMESTAMP') throw invalidSql(`Field[__time] was the wrong type[${time.sqlType}], expected TIMESTAMP`);
  if (!time && granularity.type !== 'all') {
    throw invalidSql(
      `The granularity [${javaGranularity(granularity)}] specified in the PARTITIONED BY clause of the INSERT query is different from ALL. Therefore, the query must specify a time column (named __time).`,
    );
  }
  if (query.limitClause && granularity.type !== 'all') throw invalidSql('INSERT and REPLACE queries cannot have a LIMIT unless PARTITIONED BY is "ALL".');
  if (query.offsetClause) throw invalidSql('INSERT and REPLACE queries cannot have an OFFSET.');
}

/** CLUSTERED BY entries as output column names: ordinals, names, or select expressions. */
export function resolveClusteredBy(query: SqlQuery, clustered: readonly SqlExpression[], columns: readonly DescribedColumn[]): string[] {
  const exprs = query.getSelectExpressionsArray();
  const aligned = !exprs.some((e) => e instanceof SqlStar) && exprs.length === columns.length;
  return clustered.map((ex) => {
    if (ex instanceof SqlLiteral && typeof ex.value === 'number') {
      const n = ex.value;
      if (!Number.isInteger(n) || n < 1) throw invalidSql(`Ordinal [${n}] specified in the CLUSTERED BY clause is invalid. It must be a positive integer.`);
      if (n > columns.length) throw invalidSql('Ordinal out of range');
      return columns[n - 1].name;
    }
    if (ex instanceof SqlColumn && columns.some((c) => c.name === ex.getName())) return ex.getName();
    const index = aligned ? query.getSelectIndexForExpression(ex, true) : -1;
    if (index >= 0) return columns[index].name;
    throw invalidSql(`CLUSTERED BY [${String(ex)}] does not name an output column of the query; cluster by an output column name, an ordinal, or an expression that is in the SELECT list`);
  });
}
