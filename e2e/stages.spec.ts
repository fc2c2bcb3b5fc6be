// Lifecycle stages end to end on the built-in sample book's payment log: a
// Data cell with insurance_payments → a Lifecycle stages cell with the
// default rules (columns guessed: customer_id, paid_date, amount) → counts
// and revenue per stage as make-stages.py gives them (stages-payments.json)
// → stage counts by month, churn and win-back rates, the transition matrix
// and the flow drawn → one rule edited in the rule editor (At risk after 90
// days instead of 180; counts again as make-stages.py with that rule) → the
// transition's first date chosen → the same cell in 简体中文.
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

const rendered = '[data-chart="rendered"]';

test('stages on the payment log: default rules, one edited, counts by month, transitions, in 简体中文', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page);
  await page.getByRole('button', { name: '+ Data', exact: true }).click();
  const data = cellOfKind(page, 'data', 1);
  await data.getByTestId('dataset-select').selectOption({ label: 'insurance_payments' });
  await settled(page);

  await page.getByRole('button', { name: '+ Lifecycle stages' }).click();
  const cell = cellOfKind(page, 'stages');
  await expect(cell.getByTestId('stages-counts')).toBeVisible({ timeout: 60_000 });
  await settled(page);
  await expect(cell.getByTestId('log-customer')).toHaveValue('customer_id');
  await expect(cell.getByTestId('log-date')).toHaveValue('paid_date');
  await expect(cell.getByTestId('stages-rule-name')).toHaveCount(5);

  // make-stages.py on the same log: Prospect 0, Churned 1,353, At risk 443, New 88, Loyal 2,164.
  const counts = cell.getByTestId('stages-counts');
  const row = (name: string) => counts.locator('tbody tr', { hasText: name }).locator('td').first();
  await expect(row('Churned')).toHaveText('1,353');
  await expect(row('At risk')).toHaveText('443');
  await expect(row('New')).toHaveText('88');
  await expect(row('Loyal')).toHaveText('2,164');
  await expect(cell.getByTestId('stages-summary')).toContainText('4,048 customers at 2026-01-01');

  for (const chart of ['counts', 'rates', 'transition', 'flow']) {
    const figure = cell.getByTestId(`stages-${chart}-chart`);
    await figure.scrollIntoViewIfNeeded();
    await expect(figure.locator(rendered), chart).toBeVisible();
  }
  await expect(cell.getByTestId('stages-transition-legend')).toContainText(
    'on 2025-07-01 (rows) and on 2026-01-01',
  );

  // Edit At risk: after 90 days without a payment instead of 180.
  const atRisk = cell.getByTestId('stages-rule').nth(2);
  await expect(atRisk.getByTestId('stages-rule-name')).toHaveValue('At risk');
  const value = atRisk.getByTestId('stages-condition-value');
  await expect(value).toHaveValue('180');
  await value.fill('90');
  await value.press('Enter');
  // make-stages.py with At risk after 90 days: At risk 696, New 58, Loyal 1,941.
  await expect(row('At risk')).toHaveText('696', { timeout: 30_000 });
  await expect(row('New')).toHaveText('58');
  await expect(row('Loyal')).toHaveText('1,941');
  await expect(row('Churned')).toHaveText('1,353');
  await settled(page);

  // The transition from another date.
  await cell.getByTestId('stages-from').fill('2025-01-01');
  await cell.getByTestId('stages-from').dispatchEvent('change');
  await expect(cell.getByTestId('stages-transition-legend')).toContainText('on 2025-01-01 (rows)', {
    timeout: 30_000,
  });
  await settled(page);
  await expect(cell.getByTestId('cell-error')).toHaveCount(0);

  // 简体中文.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(counts).toContainText('流失客户');
  await expect(counts).toContainText('忠诚客户');
  await expect(counts).toContainText('流失预警');
  await expect(atRisk.getByTestId('stages-rule-name')).toHaveValue('流失预警');
  await expect(cell).toContainText('各月阶段客户数');
  await expect(cell).toContainText('转移矩阵');
  await expect(cell.getByTestId('stages-summary')).toContainText('共 4,048 位客户');
});
