// A network's training and the tab's life (issue 10, "Faults"): training
// continues while the tab is in the background, and closing the browser
// mid-training corrupts nothing stored.
//
// The background test needs a page that is truly hidden, with the browser's
// background throttling on. Playwright's own pages never are: it launches
// Chromium with the throttling switched off (--disable-background-timer-
// throttling, --disable-renderer-backgrounding, …) and turns focus
// emulation on for every page it creates, which keeps a page "visible" when
// another tab is in front (its visibilityState stays 'visible'). So that
// test starts Debian's Chromium itself, headless with only the flags the
// other tests use, and connects over CDP without Playwright's page defaults
// (`noDefaults`): there a second tab brought to the front makes the first
// 'hidden', and its timers run about once a second, as in a real browser.
// After 5 minutes hidden Chromium lets them run once a minute; a paused
// training was then failed by the client's liveness watchdog (fixed in
// workers/client.ts): tests/workers/clientLiveness.test.ts covers that, as a
// test here would take minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM } from '../playwright.config';
import { cellOfKind, expect, settled, test, watchPage, type Watch } from './fixtures';

const FEATURES = ['age', 'channel', 'late_payments_12m', 'complaints_12m', 'claim_denied'];

async function chooseData(page: Page, kind: string, features: string[]): Promise<void> {
  const cell = cellOfKind(page, kind);
  await cell.getByTestId('target-select').selectOption('lapsed');
  await cell.getByTestId('positive-select').selectOption('true');
  const list = cell.getByTestId('features');
  for (const name of features) await list.getByLabel(name, { exact: true }).check();
}

/** A Network cell on the sample book set to train far longer than the test lasts. */
async function addLongNetwork(page: Page): Promise<void> {
  await page.getByRole('button', { name: '+ Neural network' }).click();
  const network = cellOfKind(page, 'network');
  await chooseData(page, 'network', FEATURES);
  await network.getByTestId('network-epochs').fill('5000');
  await network.getByTestId('network-epochs').press('Enter');
  await network.getByTestId('network-early-stopping').uncheck();
  await expect(network.getByTestId('cell-reason')).toContainText('press Run');
}

/** Presses a cell's button with a plain DOM call (works on a hidden page too). */
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
    { polling: 100, timeout: 60_000 },
  );
}

/** Epochs per second over `ms` of wall-clock time, as the page reports them. */
async function epochRate(page: Page, ms: number): Promise<{ rate: number; from: number }> {
  const from = await epochs(page);
  const t0 = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const to = await epochs(page);
  return { rate: ((to - from) * 1000) / (Date.now() - t0), from };
}

/**
 * Points of each line in the Network cell's curves chart (Vega's SVG: one
 * path per series, "M" then one "L" per further point).
 */
async function curvePoints(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll(
        '[data-kind="network"] [data-testid="training-status"] ~ .vega-view g.mark-line path',
      ),
    ].map((path) => (path.getAttribute('d')?.match(/[ML]/g) ?? []).length),
  );
}

interface OwnBrowser {
  browser: Browser;
  process: ChildProcess;
  profile: string;
}

