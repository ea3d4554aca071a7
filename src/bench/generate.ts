import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { pickUniform, rng, Zipf } from './prng.js';
import { COMMENTS, COUNTRIES, LANGUAGES, NAMESPACES, TITLE_NAMES, TITLE_WORDS, USER_PARTS } from './wiki-vocab.js';

/**
 * Synthetic Wikipedia edit events with the columns of Druid's wikipedia example data, for
 * ingestion benchmarks. Deterministic: rows depend only on (rows, days, seed).
 */

export const WIKI_COLUMNS = [
  'time', 'channel', 'cityName', 'comment', 'countryIsoCode', 'countryName', 'isAnonymous', 'isMinor', 'isNew', 'isRobot',
  'isUnpatrolled', 'metroCode', 'namespace', 'page', 'regionIsoCode', 'regionName', 'user', 'delta', 'added', 'deleted',
  'flags', 'diffUrl', 'commentLength', 'deltaBucket',
] as const;

export type WikiRow = Record<(typeof WIKI_COLUMNS)[number], string | number | boolean | null>;

export const WIKI_START = Date.UTC(2015, 8, 12);

export interface GenerateOptions {
  readonly rows: number;
  readonly days?: number;
  readonly seed?: number;
}

/** Returns a function producing row i (call with i = 0, 1, 2, ... in order). */
export function wikiRows(options: GenerateOptions): (i: number) => WikiRow {
  const days = options.days ?? 1;
  const seed = options.seed ?? 1;
  const pool = rng(seed ^ 0x5eed);
  const namespaceWeights = NAMESPACES.flatMap((n) => Array<(typeof NAMESPACES)[number]>(n.weight).fill(n));
  const pages = Array.from({ length: 400 }, (_, k) => {
    // The most edited pages are articles, as on the real wikis.
    const ns = k < 10 ? NAMESPACES[0] : pickUniform(namespaceWeights, pool());
    const word = pickUniform(TITLE_WORDS, pool());
    const name = pickUniform(TITLE_NAMES, pool());
    const form = Math.floor(pool() * 3);
    const title = form === 0 ? `${word} of ${name}` : form === 1 ? `${name} ${word}` : `${name} (${word.toLowerCase()})`;
    return { namespace: ns.name, page: `${ns.prefix}${title}` };
  });
  const users = Array.from({ length: 1500 }, (_, k) => `${pickUniform(USER_PARTS, pool())}${pickUniform(USER_PARTS, pool())}${k % 7 === 0 ? k : ''}`);
  const channels = new Zipf(LANGUAGES, 1.3);
  const pageZipf = new Zipf(pages, 1.05);
  const userZipf = new Zipf(users, 1.1);
  const countryZipf = new Zipf(COUNTRIES, 1.2);
  const r = rng(seed);
  const span = days * 86_400_000;
  let revision = 680_000_000;

  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

  return (i: number): WikiRow => {
    const time = WIKI_START + Math.floor(((i + r()) * span) / options.rows);
    const lang = channels.pick(r());
    const { namespace, page } = pageZipf.pick(r());
    const isAnonymous = r() < 0.12;
    const isRobot = !isAnonymous && r() < 0.1;
    const isMinor = r() < 0.3;
    const isNew = r() < 0.08;
    const isUnpatrolled = r() < 0.15;
    const user = isAnonymous
      ? `${1 + Math.floor(r() * 223)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`
      : isRobot ? `${userZipf.pick(r())}Bot` : userZipf.pick(r());
    let country = null;
    let region = null;
    let city: string | null = null;
    if (isAnonymous && r() < 0.9) {
      country = countryZipf.pick(r());
      region = pickUniform(country.regions, r());
      city = r() < 0.7 ? pickUniform(region.cities, r()) : null;
    }
    const metroCode = country?.metroCodes ? pickUniform(country.metroCodes, r()) : null;
    const magnitude = Math.min(100_000, Math.floor(Math.exp(3 + 1.8 * normal())));
    const delta = isNew ? magnitude + 200 : r() < 0.75 ? magnitude : -magnitude;
    const comment = pickUniform(COMMENTS, r());
    revision += 1 + Math.floor(r() * 5);
    const flags = `${isNew ? 'N' : ''}${isMinor ? 'M' : ''}${isRobot ? 'B' : ''}${isUnpatrolled ? '!' : ''}`;
    return {
      time: new Date(time).toISOString(),
      channel: `#${lang}.wikipedia`,
      cityName: city,
      comment,
      countryIsoCode: country?.iso ?? null,
      countryName: country?.name ?? null,
      isAnonymous,
      isMinor,
      isNew,
      isRobot,
      isUnpatrolled,
      metroCode,
      namespace,
      page,
      regionIsoCode: region?.iso ?? null,
      regionName: region?.name ?? null,
      user,
      delta,
      added: Math.max(delta, 0),
      deleted: Math.max(-delta, 0),
      flags,
      diffUrl: `https://${lang}.wikipedia.org/w/index.php?diff=${revision}&oldid=${revision - 1 - Math.floor(r() * 1000)}`,
      commentLength: comment.length,
      deltaBucket: Math.floor(delta / 100) * 100,
    };
  };
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export type DataFormat = 'json' | 'csv';

export interface GenerateFileOptions extends GenerateOptions {
  readonly format: DataFormat;
  readonly out: string;
  readonly onProgress?: (rowsWritten: number) => void;
}

export interface GenerateFilesOptions extends GenerateOptions {
  readonly format: DataFormat;
  /** The rows are split evenly over these files, in order: file k holds one run of consecutive rows. */
  readonly outs: readonly string[];
  readonly onProgress?: (rowsWritten: number) => void;
}

/**
 * Streams the rows to one or more files (NDJSON, or CSV with a header in each); resolves with the
 * byte count of each. Rows are produced in time order, so with `rows` and `days` both multiples of
 * the file count, every file covers whole days.
 */
export async function generateFiles(options: GenerateFilesOptions): Promise<{ rows: number; bytes: number[] }> {
  const next = wikiRows(options);
  const bytes: number[] = [];
  const files = options.outs.length;
  for (let f = 0; f < files; f++) {
    const out = options.outs[f];
    await mkdir(path.dirname(path.resolve(out)), { recursive: true });
    const stream = createWriteStream(out);
    const write = (chunk: string): Promise<void> =>
      stream.write(chunk) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', () => resolve()));
    if (options.format === 'csv') await write(`${WIKI_COLUMNS.join(',')}\n`);
    const first = Math.floor((f * options.rows) / files);
    const end = Math.floor(((f + 1) * options.rows) / files);
    const batch = 2000;
    for (let start = first; start < end; start += batch) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(end, start + batch); i++) {
        const row = next(i);
        lines.push(options.format === 'json' ? JSON.stringify(row) : WIKI_COLUMNS.map((c) => csvField(row[c])).join(','));
      }
      await write(`${lines.join('\n')}\n`);
      options.onProgress?.(Math.min(end, start + batch));
    }
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    bytes.push(stream.bytesWritten);
  }
  return { rows: options.rows, bytes };
}

