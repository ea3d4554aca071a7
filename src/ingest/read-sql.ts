import { ETERNITY } from '../time/granularity.js';
import { exprValueSql, type Scope } from './expr-sql.js';
import { asDouble, asLong, asString, convert, parseLongSql, typed, type SqlType, type Typed } from './expr-types.js';
import { filterColumns, filterToSql } from './filter.js';
import { identifiersOf } from './expr-parse.js';
import type { InputFile } from '../engine/input.js';
import type { FieldKind, InputField, OutputColumn, RowPlan } from './plan.js';
import type { IndexTask, TimestampSpec } from './spec-types.js';
import { quoteIdent, quotePath, quoteString } from '../engine/sql-text.js';

/**
 * The SQL that turns one input file into a batch table: one row per input record with
 *   rowid+1  record (line) number in the file (for JSON records: among non-blank lines, see below)
 *   __kind   0 ok, 1 unparseable row, 2 bad timestamp, 3 timestamp out of range, 5 blank line
 *   __keep   ingested (in intervals, passes filter)   __errs  column parse errors (newline separated) or NULL
 *   __ms     row timestamp, epoch ms            __tsraw the timestamp text, __raw the row (JSON text), kept only for bad rows
 *   d0..     dimension values                   m0..    metric inputs
 * Counting and saving parse exceptions are then plain SQL over that table.
 */

export interface BatchSource {
  readonly file: InputFile;
  readonly table: string;
  readonly rejectsTable: string;
  /** Columns of this file for CSV/TSV; ignored for JSON. */
  readonly columns: readonly string[];
  /** JSON only: whole records through read_json rather than line by line (see jsonRecordsSource). */
  readonly jsonRecords?: boolean;
}

/** The longest line (record) either reader takes. */
export const MAX_LINE = 64 * 1024 * 1024;

