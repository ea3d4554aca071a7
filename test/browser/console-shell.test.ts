import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, screenshot } from '../helpers/browser.js';
import { TestServer } from '../helpers/server.js';

/** The console shell over the real server: served at /, views behind keyboard-usable tabs. */
describe('console shell', () => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    s = await TestServer.start({ backend: 'sqlite' });
    browser = await launchBrowser();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('is served at / and /unified-console.html redirects there', async () => {
    const r = await fetch(`${s.url}/unified-console.html`, { redirect: 'manual' });
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('/');
    await page.goto(`${s.url}/`);
    await expect(page.getByRole('tab', { name: 'Query' }).getAttribute('aria-selected')).resolves.toBe('true');
    await page.getByText(/^Grove .* · 127\.0\.0\.1:/).waitFor();
  });

  it('moves between views with the arrow keys, and the view follows the URL hash', async () => {
    await page.getByRole('tab', { name: 'Query' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Tasks' }).getAttribute('aria-selected')).resolves.toBe('true');
    expect(new URL(page.url()).hash).toBe('#tasks');
    await page.keyboard.press('End');
    await expect(page.getByRole('tab', { name: 'Datasources' }).getAttribute('aria-selected')).resolves.toBe('true');
    await page.goto(`${s.url}/#tasks`);
    await expect(page.getByRole('tab', { name: 'Tasks' }).getAttribute('aria-selected')).resolves.toBe('true');
  });

  it('says so when the server stops answering, instead of going blank', async () => {
    await page.goto(`${s.url}/#query`);
    await s.stopProcess();
    await page.getByRole('alert').filter({ hasText: 'Grove is not answering' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'shell-server-down');
    await s.launch();
  });
});
