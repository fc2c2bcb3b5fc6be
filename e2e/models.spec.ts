// Churn models end to end, as an analyst new to the app would go: the sample
// insurance book → a logistic Model cell (odds ratios) → an Evaluate cell on
// the test rows (AUC, threshold slider, threshold by cost) → a Score cell
// (the scored list with reasons, exported), then a reload that recomputes
// nothing, and the same cells in 简体中文.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { cellOfKind, expect, openApp, settled, test } from './fixtures';
import { expectPageFree, now, recordLongTasks } from './longTasks';

const FEATURES = [
  'age',
  'channel',
  'late_payments_12m',
  'complaints_12m',
  'claim_denied',
  'multi_policy',
  'annual_premium',
];

async function addModel(page: Page): Promise<void> {
  await page.getByRole('button', { name: '+ Logistic model' }).click();
  const model = cellOfKind(page, 'model');
  await model.getByTestId('target-select').selectOption('lapsed');
  await model.getByTestId('positive-select').selectOption('true');
  const features = model.getByTestId('features');
  for (const name of FEATURES) await features.getByLabel(name, { exact: true }).check();
  await expect(model.getByTestId('cell-reason')).toContainText('press Run');
}

test('fit, read, evaluate, choose a threshold by cost, score and export', async ({ page }) => {
  await recordLongTasks(page);
  await openApp(page);
  await addModel(page);
  const model = cellOfKind(page, 'model');

  // Pressed and awaited with plain DOM calls: Playwright's own actionability
  // and visibility checks run in the page and would count as its long tasks.
  const t0 = await now(page);
  await page.evaluate(() =>
    document
      .querySelector<HTMLButtonElement>('[data-kind="model"] [data-testid="run-cell"]')!
      .click(),
  );
  await page.waitForFunction(
    () => document.querySelector('[data-kind="model"] [data-testid="coefficients"]') !== null,
    null,
    { polling: 100, timeout: 60_000 },
  );
  const t1 = await now(page);
  await expectPageFree(page, t0, t1, 'fitting the logistic model');
  const coefficients = model.getByTestId('coefficients');

  // Odds ratios read against the most frequent channel, agent.
  await expect(coefficients).toContainText('channel = online vs agent');
  const online = coefficients.locator('tr', { hasText: 'channel = online vs agent' });
  const oddsRatio = Number(await online.locator('td').nth(4).textContent());
  // The sample's lapse model puts online at exp(0.5) ≈ 1.65 times the agent's hazard.
  expect(oddsRatio).toBeGreaterThan(1.2);
  await expect(model.getByTestId('fit-statistics')).toContainText('AIC');
  await expect(model.getByTestId('model-rows')).toContainText('Held out');

  // Evaluate on the test rows.
  await page.getByRole('button', { name: '+ Evaluate' }).click();
  const evaluate = cellOfKind(page, 'evaluate');
  await settled(page);
  const auc = Number(await evaluate.getByTestId('auc').first().textContent());
  expect(auc).toBeGreaterThan(0.6);
  expect(auc).toBeLessThan(1);
  await expect(evaluate.getByTestId('gains-table').locator('tbody tr')).toHaveCount(10);

  // The slider moves the confusion matrix on the page, with no job.
  const tp = evaluate.getByTestId('tp');
  const slider = evaluate.getByTestId('threshold-slider');
  await slider.fill('0.9');
  const strict = Number((await tp.textContent())?.replace(/,/g, ''));
  await slider.fill('0.05');
  const lax = Number((await tp.textContent())?.replace(/,/g, ''));
  expect(lax).toBeGreaterThan(strict);

  // A threshold chosen by cost.
  await evaluate.getByTestId('cost-contact').fill('20');
  await evaluate.getByTestId('cost-contact').press('Enter');
  await settled(page);
  await expect(evaluate.getByTestId('best-threshold')).toContainText('Best threshold');
  await evaluate.getByTestId('use-best-threshold').click();
  await expect(evaluate.getByTestId('threshold-value')).not.toHaveText('0.05');

  // Score the book and export the list with its reasons.
  await page.getByRole('button', { name: '+ Score' }).click();
  const score = cellOfKind(page, 'score');
  await settled(page);
  await expect(score.getByTestId('score-summary')).toContainText('Scored 5,000 of 5,000 rows');
  const preview = score.getByTestId('score-preview');
  await expect(preview).toContainText('reason_1');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    score.getByTestId('export-csv').click(),
  ]);
  const csv = readFileSync((await download.path())!, 'utf8');
  const header = csv.replace(/^\uFEFF/, '').split('\n')[0];
  expect(header).toContain('probability');
  expect(header).toContain('risk_band');
  expect(header).toContain('reason_3');
  expect(csv.split('\n').filter(Boolean)).toHaveLength(5001);

  // The model exports as PMML and JSON.
  const [pmml] = await Promise.all([
    page.waitForEvent('download'),
    model.getByTestId('export-model-pmml').click(),
  ]);
  const xml = readFileSync((await pmml.path())!, 'utf8');
  expect(xml).toContain('<PMML');
  expect(xml).toContain('normalizationMethod="logit"');

  // A reload shows every result and recomputes nothing.
  await page.reload();
  await settled(page);
  await expect(cellOfKind(page, 'model').getByTestId('coefficients')).toBeVisible();
  await expect(cellOfKind(page, 'evaluate').getByTestId('auc').first()).toHaveText(String(auc));
  await expect(cellOfKind(page, 'score').getByTestId('score-summary')).toBeVisible();

  // The same cells in 简体中文.
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(cellOfKind(page, 'model').getByTestId('coefficients')).toContainText('优势比');
  await expect(cellOfKind(page, 'evaluate')).toContainText('混淆矩阵');
  await expect(cellOfKind(page, 'score')).toContainText('高风险');
});

