// Issue 13's neighbours: the siblings of its cases. JSON in UTF-16 / UTF-32
// whatever the file's name; the JSON reader's undecodable bytes and mixed
// encodings said as for a CSV file; XLSX missing markers named; a decimal
// column's whole number beyond 2^53 said to be rounded (CSV, JSON, XLSX);
// rows counted without Excel's sep= line. Files:
// tests/fixtures/bad/make-bad-encodings.py and make-bad-text.py, which also
// write the reference values: Python's codecs and UTF-8 decoder
// (encodings-neighbours-expected.json), pandas read_csv
// (text-neighbours-expected.json).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodingWarnings, emptyReport } from '../../../src/lib/engine/data/decode';
import { ingestBlob, ingestDelimited, SAMPLE_ROWS } from '../../../src/lib/engine/data/ingest';
import {
  isWideWholeNumber,
  roundedWholeWarning,
  type ColumnInference,
} from '../../../src/lib/engine/data/infer';
import { ingestInParts, readPart, type PartRunner } from '../../../src/lib/engine/data/parts';
import { detectFormat, readFile, type ReadOptions } from '../../../src/lib/engine/data/read';
import {
  cellText,
  getColumn,
  NO_PROGRESS,
  type DataTable,
} from '../../../src/lib/engine/data/table';
import { translate } from '../../../src/lib/i18n';
import type { MessageKey } from '../../../src/lib/i18n/en';

const BAD = 'tests/fixtures/bad/';
const bytes = (file: string) => new Uint8Array(readFileSync(BAD + file));

type Records = Record<string, string | number>[];
const ENCODINGS = JSON.parse(readFileSync(BAD + 'encodings-neighbours-expected.json', 'utf8')) as {
  records: Records;
  mixed: Records;
  gbk: Records;
} & Record<string, { replaced: number; lines: number; firstLine: number }>;
const TEXT = JSON.parse(readFileSync(BAD + 'text-neighbours-expected.json', 'utf8')) as {
  'decimal-wide.csv': number[];
  'missing-markers.xlsx': Record<string, (number | string | null)[]>;
};

function read(file: string, options: Partial<ReadOptions> = {}) {
  return readFile(new Blob([bytes(file)]), file, options, NO_PROGRESS);
}

/** The table's rows as records, as Python wrote them (numbers as numbers, missing left out). */
function records(table: DataTable): Records {
  return Array.from({ length: table.rowCount }, (_, i) => {
    const out: Record<string, string | number> = {};
    for (const c of table.columns) {
      if (c.kind === 'number') {
        if (!Number.isNaN(c.values[i])) out[c.name] = c.values[i];
      } else if (c.codes[i] >= 0) out[c.name] = cellText(c, i);
    }
    return out;
  });
}

function values(table: DataTable, name: string): (number | string | null)[] {
  const c = getColumn(table, name);
  return Array.from({ length: table.rowCount }, (_, i) => {
    if (c.kind === 'number') return Number.isNaN(c.values[i]) ? null : c.values[i];
    return c.codes[i] < 0 ? null : c.dictionary[c.codes[i]];
  });
}

const runPart: PartRunner = (request, progress) =>
  readPart(request, progress, async () => undefined);

const codes = (warnings: { code: string }[]) => warnings.map((w) => w.code);

describe('JSON in UTF-16 and UTF-32, not named .json', () => {
  it.each([
    ['records-utf16le.txt', 'json', 'utf-16le'],
    ['records-utf32be.txt', 'json', 'utf-32be'],
    ['records-utf16be-no-bom.txt', 'ndjson', 'utf-16be'],
    ['records-utf32le-no-bom.dat', 'ndjson', 'utf-32le'],
  ])('%s is %s in %s, its records as Python wrote them', async (file, format, encoding) => {
    expect(detectFormat(bytes(file), file)).toBe(format);
    const result = await read(file);
    expect(result.format).toBe(format);
    expect(result.encoding).toBe(encoding);
    expect(records(result.table)).toEqual(ENCODINGS.records);
    expect(codes(result.warnings).filter((c) => c !== 'encoding.guessed')).toEqual([]);
  });

  it('a UTF-16 CSV is still delimited text', () => {
    const csv = new Uint8Array([
      0xff,
      0xfe,
      ...new Uint8Array(new Uint16Array([...'a,b\n1,2\n'].map((c) => c.charCodeAt(0))).buffer),
    ]);
    expect(detectFormat(csv, 'export.txt')).toBe('delimited');
  });
});

