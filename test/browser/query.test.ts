import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { BACKENDS, serverWithInput, waitFor } from '../helpers/server.js';
import { inlineSpec } from '../helpers/specs.js';

/**
 * The console's Query view over the real server: an INSERT run as an MSQ task whose stages are
 * watched to FINISHED, a SELECT through the statements API with its result grid, a running SELECT
 * stopped with its partial result, SQL errors with their position marked, and a slow, failing or
 * absent server shown as messages. HeldInput makes the running phases last exactly as long as needed.
 */

const PAGES = [
  { ts: '2024-05-01T01:00:00Z', page: 'alpha', n: 1 },
  { ts: '2024-05-01T02:00:00Z', page: 'beta', n: 20 },
  { ts: '2024-05-02T01:00:00Z', page: 'alpha', n: 300 },
  { ts: '2024-05-03T01:00:00Z', page: 'gamma', n: 4000 },
];

describe.each(BACKENDS)('Query view on %s', (backend) => {
  const env = serverWithInput({ backend, capacity: 3 });
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => screenshot(page, backend === 'sqlite' ? name : `${name}-${backend}`);

  beforeAll(async () => {
    const id = await env.s.submit(inlineSpec('q_pages', PAGES));
    expect((await env.s.waitForCompletion(id, 60_000)).statusCode).toBe('SUCCESS');
    browser = await launchBrowser();
    page = await newPage(browser);
    await page.goto(`${env.s.url}/#query`);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const editor = () => page.getByRole('textbox', { name: /^SQL/ });
  const panel = (status: string) => page.locator(`section.run-panel[data-status="${status}"]`);
  const setContext = (json: string) => page.getByRole('textbox', { name: 'Query context (JSON)' }).fill(json);
  const phases = () => page.locator('table.stages tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-phase')));
  /** Waits until the held file was requested; a job that failed instead fails the test with its fault. */
  const requested = (name: string) =>
    waitFor(async () => {
      if (env.input.requests(name) > 0) return true;
      const fault = page.locator('.job-fault, #query-error');
      if ((await fault.count()) > 0) throw new Error(`the run failed before requesting ${name}: ${await fault.first().textContent()}`);
      return undefined;
    }, 30_000, `${name} to be requested`);
  const gridText = () =>
    page.locator('table.results').evaluate((t: HTMLTableElement) => ({
      head: [...t.tHead!.rows[0].cells].map((c) => [c.querySelector('.col-name')?.textContent, c.querySelector('.col-type')?.textContent, c.className]),
      body: [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => [c.textContent, c.className])),
    }));

  it('runs an INSERT from the Query view and its stages reach FINISHED', async () => {
    const uri = env.input.serve('q-insert.json', [
      { ts: '2024-06-01T00:00:00Z', page: 'a', added: 5 },
      { ts: '2024-06-01T03:00:00Z', page: 'b', added: 7 },
      { ts: '2024-06-02T00:00:00Z', page: 'a', added: 11 },
    ], true);
    await editor().fill(
      `INSERT INTO q_ins\nSELECT TIME_PARSE(ts) AS __time, page, added\nFROM TABLE(http(uris => ARRAY['${uri}'], format => 'json'))\n  EXTEND (ts VARCHAR, page VARCHAR, added BIGINT)\nPARTITIONED BY DAY`,
    );
    await editor().press('Control+Enter');
    // While the input is held the job is running and stage 0 is reading it.
    await requested('q-insert.json');
    await page.locator('table.stages tr[data-stage="0"][data-phase="READING_INPUT"]').waitFor();
    await panel('RUNNING').waitFor();
    expect(await page.locator('.run-panel .run-id').textContent()).toMatch(/^query-/);
    await shot('query-insert-running');

    env.input.release('q-insert.json');
    await panel('SUCCESS').waitFor({ timeout: 60_000 });
    await page.locator('table.stages tr[data-stage="1"][data-phase="FINISHED"]').waitFor();
    expect(await phases()).toEqual(['FINISHED', 'FINISHED']);
    const stage0 = await page.locator('table.stages tr[data-stage="0"] td').allTextContents();
    expect(stage0[1]).toBe('scan');
    expect(stage0[4]).toBe('3'); // rows in
    expect(await page.locator('table.stages tr[data-stage="1"] progress').getAttribute('value')).toBe('1');
    await page.getByText('Ingestion finished').waitFor();
    await shot('query-insert-finished');
    expect(await env.s.sql('SELECT COUNT(*) AS c, SUM(added) AS s FROM q_ins')).toEqual([{ c: 3, s: 23 }]);
  });

  it('shows FAILED with the fault message when an INSERT fails while it runs', async () => {
    await editor().fill(
      `INSERT INTO q_fail SELECT TIME_PARSE(ts) AS __time, page FROM TABLE(http(uris => ARRAY['${env.input.url}/missing.json'], format => 'json')) EXTEND (ts VARCHAR, page VARCHAR) PARTITIONED BY DAY`,
    );
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await panel('FAILED').waitFor({ timeout: 60_000 });
    const fault = page.locator('.job-fault');
    expect(await fault.getAttribute('role')).toBe('alert');
    expect(await fault.textContent()).toMatch(/The query failed: \w+.*404|missing\.json/s);
    await shot('query-insert-failed');
  });

  it('runs a SELECT through the statements API and shows the result grid with SQL types', async () => {
    await editor().fill('SELECT page, COUNT(*) AS n, SUM(n) AS total\nFROM q_pages\nGROUP BY page\nORDER BY page');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await panel('SUCCESS').waitFor({ timeout: 60_000 });
    await page.locator('table.results').waitFor();
    expect(await page.locator('.run-panel > .toolbar strong').first().textContent()).toBe('Statement');
    expect(await phases()).toEqual(['FINISHED']);
    const grid = await gridText();
    expect(grid.head).toEqual([['page', 'VARCHAR', ''], ['n', 'BIGINT', 'num'], ['total', 'BIGINT', 'num']]);
    expect(grid.body).toEqual([
      [['alpha', ''], ['2', 'num'], ['301', 'num']],
      [['beta', ''], ['1', 'num'], ['20', 'num']],
      [['gamma', ''], ['1', 'num'], ['4,000', 'num']],
    ]);
    expect(await page.locator('.result-count').textContent()).toBe('3 rows');
    await shot('query-select-results');

    // The same text as a plain query: rows at once, no stages.
    await page.getByRole('button', { name: 'Run as plain query' }).click();
    await page.locator('.run-panel[data-status="SUCCESS"] strong', { hasText: 'Plain query' }).waitFor();
    expect(await page.locator('table.stages').count()).toBe(0);
    expect((await gridText()).body.map((r) => r[0][0])).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('stops a running SELECT and shows the partial result and what it covers', async () => {
    const first = env.input.serve('q-stop-a.json', [{ ts: '2024-01-01T00:00:00Z', v: 1 }, { ts: '2024-01-01T01:00:00Z', v: 2 }]);
    const held = env.input.serve('q-stop-b.json', [{ ts: '2024-01-02T00:00:00Z', v: 100 }], true);
    await setContext('{"maxNumTasks": 2}');
    await editor().fill(`SELECT COUNT(*) AS c, SUM(v) AS s\nFROM TABLE(http(uris => ARRAY['${first}', '${held}'], format => 'json'))\n  EXTEND (ts VARCHAR, v BIGINT)`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await requested('q-stop-b.json');
    await panel('RUNNING').waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    const notice = page.locator('.partial-notice');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toBe('Partial result: the query was stopped; these rows cover 1 of 2 files.');
    await page.locator('table.results').waitFor();
    expect((await gridText()).body).toEqual([[['2', 'num'], ['3', 'num']]]);
    expect(await page.locator('section.run-panel').getAttribute('data-status')).toBe('SUCCESS');
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await shot('query-stop-partial');
    env.input.release('q-stop-b.json');
    await setContext('');
  });

  it('shows a SQL error with its position marked, and the position button moves the caret there', async () => {
    const sql = 'SELECT page\nFROM nope';
    await editor().fill(sql);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const alert = page.locator('.sql-error');
    await alert.waitFor();
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.textContent()).toContain("Object 'nope' not found (line [2], column [6])");
    expect(await page.locator('.sql-highlight [data-error="true"]').allTextContents()).toEqual(['nope']);
    expect(await editor().getAttribute('aria-invalid')).toBe('true');
    expect(await editor().getAttribute('aria-describedby')).toBe('query-error');

    await page.getByRole('button', { name: 'Go to line 2, column 6' }).click();
    const caret = await editor().evaluate((el: HTMLTextAreaElement) => [document.activeElement === el, el.selectionStart, el.selectionEnd]);
    expect(caret).toEqual([true, sql.indexOf('nope'), sql.indexOf('nope') + 4]);
    await shot('query-error-position');

    // A parse error from the plain query API is marked too; editing the text clears the mark.
    await editor().fill('SELEC page FROM q_pages');
    await page.getByRole('button', { name: 'Run as plain query' }).click();
    await page.getByRole('button', { name: 'Go to line 1, column 12' }).waitFor();
    expect(await page.locator('.sql-highlight [data-error="true"]').allTextContents()).toEqual(['FROM']);
    await editor().press('End');
    await editor().pressSequentially(' ');
    expect(await page.locator('.sql-highlight [data-error="true"]').count()).toBe(0);

    // A context that is not a JSON object is refused before anything is sent.
    const before = await page.locator('section.run-panel').getAttribute('data-status');
    await setContext('{maxNumTasks: 2');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The query context is not valid JSON' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Query context (JSON)' }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('section.run-panel').getAttribute('data-status')).toBe(before);
    await setContext('');
  });

  it('keeps a slow, failing or absent server visible: waiting, HTTP errors, lost polls, cancel', async () => {
    // Slow, then failing: the submit waits (visibly), then the server's message is shown.
    let answer: () => void = () => {};
    const gate = new Promise<void>((r) => (answer = r));
    await page.route('**/druid/v2/sql/statements', async (route) => {
      await gate;
      await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'druidException', errorCode: 'general', errorMessage: 'Disk on fire' }) });
    });
    await editor().fill('SELECT COUNT(*) AS c FROM q_pages');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await panel('SUBMITTING').waitFor();
    await page.getByRole('status').filter({ hasText: 'Loading the submission' }).waitFor();
    answer();
    const failed = page.getByRole('alert').filter({ hasText: 'Disk on fire' });
    await failed.waitFor();
    expect(await failed.textContent()).toContain('(HTTP 500)');
    await page.unroute('**/druid/v2/sql/statements');

    // A plain query that does not answer can be canceled: the request is dropped, nothing is blank.
    await page.route('**/druid/v2/sql', () => undefined); // never answered
    await page.getByRole('button', { name: 'Run as plain query' }).click();
    await panel('SUBMITTING').waitFor();
    await page.getByRole('status').filter({ hasText: 'Loading the query result' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await panel('CANCELED').waitFor();
    expect(await page.locator('.run-panel .elapsed').textContent()).toMatch(/\d/);
    await page.unroute('**/druid/v2/sql');

    // Polls that fail while a statement runs: a warning, the last state kept; then cancel it.
    const held = env.input.serve('q-lost.json', [{ ts: '2024-01-01T00:00:00Z', v: 1 }], true);
    await editor().fill(`SELECT COUNT(*) AS c FROM TABLE(http(uris => ARRAY['${held}'], format => 'json')) EXTEND (ts VARCHAR, v BIGINT)`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await requested('q-lost.json');
    await page.route('**/druid/v2/sql/statements/*?detail=true', (route) => route.abort('connectionrefused'));
    const lost = page.locator('.poll-error');
    await lost.waitFor();
    expect(await lost.textContent()).toContain('Grove is not reachable');
    expect(await page.locator('section.run-panel').getAttribute('data-status')).toBe('RUNNING');
    await shot('query-server-lost');
    await page.unroute('**/druid/v2/sql/statements/*?detail=true');
    await lost.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await panel('CANCELED').waitFor({ timeout: 30_000 });
    expect(await page.locator('.job-fault').getAttribute('data-fault')).toBe('Canceled');
    env.input.release('q-lost.json');

    // The server gone: running says so instead of going blank.
    await env.s.stopProcess();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const down = page.locator('.error.down').filter({ hasText: 'Grove is not reachable' });
    await down.waitFor();
    expect(await down.textContent()).toContain('Grove is not answering');
    expect(await page.locator('section.run-panel').getAttribute('data-status')).toBe('UNANSWERED');
    await shot('query-server-down');
    await env.s.launch();
  });
});
