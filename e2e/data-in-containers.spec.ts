// Data in, containers and formats (tests/fixtures/bad, make-bad-containers.py;
// see its README): gzip and zip around a CSV dropped on the Data cell load;
// broken and hostile archives, and workbooks that are zip bombs, get their
// message in the current language quickly, and nothing is stored; a Parquet
// file with nested columns loads its flat columns with a warning.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { cellOfKind, expect, openApp, test } from './fixtures';

const BAD = join(import.meta.dirname, '..', 'tests', 'fixtures', 'bad');

const REFUSED: [file: string, message: string][] = [
  [
    'truncated.csv.gz',
    'This file is gzip-compressed, but its compressed data is damaged or cut short, so it can’t be unpacked.',
  ],
  [
    'two-csvs.zip',
    'The zip archive holds 2 data files (export/2023.csv, export/2024.csv). Unzip it and import one file at a time.',
  ],
  [
    'encrypted.zip',
    '“secret.csv” in the zip archive is password-protected. Unzip it with its password and import the file inside.',
  ],
  [
    'nested-three.zip',
    '“inner.zip” is packed inside more than 2 layers of archives. Unpack it and import the data file.',
  ],
  ['empty.zip', 'The zip archive holds no data file.'],
  [
    'damaged.zip',
    'This file is a zip archive, but it is damaged or cut short, so it can’t be unpacked.',
  ],
  [
    'bomb.xlsx',
    '“xl/worksheets/sheet1.xml” unpacks to more than 200 times its compressed size, as a zip bomb does; it was not read.',
  ],
  [
    'deep.xlsx',
    'The workbook’s “xl/worksheets/sheet1.xml” nests XML elements more than 64 levels deep, which no spreadsheet needs; it was not read.',
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

test('gzip and zip around a CSV load; the zip names the file it read', async ({ page }) => {
  await openApp(page);
  const stored = await openStorage(page);
  const cell = dataCell(page);
  for (const file of [
    'sales.csv.gz',
    'gzip-inside.csv',
    'sales.tsv.gz',
    'one-csv.zip',
    'csv-gz-inside.zip',
  ]) {
    const before = await stored.count();
    await drop(page, file);
    await expect(cell.getByTestId('dataset-summary'), file).toContainText('5 rows × 3 columns');
    await expect(cell.getByTestId('preview').locator('th').first(), file).toContainText(
      'customer_id',
    );
    await expect(stored, file).toHaveCount(before + 1);
  }
  await drop(page, 'one-csv.zip');
  await expect(cell.locator('[data-code="archive.read-entry"]')).toHaveText(
    'Read “export/sales.csv” from the archive.',
  );
});

test('each refused archive gets its message quickly; nothing is stored', async ({ page }) => {
  await openApp(page);
  const stored = await openStorage(page);
  const before = await stored.allTextContents();
  const cell = dataCell(page);
  for (const [file, message] of REFUSED) {
    await drop(page, file);
    await expect(cell.getByTestId('cell-error'), file).toHaveText(message, { timeout: 10_000 });
    await expect(stored, file).toHaveCount(before.length);
  }
  expect(await stored.allTextContents()).toEqual(before);
});

test('a Parquet file with list, struct and map columns loads, nested values as JSON text', async ({
  page,
}) => {
  await openApp(page);
  await drop(page, 'nested-columns.parquet');
  const cell = dataCell(page);
  await expect(cell.getByTestId('dataset-summary')).toContainText('3 rows × 5 columns');
  await expect(cell.locator('[data-code="parquet.nested-as-text"]')).toHaveText(
    'Columns holding nested data (lists, maps or structs) are kept as JSON text: tags, address, limits.',
  );
  await expect(cell.getByTestId('preview').locator('tbody tr').first()).toContainText(
    '{"city":"Leeds","zip":1}',
  );
});

test('archive messages come in 简体中文', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('locale').selectOption('zh-CN');
  await drop(page, 'bomb.xlsx');
  await expect(dataCell(page).getByTestId('cell-error')).toHaveText(
    '“xl/worksheets/sheet1.xml”解压后超过其压缩大小的 200 倍，这是压缩炸弹的特征；未读取该文件。',
  );
  await drop(page, 'two-csvs.zip');
  await expect(dataCell(page).getByTestId('cell-error')).toHaveText(
    '该 zip 压缩包中有 2 个数据文件（export/2023.csv, export/2024.csv）。请解压后逐个导入。',
  );
});
