import type { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import { inputColumns, planMsqStatement } from '../../src/lang/druid-sql/msq/index.js';
import type { MsqPlan } from '../../src/msq/types.js';
import { createQueryEngine } from '../../src/query/index.js';
import { druidStatus } from '../../src/api/druid/errors.js';

/** EXTERN in its two forms and the http/inline/localfiles table functions (reference §1.4). */

let db: DuckDBInstance;
beforeAll(async () => {
  db = await createQueryEngine();
});
afterAll(() => db?.closeSync());

const plan = (sql: string): Promise<MsqPlan> => planMsqStatement(sql, {}, db);

async function message(sql: string): Promise<string> {
  try {
    await plan(sql);
  } catch (e) {
    expect(e).toBeInstanceOf(GroveError);
    expect(druidStatus(e as GroveError)).toBe(400);
    return (e as Error).message;
  }
  throw new Error('planned without error');
}

const INLINE = `'{"type":"inline","data":"a,1\\n"}'`;
const CSV = `'{"type":"csv","columns":["x","y"]}'`;

describe('EXTERN', () => {
  it('takes named arguments with an EXTEND list, with or without the keyword', async () => {
    for (const extend of ['EXTEND (x VARCHAR, "y" BIGINT)', '(x VARCHAR, "y" BIGINT)']) {
      const p = await plan(`SELECT * FROM TABLE(EXTERN(inputSource => ${INLINE}, inputFormat => ${CSV})) ${extend}`);
      expect(p.inputs).toEqual([
        {
          inputSource: { type: 'inline', data: 'a,1\n' },
          inputFormat: { type: 'csv', columns: ['x', 'y'] },
          signature: [
            { name: 'x', type: 'string' },
            { name: 'y', type: 'long' },
          ],
        },
      ]);
      expect(p.columns.map((c) => [c.name, c.druidType])).toEqual([
        ['x', 'STRING'],
        ['y', 'LONG'],
      ]);
    }
  });

  it('maps EXTEND SQL types to signature types', async () => {
    const p = await plan(`SELECT * FROM TABLE(EXTERN(${INLINE}, ${CSV})) EXTEND (a VARCHAR, b INTEGER, c DOUBLE, d REAL, e FLOAT)`);
    expect(p.inputs[0].signature.map((c) => c.type)).toEqual(['string', 'long', 'double', 'float', 'float']);
    expect(await message(`SELECT * FROM TABLE(EXTERN(${INLINE}, ${CSV})) EXTEND (a TIMESTAMP)`)).toBe('Column [a] has an unsupported type: [TIMESTAMP]');
  });

  it('numbers several inputs in order and aliases survive', async () => {
    const a = `TABLE(EXTERN(${INLINE}, ${CSV}, '[{"name":"x","type":"string"}]'))`;
    const b = `TABLE(EXTERN(${INLINE}, '{"type":"json"}', '[{"name":"k","type":"string"},{"name":"v","type":"double"}]'))`;
    const p = await plan(`SELECT l.x, r.v FROM ${a} AS l JOIN ${b} AS r ON l.x = r.k`);
    expect(p.inputs.map((i) => i.inputFormat.type)).toEqual(['csv', 'json']);
    expect(p.stage0Sql).toMatch(/"__input0" AS l[\s\S]*"__input1" AS r/);
    expect(p.columns.map((c) => c.name)).toEqual(['x', 'v']);
  });

  it('requires exactly one of signature and EXTEND', async () => {
    expect(await message(`SELECT * FROM TABLE(EXTERN(${INLINE}, ${CSV}))`)).toBe('EXTERN requires either a [signature] value or an EXTEND clause');
    expect(await message(`SELECT * FROM TABLE(EXTERN(${INLINE}, ${CSV}, '[{"name":"x","type":"string"}]')) EXTEND (x VARCHAR)`)).toBe(
      'EXTERN requires either a [signature] value or an EXTEND clause, but not both',
    );
  });

  it('names the argument whose JSON is bad', async () => {
    expect(await message(`SELECT * FROM TABLE(EXTERN('{"type": oops}', ${CSV}, '[]'))`)).toMatch(/^Invalid value for the field \[inputSource\]\. Reason: /);
    expect(await message(`SELECT * FROM TABLE(EXTERN(${INLINE}, '{}', '[]'))`)).toBe(
      "Invalid value for the field [inputFormat]. Reason: missing type id property 'type'",
    );
    expect(await message(`SELECT * FROM TABLE(EXTERN(${INLINE}, ${CSV}, '[{"type":"string"}]'))`)).toContain(
      'Column name must be provided and non-empty',
    );
    expect(await message(`SELECT * FROM TABLE(EXTERN(${INLINE}, ${CSV}, '[{"name":"x","type":"COMPLEX<json>"}]'))`)).toBe(
      'Column [x] has an unsupported type: [COMPLEX<json>]',
    );
  });

  it('allows an external __time only as a long', async () => {
    expect(await message(`INSERT INTO dst SELECT __time FROM TABLE(EXTERN(${INLINE}, ${CSV}, '[{"name":"__time","type":"string"}]')) PARTITIONED BY ALL TIME`)).toBe(
      'EXTERN function with __time column can be used when __time column is of type long. Please change the column name to something other than __time',
    );
    const p = await plan(`SELECT * FROM TABLE(EXTERN(${INLINE}, ${CSV}, '[{"name":"__time","type":"long"},{"name":"x","type":"string"}]'))`);
    expect(inputColumns(p.inputs[0])).toEqual([
      { name: '__time', duckType: 'TIMESTAMP' },
      { name: 'x', duckType: 'VARCHAR' },
    ]);
  });
});

describe('table functions', () => {
  it('http builds Druid’s http input source, password provider and headers', async () => {
    const p = await plan(
      `SELECT * FROM TABLE(http(uris => ARRAY['https://h/a.json', 'https://h/b.json'], format => 'json', userName => 'bob', ` +
        `password => 'secret', headers => '{"X-A":"1"}')) EXTEND (ts VARCHAR, n BIGINT)`,
    );
    expect(p.inputs[0]).toEqual({
      inputSource: {
        type: 'http',
        uris: ['https://h/a.json', 'https://h/b.json'],
        httpAuthenticationUsername: 'bob',
        httpAuthenticationPassword: { type: 'default', password: 'secret' },
        requestHeaders: { 'X-A': '1' },
      },
      inputFormat: { type: 'json' },
      signature: [
        { name: 'ts', type: 'string' },
        { name: 'n', type: 'long' },
      ],
    });
    const env = await plan(`SELECT * FROM TABLE(http(uris => ARRAY['https://h/a.csv'], format => 'csv', passwordEnvVar => 'PW')) EXTEND (a VARCHAR)`);
    expect(env.inputs[0].inputSource.httpAuthenticationPassword).toEqual({ type: 'environment', variable: 'PW' });
    expect(env.inputs[0].inputFormat).toEqual({ type: 'csv', columns: ['a'], findColumnsFromHeader: false, skipHeaderRows: 0 });
  });

  it('inline joins the rows and takes CSV options', async () => {
    const p = await plan(`SELECT * FROM TABLE(inline(data => ARRAY['h,h', 'a,1', 'b,2'], format => 'csv', skipHeaderRows => 1)) EXTEND (x VARCHAR, y BIGINT)`);
    expect(p.inputs[0].inputSource).toEqual({ type: 'inline', data: 'h,h\na,1\nb,2\n' });
    expect(p.inputs[0].inputFormat).toEqual({ type: 'csv', columns: ['x', 'y'], findColumnsFromHeader: false, skipHeaderRows: 1 });
  });

  it('localfiles reads baseDir with a filter, or files resolved against baseDir', async () => {
    const filtered = await plan(`SELECT * FROM TABLE(localfiles(baseDir => '/d', filter => '*.tsv', format => 'tsv', delimiter => '|')) EXTEND (x VARCHAR)`);
    expect(filtered.inputs[0].inputSource).toEqual({ type: 'local', baseDir: '/d', filter: '*.tsv' });
    expect(filtered.inputs[0].inputFormat).toEqual({ type: 'tsv', columns: ['x'], delimiter: '|', findColumnsFromHeader: false, skipHeaderRows: 0 });
    const files = await plan(`SELECT * FROM TABLE(localfiles(baseDir => '/d/', files => ARRAY['a.json', 'b.json'], format => 'json')) EXTEND (x VARCHAR)`);
    expect(files.inputs[0].inputSource).toEqual({ type: 'local', files: ['/d/a.json', '/d/b.json'] });
    const all = await plan(`SELECT * FROM TABLE(localfiles(baseDir => '/d', format => 'json')) EXTEND (x VARCHAR)`);
    expect(all.inputs[0].inputSource).toEqual({ type: 'local', baseDir: '/d', filter: '*' });
  });

  it('reports Druid’s errors for missing or conflicting arguments', async () => {
    expect(await message(`SELECT * FROM TABLE(http(uris => ARRAY['https://h/a'], format => 'json'))`)).toBe(
      'The http table function requires an EXTEND clause with a schema.',
    );
    expect(await message(`SELECT * FROM TABLE(http(uris => ARRAY['https://h/a'])) EXTEND (x VARCHAR)`)).toBe('Must provide a value for the [format] parameter');
    expect(await message(`SELECT * FROM TABLE(http(uris => ARRAY['https://h/a'], format => 'xml')) EXTEND (x VARCHAR)`)).toBe(
      'Format type [xml] for property [format] is not valid',
    );
    expect(await message(`SELECT * FROM TABLE(http(uris => ARRAY['https://h/a'], format => 'json', password => 'p', passwordEnvVar => 'E')) EXTEND (x VARCHAR)`)).toBe(
      'Specify only one of password or passwordEnvVar',
    );
    expect(await message(`SELECT * FROM TABLE(localfiles(filter => '*.csv', format => 'csv')) EXTEND (x VARCHAR)`)).toBe(
      'A local input source requires one parameter of baseDir or files',
    );
    expect(await message(`SELECT * FROM TABLE(localfiles(baseDir => '/d', files => ARRAY['a'], filter => '*', format => 'csv')) EXTEND (x VARCHAR)`)).toBe(
      'A local input source can set parameter files or filter, but not both.',
    );
    expect(await message(`SELECT * FROM TABLE(inline(data => ARRAY[], format => 'csv')) EXTEND (x VARCHAR)`)).toBe(
      "An inline table requires one or more rows of data in the 'data' property",
    );
    expect(await message(`SELECT * FROM TABLE(inline(rows => ARRAY['a'], format => 'csv')) EXTEND (x VARCHAR)`)).toMatch(
      /^Unknown parameter \[rows\] for table function \[inline\]/,
    );
  });

  it('leaves no statement terminator or trailing comment in the stage SQL', async () => {
    const p = await plan(`SELECT * FROM TABLE(inline(data => ARRAY['a'], format => 'csv')) EXTEND (x VARCHAR); -- done`);
    expect(p.stage0Sql).toBe('SELECT "x" FROM "__input0"');
  });
});
