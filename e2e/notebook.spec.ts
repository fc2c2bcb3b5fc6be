// The walking skeleton end to end: sample data → IndexedDB → worker →
// Kaplan–Meier on screen, and the notebook operations around it.
import { readFileSync } from 'node:fs';
import { cellOfKind, cells, expect, openApp, settled, test } from './fixtures';

const LUNG = readFileSync(
  new URL('../tests/fixtures/datasets/lifelines__lung.csv', import.meta.url),
);

test('first start shows the sample insurance notebook with a survival curve', async ({ page }) => {
  await openApp(page);
  await expect(cells(page)).toHaveCount(3);
  await expect(cellOfKind(page, 'data')).toContainText('rows');
  await expect(cellOfKind(page, 'profile').getByTestId('profile')).toBeVisible();
  const survival = cellOfKind(page, 'survival');
  // Charts render when they come into view; dense ones draw on canvas, small ones in SVG.
  await survival.getByTestId('km-chart').scrollIntoViewIfNeeded();
  await expect(survival.getByTestId('km-chart').locator('canvas, svg').first()).toBeVisible();
  await expect(survival.getByTestId('risk-table')).toBeVisible();
  await expect(survival.getByTestId('median-table').locator('tbody tr')).not.toHaveCount(0);
  // The shipped third-party sample is credited where it is offered.
  await page.getByTestId('sample-select').selectOption('telco');
  const credit = page.getByTestId('sample-description');
  await expect(credit).toContainText('Apache-2.0');
  await expect(credit.getByRole('link')).toHaveAttribute(
    'href',
    'https://github.com/IBM/telco-customer-churn-on-icp4d',
  );
});

test('a dropped CSV is parsed, stored, profiled and analysed', async ({ page }) => {
  await openApp(page);
  const data = cellOfKind(page, 'data');
  await data
    .getByTestId('file-input')
    .setInputFiles({ name: 'lung.csv', mimeType: 'text/csv', buffer: LUNG });
  await expect(data.getByTestId('dataset-summary')).toContainText('228 rows × 10 columns');
  await settled(page);
  await expect(cellOfKind(page, 'profile').locator('tr[data-column="time"]')).toBeVisible();

  const survival = cellOfKind(page, 'survival');
  await survival.getByTestId('duration-select').selectOption('time');
  await survival.getByTestId('event-select').selectOption('status');
  await survival.getByTestId('group-select').selectOption('');
  await settled(page);
  // R 4.2 / survival 3.5-3: print(survfit(Surv(time, status) ~ 1, data = lung)) gives
  // median 310, 0.95LCL 285, 0.95UCL 363.
  await expect(survival.getByTestId('median')).toHaveText('310');
  await expect(survival.getByTestId('median-table')).toContainText('285 – 363');
});

test('cells can be added, reordered, removed; dependants re-run on change', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: '+ Profile' }).click();
  await expect(cells(page)).toHaveCount(4);
  const added = cells(page).nth(3);
  await expect(added).toHaveAttribute('data-kind', 'profile');
  await added.getByRole('button', { name: 'Move up' }).click();
  await expect(cells(page).nth(2)).toHaveAttribute('data-kind', 'profile');
  await cells(page).nth(2).getByRole('button', { name: 'Remove cell' }).click();
  await expect(cells(page)).toHaveCount(3);

  // Changing the survival grouping re-runs the cell: one curve per group.
  const survival = cellOfKind(page, 'survival');
  await survival.getByTestId('group-select').selectOption('');
  await settled(page);
  await expect(survival.getByTestId('median-table').locator('tbody tr')).toHaveCount(1);

  // Changing the Data cell's dataset re-runs the cells that read it.
  await page.getByTestId('sample-select').selectOption('telco');
  await page.getByRole('button', { name: 'Load sample' }).click();
  await expect(cellOfKind(page, 'data').getByTestId('dataset-summary')).toContainText(
    '7,043 rows × 21 columns',
  );
  await settled(page);
  await expect(cellOfKind(page, 'profile').locator('tr[data-column="tenure"]')).toBeVisible();
  // The survival cell chose Telco's own columns instead of failing on the old ones.
  await expect(survival.getByTestId('duration-select')).toHaveValue('tenure');
  await expect(survival.getByTestId('event-select')).toHaveValue('Churn');
  await expect(survival.getByTestId('median-table').locator('tbody tr')).toHaveCount(1);
  await expect(survival.getByTestId('cell-error')).toHaveCount(0);
});

