// Data in, text encodings (tests/fixtures/bad, make-bad-encodings.py; see its
// README): UTF-32 and BOM-less UTF-16, Shift_JIS, EUC-JP and EUC-KR dropped on
// the Data cell load with their names and values intact; a UTF-8 export
// joined with a GBK one gets the same reading every time, with the lines that
// are not UTF-8 named (and, when the sample shows it, that the file mixes
// encodings); the override list offers every encoding Chromium decodes;
// messages in English and 简体中文; datasets stored before are unchanged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JSHandle, Page } from '@playwright/test';
import { cellOfKind, dropBuiltFile, expect, openApp, test } from './fixtures';

const BAD = join(import.meta.dirname, '..', 'tests', 'fixtures', 'bad');

// File, encoding shown, size, the first column names, a value of the first row.
const LOADS: [file: string, encoding: string, size: string, names: string[], value: string][] = [
  ['utf32le-bom.csv', 'Encoding: utf-32le', '3 rows × 4 columns', ['customer_id', 'name'], 'Åsa'],
  ['utf32be-bom.csv', 'Encoding: utf-32be', '3 rows × 4 columns', ['customer_id', 'name'], 'Åsa'],
  [
    'utf32le-no-bom.csv',
    'Encoding: utf-32le (guessed)',
    '3 rows × 4 columns',
    ['customer_id', 'name'],
    'Malmö',
  ],
  [
    'utf16be-no-bom.csv',
    'Encoding: utf-16be (guessed)',
    '3 rows × 4 columns',
    ['customer_id', 'name'],
    'Malmö',
  ],
  [
    'shift-jis.csv',
    'Encoding: shift_jis (guessed)',
    '40 rows × 6 columns',
    ['顧客番号', '氏名'],
    '佐藤 花子',
  ],
  [
    'euc-jp.csv',
    'Encoding: euc-jp (guessed)',
    '40 rows × 6 columns',
    ['顧客番号', '氏名'],
    'ゴールド会員',
  ],
  [
    'euc-kr.csv',
    'Encoding: euc-kr (guessed)',
    '40 rows × 5 columns',
    ['고객번호', '이름'],
    '김민준',
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

test('UTF-32, BOM-less UTF-16, Shift_JIS, EUC-JP and EUC-KR load intact; stored datasets are kept', async ({
  page,
}) => {
  await openApp(page);
  const stored = await openStorage(page);
  const cell = dataCell(page);
  for (const [file, encoding, size, names, value] of LOADS) {
    const before = await stored.allTextContents();
    await drop(page, file);
    await expect(cell.getByTestId('dataset-summary'), file).toContainText(size);
    await expect(cell.getByTestId('detected-encoding'), file).toHaveText(encoding);
    const headers = cell.getByTestId('preview').locator('th');
    for (const [i, name] of names.entries()) {
      await expect(headers.nth(i), file).toContainText(name);
    }
    await expect(cell.getByTestId('preview').locator('tbody tr').first(), file).toContainText(
      value,
    );
    await expect(cell.getByTestId('preview'), file).not.toContainText('\u0000');
    await expect(cell.locator('[data-code="csv.short-rows"]'), file).toHaveCount(0);
    await expect(cell.locator('[data-code="encoding.invalid-bytes"]'), file).toHaveCount(0);
    await expect(stored, file).toHaveCount(before.length + 1);
    const after = await stored.allTextContents();
    for (const entry of before) expect(after, file).toContain(entry);
  }
  // The emoji outside the BMP survives UTF-32 (a surrogate pair in the page).
  await drop(page, 'utf32be-bom.csv');
  await expect(cell.getByTestId('preview').locator('tbody tr').nth(2)).toContainText('Zoë 😀');
});

test('a UTF-8 export joined with a GBK one reads the same every time and names the lines', async ({
  page,
}) => {
  await openApp(page);
  const cell = dataCell(page);
  // GBK rows past the 64 KiB sample: UTF-8, with the lines that are not.
  for (let run = 0; run < 3; run++) {
    await drop(page, 'mixed-utf8-gbk.csv');
    await expect(cell.getByTestId('dataset-summary')).toContainText('3,003 rows × 5 columns');
    await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: utf-8');
    await expect(cell.locator('[data-code="encoding.mixed"]')).toHaveText(
      'The file is not in one text encoding: it was read as utf-8, but some lines look like gb18030 (as when exports saved in different encodings are joined). Save the whole file in one encoding and import it again.',
    );
    await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
      '26 characters could not be decoded as utf-8 and were replaced, on 3 lines in all; the first is line 2,602.',
    );
    await expect(cell.getByTestId('preview').locator('th').nth(1)).toContainText('姓名');
  }
  // GBK rows inside the sample: still UTF-8, and the file is said to mix encodings.
  for (let run = 0; run < 2; run++) {
    await drop(page, 'mixed-utf8-gbk-early.csv');
    await expect(cell.getByTestId('dataset-summary')).toContainText('60 rows × 5 columns');
    await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: utf-8 (guessed)');
    await expect(cell.locator('[data-code="encoding.mixed"]')).toHaveText(
      'The file is not in one text encoding: it was read as utf-8, but some lines look like gb18030 (as when exports saved in different encodings are joined). Save the whole file in one encoding and import it again.',
    );
    await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
      '40 characters could not be decoded as utf-8 and were replaced, on 5 lines in all; the first is line 11.',
    );
    await expect(cell.getByTestId('preview').locator('tbody tr').first()).toContainText('王芳');
  }
});

