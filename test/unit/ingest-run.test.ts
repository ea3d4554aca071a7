import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNativeIndexTask } from '../../src/ingest/run.js';
import { parseIndexTask } from '../../src/ingest/spec.js';
import { allRows, baseSpec, fakeContext, FIXTURES, payloadOf, readParquet, run } from '../fixtures/ingest/helpers.js';

const day = (s: string): number => Date.parse(`${s}T00:00:00Z`);

describe('runNativeIndexTask on JSON', () => {
  it('rolls up by hour into day segments with Druid types and counters', async () => {
    const { publish, ctx, final } = await run({
      spec: {
        dataSchema: {
          metricsSpec: [
            { type: 'count', name: 'count' },
            { type: 'longSum', name: 'added', fieldName: 'added' },
            { type: 'doubleMax', name: 'maxDelta', fieldName: 'delta' },
          ],
          granularitySpec: { rollup: true, queryGranularity: 'hour' },
        },
      },
    });
    expect(publish.dataSource).toBe('wiki');
    expect(publish.append).toBe(false);
    expect(publish.segments.map((s) => [s.interval.start, s.numRows])).toEqual([
      [day('2015-09-12'), 5],
      [day('2015-09-13'), 2],
      [day('2015-09-14'), 1],
    ]);
    const first = publish.segments[0];
    expect(first.version).toBe(`v${day('2015-09-12')}`);
    expect(first.columns).toEqual([
      { name: '__time', type: 'LONG' },
      { name: 'channel', type: 'STRING' },
      { name: 'page', type: 'STRING' },
      { name: 'count', type: 'LONG' },
      { name: 'added', type: 'LONG' },
      { name: 'maxDelta', type: 'DOUBLE' },
    ]);
    expect(first.size).toBe(fs.statSync(first.localPath).size);
    const { rows, types } = await readParquet(first.localPath);
    expect(types).toEqual({ __time: 'TIMESTAMP', channel: 'VARCHAR', page: 'VARCHAR', count: 'BIGINT', added: 'BIGINT', maxDelta: 'DOUBLE' });
    // Rows of the same hour and dimensions merge; sorted by __time then the dimensions.
    expect(rows.slice(0, 3)).toEqual([
      { __time: '2015-09-12 00:00:00', channel: '#ca.wikipedia', page: 'Rallicula', count: '1', added: '17', maxDelta: 17 },
      { __time: '2015-09-12 00:00:00', channel: '#en.wikipedia', page: 'Peremptory norm', count: '1', added: '0', maxDelta: -24 },
      { __time: '2015-09-12 00:00:00', channel: '#en.wikipedia', page: 'Talk:Oswald Tilghman', count: '1', added: '36', maxDelta: 36 },
    ]);
    expect(rows.find((r) => r.__time === '2015-09-12 01:00:00')).toEqual({ __time: '2015-09-12 01:00:00', channel: '#en.wikipedia', page: 'Peremptory norm', count: '1', added: '5', maxDelta: 5 });
    expect(rows.map((r) => r.channel)).toEqual(['#ca.wikipedia', '#en.wikipedia', '#en.wikipedia', '#vi.wikipedia', '#en.wikipedia']);
    // COMPLETED is the scheduler's to say, after publishing.
    expect(final.ingestionState).toBe('BUILD_SEGMENTS');
    expect(Object.keys(final.rowStats)).toEqual(['buildSegments']);
    expect(final.rowStats.buildSegments).toEqual({ processed: 8, processedBytes: fs.statSync(path.join(FIXTURES, 'wiki.json')).size, processedWithError: 0, thrownAway: 0, unparseable: 0 });
    expect(ctx.lockCalls).toEqual([{ type: 'exclusive', intervals: publish.segments.map((s) => s.interval) }]);
    const live = payloadOf(ctx.reports[0]);
    expect(live.ingestionState).toBe('BUILD_SEGMENTS');
    expect(Object.keys(live.rowStats)).toEqual(['movingAverages', 'totals']);
    expect(Object.keys(live.rowStats.movingAverages.buildSegments)).toEqual(['1m', '5m', '15m']);
  });

  it('merges identical rows under rollup even without metrics, and keeps them apart without', async () => {
    const spec = (rollup: boolean) => ({ spec: { dataSchema: { dimensionsSpec: { dimensions: ['channel'] }, granularitySpec: { rollup, queryGranularity: 'day' } } } });
    const rolled = await run(spec(true));
    const plain = await run(spec(false));
    // 12th: #ca, #en (3 edits), #vi; 13th: #en, #fr; 14th: #fr.
    expect(rolled.publish.segments.reduce((n, s) => n + s.numRows, 0)).toBe(6);
    expect(plain.publish.segments.reduce((n, s) => n + s.numRows, 0)).toBe(8);
  });

  it('reads gzip the same as plain text', async () => {
    const plain = await run({});
    const gz = await run({ spec: { ioConfig: { inputSource: { type: 'local', baseDir: FIXTURES, filter: 'wiki.json.gz' } } } });
    expect(await allRows(gz.publish.segments.map((s) => s.localPath))).toEqual(await allRows(plain.publish.segments.map((s) => s.localPath)));
    expect(gz.final.rowStats.buildSegments.processedBytes).toBe(fs.statSync(path.join(FIXTURES, 'wiki.json.gz')).size);
  });

  it('applies transforms and the filter, counting filtered rows as thrownAway', async () => {
    const { publish, final } = await run({
      spec: {
        dataSchema: {
          dimensionsSpec: { dimensions: ['channel', 'lang', { type: 'long', name: 'size' }] },
          transformSpec: {
            transforms: [
              { type: 'expression', name: 'lang', expression: "upper(substring(channel, 1, 2))" },
              { type: 'expression', name: 'size', expression: 'added + deleted' },
              { type: 'expression', name: '__time', expression: "__time + 3600000" },
            ],
            filter: { type: 'not', field: { type: 'selector', dimension: 'lang', value: 'FR' } },
          },
        },
      },
    });
    expect(final.rowStats.buildSegments).toMatchObject({ processed: 6, thrownAway: 2 });
    const rows = await allRows(publish.segments.map((s) => s.localPath));
    expect(rows[0]).toEqual({ __time: '2015-09-12 01:46:58.771', channel: '#en.wikipedia', lang: 'EN', size: '36' });
    expect(rows.map((r) => r.lang)).not.toContain('FR');
    // The shifted __time moves the 23:59:59.999 edit... it was French, so filtered; the 03:00 one stays on the 13th.
    expect(publish.segments.map((s) => s.interval.start)).toEqual([day('2015-09-12'), day('2015-09-13')]);
  });

  it('throws away rows outside the spec intervals and locks exactly those chunks', async () => {
    const { publish, ctx, final } = await run({
      spec: {
        dataSchema: { granularitySpec: { intervals: ['2015-09-12/2015-09-13'] } },
        ioConfig: { dropExisting: true },
      },
    });
    expect(final.rowStats.buildSegments).toMatchObject({ processed: 5, thrownAway: 3 });
    expect(ctx.lockCalls).toEqual([{ type: 'exclusive', intervals: [{ start: day('2015-09-12'), end: day('2015-09-13') }] }]);
    expect(publish.dropIntervals).toEqual([{ start: day('2015-09-12'), end: day('2015-09-13') }]);
  });

  it('takes shared locks when appending', async () => {
    const { publish, ctx } = await run({ spec: { ioConfig: { appendToExisting: true } } });
    expect(publish.append).toBe(true);
    expect(ctx.lockCalls[0].type).toBe('shared');
  });

  it('splits a chunk at maxRowsPerSegment into sorted, disjoint files', async () => {
    const { publish } = await run({ spec: { dataSchema: { dimensionsSpec: { dimensions: ['page'] } }, tuningConfig: { maxRowsPerSegment: 2 } } });
    const firstDay = publish.segments.filter((s) => s.interval.start === day('2015-09-12'));
    expect(firstDay.map((s) => s.numRows)).toEqual([2, 2, 1]);
    const rows = await allRows(firstDay.map((s) => s.localPath));
    expect(rows.map((r) => r.__time)).toEqual([...rows.map((r) => String(r.__time))].sort());
    expect(new Set(rows.map((r) => `${r.__time}${r.page}`)).size).toBe(5);
    for (const s of firstDay) expect((await readParquet(s.localPath)).rows).toHaveLength(s.numRows);
  });
});

