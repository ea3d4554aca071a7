import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenLocal } from '../helpers/local-http.js';
import { GroveError } from '../../src/core/errors.js';
import { runNativeIndexTask } from '../../src/ingest/run.js';
import { parseIndexTask } from '../../src/ingest/spec.js';
import { baseSpec, fakeContext, FIXTURES, readParquet } from '../fixtures/ingest/helpers.js';

let closeServer: () => Promise<void>;
let base = '';
const seenAuth: Array<string | undefined> = [];
let releaseHeld: () => void = () => undefined;
const held = new Promise<void>((resolve) => {
  releaseHeld = resolve;
});

beforeAll(async () => {
  ({ base, close: closeServer } = await listenLocal((req, res) => {
    seenAuth.push(req.headers.authorization);
    if (req.url === '/wiki.json.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      fs.createReadStream(path.join(FIXTURES, 'wiki.json.gz')).pipe(res);
    } else if (req.url === '/private.json') {
      if (req.headers.authorization !== `Basic ${Buffer.from('druid:s3cret').toString('base64')}`) {
        res.writeHead(401).end('no');
        return;
      }
      res.writeHead(200).end('{"time":"2020-01-01T00:00:00Z","channel":"#p","page":"x"}\n');
    } else if (req.url === '/held.json') {
      // Answers only once the test has seen the first file's counters.
      void held.then(() => res.writeHead(200).end('{"time":"2015-09-12T05:00:00Z","channel":"#held","page":"h"}\n'));
    } else if (req.url === '/never.json') {
      res.writeHead(200);
      res.write('{"time":"2015-09-12T05:00:00Z"');
    } else res.writeHead(404, 'Not Found').end();
  }));
});
afterAll(() => closeServer());

const httpSpec = (source: Record<string, unknown>) => baseSpec({ spec: { ioConfig: { inputSource: { type: 'http', baseDir: undefined, filter: undefined, ...source } } } });

describe('http input source', () => {
  it('downloads gzip input and ingests it', async () => {
    const ctx = fakeContext();
    const publish = await runNativeIndexTask(parseIndexTask(httpSpec({ uris: [`${base}/wiki.json.gz`] })), ctx);
    expect(publish.segments.reduce((n, s) => n + s.numRows, 0)).toBe(8);
    expect((await readParquet(publish.segments[0].localPath)).rows[0]).toMatchObject({ channel: '#en.wikipedia' });
    expect(ctx.logs.some((l) => l.includes(`Downloaded [${base}/wiki.json.gz]`))).toBe(true);
  });

  it('sends basic auth from httpAuthenticationUsername/Password', async () => {
    const ctx = fakeContext();
    const task = parseIndexTask(httpSpec({ uris: [`${base}/private.json`], httpAuthenticationUsername: 'druid', httpAuthenticationPassword: { type: 'default', password: 's3cret' } }));
    const publish = await runNativeIndexTask(task, ctx);
    expect(publish.segments).toHaveLength(1);
  });

  it('reports the first file\'s counters before the second file has arrived', async () => {
    const processedSeen: number[] = [];
    const ctx = fakeContext();
    const report = ctx.report;
    (ctx as { report: (r: unknown) => void }).report = (r: unknown) => {
      report(r);
      const totals = (r as any).ingestionStatsAndErrors.payload.rowStats.totals?.buildSegments;
      if (totals) processedSeen.push(totals.processed);
      if (totals?.processed === 8) releaseHeld();
    };
    const publish = await runNativeIndexTask(parseIndexTask(httpSpec({ uris: [`${base}/wiki.json.gz`, `${base}/held.json`] })), ctx);
    expect(processedSeen).toEqual([0, 8, 9]);
    expect(publish.segments.reduce((n, s) => n + s.numRows, 0)).toBe(9);
  });

  it('fails naming the URI and the status', async () => {
    const err = await runNativeIndexTask(parseIndexTask(httpSpec({ uris: [`${base}/missing.json`] })), fakeContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroveError);
    expect((err as GroveError).message).toBe(`Failed to fetch input [${base}/missing.json]: HTTP 404 Not Found`);
  });

  it('stops a download in progress when shut down', async () => {
    const ctx = fakeContext();
    setTimeout(() => ctx.controller.abort(new Error('Shutdown request from user')), 200);
    const started = Date.now();
    const err = await runNativeIndexTask(parseIndexTask(httpSpec({ uris: [`${base}/never.json`] })), ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroveError);
    expect(err).toMatchObject({ code: 'canceled', message: 'Shutdown request from user' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails naming the URI when the server is unreachable', async () => {
    const err = await runNativeIndexTask(parseIndexTask(httpSpec({ uris: ['http://127.0.0.1:1/x.json'] })), fakeContext()).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Failed to fetch input \[http:\/\/127\.0\.0\.1:1\/x\.json\]: /);
  });
});
