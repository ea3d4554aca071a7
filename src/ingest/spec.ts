import { taskPriority } from '../core/checks.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Interval, LockType } from '../core/types.js';
import { GroveError, invalidInput } from '../core/errors.js';
import { bucketsOverlapping } from '../time/granularity.js';
import { parseDataSchema } from './spec-schema.js';
import { parseIoConfig, parseTuningConfig } from './spec-io.js';
import { asObject, isObject, optObject, reqObject, show } from './spec-read.js';
import type { IndexTask } from './spec-types.js';

export type * from './spec-types.js';
export { taskPayload } from './payload.js';

/**
 * Parses and checks a native batch task (`index_parallel` or `index`) the way Druid's Jackson
 * binding and constructors do, with messages that name the offending field.
 */
export function parseIndexTask(body: unknown): IndexTask {
  const o = asObject(body, 'task');
  const type = o.type;
  if (type !== 'index_parallel' && type !== 'index') {
    throw invalidInput(`task.type [${String(type)}] is not a native batch task; use index_parallel or index`);
  }
  if (o.id !== undefined && o.id !== null && (typeof o.id !== 'string' || o.id === '')) throw invalidInput(`id must be a non-empty string, got ${show(o.id)}`);
  const context = optObject(o, 'context', 'task') ?? {};
  const priority = taskPriority(context.priority, 50);
  const spec = isObject(o.spec) ? o.spec : isObject(o.ingestionSpec) ? o.ingestionSpec : undefined;
  if (spec === undefined) throw invalidInput(o.spec === undefined ? 'spec is required' : `spec must be a JSON object, got ${show(o.spec)}`);

  const dataSchema = parseDataSchema(reqObject(spec, 'dataSchema', 'spec'), 'spec.dataSchema');
  const ioConfig = parseIoConfig(reqObject(spec, 'ioConfig', 'spec'), 'spec.ioConfig', type);
  const tuningConfig = parseTuningConfig(optObject(spec, 'tuningConfig', 'spec'), 'spec.tuningConfig');
  if (ioConfig.dropExisting && dataSchema.granularitySpec.intervals === null) {
    throw invalidInput("GranularitySpec's intervals cannot be empty when setting dropExisting to true.");
  }
  return {
    type,
    id: typeof o.id === 'string' ? o.id : undefined,
    dataSource: dataSchema.dataSource,
    priority,
    context,
    spec: { dataSchema, ioConfig, tuningConfig },
    rawSpec: spec,
  };
}

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolves like the task will (cwd-relative), following symlinks where the path exists. */
function realish(p: string): string {
  const abs = path.resolve(process.cwd(), p);
  try {
    return fs.realpathSync(abs);
  } catch {
    return abs;
  }
}

/**
 * Local inputs must lie inside an allowed directory (a spec must not read the server's files), and
 * http inputs must use an allowed protocol. Called on submit; the task checks again when it runs.
 */
export function validateInputAccess(task: IndexTask, allowedInputDirs: readonly string[], allowedHttpProtocols: readonly string[] = ['http:', 'https:']): void {
  const src = task.spec.ioConfig.inputSource;
  if (src.type === 'local') {
    const allowed = allowedInputDirs.map(realish);
    const check = (p: string, field: string): void => {
      const real = realish(p);
      if (!allowed.some((d) => isInside(d, real))) {
        throw new GroveError('forbidden', `${field} [${p}] is outside the directories Grove may read input from`, { context: { field } });
      }
    };
    if (src.baseDir) check(src.baseDir, 'spec.ioConfig.inputSource.baseDir');
    src.files.forEach((f, i) => check(f, `spec.ioConfig.inputSource.files[${i}]`));
  } else if (src.type === 'http') {
    src.uris.forEach((u, i) => {
      const protocol = new URL(u).protocol;
      if (!allowedHttpProtocols.includes(protocol)) {
        const names = allowedHttpProtocols.map((p) => p.replace(/:$/, '')).join(', ');
        throw invalidInput(`Only [${names}] protocols are allowed; spec.ioConfig.inputSource.uris[${i}] [${u}] uses [${protocol.replace(/:$/, '')}]`);
      }
    });
  }
}

/**
 * Druid batch tasks lock their time chunks: appends share them, replacements hold them alone. With
 * intervals in the spec the chunks are known up front; otherwise the task asks once it has read.
 */
export function lockRequirement(task: IndexTask): { type: LockType; intervals: Interval[] | null } {
  const type: LockType = task.spec.ioConfig.appendToExisting ? 'shared' : 'exclusive';
  return { type, intervals: specChunks(task) };
}

/** The segment-granularity buckets covering the spec's intervals, or null when it gives none. */
export function specChunks(task: IndexTask): Interval[] | null {
  const g = task.spec.dataSchema.granularitySpec;
  if (g.intervals === null) return null;
  // Two spec intervals may fall in the same chunk; lock it once.
  const byStart = new Map<number, Interval>();
  for (const i of g.intervals) for (const c of bucketsOverlapping(i, g.segmentGranularity)) byStart.set(c.start, c);
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** Druid's generated id: `index_parallel_<dataSource>_<8 random lowercase letters>_<ISO time>`. */
export function defaultTaskId(task: IndexTask, now = new Date()): string {
  let letters = '';
  for (let i = 0; i < 8; i++) letters += String.fromCharCode(97 + Math.floor(Math.random() * 26));
  return `${task.type}_${task.dataSource}_${letters}_${now.toISOString()}`;
}
