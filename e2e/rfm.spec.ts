// RFM end to end on the built-in sample book: the payment log in a Data
// cell → an RFM cell below (columns guessed, it runs by itself with the page
// free) → the definitions and the tie rule written out, the segment summary
// with the default segments, the R × F heatmap and the segment share bars
// drawn, the preview of the per-customer dataset → a rule renamed and its
// range narrowed (the table follows) → the same cell in 简体中文.
import { cellOfKind, cells, expect, openApp, settled, test } from './fixtures';
import { expectPageFree, now, recordLongTasks } from './longTasks';

test('score RFM with named segments on the payment log, edit a rule, in 简体中文', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await recordLongTasks(page);
  await openApp(page);

  // The payment log in its own Data cell.
  await page.getByRole('button', { name: '+ Data' }).click();
  await cells(page)
    .last()
    .getByTestId('dataset-select')
    .selectOption({ label: 'insurance_payments' });
  await settled(page);

  // Added by itself, it runs at once (an auto kind) with the columns it guesses.
  await page.getByRole('button', { name: '+ RFM segments' }).click();
  const cell = cellOfKind(page, 'rfm');
  await expect(cell.getByTestId('rfm-segments')).toBeVisible({ timeout: 60_000 });
  await settled(page);

  // Run again, the page free while the worker scores the log and the result
  // is drawn. Pressed and awaited with plain DOM calls: Playwright's own
  // actionability checks run in the page and would count as its long tasks.
  // (Run, not an edit: an edit re-renders the whole notebook.)
  const t0 = await now(page);
  await page.evaluate(() => {
    const old = document.querySelector('[data-kind="rfm"] [data-testid="rfm-segments"]');
    (window as unknown as { oldSegments: Element | null }).oldSegments = old;
    document
      .querySelector<HTMLButtonElement>('[data-kind="rfm"] [data-testid="run-cell"]')!
      .click();
  });
  await page.waitForFunction(
    () => {
      const table = document.querySelector('[data-kind="rfm"] [data-testid="rfm-segments"]');
      return (
        table !== null && table !== (window as unknown as { oldSegments: Element }).oldSegments
      );
    },
    null,
    { polling: 100, timeout: 120_000 },
  );
  const t1 = await now(page);
  await expectPageFree(page, t0, t1, 'RFM on the payment log');
  await settled(page);

  await expect(cell.getByTestId('log-customer')).toHaveValue('customer_id');
  await expect(cell.getByTestId('rfm-definitions')).toContainText('Recency: days from');
  await expect(cell.getByTestId('rfm-tie-rule')).toContainText('Tied customers always share');
  await expect(cell.getByTestId('rfm-summary')).toContainText(
    /customers scored as of \d{4}-\d\d-\d\d/,
  );
  const rows = cell.getByTestId('rfm-segments').getByTestId('rfm-segment-row');
  await expect(rows).toHaveCount(12);
  await expect(rows.first()).toContainText('Champions');
  await expect(rows.last()).toContainText('Other');

  await cell.getByTestId('rfm-grid-chart').scrollIntoViewIfNeeded();
  await expect(cell.getByTestId('rfm-grid-chart').locator('[data-chart="rendered"]')).toBeVisible();
  await expect(
    cell.getByTestId('rfm-segments-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();
  await expect(cell.getByTestId('rfm-preview')).toContainText('rfm_code');

  // Rename the first rule and narrow its R range to 5–5: the table follows.
  const champions = async () =>
    Number((await rows.first().locator('td').first().textContent())!.replace(/,/g, ''));
  const before = await champions();
  const rule = cell.getByTestId('rfm-rule').first();
  await rule.getByTestId('rfm-rule-name').fill('Best customers');
  await rule.getByTestId('rfm-rule-name').blur();
  await expect(rows.first()).toContainText('Best customers');
  await rule.getByTestId('rfm-rule-r-from').fill('5');
  await rule.getByTestId('rfm-rule-r-from').blur();
  await expect.poll(champions, { timeout: 30_000 }).toBeLessThan(before);
  await settled(page);
  await expect(cell).toHaveAttribute('data-status', 'done');

  // 简体中文: default segment names, headings and definitions translated.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(cell.getByTestId('rfm-segments')).toContainText('忠诚客户');
  await expect(cell.getByTestId('rfm-segments')).toContainText('收入占比');
  await expect(rows.first()).toContainText('Best customers');
  await expect(cell.getByTestId('rfm-definitions')).toContainText('最近度');
  await expect(cell.getByTestId('rfm-rules')).toContainText('第一条');
});
