// Parametric survival end to end on the built-in sample book: a Parametric
// survival cell on tenure_months / lapsed with a few features → Run (all four
// distributions in one job) → the AIC comparison, the coefficient table with
// time ratios, the chart of Kaplan–Meier with the fitted curves, the forecast
// at the tenure reached → another distribution shown without a new job → the
// same in 简体中文.
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

const FEATURES = ['age', 'channel', 'late_payments_12m'];

test('fit four distributions, compare by AIC, switch the one shown without a job, in 简体中文', async ({
  page,
}) => {
  await openApp(page);
  await page.getByRole('button', { name: '+ Parametric survival' }).click();
  const cell = cellOfKind(page, 'parametric');
  // Chosen by name and type as the Survival cell does; set explicitly all the same.
  await cell.getByTestId('duration-select').selectOption('tenure_months');
  await cell.getByTestId('event-select').selectOption('lapsed');
  const features = cell.getByTestId('features');
  for (const name of FEATURES) await features.getByLabel(name, { exact: true }).check();
  await cell.getByTestId('horizon-input').fill('12');
  await cell.getByTestId('horizon-input').press('Enter');
  await expect(cell.getByTestId('cell-reason')).toContainText('press Run');

  await page.evaluate(() =>
    document
      .querySelector<HTMLButtonElement>('[data-kind="parametric"] [data-testid="run-cell"]')!
      .click(),
  );
  await page.waitForFunction(
    () =>
      document.querySelector('[data-kind="parametric"] [data-testid="distribution-table"]') !==
      null,
    null,
    { polling: 100, timeout: 60_000 },
  );
  await settled(page);

  const table = cell.getByTestId('distribution-table');
  await expect(table.locator('tbody tr')).toHaveCount(4);
  for (const name of ['Weibull', 'Exponential', 'Log-normal', 'Log-logistic'])
    await expect(table).toContainText(name);
  await expect(table.getByTestId('best')).toHaveCount(1);
  await expect(table.getByTestId('best')).toContainText('best');
  // The best row's Δ AIC is 0.
  await expect(table.locator('tr.best td').nth(2)).toHaveText('0');

  const coefficients = cell.getByTestId('coefficients');
  await expect(coefficients).toHaveAttribute('data-distribution', 'weibull');
  await expect(coefficients).toContainText('Time ratio');
  await expect(coefficients).toContainText('Log(scale)');
  await expect(cell.getByTestId('fit-statistics')).toContainText('Likelihood-ratio χ²');
  // Charts render once scrolled into view.
  await cell.getByTestId('parametric-chart').scrollIntoViewIfNeeded();
  await expect(
    cell.getByTestId('parametric-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();
  await expect(cell.getByTestId('forecast-table').locator('tbody tr')).toHaveCount(20);
  await expect(cell.getByTestId('forecast-table')).toContainText('P(stays 12 more)');

  // Another distribution shown: the same job, so nothing runs and nothing goes stale.
  await page.evaluate(() => {
    const frame = document.querySelector('[data-testid="cell"][data-kind="parametric"]')!;
    const seen: string[] = [];
    new MutationObserver(() => seen.push(frame.getAttribute('data-status') ?? '')).observe(frame, {
      attributes: true,
      attributeFilter: ['data-status'],
    });
    (window as unknown as { parametricStatuses: string[] }).parametricStatuses = seen;
  });
  await cell.getByTestId('distribution-select').selectOption('exponential');
  await expect(coefficients).toHaveAttribute('data-distribution', 'exponential');
  await expect(coefficients).not.toContainText('Log(scale)');
  await expect(cell.getByTestId('fit-statistics')).toContainText('Scale fixed at 1');
  await expect(cell.getByTestId('forecast-table')).toContainText('Exponential');
  await page.waitForTimeout(300);
  expect(
    await page.evaluate(
      () => (window as unknown as { parametricStatuses: string[] }).parametricStatuses,
    ),
  ).toEqual([]);
  await expect(cell).toHaveAttribute('data-status', 'done');
  await expect(
    cell.getByTestId('parametric-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();

  // 简体中文.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(table).toContainText('对数正态');
  await expect(table).toContainText('最佳');
  await expect(coefficients).toContainText('时间比');
  await expect(cell.getByTestId('forecast-table')).toContainText('中位剩余寿命');
  await expect(
    cell.getByTestId('parametric-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();
});
