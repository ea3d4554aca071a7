import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { BACKENDS, TestServer } from '../helpers/server.js';
import { inlineSpec } from '../helpers/specs.js';

/**
 * The Datasources view over the real server: a datasource ingested over three days, one day then
 * replaced by a newer version, so the timeline shows two version lanes and one overshadowed
 * segment. Keyboard use of the tables and the picture; failed, slow and stopped servers.
 */

const DS = 'wiki_edits';
const FIRST = [
  { ts: '2024-01-01T01:00:00Z', page: 'Alpha', n: 1 },
  { ts: '2024-01-01T02:00:00Z', page: 'Beta', n: 2 },
  { ts: '2024-01-02T01:00:00Z', page: 'Gamma', n: 3 },
  { ts: '2024-01-03T01:00:00Z', page: 'Delta', n: 4 },
  { ts: '2024-01-03T05:00:00Z', page: 'Eps', n: 5 },
];
// Replaces 2024-01-02 (1 row) with 3 rows: active rows 2 + 3 + 2 = 7.
const REPLACEMENT = [
  { ts: '2024-01-02T03:00:00Z', page: 'Zeta', n: 7 },
  { ts: '2024-01-02T04:00:00Z', page: 'Eta', n: 8 },
  { ts: '2024-01-02T05:00:00Z', page: 'Theta', n: 9 },
];

/** Screenshots under the plain name for the first backend, suffixed for the others. */
const shot = (p: Page, name: string, backend: string): Promise<string> => screenshot(p, backend === BACKENDS[0] ? name : `${name}-${backend}`);

const cells = async (row: Locator): Promise<string[]> => (await row.locator('td').allInnerTexts()).map((t) => t.trim());

