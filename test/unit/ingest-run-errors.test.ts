import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GroveError } from '../../src/core/errors.js';
import { runNativeIndexTask } from '../../src/ingest/run.js';
import { parseIndexTask } from '../../src/ingest/spec.js';
import { allRows, baseSpec, fakeContext, FIXTURES, payloadOf, run } from '../fixtures/ingest/helpers.js';

describe('parse errors', () => {
  const badSpec = (max?: number) => ({
    spec: {
      dataSchema: { dimensionsSpec: { dimensions: ['channel'] }, metricsSpec: [{ type: 'longSum', name: 'added', fieldName: 'added' }] },
      ioConfig: { inputSource: { type: 'local', baseDir: FIXTURES, filter: 'bad.json' } },
      tuningConfig: max === undefined ? {} : { maxParseExceptions: max },
    },
  });

  it('counts and reports unparseable rows and rows with bad values', async () => {
    const { publish, final } = await run(badSpec());
    expect(final.rowStats.buildSegments).toMatchObject({ processed: 2, processedWithError: 1, unparseable: 4, thrownAway: 0 });
    const uri = `file:${path.join(FIXTURES, 'bad.json')}`;
    const events = final.unparseableEvents.buildSegments as Array<{ errorType: string; details: string[]; input: string }>;
    expect(events.map((e) => e.details[0])).toEqual([
      `Unable to parse row [[1,2,3]] (Path: ${uri}, Record: 6, Line: 6)`,
      'Unable to parse value[lots] for field[added]',
      `Timestamp[null] is unparseable! Event: {channel=#c, added=3} (Path: ${uri}, Record: 4, Line: 4)`,
      `Timestamp[yesterday] is unparseable! Event: {time=yesterday, channel=#b, added=2} (Path: ${uri}, Record: 3, Line: 3)`,
      `Unable to parse row [this is not json] (Path: ${uri}, Record: 2, Line: 2)`,
    ]);
    expect(events[1]).toMatchObject({ errorType: 'processedWithError', input: '{time=2015-09-12T01:00:00Z, channel=#d, added=lots}' });
    // The row with a bad metric value is still ingested, with a null metric.
    const rows = await allRows(publish.segments.map((s) => s.localPath));
    expect(rows.find((r) => r.channel === '#d')).toMatchObject({ added: null });
    expect(rows).toHaveLength(3);
  });

  it('succeeds at exactly maxParseExceptions and fails one above with Druid\'s message', async () => {
    await expect(run(badSpec(5))).resolves.toBeDefined();
    const ctx = fakeContext();
    await expect(runNativeIndexTask(parseIndexTask(baseSpec(badSpec(4))), ctx)).rejects.toThrow('Max parse exceptions[4] exceeded');
    const last = payloadOf(ctx.reports.at(-1));
    expect(last.errorMsg).toBe('Max parse exceptions[4] exceeded');
    expect(last.rowStats.buildSegments.unparseable).toBe(4);
    expect(ctx.lockCalls).toHaveLength(0);
  });

  it('keeps no events when maxSavedParseExceptions is 0', async () => {
    const { final } = await run({ ...badSpec(), spec: { ...badSpec().spec, tuningConfig: { maxSavedParseExceptions: 0 } } });
    expect(final.unparseableEvents).toEqual({});
    expect(final.rowStats.buildSegments.unparseable).toBe(4);
  });
});

describe('empty input', () => {
  it('succeeds with no segments when the data has no rows', async () => {
    for (const inputFormat of [{ type: 'json' }, { type: 'csv', findColumnsFromHeader: true }]) {
      const { publish, ctx, final } = await run({ spec: { ioConfig: { inputSource: { type: 'inline', data: '' }, inputFormat } } });
      expect(publish.segments).toEqual([]);
      expect(ctx.lockCalls).toEqual([]);
      expect(final.rowStats.buildSegments.processed).toBe(0);
    }
  });
});

describe('failures and shutdown', () => {
  it('fails clearly when nothing matches the filter', async () => {
    await expect(run({ spec: { ioConfig: { inputSource: { type: 'local', baseDir: FIXTURES, filter: '*.parquet' } } } })).rejects.toThrow(
      `No input files found for baseDir [${FIXTURES}] with filter [*.parquet]`,
    );
  });

  it('stops when shut down while waiting for locks', async () => {
    let ctx = fakeContext();
    ctx = fakeContext({ onLock: () => ctx.controller.abort(new Error('Shutdown request from user')) });
    const err = await runNativeIndexTask(parseIndexTask(baseSpec()), ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroveError);
    expect((err as GroveError).code).toBe('canceled');
    expect((err as GroveError).message).toBe('Shutdown request from user');
  });

  it('interrupts DuckDB mid-statement within a second', async () => {
    const ctx = fakeContext();
    const file = path.join(ctx.workDir, 'big.json');
    const line = '{"time":"2015-09-12T00:46:58.771Z","channel":"#en.wikipedia","page":"Talk:Oswald Tilghman","added":36}\n';
    fs.writeFileSync(file, line.repeat(400_000));
    const task = parseIndexTask(baseSpec({ spec: { ioConfig: { inputSource: { type: 'local', baseDir: undefined, filter: undefined, files: [file] } } } }));
    const started = Date.now();
    const pending = runNativeIndexTask(task, ctx).catch((e: unknown) => e);
    setTimeout(() => ctx.controller.abort(new Error('Shutdown request from user')), 150);
    const err = await pending;
    expect(err).toBeInstanceOf(GroveError);
    expect((err as GroveError).code).toBe('canceled');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(ctx.lockCalls).toHaveLength(0);
  });
});
