// Charts stay off the main thread's long-task list: the default notebook's
// first load on a fresh profile, every chart rendered (lazily, one per task,
// dense ones on canvas), and a live chart that grows through a ChartStream.
//
// The growing chart needs a page no app cell makes yet: e2e/harness/charts.html,
// built here with the app's own vite.config.ts (same chunks, lean Vega and CSP)
// into a temporary folder and served on the app's origin under /lab/harness/
// by page.route, so that dist/ ships no test page.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { build } from 'vite';
import { expect, openApp, test } from './fixtures';
import { expectPageFree, longTasks, now, recordLongTasks } from './longTasks';

/** Scrolls down a viewport at a time, as a reader would, until the page's end. */
async function scrollThrough(page: Page): Promise<void> {
  for (;;) {
    const atEnd = await page.evaluate(() => {
      window.scrollBy(0, window.innerHeight * 0.8);
      return window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1;
    });
    await page.waitForTimeout(250);
    if (atEnd) return;
  }
}

// The target is no task over 100 ms on a quiet machine (measured on a quiet
// machine: 85 ms at most). This test guards at 250 ms so a busy two-core
// machine (CI beside other jobs: 123 ms seen) does not fail it, while the old
// first load (tasks of 1.0–1.6 s) would.
const FIRST_LOAD_GUARD_MS = 250;

test('first load of the default notebook: every chart renders, no long task (target 100 ms)', async ({
  page,
}) => {
  await recordLongTasks(page);
  await openApp(page);
  const charts = page.locator('[role="figure"][data-chart]');
  // Charts below the viewport wait for the reader, in placeholders.
  await expect(page.locator('[data-chart="waiting"]').last()).toBeAttached();

  await scrollThrough(page);
  await expect(page.locator('[data-chart="waiting"]')).toHaveCount(0);
  await expect(page.locator('[data-chart="failed"]')).toHaveCount(0);
  expect(await charts.count()).toBeGreaterThanOrEqual(20);
  // The Kaplan–Meier chart (thousands of steps and censorings) draws on canvas.
  await expect(page.getByTestId('km-chart').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('km-chart').locator('svg.marks')).toHaveCount(0);

  const tasks = await longTasks(page);
  console.log(`long tasks (ms): ${tasks.map((t) => t.duration.toFixed(0)).join(', ') || 'none'}`);
  expect(tasks.filter((t) => t.duration > FIRST_LOAD_GUARD_MS)).toEqual([]);
});

test.describe('a chart that grows', () => {
  let harness: string;

  test.beforeAll(async () => {
    harness = mkdtempSync(join(tmpdir(), 'lifecycle-chart-harness-'));
    await build({
      configFile: 'vite.config.ts',
      logLevel: 'warn',
      build: {
        outDir: harness,
        emptyOutDir: true,
        rollupOptions: { input: 'e2e/harness/charts.html' },
      },
    });
  });

  test.afterAll(() => rmSync(harness, { recursive: true, force: true }));

  /** Serves the harness build on the app's origin, under /lab/harness/. */
  async function serveHarness(page: Page): Promise<void> {
    await page.route('**/lab/harness/**', async (route) => {
      const path = new URL(route.request().url()).pathname.replace(/^\/lab\/harness\//, '');
      const file = normalize(join(harness, path));
      if (!file.startsWith(harness)) return route.fulfill({ status: 403 });
      const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
      try {
        await route.fulfill({
          body: readFileSync(file),
          contentType: type[extname(file) as keyof typeof type] ?? 'application/octet-stream',
        });
      } catch {
        await route.fulfill({ status: 404 });
      }
    });
  }

  test('a loss curve growing at 20 rows a second: never re-embedded, the page stays free', async ({
    page,
  }) => {
    await serveHarness(page);
    await recordLongTasks(page);
    await page.goto('./harness/e2e/harness/charts.html');
    const chart = page.getByRole('figure', { name: 'Training loss' });
    await expect(chart).toHaveAttribute('data-chart', 'rendered');
    // The epoch appended before the chart rendered: one point per series.
    const points = chart.locator('svg.marks .mark-symbol.role-mark path');
    await expect(points).toHaveCount(2);
    await chart
      .locator('svg.marks')
      .evaluate((svg) => ((svg as SVGElement & { original?: boolean }).original = true));

    const t0 = await now(page);
    const epochs = await page.evaluate(() =>
      (
        window as unknown as { harness: { grow(n: number, ms: number): Promise<number> } }
      ).harness.grow(80, 50),
    );
    const t1 = await now(page);
    expect(epochs).toBe(81);
    await expect(points).toHaveCount(2 * 81);
    // The same SVG element throughout: rows went in through changesets.
    expect(
      await chart
        .locator('svg.marks')
        .evaluate((svg) => (svg as SVGElement & { original?: boolean }).original),
    ).toBe(true);
    expect(t1 - t0).toBeGreaterThan(3500);

    await expectPageFree(page, t0, t1, 'a chart growing');
  });
});
