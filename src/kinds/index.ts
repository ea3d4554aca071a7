import { invalidInput } from '../core/errors.js';
import type { DescribeOptions, TaskDescription, TaskKind } from '../core/task-kind.js';
import { indexKind, indexParallelKind } from '../ingest/kind.js';
import { queryControllerKind, queryWorkerKind } from '../msq/kind.js';
import { noopKind } from './noop.js';

/** Every kind of task Grove runs. Adding a kind: its own folder, and one line here. */
const KINDS: readonly TaskKind[] = [noopKind, indexParallelKind, indexKind, queryControllerKind, queryWorkerKind];

const BY_TYPE = new Map(KINDS.map((k) => [k.type, k]));

export function kindOf(type: string): TaskKind {
  const kind = BY_TYPE.get(type);
  if (!kind) throw new Error(`internal: no task kind [${type}]`);
  return kind;
}

/** Loads every kind's code (a task process does so while it waits for a task). */
export async function preloadKinds(): Promise<void> {
  await Promise.all(KINDS.map((k) => k.load()));
}

/** Parses a Tasks API submission into a description, with Druid's messages for a bad type. */
export function describeTask(body: unknown, options: DescribeOptions): TaskDescription {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidInput('Task spec must be a JSON object');
  const obj = body as Record<string, unknown>;
  if (obj.type === undefined) throw invalidInput('Missing type id when trying to resolve subtype of task: the "type" property is required');
  const kind = typeof obj.type === 'string' ? BY_TYPE.get(obj.type) : undefined;
  if (!kind?.describe) {
    const known = KINDS.filter((k) => k.describe).map((k) => k.type).sort();
    throw invalidInput(`Could not resolve type id '${String(obj.type)}' as a subtype of Task: known type ids = [${known.join(', ')}]`);
  }
  return kind.describe(obj, options);
}
