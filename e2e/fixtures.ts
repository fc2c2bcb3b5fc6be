// Shared e2e fixtures: every test's page is watched for console errors,
// uncaught exceptions and any request that leaves the page's own origin;
// each test ends by asserting there were none.
import { test as base, expect, type JSHandle, type Page } from '@playwright/test';

export interface Watch {
  consoleErrors: string[];
  offOrigin: string[];
}

export function watchPage(page: Page, origin: string): Watch {
  const watch: Watch = { consoleErrors: [], offOrigin: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') watch.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => watch.consoleErrors.push(String(error)));
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (new URL(url).origin !== origin) watch.offOrigin.push(url);
  });
  page.on('dialog', (dialog) => void dialog.accept());
  return watch;
}

export const test = base.extend<{ watch: Watch }>({
  watch: [
    async ({ page, baseURL }, use) => {
      const watch = watchPage(page, new URL(baseURL!).origin);
      await use(watch);
      expect(watch.consoleErrors, 'console errors').toEqual([]);
      expect(watch.offOrigin, 'requests off the page origin').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens the app and waits until the notebook's cells have all finished running. */
export async function openApp(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.getByTestId('cell').first()).toBeVisible();
  await settled(page);
}

/** Waits until no cell is running. */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('[data-testid="cell"][data-status="running"]')).toHaveCount(0);
}

export function cells(page: Page) {
  return page.getByTestId('cell');
}

export function cellOfKind(page: Page, kind: string, nth = 0) {
  return page.locator(`[data-testid="cell"][data-kind="${kind}"]`).nth(nth);
}

/**
 * Hands the Data cell's file input a file made of `parts`, text built inside
 * the page (with page.evaluateHandle), so a large file never travels from the
 * test runner nor sits in the page as one string.
 */
export async function dropBuiltFile(
  page: Page,
  name: string,
  parts: JSHandle<string[]>,
): Promise<void> {
  await page.evaluate(
    ([parts, name]) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="file-input"]')!;
      const transfer = new DataTransfer();
      transfer.items.add(new File(parts, name, { type: 'text/csv' }));
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    [parts, name] as const,
  );
  await parts.dispose();
}
