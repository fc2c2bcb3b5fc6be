// readFile: format detection and dispatch. The readers themselves are
// tested against reference-written files in tests/engine/data/formats/.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, readFile } from '../../../src/lib/engine/data/read';
import { EngineError, NO_PROGRESS } from '../../../src/lib/engine/data/table';

const fixture = (path: string) => new Blob([readFileSync('tests/fixtures/' + path)]);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it('trusts magic bytes over the name', () => {
    expect(
      detectFormat(new Uint8Array(readFileSync('tests/fixtures/formats/customers.xlsx')), 'x.csv'),
    ).toBe('xlsx');
    expect(detectFormat(bytes('PAR1\u0015\u0004'), 'data.csv')).toBe('parquet');
    expect(() =>
      detectFormat(new Uint8Array(readFileSync('tests/fixtures/formats/old.xls')), 'book.xlsx'),
    ).toThrow(new EngineError('file.xls-unsupported'));
  });

  it('sniffs JSON arrays and NDJSON from the first characters', () => {
    expect(detectFormat(bytes('\ufeff  [\n {"a": 1}]'), 'export.txt')).toBe('json');
    expect(detectFormat(bytes('[]'), 'x')).toBe('json');
    expect(detectFormat(bytes('{"a":1}\n{"a":2}\n'), 'log.txt')).toBe('ndjson');
    // A pretty-printed object is a JSON document (refused later: not records).
    expect(detectFormat(bytes('{\n  "columns": []\n}'), 'x')).toBe('json');
    expect(detectFormat(bytes('{"a":\n1}'), 'x')).toBe('json');
  });

  it('reads text that only starts like JSON as delimited', () => {
    expect(detectFormat(bytes('[ID],name\n1,a\n'), 'x.csv')).toBe('delimited');
    expect(detectFormat(bytes('{ID},name\n1,a\n'), 'x.csv')).toBe('delimited');
  });

  it('falls back to the extension, then to delimited text', () => {
    expect(detectFormat(bytes('  '), 'a.json')).toBe('json');
    expect(detectFormat(bytes('x'), 'a.JSONL')).toBe('ndjson');
    expect(detectFormat(bytes('{"a":1}'), 'a.ndjson')).toBe('ndjson');
    expect(detectFormat(bytes('a,b\n1,2\n'), 'a.csv')).toBe('delimited');
    // Many systems export tab-separated text named .xls: not OLE2, so text.
    expect(detectFormat(bytes('a\tb\n1\t2\n'), 'report.xls')).toBe('delimited');
  });
});

describe('readFile', () => {
  it('reads every format, saying which', async () => {
    const cases: [string, string, number, number][] = [
      ['formats/customers.xlsx', 'xlsx', 5, 14],
      ['formats/types-snappy.parquet', 'parquet', 6, 13],
      ['formats/records.json', 'json', 4, 8],
      ['formats/events.ndjson', 'ndjson', 3, 5],
      ['files/semicolon-decimal-comma.csv', 'delimited', 3, 4],
    ];
    for (const [path, format, rows, columns] of cases) {
      const r = await readFile(fixture(path), path, {}, NO_PROGRESS);
      expect(r.format, path).toBe(format);
      expect(r.table.rowCount, path).toBe(rows);
      expect(r.table.columns.length, path).toBe(columns);
      expect(r.inference.length, path).toBe(columns);
      expect(r.encoding, path).toBe('utf-8');
      expect(r.dialect !== undefined, path).toBe(format === 'delimited');
    }
  });

  it('passes the sheet choice and lists the sheets', async () => {
    const r = await readFile(
      fixture('formats/customers.xlsx'),
      'c.xlsx',
      { sheet: 'Payments' },
      NO_PROGRESS,
    );
    expect(r.sheets).toEqual(['Empty', '客户', 'Payments']);
    expect(r.sheet).toBe('Payments');
    expect(r.table.rowCount).toBe(3);
  });

  it('keeps delimited options and honours a chosen format', async () => {
    const csv = new Blob(['a;b\n1;2\n3;4\n']);
    const r = await readFile(csv, 'x.txt', { delimiter: ';', header: true }, NO_PROGRESS);
    expect(r.dialect).toEqual({ delimiter: ';', header: true });
    expect(r.table.columns.map((c) => c.name)).toEqual(['a', 'b']);
    // An NDJSON file named .json, read as NDJSON because the user said so.
    const nd = new Blob(['{"a":1}\n{"a":2}']);
    const forced = await readFile(nd, 'x.json', { format: 'ndjson' }, NO_PROGRESS);
    expect(forced.format).toBe('ndjson');
    expect(forced.table.rowCount).toBe(2);
  });

  it('refuses old .xls, other binary files and empty files with clear errors', async () => {
    await expect(
      readFile(fixture('formats/old.xls'), 'old.xls', {}, NO_PROGRESS),
    ).rejects.toMatchObject({
      code: 'file.xls-unsupported',
    });
    await expect(
      readFile(fixture('files/binary.bin'), 'binary.bin', {}, NO_PROGRESS),
    ).rejects.toMatchObject({
      code: 'file.binary',
    });
    await expect(readFile(new Blob([]), 'e.json', {}, NO_PROGRESS)).rejects.toMatchObject({
      code: 'file.empty',
    });
  });

  it('surfaces the JSON errors', async () => {
    await expect(
      readFile(fixture('formats/not-records.json'), 'n.json', {}, NO_PROGRESS),
    ).rejects.toMatchObject({
      code: 'json.not-records',
    });
    await expect(
      readFile(fixture('formats/bad-line.ndjson'), 'b.ndjson', {}, NO_PROGRESS),
    ).rejects.toMatchObject({
      code: 'json.invalid',
      params: { line: 3 },
    });
  });
});