describe('the JSON reader says which bytes it could not decode', () => {
  it('NDJSON of UTF-8 lines with GBK ones: mixed, and where (as Python reads it)', async () => {
    const file = 'records-mixed.ndjson';
    const result = await read(file);
    expect(result.encoding).toBe('utf-8');
    const want = ENCODINGS[file];
    expect(result.warnings).toEqual([
      { code: 'encoding.guessed', params: { encoding: 'utf-8' } },
      { code: 'encoding.mixed', params: { encoding: 'utf-8', other: 'gb18030' } },
      {
        code: 'encoding.invalid-bytes',
        params: {
          count: want.replaced,
          encoding: 'utf-8',
          line: want.firstLine,
          lines: want.lines,
        },
      },
    ]);
    // The UTF-8 lines keep their text; the GBK lines' keys are unreadable too, so their values are under other names.
    const names = values(result.table, '姓名');
    expect(names.length).toBe(ENCODINGS.mixed.length);
    names.forEach((name, i) => {
      expect(name).toBe(i + 1 === 5 || i + 1 === 6 ? null : ENCODINGS.mixed[i]['姓名']);
    });
    expect(result.table.columns.some((c) => c.name.includes('\ufffd'))).toBe(true);
  });

  it('a GBK array read as UTF-8: where, and that it reads well as GB18030', async () => {
    const file = 'records-gbk.json';
    const forced = await read(file, { encoding: 'utf-8' });
    const want = ENCODINGS[file];
    expect(forced.warnings).toEqual([
      { code: 'encoding.looks-like', params: { encoding: 'utf-8', other: 'gb18030' } },
      {
        code: 'encoding.invalid-bytes',
        params: {
          count: want.replaced,
          encoding: 'utf-8',
          line: want.firstLine,
          lines: want.lines,
        },
      },
    ]);
    // Detected by itself, every value is Python's.
    const detected = await read(file);
    expect(detected.encoding).toBe('gb18030');
    expect(records(detected.table)).toEqual(ENCODINGS.gbk);
    expect(codes(detected.warnings)).toEqual(['encoding.guessed']);
  });

  it('every warning has its message in both catalogues', async () => {
    const result = await read('records-mixed.ndjson');
    for (const w of result.warnings) {
      for (const locale of ['en', 'zh-CN'] as const) {
        const text = translate(locale, w.code as MessageKey, w.params);
        expect(text).not.toBe(w.code);
        expect(text).not.toMatch(/\{\w+\}/);
      }
    }
  });
});

describe('XLSX missing markers', () => {
  it('named in the warning, and missing as pandas reads the same cells', async () => {
    const result = await read('missing-markers.xlsx');
    expect(result.warnings).toEqual([
      {
        code: 'ingest.missing-markers',
        params: { columns: 'premium: “None”, “NA”, “#N/A”; plan: “NULL”' },
      },
    ]);
    const reference = TEXT['missing-markers.xlsx'];
    expect(values(result.table, 'premium')).toEqual(reference.premium);
    expect(values(result.table, 'plan')).toEqual(reference.plan);
    expect(getColumn(result.table, 'premium').type).toBe('decimal');
  });
});

describe('a whole number beyond 2^53 in a decimal column', () => {
  it('is written in full (no exponent), beyond ±(2^53 − 1)', () => {
    expect(isWideWholeNumber('123456789012345678901234567890')).toBe(true);
    expect(isWideWholeNumber('-9007199254740993')).toBe(true);
    expect(isWideWholeNumber('9007199254740991')).toBe(false);
    expect(isWideWholeNumber('1.5e30')).toBe(false);
    expect(isWideWholeNumber('12.5')).toBe(false);
    // Beyond 2^53 every double is whole: a fraction written there is lost too.
    expect(isWideWholeNumber('123.456.789.012.345.678,5', 'comma')).toBe(true);
    expect(isWideWholeNumber('12345678901234567890.5')).toBe(true);
    expect(isWideWholeNumber('123.456.789.012.345.678', 'comma')).toBe(true);
  });

  it('only a decimal column warns', () => {
    const decimal = { type: 'decimal', evidence: 'decimal-values', missing: 0, invalid: 0 };
    const texts = ['1.5', '123456789012345678901234567890'];
    expect(roundedWholeWarning('x', decimal as ColumnInference, texts, (i) => i + 2)).toEqual({
      code: 'ingest.decimal-rounded',
      params: { column: 'x', row: 3, value: '123456789012345678901234567890' },
    });
    const text = { ...decimal, type: 'text' } as ColumnInference;
    expect(roundedWholeWarning('x', text, texts, (i) => i + 2)).toBeNull();
  });

  it.each([
    ['decimal-wide.csv', 4],
    ['decimal-wide.json', 3],
    ['decimal-wide.xlsx', 4],
  ])(
    '%s: the column stays decimal, the value is the double pandas reads, row %i said',
    async (file, row) => {
      const result = await read(file);
      expect(getColumn(result.table, 'balance').type).toBe('decimal');
      expect(values(result.table, 'balance')).toEqual(TEXT['decimal-wide.csv']);
      expect(result.warnings).toEqual([
        {
          code: 'ingest.decimal-rounded',
          params: { column: 'balance', row, value: '123456789012345678901234567890' },
        },
      ]);
    },
  );

  it('after the sample, chunked and in parts: the first one said, once', async () => {
    const lines = ['id,balance'];
    for (let i = 1; i <= SAMPLE_ROWS + 3000; i++) {
      const wide = i === SAMPLE_ROWS + 700 || i === SAMPLE_ROWS + 2900;
      lines.push(`C${i},${wide ? '-98765432109876543210' : `${i % 300}.25`}`);
    }
    const text = lines.join('\n') + '\n';
    const data = new TextEncoder().encode(text);
    const serial = await ingestBlob(new Blob([data]), {}, NO_PROGRESS);
    const want = {
      code: 'ingest.decimal-rounded',
      params: { column: 'balance', row: SAMPLE_ROWS + 701, value: '-98765432109876543210' },
    };
    expect(serial.warnings).toEqual([want]);
    expect(values(serial.table, 'balance')[SAMPLE_ROWS + 699]).toBe(
      Number('-98765432109876543210'),
    );
    async function* chunks(size: number) {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    }
    const chunked = await ingestDelimited(chunks(4096), data.length, {}, NO_PROGRESS);
    expect(chunked.warnings).toEqual([want]);
    for (const parts of [2, 3]) {
      const parallel = await ingestInParts(new Blob([data]), {}, NO_PROGRESS, {
        parts,
        minPartBytes: 16 * 1024,
        runPart,
      });
      expect(parallel.warnings, `${parts} parts`).toEqual([want]);
      expect(parallel.table.columns).toEqual(serial.table.columns);
    }
  });

  it('a column made text by a later value still says so: its earlier values are rendered from the doubles', async () => {
    const lines = ['id,balance'];
    for (let i = 1; i <= SAMPLE_ROWS; i++) lines.push(`C${i},${i}.5`);
    lines.push('X1,123456789012345678901234567890', 'X2,n.a.');
    const result = await ingestBlob(new Blob([lines.join('\n')]), {}, NO_PROGRESS);
    expect(codes(result.warnings)).toEqual(['ingest.column-demoted', 'ingest.decimal-rounded']);
    expect(result.warnings[1].params.row).toBe(SAMPLE_ROWS + 2);
    expect(values(result.table, 'balance')[SAMPLE_ROWS]).toBe(
      String(Number('123456789012345678901234567890')),
    );
  });
});

