// Cohorts end to end on the built-in sample book: the payment log in a Data
// cell → a Cohorts cell below (a transaction log guessed: customer_id,
// paid_date, amount; it runs by itself) → Run again with the page free →
// the retention heatmap with each cohort's size, the weighted average row
// and the periods not complete at the as-of date starred → revenue
// retention, the retention curves and cumulative revenue per customer → the
// policy table in a second Cohorts cell: in-force retention with the note on
// censoring, whose button adds a Survival cell on the same table → 简体中文.
import type { Locator } from '@playwright/test';
import { cellOfKind, cells, expect, openApp, settled, test } from './fixtures';
import { expectPageFree, now, recordLongTasks } from './longTasks';

/** The texts drawn in a cell's cohort chart (its SVG), once rendered. */
/** Waits until the cell's chart is the one drawn by quarter (its axis says so). */
async function drawnByQuarter(cell: Locator): Promise<void> {
  await expect
    .poll(async () =>
      (await chartTexts(cell).catch((): string[] => [])).includes('Quarters since start'),
    )
    .toBe(true);
}

async function chartTexts(cell: Locator): Promise<string[]> {
  const chart = cell.getByTestId('cohorts-chart');
  await chart.scrollIntoViewIfNeeded();
  await expect(chart.locator('[data-chart="rendered"]')).toBeVisible();
  return chart.locator('svg text').allTextContents();
}

