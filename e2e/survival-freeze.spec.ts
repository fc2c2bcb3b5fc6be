// The page never freezes while the survival models run on large data (issue
// 11, "Fast, and the page never freezes"): a file of 1,000,000 rows in 3
// groups → the Survival cell grouped by them (Kaplan–Meier per group and the
// log-rank test) → a file of 100,000 rows × 10 features (8 numeric, two
// categorical) → a Cox model cell (Efron, with its PH check and the
// scaled-residual plot) → a Parametric survival cell (Weibull with the three
// others, drawn over Kaplan–Meier). Each is started and awaited with plain
// DOM calls (Playwright's own actionability checks run in the page and would
// count as its long tasks), and its window — from the start to its results on
// the page — is checked by expectPageFree (e2e/longTasks.ts says why that
// check, not a flat 50 ms); then its chart is drawn and checked apart.
//
// The rows are made inside the page by a seeded generator with the hazards
// of bench/survivalData.ts (Weibull proportional hazards, shape 1.3, whole
// days, uniform censoring), the benchmark's shapes.
import type { Page } from '@playwright/test';
import { cellOfKind, dropBuiltFile, expect, openApp, settled, test } from './fixtures';
import { expectPageFree, FREEZE_MS, longTasks, now, recordLongTasks } from './longTasks';

const NUMERIC = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8'];
const FEATURES = [...NUMERIC, 'region', 'plan'];

/** Drops a generated CSV of `rows` rows: tenure_days, churned (0/1), group, and with `features` x1…x8, region, plan. */
async function dropSurvivalCsv(page: Page, rows: number, features: boolean): Promise<void> {
  const name = features ? 'survival-features.csv' : 'survival-groups.csv';
  await dropBuiltFile(
    page,
    name,
    await page.evaluateHandle(
      ([rows, features]) => {
        // mulberry32, seeded: the same rows every run.
        let seed = features ? 2 : 1;
        const random = () => {
          seed = (seed + 0x6d2b79f5) | 0;
          let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
        const normal = () =>
          Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const weights = [0.4, -0.3, 0.2, -0.1, 0.05, 0, 0.1, -0.2];
        const regions = ['central', 'east', 'north', 'south', 'west'];
        const regionWeights = [0, 0.2, -0.1, 0.15, 0.3];
        const plans = ['basic', 'family', 'plus', 'premium'];
        const planWeights = [0, -0.25, 0.1, -0.4];
        const groupWeights = [0, Math.log(1.1), Math.log(1.25)];
        const header = features
          ? 'tenure_days,churned,group,x1,x2,x3,x4,x5,x6,x7,x8,region,plan\n'
          : 'tenure_days,churned,group\n';
        const parts: string[] = [header];
        let chunk = '';
        for (let i = 0; i < rows; i++) {
          const g = Math.floor(random() * 3);
          let eta = groupWeights[g];
          let rest = '';
          if (features) {
            for (const w of weights) {
              const x = Math.round(normal() * 1000) / 1000;
              eta += w * x;
              rest += `,${x}`;
            }
            const r = Math.floor(random() * 5);
            const p = Math.floor(random() * 4);
            eta += regionWeights[r] + planWeights[p];
            rest += `,${regions[r]},${plans[p]}`;
          }
          const t = 365 * Math.pow(-Math.log(1 - random()) / Math.exp(eta), 1 / 1.3);
          const c = random() * 1000;
          const [days, event] = t <= c ? [Math.ceil(t), 1] : [Math.ceil(c), 0];
          chunk += `${days},${event},${'abc'[g]}${rest}\n`;
          if (chunk.length > 1 << 20) {
            parts.push(chunk);
            chunk = '';
          }
        }
        parts.push(chunk);
        return parts;
      },
      [rows, features] as const,
    ),
  );
  await expect(cellOfKind(page, 'data').getByTestId('dataset-summary')).toContainText(
    `${rows.toLocaleString('en-US')} rows`,
    { timeout: 120_000 },
  );
  await settled(page);
}

/** Clicks the Run button of the cell of `kind` from the page (no Playwright checks in it). */
async function run(page: Page, kind: string): Promise<void> {
  await page.evaluate(
    (kind) =>
      document
        .querySelector<HTMLButtonElement>(`[data-kind="${kind}"] [data-testid="run-cell"]`)!
        .click(),
    kind,
  );
}

/** Waits, polling from the page, until `selector` matches. */
async function appears(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => document.querySelector(s) !== null, selector, {
    polling: 100,
    timeout: 180_000,
  });
}

/**
 * Scrolls the chart in `selector` into view from the page, waits until it has
 * rendered, and checks that no task of its drawing froze the page. A chart
 * draws on the main thread in one task (Vega), so its tasks are held to the
 * charts' guard (e2e/charts.spec.ts) rather than to expectPageFree's share of
 * a window, which one draw of a few tenths of a second's window would exceed.
 */
