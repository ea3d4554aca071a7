import fsp from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskContext } from '../core/task-context.js';
import { allowedRealPath, download, globSafe, inputFailure, resolveAllowedDirs, statFile, type InputFile } from '../engine/input.js';
import { listMatchingFiles } from '../engine/glob.js';
import type { IndexTask } from './spec-types.js';
import { validateInputAccess } from './spec.js';

/** The inputs of a native ingestion task: its local files, its inline data or its http URIs. */

async function localFiles(task: IndexTask, ctx: TaskContext): Promise<InputFile[]> {
  const src = task.spec.ioConfig.inputSource;
  if (src.type !== 'local') return [];
  const paths: string[] = [];
  if (src.baseDir) {
    const base = path.resolve(process.cwd(), src.baseDir);
    const st = await fsp.stat(base).catch(() => null);
    if (!st?.isDirectory()) throw inputFailure(`spec.ioConfig.inputSource.baseDir [${src.baseDir}] is not a directory`);
    paths.push(...(await listMatchingFiles(base, src.filter ?? '*')));
  }
  paths.push(...src.files.map((f) => path.resolve(process.cwd(), f)));
  const allowed = resolveAllowedDirs(ctx.allowedInputDirs);
  const out: InputFile[] = [];
  for (const p of [...new Set(paths)]) {
    const real = await allowedRealPath(p, allowed);
    const size = await statFile(p, 'input file');
    out.push({ path: await globSafe(real, out.length, ctx), uri: pathToFileURL(p).href.replace(/^file:\/\/\//, 'file:/'), size });
  }
  return out;
}

/** An input not yet in reach: http files download only when their turn comes, so counters grow as they arrive. */
export interface PendingInput {
  readonly label: string;
  /** Deleted after reading (downloads); local files are never touched. */
  readonly temporary: boolean;
  open(): Promise<InputFile>;
}

function inlineInput(task: IndexTask, ctx: TaskContext): PendingInput[] {
  const src = task.spec.ioConfig.inputSource;
  if (src.type !== 'inline') return [];
  return [
    {
      label: 'inline data',
      temporary: true,
      open: async () => {
        const p = path.join(ctx.workDir, `inline.${task.spec.ioConfig.inputFormat.type}`);
        await fsp.writeFile(p, src.data);
        return { path: p, uri: null, size: Buffer.byteLength(src.data) };
      },
    },
  ];
}

function httpInputs(task: IndexTask, ctx: TaskContext): PendingInput[] {
  const src = task.spec.ioConfig.inputSource;
  if (src.type !== 'http') return [];
  const auth = src.username !== null ? `Basic ${Buffer.from(`${src.username}:${src.password ?? ''}`).toString('base64')}` : null;
  return src.uris.map((uri, i) => ({
    label: uri,
    temporary: true,
    open: async () => {
      const started = Date.now();
      const file = await download(uri, i, auth, ctx);
      ctx.log('INFO', `Downloaded [${uri}]: ${file.size} bytes in ${Date.now() - started} ms`);
      return file;
    },
  }));
}

/** Every input of the task, in order; local files are found now (an empty match fails at once). */
export async function listInputs(task: IndexTask, ctx: TaskContext): Promise<PendingInput[]> {
  validateInputAccess(task, ctx.allowedInputDirs, ctx.allowedHttpProtocols);
  const local = (await localFiles(task, ctx)).map((f) => ({ label: f.uri ?? f.path, temporary: false, open: async () => f }));
  const inputs = [...local, ...inlineInput(task, ctx), ...httpInputs(task, ctx)];
  if (inputs.length === 0) {
    const src = task.spec.ioConfig.inputSource;
    const where = src.type === 'local' ? `baseDir [${src.baseDir}] with filter [${src.filter}]` : src.type;
    throw inputFailure(`No input files found for ${where}`);
  }
  return inputs;
}