test('every model evaluated in the notebook, in one table under the cells', async ({ page }) => {
  await openApp(page);
  await addModel(page);
  await cellOfKind(page, 'model').getByTestId('run-cell').click();
  await settled(page);
  await page.getByRole('button', { name: '+ Evaluate' }).click();
  await settled(page);
  // One model evaluated once: the cell's own table says it all.
  await expect(page.getByTestId('notebook-metrics')).toHaveCount(0);
  const testAuc = await cellOfKind(page, 'evaluate').getByTestId('auc').first().textContent();

  // The same model on its validation rows, in a second Evaluate cell.
  await page.getByRole('button', { name: '+ Evaluate' }).click();
  const second = cellOfKind(page, 'evaluate', 1);
  await second.getByTestId('rows-select').selectOption('validation');
  // Re-evaluated on the validation rows: another AUC than the test rows'.
  await expect(second.getByTestId('auc').first()).not.toHaveText(testAuc!);
  await settled(page);
  const validationAuc = await second.getByTestId('auc').first().textContent();

  const table = page.getByTestId('notebook-metrics-table');
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('test rows in cell');
  await expect(rows.nth(0).getByTestId('auc')).toHaveText(testAuc!);
  await expect(rows.nth(1)).toContainText('validation rows in cell');
  await expect(rows.nth(1).getByTestId('auc')).toHaveText(validationAuc!);
  await expect(rows.nth(0)).toContainText('(1,000 rows)');

  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(table).toContainText('本笔记本中评估过的全部模型');
  await expect(rows.nth(1)).toContainText('验证集');
});

test('a single-class target gets a clear message, and the page keeps working', async ({ page }) => {
  await openApp(page);
  // A month in which nobody churned.
  const rows = Array.from(
    { length: 40 },
    (_, i) => `C${i},No,${20 + i},${i % 2 ? 'gold' : 'basic'}`,
  );
  await cellOfKind(page, 'data')
    .getByTestId('file-input')
    .setInputFiles({
      name: 'quiet-month.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['id,churned,age,plan', ...rows].join('\n')),
    });
  await settled(page);
  await page.getByRole('button', { name: '+ Logistic model' }).click();
  const model = cellOfKind(page, 'model');
  await model.getByTestId('target-select').selectOption('churned');
  await model.getByTestId('positive-select').selectOption('false');
  await model.getByTestId('features').getByLabel('age', { exact: true }).check();
  await model.getByTestId('run-cell').click();
  await expect(model.getByTestId('cell-error')).toContainText('churned');
  await expect(model.getByTestId('coefficients')).toHaveCount(0);
  // The rest of the notebook is untouched.
  await expect(cellOfKind(page, 'profile').locator('tr[data-column="age"]')).toBeVisible();
});

test('a model exported as PMML is read back by a Model file cell and scores the book', async ({
  page,
}) => {
  await openApp(page);
  await addModel(page);
  const model = cellOfKind(page, 'model');
  await model.getByTestId('run-cell').click();
  await expect(model.getByTestId('coefficients')).toBeVisible({ timeout: 60_000 });
  const [pmml] = await Promise.all([
    page.waitForEvent('download'),
    model.getByTestId('export-model-pmml').click(),
  ]);
  await page.getByRole('button', { name: '+ Model file' }).click();
  const file = cellOfKind(page, 'model-file');
  await file.getByTestId('model-file-input').setInputFiles((await pmml.path())!);
  await expect(file.getByTestId('model-file-summary')).toContainText('PMML model of lapsed');
  await expect(file.getByTestId('model-file-coefficients')).toContainText(
    'channel = online vs agent',
  );
  // The Score cell reads the nearest model above: the one read from the file.
  await page.getByRole('button', { name: '+ Score' }).click();
  const score = cellOfKind(page, 'score');
  await settled(page);
  await expect(score.getByTestId('score-summary')).toContainText('Scored 5,000 of 5,000 rows');
  // A file that is not a model is refused with its reason; the cell keeps nothing wrong.
  await page.getByRole('button', { name: '+ Model file' }).click();
  const bad = cellOfKind(page, 'model-file', 1);
  await bad.getByTestId('model-file-input').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"hello": "world"}'),
  });
  await expect(bad.getByTestId('cell-error')).toContainText('not a Lifecycle Lab model');
});
