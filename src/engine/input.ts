import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GroveError } from '../core/errors.js';
import type { TaskContext } from '../core/task-context.js';
import { abortError } from './duck.js';

/** One file DuckDB will read, and how Druid names it in parse-exception messages. */
export interface InputFile {
  readonly path: string;
  /** `file:/...` or the http URI; null for inline data, which Druid does not name. */
  readonly uri: string | null;
  readonly size: number;
}

export const inputFailure = (message: string, cause?: unknown): GroveError => new GroveError('runtimeFailure', message, { cause });

export async function statFile(p: string, what: string): Promise<number> {
  try {
    const st = await fsp.stat(p);
    if (!st.isFile()) throw inputFailure(`${what} [${p}] is not a file`);
    return st.size;
  } catch (e) {
    if (e instanceof GroveError) throw e;
    throw inputFailure(`${what} [${p}] cannot be read: ${(e as Error).message}`, e);
  }
}

/**
 * DuckDB expands glob characters in file paths, which could reach files never checked above; a
 * file whose name has them is read through a plainly named link in the work directory.
 */
export async function globSafe(real: string, index: number, ctx: Pick<TaskContext, 'workDir'>): Promise<string> {
  if (!/[*?[\]{}]/.test(real)) return real;
  const dir = path.join(ctx.workDir, 'links');
  await fsp.mkdir(dir, { recursive: true });
  const link = path.join(dir, `${index}_${path.basename(real).replace(/[^A-Za-z0-9._-]/g, '_')}`);
  await fsp.symlink(real, link);
  return link;
}

/** The directories local input may come from, resolved through symlinks where they exist. */
export function resolveAllowedDirs(dirs: readonly string[]): string[] {
  return dirs.map((d) => {
    try {
      return fs.realpathSync(d);
    } catch {
      return path.resolve(d);
    }
  });
}

/** The real path of input file `p`, refused (forbiddenPath) unless it lies inside one of `allowed`. */
export async function allowedRealPath(p: string, allowed: readonly string[]): Promise<string> {
  // A symlink inside an allowed directory must not lead outside it.
  const real = await fsp.realpath(p).catch(() => p);
  if (!allowed.some((d) => real === d || real.startsWith(d.endsWith(path.sep) ? d : d + path.sep))) {
    throw new GroveError('forbidden', `input file [${p}] is outside the directories Grove may read input from`);
  }
  return real;
}

/** Downloads `uri` into `<workDir>/http`; errors name the URI and the HTTP status. */
export async function download(uri: string, index: number, auth: string | null, ctx: Pick<TaskContext, 'workDir' | 'signal'>, headers: Readonly<Record<string, string>> = {}): Promise<InputFile> {
  const dir = path.join(ctx.workDir, 'http');
  await fsp.mkdir(dir, { recursive: true });
  // Keep the file name so DuckDB's compression detection sees `.gz`.
  const base = path.basename(new URL(uri).pathname).replace(/[^A-Za-z0-9._-]/g, '_') || 'input';
  const target = path.join(dir, `${index}_${base}`);
  let res: Response;
  try {
    res = await fetch(uri, { signal: ctx.signal, headers: auth ? { ...headers, authorization: auth } : { ...headers } });
  } catch (e) {
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    throw inputFailure(`Failed to fetch input [${uri}]: ${(e as Error).message}`, e);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw inputFailure(`Failed to fetch input [${uri}]: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), fs.createWriteStream(target), { signal: ctx.signal });
  } catch (e) {
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    throw inputFailure(`Failed to read input [${uri}]: ${(e as Error).message}`, e);
  }
  return { path: target, uri, size: (await fsp.stat(target)).size };
}
