import { quoteIdent, quoteString } from '../../engine/sql-text.js';
import { DUCKDB_TYPE_OF, type DruidColumnType, type Interval } from '../../core/types.js';
import type { Command, Expr, Field, Pos, Query } from './ast.js';
import { columnsUsed } from './columns-used.js';
import { ES_BUILD } from './info.js';
import { dissectColumns, parseDissect, type DissectPattern } from './dissect.js';
import { parsingError, verificationError, type Problem } from './errors.js';
import { ExpressionCompiler, ParamValues, textOf, unknownColumn, type Col, type Typed } from './expressions.js';
import { parseEsql } from './parser.js';
import { timeRange } from './time-range.js';
import { duckTypeOf, esTypeOfDruid, type EsType } from './types.js';

/** Rows a query without LIMIT answers, and the most any query answers (ES|QL's defaults). */
export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;

/** What ES|QL needs to know of the datasources: their names, and each one's columns. */
export interface EsqlCatalog {
  readonly names: readonly string[];
  schema(name: string): ReadonlyMap<string, DruidColumnType>;
}

/** A datasource the query reads, the time its conditions allow, and the columns it has. */
export interface EsqlSource {
  readonly name: string;
  readonly filter: Interval[] | null;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly duckType: string }>;
}

/** An ES|QL query compiled to one DuckDB statement over its datasources' relations. */
export interface EsqlProgram {
  readonly sql: string;
  readonly columns: readonly Col[];
  readonly sources: readonly EsqlSource[];
  /** Elasticsearch's response warnings (a default limit was added). */
  readonly warnings: readonly string[];
  readonly limit: number;
}

interface Rel {
  readonly sql: string;
  readonly cols: readonly Col[];
}

const TIMESTAMP = '@timestamp';

/**
 * Compiles ES|QL text: parses it (parsing_exception), checks every name and type along the pipeline
 * (all problems together as one verification_exception), and builds the DuckDB SQL, one nested
 * SELECT per command, over relations named after the datasources (`__time` shown as `@timestamp`).
 */
export function compileEsql(text: string, params: readonly unknown[], catalog: EsqlCatalog): EsqlProgram {
  const query = parseEsql(text);
  // Dissect patterns are read with the query: a bad one is a parsing error, before any check.
  const patterns = new Map<Command, DissectPattern>();
  for (const cmd of query.commands) {
    if (cmd.kind !== 'dissect') continue;
    const parsed = parseDissect(cmd.pattern, cmd.appendSeparator);
    if ('error' in parsed) throw parsingError(cmd.pos, parsed.error);
    patterns.set(cmd, parsed);
  }
  // Checked over every column (messages suggest any of them), then built over those it can use.
  const full = build(query, text, params, catalog, patterns, null);
  const used = columnsUsed(query, params);
  if (used === null) return full;
  const wanted = (name: string): boolean => name === TIMESTAMP || used.names.has(name) || used.patterns.some((p) => matching([{ name, type: 'keyword', multi: false }], p).length > 0);
  try {
    return build(query, text, params, catalog, patterns, wanted);
  } catch {
    return full;
  }
}

