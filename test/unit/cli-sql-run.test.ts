import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSql } from '../../src/cli/sql.js';

/**
 * `grove sql` against a scripted stand-in for Druid's SQL task API: each test sets the sequence of
 * (status, report) pairs the task goes through; the last one repeats.
 */

type Step = { status: string; report: unknown; runner?: string };
let steps: Step[] = [];
let polls = 0;
let submitted: unknown[] = [];
let shutdowns: string[] = [];
let submitAnswer: { code: number; body: unknown } = { code: 202, body: { taskId: 'query-1', state: 'RUNNING' } };
let server: http.Server;
let url: string;

const report = (status: string, stage0Phase: string, files: number, extra: Record<string, unknown> = {}) => ({
  multiStageQuery: {
    type: 'multiStageQuery',
    taskId: 'query-1',
    payload: {
      status: { status, durationMs: status === 'RUNNING' ? -1 : 1234 },
      stages: [{ stageNumber: 0, phase: stage0Phase, workerCount: 1, definition: { processor: { type: 'scan' } } }],
      counters: { 0: { 0: { input0: { type: 'channel', rows: [files * 10], files: [files], totalFiles: [2] } } } },
      ...extra,
    },
  },
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const send = (code: number, value: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(typeof value === 'string' ? value : JSON.stringify(value));
      };
      // Status polls advance the script; the report read after a status poll belongs to that step.
      const step = steps[Math.min(Math.max(0, req.url?.endsWith('/status') ? polls : polls - 1), steps.length - 1)];
      if (req.method === 'POST' && req.url === '/druid/v2/sql/task') {
        submitted.push(JSON.parse(body));
        return send(submitAnswer.code, submitAnswer.body);
      }
      if (req.url === '/druid/indexer/v1/task/query-1/status') {
        polls++;
        return send(200, { task: 'query-1', status: { id: 'query-1', statusCode: step.status, runnerStatusCode: step.runner ?? (step.status === 'RUNNING' ? 'RUNNING' : 'NONE'), duration: step.status === 'RUNNING' ? -1 : 1300, errorMsg: null } });
      }
      if (req.url === '/druid/indexer/v1/task/query-1/reports') return step.report === null ? send(404, 'No task reports were found') : send(200, step.report);
      if (req.method === 'POST' && req.url === '/druid/indexer/v1/task/query-1/shutdown') {
        shutdowns.push('query-1');
        return send(200, { task: 'query-1' });
      }
      send(404, { message: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  steps = [];
  polls = 0;
  submitted = [];
  shutdowns = [];
  submitAnswer = { code: 202, body: { taskId: 'query-1', state: 'RUNNING' } };
});

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({ write: (chunk: Buffer, _enc, cb) => ((text += chunk.toString()), cb()) });
  return { stream, text: () => text };
}

async function run(wait: boolean, onInterrupt?: (h: () => void) => () => void) {
  const out = capture();
  const err = capture();
  const code = await runSql({ query: 'INSERT INTO t SELECT 1', context: { maxNumTasks: 2 }, url, wait }, { stdout: out.stream, stderr: err.stream, pollMs: 5, onInterrupt });
  return { code, out: out.text(), err: err.text() };
}

describe('grove sql', () => {
  it('submits and prints the task id without waiting', async () => {
    const r = await run(false);
    expect(r).toEqual({ code: 0, out: 'query-1\n', err: '' });
    expect(submitted).toEqual([{ query: 'INSERT INTO t SELECT 1', context: { maxNumTasks: 2 } }]);
  });

  it('follows the job with one line per change and a summary', async () => {
    steps = [
      { status: 'RUNNING', report: null, runner: 'PENDING' },
      { status: 'RUNNING', report: report('RUNNING', 'READING_INPUT', 1) },
      { status: 'RUNNING', report: report('RUNNING', 'READING_INPUT', 1) },
      { status: 'SUCCESS', report: report('SUCCESS', 'FINISHED', 2) },
    ];
    const r = await run(true);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'query-1\n' +
        'task RUNNING, runner PENDING\n' +
        'task RUNNING, runner RUNNING\n' +
        'stage 0 scan  READING_INPUT  workers 1  rows in 10 out 0  files 1/2  50%\n' +
        'stage 0 scan  FINISHED  workers 1  rows in 20 out 0  files 2/2  100%\n' +
        'status: SUCCESS in 1.2 s\n',
    );
  });

  it('exits 1 with the fault of a failed job', async () => {
    const errorReport = { stageNumber: 0, error: { errorCode: 'TooManyWarnings', errorMessage: 'Too many warnings' } };
    steps = [{ status: 'FAILED', report: report('FAILED', 'FAILED', 0, {}) }];
    (steps[0].report as { multiStageQuery: { payload: { status: Record<string, unknown> } } }).multiStageQuery.payload.status.errorReport = errorReport;
    const r = await run(true);
    expect(r.code).toBe(1);
    expect(r.out).toContain('status: FAILED in 1.2 s\nerror: TooManyWarnings (stage 0): Too many warnings\n');
  });

  it('prints the rows of a SELECT job', async () => {
    const results = { signature: [{ name: 'EXPR$0', type: 'LONG' }], results: [[1]], resultsTruncated: false };
    steps = [{ status: 'SUCCESS', report: report('SUCCESS', 'FINISHED', 2, { results }) }];
    const r = await run(true);
    expect(r.code).toBe(0);
    expect(r.out).toContain('EXPR$0\n------\n     1\n\n1 row\n');
  });

  it('exits 1 on a refused statement, naming the error, line and column', async () => {
    submitAnswer = {
      code: 400,
      body: { taskId: 'x', state: 'FAILED', error: { error: 'druidException', errorCode: 'invalidInput', errorMessage: 'Received an unexpected token', context: { line: '1', column: '8' } } },
    };
    const r = await run(true);
    expect(r).toEqual({ code: 1, out: '', err: 'grove sql: invalidInput: Received an unexpected token (line 1, column 8)\n' });
  });

  it('exits 1 when the server is not there', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const dead = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((r) => probe.close(() => r()));
    const out = capture();
    const err = capture();
    const code = await runSql({ query: 'SELECT 1', context: {}, url: dead, wait: false }, { stdout: out.stream, stderr: err.stream });
    expect(code).toBe(1);
    expect(err.text()).toBe(`grove sql: cannot reach ${dead}: ECONNREFUSED\n`);
  });

  it('shuts the task down on Ctrl-C and exits 130', async () => {
    steps = [{ status: 'RUNNING', report: report('RUNNING', 'READING_INPUT', 0) }];
    let removed = false;
    const r = await run(true, (handler) => {
      setTimeout(handler, 50);
      return () => (removed = true);
    });
    expect({ err: r.err, out: r.out }).toEqual({ err: '', out: expect.stringContaining('interrupted') });
    expect(r.code).toBe(130);
    expect(shutdowns).toEqual(['query-1']);
    expect(r.out).toContain('interrupted: shutting down task query-1\n');
    expect(removed).toBe(true);
  });
});