test('the notebook, settings and datasets survive a reload', async ({ page }) => {
  await openApp(page);
  const survival = cellOfKind(page, 'survival');
  await survival.getByTestId('group-select').selectOption('');
  await page.getByTestId('locale').selectOption('zh-CN');
  await settled(page);
  // Saving is asynchronous: reload once both changes are in IndexedDB (a
  // reload before that would rightly lose them, and a busy machine is slow).
  await page.waitForFunction(
    async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('lifecycle-lab');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const get = (store: string, key: string) =>
        new Promise<unknown>((resolve) => {
          const r = db.transaction(store).objectStore(store).get(key);
          r.onsuccess = () => resolve(r.result);
        });
      const locale = await get('settings', 'locale');
      const id = (await get('settings', 'currentNotebook')) as string;
      const doc = (await get('notebooks', id)) as {
        cells: { kind: string; settings: { group?: unknown } }[];
      };
      db.close();
      const survival = doc?.cells.find((c) => c.kind === 'survival');
      return locale === 'zh-CN' && survival?.settings.group === null;
    },
    null,
    { polling: 100 },
  );
  await page.reload();
  await settled(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('客户生命周期');
  await expect(cellOfKind(page, 'survival').getByTestId('group-select')).toHaveValue('');
  await expect(
    cellOfKind(page, 'survival').getByTestId('median-table').locator('tbody tr'),
  ).toHaveCount(1);
});

test('datasets can be deleted one by one and all at once', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Data in this browser' }).click();
  const panel = page.getByTestId('storage-panel');
  const before = await panel.getByTestId('stored-dataset').count();
  expect(before).toBeGreaterThan(0);
  await panel.getByTestId('stored-dataset').last().getByRole('button', { name: 'Delete' }).click();
  await expect(panel.getByTestId('stored-dataset')).toHaveCount(before - 1);
  await panel.getByTestId('delete-all').click();
  await expect(page.getByText('All local data was deleted.')).toBeVisible();
  await expect(panel.getByTestId('stored-dataset')).toHaveCount(0);
  const stored = await page.evaluate(async () => {
    const dbs = await indexedDB.databases();
    return dbs.length;
  });
  expect(stored).toBeLessThanOrEqual(1);
});

test('export and import a notebook; a malformed or hostile file changes nothing', async ({
  page,
}) => {
  await openApp(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export notebook' }).click(),
  ]);
  const text = readFileSync((await download.path())!, 'utf8');
  const doc = JSON.parse(text);
  expect(doc.format).toBe('lifecycle-lab-notebook');
  expect(doc.cells).toHaveLength(3);

  const importer = page.getByTestId('import-notebook');
  await importer.setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{not json'),
  });
  await expect(page.getByTestId('notice').last()).toContainText('not valid JSON');
  await expect(cells(page)).toHaveCount(3);

  const hostile = { ...doc, cells: [{ id: 'x', kind: 'rm -rf', settings: {} }] };
  await importer.setInputFiles({
    name: 'hostile.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(hostile)),
  });
  await expect(page.getByTestId('notice').last()).toContainText('Cell 1 has a kind');
  await expect(cells(page)).toHaveCount(3);

  // Import the exported notebook with one cell removed: it round-trips.
  const smaller = { ...doc, cells: doc.cells.slice(0, 2) };
  await importer.setInputFiles({
    name: 'nb.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(smaller)),
  });
  await expect(page.getByText('Notebook imported.')).toBeVisible();
  await expect(cells(page)).toHaveCount(2);

  // A notebook whose dataset is not stored here says which one is missing.
  const missingId = '00000000-0000-4000-8000-000000000000';
  const orphan = {
    ...doc,
    cells: doc.cells.map((c: { kind: string; settings: object }) =>
      c.kind === 'data' ? { ...c, settings: { ...c.settings, datasetId: missingId } } : c,
    ),
    datasets: [{ id: missingId, name: 'Policies from another laptop' }],
  };
  await importer.setInputFiles({
    name: 'orphan.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(orphan)),
  });
  await expect(page.getByTestId('notice').last()).toContainText('Policies from another laptop');
});

test('the interface switches to 简体中文', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(page.getByRole('button', { name: '导出笔记本' })).toBeVisible();
  await expect(cellOfKind(page, 'survival')).toContainText('中位生存时间');
  await page.getByTestId('locale').selectOption('en');
  await expect(page.getByRole('button', { name: 'Export notebook' })).toBeVisible();
});