function build(query: Query, text: string, params: readonly unknown[], catalog: EsqlCatalog, patterns: ReadonlyMap<Command, DissectPattern>, wanted: ((name: string) => boolean) | null): EsqlProgram {
  const ex = new ExpressionCompiler(text, new ParamValues(params));
  const sources: EsqlSource[] = [];
  const warnings: string[] = [];
  let n = 0;
  const wrap = (select: string, rel: Rel, tail = ''): string => `SELECT ${select} FROM (${rel.sql}) AS _${n++}${tail}`;
  const all = (cols: readonly Col[]): string => (cols.length === 0 ? '1 AS "__none"' : cols.map((c) => quoteIdent(c.name)).join(', '));
  const byName = (cols: readonly Col[]): Map<string, Col> => new Map(cols.map((c) => [c.name, c]));

  let rel: Rel = { sql: 'SELECT 1', cols: [] };
  let limited = false;
  // __time conditions are read from the WHEREs straight after FROM, before anything renames columns.
  let pruning = false;
  const conditions: Expr[] = [];

  const [source, ...rest] = query.commands;
  switch (source.kind) {
    case 'from': {
      const from = fromIndices(source, catalog, ex.problems, wanted);
      sources.push(...from.sources);
      rel = from.rel;
      pruning = true;
      break;
    }
    case 'row': {
      const cols: Col[] = [];
      const selects: string[] = [];
      for (const f of source.fields) {
        const t = ex.compile(f.expr, new Map());
        const name = fieldName(text, f);
        const at = cols.findIndex((c) => c.name === name);
        if (at >= 0) {
          cols.splice(at, 1);
          selects.splice(at, 1);
        }
        cols.push({ name, type: t.type, multi: t.multi });
        selects.push(`${t.type === 'null' ? 'CAST(NULL AS VARCHAR)' : t.sql} AS ${quoteIdent(name)}`);
      }
      rel = { sql: `SELECT ${selects.join(', ')}`, cols };
      break;
    }
    case 'showInfo':
      rel = {
        sql: `SELECT ${quoteString(ES_BUILD.version)} AS "version", ${quoteString(ES_BUILD.date)} AS "date", ${quoteString(ES_BUILD.hash)} AS "hash"`,
        cols: ['version', 'date', 'hash'].map((name) => ({ name, type: 'keyword', multi: false })),
      };
      break;
    default:
      throw new Error(`internal: ${source.kind} is not a source command`);
  }

  for (const cmd of rest) {
    if (cmd.kind !== 'where') pruning = false;
    switch (cmd.kind) {
      case 'where': {
        const c = ex.condition(cmd.condition, byName(rel.cols));
        if (pruning) conditions.push(cmd.condition);
        rel = { sql: wrap('*', rel, ` WHERE ${c.sql}`), cols: rel.cols };
        break;
      }
      case 'eval':
        for (const f of cmd.fields) {
          const t = ex.compile(f.expr, byName(rel.cols));
          const name = fieldName(text, f);
          const kept = rel.cols.filter((c) => c.name !== name);
          const value = t.type === 'null' ? 'CAST(NULL AS VARCHAR)' : t.sql;
          rel = { sql: wrap([...kept.map((c) => quoteIdent(c.name)), `${value} AS ${quoteIdent(name)}`].join(', '), rel), cols: [...kept, { name, type: t.type, multi: t.multi }] };
        }
        break;
      case 'stats':
        rel = stats(cmd, rel, ex, text, wrap);
        break;
      case 'sort': {
        const cols = byName(rel.cols);
        const keys = cmd.keys.map((k) => {
          const t = ex.compile(k.expr, cols);
          // ES|QL puts nulls last when ascending and first when descending, unless told.
          const nullsFirst = k.nullsFirst ?? k.descending;
          return `${t.sql} ${k.descending ? 'DESC' : 'ASC'} NULLS ${nullsFirst ? 'FIRST' : 'LAST'}`;
        });
        rel = { sql: wrap('*', rel, ` ORDER BY ${keys.join(', ')}`), cols: rel.cols };
        break;
      }
      case 'limit': {
        const count = cmd.count > BigInt(MAX_LIMIT) ? MAX_LIMIT : Number(cmd.count);
        limited = true;
        rel = { sql: wrap('*', rel, ` LIMIT ${count}`), cols: rel.cols };
        break;
      }
      case 'keep': {
        const kept: Col[] = [];
        for (const p of cmd.patterns) {
          const pattern = ex.namePattern(p);
          if (pattern === null) continue;
          const matched = matching(rel.cols, pattern);
          if (matched.length === 0) ex.problem(p.pos, pattern.includes('*') ? `No matches found for pattern [${pattern}]` : unknownColumn(pattern, byName(rel.cols)));
          for (const c of matched) {
            // A later exact name moves the column there (ES|QL: the last mention decides the order).
            const at = kept.indexOf(c);
            if (at >= 0 && !pattern.includes('*')) kept.splice(at, 1);
            if (!kept.includes(c)) kept.push(c);
          }
        }
        rel = { sql: wrap(all(kept), rel), cols: kept };
        break;
      }
      case 'drop': {
        const dropped = new Set<Col>();
        for (const p of cmd.patterns) {
          const pattern = ex.namePattern(p);
          if (pattern === null) continue;
          const matched = matching(rel.cols, pattern);
          if (matched.length === 0) ex.problem(p.pos, pattern.includes('*') ? `No matches found for pattern [${pattern}]` : unknownColumn(pattern, byName(rel.cols)));
          for (const c of matched) dropped.add(c);
        }
        const kept = rel.cols.filter((c) => !dropped.has(c));
        rel = { sql: wrap(all(kept), rel), cols: kept };
        break;
      }
      case 'rename': {
        let cols = [...rel.cols];
        const selects = new Map(cols.map((c) => [c.name, quoteIdent(c.name)]));
        for (const r of cmd.pairs) {
          const c = cols.find((x) => x.name === r.from);
          if (!c) {
            ex.problem(r.pos, unknownColumn(r.from, byName(cols)));
            continue;
          }
          const source = selects.get(r.from)!;
          cols = cols.filter((x) => x.name !== r.to || x === c).map((x) => (x === c ? { ...x, name: r.to } : x));
          selects.delete(r.from);
          selects.set(r.to, source);
        }
        rel = { sql: wrap(cols.map((c) => `${selects.get(c.name)} AS ${quoteIdent(c.name)}`).join(', ') || all([]), rel), cols };
        break;
      }
      case 'mvExpand': {
        const c = rel.cols.find((x) => x.name === cmd.column);
        if (!c) {
          ex.problem(cmd.pos, unknownColumn(cmd.column, byName(rel.cols)));
          break;
        }
        if (!c.multi) break;
        const q = quoteIdent(c.name);
        // A row whose field is empty or null stays, with null (ES|QL keeps it).
        const expanded = `unnest(CASE WHEN ${q} IS NULL OR len(${q}) = 0 THEN [NULL] ELSE ${q} END) AS ${q}`;
        rel = { sql: wrap(rel.cols.map((x) => (x === c ? expanded : quoteIdent(x.name))).join(', '), rel), cols: rel.cols.map((x) => (x === c ? { ...x, multi: false } : x)) };
        break;
      }
      case 'dissect': {
        const input = ex.compile(cmd.input, byName(rel.cols));
        if (input.type !== 'keyword' && input.type !== 'null' && input.type !== 'unsupported') {
          ex.problem(cmd.input.pos, `Dissect only supports KEYWORD or TEXT values, found expression [${textOf(text, cmd.input)}] type [${input.type.toUpperCase()}]`);
          break;
        }
        const keys = dissectColumns(patterns.get(cmd)!, input.sql);
        const names = new Set(keys.map((k) => k.name));
        const kept = rel.cols.filter((c) => !names.has(c.name));
        const added = keys.map((k) => `${k.sql} AS ${quoteIdent(k.name)}`);
        rel = { sql: wrap([...kept.map((c) => quoteIdent(c.name)), ...added].join(', ') || all([]), rel), cols: [...kept, ...keys.map((k) => ({ name: k.name, type: 'keyword' as EsType, multi: false }))] };
        break;
      }
      default:
        throw new Error(`internal: ${cmd.kind} is not a processing command`);
    }
  }

  if (ex.problems.length > 0) throw verificationError(ex.problems);
  // Elasticsearch caps every result: at the default when the query has no LIMIT (and says so),
  // else at the maximum, whatever the LIMITs ask for (MV_EXPAND after a LIMIT may add rows).
  const limit = limited ? MAX_LIMIT : DEFAULT_LIMIT;
  if (!limited) warnings.push(`No limit defined, adding default limit of [${DEFAULT_LIMIT}]`);
  rel = { sql: wrap('*', rel, ` LIMIT ${limit}`), cols: rel.cols };
  const range = timeRange(conditions);
  return {
    sql: rel.sql,
    columns: rel.cols,
    sources: sources.map((s) => ({ ...s, filter: range })),
    warnings,
    limit,
  };
}