const pointer = (name: string): string => `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
const isJsonKind = (k: FieldKind): boolean => k === 'json' || k.startsWith('array-');
const SCOPE_TYPE: Record<FieldKind, SqlType> = {
  string: 'string',
  long: 'long',
  boolean: 'long',
  double: 'double',
  float: 'double',
  json: 'json',
  'array-string': 'json',
  'array-long': 'json',
  'array-double': 'json',
};

function timestampSql(t: string, ts: TimestampSpec): string {
  const iso = `epoch_ms(CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP))`;
  const dec = `TRY_CAST(${t} AS DOUBLE)`;
  let parsed: string;
  switch (ts.format) {
    case 'iso':
      parsed = iso;
      break;
    case 'millis':
      parsed = parseLongSql(t);
      break;
    case 'posix':
      parsed = `TRY_CAST(trunc(${dec} * 1000) AS BIGINT)`;
      break;
    case 'micro':
      parsed = `TRY_CAST(trunc(${dec} / 1000) AS BIGINT)`;
      break;
    case 'nano':
      parsed = `TRY_CAST(trunc(${dec} / 1000000) AS BIGINT)`;
      break;
    case 'pattern':
      parsed = `epoch_ms(CAST(try_strptime(${t}, ${quoteString(ts.strptime ?? '')}) AS TIMESTAMP))`;
      break;
    default:
      // Druid's auto: numbers are epoch millis, anything else ISO-8601.
      parsed = `COALESCE(${parseLongSql(t)}, ${iso})`;
  }
  return ts.missingValue === null ? parsed : `COALESCE(${parsed}, CASE WHEN ${t} IS NULL THEN CAST(${ts.missingValue} AS BIGINT) END)`;
}

/** The natural (parsed) value of an input field from its raw column. */
function naturalSql(f: InputField, json: boolean): string {
  const r = f.alias;
  switch (f.kind) {
    case 'long':
      return parseLongSql(r);
    case 'double':
      return `TRY_CAST(${r} AS DOUBLE)`;
    case 'float':
      return `TRY_CAST(${r} AS FLOAT)`;
    case 'boolean':
      return `CASE lower(${r}) WHEN 'true' THEN CAST(1 AS BIGINT) WHEN 'false' THEN CAST(0 AS BIGINT) ELSE ${parseLongSql(r)} END`;
    case 'json':
      return json ? r : `to_json(${r})`;
    case 'array-string':
      return `TRY_CAST(${r} AS VARCHAR[])`;
    case 'array-long':
      return `TRY_CAST(${r} AS BIGINT[])`;
    case 'array-double':
      return `TRY_CAST(${r} AS DOUBLE[])`;
    default:
      return r;
  }
}

const natural = (f: InputField): string => (f.kind === 'string' ? f.alias : `v_${f.alias}`);

/** A dimension or metric value of `kind` from an arbitrary typed value. */
function storeAs(kind: FieldKind, t: Typed): string {
  switch (kind) {
    case 'string':
      return asString(t);
    case 'long':
    case 'boolean':
      return asLong(t);
    case 'double':
      return asDouble(t);
    case 'float':
      return `CAST(${asDouble(t)} AS FLOAT)`;
    case 'json':
      return `CAST(${convert(t, 'json')} AS VARCHAR)`;
    default:
      return `TRY_CAST(${convert(t, 'json')} AS ${kind === 'array-string' ? 'VARCHAR[]' : kind === 'array-long' ? 'BIGINT[]' : 'DOUBLE[]'})`;
  }
}

/**
 * Why a plan cannot take the read_json path (null when it can). A json or array field is read with
 * json_extract line by line, which keeps a JSON null as the JSON text `null`; read_json's JSON
 * columns give SQL NULL, which would store and compare differently. read_json matches keys exactly
 * but names its columns case-insensitively, so names that differ only in case cannot all be columns.
 */
export function jsonRecordsUnsupported(plan: RowPlan): string | null {
  const json = plan.fields.find((f) => isJsonKind(f.kind));
  if (json !== undefined) return `field [${json.name}] is read as JSON`;
  const seen = new Set<string>();
  for (const f of plan.fields) {
    const key = f.name.toLowerCase();
    if (seen.has(key)) return `fields [${f.name}] and another differ only in case`;
    seen.add(key);
  }
  return null;
}

/**
 * JSON records parsed once by read_json into one VARCHAR column per field, the cheaper reading
 * when the file holds only object lines (json-scan.ts decides; any read_json error sends the file
 * down the line path instead). A VARCHAR column holds what json_extract_string gives line by line
 * (string values unescaped, objects and arrays as JSON text, null and missing as NULL, integers and
 * booleans as written), except that read_json formats a double through DuckDB's cast: below 1e-4
 * or from 1e16 up it writes `1e-06` / `1e+16` where json_extract_string writes `0.000001` /
 * `10000000000000000.0`. Numeric fields parse both the same, so only the text of a string field
 * holding such a number can differ (a stored string dimension; and `__alt` counts rows where a
 * string field that transforms or the filter read looks like one, so the caller can re-read the file
 * line by line and counters never differ).
 *
 * Blank lines produce no row, so rowid + 1 counts non-blank lines; the caller turns that into a
 * line number (and finds the line's text for __raw, NULL here) with json-scan.ts when it reports a
 * bad row.
 */
function jsonRecordsSource(task: IndexTask, plan: RowPlan, src: BatchSource): { from: string; raw: string } {
  const ds = task.spec.dataSchema;
  const spec = plan.fields.map((f) => `${quoteString(f.name)}: 'VARCHAR'`).join(', ');
  const aliases = plan.fields.map((f) => f.alias).join(', ');
  // String fields whose text feeds transforms or the filter (their values can change counters).
  const read = new Set<string>();
  for (const t of ds.transformSpec.transforms) identifiersOf(t.ast, read);
  if (ds.transformSpec.filter) for (const c of filterColumns(ds.transformSpec.filter)) read.add(c);
  const watched = plan.fields.filter((f) => f.kind === 'string' && read.has(f.name));
  const alt = watched.length === 0 ? 'FALSE' : watched.map((f) => doubleCastText(f.alias)).join(' OR ');
  const from = `
      src AS (SELECT * FROM read_json(${quotePath(src.file.path)}, format='newline_delimited', records=true, columns={${spec}}, maximum_object_size=${MAX_LINE}) AS t(${aliases})),
      r AS (SELECT CAST(NULL AS VARCHAR) AS __line, TRUE AS __ok, FALSE AS __blank, ${alt} AS __alt, * FROM src)`;
  return { from, raw: 'CAST(NULL AS VARCHAR)' };
}

/** Text that may be DuckDB's exponent form of a double (`1e-06`, `-2.5e+16`): digit or '-' first, `e±` ahead of the last 2 or 3 digits. */
export const doubleCastText = (c: string): string => `COALESCE(${c} >= '-' AND ${c} < ':' AND (${c}[-4:-3] IN ('e+', 'e-') OR ${c}[-5:-4] IN ('e+', 'e-')), FALSE)`;

function sourceSql(task: IndexTask, plan: RowPlan, src: BatchSource): { from: string; raw: string } {
  const fmt = task.spec.ioConfig.inputFormat;
  if (fmt.type === 'json' && src.jsonRecords) return jsonRecordsSource(task, plan, src);
  const common = `compression='auto', auto_detect=false, strict_mode=false, max_line_size=${MAX_LINE}, ignore_errors=true, store_rejects=true, rejects_table=${quoteString(src.rejectsTable)}, rejects_scan=${quoteString(`${src.rejectsTable}_scan`)}`;
  if (fmt.type === 'json') {
    const text = plan.fields.filter((f) => !isJsonKind(f.kind));
    const json = plan.fields.filter((f) => isJsonKind(f.kind));
    const pick = (list: InputField[], fn: string, col: string): string[] =>
      list.length === 0 ? [] : [`CASE WHEN __ok THEN ${fn}(__line, [${list.map((f) => quoteString(pointer(f.name))).join(', ')}]) END AS ${col}`];
    // One JSON parse per row: json_extract_string with a list of paths returns every field at once.
    // (trim() is slow on long lines and json_type() parses again, hence ltrim and starts_with.)
    const extract = [...pick(text, 'json_extract_string', '__v'), ...pick(json, 'json_extract', '__j')];
    const cols = [...text.map((f, i) => `__v[${i + 1}] AS ${f.alias}`), ...json.map((f, i) => `__j[${i + 1}] AS ${f.alias}`)];
    // Blank lines stay in the table (kind 5, not counted) so that rowid + 1 is the line number:
    // numbering rows in SQL (row_number) would make DuckDB read the file on one thread.
    const from = `
      src AS (SELECT j AS __line FROM read_csv(${quotePath(src.file.path)}, columns={'j': 'VARCHAR'}, header=false, delim=E'\\x01', quote='', escape='', ${common})),
      v AS (SELECT __line, COALESCE(json_valid(__line) AND starts_with(ltrim(__line), '{'), FALSE) AS __ok FROM src),
      p AS (SELECT *, CASE WHEN __ok THEN FALSE WHEN __line IS NULL THEN TRUE ELSE ltrim(__line) = '' END AS __blank FROM v),
      x AS (SELECT __line, __ok, __blank${extract.map((e) => `, ${e}`).join('')} FROM p),
      r AS (SELECT __line, __ok, __blank${cols.map((c) => `, ${c}`).join('')} FROM x)`;
    return { from, raw: '__line' };
  }
  const columns = src.columns.map((name, i) => ({ name, alias: `c${i}` }));
  const skip = fmt.skipHeaderRows + (fmt.findColumnsFromHeader ? 1 : 0);
  const quote = fmt.type === 'csv' ? `quote='"', escape='"'` : `quote='', escape=''`;
  const spec = columns.map((c) => `${quoteString(c.alias)}: 'VARCHAR'`).join(', ');
  const byName = new Map(columns.map((c) => [c.name, c.alias]));
  const cols = plan.fields.map((f) => `${byName.has(f.name) ? byName.get(f.name) : 'CAST(NULL AS VARCHAR)'} AS ${f.alias}`);
  const from = `
      src AS (SELECT * FROM read_csv(${quotePath(src.file.path)}, columns={${spec}}, header=false, skip=${skip}, delim=${quoteString(fmt.delimiter)}, ${quote}, null_padding=true, ${common})),
      r AS (SELECT *, TRUE AS __ok, FALSE AS __blank${cols.map((c) => `, ${c}`).join('')} FROM src)`;
  const raw = `json_object(${columns.map((c) => `${quoteString(c.name)}, ${c.alias}`).join(', ')})`;
  return { from, raw: columns.length === 0 ? "'{}'" : raw };
}

export function batchSql(task: IndexTask, plan: RowPlan, src: BatchSource): string {
  const ds = task.spec.dataSchema;
  const json = task.spec.ioConfig.inputFormat.type === 'json';
  const { from, raw } = sourceSql(task, plan, src);
  const fieldByName = new Map(plan.fields.map((f) => [f.name, f]));
  const tsField = fieldByName.get(ds.timestampSpec.column);
  const tsText = tsField === undefined ? 'CAST(NULL AS VARCHAR)' : isJsonKind(tsField.kind) ? `json_extract_string(${tsField.alias}, '$')` : tsField.alias;

  const fieldScope = (f: InputField): Typed => typed(f.kind === 'json' && !json ? natural(f) : isJsonKind(f.kind) ? f.alias : natural(f), SCOPE_TYPE[f.kind]);
  const inScope: Scope = (name) => {
    if (name === '__time') return typed('__ts', 'long');
    const f = fieldByName.get(name);
    return f ? fieldScope(f) : typed('NULL', 'null');
  };
  const transforms = ds.transformSpec.transforms.map((t, i) => ({ t, alias: `x${i}`, value: exprValueSql(t.ast, inScope, `spec.dataSchema.transformSpec.transforms[${i}].expression`) }));
  const byTransform = new Map(transforms.map((x) => [x.t.name, x]));
  const postScope: Scope = (name) => {
    const x = byTransform.get(name);
    if (x && name !== '__time') return typed(x.alias, x.value.type);
    if (name === '__time') return typed('__ms', 'long');
    return inScope(name);
  };

  const typedCols = plan.fields.filter((f) => f.kind !== 'string').map((f) => `${naturalSql(f, json)} AS v_${f.alias}`);
  const timeTransform = byTransform.get('__time');
  const ms = timeTransform ? asLong(typed(timeTransform.alias, timeTransform.value.type)) : '__ts';

  const errs: string[] = [];
  const numericKind = (f: InputField): boolean => ['long', 'double', 'float', 'boolean'].includes(f.kind);
  for (const f of plan.fields) {
    if (!f.declared || !numericKind(f)) continue;
    const to = f.kind === 'boolean' ? 'long' : f.kind;
    errs.push(`CASE WHEN ${f.alias} IS NOT NULL AND trim(${f.alias}) <> '' AND v_${f.alias} IS NULL THEN 'could not convert value [' || ${f.alias} || '] to ${to}' END`);
  }
  const metricCols = plan.metrics.filter((m) => m.spec.fieldName !== null).map((m) => {
    const field = m.spec.fieldName as string;
    const s = postScope(field);
    const value = storeAs(m.kind, s);
    const f = fieldByName.get(field);
    if (f && !f.declared && numericKind(f) && !byTransform.has(field)) {
      // A JSON field detected as numeric that holds text in this row.
      errs.push(`CASE WHEN ${f.alias} IS NOT NULL AND trim(${f.alias}) <> '' AND v_${f.alias} IS NULL THEN 'Unable to parse value[' || ${f.alias} || '] for field[' || ${quoteString(field)} || ']' END`);
    } else if (s.type === 'string' || s.type === 'json') {
      const text = asString(s);
      errs.push(`CASE WHEN ${text} IS NOT NULL AND trim(${text}) <> '' AND ${value} IS NULL THEN 'Unable to parse value[' || ${text} || '] for field[' || ${quoteString(field)} || ']' END`);
    }
    return `${value} AS ${m.alias}`;
  });
  const dimCol = (d: OutputColumn): string => {
    const f = fieldByName.get(d.name);
    if (f && !byTransform.has(d.name) && f.kind === d.kind) {
      return `${f.kind === 'json' ? `CAST(${json ? f.alias : natural(f)} AS VARCHAR)` : natural(f)} AS ${d.alias}`;
    }
    return `${storeAs(d.kind, postScope(d.name))} AS ${d.alias}`;
  };

  const intervals = ds.granularitySpec.intervals;
  const inIntervals = intervals === null ? 'TRUE' : `(${intervals.map((i) => `(__ms >= ${i.start} AND __ms < ${i.end})`).join(' OR ')})`;
  const filter = ds.transformSpec.filter === null ? 'TRUE' : `COALESCE(${filterToSql(ds.transformSpec.filter, postScope)}, FALSE)`;
  const errsSql = errs.length === 0 ? 'CAST(NULL AS VARCHAR)' : `NULLIF(concat_ws(chr(10), ${errs.join(', ')}), '')`;
  const comma = (list: string[]): string => list.map((c) => `, ${c}`).join('');

  return `CREATE OR REPLACE TABLE ${quoteIdent(src.table)} AS WITH ${from},
      ty AS (SELECT *, ${timestampSql(tsText, ds.timestampSpec)} AS __ts, ${tsText} AS __tsraw${comma(typedCols)} FROM r),
      s AS (SELECT *${comma(transforms.map((x) => `${x.value.sql} AS ${x.alias}`))} FROM ty),
      s2 AS (SELECT *, ${ms} AS __ms FROM s),
      s3 AS (SELECT *,
        CASE WHEN __blank THEN 5 WHEN NOT __ok THEN 1 WHEN __ms IS NULL THEN 2 WHEN __ms < ${ETERNITY.start} OR __ms >= ${ETERNITY.end} THEN 3 ELSE 0 END AS __kind,
        CASE WHEN __ok THEN ${errsSql} END AS __errs FROM s2)
    SELECT __kind, __errs, __ms, __tsraw,${json && src.jsonRecords ? ' __alt,' : ''}
      (__kind = 0 AND ${inIntervals} AND ${filter}) AS __keep,
      CASE WHEN __kind BETWEEN 1 AND 4 OR __errs IS NOT NULL THEN CAST(${raw} AS VARCHAR) END AS __raw${comma(plan.dimensions.map(dimCol))}${comma(metricCols)}
    FROM s3`;
}
