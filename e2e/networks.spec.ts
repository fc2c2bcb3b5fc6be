// Neural networks end to end, as a teacher new to the app would go: the
// sample insurance book → a Network cell that trains live in the training
// worker (TF.js on its wasm backend) → pause, a new learning rate, one step,
// resume, stop keeping the weights → compared with the logistic model on the
// test rows in an Evaluate cell → the book scored with reasons → a reload
// that keeps the trained network; the teaching view (decision surface,
// network diagram, gradient-descent path to IRLS); and 简体中文.
import type { Page } from '@playwright/test';
import { cellOfKind, expect, openApp, settled, test } from './fixtures';
import { expectPageFree, now, recordLongTasks } from './longTasks';

const FEATURES = ['age', 'channel', 'late_payments_12m', 'complaints_12m', 'claim_denied'];

async function chooseData(page: Page, kind: string, features: string[]): Promise<void> {
  const cell = cellOfKind(page, kind);
  await cell.getByTestId('target-select').selectOption('lapsed');
  await cell.getByTestId('positive-select').selectOption('true');
  const list = cell.getByTestId('features');
  for (const name of features) await list.getByLabel(name, { exact: true }).check();
}

/** Presses a cell's button with a plain DOM call (Playwright's checks would count as long tasks). */
async function press(page: Page, kind: string, testid: string): Promise<void> {
  await page.evaluate(
    ([kind, testid]) =>
      document
        .querySelector<HTMLButtonElement>(`[data-kind="${kind}"] [data-testid="${testid}"]`)!
        .click(),
    [kind, testid] as const,
  );
}

/** Epochs the Network cell reports so far. */
async function epochs(page: Page): Promise<number> {
  return page.evaluate(() =>
    Number(
      document
        .querySelector('[data-kind="network"] [data-testid="training-status"]')
        ?.getAttribute('data-epochs') ?? 0,
    ),
  );
}

async function waitForEpochs(page: Page, atLeast: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      Number(
        document
          .querySelector('[data-kind="network"] [data-testid="training-status"]')
          ?.getAttribute('data-epochs') ?? 0,
      ) >= n,
    atLeast,
    { polling: 50, timeout: 60_000 },
  );
}

test('train live, pause, change the learning rate, step, stop, compare, score, reload', async ({
  page,
}) => {
  await recordLongTasks(page);
  await openApp(page);
  await page.getByRole('button', { name: '+ Logistic model' }).click();
  await chooseData(page, 'model', FEATURES);
  await press(page, 'model', 'run-cell');
  await settled(page);

  await page.getByRole('button', { name: '+ Neural network' }).click();
  const network = cellOfKind(page, 'network');
  await chooseData(page, 'network', FEATURES);
  // Many epochs without early stopping, so the teacher has time to pause it.
  await network.getByTestId('network-epochs').fill('2000');
  await network.getByTestId('network-epochs').press('Enter');
  await network.getByTestId('network-early-stopping').uncheck();
  await expect(network.getByTestId('cell-reason')).toContainText('press Run');

  const t0 = await now(page);
  await press(page, 'network', 'run-cell');
  await waitForEpochs(page, 5);
  // The curves grow while it trains.
  await expect(network.locator('[data-chart="rendered"]').first()).toBeVisible();
  // Long enough that the charts' first render (two tasks) is not most of the window.
  await waitForEpochs(page, (await epochs(page)) + 60);
  const t1 = await now(page);
  await expectPageFree(page, t0, t1, 'training with live charts');
  await expect(network.getByTestId('training-status')).toContainText('Training on wasm');

  // Pause: it takes effect at the end of the epoch under way, then the epochs stop coming.
  await press(page, 'network', 'pause-training');
  await expect(network.getByTestId('training-status')).toContainText('Paused');
  await page.waitForTimeout(500);
  const paused = await epochs(page);
  await page.waitForTimeout(500);
  expect(await epochs(page)).toBe(paused);

  // A new learning rate, then one step: one more epoch at that rate, still paused.
  await network.getByTestId('live-learning-rate').fill('0.001');
  await network.getByTestId('apply-learning-rate').click();
  await network.getByTestId('step-training').click();
  await waitForEpochs(page, paused + 1);
  await page.waitForTimeout(300);
  expect(await epochs(page)).toBe(paused + 1);
  await expect(network.getByTestId('latest-metrics')).toContainText('learning rate 0.001');
  await expect(network.getByTestId('training-status')).toContainText('Paused');

  // Resume, then stop keeping the weights so far.
  await network.getByTestId('resume-training').click();
  await waitForEpochs(page, paused + 4);
  await network.getByTestId('stop-training').click();
  await settled(page);
  await expect(network.getByTestId('training-result')).toContainText('Stopped by you');
  await expect(network.getByTestId('training-result')).toContainText(
    'Learning rate changed while training',
  );

  // Compared with the logistic model on the same test rows.
  await page.getByRole('button', { name: '+ Evaluate' }).click();
  const evaluate = cellOfKind(page, 'evaluate');
  await settled(page);
  const auc = Number(await evaluate.getByTestId('auc').first().textContent());
  expect(auc).toBeGreaterThan(0.6);

  // The book scored by the network, with its reasons.
  await page.getByRole('button', { name: '+ Score' }).click();
  const score = cellOfKind(page, 'score');
  await settled(page);
  await expect(score.getByTestId('score-summary')).toContainText('Scored 5,000 of 5,000 rows');
  await expect(score.getByTestId('score-preview')).toContainText('reason_1');

  // A reload keeps the trained network: nothing trains again.
  await page.reload();
  await settled(page);
  await expect(cellOfKind(page, 'network').getByTestId('training-result')).toContainText(
    'Stopped by you',
  );
  await expect(cellOfKind(page, 'network')).toHaveAttribute('data-status', 'done');
  await expect(cellOfKind(page, 'evaluate').getByTestId('auc').first()).toHaveText(String(auc));
});

