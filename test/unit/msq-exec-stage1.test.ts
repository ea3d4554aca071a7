import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs, runStage0, runStage1 } from '../../src/msq/exec/index.js';
import type { ExternInput, MsqPlan, MsqSettings } from '../../src/msq/types.js';
import { bucketInterval, ETERNITY, parseGranularity } from '../../src/time/granularity.js';
import { col, jsonInput, lastCounters, MSQ_FIXTURES, parquetSchema, readParquet, SETTINGS, tempDir, testIO, wikiPlan } from '../fixtures/msq/helpers.js';

/** Runs stage 0 once per "worker" (each with its own inputs) into one shuffle directory, then stage 1 on every chunk. */
async function job(plan: MsqPlan, workers: ExternInput[][], settings: Partial<MsqSettings> = {}) {
  const shuffleDir = tempDir('grove-shuffle-');
  const partitions = [];
  for (const inputs of workers) {
    const io = testIO();
    const splits = await expandInputs(inputs, io);
    const r = await runStage0({ stage: 0, plan: { ...plan, inputs }, splits, shuffleDir, settings: { ...SETTINGS, ...settings } }, io);
    partitions.push(...r.partitions);
  }
  const gran = parseGranularity(plan.partitionedBy);
  const starts = [...new Set(partitions.map((p) => p.chunkStart))].sort((a, b) => a - b);
  const io = testIO();
  const outDir = tempDir('grove-segments-');
  const result = await runStage1(
    {
      stage: 1,
      plan,
      partitions: starts.map((s) => ({ chunk: gran.type === 'all' ? ETERNITY : bucketInterval(s, gran), files: partitions.filter((p) => p.chunkStart === s).map((p) => p.file), version: '2024-01-01T00:00:00.000Z' })),
      outDir,
      settings: { ...SETTINGS, ...settings },
    },
    io,
  );
  return { segments: result.segments, partitions, io, outDir };
}

const inline = (rows: Array<Record<string, unknown>>): ExternInput => jsonInput({ type: 'inline', data: rows.map((r) => JSON.stringify(r)).join('\n') });
const wikiFile = (name: string): ExternInput => jsonInput({ type: 'local', files: [path.join(MSQ_FIXTURES, name)] });

describe('stage 1: segment generation', () => {
  it('turns each chunk into a segment with millisecond __time and Druid column metadata', async () => {
    const { segments, io, partitions } = await job(wikiPlan([]), [[wikiFile('wiki.json')]]);
    expect(segments.map((s) => [new Date(s.interval.start).toISOString(), new Date(s.interval.end).toISOString(), s.numRows])).toEqual([
      ['2015-09-12T00:00:00.000Z', '2015-09-13T00:00:00.000Z', 3],
      ['2015-09-13T00:00:00.000Z', '2015-09-14T00:00:00.000Z', 3],
    ]);
    const s = segments[1];
    expect(s).toMatchObject({ version: '2024-01-01T00:00:00.000Z', dimensions: ['channel', 'page', 'added', 'deleted'], metrics: [] });
    expect(s.columns).toEqual([
      { name: '__time', type: 'LONG' },
      { name: 'channel', type: 'STRING' },
      { name: 'page', type: 'STRING' },
      { name: 'added', type: 'LONG' },
      { name: 'deleted', type: 'LONG' },
    ]);
    expect(s.size).toBe(fs.statSync(s.localPath).size);
    // A chunk fed by one shuffle file is that file, linked rather than written again.
    expect(fs.statSync(s.localPath).ino).toBe(fs.statSync(partitions[1].file).ino);
    const back = await readParquet(s.localPath);
    expect(back.types).toEqual({ __time: 'TIMESTAMP', channel: 'VARCHAR', page: 'VARCHAR', added: 'BIGINT', deleted: 'BIGINT' });
    expect((await parquetSchema(s.localPath)).__time).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' });
    expect(back.rows.map((r) => r.__time)).toEqual(['2015-09-13 01:00:00', '2015-09-13 02:30:00', '2015-09-13 23:59:59.999']);
    const c = lastCounters(io, 1);
    expect(c.input0).toEqual({ type: 'channel', rows: [6], bytes: [partitions.reduce((n, p) => n + p.bytes, 0)], frames: [2] });
    expect(c.segmentGenerationProgress).toEqual({ type: 'segmentGenerationProgress', rowsProcessed: 6, rowsPersisted: 6, rowsMerged: 6 });
    // Progress is reported chunk by chunk.
    expect(io.snapshots.map((x) => x.c.segmentGenerationProgress?.rowsPersisted)).toContain(3);
  });

  it('truncates __time to milliseconds, so a row never leaves its chunk', async () => {
    const plan = wikiPlan([], { stage0Sql: `SELECT TIMESTAMP '2020-01-01 23:59:59.999900' AS __time, page FROM __input0`, columns: [col('__time', 'LONG'), col('page', 'STRING')] });
    const { segments } = await job(plan, [[inline([{ page: 'late' }])]]);
    expect(segments[0].interval.start).toBe(Date.UTC(2020, 0, 1));
    expect((await readParquet(segments[0].localPath)).rows).toEqual([{ __time: '2020-01-01 23:59:59.999', page: 'late' }]);
  });

  it('merges two workers\u2019 files sorted by __time, then CLUSTERED BY, then the other columns', async () => {
    const t = '2020-01-01T05:00:00Z';
    const a = inline([
      { time: t, channel: 'c', page: 'p1' },
      { time: '2020-01-01T09:00:00Z', channel: 'a', page: 'p0' },
      { time: t, channel: 'a', page: 'p9' },
    ]);
    const b = inline([
      { time: t, channel: 'b', page: 'p5' },
      { time: t, channel: 'a', page: 'p2' },
      { time: '2020-01-01T01:00:00Z', channel: 'z', page: 'p7' },
    ]);
    const { segments } = await job(wikiPlan([], { clusteredBy: ['channel'] }), [[a], [b]]);
    expect(segments).toHaveLength(1);
    const rows = (await readParquet(segments[0].localPath)).rows;
    expect(rows.map((r) => `${r.channel}/${r.page}`)).toEqual(['z/p7', 'a/p2', 'a/p9', 'b/p5', 'c/p1', 'a/p0']);
  });

  it('splits a chunk into files of at most rowsPerSegment rows, keeping the sort order across them', async () => {
    const rows = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ time: new Date(Date.UTC(2020, 0, 1) + (from + i) * 60_000).toISOString(), page: `p${from + i}` }));
    // One worker: the single sorted shuffle file is cut by row number.
    const one = await job(wikiPlan([]), [[inline(rows(6, 0))]], { rowsPerSegment: 4 });
    expect(one.segments.map((s) => s.numRows)).toEqual([4, 2]);
    expect((await readParquet(one.segments[1].localPath)).rows.map((r) => r.page)).toEqual(['p4', 'p5']);
    // Two workers with interleaved times: merged, sorted, then cut.
    const two = await job(wikiPlan([]), [[inline(rows(6, 0).filter((_, i) => i % 2 === 0))], [inline(rows(6, 0).filter((_, i) => i % 2 === 1))]], { rowsPerSegment: 4 });
    expect(two.segments.map((s) => s.numRows)).toEqual([4, 2]);
    expect((await readParquet(two.segments[0].localPath)).rows.map((r) => r.page)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(two.segments.map((s) => path.basename(s.localPath))).toEqual([`${Date.UTC(2020, 0, 1)}_${Date.UTC(2020, 0, 2)}_0.parquet`, `${Date.UTC(2020, 0, 1)}_${Date.UTC(2020, 0, 2)}_1.parquet`]);
  });
});

