// Data in, delimited text and JSON as real systems export them
// (tests/fixtures/bad, make-bad-text.py; see its README): Excel's sep= first
// line, header rows repeated as data, pandas' missing markers, integers
// beyond 2^53, JSON cut short, and a file of 100,000 columns, dropped on the
// Data cell in Chromium, with their messages in English and 简体中文; the
// datasets stored before are still there, unchanged.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { cellOfKind, expect, openApp, settled, test } from './fixtures';
import { FREEZE_MS, longTasks, now, recordLongTasks } from './longTasks';

const BAD = join(import.meta.dirname, '..', 'tests', 'fixtures', 'bad');

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

/** A CSV of `width` columns (c1, c2 …) and one row, dropped as a file made in the test. */
async function dropWide(page: Page, width: number) {
  const header = Array.from({ length: width }, (_, j) => `c${j + 1}`).join(',');
  const row = Array.from({ length: width }, (_, j) => j % 7).join(',');
  await dataCell(page)
    .getByTestId('file-input')
    .setInputFiles({
      name: `wide-${width}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(`${header}\n${row}\n`),
    });
}

const LOADED: [file: string, summary: string, code: string, message: string][] = [
  [
    'sep-semicolon.csv',
    '4 rows × 3 columns',
    'csv.sep-line',
    'The first line “sep=;” (written by Excel) names the delimiter: it was used, and the line was skipped.',
  ],
  [
    'sep-quoted-bom.csv',
    '3 rows × 3 columns',
    'csv.sep-line',
    'The first line “sep=,” (written by Excel) names the delimiter: it was used, and the line was skipped.',
  ],
  [
    'sep-tab.csv',
    '3 rows × 2 columns',
    'csv.sep-line',
    'The first line “sep=\\t” (written by Excel) names the delimiter: it was used, and the line was skipped.',
  ],
  [
    'sep-pipe.csv',
    '3 rows × 3 columns',
    'csv.sep-line',
    'The first line “sep=|” (written by Excel) names the delimiter: it was used, and the line was skipped.',
  ],
  [
    'repeated-header.csv',
    '11 rows × 4 columns',
    'csv.repeated-header',
    'Rows repeating the header row, as on each page of a printout or in exports put together, were dropped: 2 (first: row 7).',
  ],
  [
    'two-exports.csv',
    '8 rows × 4 columns',
    'csv.repeated-header',
    'Rows repeating the header row, as on each page of a printout or in exports put together, were dropped: 1 (first: row 6).',
  ],
  [
    'missing-markers.csv',
    '10 rows × 5 columns',
    'ingest.missing-markers',
    'Values read as missing — premium: “None”, “NULL”, “#N/A”, “-nan”, “<NA>”, “1.#QNAN”, “n/a”; claims: “#NA”, “-1.#IND”, “#N/A N/A”, “-NaN”, “1.#IND”; plan: “None”, “n/a”, “NA”; joined: “NULL”, “None”.',
  ],
  [
    'wide-integers.csv',
    '3 rows × 3 columns',
    'ingest.integers-as-text',
    'Column “account_no” holds whole numbers too large to store exactly as numbers (row 2: “123456789012345678901234567890”); it was read as text so no digits are lost.',
  ],
  [
    'wide-integers.json',
    '3 rows × 3 columns',
    'ingest.integers-as-text',
    'Column “account_no” holds whole numbers too large to store exactly as numbers (row 1: “123456789012345678901234567890”); it was read as text so no digits are lost.',
  ],
  [
    'wide-integers.xlsx',
    '3 rows × 3 columns',
    'ingest.integers-as-text',
    'Column “account_no” holds whole numbers too large to store exactly as numbers (row 2: “123456789012345678901234567890”); it was read as text so no digits are lost.',
  ],
  [
    'wide-integers-signed.csv',
    '3 rows × 2 columns',
    'ingest.integers-as-text',
    'Column “account_no” holds whole numbers too large to store exactly as numbers (row 2: “-123456789012345678901234567890”); it was read as text so no digits are lost.',
  ],
];

const TRUNCATED: [file: string, line: number][] = [
  ['truncated-array.json', 2],
  ['truncated-object.json', 3],
  ['truncated-string.json', 1],
  ['truncated.ndjson', 3],
];

test('each file loads with its note; the datasets stored before are unchanged', async ({
  page,
}) => {
  await openApp(page);
  const stored = await openStorage(page);
  const before = await stored.allTextContents();
  expect(before.length).toBeGreaterThan(0);
  const cell = dataCell(page);
  for (const [file, summary, code, message] of LOADED) {
    const count = await stored.count();
    await drop(page, file);
    await expect(cell.getByTestId('dataset-summary'), file).toContainText(summary);
    await expect(cell.locator(`[data-code="${code}"]`), file).toHaveText(message);
    await expect(stored, file).toHaveCount(count + 1);
  }
  const after = await stored.allTextContents();
  for (const entry of before) expect(after).toContain(entry);
});

test('what the reader found shows in the data: the sep= delimiter, no header rows, missing values, every digit', async ({
  page,
}) => {
  await openApp(page);
  const cell = dataCell(page);
  const preview = cell.getByTestId('preview');

  await drop(page, 'sep-semicolon.csv');
  await expect(cell.getByTestId('dataset-summary')).toContainText('4 rows × 3 columns');
  await expect(preview.locator('th')).toHaveCount(3);
  await expect(preview.locator('th').first()).toContainText('customer_id');
  await expect(preview.locator('tbody tr').first()).toContainText('1234.5');

  await drop(page, 'repeated-header.csv');
  await expect(cell.getByTestId('dataset-summary')).toContainText('11 rows × 4 columns');
  await expect(preview.locator('tbody')).not.toContainText('customer_id');
  await cell.getByText('Column types').click();
  const types = cell.getByTestId('column-types');
  await expect(types.locator('tr[data-column="premium"]')).toContainText(/decimal/i);
  await expect(types.locator('tr[data-column="joined"]')).toContainText(/date/i);

  await drop(page, 'wide-integers-signed.csv');
  await expect(preview.locator('tbody tr').first()).toContainText(
    '-123456789012345678901234567890',
  );
});

test('JSON cut short says that the file ends before the JSON does; nothing is stored', async ({
  page,
}) => {
  await openApp(page);
  const stored = await openStorage(page);
  const before = await stored.allTextContents();
  const cell = dataCell(page);
  for (const [file, line] of TRUNCATED) {
    await drop(page, file);
    await expect(cell.getByTestId('cell-error'), file).toHaveText(
      `The file ends before the JSON does (line ${line}): it was probably cut short while being saved or downloaded.`,
    );
    await expect(stored, file).toHaveCount(before.length);
  }
  // JSON broken in the middle keeps its own message, with the line.
  await drop(page, 'bad.ndjson');
  await expect(cell.getByTestId('cell-error')).toHaveText('The JSON is not valid (near line 3).');
  expect(await stored.allTextContents()).toEqual(before);
});

test('100,000 columns are refused at once; 16,384 load and the Profile view stays free', async ({
  page,
}) => {
  await recordLongTasks(page);
  await openApp(page);
  // The Survival cell would only wait for columns the wide file lacks.
  await cellOfKind(page, 'survival').getByRole('button', { name: 'Remove cell' }).click();
  const stored = await openStorage(page);
  const before = await stored.allTextContents();
  const cell = dataCell(page);

  await dropWide(page, 100_000);
  // "At once": well inside the default timeout, where loading took 19–30 s.
  await expect(cell.getByTestId('cell-error')).toHaveText(
    'This file has 100,000 columns; at most 16,384 can be read (as many as an Excel sheet holds). Keep the columns you need and import it again.',
    { timeout: 5_000 },
  );
  expect(await stored.allTextContents()).toEqual(before);

  const t0 = await now(page);
  await dropWide(page, 16_384);
  await expect(cell.getByTestId('dataset-summary')).toContainText('1 rows × 16,384 columns', {
    timeout: 60_000,
  });
  // Waited for by a CSS locator: a text search over the page would itself be long tasks.
  const profile = cellOfKind(page, 'profile');
  await expect(profile.locator('tr[data-column]')).toHaveCount(60, { timeout: 60_000 });
  await settled(page);
  // No frozen page (FREEZE_MS). Not expectPageFree's share of busy time: this
  // work is short (~2 s) and mostly rendering, where the share says little.
  const t1 = await now(page);
  const during = (await longTasks(page)).filter((t) => t.start >= t0 && t.start <= t1);
  console.log(
    `16,384 columns loaded and profiled in ${(t1 - t0).toFixed(0)} ms; long tasks (ms): ${
      during.map((t) => t.duration.toFixed(0)).join(', ') || 'none'
    }`,
  );
  expect(during.filter((t) => t.duration > FREEZE_MS)).toEqual([]);
  await expect(
    profile.getByText('Showing 60 of 16,384 columns; type to find others.'),
  ).toBeVisible();
  await profile.getByTestId('profile-filter').fill('c16384');
  await expect(profile.locator('tr[data-column="c16384"]')).toBeVisible();
});

test('the messages in 简体中文', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('locale').selectOption('zh-CN');
  const cell = dataCell(page);
  await drop(page, 'sep-semicolon.csv');
  await expect(cell.locator('[data-code="csv.sep-line"]')).toHaveText(
    '首行“sep=;”（Excel 写入）指定了分隔符：已按它读取，并跳过该行。',
  );
  await drop(page, 'repeated-header.csv');
  await expect(cell.locator('[data-code="csv.repeated-header"]')).toHaveText(
    '有 2 行（首个为第 7 行）重复了表头（如打印稿每页的表头，或多份导出拼接而成），已删除。',
  );
  await drop(page, 'missing-markers.csv');
  await expect(cell.locator('[data-code="ingest.missing-markers"]')).toHaveText(
    '读作缺失值的标记——premium: “None”, “NULL”, “#N/A”, “-nan”, “<NA>”, “1.#QNAN”, “n/a”; claims: “#NA”, “-1.#IND”, “#N/A N/A”, “-NaN”, “1.#IND”; plan: “None”, “n/a”, “NA”; joined: “NULL”, “None”。',
  );
  await drop(page, 'wide-integers-signed.csv');
  await expect(cell.locator('[data-code="ingest.integers-as-text"]')).toContainText(
    '-123456789012345678901234567890',
  );
  await drop(page, 'truncated.ndjson');
  await expect(cell.getByTestId('cell-error')).toHaveText(
    '文件在 JSON 结束之前就结束了（第 3 行）：可能在保存或下载时被截断。',
  );
  await dropWide(page, 100_000);
  await expect(cell.getByTestId('cell-error')).toHaveText(
    '此文件有 100,000 列，最多可读取 16,384 列（与 Excel 工作表的上限相同）。请只保留需要的列后重新导入。',
    { timeout: 5_000 },
  );
});
