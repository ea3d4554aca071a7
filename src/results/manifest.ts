import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * The results of a SELECT job on disk: pages of rows (one JSON array per line) and this manifest,
 * written last and renamed into place, so a reader finds either complete results or none.
 */

export interface ManifestColumn {
  readonly name: string;
  /** Druid SQL type (VARCHAR, BIGINT, TIMESTAMP...). */
  readonly type: string;
  /** Druid native type (STRING, LONG...). */
  readonly nativeType: string;
}

/** What a stopped statement's result covers (a Grove extension of Druid's statement object). */
export interface Coverage {
  /** Segments whose rows are in the result. */
  readonly segments: readonly string[];
  /** The time those segments cover, per datasource (ISO intervals, merged). */
  readonly intervals: Readonly<Record<string, readonly string[]>>;
  /** External input files whose rows are in the result. */
  readonly files: readonly string[];
  readonly totalSegments: number;
  readonly totalFiles: number;
}

export interface ResultsManifest {
  readonly queryId: string;
  readonly columns: readonly ManifestColumn[];
  readonly numTotalRows: number;
  readonly totalSizeInBytes: number;
  readonly pages: ReadonlyArray<{ readonly id: number; readonly numRows: number; readonly sizeInBytes: number; readonly file: string }>;
  /** True when the statement was stopped before it read all of its input. */
  readonly isPartial: boolean;
  readonly coverage: Coverage;
  /** When the results were written (epoch ms); the retention counts from here. */
  readonly writtenMs: number;
}

const MANIFEST = 'manifest.json';

export async function writeManifest(dir: string, manifest: ResultsManifest): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `${MANIFEST}.tmp`);
  await fsp.writeFile(tmp, JSON.stringify(manifest));
  await fsp.rename(tmp, path.join(dir, MANIFEST));
}

/** The manifest, or null when there are no (complete) results in `dir`. */
export function readManifest(dir: string): ResultsManifest | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as ResultsManifest;
  } catch {
    return null;
  }
}

/** The rows of one page, in order. */
export async function readPage(dir: string, file: string): Promise<unknown[][]> {
  const text = await fsp.readFile(path.join(dir, path.basename(file)), 'utf8');
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown[]);
}
