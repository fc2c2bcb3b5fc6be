// Personas end to end on the built-in sample book: a Personas cell with age,
// dependants, annual premium, late payments and channel → Run (the page
// stays free while the worker sweeps k = 2…12) → the silhouette and elbow
// charts with the suggested k, the profile heatmap and each persona's traits
// → a persona renamed, written into the new dataset's persona column → a
// Survival cell below grouped by persona, with the new name among its
// curves → the same cell in 简体中文.
import { cellOfKind, expect, openApp, settled, test } from './fixtures';
import { expectPageFree, now, recordLongTasks } from './longTasks';

const FEATURES = ['age', 'dependants', 'annual_premium', 'late_payments_12m', 'channel'];

test('find personas with k by silhouette, rename one, group Survival by it, in 简体中文', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await recordLongTasks(page);
  await openApp(page);
  await page.getByRole('button', { name: '+ Personas (k-means)' }).click();
  const cell = cellOfKind(page, 'personas');
  await expect(cell.getByTestId('cell-reason')).toContainText('Choose the features');
  const features = cell.getByTestId('personas-features');
  for (const name of FEATURES) await features.getByLabel(name, { exact: true }).check();
  await expect(cell.getByTestId('cell-reason')).toContainText('press Run');

  // Pressed and awaited with plain DOM calls: Playwright's own actionability
  // and visibility checks run in the page and would count as its long tasks.
  const t0 = await now(page);
  await page.evaluate(() =>
    document
      .querySelector<HTMLButtonElement>('[data-kind="personas"] [data-testid="run-cell"]')!
      .click(),
  );
  await page.waitForFunction(
    () => document.querySelector('[data-kind="personas"] [data-testid="personas-table"]') !== null,
    null,
    { polling: 100, timeout: 120_000 },
  );
  const t1 = await now(page);
  await expectPageFree(page, t0, t1, 'the k sweep');
  await settled(page);

  await expect(cell.getByTestId('personas-suggested')).toContainText(
    /Suggested k = \d+: the highest mean silhouette width/,
  );
  const k = Number(
    (await cell.getByTestId('personas-suggested').textContent())!.match(/k = (\d+)/)![1],
  );
  await expect(cell.getByTestId('personas-rows')).toContainText('Silhouettes are exact');
  await cell.getByTestId('personas-silhouette-chart').scrollIntoViewIfNeeded();
  await expect(
    cell.getByTestId('personas-silhouette-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();
  await expect(
    cell.getByTestId('personas-elbow-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();
  await cell.getByTestId('personas-heatmap').scrollIntoViewIfNeeded();
  await expect(
    cell.getByTestId('personas-heatmap').locator('[data-chart="rendered"]'),
  ).toBeVisible();
  const table = cell.getByTestId('personas-table');
  await expect(table.locator('tbody tr')).toHaveCount(k);
  await expect(table.getByTestId('persona-traits').first()).toContainText('than the book');

  // Rename persona 1: saved and run at once, the fit kept.
  const name = table.getByTestId('persona-name').first();
  await name.fill('Loyal families');
  await name.press('Enter');
  await expect(cell.getByTestId('personas-preview')).toContainText('Loyal families', {
    timeout: 30_000,
  });
  await settled(page);
  await expect(cell).toHaveAttribute('data-status', 'done');

  // A Survival cell below reads the new dataset and groups by persona.
  await page.getByRole('button', { name: '+ Survival', exact: true }).click();
  const survival = cellOfKind(page, 'survival', 1);
  await survival.getByTestId('duration-select').selectOption('tenure_months');
  await survival.getByTestId('event-select').selectOption('lapsed');
  await survival.getByTestId('group-select').selectOption('persona');
  await expect(survival.getByTestId('median-table')).toContainText('Loyal families', {
    timeout: 30_000,
  });
  await expect(survival.getByTestId('median-table').locator('tbody tr')).toHaveCount(k);

  // 简体中文.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(cell.getByTestId('personas-suggested')).toContainText('建议 k =');
  await expect(table.getByTestId('persona-traits').first()).toContainText('与全册相比');
  await expect(cell.getByTestId('personas-heatmap')).toContainText('画像概况');
});
