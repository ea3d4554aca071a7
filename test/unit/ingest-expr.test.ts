import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import { parseExpression } from '../../src/ingest/expr-parse.js';
import { exprValueSql, type Scope } from '../../src/ingest/expr-sql.js';
import { typed, type SqlType } from '../../src/ingest/expr-types.js';

let db: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  await conn.run("SET autoinstall_known_extensions=false; SET autoload_known_extensions=false; SET TimeZone='UTC'");
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

/** One row of columns: page (string), added (long), ratio (double), nothing (null string), t (ms). */
const ROW = `SELECT 'Talk:Oswald' AS page, CAST(36 AS BIGINT) AS added, CAST(0.5 AS DOUBLE) AS ratio, CAST(NULL AS VARCHAR) AS nothing, CAST(1442019018771 AS BIGINT) AS t, '12' AS numtext, CAST('{"a":{"b":[1,2]}}' AS JSON) AS doc`;
const TYPES: Record<string, SqlType> = { page: 'string', added: 'long', ratio: 'double', nothing: 'string', t: 'long', numtext: 'string', doc: 'json' };
const scope: Scope = (name) => (name === '__time' ? typed('t', 'long') : TYPES[name] ? typed(`"${name}"`, TYPES[name]) : typed('NULL', 'null'));

async function evaluate(text: string): Promise<{ value: unknown; type: SqlType }> {
  const t = exprValueSql(parseExpression(text, 'expr'), scope, 'expr');
  const rows = (await conn.runAndReadAll(`SELECT ${t.sql} AS v FROM (${ROW})`)).getRowObjectsJS();
  const v = rows[0].v;
  return { value: typeof v === 'bigint' ? Number(v) : v, type: t.type };
}

