// Data in: every file of the bad-input corpus (tests/fixtures/bad, see its
// README) dropped on the Data cell gets its message in the current language,
// the app keeps working, stored datasets stay, and nothing partial is stored.
// Also: import options and re-import, encodings, type overrides with counted
// invalid values, a 10,000-column file, and a full disk (a tiny quota).
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { cellOfKind, dropBuiltFile, expect, openApp, settled, test } from './fixtures';

const BAD = join(import.meta.dirname, '..', 'tests', 'fixtures', 'bad');

/** Refused files and the message each one gets (en), as tests/fixtures/bad/README.md lists. */
const REFUSED: [file: string, message: string][] = [
  ['empty.csv', 'The file is empty.'],
  ['header-only.csv', 'The file has a header row but no data rows.'],
  ['ragged.csv', 'Row 4 has 5 fields; expected 3.'],
  ['unterminated-quote.csv', 'A quoted field starting in row 3 is never closed.'],
  ['binary.bin', 'This file is not a text (CSV) file.'],
  [
    'old-excel.xls',
    'This is an old binary Excel file (.xls), which can’t be read here. Open it in Excel or WPS and save it as .xlsx or CSV, then import that.',
  ],
  ['bad.ndjson', 'The JSON is not valid (near line 3).'],
  [
    'not-records.json',
    'The JSON file is not a list of records. Expected an array of objects, e.g. [{"id": 1, …}, …].',
  ],
];

function dataCell(page: Page) {
  return cellOfKind(page, 'data');
}

async function openStorage(page: Page) {
  await page.getByRole('button', { name: /Data in this browser|本浏览器中的数据/ }).click();
  return page.getByTestId('storage-panel').getByTestId('stored-dataset');
}

async function drop(page: Page, file: string) {
  await dataCell(page).getByTestId('file-input').setInputFiles(join(BAD, file));
}

test('each refused file gets its message; nothing partial is stored; the app keeps working', async ({
  page,
}) => {
  await openApp(page);
  const stored = await openStorage(page);
  const before = await stored.allTextContents();
  expect(before.length).toBeGreaterThan(0);
  const cell = dataCell(page);

  for (const [file, message] of REFUSED) {
    await drop(page, file);
    await expect(cell.getByTestId('cell-error'), file).toHaveText(message);
    await expect(stored, file).toHaveCount(before.length);
  }
  expect(await stored.allTextContents()).toEqual(before);

  // Another cell still runs.
  const profile = cellOfKind(page, 'profile');
  await profile.getByRole('button', { name: 'Re-run' }).click();
  await settled(page);
  await expect(profile.locator('tr[data-column]').first()).toBeVisible();
  // And a stored dataset still loads.
  const select = cell.getByTestId('dataset-select');
  const first = await select.locator('option').nth(1).getAttribute('value');
  await select.selectOption(first!);
  await expect(cell.getByTestId('preview')).toBeVisible();
  await expect(cell.getByTestId('cell-error')).toHaveCount(0);
});

test('messages come in the current language (简体中文)', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('locale').selectOption('zh-CN');
  await drop(page, 'ragged.csv');
  await expect(dataCell(page).getByTestId('cell-error')).toHaveText(
    '第 4 行有 5 个字段，应为 3 个。',
  );
  await drop(page, 'empty.csv');
  await expect(dataCell(page).getByTestId('cell-error')).toHaveText('文件为空。');
});

test('blank and repeated column names are renamed and reported', async ({ page }) => {
  await openApp(page);
  const stored = await openStorage(page);
  const before = await stored.count();
  await drop(page, 'duplicate-and-blank-headers.csv');
  const cell = dataCell(page);
  await expect(cell.getByTestId('dataset-summary')).toContainText('2 rows × 5 columns');
  await expect(cell.getByTestId('ingest-warning')).toHaveText([
    'Blank column names were named column_3, column_5.',
    'Repeated column names were given suffixes: name.',
  ]);
  const headers = cell.getByTestId('preview').locator('th');
  await expect(headers).toHaveCount(5);
  await expect(headers.nth(2)).toContainText('column_3');
  await expect(headers.nth(3)).toContainText('name_2');
  await expect(stored).toHaveCount(before + 1);
});

