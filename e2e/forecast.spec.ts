// Survival forecasts end to end on the built-in sample book: a Parametric
// survival cell on tenure_months / lapsed with a few features → Run → a
// Survival forecast cell under it, which takes the fitted model and the book
// by itself → the Weibull model chosen → each in-force policy's forecast at
// the tenure reached: the summary (lapsed policies counted and explained),
// the mean survival at 12, 24 and 36 months, the histogram of the median
// residual life, the first rows of the forecast dataset → other horizons →
// the same in 简体中文.
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

const FEATURES = ['age', 'channel', 'late_payments_12m'];

test('forecast each policy’s remaining tenure from a Weibull fit, in 简体中文 too', async ({
  page,
}) => {
  await openApp(page);
  await page.getByRole('button', { name: '+ Parametric survival' }).click();
  const parametric = cellOfKind(page, 'parametric');
  await parametric.getByTestId('duration-select').selectOption('tenure_months');
  await parametric.getByTestId('event-select').selectOption('lapsed');
  const features = parametric.getByTestId('features');
  for (const name of FEATURES) await features.getByLabel(name, { exact: true }).check();
  await parametric.getByTestId('run-cell').click();
  await expect(parametric.getByTestId('distribution-table')).toBeVisible({ timeout: 60_000 });
  await settled(page);

  await page.getByRole('button', { name: '+ Survival forecast' }).click();
  const cell = cellOfKind(page, 'forecast');
  // The model and the dataset are the nearest fitting cells above; the tenure defaults to the model’s duration column.
  await expect(cell.getByTestId('tenure-select')).toHaveValue('tenure_months');
  await cell.getByTestId('distribution-select').selectOption('weibull');
  await expect(cell.getByTestId('forecast-summary')).toContainText('with the Weibull model', {
    timeout: 60_000,
  });
  await settled(page);
  await expect(cell).toHaveAttribute('data-status', 'done');

  const summary = cell.getByTestId('forecast-summary');
  await expect(summary).toContainText(/Forecast [\d,]+ of 5,000 rows/);
  await expect(cell.getByTestId('forecast-conditional')).toContainText('S(a + h) ÷ S(a)');
  await expect(cell.getByTestId('forecast-lapsed')).toContainText('had already lapsed');
  await expect(cell.getByTestId('forecast-means').locator('li')).toHaveCount(3);
  await expect(cell.getByTestId('forecast-means')).toContainText('staying 36 more');
  await expect(cell.getByTestId('forecast-residual')).toContainText('Median residual life');
  const preview = cell.getByTestId('forecast-preview');
  await expect(preview.locator('tbody tr')).toHaveCount(20);
  for (const name of ['median_time', 'median_residual', 'survival_12', 'survival_36'])
    await expect(preview.locator('thead')).toContainText(name);
  await cell.getByTestId('forecast-chart').scrollIntoViewIfNeeded();
  await expect(cell.getByTestId('forecast-chart').locator('[data-chart="rendered"]')).toBeVisible();

  // Other horizons: a new column set, computed by itself (an 'auto' kind).
  await cell.getByTestId('horizons-input').fill('6, 60');
  await cell.getByTestId('horizons-input').press('Enter');
  await expect(preview.locator('thead')).toContainText('survival_60');
  await expect(preview.locator('thead')).not.toContainText('survival_36');
  await expect(cell.getByTestId('forecast-means').locator('li')).toHaveCount(2);
  // A horizon that is not a number is refused before it reaches the settings.
  await cell.getByTestId('horizons-input').fill('6, soon');
  await cell.getByTestId('horizons-input').press('Enter');
  await expect(cell.getByRole('alert')).toContainText('Horizons as 12, 24, 36');
  await expect(preview.locator('thead')).toContainText('survival_60');

  // 简体中文.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(summary).toContainText('用 威布尔 模型预测了');
  await expect(cell.getByTestId('forecast-lapsed')).toContainText('已经失效');
  await expect(cell.getByTestId('forecast-residual')).toContainText('中位剩余寿命');
  await expect(cell.getByTestId('forecast-chart').locator('[data-chart="rendered"]')).toBeVisible();
});