describe("rows without Excel's sep= line", () => {
  it('sep-rows.csv: short row 3 and the wide integer in row 5, as Excel numbers them', async () => {
    const result = await read('sep-rows.csv');
    expect(result.table.rowCount).toBe(4);
    expect(result.warnings).toEqual([
      { code: 'csv.sep-line', params: { line: 'sep=,' } },
      {
        code: 'ingest.integers-as-text',
        params: { column: 'account_no', row: 5, value: '123456789012345678901234567890' },
      },
      { code: 'csv.short-rows', params: { count: 1, row: 3, expected: 3 } },
    ]);
  });

  it('the same rows as the file without its sep= line', async () => {
    const body = 'customer_id,premium\nC1,1\nC2,2,3\n';
    const without = await ingestBlob(new Blob([body]), {}, NO_PROGRESS).catch((e: unknown) => e);
    const withSep = await ingestBlob(new Blob(['sep=,\n' + body]), {}, NO_PROGRESS).catch(
      (e: unknown) => e,
    );
    expect(withSep).toMatchObject({ code: 'csv.ragged', params: { row: 3 } });
    expect(withSep).toEqual(without);
  });

  it('the undecodable line too, and in parts', async () => {
    const lines = ['sep=;', 'id;name'];
    for (let i = 1; i <= SAMPLE_ROWS + 2000; i++) lines.push(`${i};n${i}`);
    const head = new TextEncoder().encode(lines.join('\n') + '\n');
    // GBK bytes (张伟) on the file's line 10 + SAMPLE_ROWS: row 9 + SAMPLE_ROWS as Excel shows it.
    const at = SAMPLE_ROWS + 10;
    const text = lines.slice(0, at - 1).join('\n') + '\n';
    const bad = new Uint8Array([
      ...new TextEncoder().encode(text),
      0xd5,
      0xc5,
      0xce,
      0xb0,
      0x3b,
      0x78,
      0x0a,
    ]);
    const rest = head.subarray(
      new TextEncoder().encode(lines.slice(0, at).join('\n') + '\n').length,
    );
    const data = new Uint8Array([...bad, ...rest]);
    const serial = await ingestBlob(new Blob([data]), { encoding: 'utf-8' }, NO_PROGRESS);
    const invalid = serial.warnings.find((w) => w.code === 'encoding.invalid-bytes');
    expect(invalid?.params.line).toBe(at - 1);
    const parallel = await ingestInParts(new Blob([data]), { encoding: 'utf-8' }, NO_PROGRESS, {
      parts: 3,
      minPartBytes: 16 * 1024,
      runPart,
    });
    expect(parallel.warnings).toEqual(serial.warnings);
  });

  it('decodingWarnings leaves hidden lines out of the line it names', () => {
    const report = { ...emptyReport(), replaced: 2, lines: 1, firstLine: 7, lineFeeds: 9 };
    expect(decodingWarnings('utf-8', report, true, 1)).toEqual([
      {
        code: 'encoding.invalid-bytes',
        params: { count: 2, encoding: 'utf-8', line: 6, lines: 1 },
      },
    ]);
  });
});