/** Streams the rows to a file (NDJSON or CSV with a header); resolves with the byte count. */
export async function generateFile(options: GenerateFileOptions): Promise<{ rows: number; bytes: number }> {
  const { bytes } = await generateFiles({ ...options, outs: [options.out] });
  return { rows: options.rows, bytes: bytes[0] };
}

/** Runs generateFiles with a progress bar on a terminal. */
export async function generateFilesWithProgress(options: Omit<GenerateFilesOptions, 'onProgress'>): Promise<{ rows: number; bytes: number[] }> {
  if (!process.stderr.isTTY) return generateFiles(options);
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'generating [{bar}] {percentage}% {value}/{total} rows' }, cliProgress.Presets.shades_classic);
  bar.start(options.rows, 0);
  try {
    return await generateFiles({ ...options, onProgress: (n) => bar.update(n) });
  } finally {
    bar.stop();
  }
}

/** Runs generateFile with a progress bar on a terminal. */
export async function generateWithProgress(options: Omit<GenerateFileOptions, 'onProgress'>): Promise<{ rows: number; bytes: number }> {
  const { bytes } = await generateFilesWithProgress({ ...options, outs: [options.out] });
  return { rows: options.rows, bytes: bytes[0] };
}

async function main(): Promise<void> {
  const program = new Command()
    .name('generate')
    .description('write synthetic Wikipedia edit events (Druid wikipedia example columns)')
    .requiredOption('--rows <n>', 'number of rows')
    .requiredOption('--out <file>', 'output file')
    .option('--format <fmt>', 'json (NDJSON) or csv', 'json')
    .option('--days <d>', 'days the times spread over, from 2015-09-12', '1')
    .option('--seed <s>', 'PRNG seed', '1');
  const opts = program.parse().opts<{ rows: string; out: string; format: string; days: string; seed: string }>();
  const rows = Number(opts.rows);
  const days = Number(opts.days);
  const seed = Number(opts.seed);
  if (!Number.isInteger(rows) || rows < 1) program.error('--rows must be a positive whole number');
  if (!Number.isInteger(days) || days < 1) program.error('--days must be a positive whole number');
  if (!Number.isInteger(seed)) program.error('--seed must be a whole number');
  if (opts.format !== 'json' && opts.format !== 'csv') program.error('--format must be json or csv');
  const started = performance.now();
  const result = await generateWithProgress({ rows, days, seed, format: opts.format as DataFormat, out: opts.out });
  const ms = performance.now() - started;
  process.stdout.write(`wrote ${result.rows} rows (${(result.bytes / 1e6).toFixed(1)} MB) to ${opts.out} in ${(ms / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`generate: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
