import type { JobSummary } from './progress-model.js';

/** Text the `grove sql` command prints: the closing summary, result tables and submit errors. */

export const fmtDuration = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A plain-text table; numbers are right-aligned, everything else left-aligned. */
export function formatTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = rows.map((r) => columns.map((_, i) => cell(r[i]).replaceAll('\n', '\\n')));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i].length)));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...text.map(line)].join('\n');
}

export function formatSummary(s: JobSummary): string {
  const lines = [`status: ${s.status}${s.durationMs !== null ? ` in ${fmtDuration(s.durationMs)}` : ''}`];
  if (s.rowsWritten !== null) {
    lines.push(`rows written: ${s.rowsWritten.toLocaleString('en-US')}${s.segments !== null ? ` in ${s.segments} segment${s.segments === 1 ? '' : 's'}` : ''}`);
  }
  if (s.error) {
    const where = s.error.stageNumber !== null ? ` (stage ${s.error.stageNumber})` : '';
    lines.push(`error: ${s.error.code}${where}${s.error.message ? `: ${s.error.message}` : ''}`);
  }
  if (s.warnings.length > 0) {
    const w = s.warnings[0];
    lines.push(`warnings: ${s.warnings.length} (first: ${w.code}${w.message ? `: ${w.message}` : ''})`);
  }
  if (s.results) {
    const n = s.results.rows.length;
    lines.push('', formatTable(s.results.columns, s.results.rows), '');
    lines.push(`${n} row${n === 1 ? '' : 's'}${s.results.truncated ? ' (results truncated: the report keeps only the first rows)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A rejected submission. Druid's `/druid/v2/sql/task` answers `{"taskId","state":"FAILED","error":
 * {ErrorResponse}}`; other endpoints put the ErrorResponse (or a legacy `{"error","errorMessage"}`)
 * at the top level; a server without the endpoint answers something else entirely.
 */
export function formatSubmitError(httpStatus: number, body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = null;
  }
  const top = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  const err = top && typeof top.error === 'object' && top.error !== null ? (top.error as Record<string, unknown>) : top;
  const message = err && typeof err.errorMessage === 'string' ? err.errorMessage : null;
  if (!err || message === null) {
    const text = body.trim().slice(0, 500);
    return `HTTP ${httpStatus}${httpStatus === 404 ? ' (does the server support /druid/v2/sql/task?)' : ''}${text ? `: ${text}` : ''}`;
  }
  const code = typeof err.errorCode === 'string' ? err.errorCode : typeof err.error === 'string' ? err.error : 'error';
  const ctx = typeof err.context === 'object' && err.context !== null ? (err.context as Record<string, unknown>) : {};
  // Druid's parse messages already say "(line [1], column [10])"; add the position only when they do not.
  const pos = ctx.line !== undefined && ctx.line !== null && !message.includes(`line [${String(ctx.line)}]`)
    ? ` (line ${String(ctx.line)}${ctx.column !== undefined && ctx.column !== null ? `, column ${String(ctx.column)}` : ''})`
    : '';
  return `${code}: ${message}${pos}`;
}
