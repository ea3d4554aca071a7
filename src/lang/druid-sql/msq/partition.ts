import type { SqlExpression, SqlPartitionedByClause } from 'druid-query-toolkit';
import { SqlColumn, SqlFunction, SqlLiteral } from 'druid-query-toolkit';
import { makePeriodGranularity, periodToString, tryParsePeriod, type Granularity } from '../../../time/index.js';
import { invalidSql } from './parse.js';

/**
 * PARTITIONED BY → segment granularity, following Druid's DruidSqlParserUtils: keywords (DAY),
 * strings ('PT1H', 'DAY'), identifiers (P1D), TIME_FLOOR(__time, period) and FLOOR(__time TO unit).
 * Only Druid's standard granularities are accepted (GranularityType.isStandard); Druid's own error
 * text lists its documented names, which leave out WEEK although WEEK is accepted.
 */

/** Standard period granularities (UTC, no origin) by ISO period, with their Druid names. */
const STANDARD: Record<string, string> = {
  PT1S: 'SECOND',
  PT1M: 'MINUTE',
  PT5M: 'FIVE_MINUTE',
  PT10M: 'TEN_MINUTE',
  PT15M: 'FIFTEEN_MINUTE',
  PT30M: 'THIRTY_MINUTE',
  PT1H: 'HOUR',
  PT6H: 'SIX_HOUR',
  PT8H: 'EIGHT_HOUR',
  P1D: 'DAY',
  P1W: 'WEEK',
  P1M: 'MONTH',
  P3M: 'QUARTER',
  P1Y: 'YEAR',
};
const PERIOD_OF_NAME = new Map(Object.entries(STANDARD).map(([p, n]) => [n, p]));
const DOCUMENTED = [...Object.values(STANDARD).filter((n) => n !== 'WEEK'), 'ALL'].map((n) => `'${n}'`).join(', ');

/** FLOOR(__time TO unit) units Druid maps to periods (TimeUnits.toPeriod). */
const FLOOR_UNITS: Record<string, string> = {
  SECOND: 'PT1S',
  MINUTE: 'PT1M',
  HOUR: 'PT1H',
  DAY: 'P1D',
  WEEK: 'P1W',
  MONTH: 'P1M',
  QUARTER: 'P3M',
  YEAR: 'P1Y',
};

/** A node as Calcite prints it in messages: identifiers in backquotes. */
export function calciteText(ex: SqlExpression): string {
  if (ex instanceof SqlColumn) return `\`${ex.getName()}\``;
  if (ex instanceof SqlFunction) {
    const args = ex.getArgArray();
    const name = ex.functionName.name;
    if (name.toUpperCase() === 'FLOOR' && args.length === 2 && isBareWord(args[1])) return `FLOOR(${calciteText(args[0])} TO ${String(args[1])})`;
    return `\`${name}\`(${args.map(calciteText).join(', ')})`;
  }
  return String(ex);
}

function isBareWord(ex: SqlExpression | undefined): boolean {
  return ex instanceof SqlLiteral && !String(ex).startsWith("'") && /^[A-Za-z_]+$/.test(String(ex));
}

function invalidGranularity(node: string): Error {
  return invalidSql(`Invalid granularity[${node}] specified after PARTITIONED BY clause. Expected ${DOCUMENTED}, ALL TIME, FLOOR() or TIME_FLOOR()`);
}

/** Granularity.fromString or a Joda period; undefined when neither, or not standard. */
function fromText(text: string): Granularity | undefined {
  const upper = text.trim().toUpperCase();
  if (upper === 'ALL') return { type: 'all' };
  const iso = PERIOD_OF_NAME.get(upper) ?? upper;
  const period = tryParsePeriod(iso);
  if (!period || STANDARD[periodToString(period)] === undefined) return undefined;
  return makePeriodGranularity(period);
}

function floorGranularity(fn: SqlFunction): Granularity {
  const op = fn.functionName.name;
  const name = op.toUpperCase();
  const args = fn.getArgArray();
  if (name !== 'FLOOR' && name !== 'TIME_FLOOR') {
    throw invalidSql(`Invalid operator[${op}] specified. PARTITIONED BY clause only supports FLOOR(__time TO <unit>) and TIME_FLOOR(__time, period) functions.`);
  }
  if (args.length !== 2) throw invalidSql(`${op} in PARTITIONED BY clause must have 2 arguments, but only [${args.length}] provided.`);
  if (!(args[0] instanceof SqlColumn)) {
    const kind = args[0] instanceof SqlLiteral ? 'LITERAL' : args[0] instanceof SqlFunction ? 'OTHER_FUNCTION' : 'OTHER';
    throw invalidSql(`Invalid argument type[${kind}] provided. The first argument to ${op} in PARTITIONED BY clause must be __time.`);
  }
  if (args[0].getName() !== '__time') {
    throw invalidSql(`Invalid argument[${args[0].getName()}] provided. The first argument to ${op} in PARTITIONED BY clause must be __time.`);
  }
  let iso: string | undefined;
  if (name === 'TIME_FLOOR') {
    const lit = args[1];
    if (!(lit instanceof SqlLiteral)) {
      throw invalidSql(`Invalid argument[${lit instanceof SqlFunction ? 'OTHER_FUNCTION' : 'OTHER'}] provided. The second argument to TIME_FLOOR in PARTITIONED BY clause must be a period like 'PT1H'.`);
    }
    const period = typeof lit.value === 'string' ? tryParsePeriod(lit.value) : null;
    if (!period) throw invalidSql(`granularity[${String(lit)}] is an invalid period literal.`);
    iso = periodToString(period);
  } else {
    if (!isBareWord(args[1])) {
      throw invalidSql(`Second argument[${String(args[1])}] to the FLOOR function in PARTITIONED BY clause is not a valid granularity. Please refer to the documentation of FLOOR function.`);
    }
    const unit = String(args[1]).toUpperCase();
    iso = FLOOR_UNITS[unit];
    if (!iso) throw invalidSql(`${unit} is not a valid period granularity for ingestion.`);
  }
  const g = fromText(iso);
  if (!g) throw invalidGranularity(calciteText(fn));
  return g;
}

export function partitionGranularity(clause: SqlPartitionedByClause): Granularity {
  const ex = clause.expression;
  // PARTITIONED BY ALL and ALL TIME leave no expression in the toolkit's tree.
  if (ex === undefined) return { type: 'all' };
  if (ex instanceof SqlFunction) return floorGranularity(ex);
  if (ex instanceof SqlLiteral && typeof ex.value === 'string') {
    return fromText(ex.value) ?? throwInvalid(String(ex));
  }
  if (ex instanceof SqlColumn) return fromText(ex.getName()) ?? throwInvalid(calciteText(ex));
  return throwInvalid(calciteText(ex));
}

function throwInvalid(node: string): never {
  throw invalidGranularity(node);
}

/** Granularity.toString() in Java, as Druid's messages print it. */
export function javaGranularity(g: Granularity): string {
  if (g.type === 'all') return 'AllGranularity';
  if (g.type === 'period') return `{type=period, period=${periodToString(g.period)}, timeZone=${g.timeZone}, origin=null}`;
  return JSON.stringify(g);
}
