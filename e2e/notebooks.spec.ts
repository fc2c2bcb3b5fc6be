// The notebook as a document the app keeps: results that survive a reload
// without recomputing, edits the schema refuses, a stored notebook that
// fails to load, several notebooks in one browser, cells that lose their input.
import { cellOfKind, cells, expect, openApp, settled, test } from './fixtures';

/** Counts, in the page, every request posted to a worker (cancels aside). */
const COUNT_REQUESTS = () => {
  const counts = { requests: 0, types: [] as string[] };
  (window as unknown as { __requests: typeof counts }).__requests = counts;
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: never[]) {
    const type = (message as { type?: string } | null)?.type;
    if (type && !['cancel', 'pause', 'resume', 'stop'].includes(type)) {
      counts.requests++;
      counts.types.push(type);
    }
    return post.call(this, message, ...rest);
  } as typeof post;
};

test('a reload shows every result without a single compute request', async ({ page }) => {
  await page.addInitScript(COUNT_REQUESTS);
  await openApp(page);
  await expect(cellOfKind(page, 'survival').getByTestId('median-table')).toBeVisible();
  const first = await page.evaluate(
    () => (window as never as { __requests: { requests: number } }).__requests.requests,
  );
  expect(first).toBeGreaterThan(0);

  await page.reload();
  await expect(cells(page)).toHaveCount(3);
  await settled(page);
  const survival = cellOfKind(page, 'survival');
  await expect(survival.getByTestId('median-table').locator('tbody tr')).not.toHaveCount(0);
  await expect(cellOfKind(page, 'profile').getByTestId('profile')).toBeVisible();
  await expect(cellOfKind(page, 'data').getByTestId('preview')).toBeVisible();
  const after = await page.evaluate(
    () => (window as never as { __requests: { types: string[] } }).__requests.types,
  );
  expect(after).toEqual([]);
});

test('an edit the schema refuses is refused with its reason and never saved', async ({ page }) => {
  await openApp(page);
  const title = page.getByTestId('notebook-title');
  await title.fill('x'.repeat(10_001));
  await title.press('Enter');
  await expect(page.getByTestId('notice').last()).toContainText('That change was not saved');
  await page.reload();
  await settled(page);
  await expect(page.getByTestId('notebook-title')).toHaveValue('Lapse analysis');
});

test('a stored notebook that fails to load is kept, explained and offered for export', async ({
  page,
}) => {
  await openApp(page);
  // Damage the open notebook in storage, as a newer version of the app would have written it.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('lifecycle-lab');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction(['notebooks', 'settings'], 'readwrite');
    const id = await new Promise<string>((resolve) => {
      const r = tx.objectStore('settings').get('currentNotebook');
      r.onsuccess = () => resolve(r.result as string);
    });
    const doc = await new Promise<Record<string, unknown>>((resolve) => {
      const r = tx.objectStore('notebooks').get(id);
      r.onsuccess = () => resolve(r.result as Record<string, unknown>);
    });
    tx.objectStore('notebooks').put({ ...doc, version: 99 });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
  });
  await page.reload();
  const broken = page.getByTestId('broken-notebook');
  await expect(broken).toContainText('cannot be opened');
  await expect(broken).toContainText('format 99');
  const download = page.waitForEvent('download');
  await broken.getByRole('button', { name: 'Export it as a file' }).click();
  const file = await (await download).path();
  const { readFileSync } = await import('node:fs');
  expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(99);
  // Reloading again still finds it, unchanged, and nothing replaced it.
  await page.reload();
  await expect(page.getByTestId('broken-notebook')).toBeVisible();
  await page.getByTestId('notebooks-button').click();
  await expect(page.getByTestId('stored-notebook')).toHaveCount(1);
  await expect(page.getByTestId('stored-notebook')).toContainText('cannot be opened');
});

test('several notebooks: create, rename, duplicate, open, delete', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('notebook-title').fill('Motor lapse 2026');
  await page.getByTestId('notebook-title').press('Enter');
  await page.getByTestId('notebooks-button').click();
  const panel = page.getByTestId('notebooks-panel');
  await expect(panel.getByTestId('stored-notebook')).toHaveCount(1);
  await expect(panel).toContainText('Motor lapse 2026');

  await panel.getByRole('button', { name: 'Duplicate' }).click();
  await expect(page.getByTestId('notebook-title')).toHaveValue('Motor lapse 2026 (copy)');
  await expect(panel.getByTestId('stored-notebook')).toHaveCount(2);
  // The copy shows the same results at once: they are keyed by what made them.
  await settled(page);
  await expect(cellOfKind(page, 'survival').getByTestId('median-table')).toBeVisible();

  await panel.getByTestId('new-notebook').click();
  await expect(page.getByTestId('notebook-title')).toHaveValue('Untitled notebook');
  await expect(panel.getByTestId('stored-notebook')).toHaveCount(3);

  const original = panel
    .getByTestId('stored-notebook')
    .filter({ has: page.getByText('Motor lapse 2026', { exact: true }) });
  await original.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByTestId('notebook-title')).toHaveValue('Motor lapse 2026');
  await original.getByRole('button', { name: 'Delete' }).click();
  await expect(panel.getByTestId('stored-notebook')).toHaveCount(2);
  await expect(page.getByTestId('notebook-title')).not.toHaveValue('Motor lapse 2026');
});

test('a cell moved above its input says so, and its input menu offers only cells above it', async ({
  page,
}) => {
  await openApp(page);
  const survival = cellOfKind(page, 'survival');
  await survival.getByRole('button', { name: 'Move up' }).click();
  await survival.getByRole('button', { name: 'Move up' }).click();
  await expect(cells(page).first()).toHaveAttribute('data-kind', 'survival');
  await settled(page);
  await expect(survival.getByTestId('cell-reason')).toContainText('Its input is now below it');
  await expect(survival.getByTestId('km-chart')).toHaveCount(0);
  await expect(survival.getByTestId('input-select').locator('option')).toHaveCount(1);
  await survival.getByRole('button', { name: 'Move down' }).click();
  await survival.getByRole('button', { name: 'Move down' }).click();
  await settled(page);
  await expect(survival.getByTestId('km-chart')).toBeVisible();
});