describe('segment files written two at a time', () => {
  it('keeps chunk order in the answer and each file sorted by __time then dimensions', async () => {
    const ctx = fakeContext();
    const file = path.join(ctx.workDir, 'many.json');
    const lines: string[] = [];
    // 12 hourly chunks, rows written in reverse time order with ties on __time.
    for (let h = 11; h >= 0; h--) {
      for (const ch of ['#c', '#a', '#b']) lines.push(JSON.stringify({ time: `2015-09-12T${String(h).padStart(2, '0')}:30:00Z`, channel: ch, page: `p${h}` }));
      lines.push(JSON.stringify({ time: `2015-09-12T${String(h).padStart(2, '0')}:05:00Z`, channel: '#z', page: `p${h}` }));
    }
    fs.writeFileSync(file, lines.join('\n'));
    const { publish } = await run(
      { spec: { dataSchema: { granularitySpec: { segmentGranularity: 'hour' } }, ioConfig: { inputSource: { type: 'local', baseDir: undefined, filter: undefined, files: [file] } } } },
      ctx,
    );
    expect(publish.segments.map((s) => s.interval.start)).toEqual(Array.from({ length: 12 }, (_, h) => Date.parse('2015-09-12T00:00:00Z') + h * 3600_000));
    for (const [h, s] of publish.segments.entries()) {
      const hh = String(h).padStart(2, '0');
      expect(s.localPath.endsWith(`${s.interval.start}_${s.interval.end}_0.parquet`)).toBe(true);
      expect((await readParquet(s.localPath)).rows.map((r) => `${r.__time} ${r.channel}`)).toEqual([
        `2015-09-12 ${hh}:05:00 #z`,
        `2015-09-12 ${hh}:30:00 #a`,
        `2015-09-12 ${hh}:30:00 #b`,
        `2015-09-12 ${hh}:30:00 #c`,
      ]);
    }
    expect(ctx.logs.filter((l) => l.includes('Wrote segment'))).toHaveLength(12);
  });

  it('fails the task with the first write error once both writers have stopped', async () => {
    const ctx = fakeContext();
    // A directory where the second day's file should go makes that COPY fail.
    fs.mkdirSync(path.join(ctx.workDir, 'segments', `${day('2015-09-13')}_${day('2015-09-14')}_0.parquet`), { recursive: true });
    const err = await runNativeIndexTask(parseIndexTask(baseSpec()), ctx).catch((e: unknown) => e);
    expect(String(err)).toMatch(/DuckDB failed/);
    const final = payloadOf(ctx.reports.at(-1));
    expect(final.errorMsg).toMatch(/DuckDB failed/);
    expect(final.rowStats.buildSegments.processed).toBe(8);
  });
});

