// The Survival cell beyond its curves, as an analyst would go on the sample
// book: does lapse differ by channel (the log-rank test under the chart,
// Peto–Peto, each pair of channels with adjusted p-values), survival at
// chosen months, the restricted mean, and the cumulative hazard view; in
// 简体中文 too.
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

test('compare channels, read survival at months, the restricted mean and the cumulative hazard', async ({
  page,
}) => {
  await openApp(page);
  const survival = cellOfKind(page, 'survival');
  // The sample notebook groups by channel: the test is there at once.
  const summary = survival.getByTestId('test-summary');
  await expect(summary).toContainText('Log-rank: χ² =');
  await expect(summary).toContainText('p ');
  // One row per channel, as many as the curves.
  const channels = await survival.getByTestId('median-table').locator('tbody tr').count();
  expect(channels).toBeGreaterThan(2);
  await expect(survival.getByTestId('test-groups').locator('tbody tr')).toHaveCount(channels);

  await survival.getByTestId('test-rho').selectOption('1');
  await settled(page);
  await expect(summary).toContainText('Peto–Peto');
  await survival.getByTestId('test-pairwise').selectOption('holm');
  await settled(page);
  // Every pair of channels.
  await expect(survival.getByTestId('test-pairs').locator('tbody tr')).toHaveCount(
    (channels * (channels - 1)) / 2,
  );

  await survival.getByTestId('survival-times').fill('12, 24, 36');
  await survival.getByTestId('survival-times').press('Enter');
  await settled(page);
  await expect(survival.getByTestId('survival-at-times').locator('thead th')).toHaveCount(4);
  await survival.getByTestId('survival-tau').fill('60');
  await survival.getByTestId('survival-tau').press('Enter');
  await settled(page);
  await expect(survival.getByTestId('restricted-means').locator('tbody tr')).toHaveCount(channels);

  await survival.getByTestId('survival-view').selectOption('cumulative-hazard');
  await expect(
    survival.getByTestId('hazard-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();

  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(summary).toContainText('Peto–Peto 检验');
  await expect(summary).toContainText('自由度');
});