describe('Druid expressions on DuckDB', () => {
  it.each([
    ['added + 4', 40, 'long'],
    ['added / 5', 7, 'long'],
    ['added / 5.0', 7.2, 'double'],
    ['-added % 5', -1, 'long'],
    ['2 ^ 3 ^ 2', 512, 'long'],
    ['-2 ^ 2', 4, 'long'],
    ['1 + 2 * 3', 7, 'long'],
    ['(1 + 2) * 3', 9, 'long'],
    ['added * ratio', 18, 'double'],
    ["'a' + 'b'", 'ab', 'string'],
    ['numtext * 2', 24, 'double'],
    ['added > 10 && ratio < 1', 1, 'long'],
    ['!(added > 10) || nothing == \'x\'', null, 'long'],
    ["page == 'Talk:Oswald'", 1, 'long'],
    ["concat(page, '-', added)", 'Talk:Oswald-36', 'string'],
    ["concat(page, nothing)", null, 'string'],
    ['lower(page)', 'talk:oswald', 'string'],
    ['upper(page)', 'TALK:OSWALD', 'string'],
    ['strlen(page)', 11, 'long'],
    ['substring(page, 0, 4)', 'Talk', 'string'],
    ['substring(page, 5, -1)', 'Oswald', 'string'],
    ["replace(page, 'Talk:', '')", 'Oswald', 'string'],
    ["nvl(nothing, 'dflt')", 'dflt', 'string'],
    ["if(added > 100, 'big', 'small')", 'small', 'string'],
    ["case_searched(added > 100, 'big', added > 10, 'medium', 'small')", 'medium', 'string'],
    ["case_simple(added, 1, 'one', 36, 'thirty-six', 'other')", 'thirty-six', 'string'],
    ["cast(numtext, 'LONG') + 1", 13, 'long'],
    ["cast(added, 'STRING')", '36', 'string'],
    ["cast('12.9', 'LONG')", 12, 'long'],
    ["timestamp_floor(__time, 'PT1H')", Date.parse('2015-09-12T00:00:00Z'), 'long'],
    ["timestamp_floor(__time, 'P1D', null, 'America/Los_Angeles')", Date.parse('2015-09-11T07:00:00Z'), 'long'],
    ["timestamp('2015-09-12T01:02:03Z')", Date.parse('2015-09-12T01:02:03Z'), 'long'],
    ["timestamp_parse('2015/09/12 01', 'yyyy/MM/dd HH')", Date.parse('2015-09-12T01:00:00Z'), 'long'],
    ["timestamp_format(__time)", '2015-09-12T00:50:18.771Z', 'string'],
    ["timestamp_format(__time, 'yyyy-MM-dd')", '2015-09-12', 'string'],
    ["timestamp_extract(__time, 'HOUR')", 0, 'long'],
    ["timestamp_shift(__time, 'P1M', 1)", Date.parse('2015-10-12T00:50:18.771Z'), 'long'],
    ["like(page, 'Talk%')", 1, 'long'],
    ["regexp_extract(page, '([A-Z])[a-z]+$', 1)", 'O', 'string'],
    ["regexp_extract(page, 'zzz')", null, 'string'],
    ["contains_string(page, 'Osw')", 1, 'long'],
    ["strpos(page, 'Osw')", 5, 'long'],
    ['abs(-added)', 36, 'long'],
    ['greatest(added, ratio, 3)', 36, 'double'],
    ["json_value(doc, '$.a.b[1]', 'LONG')", 2, 'long'],
    ['isnull(nothing)', 1, 'long'],
    ['"page"', 'Talk:Oswald', 'string'],
    ['missing_column', null, 'null'],
    ["'it''s'", null, 'null'],
  ] as Array<[string, unknown, SqlType]>)('%s', async (text, value, type) => {
    if (text === "'it''s'") {
      // Druid has no doubled-quote escape; a backslash escape is the way.
      expect((await evaluate("'it\\'s'")).value).toBe("it's");
      return;
    }
    const r = await evaluate(text);
    expect(r.value).toBe(value);
    expect(r.type).toBe(type);
  });

  it('keeps hostile text out of SQL', async () => {
    const r = await evaluate(`concat('x\\'); DROP TABLE t; --', page)`);
    expect(r.value).toBe("x'); DROP TABLE t; --Talk:Oswald");
    expect((await evaluate(`"we\\"ird"`)).value).toBe(null);
    expect((await evaluate(`'a\\'b"c'`)).value).toBe(`a'b"c`);
  });
});

describe('expression errors', () => {
  const err = (text: string): string => {
    try {
      exprValueSql(parseExpression(text, 'spec.x'), scope, 'spec.x');
    } catch (e) {
      if (e instanceof GroveError) return e.message;
      throw e;
    }
    return 'no error';
  };
  it.each([
    ['sha1(page)', 'spec.x: function [sha1] is not supported; supported functions: abs, case_searched'],
    ['concat(', 'spec.x: cannot parse expression [concat(]: expected a value at the end of the expression'],
    ['a +* b', "cannot parse expression [a +* b]: expected a value but found '*' at position 3"],
    ["'open", 'unterminated string literal starting at position 0'],
    ['a # b', "unexpected character '#' at position 2"],
    ['lower(a, b)', 'spec.x: function [lower] needs 1 argument(s), got 2'],
    ["timestamp_floor(__time, page)", 'argument 2 of function [timestamp_floor] must be a period literal'],
    ["timestamp_floor(__time, 'P1X')", '[P1X] is not a valid ISO-8601 period'],
    ["cast(a, 'ARRAY<LONG>')", 'function [cast] cannot cast to [ARRAY<LONG>]'],
    ["regexp_like(a, '(')", 'argument 2 of function [regexp_like] is not a valid regular expression'],
    ['[1, 2]', 'array literals are not supported'],
    ['99999999999999999999', 'does not fit in a long'],
    ['(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))', 'nests deeper than 100 levels'],
  ])('%s', (text, message) => {
    expect(err(text)).toContain(message);
  });
});
