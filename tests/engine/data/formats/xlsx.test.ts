// readXlsx against tests/fixtures/formats/customers.xlsx, written by openpyxl
// (make_fixtures.py). Reference values: expected.json, openpyxl's own
// reading of the same workbook (load_workbook, values_only), dates as epoch ms.

import { describe, expect, it } from 'vitest';
import { readXlsx } from '../../../../src/lib/engine/data/formats/xlsx';
import { EngineError, NO_PROGRESS } from '../../../../src/lib/engine/data/table';
import { expected, fixture, numbers, recordingProgress, strings, types } from './helpers';

const sheet = expected.xlsx['客户'] as unknown[][];
const header = sheet[0] as (string | null)[];
const body = sheet.slice(1);
/** openpyxl's values of the column headed `name` (first of that name). */
const ref = (name: string) => body.map((row) => row[header.indexOf(name)]);

describe('readXlsx', () => {
  it('lists the sheets and reads the first non-empty one by default', async () => {
    const r = await readXlsx(fixture('customers.xlsx'), {}, NO_PROGRESS);
    expect(r.sheets).toEqual(expected.xlsx.sheets);
    expect(r.sheets).toEqual(['Empty', '客户', 'Payments']);
    expect(r.sheet).toBe('客户');
    expect(r.table.rowCount).toBe(body.length);
    expect(r.table.rowCount).toBe(5);
  });

  it('types Excel cells directly and string cells like CSV', async () => {
    const { table, inference } = await readXlsx(fixture('customers.xlsx'), {}, NO_PROGRESS);
    expect(types(table)).toEqual({
      客户编号: 'identifier',
      姓名: 'categorical',
      开户日期: 'date',
      最近登录: 'datetime',
      活跃: 'boolean',
      保费: 'decimal',
      余额: 'decimal',
      年龄: 'integer',
      是否流失: 'boolean',
      签约日: 'date',
      备注: 'categorical',
      备注_2: 'categorical',
      column_13: 'integer',
      评分: 'categorical',
    });
    const evidence = Object.fromEntries(
      table.columns.map((c, j) => [c.name, inference[j].evidence]),
    );
    expect(evidence['开户日期']).toBe('typed-date');
    expect(evidence['保费']).toBe('decimal-values');
    expect(evidence['是否流失']).toBe('boolean-tokens');
    expect(evidence['签约日']).toBe('date-ymd');
    expect(inference[2].missing).toBe(1);
  });

  it('matches openpyxl cell for cell', async () => {
    const { table } = await readXlsx(fixture('customers.xlsx'), {}, NO_PROGRESS);
    // Dates: read-excel-file floors 23:59:59 to 23:59:58.999; we restore the second.
    expect(numbers(table, '开户日期')).toEqual(ref('开户日期'));
    expect(numbers(table, '最近登录')).toEqual(ref('最近登录'));
    expect(numbers(table, '最近登录')[1]).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(numbers(table, '余额')).toEqual(ref('余额'));
    expect(numbers(table, '年龄')).toEqual(ref('年龄'));
    expect(numbers(table, '活跃')).toEqual(ref('活跃').map((v) => (v === null ? null : v ? 1 : 0)));
    expect(strings(table, '客户编号')).toEqual(ref('客户编号'));
    expect(strings(table, '姓名')).toEqual(ref('姓名'));
    expect(numbers(table, 'column_13')).toEqual(body.map((row) => row[12]));
  });

  it('parses text cells as CSV does: currency, 是/否, ISO dates', async () => {
    const { table } = await readXlsx(fixture('customers.xlsx'), {}, NO_PROGRESS);
    expect(ref('保费')).toEqual(['¥1,200.50', '¥980.00', '¥12,000.00', null, '¥0.99']);
    expect(numbers(table, '保费')).toEqual([1200.5, 980, 12000, null, 0.99]);
    expect(numbers(table, '是否流失')).toEqual([1, 0, 0, 1, 0]);
    expect(numbers(table, '签约日')).toEqual(ref('开户日期'));
  });

  it('renames duplicate and blank headers with warnings, as the CSV path does', async () => {
    const { table, warnings } = await readXlsx(fixture('customers.xlsx'), {}, NO_PROGRESS);
    expect(table.columns.map((c) => c.name).slice(10, 13)).toEqual(['备注', '备注_2', 'column_13']);
    expect(warnings).toContainEqual({
      code: 'ingest.duplicate-column-names',
      params: { columns: '备注' },
    });
    expect(warnings).toContainEqual({
      code: 'ingest.blank-column-names',
      params: { columns: 'column_13' },
    });
  });

  it('reads an error cell as missing and demotes a number column holding text', async () => {
    const { table, inference, warnings } = await readXlsx(
      fixture('customers.xlsx'),
      {},
      NO_PROGRESS,
    );
    expect(ref('评分')).toEqual([5, '#N/A', 7, 'abc', 9]);
    expect(strings(table, '评分')).toEqual(['5', null, '7', 'abc', '9']);
    expect(inference[13]).toMatchObject({ evidence: 'demoted', missing: 1, invalid: 1 });
    // 'abc' sits in sheet row 5 (header row 1, first record row 2).
    expect(warnings).toContainEqual({
      code: 'ingest.column-demoted',
      params: { column: '评分', row: 5, value: 'abc', type: 'decimal' },
    });
  });

  it('reads a chosen sheet', async () => {
    const { table, sheet } = await readXlsx(
      fixture('customers.xlsx'),
      { sheet: 'Payments' },
      NO_PROGRESS,
    );
    const pay = expected.xlsx['Payments'] as unknown[][];
    expect(sheet).toBe('Payments');
    expect(types(table)).toEqual({
      policy_id: 'integer',
      paid_on: 'date',
      amount: 'decimal',
      late: 'boolean',
    });
    expect(numbers(table, 'paid_on')).toEqual(pay.slice(1).map((r) => r[1]));
    expect(numbers(table, 'amount')).toEqual([120.5, 120.5, 99]);
    expect(numbers(table, 'late')).toEqual([0, 1, 0]);
  });

  it('without a header row names the columns column_N and keeps row 1 as data', async () => {
    const { table } = await readXlsx(
      fixture('customers.xlsx'),
      { sheet: 'Payments', header: false },
      NO_PROGRESS,
    );
    expect(table.rowCount).toBe(4);
    expect(table.columns.map((c) => c.name)).toEqual([
      'column_1',
      'column_2',
      'column_3',
      'column_4',
    ]);
    // 'policy_id' above integers: strings, with the demotion warning.
    expect(strings(table, 'column_1')).toEqual(['policy_id', '1001', '1001', '1002']);
  });

  it('refuses an unknown or empty sheet, and a file that is not a workbook', async () => {
    await expect(
      readXlsx(fixture('customers.xlsx'), { sheet: 'Nope' }, NO_PROGRESS),
    ).rejects.toEqual(
      new EngineError('xlsx.sheet-not-found', { sheet: 'Nope', sheets: 'Empty, 客户, Payments' }),
    );
    await expect(
      readXlsx(fixture('customers.xlsx'), { sheet: 'Empty' }, NO_PROGRESS),
    ).rejects.toMatchObject({
      code: 'file.empty',
    });
    await expect(readXlsx(fixture('records.json'), {}, NO_PROGRESS)).rejects.toMatchObject({
      code: 'xlsx.invalid',
    });
  });

  it('reports progress in rows, ending complete', async () => {
    const progress = recordingProgress();
    await readXlsx(fixture('customers.xlsx'), {}, progress);
    expect(progress.calls.at(-1)).toEqual([5, 5]);
  });
});
