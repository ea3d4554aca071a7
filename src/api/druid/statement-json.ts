import type { MsqPlan } from '../../msq/types.js';
import type { ResultsManifest } from '../../results/manifest.js';
import type { Statement } from '../../services/statements.js';

/**
 * Druid's SqlStatementResult: the statements API's view of a statement. Built from its state and
 * times, its plan (→ schema), its report (stages, counters, faults) and its result manifest. Null
 * fields are left out, as Druid's Jackson settings leave them out [src].
 */

export interface StatementOptions {
  readonly detail: boolean;
  /** Rows of the first page shown as sampleRecords, Druid shows the report's rows. */
  readonly withResults: boolean;
}

const SAMPLE_ROWS = 3000;

function msqPayload(report: unknown): Record<string, unknown> | null {
  const msq = (report as { multiStageQuery?: { payload?: Record<string, unknown> } } | null | undefined)?.multiStageQuery;
  return msq?.payload ?? null;
}

/** Druid's getExceptionPayload: the fault of the error report, its other fields as string context. */
function errorDetails(task: Statement, payload: Record<string, unknown> | null): Record<string, unknown> {
  const status = payload?.status as { errorReport?: { error?: Record<string, unknown> } } | undefined;
  const fault = status?.errorReport?.error;
  if (!fault) {
    return { error: 'druidException', errorCode: 'general', persona: 'DEVELOPER', category: 'UNCATEGORIZED', errorMessage: task.errorMsg ?? 'Task failed', context: {} };
  }
  const { errorCode, errorMessage, ...rest } = fault;
  const context = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  return {
    error: 'druidException',
    errorCode: String(errorCode ?? 'unknown'),
    persona: 'USER',
    category: 'UNCATEGORIZED',
    errorMessage: String(errorMessage ?? task.errorMsg ?? ''),
    context,
  };
}

/** rowsPushed of an ingestion job, Druid's only "result" for one. */
function ingestedRows(payload: Record<string, unknown> | null): number {
  const counters = (payload?.counters ?? {}) as Record<string, Record<string, { segmentGenerationProgress?: { rowsPersisted?: number } }>>;
  let rows = 0;
  for (const byWorker of Object.values(counters)) for (const c of Object.values(byWorker)) rows += c.segmentGenerationProgress?.rowsPersisted ?? 0;
  return rows;
}

function resultSection(task: Statement, plan: MsqPlan | null, payload: Record<string, unknown> | null, manifest: ResultsManifest | null): Record<string, unknown> | undefined {
  if (task.state !== 'SUCCESS') return undefined;
  if (plan?.kind !== 'select') {
    return { numTotalRows: ingestedRows(payload), totalSizeInBytes: 0, dataSource: plan?.dataSource ?? String(task.payload.dataSource ?? '') };
  }
  // Past the results retention the pages are gone; Druid then has no result to describe either.
  if (!manifest) return undefined;
  const results = (payload?.results as { results?: unknown[] } | undefined)?.results ?? [];
  return {
    numTotalRows: manifest.numTotalRows,
    totalSizeInBytes: manifest.totalSizeInBytes,
    dataSource: String(task.payload.dataSource ?? '__query_select'),
    sampleRecords: results.slice(0, SAMPLE_ROWS),
    pages: manifest.pages.map((p) => ({ id: p.id, numRows: p.numRows, sizeInBytes: p.sizeInBytes })),
  };
}

export function statementObject(task: Statement, manifest: ResultsManifest | null, options: StatementOptions): Record<string, unknown> {
  const plan = task.plan;
  const payload = msqPayload(task.report);
  const out: Record<string, unknown> = {
    queryId: task.id,
    state: task.state,
    createdAt: new Date(task.createdMs).toISOString(),
  };
  if (task.state !== 'FAILED' && plan?.kind === 'select') {
    out.schema = plan.columns.map((c) => ({ name: c.name, type: c.sqlType, nativeType: c.druidType }));
  }
  out.durationMs = task.durationMs;
  if (options.withResults) {
    const result = resultSection(task, plan, payload, manifest);
    if (result) out.result = result;
  }
  if (task.state === 'FAILED') out.errorDetails = errorDetails(task, payload);
  if (options.detail && payload) {
    if (payload.stages !== undefined) out.stages = payload.stages;
    if (payload.counters !== undefined) out.counters = payload.counters;
    const warnings = (payload.status as { warnings?: unknown } | undefined)?.warnings;
    if (warnings !== undefined) out.warnings = warnings;
  }
  // Grove extension (stop with partial results): what a stopped statement's rows cover.
  if (manifest?.isPartial) {
    out.isPartial = true;
    out.covered = manifest.coverage;
  }
  return out;
}
