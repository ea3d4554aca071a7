import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import type { Scope } from '../../src/ingest/expr-sql.js';
import { typed } from '../../src/ingest/expr-types.js';
import { filterColumns, filterToSql, parseFilter } from '../../src/ingest/filter.js';

let db: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  await conn.run("SET TimeZone='UTC'");
  await conn.run(`CREATE TABLE t AS SELECT * FROM (VALUES
    (1, '#en', 'Apple', CAST(10 AS BIGINT), CAST(1.5 AS DOUBLE), CAST(1442016000000 AS BIGINT)),
    (2, '#fr', 'banana', CAST(200 AS BIGINT), CAST(2.5 AS DOUBLE), CAST(1442019600000 AS BIGINT)),
    (3, '#en', NULL, CAST(-5 AS BIGINT), NULL, CAST(1442102400000 AS BIGINT)),
    (4, 'it''s', '100%', NULL, CAST(9 AS DOUBLE), CAST(1442188800000 AS BIGINT))
  ) v(id, channel, page, added, ratio, ms)`);
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

const TYPES = { channel: 'string', page: 'string', added: 'long', ratio: 'double' } as const;
const scope: Scope = (n) =>
  n === '__time' ? typed('ms', 'long') : n in TYPES ? typed(`"${n}"`, TYPES[n as keyof typeof TYPES]) : typed('NULL', 'null');

async function matching(filter: unknown): Promise<number[]> {
  const sql = filterToSql(parseFilter(filter, 'filter'), scope);
  const rows = (await conn.runAndReadAll(`SELECT id FROM t WHERE ${sql} ORDER BY id`)).getRowObjectsJS();
  return rows.map((r) => Number(r.id));
}

describe('Druid filters on DuckDB', () => {
  it.each([
    [{ type: 'selector', dimension: 'channel', value: '#en' }, [1, 3]],
    [{ type: 'selector', dimension: 'page', value: null }, [3]],
    [{ type: 'selector', dimension: 'added', value: '200' }, [2]],
    [{ type: 'selector', dimension: 'added', value: 'abc' }, []],
    [{ type: 'selector', dimension: 'channel', value: "it's" }, [4]],
    [{ type: 'equals', column: 'added', matchValueType: 'LONG', matchValue: 10 }, [1]],
    [{ type: 'equals', column: 'ratio', matchValueType: 'DOUBLE', matchValue: 2.5 }, [2]],
    [{ type: 'in', dimension: 'channel', values: ['#fr', "it's"] }, [2, 4]],
    [{ type: 'in', dimension: 'page', values: [null, 'Apple'] }, [1, 3]],
    [{ type: 'bound', dimension: 'added', lower: '0', upper: '100', ordering: 'numeric' }, [1]],
    [{ type: 'bound', dimension: 'added', lower: '10', lowerStrict: true, ordering: 'numeric' }, [2]],
    [{ type: 'bound', dimension: 'page', lower: 'B', upper: 'c' }, [2]],
    [{ type: 'range', column: 'ratio', matchValueType: 'DOUBLE', lower: 1.5, upper: 9, upperOpen: true }, [1, 2]],
    [{ type: 'and', fields: [{ type: 'selector', dimension: 'channel', value: '#en' }, { type: 'null', column: 'page' }] }, [3]],
    [{ type: 'or', fields: [{ type: 'selector', dimension: 'channel', value: '#fr' }, { type: 'null', column: 'added' }] }, [2, 4]],
    [{ type: 'not', field: { type: 'selector', dimension: 'channel', value: '#en' } }, [2, 4]],
    [{ type: 'like', dimension: 'page', pattern: '%pp%' }, [1]],
    [{ type: 'like', dimension: 'page', pattern: '100!%', escape: '!' }, [4]],
    [{ type: 'regex', dimension: 'page', pattern: '^[a-z]' }, [2]],
    [{ type: 'search', dimension: 'page', query: { type: 'insensitive_contains', value: 'APP' } }, [1]],
    [{ type: 'interval', dimension: '__time', intervals: ['2015-09-12/2015-09-13'] }, [1, 2]],
    [{ type: 'expression', expression: "added > 5 && channel != '#fr'" }, [1]],
    [{ type: 'true' }, [1, 2, 3, 4]],
    [{ type: 'false' }, []],
  ])('%j', async (filter, ids) => {
    expect(await matching(filter)).toEqual(ids);
  });

  it('lists the columns a filter reads', () => {
    const f = parseFilter(
      { type: 'and', fields: [{ type: 'selector', dimension: 'a', value: 'x' }, { type: 'not', field: { type: 'expression', expression: 'b + c > 1' } }] },
      'filter',
    );
    expect([...filterColumns(f)].sort()).toEqual(['a', 'b', 'c']);
  });

  it.each([
    [{ type: 'selector', value: 'x' }, 'filter.dimension is required'],
    [{ type: 'and', fields: [] }, 'filter.fields must be a non-empty array of filters'],
    [{ type: 'equals', column: 'a', matchValueType: 'STRING' }, 'filter.matchValue is required'],
    [{ type: 'equals', column: 'a', matchValueType: 'BLOB', matchValue: 'x' }, 'filter.matchValueType [BLOB] is not supported'],
    [{ type: 'bound', dimension: 'a', ordering: 'alphanumeric' }, 'filter.ordering [alphanumeric] is not supported'],
    [{ type: 'selector', dimension: 'a', value: 'x', extractionFn: { type: 'substring' } }, 'filter.extractionFn is not supported by Grove'],
    [{ type: 'not', field: { type: 'columnComparison' } }, 'filter.field.type [columnComparison] is not supported'],
    [{ type: 'regex', dimension: 'a', pattern: '(' }, 'filter.pattern is not a valid regular expression'],
    [{ type: 'expression', expression: 'nope(' }, 'filter.expression: cannot parse expression'],
  ])('rejects %j', (filter, message) => {
    let err: unknown;
    try {
      parseFilter(filter, 'filter');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GroveError);
    expect((err as GroveError).message).toContain(message);
  });
});