/** Debian's Chromium, headless, background throttling on, reached over CDP (see the header). */
async function launchOwnBrowser(
  profile = mkdtempSync(join(tmpdir(), 'lifecycle-lab-background-')),
): Promise<OwnBrowser> {
  const child = spawn(
    CHROMIUM.executablePath,
    [
      ...CHROMIUM.args,
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      '--lang=en-US',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TZ: 'UTC' } },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /DevTools listening on (ws:\S+)/.exec(text);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${text}`)));
  });
  // `noDefaults` (a connectOverCDP option Playwright's types do not list,
  // passed in a variable so the compiler allows it): the default context's
  // pages get no focus emulation, so they can be hidden.
  const options = { noDefaults: true, timeout: 30_000 };
  const browser = await chromium.connectOverCDP(endpoint, options);
  return { browser, process: child, profile };
}

/**
 * Ends the browser (Playwright's close() of a CDP connection only
 * disconnects) and removes its profile once it has exited; its helper
 * processes may still be letting go of files, hence the retries.
 */
async function closeOwnBrowser(own: OwnBrowser): Promise<void> {
  const exited = new Promise((resolve) => {
    if (own.process.exitCode !== null || own.process.signalCode !== null) resolve(null);
    else own.process.once('exit', resolve);
  });
  try {
    const session = await own.browser.newBrowserCDPSession();
    await session.send('Browser.close');
  } catch {
    own.process.kill();
  }
  await exited;
  rmSync(own.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}

test('training goes on at full pace while the tab is in the background, and the curves keep every epoch', async ({
  baseURL,
}) => {
  test.setTimeout(150_000);
  const own = await launchOwnBrowser();
  try {
    const context = own.browser.contexts()[0];
    const page = context.pages()[0] ?? (await context.newPage());
    const watch: Watch = watchPage(page, new URL(baseURL!).origin);
    await page.goto(baseURL!);
    await expect(page.getByTestId('cell').first()).toBeVisible();
    await settled(page);
    await addLongNetwork(page);
    const network = cellOfKind(page, 'network');

    await press(page, 'network', 'run-cell');
    await waitForEpochs(page, 5);
    const front = await epochRate(page, 5_000);
    expect(front.rate, 'epochs per second in front').toBeGreaterThan(1);

    // Another tab in front: this one is hidden, and its timers are throttled.
    const other = await context.newPage();
    await other.goto('about:blank');
    await other.bringToFront();
    await expect.poll(() => page.evaluate(() => document.visibilityState)).toBe('hidden');
    const ticks = await page.evaluate(async () => {
      let n = 0;
      const timer = setInterval(() => n++, 10);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      clearInterval(timer);
      return n;
    });
    // About 2 in a hidden tab (one wake-up a second), about 200 in front.
    expect(ticks, 'a 10 ms timer in 2 s of a hidden tab').toBeLessThan(50);
    // Past the 10 s after which Chromium budgets a hidden page's timers.
    const back = await epochRate(page, 12_000);
    console.log(
      `epochs per second: ${front.rate.toFixed(1)} in front, ${back.rate.toFixed(1)} hidden`,
    );
    expect(back.rate, 'epochs per second while hidden').toBeGreaterThan(front.rate * 0.5);
    expect(await page.evaluate(() => document.visibilityState)).toBe('hidden');

    // Back in front: stopped, the curves have a point for every epoch trained.
    await page.bringToFront();
    await expect.poll(() => page.evaluate(() => document.visibilityState)).toBe('visible');
    await press(page, 'network', 'stop-training');
    await settled(page);
    await expect(network.getByTestId('training-result')).toContainText('Stopped by you');
    const trained = await epochs(page);
    expect(trained).toBeGreaterThan(back.from);
    // Training and validation loss, training and validation AUC: four lines.
    await expect.poll(() => curvePoints(page)).toEqual([trained, trained, trained, trained]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offOrigin).toEqual([]);
  } finally {
    await closeOwnBrowser(own);
  }
});

/** What a notebook held before its browser went away mid-training. */
interface Before {
  kinds: (string | null)[];
  summary: string | null;
  datasets: string[];
  coefficients: string | null;
}

const cellKinds = (page: Page) =>
  page.getByTestId('cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-kind')));

/**
 * On the opened sample book: a logistic model (a cell with a stored result),
 * then a long network training, left running with some epochs done.
 */
async function startTrainingBesideAModel(page: Page): Promise<Before> {
  await page.getByRole('button', { name: '+ Logistic model' }).click();
  await chooseData(page, 'model', FEATURES);
  await press(page, 'model', 'run-cell');
  await settled(page);
  const model = cellOfKind(page, 'model');
  await expect(model).toHaveAttribute('data-status', 'done');
  await page.getByRole('button', { name: 'Data in this browser' }).click();
  const datasets = await page
    .getByTestId('storage-panel')
    .getByTestId('stored-dataset')
    .allTextContents();
  expect(datasets.length).toBeGreaterThan(0);
  const before: Before = {
    kinds: [...(await cellKinds(page)), 'network'],
    summary: await cellOfKind(page, 'data').getByTestId('dataset-summary').textContent(),
    datasets,
    coefficients: await model.getByTestId('coefficients').textContent(),
  };
  await addLongNetwork(page);
  await press(page, 'network', 'run-cell');
  await waitForEpochs(page, 10);
  expect(await epochs(page)).toBeLessThan(5000);
  return before;
}

/**
 * The reopened notebook is whole: its cells, the dataset, the model's stored
 * result shown without fitting again; the network waits for Run with its
 * settings (no half result, no error), and Run trains it to the end.
 */
async function expectIntactThenTrain(page: Page, before: Before): Promise<void> {
  expect(await cellKinds(page)).toEqual(before.kinds);
  await expect(cellOfKind(page, 'data').getByTestId('dataset-summary')).toHaveText(before.summary!);
  await page.getByRole('button', { name: 'Data in this browser' }).click();
  await expect(page.getByTestId('storage-panel').getByTestId('stored-dataset')).toHaveText(
    before.datasets,
  );
  const model = cellOfKind(page, 'model');
  await expect(model).toHaveAttribute('data-status', 'done');
  await expect(model.getByTestId('coefficients')).toHaveText(before.coefficients!);
  const network = cellOfKind(page, 'network');
  await expect(network).toHaveAttribute('data-status', 'stale');
  await expect(network.getByTestId('cell-reason')).toContainText('press Run');
  await expect(network.getByTestId('network-epochs')).toHaveValue('5000');
  await expect(network.getByTestId('training-status')).toHaveCount(0);
  await expect(network.getByTestId('training-result')).toHaveCount(0);
  await expect(network.getByTestId('cell-error')).toHaveCount(0);

  await network.getByTestId('network-epochs').fill('30');
  await network.getByTestId('network-epochs').press('Enter');
  await press(page, 'network', 'run-cell');
  await settled(page);
  await expect(network.getByTestId('training-result')).toContainText('All 30 epochs ran');
  await expect(network).toHaveAttribute('data-status', 'done');
}

/** The app in a browser on `profile`, as the robustness spec's restart test opens it. */
async function openPersistent(profile: string, baseURL: string) {
  const context = await chromium.launchPersistentContext(profile, {
    ...CHROMIUM,
    baseURL,
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const watch = watchPage(page, new URL(baseURL).origin);
  await page.goto('./');
  await expect(page.getByTestId('cell').first()).toBeVisible();
  await settled(page);
  return { context, page, watch };
}

test('closing the browser mid-training corrupts nothing: the network waits for Run, and trains again', async ({
  baseURL,
}) => {
  test.setTimeout(150_000);
  const profile = mkdtempSync(join(tmpdir(), 'lifecycle-lab-profile-'));
  try {
    let { context, page, watch } = await openPersistent(profile, baseURL!);
    const before = await startTrainingBesideAModel(page);
    expect(watch.consoleErrors).toEqual([]);
    // Closed while it trains.
    await context.close();

    ({ context, page, watch } = await openPersistent(profile, baseURL!));
    await expectIntactThenTrain(page, before);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offOrigin).toEqual([]);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('a browser killed mid-training corrupts nothing either', async ({ baseURL }) => {
  test.setTimeout(150_000);
  const profile = mkdtempSync(join(tmpdir(), 'lifecycle-lab-profile-'));
  try {
    const own = await launchOwnBrowser(profile);
    const first = own.browser.contexts()[0].pages()[0];
    const watchFirst = watchPage(first, new URL(baseURL!).origin);
    await first.goto(baseURL!);
    await expect(first.getByTestId('cell').first()).toBeVisible();
    await settled(first);
    const before = await startTrainingBesideAModel(first);
    expect(watchFirst.consoleErrors).toEqual([]);
    // No unload, no chance to tidy up: the process is killed while it trains.
    const exited = new Promise((resolve) => own.process.once('exit', resolve));
    own.process.kill('SIGKILL');
    await exited;

    const { context, page, watch } = await openPersistent(profile, baseURL!);
    await expectIntactThenTrain(page, before);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.offOrigin).toEqual([]);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
});
