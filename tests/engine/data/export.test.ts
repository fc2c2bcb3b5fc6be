import { describe, expect, it } from 'vitest';
import { readSheet } from 'read-excel-file/node';
import { tableToCsv, tableToXlsx } from '../../../src/lib/engine/data/export';
import { EngineError, type DataTable } from '../../../src/lib/engine/data/table';
import { col, table } from '../prepare/helpers';

const sample = () =>
  table(
    col('name', 'text', ['Ann, "the" first', 'Bo', null, ' padded']),
    col('n', 'integer', [1, null, -3, 40]),
    col('x', 'decimal', [0.1, 2.5, null, 1e-7]),
    col('start', 'date', ['2024-01-05', null, '1999-12-31', '2000-02-29']),
    col('ok', 'boolean', [1, 0, null, 1]),
    col('note', 'text', ['line\nbreak', 'semi;colon', 'plain', 'tab\there']),
  );

describe('tableToCsv', () => {
  it('writes RFC 4180 with CRLF, quoting only where needed, missing as empty', () => {
    const csv = [...tableToCsv(sample())].join('');
    expect(csv).toBe(
      'name,n,x,start,ok,note\r\n' +
        '"Ann, ""the"" first",1,0.1,2024-01-05,true,"line\nbreak"\r\n' +
        'Bo,,2.5,,false,semi;colon\r\n' +
        ',-3,,1999-12-31,,plain\r\n' +
        '" padded",40,1e-7,2000-02-29,true,tab\there\r\n',
    );
  });

  it('honours the delimiter and BOM, and streams large tables in chunks', () => {
    const csv = [...tableToCsv(sample(), { delimiter: ';', bom: true })].join('');
    expect(csv.startsWith('\uFEFFname;n;x')).toBe(true);
    expect(csv).toContain('"semi;colon"');
    const n = 50_000;
    const big = table(
      col(
        'i',
        'integer',
        Array.from({ length: n }, (_, i) => i),
      ),
    );
    const chunks = [...tableToCsv(big)];
    expect(chunks.length).toBeGreaterThan(1);
    const lines = chunks.join('').split('\r\n');
    expect(lines.length).toBe(n + 2);
    expect(lines[n]).toBe(String(n - 1));
  });
});

describe('numbers without float noise', () => {
  // 0.1 + 0.2 and the like: values a computation leaves, not values anyone wrote.
  const noisy = () =>
    table(
      col('x', 'decimal', [100.50000000000001, 0.1 + 0.2, 1 / 3, -0, null]),
      col('big', 'integer', [2 ** 60, 1, 2, 3, 4]),
    );

  it('CSV writes the shortest decimal after rounding to 15 significant digits', () => {
    expect([...tableToCsv(noisy())].join('')).toBe(
      'x,big\r\n' +
        '100.5,1152921504606847000\r\n' +
        '0.3,1\r\n' +
        '0.333333333333333,2\r\n' +
        '0,3\r\n' +
        ',4\r\n',
    );
  });

  it('XLSX cells hold the same values, and ±Infinity as text', async () => {
    const t = table(col('x', 'decimal', [100.50000000000001, Infinity, -Infinity, 0.1 + 0.2]));
    const rows = await readSheet(Buffer.from(await (await tableToXlsx(t)).arrayBuffer()), 'Data');
    expect(rows.slice(1).map((r) => r[0])).toEqual([100.5, 'Infinity', '-Infinity', 0.3]);
    const csv = [...tableToCsv(t)].join('');
    expect(csv).toBe('x\r\n100.5\r\nInfinity\r\n-Infinity\r\n0.3\r\n');
  });
});

describe('tableToXlsx', () => {
  it('writes typed cells that read back as numbers, dates, booleans and text', async () => {
    const blob = await tableToXlsx(sample());
    const rows = await readSheet(Buffer.from(await blob.arrayBuffer()), 'Data');
    expect(rows[0]).toEqual(['name', 'n', 'x', 'start', 'ok', 'note']);
    expect(rows[1]).toEqual([
      'Ann, "the" first',
      1,
      0.1,
      new Date(Date.UTC(2024, 0, 5)),
      true,
      'line\nbreak',
    ]);
    expect(rows[2]).toEqual(['Bo', null, 2.5, null, false, 'semi;colon']);
    expect(rows[3]).toEqual([null, -3, null, new Date(Date.UTC(1999, 11, 31)), null, 'plain']);
  });

  it('refuses more rows than a sheet holds', async () => {
    const tooMany: DataTable = {
      rowCount: 1_048_576,
      columns: [
        { kind: 'number', name: 'i', type: 'integer', values: new Float64Array(1_048_576) },
      ],
    };
    await expect(tableToXlsx(tooMany)).rejects.toThrow(EngineError);
    await expect(tableToXlsx(tooMany)).rejects.toThrow('export.too-many-rows');
  });
});
