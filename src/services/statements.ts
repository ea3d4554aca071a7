import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskDescription } from '../core/task-kind.js';
import { kindOf } from '../kinds/index.js';
import { planOfPayload } from '../msq/kind.js';
import type { MsqPlan } from '../msq/types.js';
import { readManifest, readPage, type ResultsManifest } from '../results/manifest.js';
import type { DataPaths } from '../tasks/paths.js';
import type { TaskService } from './tasks.js';

export type StatementState = 'ACCEPTED' | 'RUNNING' | 'SUCCESS' | 'FAILED';

/**
 * An asynchronous query, whatever language it was written in: the controller task that runs its
 * plan, seen from its own state, its report and the result pages it left on disk.
 */
export interface Statement {
  readonly id: string;
  readonly state: StatementState;
  readonly createdMs: number;
  /** Milliseconds it ran; -1 while it runs. */
  readonly durationMs: number;
  readonly errorMsg: string | null;
  /** The controller task's payload (its plan, settings and what its language added). */
  readonly payload: Record<string, unknown>;
  readonly plan: MsqPlan | null;
  /** The live or final report, if any. */
  readonly report: unknown;
  readonly resultsDir: string;
}

/** Result rows of a statement that succeeded: the manifest, and every page or one. */
export type StatementResults =
  | { readonly kind: 'rows'; readonly manifest: ResultsManifest; readonly rows: unknown[][] }
  /** An ingestion: its result is the data it wrote, not rows. */
  | { readonly kind: 'ingestion' }
  /** Past the results retention. */
  | { readonly kind: 'expired' }
  | { readonly kind: 'noSuchPage' };

/** How a stop request went. */
export type StopOutcome =
  | { readonly kind: 'stopped'; readonly statement: Statement }
  /** It had ended before the stop: its result is whole. */
  | { readonly kind: 'ended'; readonly statement: Statement }
  /** Stop applies to SELECT statements only: an ingestion is cancelled or left to finish. */
  | { readonly kind: 'notSelect'; readonly statement: Statement };

/**
 * Statements for every face: submit a plan's controller task (once per id), follow it, read its
 * result pages, cancel it, or stop it with the rows read so far.
 */
export class StatementService {
  readonly #tasks: TaskService;
  readonly #paths: DataPaths;

  constructor(tasks: TaskService, paths: DataPaths) {
    this.#tasks = tasks;
    this.#paths = paths;
  }

  /** The statement behind an id, or null for an unknown id or a task that is no statement. */
  async find(id: string): Promise<Statement | null> {
    const view = await this.#tasks.get(id);
    if (!view || !kindOf(view.type).statement) return null;
    const payload = (await this.#tasks.payload(id)) ?? {};
    const report = this.#tasks.report(id);
    const state: StatementState = view.status === 'SUCCESS' ? 'SUCCESS' : view.status === 'FAILED' ? 'FAILED'
      // A task the scheduler has not placed yet is ACCEPTED, as Druid says.
      : view.runnerState === 'RUNNING' ? 'RUNNING' : 'ACCEPTED';
    return {
      id,
      state,
      createdMs: view.createdMs,
      durationMs: view.status === 'RUNNING' ? -1 : view.durationMs ?? -1,
      errorMsg: view.errorMsg,
      payload,
      plan: planOfPayload(payload),
      report: report === undefined ? undefined : 'live' in report ? report.live : parseJson(report.json),
      resultsDir: this.#paths.resultsDir(id),
    };
  }

  /**
   * Submits the controller task of a statement. Submitting an id that is known answers the
   * statement already known (also when two submissions race), never a second run.
   */
  async submit(desc: TaskDescription): Promise<Statement> {
    const known = await this.find(desc.id);
    if (known) return known;
    try {
      await this.#tasks.submit(desc);
    } catch (e) {
      const raced = await this.find(desc.id);
      if (raced) return raced;
      throw e;
    }
    return (await this.find(desc.id)) as Statement;
  }

  /** Cancels a statement that has not ended; false when it had already ended. */
  async cancel(statement: Statement): Promise<boolean> {
    if (statement.state === 'SUCCESS' || statement.state === 'FAILED') return false;
    await this.#tasks.shutdown(statement.id);
    return true;
  }

  /** Asks a SELECT to end now over what it has read, and waits (until `deadlineMs`) for it to end. */
  async stop(statement: Statement, deadlineMs: number): Promise<StopOutcome> {
    if (statement.plan?.kind !== 'select') return { kind: 'notSelect', statement };
    if (statement.state === 'SUCCESS' || statement.state === 'FAILED') return { kind: 'ended', statement };
    this.#tasks.requestStop(statement.id);
    return { kind: 'stopped', statement: await this.waitForEnd(statement.id, deadlineMs) };
  }

  /** Waits until the statement has ended, or the deadline passes; answers its latest state. */
  async waitForEnd(id: string, deadlineMs: number): Promise<Statement> {
    let s = (await this.find(id)) as Statement;
    while ((s.state === 'RUNNING' || s.state === 'ACCEPTED') && Date.now() < deadlineMs) {
      await sleep(20);
      s = (await this.find(id)) as Statement;
    }
    return s;
  }

  /** The manifest of a SELECT that succeeded, if its pages are still kept. */
  manifest(statement: Statement): ResultsManifest | null {
    return statement.plan?.kind === 'select' && statement.state === 'SUCCESS' ? readManifest(statement.resultsDir) : null;
  }

  /** Rows of a statement that succeeded: all pages, or page `page`. */
  async results(statement: Statement, page?: number): Promise<StatementResults> {
    if (statement.plan?.kind !== 'select') return { kind: 'ingestion' };
    const manifest = readManifest(statement.resultsDir);
    if (!manifest) return { kind: 'expired' };
    const chosen = page === undefined ? manifest.pages : manifest.pages.filter((p) => p.id === page);
    // A query with no rows has no pages; page 0 is then that empty page.
    if (page !== undefined && chosen.length === 0 && !(page === 0 && manifest.pages.length === 0)) return { kind: 'noSuchPage' };
    const rows: unknown[][] = [];
    for (const p of chosen) rows.push(...(await readPage(statement.resultsDir, p.file)));
    return { kind: 'rows', manifest, rows };
  }
}

function parseJson(text: Buffer): unknown {
  try {
    return JSON.parse(text.toString('utf8'));
  } catch {
    return undefined;
  }
}
