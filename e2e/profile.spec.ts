// The Profile cell's data-quality warnings, end to end: target and as-of
// settings → worker → summary list and per-column badges, in both languages.
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

test('insurance sample: leakage against lapsed, identifier, future dates', async ({ page }) => {
  await openApp(page);
  const profile = cellOfKind(page, 'profile');
  const summary = profile.getByTestId('quality-summary');
  await expect(summary).toBeVisible();
  // Without a target there is no leakage check.
  await expect(summary.locator('li[data-code="quality.leakage"]')).toHaveCount(0);
  await expect(
    profile.locator('tr[data-column="policy_id"] [data-code="quality.identifier"]'),
  ).toBeVisible();
  await expect(
    profile.locator('tr[data-column="customer_id"] [data-code="quality.identifier"]'),
  ).toHaveCount(0);

  await profile.getByTestId('target-select').selectOption('lapsed');
  await settled(page);
  const leaks = summary.locator('li[data-code="quality.leakage"]');
  await expect(leaks).toHaveCount(2);
  await expect(
    summary.locator('li[data-code="quality.leakage"][data-column="end_date"]'),
  ).toContainText('Predicts the target “lapsed” almost perfectly');
  await expect(
    summary.locator('li[data-code="quality.leakage"][data-column="lapse_reason"]'),
  ).toContainText('purity 1');
  await expect(
    profile.locator('tr[data-column="end_date"] [data-code="quality.leakage"]'),
  ).toHaveText('leakage');

  // The book runs to 2025-12-31: with an earlier as-of date its late dates are "future".
  await profile.getByTestId('as-of-input').fill('2024-12-31');
  await settled(page);
  await expect(
    profile.locator('tr[data-column="start_date"] [data-code="quality.future-dates"]'),
  ).toBeVisible();

  // The settings survive a reload, and the messages follow the language.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(profile.getByTestId('quality-summary')).toContainText('数据泄漏');
  await settled(page);
  await page.reload();
  await settled(page);
  const again = cellOfKind(page, 'profile');
  await expect(again.getByTestId('target-select')).toHaveValue('lapsed');
  await expect(again.getByTestId('as-of-input')).toHaveValue('2024-12-31');
  await expect(
    again.locator(
      '[data-testid="quality-summary"] li[data-column="end_date"][data-code="quality.leakage"]',
    ),
  ).toContainText('数据泄漏');
});

test('Telco sample: identifier flagged, no outliers or leakage where there are none', async ({
  page,
}) => {
  await openApp(page);
  await page.getByTestId('sample-select').selectOption('telco');
  await page.getByRole('button', { name: 'Load sample' }).click();
  await expect(cellOfKind(page, 'data').getByTestId('dataset-summary')).toContainText(
    '7,043 rows × 21 columns',
  );
  await settled(page);
  const profile = cellOfKind(page, 'profile');
  await profile.getByTestId('target-select').selectOption('Churn');
  await settled(page);
  await expect(
    profile.locator('tr[data-column="customerID"] [data-code="quality.identifier"]'),
  ).toBeVisible();
  // R: no MonthlyCharges or TotalCharges value lies outside Tukey's fences;
  // TotalCharges is missing in 11 of 7043 rows, far from "mostly".
  await expect(
    profile.locator('tr[data-column="MonthlyCharges"] [data-testid="quality-badge"]'),
  ).toHaveCount(0);
  await expect(
    profile.locator('tr[data-column="TotalCharges"] [data-testid="quality-badge"]'),
  ).toHaveCount(0);
  const summary = profile.getByTestId('quality-summary');
  await expect(summary.locator('li[data-code="quality.leakage"]')).toHaveCount(0);
  await expect(summary.locator('li[data-code="quality.duplicate-rows"]')).toHaveCount(0);
  await expect(summary.locator('li[data-code="quality.constant"]')).toHaveCount(0);
});