test('a large joined file (read in parts on 2+ cores) names the same lines', async ({ page }) => {
  await openApp(page);
  // The 3 GBK lines of mixed-utf8-gbk.csv (lines 2,602–2,604 there), after
  // 300,000 UTF-8 rows and the header: lines 300,002–300,004, in a 12 MB file.
  const fixture = readFileSync(join(BAD, 'mixed-utf8-gbk.csv'));
  let start = 0;
  for (let line = 1; line < 2602; line++) start = fixture.indexOf(0x0a, start) + 1;
  let end = start;
  for (let line = 0; line < 3; line++) end = fixture.indexOf(0x0a, end) + 1;
  const gbk = [...fixture.subarray(start, end)];
  await dropBuiltFile(
    page,
    'joined.csv',
    (await page.evaluateHandle((gbk) => {
      const head = ['客户编号,姓名,城市,保费,状态\n'];
      const rows = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) => `K${from + i},张伟,北京,${(i * 37) % 5000},有效\n`);
      return [...head, ...rows(0, 300_000), new Uint8Array(gbk), ...rows(300_000, 100_000)];
    }, gbk)) as unknown as JSHandle<string[]>,
  );
  const cell = dataCell(page);
  await expect(cell.getByTestId('dataset-summary')).toContainText('400,003 rows × 5 columns', {
    timeout: 60_000,
  });
  await expect(cell.locator('[data-code="encoding.mixed"]')).toContainText('look like gb18030');
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
    '26 characters could not be decoded as utf-8 and were replaced, on 3 lines in all; the first is line 300,002.',
  );
});

test('the override list offers every encoding Chromium decodes, and fixes a file read wrong', async ({
  page,
}) => {
  await openApp(page);
  await drop(page, 'shift-jis.csv');
  const cell = dataCell(page);
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: shift_jis (guessed)');
  await cell.getByText('Import options').click();
  const select = cell.getByTestId('option-encoding');
  // Detect, the 39 encodings of the WHATWG standard TextDecoder has, and UTF-32 LE/BE.
  await expect(select.locator('option')).toHaveCount(1 + 39 + 2);
  for (const name of ['Shift_JIS', 'EUC-JP', 'ISO-2022-JP', 'EUC-KR', 'ISO-8859-16', 'UTF-32BE']) {
    await expect(select.locator('option', { hasText: name }).first()).toBeAttached();
  }
  await expect(select.locator('optgroup[label="Japanese"] option')).toHaveText([
    'Shift_JIS',
    'EUC-JP',
    'ISO-2022-JP',
  ]);

  await select.selectOption('windows-1252');
  await cell.getByTestId('reimport').click();
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: windows-1252');
  await expect(cell.getByTestId('preview').locator('th').first()).not.toContainText('顧客番号');
  await select.selectOption('shift_jis');
  await cell.getByTestId('reimport').click();
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: shift_jis');
  await expect(cell.getByTestId('preview').locator('th').first()).toContainText('顧客番号');
  await expect(cell.getByTestId('preview').locator('tbody tr').first()).toContainText('佐藤 花子');
});

test('a GBK file forced to UTF-8 is said to be GB18030', async ({ page }) => {
  await openApp(page);
  await drop(page, 'gbk-mislabelled.csv');
  const cell = dataCell(page);
  await expect(cell.getByTestId('detected-encoding')).toHaveText('Encoding: gb18030 (guessed)');
  await cell.getByText('Import options').click();
  await cell.getByTestId('option-encoding').selectOption('utf-8');
  await cell.getByTestId('reimport').click();
  await expect(cell.locator('[data-code="encoding.looks-like"]')).toHaveText(
    'The lines that are not utf-8 read well as gb18030: the file is probably in gb18030. Choose it under Encoding in Import options and import it again.',
  );
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
    '337 characters could not be decoded as utf-8 and were replaced, on 41 lines in all; the first is line 1.',
  );
  await page.getByTestId('locale').selectOption('zh-CN');
  await expect(cell.locator('[data-code="encoding.looks-like"]')).toHaveText(
    '无法按 utf-8 解码的行按 gb18030 可以正常读取：该文件很可能是 gb18030 编码。请在导入选项的“编码”中选择它并重新导入。',
  );
});

test('encoding messages and the override list come in 简体中文', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('locale').selectOption('zh-CN');
  const cell = dataCell(page);
  await drop(page, 'mixed-utf8-gbk-early.csv');
  await expect(cell.locator('[data-code="encoding.mixed"]')).toHaveText(
    '该文件并非单一文本编码：已按 utf-8 读取，但部分行看起来是 gb18030（如合并了以不同编码保存的导出文件）。请将整个文件保存为同一种编码后重新导入。',
  );
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
    '有 40 个字符无法按 utf-8 解码，已被替换，共涉及 5 行，首个在第 11 行。',
  );
  await drop(page, 'mixed-utf8-gbk.csv');
  await expect(cell.locator('[data-code="encoding.mixed"]')).toContainText(
    '部分行看起来是 gb18030',
  );
  await expect(cell.locator('[data-code="encoding.invalid-bytes"]')).toHaveText(
    '有 26 个字符无法按 utf-8 解码，已被替换，共涉及 3 行，首个在第 2,602 行。',
  );
  await drop(page, 'euc-kr.csv');
  await expect(cell.getByTestId('detected-encoding')).toHaveText('编码：euc-kr（推测）');
  const select = cell.getByTestId('option-encoding');
  await expect(select.locator('optgroup[label="日文"] option')).toHaveCount(3);
  await expect(select.locator('optgroup[label="韩文"] option')).toHaveText(['EUC-KR']);
});
