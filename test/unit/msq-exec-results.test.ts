import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { collectResults, expandInputs, runStage0 } from '../../src/msq/exec/index.js';
import type { ExternInput, MsqPlan } from '../../src/msq/types.js';
import { col, jsonInput, MSQ_FIXTURES, SETTINGS, tempDir, testIO, wikiPlan } from '../fixtures/msq/helpers.js';

/** Stage 0 of a SELECT job on each worker's inputs; answers the files in worker order. */
async function selectFiles(plan: MsqPlan, workers: ExternInput[][]): Promise<string[]> {
  const shuffleDir = tempDir('grove-shuffle-');
  const files: string[] = [];
  for (const inputs of workers) {
    const io = testIO();
    const r = await runStage0({ stage: 0, plan: { ...plan, inputs }, splits: await expandInputs(inputs, io), shuffleDir, settings: SETTINGS }, io);
    files.push(...r.partitions.map((p) => p.file));
  }
  return files;
}

const wiki = jsonInput({ type: 'local', files: [path.join(MSQ_FIXTURES, 'wiki.json')] });
const wikiGz = jsonInput({ type: 'local', files: [path.join(MSQ_FIXTURES, 'wiki.json.gz')] });
/** The report's rows, as the controller reads them (no pages written). */
const readResults = async (plan: MsqPlan, files: string[], reportLimit: number) => {
  const { pages, ...rest } = await collectResults(plan, files, { reportLimit, rowsPerPage: 100 });
  expect(pages).toEqual([]);
  return rest;
};
const select = (patch: Partial<MsqPlan>): MsqPlan => wikiPlan([], { kind: 'select', dataSource: null, partitionedBy: null, ...patch });

describe('readResults', () => {
  const plain = select({
    stage0Sql: 'SELECT CAST("time" AS TIMESTAMP) AS __time, page, added FROM __input0',
    columns: [col('__time', 'LONG'), col('page', 'STRING'), col('added', 'LONG')],
  });

  it('concatenates workers\u2019 rows in worker order, JSON-ready, truncated at maxRows', async () => {
    const files = await selectFiles(plain, [[wiki], [wikiGz]]);
    expect(files).toHaveLength(2);
    const all = await readResults(plain, files, 100);
    expect(all).toMatchObject({ truncated: false, total: 12 });
    expect(all.rows[0]).toEqual(['2015-09-12T00:46:58.771Z', 'Talk:Oswald Tilghman', 36]);
    expect(all.rows[6]).toEqual(all.rows[0]);
    const cut = await readResults(plain, files, 4);
    expect(cut).toEqual({ rows: all.rows.slice(0, 4), truncated: true, total: 12 });
    expect(JSON.parse(JSON.stringify(cut.rows))).toEqual(cut.rows);
  });

  it('applies the statement LIMIT and reports no files as no rows', async () => {
    const files = await selectFiles(plain, [[wiki], [wikiGz]]);
    expect(await readResults({ ...plain, limit: 7 }, files, 5)).toMatchObject({ truncated: true, total: 7 });
    expect(await readResults({ ...plain, inputs: [wiki] }, [], 5)).toEqual({ rows: [], truncated: false, total: 0 });
  });

  it('answers a global aggregate over no files with its value over no rows', async () => {
    const count = select({ inputs: [wiki], grouped: true, stage0Sql: 'SELECT count(*) AS c FROM __input0', columns: [col('c', 'LONG', 'sum')] });
    expect(await readResults(count, [], 5)).toEqual({ rows: [[0]], truncated: false, total: 1 });
  });

  it('writes every row to pages of rowsPerPage rows, one JSON array per line', async () => {
    const files = await selectFiles(plain, [[wiki], [wikiGz]]);
    const dir = tempDir('grove-pages-');
    const r = await collectResults(plain, files, { reportLimit: 3, pagesDir: dir, rowsPerPage: 5 });
    expect(r.rows).toHaveLength(3);
    expect(r.pages.map((p) => [p.id, p.numRows, p.file])).toEqual([[0, 5, 'page-0.jsonl'], [1, 5, 'page-1.jsonl'], [2, 2, 'page-2.jsonl']]);
    const lines = r.pages.flatMap((p) => fs.readFileSync(`${dir}/${p.file}`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
    expect(lines).toHaveLength(12);
    expect(lines.slice(0, 3)).toEqual(r.rows);
    expect(r.pages[0].sizeInBytes).toBe(fs.statSync(`${dir}/page-0.jsonl`).size);
  });

  it('combines grouped partials from several workers', async () => {
    const grouped = select({
      grouped: true,
      stage0Sql: 'SELECT channel, count(*) AS cnt, max(added) AS top FROM __input0 GROUP BY channel',
      columns: [col('channel', 'STRING'), col('cnt', 'LONG', 'sum'), col('top', 'LONG', 'max')],
    });
    const files = await selectFiles(grouped, [[wiki], [wikiGz]]);
    const { rows, total } = await readResults(grouped, files, 100);
    expect(total).toBe(4);
    expect([...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['#ca.wikipedia', 2, 17],
      ['#de.wikipedia', 2, 13],
      ['#en.wikipedia', 6, 36],
      ['#vi.wikipedia', 2, 18],
    ]);
  });

  it('writes longs beyond 2^53 as exact strings', async () => {
    const big = select({ stage0Sql: 'SELECT CAST(9007199254740993 AS BIGINT) AS n, CAST(5 AS BIGINT) AS m FROM __input0 LIMIT 1', singleWorker: true, columns: [col('n', 'LONG'), col('m', 'LONG')] });
    const files = await selectFiles(big, [[wiki]]);
    expect((await readResults(big, files, 10)).rows).toEqual([['9007199254740993', 5]]);
  });
});
