import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ingestBlob, ingestDelimited, SAMPLE_ROWS } from '../../../src/lib/engine/data/ingest';
import { cellText, getColumn, NO_PROGRESS, type Column } from '../../../src/lib/engine/data/table';
import { rejection, types } from './formats/helpers';

const DATASETS = new URL('../../fixtures/datasets/', import.meta.url);
const FILES = new URL('../../fixtures/files/', import.meta.url);
const dataset = (name: string) => new Uint8Array(readFileSync(new URL(name, DATASETS)));
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FILES)));
// Values R computed: tests/fixtures/files/profile-reference.R (read.csv / read.table, sum()).
const reference = JSON.parse(
  readFileSync(new URL('profile-reference.json', FILES), 'utf8'),
) as Record<string, { count: number; missing: number; sum: number }>;

/** Seeded LCG, so the random chunking is reproducible. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Splits bytes into random-size chunks (1 byte … maxSize), to hit every kind of boundary. */
async function* randomChunks(bytes: Uint8Array, seed: number, maxSize = 4096) {
  const random = rng(seed);
  for (let i = 0; i < bytes.length;) {
    const size = 1 + Math.floor(random() * maxSize);
    yield bytes.subarray(i, i + size);
    i += size;
  }
}

async function* whole(bytes: Uint8Array) {
  yield bytes;
}

const ingest = (bytes: Uint8Array, options = {}, seed = 1) =>
  ingestDelimited(randomChunks(bytes, seed), bytes.length, options, NO_PROGRESS);

const text = (s: string) => new TextEncoder().encode(s);

function values(column: Column): number[] {
  if (column.kind !== 'number') throw new Error(`${column.name} is not numeric`);
  return Array.from(column.values);
}

function texts(column: Column, n: number): string[] {
  return Array.from({ length: n }, (_, i) => cellText(column, i));
}

function sum(column: Column): number {
  return values(column).reduce((a, v) => (Number.isNaN(v) ? a : a + v), 0);
}

