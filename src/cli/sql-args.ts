import { readFile } from 'node:fs/promises';

/** Argument handling of `grove sql`, kept apart from the command so it can be tested directly. */

/** A mistake in how the command was called: exit code 2, like commander's own usage errors here. */
export class UsageError extends Error {}

export const DEFAULT_URL = 'http://127.0.0.1:8888';

/**
 * `--context k=v` pairs into a query context. A value that parses as JSON keeps its JSON type
 * (`maxNumTasks=3` is the number 3, `finalizeAggregations=false` a boolean, `x={"a":1}` an object),
 * anything else is the string itself, so `sqlTimeZone=America/Los_Angeles` needs no quoting.
 */
export function parseContext(pairs: readonly string[]): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--context takes key=value, got "${pair}"`);
    const key = pair.slice(0, eq).trim();
    if (key === '') throw new UsageError(`--context takes key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: keep the string
    }
    context[key] = value;
  }
  return context;
}

/** commander collector for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export interface SqlOptions {
  readonly file?: string;
  readonly context?: readonly string[];
  readonly url?: string;
  readonly wait?: boolean;
}

export interface SqlRequest {
  readonly query: string;
  readonly context: Record<string, unknown>;
  readonly url: string;
  readonly wait: boolean;
}

/** Validates the URL a user gave; the trailing slash is dropped so paths join cleanly. */
export function resolveUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const raw = flag ?? env.GROVE_URL ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

/**
 * The statement comes from the argument or from `-f file` (`-f -` reads standard input), never both.
 * `readStdin` is injected for tests.
 */
export async function resolveRequest(
  statement: string | undefined,
  opts: SqlOptions,
  env: NodeJS.ProcessEnv = process.env,
  readStdin: () => Promise<string> = readAllStdin,
): Promise<SqlRequest> {
  if (statement !== undefined && opts.file !== undefined) throw new UsageError('give the statement either as an argument or with -f, not both');
  let query: string;
  if (opts.file !== undefined) {
    try {
      query = opts.file === '-' ? await readStdin() : await readFile(opts.file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${opts.file}: ${(e as Error).message}`);
    }
  } else if (statement !== undefined) query = statement;
  else throw new UsageError('no statement: grove sql "<statement>" or grove sql -f job.sql');
  if (query.trim() === '') throw new UsageError('the statement is empty');
  return { query, context: parseContext(opts.context ?? []), url: resolveUrl(opts.url, env), wait: opts.wait === true };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
