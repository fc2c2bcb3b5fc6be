// Responsiveness, cancellation, persistence across a browser restart, and the
// privacy guarantees (CSP, no off-origin traffic).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM } from '../playwright.config';
import { cellOfKind, dropBuiltFile, expect, openApp, settled, test, watchPage } from './fixtures';
import { expectPageFree, now, recordLongTasks } from './longTasks';

/** Builds a large CSV inside the page and hands it to the Data cell's file input. */
async function dropGeneratedCsv(page: Page, rows: number): Promise<void> {
  await dropBuiltFile(
    page,
    'generated.csv',
    await page.evaluateHandle((rows) => {
      const parts: string[] = ['id,tenure,churned,plan,monthly\n'];
      let chunk = '';
      for (let i = 0; i < rows; i++) {
        chunk += `C${i},${(i * 7919) % 72},${i % 3 === 0 ? 1 : 0},${['basic', 'plus', 'pro'][i % 3]},${((i * 31) % 10000) / 100}\n`;
        if (chunk.length > 1 << 20) {
          parts.push(chunk);
          chunk = '';
        }
      }
      parts.push(chunk);
      return parts;
    }, rows),
  );
}

test('ingest shows progress, can be cancelled, and leaves nothing behind', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Data in this browser' }).click();
  const stored = page.getByTestId('storage-panel').getByTestId('stored-dataset');
  const before = await stored.count();

  await dropGeneratedCsv(page, 2_000_000);
  const data = cellOfKind(page, 'data');
  await expect(data.getByRole('status').locator('progress')).toBeVisible();
  await data.getByRole('button', { name: 'Cancel' }).click();
  await expect(data.getByTestId('cell-error')).toHaveText('Cancelled.');
  await expect(stored).toHaveCount(before);
});

test('the page stays responsive while the worker parses', async ({ page }) => {
  await recordLongTasks(page);
  await openApp(page);
  await dropGeneratedCsv(page, 600_000);
  const data = cellOfKind(page, 'data');
  const progress = data.getByRole('status').locator('progress');
  await expect(progress).toBeVisible();
  const t0 = await now(page);
  await expect(progress).toBeHidden({ timeout: 120_000 });
  const t1 = await now(page);
  expect(t1 - t0).toBeGreaterThan(0);
  await expectPageFree(page, t0, t1, 'parsing 600,000 rows');
  await expect(data.getByTestId('dataset-summary')).toContainText('600,000 rows');
  await settled(page);
});

test('a large file is read in parts by several workers: same types, rows of the file in messages', async ({
  page,
}) => {
  await openApp(page);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // 400,000 rows, ~14 MB: more than one part on any machine with two cores.
  const rows = 400_000;
  const drop = async (late: 'ragged' | 'demoted' | 'clean') =>
    dropBuiltFile(
      page,
      `${late}.csv`,
      await page.evaluateHandle(
        ([rows, late]) => {
          const parts: string[] = ['id,amount,plan,note\n'];
          let chunk = '';
          for (let i = 0; i < rows; i++) {
            const amount = late === 'demoted' && i === rows - 50_000 ? 'unknown' : `${i % 500}.25`;
            const extra = late === 'ragged' && i === rows - 50_000 ? ',extra' : '';
            chunk += `C${i},${amount},${['basic', 'plus', 'pro'][i % 3]},"a, ""quoted"" note"${extra}\n`;
            if (chunk.length > 1 << 20) {
              parts.push(chunk);
              chunk = '';
            }
          }
          parts.push(chunk);
          return parts;
        },
        [rows, late] as const,
      ),
    );
  const data = cellOfKind(page, 'data');

  await drop('ragged');
  // Data row i is spreadsheet row i + 2 (the header is row 1).
  await expect(data.getByTestId('cell-error')).toHaveText(
    `Row ${(rows - 50_000 + 2).toLocaleString('en-US')} has 5 fields; expected 4.`,
    { timeout: 60_000 },
  );
  if (cores >= 2) expect(page.workers().length).toBeGreaterThanOrEqual(2);

  await drop('demoted');
  await expect(data.getByTestId('dataset-summary')).toContainText('400,000 rows', {
    timeout: 60_000,
  });
  await expect(
    data.locator('[data-testid="ingest-warning"][data-code="ingest.column-demoted"]'),
  ).toContainText(
    `Column “amount” was read as text: row ${(rows - 50_000 + 2).toLocaleString('en-US')} has “unknown”`,
  );
  const amount = data.locator('tr[data-column="amount"]');
  // 500 distinct amounts and “unknown”: few distinct values, so categorical.
  await expect(amount.getByTestId('column-type')).toHaveValue('categorical');
  await expect(amount.getByTestId('invalid-count')).toHaveText('1');
  await expect(data.locator('tr[data-column="plan"]').getByTestId('column-type')).toHaveValue(
    'categorical',
  );
  await settled(page);
  // A file whose parts' chunks are stored as the parts wrote them (a demoted
  // column above had its table encoded again): it re-opens whole after a reload.
  await drop('clean');
  await expect(data.getByTestId('ingest-warning')).toHaveCount(0, { timeout: 60_000 });
  await expect(data.getByTestId('dataset-summary')).toContainText('400,000 rows');
  await expect(amount.getByTestId('column-type')).toHaveValue('decimal');
  await settled(page);
  await page.reload();
  await openApp(page);
  await expect(cellOfKind(page, 'data').getByTestId('dataset-summary')).toContainText(
    '400,000 rows',
  );
});

test('the built page carries a CSP that allows no off-origin connection', async ({
  page,
  watch,
}) => {
  await openApp(page);
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain("'unsafe-eval'");
  const blocked = await page.evaluate(async () => {
    try {
      await fetch('https://example.com/');
      return false;
    } catch {
      return true;
    }
  });
  expect(blocked).toBe(true);
  // The blocked attempt above is this test's own; the browser reports it as a
  // console error, which is exactly the evidence we want. Nothing else may be there.
  const ours = (text: string) => text.includes('example.com');
  expect(watch.consoleErrors.filter(ours).length).toBeGreaterThan(0);
  watch.consoleErrors = watch.consoleErrors.filter((t) => !ours(t));
  watch.offOrigin = watch.offOrigin.filter((u) => !ours(u));
});

test('data and notebook survive closing and reopening the browser', async ({ baseURL }) => {
  const profile = mkdtempSync(join(tmpdir(), 'lifecycle-lab-profile-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      ...CHROMIUM,
      baseURL,
      timezoneId: 'UTC',
      locale: 'en-US',
    });
  try {
    let context = await launch();
    let page = context.pages()[0] ?? (await context.newPage());
    let watch = watchPage(page, new URL(baseURL!).origin);
    await openApp(page);
    await page.getByTestId('sample-select').selectOption('telco');
    await page.getByRole('button', { name: 'Load sample' }).click();
    await expect(cellOfKind(page, 'data').getByTestId('dataset-summary')).toContainText(
      '7,043 rows',
    );
    await settled(page);
    await context.close();

    context = await launch();
    page = context.pages()[0] ?? (await context.newPage());
    watch = watchPage(page, new URL(baseURL!).origin);
    await openApp(page);
    await expect(cellOfKind(page, 'data').getByTestId('dataset-summary')).toContainText(
      '7,043 rows',
    );
    await expect(cellOfKind(page, 'profile').locator('tr[data-column="tenure"]')).toBeVisible();
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offOrigin).toEqual([]);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