describe('stage 1: grouped plans', () => {
  const grouped = wikiPlan([], {
    grouped: true,
    stage0Sql: `SELECT date_trunc('day', CAST("time" AS TIMESTAMP)) AS __time, channel, count(*) AS cnt, sum(added) AS added,
      min(deleted) AS dmin, max(deleted) AS dmax, first(page ORDER BY "time") AS first_page, last(page ORDER BY "time") AS last_page
      FROM __input0 GROUP BY 1, 2`,
    columns: [
      col('__time', 'LONG'),
      col('channel', 'STRING'),
      col('cnt', 'LONG', 'sum'),
      col('added', 'LONG', 'sum'),
      col('dmin', 'LONG', 'min'),
      col('dmax', 'LONG', 'max'),
      col('first_page', 'STRING', 'earliest'),
      col('last_page', 'STRING', 'latest'),
    ],
  });

  it('re-aggregates partial rows from two workers with each column\u2019s combine', async () => {
    const other = inline([
      { time: '2015-09-12T10:00:00Z', channel: '#en.wikipedia', page: 'Later page', added: 100, deleted: 50 },
      { time: '2015-09-12T11:00:00Z', channel: '#fr.wikipedia', page: 'Paris', added: 1, deleted: 1 },
    ]);
    const { segments } = await job(grouped, [[wikiFile('wiki.json')], [other]]);
    expect(segments[0]).toMatchObject({ dimensions: ['channel'], metrics: ['cnt', 'added', 'dmin', 'dmax', 'first_page', 'last_page'] });
    const rows = (await readParquet(segments[0].localPath)).rows;
    expect(rows.map((r) => [r.channel, r.cnt, r.added, r.dmin, r.dmax, r.first_page, r.last_page])).toEqual([
      ['#ca.wikipedia', '1', '17', '0', '0', 'Rallicula', 'Rallicula'],
      ['#en.wikipedia', '3', '136', '0', '50', 'Talk:Oswald Tilghman', 'Later page'],
      ['#fr.wikipedia', '1', '1', '1', '1', 'Paris', 'Paris'],
    ]);
    const types = (await readParquet(segments[0].localPath)).types;
    expect(types.cnt).toBe('BIGINT');
  });

  it('a worker folds the partials of its own files before shuffling', async () => {
    const { partitions, segments } = await job(grouped, [[jsonInput({ type: 'local', baseDir: MSQ_FIXTURES, filter: 'wiki.json*' })]]);
    const day12 = await readParquet(partitions[0].file);
    // Sums stay BIGINT (DuckDB's HUGEINT would be written as DOUBLE).
    expect(day12.types).toMatchObject({ cnt: 'BIGINT', added: 'BIGINT' });
    expect(day12.rows.map((r) => [r.channel, r.cnt, r.added])).toEqual([
      ['#ca.wikipedia', '2', '34'],
      ['#en.wikipedia', '4', '72'],
    ]);
    expect(segments.map((s) => s.numRows)).toEqual([2, 3]);
  });
});