test('the teaching view: a decision surface, the diagram, and gradient descent reaching IRLS', async ({
  page,
}) => {
  await recordLongTasks(page);
  await openApp(page);
  await page.getByRole('button', { name: '+ Neural network' }).click();
  const network = cellOfKind(page, 'network');
  await chooseData(page, 'network', ['age', 'late_payments_12m']);
  await network.getByTestId('network-epochs').fill('60');
  await network.getByTestId('network-epochs').press('Enter');
  await network.getByTestId('network-early-stopping').uncheck();
  // The surface, the diagram and the curves are redrawn every epoch: the page stays free.
  const t0 = await now(page);
  await press(page, 'network', 'run-cell');
  await waitForEpochs(page, 60);
  const t1 = await now(page);
  await expectPageFree(page, t0, t1, 'training with the teaching view');
  await settled(page);
  await expect(network.getByTestId('decision-surface')).toHaveAttribute('data-drawn', 'yes');
  await expect(network.getByTestId('network-diagram')).toBeVisible();

  // The same two features, learnt by one sigmoid unit: its coefficients head for IRLS.
  await network.getByTestId('network-kind').selectOption('logistic');
  await press(page, 'network', 'run-cell');
  await settled(page);
  await expect(network.getByRole('figure', { name: /converging to the exact/ })).toBeVisible();
  await expect(network.getByTestId('network-diagram')).toHaveCount(0);
});

test('the Network cell in 简体中文', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('locale').selectOption('zh-CN');
  await page.getByRole('button', { name: '+ 神经网络' }).click();
  const network = cellOfKind(page, 'network');
  await chooseData(page, 'network', ['age', 'late_payments_12m']);
  await network.getByTestId('network-epochs').fill('3');
  await network.getByTestId('network-epochs').press('Enter');
  await press(page, 'network', 'run-cell');
  await settled(page);
  await expect(network.getByTestId('training-status')).toContainText('已在 wasm 上训练 3 轮');
  await expect(network.getByTestId('training-result')).toContainText('已完成全部 3 轮');
});

test('a crashed training worker fails its training with a message, and Run trains again', async ({
  page,
  watch,
}) => {
  await openApp(page);
  await page.getByRole('button', { name: '+ Neural network' }).click();
  const network = cellOfKind(page, 'network');
  await chooseData(page, 'network', ['age', 'late_payments_12m']);
  await network.getByTestId('network-epochs').fill('5000');
  await network.getByTestId('network-epochs').press('Enter');
  await network.getByTestId('network-early-stopping').uncheck();
  await press(page, 'network', 'run-cell');
  await waitForEpochs(page, 3);
  // An error outside any request, as a failing worker raises it.
  const training = page.workers().find((w) => w.url().includes('training.worker'));
  expect(training, 'the training worker').toBeDefined();
  await training!.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated crash');
    });
  });
  await expect(network.getByTestId('cell-error')).toContainText(
    'The training stopped unexpectedly',
  );
  // The crash is the test's own doing: its console line is expected. It may
  // reach the page after the cell's message does, so it is waited for.
  await expect
    .poll(() => watch.consoleErrors.some((e) => e.includes('simulated crash')))
    .toBe(true);
  watch.consoleErrors.splice(
    0,
    watch.consoleErrors.length,
    ...watch.consoleErrors.filter((e) => !e.includes('simulated crash')),
  );

  // The notebook is usable, and Run trains again in a new worker.
  await network.getByTestId('network-epochs').fill('3');
  await network.getByTestId('network-epochs').press('Enter');
  await press(page, 'network', 'run-cell');
  await settled(page);
  await expect(network.getByTestId('training-result')).toContainText('All 3 epochs ran');
});

test('a training worker that goes silent (terminated, killed) is given up after 30 s, and Run trains again', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  await page.getByRole('button', { name: '+ Neural network' }).click();
  const network = cellOfKind(page, 'network');
  await chooseData(page, 'network', ['age', 'late_payments_12m']);
  await network.getByTestId('network-epochs').fill('5000');
  await network.getByTestId('network-epochs').press('Enter');
  await network.getByTestId('network-early-stopping').uncheck();
  await press(page, 'network', 'run-cell');
  await waitForEpochs(page, 3);
  // Closed from inside: no 'error' event reaches the page, only silence.
  const training = page.workers().find((w) => w.url().includes('training.worker'));
  await training!.evaluate(() => setTimeout(() => self.close()));
  await expect(network.getByTestId('cell-error')).toContainText(
    'The training stopped unexpectedly',
    { timeout: 60_000 },
  );
  await network.getByTestId('network-epochs').fill('3');
  await network.getByTestId('network-epochs').press('Enter');
  await press(page, 'network', 'run-cell');
  await settled(page);
  await expect(network.getByTestId('training-result')).toContainText('All 3 epochs ran');
});
