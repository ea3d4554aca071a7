import type { Command } from 'commander';
import { msqPayload, stageViews, summarize, type TaskStatusLike } from './progress-model.js';
import { PlainRenderer, TtyRenderer, type ProgressRenderer } from './progress-render.js';
import { collect, DEFAULT_URL, resolveRequest, UsageError, type SqlOptions, type SqlRequest } from './sql-args.js';
import { getTaskReports, getTaskStatus, isFinished, shutdownTask, SubmitError, submitSqlTask } from './sql-client.js';
import { formatSummary } from './sql-output.js';

/**
 * `grove sql`: submit an INSERT, REPLACE or SELECT to /druid/v2/sql/task like Druid's web console
 * does, and with --wait follow the controller's report until the job ends. Exit codes: 0 SUCCESS,
 * 1 FAILED or refused, 2 usage, 130 interrupted (the task is shut down first).
 */

export interface SqlIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly pollMs?: number;
  /** Registers the Ctrl-C handler; returns a function removing it. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

/** Polls that may fail in a row (server restarting, network blip) before --wait gives up. */
const MAX_POLL_FAILURES = 20;
/** Polls the task may stay unknown (status 404) before --wait gives up on it. */
const MAX_UNKNOWN_POLLS = 40;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runSql(req: SqlRequest, io: SqlIo): Promise<number> {
  let taskId: string;
  try {
    taskId = await submitSqlTask(req.url, req.query, req.context);
  } catch (e) {
    if (!(e instanceof SubmitError)) throw e;
    io.stderr.write(`grove sql: ${e.message}\n`);
    return 1;
  }
  io.stdout.write(`${taskId}\n`);
  if (!req.wait) return 0;

  const renderer: ProgressRenderer = io.stdout.isTTY ? new TtyRenderer(io.stdout) : new PlainRenderer((t) => io.stdout.write(t));
  let stopped = false;
  let onInterrupt: (() => void) | undefined;
  const interrupted = new Promise<number>((resolve) => {
    onInterrupt = () => {
      if (stopped) return resolve(130); // a second Ctrl-C does not wait for the shutdown call
      stopped = true;
      renderer.log(`interrupted: shutting down task ${taskId}`);
      shutdownTask(req.url, taskId).then(
        () => resolve(130),
        (e: unknown) => {
          renderer.log(`could not shut down ${taskId}: ${(e as Error).message}`);
          resolve(130);
        },
      );
    };
  });
  const unregister = io.onInterrupt?.(() => onInterrupt?.());

  const follow = async (): Promise<number> => {
    let failures = 0;
    let unknown = 0;
    let status: TaskStatusLike | null = null;
    let reports: unknown = null;
    let lastWhere: string | null = null;
    while (!stopped) {
      try {
        // Status first: a report read after a finished status is the final one.
        status = await getTaskStatus(req.url, taskId);
        reports = await getTaskReports(req.url, taskId);
        failures = 0;
      } catch (e) {
        if (++failures >= MAX_POLL_FAILURES) throw e;
        await sleep(io.pollMs ?? 500);
        continue;
      }
      if (status === null && ++unknown >= MAX_UNKNOWN_POLLS) throw new Error(`the server does not know task ${taskId}`);
      // Before any stage starts the report is empty; say where the task is (waiting for slots or locks).
      const where = status && !isFinished(status) ? `task ${status.statusCode ?? '?'}, runner ${status.runnerStatusCode ?? '?'}` : null;
      if (where !== null && where !== lastWhere && !stopped) renderer.log(where);
      lastWhere = where ?? lastWhere;
      const payload = msqPayload(reports);
      if (!stopped && payload) renderer.update(stageViews(payload));
      if (isFinished(status)) break;
      await sleep(io.pollMs ?? 500);
    }
    // Interrupted: the answer is the shutdown's, so the process does not exit before it is sent.
    if (stopped) return interrupted;
    renderer.stop();
    const summary = summarize(msqPayload(reports), status);
    io.stdout.write(formatSummary(summary));
    return summary.status === 'SUCCESS' ? 0 : 1;
  };

  try {
    return await Promise.race([follow(), interrupted]);
  } catch (e) {
    renderer.stop();
    io.stderr.write(`grove sql: ${(e as Error).message}\n`);
    return 1;
  } finally {
    stopped = true;
    renderer.stop();
    unregister?.();
  }
}

async function flushAndExit(code: number): Promise<never> {
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  await new Promise<void>((r) => process.stderr.write('', () => r()));
  process.exit(code);
}

export function registerSqlCommand(program: Command): void {
  program
    .command('sql')
    .description('submit a SQL INSERT, REPLACE or SELECT to /druid/v2/sql/task (MSQ) and print the task id')
    .argument('[statement]', 'the SQL statement (or use -f)')
    .option('-f, --file <file>', 'read the statement from a file (- for standard input)')
    .option('-c, --context <key=value>', 'query context entry, repeatable; values are JSON when they parse (maxNumTasks=3)', collect)
    .option('--url <url>', `Grove or Druid router URL (GROVE_URL; default ${DEFAULT_URL})`)
    .option('-w, --wait', 'follow the job with live stage progress and print a summary; exit 0 only on SUCCESS')
    // Usage mistakes exit 2, as the command promises, rather than commander's default 1.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (statement: string | undefined, opts: SqlOptions) => {
      let req: SqlRequest;
      try {
        req = await resolveRequest(statement, opts);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`grove sql: ${e.message}\n`);
        return flushAndExit(2);
      }
      const code = await runSql(req, {
        stdout: process.stdout,
        stderr: process.stderr,
        onInterrupt: (handler) => {
          process.on('SIGINT', handler);
          return () => process.off('SIGINT', handler);
        },
      });
      await flushAndExit(code);
    });
}