describe('CSV, TSV and inline input', () => {
  it('reads CSV with a header, quotes, typed dimensions and bad values', async () => {
    const { publish, final } = await run({
      spec: {
        dataSchema: { dimensionsSpec: { dimensions: ['channel', 'page', { type: 'long', name: 'added' }] } },
        ioConfig: { inputSource: { type: 'local', baseDir: FIXTURES, filter: '*.csv' }, inputFormat: { type: 'csv', findColumnsFromHeader: true } },
      },
    });
    expect(final.rowStats.buildSegments).toMatchObject({ processed: 3, processedWithError: 1, unparseable: 1 });
    const events = final.unparseableEvents.buildSegments as Array<{ details: string[] }>;
    expect(events.map((e) => e.details[0])).toEqual([
      `Timestamp[not-a-time] is unparseable! Event: {time=not-a-time, channel=#en.wikipedia, page=Broken, added=1, deleted=1} (Path: file:${path.join(FIXTURES, 'wiki.csv')}, Record: 4, Line: 5)`,
      'could not convert value [zero] to long',
    ]);
    const { rows, types } = await readParquet(publish.segments[0].localPath);
    expect(types.added).toBe('BIGINT');
    expect(rows.map((r) => r.page)).toEqual(['Talk:Oswald, Tilghman', 'Rallicula', 'Peremptory norm']);
    expect(rows[2].added).toBe(null);
    expect((await readParquet(publish.segments[1].localPath)).rows[0].page).toBe('He said "hi"');
  });

  it('reads TSV with listed columns, skipped header rows and epoch-millis timestamps', async () => {
    const { publish, final } = await run({
      spec: {
        dataSchema: {
          timestampSpec: { column: 'ts', format: 'millis' },
          dimensionsSpec: { dimensions: ['channel'] },
          metricsSpec: [{ type: 'doubleSum', name: 'added', fieldName: 'added' }],
        },
        ioConfig: { inputSource: { type: 'local', baseDir: undefined, filter: undefined, files: [path.join(FIXTURES, 'wiki.tsv')] }, inputFormat: { type: 'tsv', columns: ['ts', 'channel', 'page', 'added'], skipHeaderRows: 1 } },
      },
    });
    expect(final.rowStats.buildSegments).toMatchObject({ processed: 3, unparseable: 0 });
    const { rows } = await readParquet(publish.segments[0].localPath);
    expect(rows).toEqual([
      { __time: '2015-09-12 00:50:00', channel: '#en.wikipedia', added: 36 },
      { __time: '2015-09-12 00:51:00', channel: '#ca.wikipedia', added: 17 },
    ]);
  });

  it('reads inline data', async () => {
    const { publish } = await run({
      spec: {
        dataSchema: { timestampSpec: { column: 't', format: 'auto' }, dimensionsSpec: { dimensions: ['x'] } },
        ioConfig: { inputSource: { type: 'inline', data: 't,x\n2020-01-01T00:00:00Z,a\n1577923200000,b\n' }, inputFormat: { type: 'csv', findColumnsFromHeader: true } },
      },
    });
    expect(publish.segments.map((s) => s.interval.start)).toEqual([day('2020-01-01'), day('2020-01-02')]);
    expect((await readParquet(publish.segments[1].localPath)).rows).toEqual([{ __time: '2020-01-02 00:00:00', x: 'b' }]);
  });
});

