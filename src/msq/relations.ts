import { quoteIdent } from '../engine/sql-text.js';
import { isDataSourceInput, type ExternInput, type MsqInput } from './types.js';

/**
 * How a plan's inputs appear to its stage-0 SQL: as relations of known names and DuckDB columns.
 * The planner types the SQL over empty tables of these; workers load the real rows into them.
 */

const INPUT_TYPES: Record<ExternInput['signature'][number]['type'], string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  double: 'DOUBLE',
  float: 'FLOAT',
};

/**
 * The DuckDB columns of relation `__input<n>`. Druid's SQL layer types an external column named
 * __time as TIMESTAMP whatever its declared (long, epoch-millisecond) type, so it is one here too:
 * executors must expose it as `epoch_ms(value)`.
 */
export function inputColumns(input: MsqInput): ReadonlyArray<{ name: string; duckType: string }> {
  if (isDataSourceInput(input)) return input.columns;
  return input.signature.map((c) => ({ name: c.name, duckType: c.name === '__time' ? 'TIMESTAMP' : INPUT_TYPES[c.type] }));
}

/** The relation the stage-0 SQL reads input `n` under. */
export const relationOf = (input: MsqInput, n: number): string => quoteIdent(isDataSourceInput(input) ? input.relation : `__input${n}`);

/** Creates each input as an empty TEMP table of its columns, so the stage-0 SQL binds over them. */
export function emptyInputTables(inputs: readonly MsqInput[]): string[] {
  return inputs.map((input, n) => {
    const cols = inputColumns(input).map((c) => `${quoteIdent(c.name)} ${c.duckType}`);
    return `CREATE OR REPLACE TEMP TABLE ${relationOf(input, n)} (${cols.join(', ')})`;
  });
}
