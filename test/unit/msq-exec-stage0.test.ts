import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import { expandInputs, FaultError, runStage0 } from '../../src/msq/exec/index.js';
import type { MsqPlan, MsqSettings } from '../../src/msq/types.js';
import { ETERNITY } from '../../src/time/granularity.js';
import { col, fixtureUri, jsonInput, lastCounters, MSQ_FIXTURES, readParquet, SETTINGS, tempDir, testIO, wikiPlan, type TestIO } from '../fixtures/msq/helpers.js';

const DAY12 = Date.UTC(2015, 8, 12);
const DAY13 = Date.UTC(2015, 8, 13);

async function stage0(plan: MsqPlan, io: TestIO = testIO(), settings: Partial<MsqSettings> = {}) {
  const splits = await expandInputs(plan.inputs, io);
  const result = await runStage0({ stage: 0, plan, splits, shuffleDir: tempDir('grove-shuffle-'), settings: { ...SETTINGS, ...settings } }, io);
  return { result, io, splits };
}

async function faultOf(p: Promise<unknown>): Promise<FaultError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(FaultError);
  return e as FaultError;
}

describe('stage 0: reading input', () => {
  it('reads newline-delimited JSON, partitions by DAY and counts what it read', async () => {
    const plan = wikiPlan([jsonInput({ type: 'local', files: [path.join(MSQ_FIXTURES, 'wiki.json')] })]);
    const { result, io } = await stage0(plan);
    expect(result.partitions.map((p) => [p.chunkStart, p.rows])).toEqual([
      [DAY12, 3],
      [DAY13, 3],
    ]);
    const day13 = await readParquet(result.partitions[1].file);
    // A JSON string holding a number reads as the declared long.
    expect(day13.rows.map((r) => [r.__time, r.page, r.added])).toEqual([
      ['2015-09-13 01:00:00', 'Apamea abruzzorum', '18'],
      ['2015-09-13 02:30:00', 'Swedish Open', '12'],
      ['2015-09-13 23:59:59.999', 'Diskussion:Sudetenland', '13'],
    ]);
    expect(day13.types).toMatchObject({ __time: 'TIMESTAMP', added: 'BIGINT', channel: 'VARCHAR' });
    const c = lastCounters(io, 0);
    expect(c.input0).toEqual({ type: 'channel', rows: [6], bytes: [fs.statSync(path.join(MSQ_FIXTURES, 'wiki.json')).size], files: [1], totalFiles: [1] });
    expect(c.output?.rows).toEqual([6]);
    expect(c.shuffle).toEqual({ type: 'channel', rows: [6], bytes: [result.partitions[0].bytes + result.partitions[1].bytes], frames: [2] });
    // Grove's stage 0 has no merge levels to measure: no sortProgress counter rather than a made-up one.
    expect(Object.keys(c).sort()).toEqual(['input0', 'output', 'shuffle']);
  });

  it('reads gzip JSON the same as plain, and counters grow file by file', async () => {
    const plan = wikiPlan([jsonInput({ type: 'local', baseDir: MSQ_FIXTURES, filter: 'wiki.json*' })]);
    const { result, io, splits } = await stage0(plan);
    expect(splits.map((s) => path.basename(s.uri))).toEqual(['wiki.json', 'wiki.json.gz']);
    expect(result.partitions.map((p) => p.rows)).toEqual([6, 6]);
    const perFile = io.snapshots.filter((s) => s.stage === 0).map((s) => [s.c.input0?.files[0], s.c.input0?.rows[0], s.c.output?.rows[0]]);
    expect(perFile).toContainEqual([1, 6, 6]);
    expect(perFile).toContainEqual([2, 12, 12]);
    expect(perFile.findIndex((x) => x[0] === 1)).toBeLessThan(perFile.findIndex((x) => x[0] === 2));
    const rows = (await readParquet(result.partitions[0].file)).rows;
    expect(rows.filter((r) => r.page === 'Rallicula')).toHaveLength(2);
  });

  it('reads CSV with a header row and the signature types', async () => {
    const input = {
      inputSource: { type: 'local', files: [path.join(MSQ_FIXTURES, 'wiki.csv')] },
      inputFormat: { type: 'csv', findColumnsFromHeader: true },
      signature: [
        { name: 'time', type: 'string' as const },
        { name: 'page', type: 'string' as const },
        { name: 'deleted', type: 'long' as const },
      ],
    };
    const plan = wikiPlan([input], {
      stage0Sql: 'SELECT CAST("time" AS TIMESTAMP) AS __time, page, deleted FROM __input0',
      columns: [col('__time', 'LONG'), col('page', 'STRING'), col('deleted', 'LONG')],
    });
    const { result, io } = await stage0(plan);
    const rows = (await readParquet(result.partitions.map((p) => p.file), 'ORDER BY __time')).rows;
    // Quoted commas stay in the field; a non-number in a long column is null.
    expect(rows.map((r) => [r.page, r.deleted])).toEqual([
      ['Talk:Oswald, Tilghman', '0'],
      ['Rallicula', '0'],
      ['Apamea abruzzorum', null],
    ]);
    expect(lastCounters(io, 0).input0?.rows).toEqual([3]);
  });

  it('reads CSV without a header, skipping rows, with columns from the signature', async () => {
    const data = 'junk line\n2020-01-01T00:00:00Z,a,1\n2020-01-02T00:00:00Z,b,2';
    const input = {
      inputSource: { type: 'inline', data },
      inputFormat: { type: 'csv', skipHeaderRows: 1 },
      signature: [
        { name: 'ts', type: 'string' as const },
        { name: 'k', type: 'string' as const },
        { name: 'v', type: 'double' as const },
      ],
    };
    const plan = wikiPlan([input], { stage0Sql: 'SELECT CAST(ts AS TIMESTAMP) AS __time, k, v FROM __input0', columns: [col('__time', 'LONG'), col('k', 'STRING'), col('v', 'DOUBLE')] });
    const { result, splits } = await stage0(plan);
    expect(splits).toEqual([{ inputNumber: 0, uri: 'inline:0', size: Buffer.byteLength(data) }]);
    const rows = (await readParquet(result.partitions.map((p) => p.file), 'ORDER BY __time')).rows;
    expect(rows.map((r) => [r.k, r.v])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('reads inline JSON data as one split', async () => {
    const data = '{"time":"2020-01-01T10:00:00Z","channel":"#x","added":5}\n{"time":"2020-01-01T11:00:00Z","channel":"#y","added":7}';
    const { result, io } = await stage0(wikiPlan([jsonInput({ type: 'inline', data })]));
    expect(result.partitions).toHaveLength(1);
    expect(result.partitions[0]).toMatchObject({ chunkStart: Date.UTC(2020, 0, 1), rows: 2 });
    expect(lastCounters(io, 0).input0).toMatchObject({ rows: [2], bytes: [Buffer.byteLength(data)], files: [1] });
  });

  it('refuses local input outside the allowed directories', async () => {
    const io = testIO({ allowedInputDirs: [tempDir()] });
    const err = await expandInputs([jsonInput({ type: 'local', baseDir: MSQ_FIXTURES, filter: '*.json' })], io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroveError);
    expect((err as GroveError).code).toBe('forbidden');
    // The worker checks again: a work order naming a file outside them fails too.
    const plan = wikiPlan([jsonInput({ type: 'local', files: [] })]);
    const order = { stage: 0 as const, plan, splits: [{ inputNumber: 0, uri: fixtureUri('wiki.json') }], shuffleDir: tempDir(), settings: SETTINGS };
    const f = await faultOf(runStage0(order, io));
    expect(f.fault.errorMessage).toMatch(/outside the directories/);
  });
});

describe('stage 0: parse errors', () => {
  const plan = wikiPlan([jsonInput({ type: 'local', files: [path.join(MSQ_FIXTURES, 'bad.json')] })]);
  const uri = pathToFileURL(path.join(MSQ_FIXTURES, 'bad.json')).href.replace('file:///', 'file:/');

  it('keeps unparseable lines as warnings while under maxParseExceptions', async () => {
    const { result, io } = await stage0(plan, testIO(), { maxParseExceptions: 3 });
    // Line 2 is not JSON, line 4 is blank, line 6 is not an object; "lots" in a long column is null.
    expect(result.warnings.map((w) => w.errorMessage)).toEqual([
      `Unable to parse row [this is not json] (Path: ${uri}, Record: 2, Line: 2)`,
      `Unable to parse row [] (Path: ${uri}, Record: 4, Line: 4)`,
      `Unable to parse row [[1,2]] (Path: ${uri}, Record: 6, Line: 6)`,
    ]);
    expect(result.warnings.every((w) => w.errorCode === 'CannotParseExternalData')).toBe(true);
    const rows = (await readParquet(result.partitions[0].file)).rows;
    expect(rows.map((r) => [r.channel, r.added])).toEqual([
      ['#a', '1'],
      ['#b', '2'],
      ['#c', null],
    ]);
    const c = lastCounters(io, 0);
    expect(c.warnings).toEqual({ CannotParseExternalData: 3 });
    expect(c.input0?.rows).toEqual([3]);
  });

  it('fails with TooManyWarnings past maxParseExceptions, and at the first bad line by default', async () => {
    const over = await faultOf(stage0(plan, testIO(), { maxParseExceptions: 2 }));
    expect(over.fault).toEqual({
      errorCode: 'TooManyWarnings',
      rootErrorCode: 'CannotParseExternalData',
      maxWarnings: 2,
      errorMessage: 'Too many warnings of type CannotParseExternalData generated (max = 2)',
    });
    expect(over.warnings).toHaveLength(3);
    const strict = await faultOf(stage0(plan));
    expect(strict.fault).toMatchObject({ errorCode: 'TooManyWarnings', maxWarnings: 0 });
    const unlimited = await stage0(plan, testIO(), { maxParseExceptions: -1 });
    expect(unlimited.result.partitions[0].rows).toBe(3);
  });

  it('counts lines DuckDB alone would take silently: blank, null, two objects on a line', async () => {
    const data = [
      '{"time":"2020-01-01T00:00:00Z","channel":"a"}',
      '',
      'null',
      '{"time":"2020-01-01T00:30:00Z"} {"time":"2020-01-01T00:40:00Z"}',
      '\t{"time":"2020-01-01T01:00:00Z","channel":"b"}',
    ].join('\n');
    const { result, io } = await stage0(wikiPlan([jsonInput({ type: 'inline', data })]), testIO(), { maxParseExceptions: 3 });
    expect(result.warnings.map((w) => w.errorMessage)).toEqual([
      'Unable to parse row [] (Record: 2, Line: 2)',
      'Unable to parse row [null] (Record: 3, Line: 3)',
      'Unable to parse row [{"time":"2020-01-01T00:30:00Z"} {"time":"2020-01-01T00:40:00Z"}] (Record: 4, Line: 4)',
    ]);
    expect((await readParquet(result.partitions[0].file)).rows.map((r) => r.channel)).toEqual(['a', 'b']);
    expect(lastCounters(io, 0).input0?.rows).toEqual([2]);
  });
});

describe('stage 0: checks and partitioning', () => {
  it('fails with InsertTimeNull when a row has no __time', async () => {
    const data = '{"time":"2020-01-01T00:00:00Z","channel":"a"}\n{"channel":"no time"}';
    const f = await faultOf(stage0(wikiPlan([jsonInput({ type: 'inline', data })])));
    expect(f.fault).toEqual({ errorCode: 'InsertTimeNull', errorMessage: 'Null timestamp (__time) encountered during INSERT or REPLACE.' });
  });

  it('fails with InsertTimeNull under PARTITIONED BY ALL too, where rows go straight to their file', async () => {
    const data = '{"time":"2020-01-01T00:00:00Z","channel":"a"}\n{"channel":"no time"}';
    const io = testIO();
    const f = await faultOf(stage0(wikiPlan([jsonInput({ type: 'inline', data })], { partitionedBy: 'ALL' }), io));
    expect(f.fault.errorCode).toBe('InsertTimeNull');
  });

  it('fails with TooManyBuckets beyond 5,000 time chunks', async () => {
    const data = Array.from({ length: 5001 }, (_, i) => JSON.stringify({ time: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString() })).join('\n');
    const f = await faultOf(stage0(wikiPlan([jsonInput({ type: 'inline', data })], { partitionedBy: 'HOUR' })));
    expect(f.fault).toMatchObject({ errorCode: 'TooManyBuckets', maxBuckets: 5000 });
  });

  it('fails with TooManyColumns beyond 2,000 output columns', async () => {
    const cols = Array.from({ length: 2001 }, (_, i) => `1 AS c${i}`).join(', ');
    const plan = wikiPlan([jsonInput({ type: 'inline', data: '{"time":"2020-01-01T00:00:00Z"}' })], { stage0Sql: `SELECT CAST("time" AS TIMESTAMP) AS __time, ${cols} FROM __input0` });
    const f = await faultOf(stage0(plan));
    expect(f.fault).toMatchObject({ errorCode: 'TooManyColumns', numColumns: 2002, maxColumns: 2000 });
  });

  it('PARTITIONED BY ALL makes one partition at the start of ETERNITY, sorted by __time', async () => {
    const data = ['2020-03-01T00:00:00Z', '2019-01-01T00:00:00Z', '2020-01-01T00:00:00Z'].map((t) => JSON.stringify({ time: t, channel: t.slice(0, 4) })).join('\n');
    const { result, io } = await stage0(wikiPlan([jsonInput({ type: 'inline', data })], { partitionedBy: 'ALL' }));
    expect(io.logs.some((l) => l.includes('written directly'))).toBe(true);
    expect(lastCounters(io, 0).shuffle).toMatchObject({ rows: [3], frames: [1] });
    expect(result.partitions).toHaveLength(1);
    expect(result.partitions[0]).toMatchObject({ chunkStart: ETERNITY.start, rows: 3 });
    const rows = (await readParquet(result.partitions[0].file)).rows;
    expect(rows.map((r) => r.channel)).toEqual(['2019', '2020', '2020']);
    expect(rows.map((r) => r.__time)).toEqual(['2019-01-01 00:00:00', '2020-01-01 00:00:00', '2020-03-01 00:00:00']);
  });

  it('sorts unordered input by __time, then CLUSTERED BY, then the rest', async () => {
    const rows = [
      ['2020-01-01T05:00:00Z', 'b', 'p2'],
      ['2020-01-01T05:00:00Z', 'a', 'p9'],
      ['2020-01-01T01:00:00Z', 'z', 'p1'],
      ['2020-01-01T05:00:00Z', 'a', 'p3'],
    ];
    const data = rows.map(([time, channel, page]) => JSON.stringify({ time, channel, page })).join('\n');
    const { result } = await stage0(wikiPlan([jsonInput({ type: 'inline', data })], { clusteredBy: ['channel'] }));
    const out = (await readParquet(result.partitions[0].file)).rows;
    expect(out.map((r) => `${r.channel}/${r.page}`)).toEqual(['z/p1', 'a/p3', 'a/p9', 'b/p2']);
  });

  it('a SELECT job writes one unpartitioned file in the order the SQL gave', async () => {
    const plan = wikiPlan([jsonInput({ type: 'local', files: [path.join(MSQ_FIXTURES, 'wiki.json')] })], {
      kind: 'select',
      dataSource: null,
      partitionedBy: null,
      singleWorker: true,
      stage0Sql: 'SELECT page, added FROM __input0 ORDER BY added DESC LIMIT 2',
      columns: [col('page', 'STRING'), col('added', 'LONG')],
    });
    const { result, io } = await stage0(plan);
    expect(result.partitions).toHaveLength(1);
    expect(result.partitions[0].chunkStart).toBe(ETERNITY.start);
    expect((await readParquet(result.partitions[0].file)).rows.map((r) => r.page)).toEqual(['Talk:Oswald Tilghman', 'Apamea abruzzorum']);
    const c = lastCounters(io, 0);
    expect(c.input0?.rows).toEqual([6]);
    expect(c.output?.rows).toEqual([2]);
  });

  it('a SELECT job over several files of one worker concatenates them in file order', async () => {
    const plan = wikiPlan([jsonInput({ type: 'local', baseDir: MSQ_FIXTURES, filter: 'wiki.json*' })], {
      kind: 'select',
      dataSource: null,
      partitionedBy: null,
      stage0Sql: 'SELECT page, added FROM __input0',
      columns: [col('page', 'STRING'), col('added', 'LONG')],
    });
    const { result, io } = await stage0(plan);
    expect(result.partitions.map((p) => p.rows)).toEqual([12]);
    const pages = (await readParquet(result.partitions[0].file)).rows.map((r) => r.page);
    expect(pages.slice(0, 6)).toEqual(pages.slice(6));
    expect(pages[0]).toBe('Talk:Oswald Tilghman');
    expect(io.logs.some((l) => l.includes('written directly'))).toBe(false);
  });

  it('no input files: no partitions', async () => {
    const { result } = await stage0(wikiPlan([jsonInput({ type: 'local', baseDir: MSQ_FIXTURES, filter: '*.nothing' })]));
    expect(result).toEqual({ stage: 0, partitions: [], warnings: [], covered: [] });
  });
});