test('GBK text is detected and shown; forcing UTF-8 reports replaced characters; re-import fixes it', async ({
  page,
}) => {
  await openApp(page);
  await drop(page, 'gbk-mislabelled.csv');
  const cell = dataCell(page);
  await expect(cell.getByTestId('dataset-summary')).toContainText('40 rows × 5 columns');
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: gb18030 (guessed)');
  await expect(cell.getByTestId('preview').locator('th').first()).toContainText('客户编号');
  await expect(cell.getByTestId('preview').locator('tbody tr').first()).toContainText('张伟');

  await cell.getByText('Import options').click();
  await cell.getByTestId('option-encoding').selectOption('utf-8');
  await cell.getByTestId('reimport').click();
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: utf-8');
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toContainText(
    'could not be decoded as utf-8 and were replaced',
  );

  await cell.getByTestId('option-encoding').selectOption('gb18030');
  await cell.getByTestId('reimport').click();
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: gb18030');
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveCount(0);
  await expect(cell.getByTestId('preview').locator('th').first()).toContainText('客户编号');
});

test('NaN is missing, Infinity is not a number: text until overridden, then counted as not readable', async ({
  page,
}) => {
  await openApp(page);
  const stored = await openStorage(page);
  await drop(page, 'nan-infinity.csv');
  const cell = dataCell(page);
  await expect(cell.getByTestId('dataset-summary')).toContainText('6 rows × 3 columns');
  const count = await stored.count();
  const types = cell.getByTestId('column-types');
  const value = types.locator('tr[data-column="value"]');
  const score = types.locator('tr[data-column="score"]');
  await expect(value.getByTestId('column-type')).toHaveValue('categorical');
  await expect(score.getByTestId('column-type')).toHaveValue('integer');
  await expect(score).toContainText('every value is a whole number');

  await value.getByTestId('column-type').selectOption('decimal');
  await expect(cell.getByTestId('retype-report')).toHaveText(
    '“value” as decimal: 2 values converted, 3 did not fit and are now missing. For example: “Infinity”, “-Infinity”, “inf”',
  );
  await expect(value.getByTestId('invalid-count')).toHaveText('3');
  await expect(value).toContainText('Your choice (inferred: categorical).');
  await expect(cell.getByTestId('preview').locator('tbody tr').nth(0)).toContainText('1.5');
  await expect(stored).toHaveCount(count + 1);

  // Back to the inferred type: the original dataset again, the converted copy removed.
  await value.getByTestId('column-type').selectOption('categorical');
  await expect(cell.getByTestId('retype-report')).toHaveCount(0);
  await expect(cell.getByTestId('preview').locator('tbody tr').nth(2)).toContainText('Infinity');
  await expect(stored).toHaveCount(count);
});