describe('ingestDelimited on real datasets', () => {
  it('Telco: 7043 × 21, types, 11 blank TotalCharges, sums as in R', async () => {
    const { table, inference, dialect, encoding, warnings } = await ingest(
      dataset('ibm__Telco-Customer-Churn.csv'),
    );
    expect(encoding).toBe('utf-8');
    expect(dialect).toEqual({ delimiter: ',', header: true });
    expect(warnings).toEqual([]);
    expect(table.rowCount).toBe(7043);
    expect(table.columns).toHaveLength(21);
    expect(types(table)).toMatchObject({
      customerID: 'identifier',
      gender: 'categorical',
      SeniorCitizen: 'integer',
      Partner: 'boolean',
      tenure: 'integer',
      MultipleLines: 'categorical',
      Contract: 'categorical',
      PaymentMethod: 'categorical',
      MonthlyCharges: 'decimal',
      TotalCharges: 'decimal',
      Churn: 'boolean',
    });
    const total = getColumn(table, 'TotalCharges');
    expect(inference[19]).toMatchObject({ type: 'decimal', missing: 11, invalid: 0 });
    const r = reference['ibm__Telco-Customer-Churn.csv/TotalCharges'];
    expect(values(total).filter((v) => !Number.isNaN(v))).toHaveLength(r.count);
    expect(sum(total)).toBeCloseTo(r.sum, 6);
    expect(sum(getColumn(table, 'tenure'))).toBe(
      reference['ibm__Telco-Customer-Churn.csv/tenure'].sum,
    );
    // Churn Yes → 1: 1869 churners in this file.
    expect(sum(getColumn(table, 'Churn'))).toBe(1869);
    expect(cellText(getColumn(table, 'customerID'), 0)).toBe('7590-VHVEG');
  });

  it('gives identical tables whatever the chunking', async () => {
    const bytes = dataset('ibm__Telco-Customer-Churn.csv');
    const a = await ingestDelimited(whole(bytes), bytes.length, {}, NO_PROGRESS);
    for (const seed of [2, 3]) {
      const b = await ingest(bytes, {}, seed);
      expect(b.table).toEqual(a.table);
    }
    const tiny = await ingestDelimited(randomChunks(bytes, 9, 7), bytes.length, {}, NO_PROGRESS);
    expect(tiny.table).toEqual(a.table);
  });

  it('CDNOW master: whitespace-separated, yyyymmdd dates, zero-padded ids', async () => {
    const { table, dialect } = await ingest(dataset('lifetimes__CDNOW_master.txt'));
    expect(dialect).toEqual({ delimiter: 'whitespace', header: true });
    expect(table.rowCount).toBe(69659);
    expect(types(table)).toEqual({
      customer_id: 'identifier',
      date: 'date',
      number_of_cds: 'integer',
      dollar_value: 'decimal',
    });
    const id = getColumn(table, 'customer_id');
    expect(id.kind === 'string' && id.dictionary.length).toBe(23570);
    expect(cellText(id, 0)).toBe('00001');
    expect(cellText(getColumn(table, 'date'), 0)).toBe('1997-01-01');
    const r = reference['lifetimes__CDNOW_master.txt/dollar_value'];
    expect(sum(getColumn(table, 'dollar_value'))).toBeCloseTo(r.sum, 6);
    expect(sum(getColumn(table, 'date'))).toBe(reference['lifetimes__CDNOW_master.txt/date'].sum);
  });

  it('CDNOW sample: no header, generated column names', async () => {
    const { table, dialect } = await ingest(dataset('lifetimes__CDNOW_sample.txt'));
    expect(dialect).toEqual({ delimiter: 'whitespace', header: false });
    expect(table.rowCount).toBe(6919);
    expect(types(table)).toEqual({
      column_1: 'identifier',
      column_2: 'identifier',
      column_3: 'date',
      column_4: 'integer',
      column_5: 'decimal',
    });
  });

  it('Canadian senators: quoted names, dates at midnight, datetimes, booleans, missing reasons', async () => {
    const { table, inference } = await ingest(dataset('lifelines__canadian_senators.csv'));
    expect(table.rowCount).toBe(933);
    expect(types(table)).toMatchObject({
      Name: 'text',
      'Province / Territory': 'categorical',
      start_date: 'date',
      end_date: 'datetime',
      reason: 'categorical',
      diff_days: 'integer',
      observed: 'boolean',
    });
    expect(inference[7].missing).toBe(99);
    expect(cellText(getColumn(table, 'Name'), 0)).toBe('Abbott, John Joseph Caldwell');
    expect(sum(getColumn(table, 'start_date'))).toBe(
      reference['lifelines__canadian_senators.csv/start_date'].sum,
    );
    const end = getColumn(table, 'end_date');
    expect(values(end)[12]).toBe(Date.parse('2013-10-01T22:20:10.165Z'));
  });

  it('insurance: integers, decimals, booleans, categoricals', async () => {
    const { table } = await ingest(dataset('stedy__insurance.csv'));
    expect(table.rowCount).toBe(1338);
    expect(types(table)).toEqual({
      age: 'integer',
      sex: 'categorical',
      bmi: 'decimal',
      children: 'integer',
      smoker: 'boolean',
      region: 'categorical',
      charges: 'decimal',
    });
    expect(sum(getColumn(table, 'charges'))).toBeCloseTo(
      reference['stedy__insurance.csv/charges'].sum,
      6,
    );
  });
});