async function chartRendered(page: Page, selector: string, what: string): Promise<void> {
  const t0 = await now(page);
  await page.evaluate((s) => document.querySelector(s)!.scrollIntoView(), selector);
  await appears(page, `${selector} [data-chart="rendered"]`);
  const t1 = await now(page);
  const during = (await longTasks(page)).filter((t) => t.start >= t0 && t.start <= t1);
  console.log(
    `${what}: long tasks (ms): ${during.map((t) => t.duration.toFixed(0)).join(', ') || 'none'}`,
  );
  expect(
    during.filter((t) => t.duration > FREEZE_MS),
    `${what}: no task over ${FREEZE_MS} ms`,
  ).toEqual([]);
}

test('log-rank on 1,000,000 rows, Cox with its PH check and Weibull on 100,000 × 10: the page stays free', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await recordLongTasks(page);
  await openApp(page);

  // Log-rank: the sample notebook's Survival cell, on the million rows, grouped.
  await dropSurvivalCsv(page, 1_000_000, false);
  const survival = cellOfKind(page, 'survival');
  await expect(survival.getByTestId('duration-select')).toHaveValue('tenure_days');
  await survival.getByTestId('event-select').selectOption('churned');
  await settled(page);
  // The sample's grouping (channel) is gone with its column: no test yet.
  await expect(survival.getByTestId('test-summary')).toHaveCount(0);
  let t0 = await now(page);
  await page.evaluate(() => {
    const select = document.querySelector<HTMLSelectElement>(
      '[data-kind="survival"] [data-testid="group-select"]',
    )!;
    select.value = 'group';
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(
    () =>
      document
        .querySelector('[data-kind="survival"] [data-testid="test-summary"]')
        ?.textContent?.includes('Log-rank: χ² ='),
    null,
    { polling: 100, timeout: 180_000 },
  );
  let t1 = await now(page);
  await expectPageFree(page, t0, t1, 'Kaplan–Meier by group and the log-rank test, 1,000,000 rows');
  await chartRendered(
    page,
    '[data-kind="survival"] [data-testid="km-chart"]',
    'drawing the three curves',
  );
  await expect(survival.getByTestId('test-groups').locator('tbody tr')).toHaveCount(3);
  // b's and c's hazards are 1.1 and 1.25 times a's: on a million rows, far from chance.
  await expect(survival.getByTestId('test-summary')).toContainText('p < ');

  // Cox, Efron (the default), with its PH check, on 100,000 rows × 10 features.
  await dropSurvivalCsv(page, 100_000, true);
  await page.getByRole('button', { name: '+ Cox model' }).click();
  const cox = cellOfKind(page, 'cox');
  await cox.getByTestId('duration-select').selectOption('tenure_days');
  await cox.getByTestId('event-select').selectOption('churned');
  for (const name of FEATURES)
    await cox.getByTestId('features').getByLabel(name, { exact: true }).check();
  await expect(cox.getByTestId('ties-select')).toHaveValue('efron');
  await expect(cox.getByTestId('cell-reason')).toContainText('press Run');
  t0 = await now(page);
  await run(page, 'cox');
  await appears(page, '[data-kind="cox"] [data-testid="ph-table"]');
  t1 = await now(page);
  await expectPageFree(page, t0, t1, 'Cox (Efron) with cox.zph, 100,000 rows × 15 coefficients');
  await chartRendered(
    page,
    '[data-kind="cox"] [data-testid="ph-chart"]',
    'drawing the scaled residuals',
  );
  await settled(page);
  await expect(cox.getByTestId('hazard-ratios').locator('tr[data-coefficient]')).toHaveCount(15);
  await expect(cox.getByTestId('ph-table')).toContainText('Global');

  // Weibull (and the three other distributions, one job) drawn over Kaplan–Meier.
  await page.getByRole('button', { name: '+ Parametric survival' }).click();
  const parametric = cellOfKind(page, 'parametric');
  await parametric.getByTestId('duration-select').selectOption('tenure_days');
  await parametric.getByTestId('event-select').selectOption('churned');
  for (const name of FEATURES)
    await parametric.getByTestId('features').getByLabel(name, { exact: true }).check();
  await expect(parametric.getByTestId('cell-reason')).toContainText('press Run');
  t0 = await now(page);
  await run(page, 'parametric');
  await appears(page, '[data-kind="parametric"] [data-testid="distribution-table"]');
  t1 = await now(page);
  await expectPageFree(page, t0, t1, 'Weibull AFT (with the other three), 100,000 rows × 10');
  await chartRendered(
    page,
    '[data-kind="parametric"] [data-testid="parametric-chart"]',
    'drawing Weibull over Kaplan–Meier',
  );
  await settled(page);
  await expect(parametric.getByTestId('coefficients')).toHaveAttribute(
    'data-distribution',
    'weibull',
  );
  await expect(parametric.getByTestId('distribution-table').locator('tbody tr')).toHaveCount(4);
});