test('a file with 10,000 columns loads and the page stays usable', async ({ page }) => {
  await openApp(page);
  // The Survival cell would only wait for columns the wide file lacks.
  await cellOfKind(page, 'survival').getByRole('button', { name: 'Remove cell' }).click();
  await expect(page.getByTestId('cell')).toHaveCount(2);
  await page.evaluate(() => {
    const width = 10_000;
    const header = Array.from({ length: width }, (_, j) => `c${j + 1}`).join(',');
    const rows = [0, 1, 2].map((i) => Array.from({ length: width }, (_, j) => i + j).join(','));
    const file = new File([[header, ...rows].join('\n') + '\n'], 'wide.csv', { type: 'text/csv' });
    const input = document.querySelector<HTMLInputElement>('[data-testid="file-input"]')!;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const cell = dataCell(page);
  await expect(cell.getByTestId('dataset-summary')).toContainText('3 rows × 10,000 columns', {
    timeout: 60_000,
  });
  await expect(cell.getByText('The preview shows the first 50 of 10,000 columns.')).toBeVisible({
    timeout: 60_000,
  });
  await expect(cell.getByTestId('preview').locator('th')).toHaveCount(50);
  await cell.getByText('Column types').click();
  await cell.getByTestId('column-filter').fill('c9999');
  await expect(cell.getByTestId('column-types').locator('tr[data-column="c9999"]')).toBeVisible();
  await cell.getByRole('button', { name: 'Re-run' }).click();
  await settled(page);
  await expect(cell.getByTestId('preview').locator('th')).toHaveCount(50);

  // The Profile cell profiles every column but renders a page of them, with a finder.
  const profile = cellOfKind(page, 'profile');
  await expect(
    profile.getByText('Showing 60 of 10,000 columns; type to find others.'),
  ).toBeVisible();
  await profile.getByTestId('profile-filter').fill('c9999');
  await expect(profile.locator('tr[data-column="c9999"]')).toBeVisible();
});

// A full disk. Chromium's own quota override (CDP Storage.overrideQuotaForOrigin)
// reports itself active in Chromium 156 but IndexedDB writes past it still
// succeed, so it cannot stand in for a full disk. Instead the worker script is
// served with a prefix that makes its IndexedDB refuse the second chunk of a
// dataset with the QuotaExceededError a full disk raises. The app's code is
// unchanged; the prefix exists only in this test's network route.
const FULL_DISK_PREFIX = `{
  const put = IDBObjectStore.prototype.put;
  let chunks = 0;
  IDBObjectStore.prototype.put = function (...args) {
    if (this.name === 'chunks' && ++chunks > 1)
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return put.apply(this, args);
  };
}
`;

// 100,000 rows are read in one pass; 400,000 (~14 MB) in parts, whose
// workers each write their own chunks and each meet the full disk.
for (const rows of [100_000, 400_000]) {
  test(`a file larger than the storage available gets the quota message and leaves nothing (${rows.toLocaleString('en-US')} rows)`, async ({
    page,
  }) => {
    // The samples are stored first; then the page reloads with the full disk.
    await openApp(page);
    await page.route('**/assets/compute.worker-*.js', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: FULL_DISK_PREFIX + (await response.text()) });
    });
    await page.reload();
    await expect(dataCell(page).getByTestId('preview')).toBeVisible();
    await settled(page);
    const stored = await openStorage(page);
    const before = await stored.allTextContents();
    // At least two Arrow chunks, so one is written before the disk is full.
    await dropBuiltFile(
      page,
      'big.csv',
      await page.evaluateHandle((rows) => {
        const lines: string[] = ['id,plan,premium,joined,note\n'];
        for (let i = 0; i < rows; i++)
          lines.push(
            `P${i},${['basic', 'plus', 'pro'][i % 3]},${(i * 37) % 5000},2020-01-${(i % 28) + 1},renewal\n`,
          );
        return lines;
      }, rows),
    );
    await expect(dataCell(page).getByTestId('cell-error')).toHaveText(
      'There is not enough storage space in this browser to save this. Delete datasets you no longer need, then try again. Nothing was saved.',
    );
    expect(await stored.allTextContents()).toEqual(before);
    const orphans = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('lifecycle-lab');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(['datasets', 'chunks', 'imports'], 'readonly');
            const datasets = tx.objectStore('datasets').getAllKeys();
            const chunks = tx.objectStore('chunks').getAllKeys();
            const imports = tx.objectStore('imports').count();
            tx.oncomplete = () => {
              db.close();
              const ids = new Set(datasets.result);
              const stray = (chunks.result as IDBValidKey[][]).filter((k) => !ids.has(k[0]));
              resolve(stray.length + imports.result);
            };
          };
        }),
    );
    expect(orphans, 'chunks or imports of no stored dataset').toBe(0);
    // The stored datasets still load.
    const select = dataCell(page).getByTestId('dataset-select');
    await select.selectOption((await select.locator('option').nth(1).getAttribute('value'))!);
    await expect(dataCell(page).getByTestId('preview')).toBeVisible();
  });
}

test('ambiguous day/month dates are asked about; Excel serial dates are read as dates', async ({
  page,
}) => {
  await openApp(page);
  const cell = dataCell(page);
  const csv = [
    'policy_id,issue_date,start_date,premium',
    'P1,01/02/2024,45296,1200',
    'P2,03/04/2024,45297,980',
    'P3,12/11/2023,44927,1500',
  ].join('\n');
  await cell
    .getByTestId('file-input')
    .setInputFiles({ name: 'dates.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(cell.getByTestId('dataset-summary')).toContainText('3 rows × 4 columns');
  const preview = cell.getByTestId('preview');
  // Excel day 45296 is 2024-01-05 (pandas: to_datetime(45296, unit='D', origin='1899-12-30')).
  await expect(preview.locator('tbody tr').first()).toContainText('2024-01-05');
  // 01/02/2024 fits both orders: read month first, and the user is asked.
  await expect(preview.locator('tbody tr').first()).toContainText('2024-01-02');
  const question = cell.getByTestId('date-order-question');
  await expect(question).toContainText('issue_date');
  await question.getByRole('button', { name: /Day first/ }).click();
  await expect(question).toHaveCount(0);
  await expect(preview.locator('tbody tr').first()).toContainText('2024-02-01');
  await expect(cell.getByTestId('option-date-order')).toHaveValue('dmy');
});