describe('ingestDelimited on hand-made files', () => {
  it('quoted fields with embedded newlines and doubled quotes, CRLF', async () => {
    const { table } = await ingest(fixture('quoted-multiline.csv'));
    expect(table.rowCount).toBe(3);
    expect(texts(getColumn(table, 'comment'), 3)).toEqual(['Said "hi", then\r\nleft', 'plain', '']);
    expect(values(getColumn(table, 'amount'))).toEqual([10, 20, 30]);
  });

  it('semicolon files with decimal commas, percents and day-first dates', async () => {
    const { table, dialect } = await ingest(fixture('semicolon-decimal-comma.csv'));
    expect(dialect.delimiter).toBe(';');
    expect(values(getColumn(table, 'betrag'))).toEqual([1234.5, 17.25, -0.5]);
    expect(values(getColumn(table, 'anteil'))).toEqual([0.125, 0.03, 1]);
    expect(texts(getColumn(table, 'datum'), 3)).toEqual(['2024-01-05', '2023-12-31', '2024-06-15']);
  });

  it('GBK with Chinese headers: detected, warned as a guess, typed', async () => {
    const { table, encoding, warnings } = await ingest(fixture('gbk-chinese.csv'), {}, 5);
    expect(encoding).toBe('gb18030');
    expect(warnings).toContainEqual({ code: 'encoding.guessed', params: { encoding: 'gb18030' } });
    expect(table.columns.map((c) => c.name)).toEqual([
      '客户编号',
      '姓名',
      '性别',
      '年龄',
      '保费',
      '投保日期',
      '是否流失',
    ]);
    expect(types(table)).toMatchObject({
      客户编号: 'identifier',
      保费: 'decimal',
      投保日期: 'date',
      是否流失: 'boolean',
    });
    expect(values(getColumn(table, '保费'))).toEqual([1200.5, 980, 2310, 1500]);
    expect(values(getColumn(table, '是否流失'))).toEqual([0, 1, 0, 1]);
  });

  it('Big5 and UTF-16 with BOM', async () => {
    const big5 = await ingest(fixture('big5-chinese.csv'));
    expect(big5.encoding).toBe('big5');
    expect(texts(getColumn(big5.table, '姓名'), 3)).toEqual(['陳大文', '林美玲', '黃志明']);
    const utf16 = await ingest(fixture('utf16-bom.csv'), {}, 3);
    expect(utf16.encoding).toBe('utf-16le');
    expect(utf16.dialect.delimiter).toBe('\t');
    expect(texts(getColumn(utf16.table, 'name'), 2)).toEqual(['Åsa', '李']);
    expect(values(getColumn(utf16.table, 'score'))).toEqual([1.5, 2]);
  });

  it('an explicit encoding overrides detection', async () => {
    const { encoding, table } = await ingest(fixture('gbk-chinese.csv'), { encoding: 'gbk' });
    expect(encoding).toBe('gbk');
    expect(table.columns[1].name).toBe('姓名');
  });

  it('errors: ragged row, unterminated quote, empty, header only', async () => {
    expect(await rejection(ingest(fixture('ragged.csv')))).toMatchObject({
      code: 'csv.ragged',
      params: { row: 3, expected: 3, found: 4 },
    });
    expect(await rejection(ingest(fixture('unterminated-quote.csv')))).toMatchObject({
      code: 'csv.unterminated-quote',
      params: { row: 3 },
    });
    expect((await rejection(ingest(fixture('empty.csv')))).code).toBe('file.empty');
    expect((await rejection(ingest(text('\r\n  \n')))).code).toBe('file.empty');
    expect((await rejection(ingest(fixture('header-only.csv')))).code).toBe('file.no-rows');
    expect((await rejection(ingest(fixture('binary.bin')))).code).toBe('file.binary');
  });

  it('short rows become missing values with a warning; trailing empty fields are not ragged', async () => {
    const { table, warnings } = await ingest(fixture('short-and-trailing.csv'));
    expect(table.rowCount).toBe(4);
    expect(values(getColumn(table, 'c'))).toEqual([3, NaN, 8, NaN]);
    expect(warnings).toContainEqual({
      code: 'csv.short-rows',
      params: { count: 2, row: 3, expected: 3 },
    });
  });

  it('names: trimmed, blank → column_N, duplicates suffixed, with warnings', async () => {
    const { table, warnings } = await ingest(fixture('bad-names.csv'));
    expect(table.columns.map((c) => c.name)).toEqual([
      'id',
      'amount',
      'column_3',
      'amount_3',
      'id_2',
      'amount_2',
    ]);
    expect(warnings).toContainEqual({
      code: 'ingest.blank-column-names',
      params: { columns: 'column_3' },
    });
    expect(warnings).toContainEqual({
      code: 'ingest.duplicate-column-names',
      params: { columns: 'amount, id' },
    });
  });

  it('explicit delimiter and header options win over detection', async () => {
    const { table, dialect } = await ingest(text('a;b\n1;2\n'), { delimiter: ',', header: false });
    expect(dialect).toEqual({ delimiter: ',', header: false });
    expect(texts(table.columns[0], 2)).toEqual(['a;b', '1;2']);
  });

  it('ingestBlob reads a Blob', async () => {
    const { table } = await ingestBlob(new Blob(['x,y\n1,a\n2,b\n']), {}, NO_PROGRESS);
    expect(values(getColumn(table, 'x'))).toEqual([1, 2]);
  });
});

