import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GroveError, invalidInput } from '../../core/errors.js';
import { listMatchingFiles } from '../../engine/glob.js';
import { allowedRealPath, download, globSafe, resolveAllowedDirs } from '../../engine/input.js';
import type { SegmentRecord } from '../../core/types.js';
import { isDataSourceInput, type ExternInput, type MsqInput, type SplitRef, type WorkerCounters } from '../types.js';
import { segmentSplits } from './segments.js';
import type { FetchedSplit } from './split.js';

/**
 * EXTERN input sources as splits (a file is never split, as in Druid), and fetching one split so
 * DuckDB can read it: local files in place, http files downloaded into the work directory, inline
 * data written to a file. Every local path is checked against the allowed directories both when
 * listed (controller) and when read (worker), since a work order is only as good as its sender.
 */

/** What a stage needs from the process running it (a worker task, or the controller for listing). */
export interface WorkerIO {
  /** Private scratch directory: downloads, inline data, DuckDB spill files. */
  readonly workDir: string;
  /** Directories local input may be read from. */
  readonly allowedInputDirs: readonly string[];
  /** URL protocols http input may use, e.g. ['http:', 'https:']. */
  readonly allowedHttpProtocols: readonly string[];
  /** Aborted on shutdown: DuckDB is interrupted and the stage ends with the Canceled fault. */
  readonly signal: AbortSignal;
  log(level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', msg: string): void;
  /** The worker's whole counters for `stage` so far (a snapshot, not a delta). */
  counters(stage: number, c: WorkerCounters): void;
  /** Root of the segment files datasource inputs read. */
  readonly deepStorageDir?: string;
  /** The controller's view of the metadata store, for listing datasource inputs' segments. */
  listSegments?(dataSources: readonly string[]): Promise<readonly SegmentRecord[]>;
  /** Aborted on stop-with-partial-results: read no more input, finish with what was read. */
  readonly stopSignal?: AbortSignal;
}

export type { SplitRef };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const failure = (message: string): GroveError => new GroveError('runtimeFailure', message);

async function localSplits(src: Record<string, unknown>, n: number, io: WorkerIO): Promise<SplitRef[]> {
  const allowed = resolveAllowedDirs(io.allowedInputDirs);
  const baseDir = str(src.baseDir);
  const filter = str(src.filter);
  const files = strings(src.files);
  const paths: string[] = [];
  if (baseDir !== null && (filter !== null || files.length === 0)) {
    const base = path.resolve(process.cwd(), baseDir);
    await allowedRealPath(base, allowed);
    const st = await fsp.stat(base).catch(() => null);
    if (!st?.isDirectory()) throw failure(`baseDir [${baseDir}] of input ${n} is not a directory`);
    paths.push(...(await listMatchingFiles(base, filter ?? '*')));
  }
  // The localfiles table function resolves `files` against baseDir (given without a filter).
  const root = baseDir !== null && filter === null ? path.resolve(process.cwd(), baseDir) : process.cwd();
  paths.push(...files.map((f) => path.resolve(root, f)));
  const out: SplitRef[] = [];
  for (const p of [...new Set(paths)]) {
    await allowedRealPath(p, allowed);
    const st = await fsp.stat(p).catch((e: Error) => {
      throw failure(`input file [${p}] cannot be read: ${e.message}`);
    });
    if (!st.isFile()) throw failure(`input file [${p}] is not a file`);
    out.push({ inputNumber: n, uri: pathToFileURL(p).href, size: st.size });
  }
  return out;
}

function checkProtocol(uri: string, io: WorkerIO): void {
  let protocol: string;
  try {
    protocol = new URL(uri).protocol;
  } catch {
    throw invalidInput(`input URI [${uri}] is not a valid URL`);
  }
  if (!io.allowedHttpProtocols.includes(protocol)) {
    const names = io.allowedHttpProtocols.map((p) => p.replace(/:$/, '')).join(', ');
    throw invalidInput(`Only [${names}] protocols are allowed; input URI [${uri}] uses [${protocol.replace(/:$/, '')}]`);
  }
}

/** Every file of every input, in input order; the controller deals them out to workers. */
export async function expandInputs(inputs: readonly MsqInput[], io: WorkerIO): Promise<SplitRef[]> {
  const out: SplitRef[] = [];
  // Every datasource's segments in one read, so all inputs see the same published state.
  const names = inputs.filter(isDataSourceInput).map((i) => i.dataSource);
  const segments = names.length > 0 && io.listSegments ? await io.listSegments(names) : [];
  for (const [n, input] of inputs.entries()) {
    if (isDataSourceInput(input)) {
      out.push(...segmentSplits(input, n, segments, io.deepStorageDir ?? ''));
      continue;
    }
    const src = input.inputSource;
    switch (src.type) {
      case 'local':
        out.push(...(await localSplits(src, n, io)));
        break;
      case 'http':
        for (const uri of strings(src.uris)) {
          checkProtocol(uri, io);
          out.push({ inputNumber: n, uri });
        }
        break;
      case 'inline':
        out.push({ inputNumber: n, uri: `inline:${n}`, size: Buffer.byteLength(typeof src.data === 'string' ? src.data : '') });
        break;
      default:
        throw new GroveError('unsupported', `input source type [${String(src.type)}] is not supported; use local, http or inline`);
    }
  }
  return out;
}

function httpAuth(src: Record<string, unknown>): { auth: string | null; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (src.requestHeaders && typeof src.requestHeaders === 'object') {
    for (const [k, v] of Object.entries(src.requestHeaders as Record<string, unknown>)) if (typeof v === 'string') headers[k] = v;
  }
  const user = str(src.httpAuthenticationUsername);
  if (user === null) return { auth: null, headers };
  const p = src.httpAuthenticationPassword;
  let password = '';
  if (typeof p === 'string') password = p;
  else if (p && typeof p === 'object') {
    const o = p as Record<string, unknown>;
    // Druid's PasswordProvider: {"type":"default","password"} or {"type":"environment","variable"}.
    password = o.type === 'environment' ? (process.env[String(o.variable)] ?? '') : String(o.password ?? '');
  }
  return { auth: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, headers };
}

export async function fetchSplit(split: SplitRef, input: ExternInput, index: number, io: WorkerIO): Promise<FetchedSplit> {
  const src = input.inputSource;
  if (split.uri.startsWith('inline:')) {
    const data = typeof src.data === 'string' ? src.data : '';
    const dir = path.join(io.workDir, 'inline');
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${index}.txt`);
    await fsp.writeFile(file, data);
    return { path: file, displayUri: null, size: Buffer.byteLength(data), temporary: true };
  }
  if (split.uri.startsWith('file:')) {
    const p = fileURLToPath(split.uri);
    const real = await allowedRealPath(p, resolveAllowedDirs(io.allowedInputDirs));
    const st = await fsp.stat(real).catch((e: Error) => {
      throw failure(`input file [${p}] cannot be read: ${e.message}`);
    });
    return { path: await globSafe(real, index, io), displayUri: split.uri.replace(/^file:\/\/\//, 'file:/'), size: st.size, temporary: false };
  }
  checkProtocol(split.uri, io);
  const { auth, headers } = httpAuth(src);
  const started = Date.now();
  // A stop (partial results) cuts a download short as a shutdown does; the stage leaves the file out.
  const signal = io.stopSignal ? AbortSignal.any([io.signal, io.stopSignal]) : io.signal;
  const file = await download(split.uri, index, auth, { workDir: io.workDir, signal }, headers);
  io.log('INFO', `Downloaded [${split.uri}]: ${file.size} bytes in ${Date.now() - started} ms`);
  return { path: file.path, displayUri: split.uri, size: file.size, temporary: true };
}
