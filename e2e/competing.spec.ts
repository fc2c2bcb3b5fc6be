// Competing risks end to end on uslapseagent (CASdatasets, GPL ≥ 2, so not
// shipped as a sample: tests/fixtures/datasets/SOURCES.md): the file dropped
// into the Data cell → a Competing risks cell on duration / termination.cause
// with in-force as censored → the cumulative incidence of each cause and the
// note on 1 − KM → surrender's 1 − KM drawn beside it, overstating it →
// Gray's test by gender → the same in 简体中文.
import { join } from 'node:path';
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

const FILE = join(
  import.meta.dirname,
  '..',
  'tests',
  'fixtures',
  'datasets',
  'casdatasets__uslapseagent.csv',
);

test('cumulative incidence of surrender vs death, 1 − KM beside it, Gray’s test, in 简体中文', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  const data = cellOfKind(page, 'data');
  await data.getByTestId('file-input').setInputFiles(FILE);
  await expect(data.getByTestId('dataset-summary').locator('strong')).toHaveText(
    'casdatasets__uslapseagent.csv',
    { timeout: 30_000 },
  );
  await settled(page);

  await page.getByRole('button', { name: '+ Competing risks' }).click();
  const cell = cellOfKind(page, 'competing');
  await expect(cell.getByTestId('cell-reason')).toContainText('still in force');
  await cell.getByTestId('duration-select').selectOption('duration');
  await cell.getByTestId('cause-select').selectOption('termination.cause');
  const censored = cell.getByTestId('censored-select');
  await expect(censored.locator('option[value="in-force"]')).toHaveText('in-force (14,453)');
  await censored.selectOption('in-force');

  const table = cell.getByTestId('incidence-table');
  await expect(table).toBeVisible({ timeout: 30_000 });
  await settled(page);
  await expect(cell.getByTestId('competing-summary')).toContainText(
    'Events by cause: death 1,284, other 2,482, surrender 11,098.',
  );
  for (const cause of ['surrender', 'death', 'other'])
    await expect(table.locator(`tr[data-cause="${cause}"]`)).toHaveCount(1);
  await expect(table).toContainText('95% interval on the log(−log) scale');
  await expect(cell.getByTestId('competing-note')).toContainText(
    'as if they were still there and could yet surrender',
  );
  await expect(cell.getByTestId('gray-test')).toHaveCount(0);
  await cell.getByTestId('competing-chart').scrollIntoViewIfNeeded();
  await expect(
    cell.getByTestId('competing-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();

  // Surrender's 1 − KM beside its cumulative incidence: a display choice, no new job.
  await cell.getByTestId('compare-select').selectOption('surrender');
  const over = cell.getByTestId('overstatement');
  await expect(over).toHaveCount(1);
  const [naive, estimate] = ((await over.textContent()) ?? '')
    .match(/[\d.]+%/g)!
    .map((p) => Number.parseFloat(p));
  expect(naive).toBeGreaterThan(estimate);
  await expect(cell).toHaveAttribute('data-status', 'done');

  // Gray's test by gender: one row per cause.
  await cell.getByTestId('group-select').selectOption('gender');
  const gray = cell.getByTestId('gray-test');
  await expect(gray.locator('tbody tr')).toHaveCount(3, { timeout: 30_000 });
  await expect(gray).toContainText('Gray’s test');
  await expect(gray.locator('tr[data-cause="surrender"] td').nth(1)).toHaveText('1');
  await expect(table.locator('tbody tr')).toHaveCount(6);
  await expect(over).toHaveCount(2);

  // 简体中文.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(gray).toContainText('Gray 检验');
  await expect(table).toContainText('累积发生率');
  await expect(cell.getByTestId('competing-note')).toContainText('为什么 1 − Kaplan–Meier 会高估');
  await expect(over.first()).toContainText('累积发生率为');
  await expect(
    cell.getByTestId('competing-chart').locator('[data-chart="rendered"]'),
  ).toBeVisible();
});
