// Integers beyond ±(2^53 − 1) — account numbers such as
// 123456789012345678901234567890 — are never rounded silently: in every
// format and on every path (sample, after the sample, fast span parsers,
// parts) their column keeps them as text with every digit, and a warning
// (ingest.integers-as-text) names the column, row and value. Files:
// tests/fixtures/bad/wide-integers.* (make-bad.py).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingestBlob, ingestDelimited, SAMPLE_ROWS } from '../../../src/lib/engine/data/ingest';
import { inferColumn, isWideInteger, valueParser } from '../../../src/lib/engine/data/infer';
import { quoteWideIntegers, readNdjson } from '../../../src/lib/engine/data/formats/json';
import { ingestInParts, readPart, type PartRunner } from '../../../src/lib/engine/data/parts';
import { readFile } from '../../../src/lib/engine/data/read';
import { cellText, getColumn, NO_PROGRESS } from '../../../src/lib/engine/data/table';
import { numbers, strings, types } from './formats/helpers';

const BAD = 'tests/fixtures/bad/';
const WIDE = '123456789012345678901234567890';

async function* chunks(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('inference and parsing', () => {
  it('a sample with an integer beyond 2^53 is strings, with its own evidence', () => {
    expect(isWideInteger(Number(WIDE))).toBe(true);
    expect(isWideInteger(2 ** 53 - 1)).toBe(false);
    expect(isWideInteger(-(2 ** 53))).toBe(true);
    expect(isWideInteger(1e300 + 0.5)).toBe(true);
    expect(inferColumn('account_no', [WIDE, '42', '7'])).toMatchObject({
      type: 'identifier',
      evidence: 'int64-beyond-2^53',
    });
    expect(inferColumn('units', ['1', '99999999999999999999', '1'])).toMatchObject({
      type: 'categorical',
      evidence: 'int64-beyond-2^53',
    });
    // The largest exact integers stay numbers; decimals are floating point anyway.
    expect(inferColumn('n', ['9007199254740991', '-9007199254740991']).type).toBe('integer');
    expect(inferColumn('x', ['1.5', WIDE]).type).toBe('decimal');
  });

  it('an integer column does not parse one (so the ingest demotes it); a decimal column does', () => {
    const integer = valueParser({ type: 'integer', evidence: '', missing: 0, invalid: 0 })!;
    const decimal = valueParser({ type: 'decimal', evidence: '', missing: 0, invalid: 0 })!;
    expect(integer('9007199254740991')).toBe(9007199254740991);
    expect(integer('9007199254740993')).toBeNaN();
    expect(integer('-' + WIDE)).toBeNaN();
    expect(integer('12.5')).toBe(12.5);
    expect(decimal(WIDE)).toBe(Number(WIDE));
  });
});

describe('the bad-input corpus: wide-integers.csv, .json, .xlsx', () => {
  it.each([
    // The row the user sees: a line of the file, a record, a sheet row.
    ['wide-integers.csv', 2],
    ['wide-integers.json', 1],
    ['wide-integers.xlsx', 2],
  ])('%s: account_no keeps every digit as text, with a warning (row %i)', async (file, row) => {
    const blob = new Blob([readFileSync(BAD + file)]);
    const { table, inference, warnings } = await readFile(blob, file, {}, NO_PROGRESS);
    expect(strings(table, 'account_no')).toEqual([WIDE, '9007199254740993', '42']);
    expect(types(table)).toMatchObject({ account_no: 'identifier', balance: 'decimal' });
    expect(inference[0].evidence).toBe('int64-beyond-2^53');
    expect(warnings).toContainEqual({
      code: 'ingest.integers-as-text',
      params: { column: 'account_no', row, value: WIDE },
    });
    // The numbers beside it are numbers.
    expect(numbers(table, 'balance')[0]).toBe(10.5);
  });

  it('JSON: only integer literals outside strings are quoted; floats stay numbers', async () => {
    const text = readFileSync(BAD + 'wide-integers.json', 'utf8');
    const quoted = quoteWideIntegers(text);
    expect(quoted).toContain(`"account_no": "${WIDE}"`);
    expect(quoted).toContain('"account_no": "9007199254740993"');
    expect(quoted).toContain('"account_no": 42');
    expect(quoted).toContain('"Cy \\"12345678901234567890\\""');
    expect(quoted).toContain('3.5e20');
    expect(quoteWideIntegers('[{"a": 1}]')).toBe('[{"a": 1}]');
    expect(quoteWideIntegers(`[-${WIDE}, 1.${WIDE}, ${WIDE}e2]`)).toBe(
      `["-${WIDE}", 1.${WIDE}, ${WIDE}e2]`,
    );
    const blob = new Blob([readFileSync(BAD + 'wide-integers.json')]);
    const { table } = await readFile(blob, 'wide-integers.json', {}, NO_PROGRESS);
    expect(numbers(table, 'balance')).toEqual([10.5, 20, 3.5e20]);
  });

  it('NDJSON, line by line, the same', async () => {
    const lines = `{"id": ${WIDE}, "n": 1}\n{"id": 5, "n": 2}\n`;
    const { table, warnings } = await readNdjson(
      new Blob([lines]),
      { encoding: 'auto' },
      NO_PROGRESS,
    );
    expect(strings(table, 'id')).toEqual([WIDE, '5']);
    expect(warnings).toEqual([
      { code: 'ingest.integers-as-text', params: { column: 'id', row: 1, value: WIDE } },
    ]);
  });
});

describe('delimited text after the sample: demoted with the value as written', () => {
  // An integer column whose sample holds small numbers, and one account
  // number late in the file: the fast span parser (≤ 15 digits) declines it,
  // the full parser refuses it, and the column becomes text.
  const late = SAMPLE_ROWS + 7;
  const lines = ['row,account,amount'];
  for (let i = 0; i < SAMPLE_ROWS + 20; i++) {
    lines.push(`${i},${i === late ? WIDE : 1000 + i},${i % 9}`);
  }
  const text = lines.join('\n') + '\n';
  const bytes = new TextEncoder().encode(text);

  it('at every chunk size (span and string paths alike)', async () => {
    for (const size of [13, 4096, 1 << 20]) {
      const { table, inference, warnings } = await ingestDelimited(
        chunks(bytes, size),
        bytes.length,
        {},
        NO_PROGRESS,
      );
      const account = getColumn(table, 'account');
      expect(account.kind, String(size)).toBe('string');
      expect(cellText(account, late)).toBe(WIDE);
      expect(cellText(account, 0)).toBe('1000');
      expect(inference[1]).toMatchObject({ type: 'text', evidence: 'demoted' });
      expect(warnings).toEqual([
        {
          code: 'ingest.integers-as-text',
          params: { column: 'account', row: late + 2, value: WIDE },
        },
      ]);
      expect(getColumn(table, 'amount').type).toBe('integer');
    }
  });

  it('read in parts, exactly as in one pass', async () => {
    const file = new Blob([text]);
    const serial = await ingestBlob(file, {}, NO_PROGRESS);
    const runPart: PartRunner = (request, progress) =>
      readPart(request, progress, async () => undefined);
    for (const parts of [2, 3]) {
      const parallel = await ingestInParts(file, {}, NO_PROGRESS, {
        parts,
        minPartBytes: 16 * 1024,
        runPart,
      });
      expect(parallel.table.columns).toEqual(serial.table.columns);
      expect(parallel.inference).toEqual(serial.inference);
      expect(parallel.warnings).toEqual(serial.warnings);
    }
  });
});
