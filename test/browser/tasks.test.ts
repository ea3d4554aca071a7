import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { BACKENDS, TestServer, waitFor } from '../helpers/server.js';
import { inlineSpec, noop } from '../helpers/specs.js';

/**
 * The Tasks view over the real server: list with badges, server-side filters and sorting, live
 * refresh, shutdown of one task and of a datasource's tasks, the log (tail and follow), the drawn
 * report, keyboard use, and visible messages when the server errs, is slow or is down.
 */
describe.each(BACKENDS)('Tasks view (%s)', (backend) => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  let ingestId = '';
  let noopId = '';
  const DS = `tv_wiki_${backend}`;
  const rows = [
    { ts: '2015-09-12T00:00:00Z', page: 'Druid', n: 1 },
    { ts: '2015-09-12T01:00:00Z', page: 'Grove', n: 2 },
    { ts: '2015-09-12T02:00:00Z', page: 'DuckDB', n: 3 },
  ];

  const table = (): Locator => page.getByRole('table', { name: 'Tasks' });
  const row = (id: string): Locator => table().locator(`tbody tr[data-key="${id}"]`);
  const listedIds = (): Promise<string[]> => table().locator('tbody tr[data-key]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key') ?? ''));
  const detail = (): Locator => page.getByRole('region', { name: /^Task / });
  const badgeOf = (l: Locator): Promise<string> => l.locator('.badge').first().innerText();
  /** A fresh page load (goto to a URL differing only in its hash would not reload). */
  const open = async (hash: string): Promise<void> => {
    await page.goto('about:blank');
    await page.goto(`${s.url}/${hash}`);
  };
  /** Screenshots: NAME.png from SQLite, NAME-postgres.png from PostgreSQL. */
  const shot = (name: string) => screenshot(page, backend === 'sqlite' ? name : `${name}-${backend}`);
  const running = (id: string) => waitFor(async () => ((await s.status(id)).runnerStatusCode === 'RUNNING' ? true : undefined), 30_000, `${id} to run`);

  beforeAll(async () => {
    s = await TestServer.start({ backend, capacity: 4 });
    ingestId = await s.submit(inlineSpec(DS, `${rows.map((r) => JSON.stringify(r)).join('\n')}\nnot json`, { maxParseExceptions: 10 }));
    expect((await s.waitForCompletion(ingestId)).statusCode).toBe('SUCCESS');
    noopId = await s.submit(noop(600_000, `tv_noop_${backend}`));
    await running(noopId);
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lists a completed ingestion task and a running noop with their badges; filters and sorting narrow and reorder the table', async () => {
    await open('#tasks');
    await expect.poll(() => badgeOf(row(ingestId)), { timeout: 15_000 }).toBe('SUCCESS');
    await expect.poll(() => badgeOf(row(noopId))).toBe('RUNNING');
    await shot('tasks-list');

    await page.getByLabel('State').selectOption('running');
    await expect.poll(listedIds).toEqual([noopId]);
    await page.getByLabel('State').selectOption('complete');
    await expect.poll(listedIds).toEqual([ingestId]);
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Datasource', { exact: true }).fill(DS);
    await expect.poll(listedIds).toEqual([ingestId]);
    await page.getByLabel('Datasource', { exact: true }).fill('');
    await page.getByLabel('Type', { exact: true }).fill('noop');
    await expect.poll(listedIds).toEqual([noopId]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(async () => (await listedIds()).length).toBe(2);

    // Sorting by ID: index_parallel_... before noop_..., then reversed.
    const sortById = table().getByRole('button', { name: /Task ID/ });
    await sortById.click();
    await expect.poll(listedIds).toEqual([ingestId, noopId]);
    expect(await table().locator('th[aria-sort="ascending"]').innerText()).toContain('Task ID');
    await sortById.click();
    await expect.poll(listedIds).toEqual([noopId, ingestId]);
  });

  it('shuts the running noop down from its detail; the badge turns CANCELED and the followed log grows, without a reload', async () => {
    await open('#tasks');
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await row(noopId).click();
    await expect.poll(() => badgeOf(detail())).toBe('RUNNING');
    await detail().getByRole('tab', { name: 'Log' }).click();
    const log = detail().locator('pre.log');
    await log.filter({ hasText: 'Running noop task for 600000 ms' }).waitFor();
    expect(await detail().getByRole('button', { name: 'Following…' }).getAttribute('aria-pressed')).toBe('true');

    await detail().getByRole('button', { name: 'Shut down', exact: true }).click();
    await detail().getByRole('group', { name: /Shut down task/ }).getByRole('button', { name: 'Yes, shut down' }).click();
    await expect.poll(() => badgeOf(detail()), { timeout: 15_000 }).toBe('CANCELED');
    await expect.poll(() => badgeOf(row(noopId)), { timeout: 15_000 }).toBe('CANCELED');
    // Follow appended the lines written after the shutdown, once each.
    await log.filter({ hasText: 'Shutdown requested; stopping' }).waitFor({ timeout: 15_000 });
    expect((await log.innerText()).split(`Running task[${noopId}]`).length - 1).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await shot('tasks-canceled');

    const st = await s.status(noopId);
    expect(st.statusCode).toBe('FAILED');
    expect(st.errorMsg).toBe('Shutdown request from user');
    await detail().getByRole('tab', { name: 'Status' }).click();
    await detail().getByText('Shutdown request from user').waitFor();
  });

  it("reads the ingestion task's log and its report drawn as row counts", async () => {
    await open(`#tasks/${encodeURIComponent(ingestId)}`);
    await detail().getByRole('tab', { name: 'Log' }).click();
    await detail().locator('pre.log').filter({ hasText: `Running task[${ingestId}] of type[index_parallel]` }).waitFor();
    await detail().getByText(/B of log$/).waitFor();
    await shot('task-log');

    await detail().getByRole('tab', { name: 'Report' }).click();
    const stats = detail().getByRole('table', { name: 'Row stats: buildSegments' });
    await expect.poll(() => stats.locator('tr[data-metric="processed"] td.num').innerText()).toBe('3');
    expect(await stats.locator('tr[data-metric="unparseable"] td.num').innerText()).toBe('1');
    expect(await stats.locator('tr[data-metric="processed"] .fill').evaluate((el) => (el as HTMLElement).style.width)).toBe('75%');
    expect(await detail().getByTestId('ingestion-state').innerText()).toBe('COMPLETED');
    await detail().getByText('not json').first().waitFor();
    await shot('task-report');

    await detail().getByRole('tab', { name: 'Payload' }).click();
    await detail().getByLabel('Task payload (JSON)').filter({ hasText: `"dataSource": "${DS}"` }).waitFor();
  });

  it('draws an MSQ report: the stage table and the counters of each worker', async () => {
    const data = rows.map((r) => JSON.stringify(r)).join('\n');
    const extern = `TABLE(EXTERN('${JSON.stringify({ type: 'inline', data })}', '{"type":"json"}', '[{"name":"ts","type":"string"},{"name":"page","type":"string"}]'))`;
    const r = await s.post('/druid/v2/sql/task', { query: `INSERT INTO tv_msq_${backend} SELECT TIME_PARSE(ts) AS __time, page FROM ${extern} PARTITIONED BY DAY` });
    expect(r.status).toBe(202);
    const { taskId } = (await r.json()) as { taskId: string };
    expect((await s.waitForCompletion(taskId)).statusCode).toBe('SUCCESS');
    await open(`#tasks/${encodeURIComponent(taskId)}`);
    await detail().getByRole('tab', { name: 'Report' }).click();
    const stages = detail().getByRole('table', { name: 'Stages' });
    await expect.poll(() => stages.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-phase')))).toEqual(['FINISHED', 'FINISHED']);
    const counters = detail().getByRole('table', { name: 'Worker counters' });
    // Stage 0, worker 0 read the 3 rows (and 1 file of 1).
    const scan = counters.locator('tr[data-stage="0"][data-worker="0"] td');
    expect(await scan.nth(2).innerText()).toBe('3');
    expect(await scan.nth(4).innerText()).toBe('1 / 1');
    expect(await counters.locator('tr[data-stage="1"][data-worker="0"] td').nth(10).innerText()).toBe('3');
    expect(await badgeOf(detail().locator('.msq-status'))).toBe('SUCCESS');
    await shot('task-report-msq');
  });

  it('shuts down all tasks of a datasource', async () => {
    const bulk = `tv_bulk_${backend}`;
    const ids = [await s.submit(noop(600_000, bulk)), await s.submit(noop(600_000, bulk))];
    await Promise.all(ids.map(running));
    await open('#tasks');
    await page.getByLabel('Datasource', { exact: true }).fill(bulk);
    await expect.poll(async () => (await listedIds()).sort()).toEqual([...ids].sort());
    for (const id of ids) await expect.poll(() => badgeOf(row(id))).toBe('RUNNING');

    await page.locator('.tasks-view > .toolbar').getByRole('button', { name: `Shut down all tasks of ${bulk}` }).click();
    await page.getByRole('button', { name: 'Yes, shut down all' }).click();
    for (const id of ids) await expect.poll(() => badgeOf(row(id)), { timeout: 15_000 }).toBe('CANCELED');
    // One row per task, though the server may list an ending task twice (active and complete).
    expect((await listedIds()).sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await s.status(id)).errorMsg).toBe('Shutdown request from user');
    await shot('tasks-shutdown-all');

    // Nothing is left to shut down: the view says so instead of showing an error.
    await page.locator('.tasks-view > .toolbar').getByRole('button', { name: `Shut down all tasks of ${bulk}` }).click();
    await page.getByRole('button', { name: 'Yes, shut down all' }).click();
    await page.getByRole('status').filter({ hasText: `No active task of ${bulk} to shut down.` }).waitFor();
  });

  it('is usable from the keyboard: Tab to the table, ArrowDown, Enter opens the detail; arrows move between its tabs', async () => {
    await open('#tasks');
    await expect.poll(async () => (await listedIds()).length).toBeGreaterThanOrEqual(2);
    await page.getByLabel('to', { exact: true }).focus();
    let onRow = false;
    for (let i = 0; i < 30 && !onRow; i++) {
      await page.keyboard.press('Tab');
      onRow = await page.evaluate(() => document.activeElement?.matches('tbody tr[data-key]') ?? false);
    }
    expect(onRow).toBe(true);
    const activeKey = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-key') ?? null);
    const first = await activeKey();
    await page.keyboard.press('ArrowDown');
    const second = await activeKey();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    await page.keyboard.press('Enter');
    await detail().getByRole('heading', { name: `Task ${second}` }).waitFor();
    expect(await row(second!).getAttribute('aria-current')).toBe('true');

    await detail().getByRole('tab', { name: 'Status' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await detail().getByRole('tab', { name: 'Payload' }).getAttribute('aria-selected')).toBe('true');
    await detail().getByLabel('Task payload (JSON)').filter({ hasText: `"id": "${second}"` }).waitFor();
  });

  it('shows the server’s error for a bad filter, a note while the server is slow, and a message when it is down', async () => {
    await open('#tasks');
    await page.getByLabel('from', { exact: true }).fill('2030-01-05');
    await page.getByLabel('to', { exact: true }).fill('2030-01-01');
    await page.getByRole('alert').filter({ hasText: 'The “to” day is before the “from” day.' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'the end instant must be greater than or equal to the start' }).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(async () => (await listedIds()).length).toBeGreaterThanOrEqual(2);

    // A slow server: list requests are held until the view has said it is waiting.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/druid/indexer/v1/tasks*', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByText('Grove is slow to answer; still waiting…').first().waitFor({ timeout: 15_000 });
    release();
    await page.getByText('Grove is slow to answer; still waiting…').first().waitFor({ state: 'detached', timeout: 15_000 });
    await page.unroute('**/druid/indexer/v1/tasks*');

    await s.stopProcess();
    await page.getByRole('alert').filter({ hasText: 'Could not refresh the task list' }).filter({ hasText: 'Grove is not reachable' }).waitFor({ timeout: 15_000 });
    expect((await listedIds()).length).toBeGreaterThanOrEqual(2);
    await shot('tasks-server-down');
    await s.launch();
  });
});
