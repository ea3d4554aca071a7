import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import type { Interval } from '../../src/core/types.js';
import { createQueryEngine } from '../../src/query/index.js';
import { SegmentFixture } from '../helpers/esql.js';

const iv = (a: string, b: string): Interval => ({ start: Date.parse(a), end: Date.parse(b) });

let dir: string;
let fx: SegmentFixture;

const wikiRow = (t: string, channel: string | null, page: string | null, added: number, delta: number | null, user: string | null, tags: string[] | null): string =>
  `SELECT TIMESTAMP '${t}' AS __time, ${lit(channel)} AS channel, ${lit(page)} AS page, ${added}::BIGINT AS added, ${delta === null ? 'NULL' : delta}::DOUBLE AS delta, ${lit(user)} AS "user", ${tags === null ? 'NULL' : `[${tags.map(lit).join(', ')}]`}::VARCHAR[] AS tags`;
const lit = (s: string | null): string => (s === null ? 'NULL::VARCHAR' : `'${s.replace(/'/g, "''")}'`);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'grove-esql-'));
  const writer = await DuckDBInstance.create(':memory:');
  fx = new SegmentFixture(dir, writer, await createQueryEngine({ deepStorageDir: dir }));
  await fx.add('wiki', iv('2016-06-27', '2016-06-28'), [
    wikiRow('2016-06-27 00:00:00', '#en.wikipedia', 'A', 10, 1.5, 'u1', ['x', 'y']),
    wikiRow('2016-06-27 01:00:00', '#en.wikipedia', 'B', 20, -2, 'u2', ['x']),
    wikiRow('2016-06-27 02:00:00', '#fr.wikipedia', 'C', 5, null, 'u1', []),
    wikiRow('2016-06-27 03:00:00', '#de.wikipedia', null, 0, 3.25, null, null),
  ].join(' UNION ALL '));
  await fx.add('wiki', iv('2016-06-28', '2016-06-29'), wikiRow('2016-06-28 00:30:00', '#en.wikipedia', 'D', 7, 0.5, 'u3', ['z']));
  await fx.add('logs', iv('2016-06-27', '2016-06-28'),
    `SELECT TIMESTAMP '2016-06-27 05:00:00' AS __time, 'GET /index.html 200' AS message, 200::BIGINT AS status, 'h1' AS host
     UNION ALL SELECT TIMESTAMP '2016-06-27 06:00:00', 'POST /login 500', 500::BIGINT, 'h2'`);
});