describe.each(BACKENDS)('console Datasources view (%s)', (backend) => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  let oldVersion = '';
  let newVersion = '';

  beforeAll(async () => {
    s = await TestServer.start({ backend });
    const first = await s.submit(inlineSpec(DS, FIRST));
    expect((await s.waitForCompletion(first)).statusCode).toBe('SUCCESS');
    const replace = await s.submit(inlineSpec(DS, REPLACEMENT, { intervals: ['2024-01-02/2024-01-03'] }));
    expect((await s.waitForCompletion(replace)).statusCode).toBe('SUCCESS');
    const versions = await s.sql(`SELECT DISTINCT version FROM sys.segments WHERE datasource = '${DS}' ORDER BY version`);
    expect(versions).toHaveLength(2);
    [oldVersion, newVersion] = versions.map((v) => v.version as string);
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const datasourceRow = (p: Page): Locator => p.getByRole('table', { name: 'Datasources' }).locator(`tbody tr[data-key="${DS}"]`);
  const timeline = (p: Page): Locator => p.getByRole('group', { name: `Segment timeline of ${DS}` });

  it('lists the datasource with its segment count, rows, size and time range', async () => {
    await page.goto(`${s.url}/#datasources`);
    const row = datasourceRow(page);
    await row.waitFor();
    const [name, segments, overshadowed, rows, size, range] = await cells(row);
    expect(name).toBe(DS);
    expect(segments).toBe('3');
    expect(overshadowed).toBe('1');
    expect(rows).toBe('7');
    expect(size).toMatch(/^\d+(\.\d)? (B|KB)$/);
    expect(range).toBe('2024-01-01 00:00:00Z – 2024-01-04 00:00:00Z');
    await shot(page, 'datasources-list', backend);
  });

  it('opens the datasource timeline from the keyboard: two version lanes, one overshadowed segment', async () => {
    const row = datasourceRow(page);
    await row.focus();
    await page.keyboard.press('Enter');
    const svg = timeline(page);
    await svg.waitFor();
    expect(new URL(page.url()).hash).toBe(`#datasources/${DS}`);
    await expect(row.getAttribute('aria-selected')).resolves.toBe('true');

    expect(await svg.getAttribute('data-lanes')).toBe('2');
    // Newest version on top.
    expect(await svg.locator('g[data-lane]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-lane')))).toEqual([newVersion, oldVersion]);
    const rects = svg.locator('rect.seg');
    expect(await rects.count()).toBe(4);
    expect(await svg.locator(`rect.seg[data-version="${oldVersion}"]`).count()).toBe(3);
    expect(await svg.locator(`rect.seg[data-version="${newVersion}"]`).count()).toBe(1);
    const over = svg.locator('rect.seg[data-overshadowed="true"]');
    expect(await over.count()).toBe(1);
    expect(await over.getAttribute('data-version')).toBe(oldVersion);
    expect(await over.getAttribute('data-start')).toBe('2024-01-02T00:00:00.000Z');
    expect(await over.getAttribute('aria-label')).toContain('overshadowed');
    // The newer rectangle covers the overshadowed one's interval, in the lane above.
    const newer = svg.locator(`rect.seg[data-version="${newVersion}"]`);
    const [a, b] = [await over.boundingBox(), await newer.boundingBox()];
    expect(b!.x).toBeCloseTo(a!.x, 0);
    expect(b!.width).toBeCloseTo(a!.width, 0);
    expect(b!.y).toBeLessThan(a!.y);
    // The text alternative.
    await expect(page.locator('figcaption').innerText()).resolves.toContain('4 segments in 2 versions');
    await expect(page.locator('figcaption').innerText()).resolves.toContain('1 overshadowed');
    // The segment list under the picture, collapsed until asked for.
    await page.getByText('Segment list (4)').click();
    expect(await page.getByRole('table', { name: `Segments of ${DS}` }).locator('tbody tr').count()).toBe(4);
  });

  it('lists the columns and their types in ordinal order', async () => {
    const table = page.getByRole('table', { name: `Columns of ${DS}` });
    await table.locator('tbody tr[data-key="__time"]').waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 3).map((td) => td.textContent)));
    expect(rows).toEqual([
      ['__time', 'TIMESTAMP'],
      ['page', 'VARCHAR'],
      ['n', 'BIGINT'],
    ]);
  });

  it('walks the rectangles with the arrow keys, each showing its tooltip', async () => {
    const svg = timeline(page);
    const tip = page.getByRole('tooltip');
    // One tab stop: the first rectangle of the top lane.
    const stop = svg.locator('rect.seg[tabindex="0"]');
    expect(await stop.count()).toBe(1);
    await stop.focus();
    await expect(tip.innerText()).resolves.toContain(newVersion);
    await expect(tip.innerText()).resolves.toContain('Active segment');

    await page.keyboard.press('ArrowDown');
    const focused = (attr: string) => page.evaluate((a) => document.activeElement?.getAttribute(a) ?? null, attr);
    expect(await focused('data-overshadowed')).toBe('true');
    expect(await focused('aria-label')).toMatch(/^Segment 2024-01-02 00:00:00Z to 2024-01-03 00:00:00Z, version .*, partition 0, 1 row, .*, overshadowed$/);
    const text = await tip.innerText();
    expect(text).toContain('Overshadowed segment');
    expect(text).toContain('2024-01-02 00:00:00Z – 2024-01-03 00:00:00Z');
    expect(text).toContain(oldVersion);
    await shot(page, 'datasource-timeline', backend);

    await page.keyboard.press('ArrowRight');
    expect(await focused('data-start')).toBe('2024-01-03T00:00:00.000Z');
    await expect(tip.innerText()).resolves.toContain('2024-01-03 00:00:00Z – 2024-01-04 00:00:00Z');
    await page.keyboard.press('Enter');
    await svg.locator('rect.seg-selected[data-start="2024-01-03T00:00:00.000Z"]').waitFor();
    // The tab stop followed the focus.
    expect(await svg.locator('rect.seg[tabindex="0"]').getAttribute('data-start')).toBe('2024-01-03T00:00:00.000Z');
  });

  it('shows a failed query, a slow server and an unknown datasource as messages, not blank areas', async () => {
    const p = await newPage(browser);
    try {
      // A server error on the columns query (answered by the test in Druid's error shape).
      await p.route('**/druid/v2/sql', async (route) => {
        if (!route.request().postData()?.includes('INFORMATION_SCHEMA')) return route.continue();
        return route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ error: 'druidException', errorCode: 'internalError', persona: 'OPERATOR', category: 'RUNTIME_FAILURE', errorMessage: 'Metadata store unavailable', context: {} }),
        });
      });
      await p.goto(`${s.url}/#datasources/${DS}`);
      const alert = p.getByRole('alert').filter({ hasText: 'Could not read the columns' });
      await alert.waitFor();
      expect(await alert.innerText()).toContain('Metadata store unavailable');
      expect(await alert.innerText()).toContain('HTTP 500');
      await timeline(p).waitFor(); // the rest of the view still works
      await shot(p, 'datasources-query-error', backend);
      await p.unrouteAll();

      // A slow list query: a loading message until it answers.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await p.route('**/druid/v2/sql', async (route) => {
        if (route.request().postData()?.includes('SUM(is_active)')) await held;
        return route.continue();
      });
      await p.goto('about:blank');
      await p.goto(`${s.url}/#datasources`);
      await p.getByRole('status').filter({ hasText: 'Loading datasources' }).waitFor();
      expect(await datasourceRow(p).count()).toBe(0);
      release();
      await datasourceRow(p).waitFor();
      await p.unrouteAll();

      // A datasource that does not exist.
      await p.goto('about:blank');
      await p.goto(`${s.url}/#datasources/no_such_ds`);
      await p.getByText('No segments of no_such_ds').waitFor();
    } finally {
      await p.close();
    }
  });

  it('keeps the last list and says so when the server stops answering', async () => {
    await page.goto('about:blank');
    await page.goto(`${s.url}/#datasources/${DS}`);
    await timeline(page).waitFor();
    await s.stopProcess();
    const alert = page.locator('.datasources-view').getByRole('alert').filter({ hasText: 'Could not refresh the datasources' });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.innerText()).toContain('Grove is not reachable');
    expect(await datasourceRow(page).count()).toBe(1);
    // Said once: the timeline and columns keep their last data without repeating it.
    expect(await page.locator('.datasources-view [role="alert"]').count()).toBe(1);
    await timeline(page).waitFor();
    await shot(page, 'datasources-server-down', backend);
  });
});
