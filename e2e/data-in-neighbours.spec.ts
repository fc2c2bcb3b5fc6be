// Data in, the neighbours of issue 13's cases (tests/fixtures/bad,
// make-bad-encodings.py and make-bad-text.py; see its README): JSON in
// UTF-16 and UTF-32 not named .json, the JSON reader's undecodable bytes and
// mixed encodings, XLSX missing markers, a decimal column's whole number
// beyond 2^53, and rows numbered without Excel's sep= line, dropped on the
// Data cell in Chromium with their messages in English and 简体中文; the
// datasets stored before are still there, unchanged.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { cellOfKind, expect, openApp, settled, test } from './fixtures';

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

const WIDE = '123456789012345678901234567890';

// File, the encoding shown: each holds the 3 records of make-bad-encodings.py.
const WIDE_JSON: [file: string, encoding: string][] = [
  ['records-utf16le.txt', 'Encoding: utf-16le'],
  ['records-utf32be.txt', 'Encoding: utf-32be'],
  ['records-utf16be-no-bom.txt', 'Encoding: utf-16be (guessed)'],
  ['records-utf32le-no-bom.dat', 'Encoding: utf-32le (guessed)'],
];

const NOTES: [file: string, summary: string, code: string, en: string, zh: string][] = [
  [
    'missing-markers.xlsx',
    '5 rows × 3 columns',
    'ingest.missing-markers',
    'Values read as missing — premium: “None”, “NA”, “#N/A”; plan: “NULL”.',
    '读作缺失值的标记——premium: “None”, “NA”, “#N/A”; plan: “NULL”。',
  ],
  ...(
    [
      ['decimal-wide.csv', 4],
      ['decimal-wide.json', 3],
      ['decimal-wide.xlsx', 4],
    ] as const
  ).map(([file, row]): [string, string, string, string, string] => [
    file,
    '4 rows × 2 columns',
    'ingest.decimal-rounded',
    `Column “balance” holds decimals and a number too large to store exactly (row ${row}: “${WIDE}”); it was read as the nearest number (about 16 significant digits), so that value is rounded.`,
    `列“balance”为小数，其中有一个数值过大，无法精确保存（第 ${row} 行：“${WIDE}”）；已按最接近的数值（约 16 位有效数字）读取，因此该值有舍入。`,
  ]),
  [
    'sep-rows.csv',
    '4 rows × 3 columns',
    'csv.short-rows',
    '1 rows (first: row 3) had fewer than 3 fields; the missing fields are empty.',
    '有 1 行（首个为第 3 行）字段少于 3 个，缺少的字段记为缺失值。',
  ],
  [
    'sep-rows.csv',
    '4 rows × 3 columns',
    'ingest.integers-as-text',
    `Column “account_no” holds whole numbers too large to store exactly as numbers (row 5: “${WIDE}”); it was read as text so no digits are lost.`,
    `列“account_no”中的整数过大，无法作为数字精确保存（第 5 行：“${WIDE}”），已按文本读取以保留全部位数。`,
  ],
];

test('JSON in UTF-16 and UTF-32, not named .json, loads with every name and value; the datasets stored before are unchanged', async ({
  page,
}) => {
  await openApp(page);
  const stored = await openStorage(page);
  const before = await stored.allTextContents();
  expect(before.length).toBeGreaterThan(0);
  const cell = dataCell(page);
  const preview = cell.getByTestId('preview');
  for (const [file, encoding] of WIDE_JSON) {
    const count = await stored.count();
    await drop(page, file);
    await expect(cell.getByTestId('dataset-summary'), file).toContainText('3 rows × 4 columns');
    await expect(cell.getByTestId('detected-encoding'), file).toHaveText(encoding);
    await expect(preview.locator('th'), file).toHaveText([
      /customer_id/,
      /name/,
      /city/,
      /premium/,
    ]);
    await expect(preview.locator('tbody tr').nth(0), file).toContainText('Malmö');
    await expect(preview.locator('tbody tr').nth(1), file).toContainText('张伟');
    await expect(preview.locator('tbody tr').nth(2), file).toContainText('Zoë 😀');
    await expect(stored, file).toHaveCount(count + 1);
  }
  const after = await stored.allTextContents();
  for (const entry of before) expect(after).toContain(entry);
});

test('the JSON reader says where bytes could not be decoded, and which encoding they look like', async ({
  page,
}) => {
  await openApp(page);
  const cell = dataCell(page);
  await drop(page, 'records-mixed.ndjson');
  await expect(cell.getByTestId('dataset-summary')).toContainText('12 rows');
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: utf-8 (guessed)');
  await expect(cell.locator('[data-code="encoding.mixed"]')).toHaveText(
    'The file is not in one text encoding: it was read as utf-8, but some lines look like gb18030 (as when exports saved in different encodings are joined). Save the whole file in one encoding and import it again.',
  );
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
    '48 characters could not be decoded as utf-8 and were replaced, on 2 lines in all; the first is line 5.',
  );

  await drop(page, 'records-gbk.json');
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: gb18030 (guessed)');
  await expect(cell.getByTestId('preview').locator('th').first()).toContainText('客户编号');
  await cell.getByText('Import options').click();
  await cell.getByTestId('option-encoding').selectOption('utf-8');
  await cell.getByTestId('reimport').click();
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: utf-8');
  await expect(cell.locator('[data-code="encoding.looks-like"]')).toHaveText(
    'The lines that are not utf-8 read well as gb18030: the file is probably in gb18030. Choose it under Encoding in Import options and import it again.',
  );
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
    '200 characters could not be decoded as utf-8 and were replaced, on 8 lines in all; the first is line 2.',
  );
});

test('XLSX missing markers, rounded whole numbers and sep= rows have their notes', async ({
  page,
}) => {
  await openApp(page);
  const stored = await openStorage(page);
  const before = await stored.allTextContents();
  const cell = dataCell(page);
  for (const [file, summary, code, en] of NOTES) {
    await settled(page);
    await drop(page, file);
    await expect(cell.getByTestId('dataset-summary'), file).toContainText(summary);
    await expect(cell.locator(`[data-code="${code}"]`), file).toHaveText(en);
  }
  // The rounded number is shown as the number it was read as, not as its digits.
  await drop(page, 'decimal-wide.csv');
  await expect(cell.getByTestId('preview')).not.toContainText(WIDE);
  const after = await stored.allTextContents();
  for (const entry of before) expect(after).toContain(entry);
});

test('the messages in 简体中文', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('locale').selectOption('zh-CN');
  const cell = dataCell(page);
  for (const [file, , code, , zh] of NOTES) {
    await settled(page);
    await drop(page, file);
    await expect(cell.locator(`[data-code="${code}"]`), file).toHaveText(zh);
  }
  await drop(page, 'records-mixed.ndjson');
  await expect(cell.locator('[data-code="encoding.mixed"]')).toHaveText(
    '该文件并非单一文本编码：已按 utf-8 读取，但部分行看起来是 gb18030（如合并了以不同编码保存的导出文件）。请将整个文件保存为同一种编码后重新导入。',
  );
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
    '有 48 个字符无法按 utf-8 解码，已被替换，共涉及 2 行，首个在第 5 行。',
  );
  await drop(page, 'records-utf16le.txt');
  await expect(cell.getByTestId('preview').locator('tbody tr').nth(1)).toContainText('张伟');
});
