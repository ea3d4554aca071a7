import type { TaskDescription } from '../../core/task-kind.js';
import { describeController } from '../../msq/kind.js';
import { resolveSettings } from '../../msq/settings.js';
import type { EsqlProgram } from './compile.js';
import { esqlColumns, esqlMsqPlan, type EsqlColumn } from './plan.js';

/** The ES|QL front end, as faces use it: compile, plan, and the async query's task. */
export { compileEsql, DEFAULT_LIMIT, MAX_LIMIT, type EsqlCatalog, type EsqlProgram } from './compile.js';
export { esqlColumns, esqlQueryPlan, esqlRow, type EsqlColumn } from './plan.js';
export { ES_BUILD } from './info.js';

/** What an async ES|QL query keeps in its controller task's payload to show its results later. */
export interface EsqlPayload {
  readonly query: string;
  readonly columns: readonly EsqlColumn[];
  readonly warnings: readonly string[];
}

/** The controller task an async ES|QL query runs as: a SELECT job over the datasources it reads. */
export function esqlController(id: string, program: EsqlProgram, text: string): TaskDescription {
  const plan = esqlMsqPlan(program, text);
  const esql: EsqlPayload = { query: text, columns: esqlColumns(program), warnings: program.warnings };
  return describeController(id, plan, resolveSettings(plan.context), { esql });
}

export function esqlOfPayload(payload: Record<string, unknown>): EsqlPayload | null {
  const e = payload.esql as EsqlPayload | undefined;
  return e && Array.isArray(e.columns) ? e : null;
}