describe('awkward names', () => {
  it('reads odd field names, a __time column, and file names DuckDB would glob', async () => {
    const ctx = fakeContext();
    const dir = path.join(ctx.workDir, 'in');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'd*.json'), '{"__time":1442016000000,"odd/name":"a","we\\"ird":"b","t~x":"c","d.x":"e"}\n');
    fs.writeFileSync(path.join(dir, 'decoy.json'), '{"__time":1442016000000,"odd/name":"DECOY"}\n');
    const { publish } = await run(
      {
        spec: {
          dataSchema: { timestampSpec: { column: '__time', format: 'millis' }, dimensionsSpec: { dimensions: ['odd/name', 'we"ird', 't~x', 'd.x'] } },
          ioConfig: { inputSource: { type: 'local', baseDir: undefined, filter: undefined, files: [path.join(dir, 'd*.json')] } },
        },
      },
      ctx,
    );
    const { rows } = await readParquet(publish.segments[0].localPath);
    expect(rows).toEqual([{ __time: '2015-09-12 00:00:00', 'odd/name': 'a', 'we"ird': 'b', 't~x': 'c', 'd.x': 'e' }]);
  });
});

describe('schema discovery', () => {
  const nested = { inputSource: { type: 'local', baseDir: FIXTURES, filter: 'nested.json' } };
  it('discovers typed columns with useSchemaDiscovery', async () => {
    const { publish } = await run({
      spec: {
        dataSchema: { timestampSpec: { column: 'ts', format: 'millis' }, dimensionsSpec: { dimensions: [], useSchemaDiscovery: true }, granularitySpec: { segmentGranularity: 'all' } },
        ioConfig: nested,
      },
    });
    const s = publish.segments[0];
    expect(s.columns).toEqual([
      { name: '__time', type: 'LONG' },
      { name: 'name', type: 'STRING' },
      { name: 'n', type: 'LONG' },
      { name: 'x', type: 'DOUBLE' },
      { name: 'ok', type: 'LONG' },
      { name: 'tags', type: 'ARRAY<STRING>' },
      { name: 'nums', type: 'ARRAY<LONG>' },
      { name: 'geo', type: 'COMPLEX<json>' },
      { name: 'mixed', type: 'COMPLEX<json>' },
    ]);
    const { rows, types } = await readParquet(s.localPath);
    expect(types).toMatchObject({ n: 'BIGINT', x: 'DOUBLE', tags: 'VARCHAR[]', nums: 'BIGINT[]', geo: 'VARCHAR' });
    expect(rows[0]).toMatchObject({ name: 'a', n: '1', x: 1.5, ok: '1', tags: ['p', 'q'], nums: ['1', '2'], geo: '{"lat":1,"lon":2}', mixed: '1' });
    expect(rows[1]).toMatchObject({ ok: '0', mixed: '"two"' });
  });

  it('ingests every primitive field as a string when no dimensions are listed', async () => {
    const { publish } = await run({
      spec: {
        dataSchema: { timestampSpec: { column: 'ts', format: 'millis' }, dimensionsSpec: { dimensions: [] }, metricsSpec: [{ type: 'longSum', name: 'n', fieldName: 'n' }] },
        ioConfig: nested,
      },
    });
    expect(publish.segments[0].dimensions).toEqual(['name', 'x', 'ok', 'tags', 'nums']);
    const { rows } = await readParquet(publish.segments[0].localPath);
    expect(rows[0]).toMatchObject({ name: 'a', x: '1.5', ok: 'true', tags: '["p","q"]', n: '1' });
  });
});