afterAll(() => {
  fx?.engine.closeSync();
  fx?.writer.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

const q = (query: string, params: unknown[] = []) => fx.esql(query, params);

async function failure(query: string, params: unknown[] = []): Promise<{ kind: string; message: string }> {
  try {
    await q(query, params);
  } catch (e) {
    expect(e).toBeInstanceOf(GroveError);
    const g = e as GroveError;
    return { kind: String(g.context?.esql), message: g.message };
  }
  throw new Error(`expected ${query} to fail`);
}

describe('FROM and the shape of results', () => {
  it('answers the issue example: counts by channel, sorted, limited', async () => {
    const r = await q('FROM wiki | STATS edits = COUNT(*) BY channel | SORT edits DESC, channel | LIMIT 5');
    expect(r.columns).toEqual([{ name: 'edits', type: 'long' }, { name: 'channel', type: 'keyword' }]);
    expect(r.values).toEqual([[3, '#en.wikipedia'], [1, '#de.wikipedia'], [1, '#fr.wikipedia']]);
    expect(r.warnings).toEqual([]);
  });

  it('lists an index\'s columns alphabetically with @timestamp as a date, and adds the default limit', async () => {
    const r = await q('FROM wiki | SORT @timestamp | LIMIT 2');
    expect(r.columns).toEqual([
      { name: '@timestamp', type: 'date' }, { name: 'added', type: 'long' }, { name: 'channel', type: 'keyword' }, { name: 'delta', type: 'double' },
      { name: 'page', type: 'keyword' }, { name: 'tags', type: 'keyword' }, { name: 'user', type: 'keyword' },
    ]);
    expect(r.values[0]).toEqual(['2016-06-27T00:00:00.000Z', 10, '#en.wikipedia', 1.5, 'A', ['x', 'y'], 'u1']);
    // A multi-value of one value is that value.
    expect(r.values[1][5]).toBe('x');
    const all = await q('FROM wiki');
    expect(all.warnings).toEqual(['No limit defined, adding default limit of [1000]']);
    expect(all.values).toHaveLength(5);
  });

  it('prints an empty multi-value and a missing one as null', async () => {
    const r = await q('FROM wiki | WHERE page IS NULL OR page == "C" | KEEP page, tags | SORT page');
    expect(r.values).toEqual([['C', null], [null, null]]);
  });

  it('reads several indices and patterns as one, with the union of their columns', async () => {
    const r = await q('FROM wiki, l* | STATS n = COUNT(*), hosts = COUNT(host) | LIMIT 1');
    expect(r.values).toEqual([[7, 2]]);
    const keep = await q('FROM logs, wiki | KEEP host, page | SORT host NULLS FIRST, page | LIMIT 3');
    expect(keep.values).toEqual([[null, 'A'], [null, 'B'], [null, 'C']]);
  });

  it('prunes segments by @timestamp conditions right after FROM', async () => {
    const r = await q('FROM wiki | WHERE @timestamp >= "2016-06-28" | KEEP page | LIMIT 10');
    expect(r.values).toEqual([['D']]);
    expect(r.plan.dataSources[0].files).toHaveLength(1);
    const both = await q('FROM wiki | WHERE @timestamp < "2016-06-27T02:00:00Z" OR page == "D" | KEEP page | LIMIT 10');
    expect(both.plan.dataSources[0].files).toHaveLength(2);
    const later = await q('FROM wiki | EVAL x = 1 | WHERE @timestamp >= "2016-06-28" | KEEP page | LIMIT 10');
    expect(later.plan.dataSources[0].filter).toBeNull();
  });

  it('caps any LIMIT at 10000 without a warning', async () => {
    const r = await q('FROM wiki | LIMIT 20000');
    expect(r.warnings).toEqual([]);
    expect(r.program.limit).toBe(10000);
    expect(r.program.sql).toMatch(/LIMIT 10000$/);
  });
});

describe('processing commands', () => {
  it('WHERE with comparisons, IN, LIKE, RLIKE and IS NULL', async () => {
    const pages = async (where: string): Promise<unknown[]> => (await q(`FROM wiki | WHERE ${where} | SORT page | KEEP page | LIMIT 100`)).values.map((v) => v[0]);
    expect(await pages('added > 5 AND added <= 10')).toEqual(['A', 'D']);
    expect(await pages('channel IN ("#fr.wikipedia", "#de.wikipedia")')).toEqual(['C', null]);
    expect(await pages('channel NOT IN ("#en.wikipedia")')).toEqual(['C', null]);
    expect(await pages('channel LIKE "#*n.wiki?edia"')).toEqual(['A', 'B', 'D']);
    expect(await pages('channel RLIKE "#(fr|de)\\\\..*"')).toEqual(['C', null]);
    expect(await pages('user IS NULL')).toEqual([null]);
    expect(await pages('NOT (added >= 10)')).toEqual(['C', 'D', null]);
  });

  it('EVAL: arithmetic with ES|QL\'s types, integer division and null on division by zero', async () => {
    const r = await q('ROW a = 5, b = 2, c = -7 | EVAL d = a / b, e = c / b, f = a / 0, g = a * 1.5, h = c % b, i = 9223372036854775807 - 1');
    expect(r.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['a:integer', 'b:integer', 'c:integer', 'd:integer', 'e:integer', 'f:integer', 'g:double', 'h:integer', 'i:long']);
    expect(r.values).toEqual([[5, 2, -7, 2, -3, null, 7.5, -1, 9223372036854775806n]]);
  });

  it('names unnamed expressions by their text and lets the last of a name win', async () => {
    const r = await q('ROW x = 1 | EVAL x + 1, y = 2, x = "replaced"');
    expect(r.columns.map((c) => c.name)).toEqual(['x + 1', 'y', 'x']);
    expect(r.values).toEqual([[2, 2, 'replaced']]);
  });

  it('STATS: aggregates then groups, expressions as keys, every aggregation', async () => {
    const r = await q(`FROM wiki
      | STATS n = COUNT(*), s = SUM(added), a = AVG(added), lo = MIN(delta), hi = MAX(page), md = MEDIAN(added), p = PERCENTILE(added, 100),
              d = COUNT_DISTINCT(user), v = VALUES(tags), c = COUNT(tags) BY day = DATE_TRUNC(1 day, @timestamp)
      | SORT day`);
    expect(r.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['n:long', 's:long', 'a:double', 'lo:double', 'hi:keyword', 'md:double', 'p:double', 'd:long', 'v:keyword', 'c:long', 'day:date']);
    expect(r.values).toEqual([
      [4, 35, 8.75, -2, 'C', 7.5, 20, 2, ['x', 'y'], 3, '2016-06-27T00:00:00.000Z'],
      [1, 7, 7, 0.5, 'D', 7, 7, 1, 'z', 1, '2016-06-28T00:00:00.000Z'],
    ]);
  });

  it('STATS without BY gives one row; BY alone gives the distinct keys; null keys form a group', async () => {
    expect((await q('FROM wiki | STATS COUNT(*)')).values).toEqual([[5]]);
    expect((await q('FROM wiki | WHERE added > 100 | STATS c = COUNT(*), s = SUM(added)')).values).toEqual([[0, null]]);
    const keys = await q('FROM wiki | STATS BY user | SORT user');
    expect(keys.values).toEqual([['u1'], ['u2'], ['u3'], [null]]);
    const grouped = await q('FROM wiki | STATS c = COUNT(*) + 0 BY page | WHERE page IS NULL');
    expect(grouped.values).toEqual([[1, null]]);
  });

  it('SORT puts nulls last ascending and first descending unless told', async () => {
    const order = async (sort: string): Promise<unknown[]> => (await q(`FROM wiki | SORT ${sort} | KEEP user | LIMIT 10`)).values.map((v) => v[0]);
    expect(await order('user, added')).toEqual(['u1', 'u1', 'u2', 'u3', null]);
    expect(await order('user DESC, added')).toEqual([null, 'u3', 'u2', 'u1', 'u1']);
    expect(await order('user ASC NULLS FIRST, added DESC')).toEqual([null, 'u1', 'u1', 'u2', 'u3']);
  });

  it('KEEP, DROP and RENAME with patterns', async () => {
    const keep = await q('FROM wiki | KEEP p*, @timestamp, a* | LIMIT 1');
    expect(keep.columns.map((c) => c.name)).toEqual(['page', '@timestamp', 'added']);
    const drop = await q('FROM wiki | DROP *a*, @timestamp | LIMIT 1');
    expect(drop.columns.map((c) => c.name)).toEqual(['user']);
    const renamed = await q('FROM wiki | RENAME page AS title, added AS n | KEEP title, n | SORT n | LIMIT 1');
    expect(renamed.columns).toEqual([{ name: 'title', type: 'keyword' }, { name: 'n', type: 'long' }]);
    expect(renamed.values).toEqual([[null, 0]]);
  });

  it('MV_EXPAND makes a row per value and keeps empty and null ones', async () => {
    const r = await q('FROM wiki | KEEP page, tags | MV_EXPAND tags | SORT page, tags | LIMIT 20');
    expect(r.values).toEqual([['A', 'x'], ['A', 'y'], ['B', 'x'], ['C', null], ['D', 'z'], [null, null]]);
  });

  it('DISSECT takes text apart, appends, skips, and gives nulls when it does not match', async () => {
    const r = await q('FROM logs | DISSECT message "%{method} %{path} %{code}" | KEEP method, path, code | SORT method');
    expect(r.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['method:keyword', 'path:keyword', 'code:keyword']);
    expect(r.values).toEqual([['GET', '/index.html', '200'], ['POST', '/login', '500']]);
    const appended = await q('ROW a = "1-2-3 rest" | DISSECT a "%{x}-%{+x}-%{?skip} %{y}" APPEND_SEPARATOR = ":"');
    expect(appended.values).toEqual([['1-2-3 rest', '1:2', 'rest']]);
    const none = await q('ROW a = "foo bar" | DISSECT a "%{b} %{c} baz"');
    expect(none.values).toEqual([['foo bar', null, null]]);
    const padded = await q('ROW a = "x    y" | DISSECT a "%{p->} %{q}"');
    expect(padded.values).toEqual([['x    y', 'x', 'y']]);
  });
});

describe('functions', () => {
  it('dates: DATE_TRUNC, BUCKET, DATE_EXTRACT, DATE_FORMAT, arithmetic with spans', async () => {
    const r = await q(`ROW d = TO_DATETIME("2016-06-27T13:45:30.123Z")
      | EVAL h = DATE_TRUNC(1 hour, d), m = DATE_TRUNC(1 month, d), b = BUCKET(d, 15 minutes), y = DATE_EXTRACT("year", d),
             dow = DATE_EXTRACT("day_of_week", d), f = DATE_FORMAT("yyyy-MM-dd", d), iso = DATE_FORMAT(d), later = d + 1 day, s = TO_STRING(d)`);
    expect(r.values[0]).toEqual([
      '2016-06-27T13:45:30.123Z', '2016-06-27T13:00:00.000Z', '2016-06-01T00:00:00.000Z', '2016-06-27T13:45:00.000Z', 2016, 1,
      '2016-06-27', '2016-06-27T13:45:30.123Z', '2016-06-28T13:45:30.123Z', '2016-06-27T13:45:30.123Z',
    ]);
    // Asked for at most N buckets over a range, BUCKET picks the smallest of Elasticsearch's spans that fits.
    const buckets = async (n: number): Promise<unknown[][]> => (await q(`FROM wiki | STATS c = COUNT(*) BY b = BUCKET(@timestamp, ${n}, "2016-06-27", "2016-06-29") | SORT b`)).values;
    expect(await buckets(20)).toEqual([[3, '2016-06-27T00:00:00.000Z'], [1, '2016-06-27T03:00:00.000Z'], [1, '2016-06-28T00:00:00.000Z']]);
    expect(await buckets(3)).toEqual([[4, '2016-06-27T00:00:00.000Z'], [1, '2016-06-28T00:00:00.000Z']]);
    // Two days do not cover 27..29 inclusive, so the week (2016-06-27 was a Monday) is picked.
    expect(await buckets(2)).toEqual([[5, '2016-06-27T00:00:00.000Z']]);
    const numeric = await q('FROM wiki | STATS c = COUNT(*) BY b = BUCKET(added, 4, 0, 20) | SORT b');
    // (20 - 0) / 4 = 5 is not under half of 10, so the width is 10.
    expect(numeric.columns[1].type).toBe('double');
    expect(numeric.values).toEqual([[3, 0], [1, 10], [1, 20]]);
  });

  it('strings and conditionals', async () => {
    const r = await q(`ROW s = "  Hello World  "
      | EVAL t = TRIM(s), l = LENGTH(TRIM(s)), up = TO_UPPER(TRIM(s)), lo = TO_LOWER(TRIM(s)), sub = SUBSTRING(TRIM(s), 7), neg = SUBSTRING(TRIM(s), -5, 3),
             c = CONCAT("a", "b", "c"), cn = CONCAT("a", null), sw = STARTS_WITH(TRIM(s), "Hell"), ew = ENDS_WITH(s, "x"),
             co = COALESCE(null, "z"), ca = CASE(LENGTH(s) > 100, "long", LENGTH(s) > 10, "medium", "short"), cb = CASE(false, 1)
      | DROP s`);
    expect(r.values[0]).toEqual(['Hello World', 11, 'HELLO WORLD', 'hello world', 'World', 'Wor', 'abc', null, true, false, 'z', 'medium', null]);
  });

  it('numbers and conversions', async () => {
    const r = await q('ROW x = -2.5 | EVAL a = ABS(x), r = ROUND(3.14159, 2), ri = ROUND(7), l = TO_LONG("42"), d = TO_DOUBLE("1.5"), bad = TO_LONG("x"), s = TO_STRING(12), b = TO_BOOLEAN("true"), cast = "3"::long');
    expect(r.values[0]).toEqual([-2.5, 2.5, 3.14, 7, 42, 1.5, null, '12', true, 3]);
  });

  it('multi-value functions and a multi-value used as one value', async () => {
    const r = await q('FROM wiki | WHERE page == "A" | EVAL n = MV_COUNT(tags), lo = MV_MIN(tags), hi = MV_MAX(tags), one = CONCAT(tags, "!") | KEEP n, lo, hi, one');
    expect(r.values).toEqual([[2, 'x', 'y', null]]);
  });
});

describe('params', () => {
  it('takes positional, numbered and named values, and identifiers', async () => {
    expect((await q('ROW a = ?, b = ?', [1, 'two'])).values).toEqual([[1, 'two']]);
    expect((await q('ROW a = ?2, b = ?1', [1, 'two'])).values).toEqual([['two', 1]]);
    const named = await q('FROM wiki | WHERE added > ?min | KEEP ?col | SORT page | LIMIT 10', [{ min: 9 }, { col: { identifier: 'page' } }]);
    expect(named.values).toEqual([['A'], ['B']]);
    const pattern = await q('FROM wiki | KEEP ?cols | LIMIT 1', [{ cols: { pattern: 'p*' } }]);
    expect(pattern.columns.map((c) => c.name)).toEqual(['page']);
    const inExpr = await q('FROM wiki | STATS n = COUNT(*) BY ?g | SORT n DESC | LIMIT 1', [{ g: { identifier: 'channel' } }]);
    expect(inExpr.values).toEqual([[3, '#en.wikipedia']]);
  });
});

describe('SHOW INFO and ROW', () => {
  it('answers the version as keywords', async () => {
    const r = await q('SHOW INFO');
    expect(r.columns).toEqual([{ name: 'version', type: 'keyword' }, { name: 'date', type: 'keyword' }, { name: 'hash', type: 'keyword' }]);
    expect(r.values[0][0]).toMatch(/^9\.\d+\.\d+$/);
  });

  it('ROW of literals of every type, lists included', async () => {
    const r = await q('ROW i = 1, l = 3000000000, d = 1.5, s = "x", b = true, n = null, m = [1, 2, 3]');
    expect(r.columns.map((c) => c.type)).toEqual(['integer', 'long', 'double', 'keyword', 'boolean', 'null', 'integer']);
    expect(r.values).toEqual([[1, 3000000000, 1.5, 'x', true, null, [1, 2, 3]]]);
  });
});

describe('errors', () => {
  it('syntax errors are parsing errors at line:column', async () => {
    const e = await failure('FROM wiki | WHRE x > 1');
    expect(e.kind).toBe('parsing');
    expect(e.message).toMatch(/^line 1:13: mismatched input 'WHRE' expecting \{/);
    const multi = await failure('FROM wiki\n| STATS COUNT(*) BY\n| LIMIT 1');
    expect(multi.message).toMatch(/^line 3:1: /);
    expect((await failure('ROW a = "unterminated')).message).toMatch(/^line 1:9: token recognition error at: '"unterminated'/);
  });

  it('semantic problems are reported together as verification errors', async () => {
    const e = await failure('FROM wiki | WHERE chanel == "x" | EVAL y = nosuch(1) | STATS AVG(page)');
    expect(e.kind).toBe('verification');
    expect(e.message).toBe([
      'Found 3 problems',
      'line 1:19: Unknown column [chanel], did you mean [channel]?',
      'line 1:44: Unknown function [nosuch]',
      'line 1:62: argument of [AVG(page)] must be [numeric], found value [page] type [keyword]',
    ].join('\n'));
  });

  it('unknown indices, types that do not meet, aggregates out of place, bad dissect patterns', async () => {
    expect((await failure('FROM nosuch')).message).toBe('Found 1 problem\nline 1:6: Unknown index [nosuch]');
    expect((await failure('FROM wiki | WHERE added == "x"')).message).toMatch(/^Found 1 problem\nline 1:19: second argument of \[added == "x"\] must be \[long\]/);
    expect((await failure('FROM wiki | EVAL m = MAX(added)')).message).toBe('Found 1 problem\nline 1:22: aggregate function [MAX(added)] not allowed outside STATS command');
    expect((await failure('FROM wiki | STATS s = SUM(added) + added')).message).toBe('Found 1 problem\nline 1:36: column [added] must appear in the STATS BY clause or be used in an aggregate function');
    expect((await failure('FROM wiki | WHERE added')).message).toBe('Found 1 problem\nline 1:19: Condition expression needs to be boolean, found [LONG]');
    const dissect = await failure('FROM wiki | DISSECT page "%{*a}:%{&a}"');
    expect(dissect).toEqual({ kind: 'parsing', message: 'line 1:13: Reference keys not supported in dissect patterns: [%{*a}]' });
    expect((await failure('ROW a = ?', [])).message).toMatch(/No parameter is defined for position 1/);
  });
});
