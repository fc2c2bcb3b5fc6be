// Cox model end to end on the built-in sample book: a Cox model cell on
// tenure_months / lapsed with age, channel and late payments → a profile
// built ('35, online, 2 late payments') → Run → the hazard-ratio table with
// treatment-contrast labels, late payments raising the hazard, the fit
// statistics, the PH check with its residual plot, the profiles' predicted
// curves and the customer preview → the same in 简体中文.
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

const FEATURES = ['age', 'channel', 'late_payments_12m'];

test('fit a Cox model, check proportional hazards, predict a profile, in 简体中文', async ({
  page,
}) => {
  await openApp(page);
  await page.getByRole('button', { name: '+ Cox model' }).click();
  const cell = cellOfKind(page, 'cox');
  await cell.getByTestId('duration-select').selectOption('tenure_months');
  await cell.getByTestId('event-select').selectOption('lapsed');
  const features = cell.getByTestId('features');
  for (const name of FEATURES) await features.getByLabel(name, { exact: true }).check();
  await cell.getByTestId('horizons-input').fill('12, 24');
  await cell.getByTestId('horizons-input').press('Enter');

  // A second profile: 35 years old, 2 late payments (channel left at its reference).
  await cell.getByTestId('add-profile').click();
  const profile = cell.getByTestId('profile').nth(1);
  await profile.getByLabel('Name').fill('35, 2 late payments');
  await profile.getByLabel('Name').press('Enter');
  await profile.locator('input[data-column="age"]').fill('35');
  await profile.locator('input[data-column="age"]').press('Enter');
  await profile.locator('input[data-column="late_payments_12m"]').fill('2');
  await profile.locator('input[data-column="late_payments_12m"]').press('Enter');
  await expect(cell.getByTestId('cell-reason')).toContainText('press Run');

  await page.evaluate(() =>
    document
      .querySelector<HTMLButtonElement>('[data-kind="cox"] [data-testid="run-cell"]')!
      .click(),
  );
  await page.waitForFunction(
    () => document.querySelector('[data-kind="cox"] [data-testid="hazard-ratios"]') !== null,
    null,
    { polling: 100, timeout: 60_000 },
  );
  await settled(page);

  const table = cell.getByTestId('hazard-ratios');
  await expect(table).toContainText(/channel = \w+ vs \w+/);
  await expect(table).toContainText('Hazard ratio');
  const late = Number(
    (await table
      .locator('tr[data-coefficient="late_payments_12m"] [data-testid="hazard-ratio"]')
      .textContent())!.replace(/,/g, ''),
  );
  expect(late).toBeGreaterThan(1);
  await expect(cell.getByTestId('fit-statistics')).toContainText('AIC');
  await expect(cell.getByTestId('fit-statistics')).toContainText('Harrell’s C');
  await expect(cell.getByTestId('global-tests').locator('tbody tr')).toHaveCount(3);

  const ph = cell.getByTestId('ph-table');
  await expect(ph).toContainText('late_payments_12m');
  await expect(ph).toContainText('Global');
  await cell.getByTestId('ph-chart').scrollIntoViewIfNeeded();
  await expect(cell.getByTestId('ph-chart').locator('[data-chart="rendered"]')).toBeVisible();
  // Another term plotted: display only.
  await cell.getByTestId('ph-term-select').selectOption('channel');
  await expect(cell).toHaveAttribute('data-status', 'done');

  await cell.getByTestId('curves-chart').scrollIntoViewIfNeeded();
  await expect(cell.getByTestId('curves-chart').locator('[data-chart="rendered"]')).toBeVisible();
  await expect(cell.getByTestId('profile-table').locator('tbody tr')).toHaveCount(2);
  await expect(cell.getByTestId('profile-table')).toContainText('35, 2 late payments');
  await expect(cell.getByTestId('preview-table').locator('tbody tr')).toHaveCount(20);
  await expect(cell.getByTestId('preview-table')).toContainText('S(24)');

  // 简体中文.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(table).toContainText('风险比');
  await expect(ph).toContainText('整体');
  await expect(cell.getByTestId('preview-table')).toContainText('相对平均的风险比');
  await expect(cell.getByTestId('curves-chart').locator('[data-chart="rendered"]')).toBeVisible();
});