test('read cohort retention of the payment log and the policy table, in 简体中文', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await recordLongTasks(page);
  await openApp(page);

  // The payment log in its own Data cell, a Cohorts cell below it.
  await page.getByRole('button', { name: '+ Data' }).click();
  await cells(page)
    .last()
    .getByTestId('dataset-select')
    .selectOption({ label: 'insurance_payments' });
  await settled(page);
  await page.getByRole('button', { name: '+ Cohorts', exact: true }).click();
  const cell = cellOfKind(page, 'cohorts');
  await expect(cell.getByTestId('cohorts-chart')).toBeVisible({ timeout: 60_000 });
  await settled(page);
  await expect(cell.getByTestId('cohorts-source')).toHaveValue('log');
  await expect(cell.getByTestId('log-customer')).toHaveValue('customer_id');
  await expect(cell.getByTestId('log-date')).toHaveValue('paid_date');

  // By month the payment log's eleven years are a grid too large to write
  // each value in: drawn on a canvas, with a colour legend and a note saying
  // how to read it.
  const legend = cell.getByTestId('cohorts-legend');
  await expect(legend).toContainText('Too many cells to write each value in');
  await expect(cell.getByTestId('cohorts-chart').locator('canvas')).toBeVisible();
  await cell.getByTestId('cohorts-view').selectOption('curves');
  await expect(legend).toContainText('one thin line each, the average in black');
  await expect(cell.getByTestId('cohorts-chart').locator('canvas')).toBeVisible();
  await cell.getByTestId('cohorts-view').selectOption('retention');

  // By quarter: cohorts with their sizes, the average row, and the periods
  // not yet complete starred (the last quarter is not over at the as-of
  // date, the day after the last payment).
  await cell.getByTestId('cohorts-period').selectOption('quarter');
  await settled(page);
  await drawnByQuarter(cell);
  await expect(legend).not.toContainText('Too many cells');
  const summary = cell.getByTestId('cohorts-summary');
  await expect(summary).toContainText(/[\d,]+ customers in \d+ cohorts as of \d{4}-\d\d-\d\d/);
  const cohorts = Number((await summary.textContent())!.match(/in (\d+) cohorts/)![1]);
  expect(cohorts).toBeGreaterThan(1);
  await expect(cell.getByTestId('cohorts-chart')).toHaveAttribute('data-view', 'retention');
  let texts = await chartTexts(cell);
  const rowLabels = texts.filter((t) => /^\d{4}-Q\d · [\d,]+$/.test(t));
  expect(rowLabels).toHaveLength(cohorts);
  expect(texts).toContain('Average (weighted)');
  expect(texts).toContain('Quarters since start');
  expect(
    texts.some((t) => /^\d+%\*$/.test(t)),
    'a starred partial cell',
  ).toBe(true);
  expect(
    texts.some((t) => /^\d+%$/.test(t)),
    'a complete cell',
  ).toBe(true);
  // Period 0 is every customer's first purchase: 100% in every complete cohort.
  expect(texts).toContain('100%');
  await expect(legend).toContainText('Faded cells marked * are periods not yet complete');
  await expect(legend).toContainText('weights each cohort by its size');
  await expect(legend).toContainText('Retained: a purchase in that period.');
  await expect(cell.getByTestId('log-report')).toBeVisible();

  // Revenue retention: a cohort's revenue in period k over its period 0.
  await cell.getByTestId('cohorts-view').selectOption('revenue');
  await expect(cell.getByTestId('cohorts-chart')).toHaveAttribute('data-view', 'revenue');
  texts = await chartTexts(cell);
  expect(texts).toContain('Average (weighted)');
  expect(texts.filter((t) => /^\d{4}-Q\d · [\d,]+$/.test(t))).toHaveLength(cohorts);
  await expect(legend).toContainText('Revenue retention is a cohort’s revenue in a period');

  // The retention curves and cumulative revenue per customer: more than 24
  // quarterly cohorts, so thin lines on a canvas, the average in black.
  const chart = cell.getByTestId('cohorts-chart');
  await cell.getByTestId('cohorts-view').selectOption('curves');
  await expect(chart).toHaveAttribute('data-view', 'curves');
  await expect(chart.locator('[data-chart="rendered"] canvas')).toBeVisible();
  await expect(chart.getByRole('figure')).toHaveAccessibleName('Retention curves by cohort');
  await cell.getByTestId('cohorts-view').selectOption('cumulative');
  await expect(chart).toHaveAttribute('data-view', 'cumulative');
  await expect(chart.locator('[data-chart="rendered"] canvas')).toBeVisible();
  await expect(legend).toContainText('one thin line each, the average in black');
  await cell.getByTestId('cohorts-view').selectOption('retention');
  await settled(page);

  // The policy table: guessed as one (start_date, end_date), in force at the
  // end of each period, with the note on censoring.
  await page.getByRole('button', { name: '+ Data' }).click();
  await cells(page)
    .last()
    .getByTestId('dataset-select')
    .selectOption({ label: 'insurance_policies' });
  await settled(page);
  await page.getByRole('button', { name: '+ Cohorts', exact: true }).click();
  const policies = cellOfKind(page, 'cohorts', 1);
  await expect(policies.getByTestId('cohorts-chart')).toBeVisible({ timeout: 60_000 });
  await settled(page);
  await expect(policies.getByTestId('cohorts-source')).toHaveValue('policy');
  await expect(policies.getByTestId('policy-start')).toHaveValue('start_date');
  await expect(policies.getByTestId('policy-end')).toHaveValue('end_date');
  await expect(policies.getByTestId('cohorts-legend')).toContainText(
    'Retained: the policy in force at the end of the period.',
  );
  // Quarterly, few enough cells to write each value in.
  await policies.getByTestId('cohorts-period').selectOption('quarter');
  await settled(page);
  await drawnByQuarter(policies);
  const note = policies.getByTestId('cohorts-censoring-note');
  await expect(note).toContainText('A policy table is censored at the as-of date');
  texts = await chartTexts(policies);
  expect(texts).toContain('Average (weighted)');
  expect(
    texts.some((t) => /^\d+%\*$/.test(t)),
    'a starred partial cell',
  ).toBe(true);

  // The note's button adds a Survival (Kaplan–Meier) cell on the policy table.
  const before = await cells(page).count();
  await note.getByTestId('cohorts-add-survival').click();
  await expect(cells(page)).toHaveCount(before + 1);
  const survival = cells(page).last();
  await expect(survival).toHaveAttribute('data-kind', 'survival');
  await expect(survival.getByTestId('input-select')).toHaveValue(
    (await policies.getByTestId('input-select').inputValue())!,
  );

  // 简体中文.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(cell.getByTestId('cohorts-summary')).toContainText('个同期群共');
  await expect(cell.getByTestId('cohorts-legend')).toContainText('标有 * 的浅色单元格');
  // The chart is drawn again in the new language.
  await expect.poll(() => chartTexts(cell)).toContain('平均（加权）');
  await expect(note).toContainText('保单表在截至日期处删失');
  await expect(note.getByTestId('cohorts-add-survival')).toHaveText(
    '在此表上添加生存（Kaplan–Meier）单元格',
  );

  // Last (so that a failure here leaves the rest checked): back to months,
  // the largest grid, the page free while the worker counts it and the
  // chart is drawn. Chosen and awaited with plain DOM calls: Playwright's own
  // actionability checks run in the page and would count as its long tasks.
  const t0 = await now(page);
  await page.evaluate(() => {
    const old = document.querySelector('[data-kind="cohorts"] [data-testid="cohorts-chart"]');
    (window as unknown as { oldChart: Element | null }).oldChart = old;
    const select = document.querySelector<HTMLSelectElement>(
      '[data-kind="cohorts"] [data-testid="cohorts-period"]',
    )!;
    select.value = 'month';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(
    () => {
      const chart = document.querySelector('[data-kind="cohorts"] [data-testid="cohorts-chart"]');
      return (
        chart !== null &&
        chart !== (window as unknown as { oldChart: Element }).oldChart &&
        chart.querySelector('[data-chart="rendered"]') !== null
      );
    },
    null,
    { polling: 100, timeout: 120_000 },
  );
  const t1 = await now(page);
  await expectPageFree(page, t0, t1, 'cohorts of the payment log');
  await settled(page);
});