/** ES|QL names a bare expression by its text. */
const fieldName = (text: string, f: Field): string => f.name || textOf(text, f.expr);

/** Columns whose names match a KEEP/DROP pattern (`*` any run of characters). */
function matching(cols: readonly Col[], pattern: string): Col[] {
  if (!pattern.includes('*')) return cols.filter((c) => c.name === pattern);
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return cols.filter((c) => re.test(c.name));
}

/** The datasources FROM names (names and `*` patterns) and the union of their columns. */
function fromIndices(cmd: Extract<Command, { kind: 'from' }>, catalog: EsqlCatalog, problems: Problem[], wanted: ((name: string) => boolean) | null): { rel: Rel; sources: EsqlSource[] } {
  const names: string[] = [];
  for (const idx of cmd.indices) {
    for (const part of idx.pattern.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
      const matched = part.includes('*') ? catalog.names.filter((n) => matching([{ name: n, type: 'keyword', multi: false }], part).length > 0) : catalog.names.filter((n) => n === part);
      if (matched.length === 0) problems.push({ pos: idx.pos, message: `Unknown index [${part}]` });
      for (const m of matched) if (!names.includes(m)) names.push(m);
    }
  }
  // One column per name; a name whose types differ between datasources cannot be shown.
  const types = new Map<string, { type: EsType; multi: boolean; druid: DruidColumnType }>();
  const schemas = new Map(names.map((n) => {
    const schema = catalog.schema(n);
    return [n, wanted === null ? schema : new Map([...schema].filter(([c]) => c === '__time' || wanted(c)))];
  }));
  for (const schema of schemas.values()) {
    for (const [name, druid] of schema) {
      const mapped = esTypeOfDruid(druid);
      const prev = types.get(name);
      if (!prev) types.set(name, { ...mapped, druid });
      else if (prev.type !== mapped.type || prev.multi !== mapped.multi) types.set(name, { type: 'unsupported', multi: false, druid });
    }
  }
  // Elasticsearch lists an index's fields alphabetically; `__time` is `@timestamp`.
  types.delete('__time');
  types.set(TIMESTAMP, { type: 'date', multi: false, druid: 'LONG' });
  const cols: Col[] = [...types.keys()].sort().map((name) => ({ name, type: types.get(name)!.type, multi: types.get(name)!.multi }));
  const selects = names.map((ds) => {
    const schema = schemas.get(ds)!;
    const parts = cols.map((c) => {
      if (c.name === TIMESTAMP) return `"__time" AS ${quoteIdent(TIMESTAMP)}`;
      if (c.type === 'unsupported' || !schema.has(c.name)) return `CAST(NULL AS ${c.multi ? `${duckTypeOf(c.type)}[]` : duckTypeOf(c.type)}) AS ${quoteIdent(c.name)}`;
      return quoteIdent(c.name);
    });
    return `SELECT ${parts.join(', ')} FROM ${quoteIdent(ds)}`;
  });
  const sources = names.map((ds) => ({
    name: ds,
    filter: null,
    columns: [{ name: '__time', duckType: 'TIMESTAMP' }, ...[...schemas.get(ds)!].filter(([name]) => name !== '__time').map(([name, t]) => ({ name, duckType: DUCKDB_TYPE_OF[t] ?? 'VARCHAR' }))],
  }));
  return { rel: { sql: selects.length === 0 ? 'SELECT 1 WHERE FALSE' : selects.join(' UNION ALL '), cols }, sources };
}

