import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenLocal } from '../helpers/local-http.js';
import { GroveError } from '../../src/core/errors.js';
import { expandInputs, FaultError, runStage0, runStage1 } from '../../src/msq/exec/index.js';
import type { MsqPlan } from '../../src/msq/types.js';
import { jsonInput, lastCounters, MSQ_FIXTURES, SETTINGS, tempDir, testIO, wikiPlan, type TestIO } from '../fixtures/msq/helpers.js';

let closeServer: () => Promise<void>;
let base = '';

beforeAll(async () => {
  ({ base, close: closeServer } = await listenLocal((req, res) => {
    if (req.url === '/wiki.json.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      fs.createReadStream(path.join(MSQ_FIXTURES, 'wiki.json.gz')).pipe(res);
    } else if (req.url === '/private.json') {
      const ok = req.headers.authorization === `Basic ${Buffer.from('druid:s3cret').toString('base64')}` && req.headers['x-tenant'] === 't1';
      if (!ok) res.writeHead(401).end('no');
      else res.writeHead(200).end('{"time":"2020-01-01T00:00:00Z","channel":"#p","page":"x"}\n');
    } else if (req.url === '/never.json') {
      // Starts an answer it never finishes.
      res.writeHead(200);
      res.write('{"time":"2015-09-12T05:00:00Z"');
    } else res.writeHead(404, 'Not Found').end();
  }));
});
afterAll(() => closeServer());

async function stage0(plan: MsqPlan, io: TestIO = testIO()) {
  const splits = await expandInputs(plan.inputs, io);
  return { result: await runStage0({ stage: 0, plan, splits, shuffleDir: tempDir('grove-shuffle-'), settings: SETTINGS }, io), io };
}

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('http input', () => {
  it('downloads gzip input into the work directory, reads it, then deletes the download', async () => {
    const { result, io } = await stage0(wikiPlan([jsonInput({ type: 'http', uris: [`${base}/wiki.json.gz`] })]));
    expect(result.partitions.map((p) => p.rows)).toEqual([3, 3]);
    expect(lastCounters(io, 0).input0).toMatchObject({ rows: [6], bytes: [fs.statSync(path.join(MSQ_FIXTURES, 'wiki.json.gz')).size], files: [1] });
    expect(io.logs.some((l) => l.includes(`Downloaded [${base}/wiki.json.gz]`))).toBe(true);
    expect(fs.readdirSync(path.join(io.workDir, 'http'))).toEqual([]);
  });

  it('sends basic auth from Druid\u2019s password provider and the request headers', async () => {
    const src = { type: 'http', uris: [`${base}/private.json`], httpAuthenticationUsername: 'druid', httpAuthenticationPassword: { type: 'default', password: 's3cret' }, requestHeaders: { 'x-tenant': 't1' } };
    const { result } = await stage0(wikiPlan([jsonInput(src)]));
    expect(result.partitions[0].rows).toBe(1);
  });

  it('a failed download names the URI and the HTTP status', async () => {
    const e = await failure(stage0(wikiPlan([jsonInput({ type: 'http', uris: [`${base}/missing.json`] })])));
    expect(e).toBeInstanceOf(FaultError);
    expect((e as FaultError).fault).toMatchObject({ errorCode: 'UnknownError', errorMessage: `Failed to fetch input [${base}/missing.json]: HTTP 404 Not Found` });
  });

  it('refuses protocols that are not allowed when listing splits', async () => {
    const e = await failure(expandInputs([jsonInput({ type: 'http', uris: ['ftp://example.com/a.json'] })], testIO()));
    expect(e).toBeInstanceOf(GroveError);
    expect((e as GroveError).message).toMatch(/Only \[http, https\] protocols are allowed/);
  });
});

describe('abort', () => {
  const canceled = { errorCode: 'Canceled', errorMessage: 'Query canceled by user or by task shutdown.' };

  it('interrupts DuckDB mid-statement and fails with Canceled within a second', async () => {
    // Six rows times a billion: runs far longer than the test unless interrupted.
    const plan = wikiPlan([jsonInput({ type: 'local', files: [path.join(MSQ_FIXTURES, 'wiki.json')] })], {
      stage0Sql: 'SELECT CAST("time" AS TIMESTAMP) AS __time, channel, page, added + r.range AS added, deleted FROM __input0, range(1000000000) r',
    });
    const io = testIO();
    const run = failure(stage0(plan, io));
    await new Promise((r) => setTimeout(r, 400));
    const at = Date.now();
    io.controller.abort(new Error('Shutdown request from user'));
    const e = await run;
    expect(Date.now() - at).toBeLessThan(1000);
    expect((e as FaultError).fault).toEqual(canceled);
  });

  it('stops a download that never ends', async () => {
    const io = testIO();
    const run = failure(stage0(wikiPlan([jsonInput({ type: 'http', uris: [`${base}/never.json`] })]), io));
    await new Promise((r) => setTimeout(r, 200));
    const at = Date.now();
    io.controller.abort();
    const e = await run;
    expect(Date.now() - at).toBeLessThan(1000);
    expect((e as FaultError).fault).toEqual(canceled);
  });

  it('stage 1 with an aborted signal ends as Canceled without writing segments', async () => {
    const io = testIO();
    io.controller.abort();
    const outDir = tempDir();
    const order = { stage: 1 as const, plan: wikiPlan([]), partitions: [{ chunk: { start: 0, end: 86_400_000 }, files: ['/nonexistent.parquet'], version: 'v' }], outDir, settings: SETTINGS };
    const e = await failure(runStage1(order, io));
    expect((e as FaultError).fault).toEqual(canceled);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });
});
