// Containers and hostile formats (tests/fixtures/bad, make-bad-containers.py):
// gzip and zip around a CSV through readFile, their broken and hostile
// neighbours, Parquet with nested columns, and workbooks that are zip bombs.
// The CSV inside every archive is make-bad-containers.py's CSV literal
// (5 customers; premium 10.5, 20, 30.25, 40, 50), the nested Parquet's values
// are the pa.table literal there (pyarrow 25.0.1 wrote them).

import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_LIMITS, gunzip } from '../../../src/lib/engine/data/formats/archive';
import { readFile } from '../../../src/lib/engine/data/read';
import { EngineError, NO_PROGRESS } from '../../../src/lib/engine/data/table';
import { numbers, strings, types } from './formats/helpers';

const BAD = 'tests/fixtures/bad/';
const bad = (name: string) => new Blob([readFileSync(BAD + name)]);
const read = (name: string) => readFile(bad(name), name, {}, NO_PROGRESS);
const PREMIUM = [10.5, 20, 30.25, 40, 50];

describe('gzip', () => {
  it.each(['sales.csv.gz', 'gzip-inside.csv', 'sales.tsv.gz'])(
    '%s is unpacked and read',
    async (f) => {
      const result = await read(f);
      expect(result.format).toBe('delimited');
      expect(result.table.rowCount).toBe(5);
      expect(numbers(result.table, 'premium')).toEqual(PREMIUM);
      expect(strings(result.table, 'customer_id')).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
    },
  );

  it('a gzip cut short is refused as damaged', async () => {
    await expect(read('truncated.csv.gz')).rejects.toMatchObject({ code: 'archive.gzip-invalid' });
  });

  it('a gzip bomb stops at the ratio bound, before unpacking it all', async () => {
    const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x30), { level: 9 });
    const limits = { ...ARCHIVE_LIMITS, ratioFloor: 1024 * 1024 };
    await expect(
      gunzip(new Blob([bomb]), 'zeros.csv.gz', NO_PROGRESS, limits),
    ).rejects.toMatchObject({
      code: 'archive.ratio',
      params: { entry: 'zeros.csv.gz', ratio: 200 },
    });
    const small = { ...ARCHIVE_LIMITS, maxUnpackedBytes: 4 * 1024 * 1024, maxRatio: 1e9 };
    await expect(
      gunzip(new Blob([bomb]), 'zeros.csv.gz', NO_PROGRESS, small),
    ).rejects.toMatchObject({
      code: 'archive.too-large',
      params: { limit: 4 },
    });
  });
});

describe('zip', () => {
  it('the one data file beside a folder and macOS litter is read, and named', async () => {
    const result = await read('one-csv.zip');
    expect(numbers(result.table, 'premium')).toEqual(PREMIUM);
    expect(result.warnings[0]).toEqual({
      code: 'archive.read-entry',
      params: { entry: 'export/sales.csv' },
    });
  });

  it('a .csv.gz inside a zip (two layers) is read', async () => {
    const result = await read('csv-gz-inside.zip');
    expect(numbers(result.table, 'premium')).toEqual(PREMIUM);
  });

  it.each([
    [
      'two-csvs.zip',
      'archive.zip-several-files',
      { count: 2, files: 'export/2023.csv, export/2024.csv' },
    ],
    ['nested-three.zip', 'archive.too-deep', { entry: 'inner.zip', depth: 2 }],
    ['encrypted.zip', 'archive.zip-encrypted', { entry: 'secret.csv' }],
    ['empty.zip', 'archive.zip-empty', {}],
    ['damaged.zip', 'archive.zip-invalid', {}],
  ])('%s is refused with %s', async (f, code, params) => {
    await expect(read(f)).rejects.toMatchObject({ code, params });
  });
});

describe('parquet with nested columns', () => {
  it('loads the flat columns and keeps list, struct and map values as JSON text', async () => {
    const { table, warnings, inference } = await read('nested-columns.parquet');
    expect(types(table)).toEqual({
      id: 'integer',
      tags: 'text',
      address: 'text',
      limits: 'text',
      premium: 'decimal',
    });
    expect(numbers(table, 'premium')).toEqual([10.5, 20, null]);
    expect(strings(table, 'tags')).toEqual(['["a","b"]', '[]', null]);
    expect(strings(table, 'address')).toEqual([
      '{"city":"Leeds","zip":1}',
      '{"city":"上海","zip":null}',
      null,
    ]);
    expect(strings(table, 'limits')).toEqual(['{"max":5}', '{}', null]);
    expect(inference[1].evidence).toBe('parquet-nested');
    expect(warnings).toEqual([
      { code: 'parquet.nested-as-text', params: { columns: 'tags, address, limits' } },
    ]);
  });
});

describe('xlsx zip bombs', () => {
  it('a sheet of ~106 MB packed 400:1 is refused quickly by the ratio bound', async () => {
    const start = performance.now();
    await expect(read('bomb.xlsx')).rejects.toMatchObject({
      code: 'archive.ratio',
      params: { entry: 'xl/worksheets/sheet1.xml', ratio: 200 },
    });
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('XML nested 100,000 deep is refused before the parser recurses', async () => {
    await expect(read('deep.xlsx')).rejects.toMatchObject({
      code: 'xlsx.too-deep',
      params: { entry: 'xl/worksheets/sheet1.xml', depth: 64 },
    });
  });

  it('a normal workbook still reads', async () => {
    const result = await read('wide-integers.xlsx');
    expect(result.format).toBe('xlsx');
    expect(result.table.rowCount).toBeGreaterThan(0);
  });
});

describe('errors are the catalogue’s', () => {
  it('a refused container is an EngineError', async () => {
    const error = await read('damaged.zip').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
  });
});