describe('values after the sample', () => {
  it('a column distinct in the sample that repeats over more than a million rows: codes in order of first appearance', async () => {
    // The sample's keys are distinct, so the column is interned in batches
    // of 2^20 values (StringSink): this file needs two.
    const rows = 1_200_000;
    const key = (i: number) => (i < SAMPLE_ROWS ? `k${i}` : `k${(i * 7919) % 600_000}`);
    const lines = ['key,n'];
    for (let i = 0; i < rows; i++) lines.push(`${key(i)},${i % 3}`);
    const { table } = await ingestBlob(new Blob([lines.join('\n')]), {}, NO_PROGRESS);
    const reference = new Map<string, number>();
    const expected = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const k = key(i);
      expected[i] = reference.get(k) ?? reference.set(k, reference.size).get(k)!;
    }
    const column = getColumn(table, 'key');
    expect(column.kind).toBe('string');
    if (column.kind !== 'string') return;
    expect(column.dictionary).toEqual([...reference.keys()]);
    expect(column.codes).toEqual(expected);
  });

  const n = SAMPLE_ROWS + 50;
  function file(late: { amount?: string; flag?: string; day?: string; count?: string }) {
    const lines = ['amount,flag,day,count'];
    for (let i = 0; i < n; i++) {
      const row = i === SAMPLE_ROWS + 10;
      lines.push(
        [
          row && late.amount !== undefined ? late.amount : `$${i}.50`,
          row && late.flag !== undefined ? late.flag : i % 3 ? 'Yes' : 'No',
          row && late.day !== undefined ? late.day : '2024-01-05',
          row && late.count !== undefined ? late.count : String(i % 7),
        ].join(','),
      );
    }
    return text(lines.join('\n'));
  }

  it('a value that does not parse demotes the column to strings, keeps every value and warns', async () => {
    const { table, inference, warnings } = await ingest(file({ amount: 'unknown', flag: 'Maybe' }));
    const amount = getColumn(table, 'amount');
    expect(amount.kind).toBe('string');
    const shown = texts(amount, n);
    expect(shown[0]).toBe('0.5');
    expect(shown[SAMPLE_ROWS + 10]).toBe('unknown');
    expect(shown[n - 1]).toBe(`${n - 1}.5`);
    expect(inference[0]).toMatchObject({ type: 'text', evidence: 'demoted', invalid: 1 });
    // The data row is the file row minus the header.
    expect(warnings).toContainEqual({
      code: 'ingest.column-demoted',
      params: { column: 'amount', row: SAMPLE_ROWS + 12, value: 'unknown', type: 'decimal' },
    });
    const flag = getColumn(table, 'flag');
    expect(flag.type).toBe('categorical');
    expect(texts(flag, 3)).toEqual(['No', 'Yes', 'Yes']);
    expect(texts(flag, n)[SAMPLE_ROWS + 10]).toBe('Maybe');
    expect(texts(flag, n)[n - 1]).toBe((n - 1) % 3 ? 'Yes' : 'No');
  });

  it('a demoted day-first date column renders its dates as ISO and counts one invalid', async () => {
    const lines = ['d'];
    for (let i = 0; i < SAMPLE_ROWS + 5; i++)
      lines.push(i === SAMPLE_ROWS + 1 ? 'soon' : '31/12/2023');
    const { table, inference } = await ingest(text(lines.join('\n')));
    const d = getColumn(table, 'd');
    expect(d.kind === 'string' && d.dictionary).toEqual(['2023-12-31', 'soon']);
    expect(inference[0]).toMatchObject({ type: 'categorical', evidence: 'demoted', invalid: 1 });
  });

  it('a later fraction turns integer into decimal; a later time turns date into datetime', async () => {
    const { table, warnings } = await ingest(file({ count: '2.5', day: '2024-01-05 10:00' }));
    expect(getColumn(table, 'count').type).toBe('decimal');
    expect(values(getColumn(table, 'count'))[SAMPLE_ROWS + 10]).toBe(2.5);
    expect(getColumn(table, 'day').type).toBe('datetime');
    expect(warnings).toEqual([]);
  });

  it('reports progress in bytes, ending at the total', async () => {
    const bytes = file({});
    const calls: [number, number][] = [];
    await ingestDelimited(
      randomChunks(bytes, 4, 65536),
      bytes.length,
      {},
      {
        report: async (done, total) => {
          calls.push([done, total]);
        },
      },
    );
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([bytes.length, bytes.length]);
    for (let i = 1; i < calls.length; i++)
      expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
  });
});