/** STATS aggregates BY groups: aggregates first, then the groups, as ES|QL orders them. */
function stats(cmd: Extract<Command, { kind: 'stats' }>, rel: Rel, ex: ExpressionCompiler, text: string, wrap: (s: string, r: Rel, t?: string) => string): Rel {
  const cols = new Map(rel.cols.map((c) => [c.name, c]));
  // Groups are computed first (BY x = f(y)), under names of their own.
  const groups = cmd.groups.map((g, i) => ({ name: fieldName(text, g), typed: groupOf(ex, g, cols), alias: `__g${i}`, pos: g.pos }));
  const inner = [...rel.cols.map((c) => quoteIdent(c.name)), ...groups.map((g) => `${g.typed.sql} AS ${quoteIdent(g.alias)}`)];
  const grouped: Rel = { sql: wrap(inner.length > 0 ? inner.join(', ') : '1 AS "__none"', rel), cols: rel.cols };
  ex.groupKeys = new Map(groups.map((g) => [g.name, { sql: quoteIdent(g.alias), type: g.typed.type }]));
  const aggregates = cmd.aggregates.map((a) => {
    const typed = ex.compile(a.expr, cols, true);
    if (!typed.aggregate && typed.type !== 'unsupported') ex.problem(a.expr.pos, `expected an aggregate function but found [${textOf(text, a.expr)}]`);
    return { name: fieldName(text, a), typed };
  });
  ex.groupKeys = null;
  const out: Col[] = [];
  const selects: string[] = [];
  const add = (name: string, sql: string, t: Typed): void => {
    const at = out.findIndex((c) => c.name === name);
    if (at >= 0) {
      out.splice(at, 1);
      selects.splice(at, 1);
    }
    out.push({ name, type: t.type, multi: t.multi });
    selects.push(`${sql} AS ${quoteIdent(name)}`);
  };
  for (const a of aggregates) add(a.name, a.typed.sql, a.typed);
  for (const g of groups) add(g.name, quoteIdent(g.alias), g.typed);
  if (out.length === 0) return rel;
  const by = groups.length > 0 ? ` GROUP BY ${groups.map((g) => quoteIdent(g.alias)).join(', ')}` : '';
  return { sql: wrap(selects.join(', '), grouped, by), cols: out };
}

function groupOf(ex: ExpressionCompiler, g: Field, cols: ReadonlyMap<string, Col>): Typed {
  const typed = ex.compile(g.expr, cols);
  if (typed.aggregate) ex.problem(g.pos, `grouping key [${g.name || 'expression'}] cannot contain an aggregate`);
  return typed;
}


export type { Pos };
