// Delimited text and JSON as real systems export them (issue 13): Excel's
// `sep=` first line, header rows repeated as data, pandas' missing markers,
// signed and grouped integers beyond 2^53, JSON cut short, and files wider
// than MAX_COLUMNS. Files: tests/fixtures/bad/make-bad-text.py. Reference
// values (rows, missing counts, numbers, dates as text): pandas 1.5 reading
// the same files, tests/fixtures/py/make-text-reference.py →
// tests/fixtures/py/text-reference.json (pandas is told the dialect and the
// header repeats by hand; it is what our reader must find by itself).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_COLUMNS } from '../../../src/lib/engine/data/columnNames';
import { sameRecord, separatorLine } from '../../../src/lib/engine/data/csv';
import { isMissing, mayBeMissingSpan, missingMarkers } from '../../../src/lib/engine/data/infer';
import { ingestBlob, ingestDelimited, SAMPLE_ROWS } from '../../../src/lib/engine/data/ingest';
import {
  endsEarly,
  jsonErrorOffset,
  readJsonArray,
  readNdjson,
} from '../../../src/lib/engine/data/formats/json';
import { ingestInParts, readPart, type PartRunner } from '../../../src/lib/engine/data/parts';
import { readFile } from '../../../src/lib/engine/data/read';
import {
  cellText,
  EngineError,
  getColumn,
  NO_PROGRESS,
  type DataTable,
} from '../../../src/lib/engine/data/table';
import { types } from './formats/helpers';

const BAD = 'tests/fixtures/bad/';

interface Reference {
  rows: number;
  dropped?: number;
  columns: Record<string, { missing: number; dtype: string; values: (number | string | null)[] }>;
}
const REFERENCE = JSON.parse(readFileSync('tests/fixtures/py/text-reference.json', 'utf8')) as {
  na_values: { pandas: string; markers: string[] };
} & Record<string, Reference>;

function read(file: string) {
  return readFile(new Blob([readFileSync(BAD + file)]), file, {}, NO_PROGRESS);
}

/** A column's values as pandas gives them: numbers, or text (dates as yyyy-mm-dd); null missing. */
function values(table: DataTable, name: string): (number | string | null)[] {
  const c = getColumn(table, name);
  return Array.from({ length: table.rowCount }, (_, i) => {
    if (c.kind === 'number') {
      const v = c.values[i];
      if (Number.isNaN(v)) return null;
      return c.type === 'date' ? cellText(c, i) : v;
    }
    return c.codes[i] < 0 ? null : c.dictionary[c.codes[i]];
  });
}

/** Rows, missing counts and values equal to pandas' (booleans aside: pandas keeps yes/no as text). */
function expectLikePandas(table: DataTable, reference: Reference): void {
  expect(table.rowCount).toBe(reference.rows);
  for (const [name, column] of Object.entries(reference.columns)) {
    const got = values(table, name);
    expect(got.filter((v) => v === null).length, name).toBe(column.missing);
    if (getColumn(table, name).type !== 'boolean') expect(got, name).toEqual(column.values);
  }
}

async function* chunks(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const runPart: PartRunner = (request, progress) =>
  readPart(request, progress, async () => undefined);

/** One pass at several chunk sizes, and in parts, all give the same table and warnings. */
async function expectSameEverywhere(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  const serial = await ingestBlob(new Blob([bytes]), {}, NO_PROGRESS);
  for (const size of [7, 4096]) {
    const chunked = await ingestDelimited(chunks(bytes, size), bytes.length, {}, NO_PROGRESS);
    expect(chunked.table.columns, String(size)).toEqual(serial.table.columns);
    expect(chunked.warnings, String(size)).toEqual(serial.warnings);
  }
  for (const parts of [2, 3]) {
    const parallel = await ingestInParts(new Blob([bytes]), {}, NO_PROGRESS, {
      parts,
      minPartBytes: 16 * 1024,
      runPart,
    });
    expect(parallel.table.columns).toEqual(serial.table.columns);
    expect(parallel.inference).toEqual(serial.inference);
    expect(parallel.warnings).toEqual(serial.warnings);
  }
}

async function engineError(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

describe("Excel's sep= first line", () => {
  it('is recognised in its forms, and only at the start', () => {
    expect(separatorLine('sep=;\r\na;b')).toEqual({ delimiter: ';', length: 7 });
    expect(separatorLine('\uFEFF"sep=,"\na,b')).toEqual({ delimiter: ',', length: 9 });
    expect(separatorLine('sep=\t\na')).toEqual({ delimiter: '\t', length: 6 });
    expect(separatorLine('SEP=|||\na')).toEqual({ delimiter: '|', length: 8 });
    expect(separatorLine('sep=;')).toEqual({ delimiter: ';', length: 5 });
    expect(separatorLine('sep=:\na')).toBeNull();
    expect(separatorLine('sep=;x\na')).toBeNull();
    expect(separatorLine('id,sep=;\n')).toBeNull();
    expect(separatorLine('separator\n1\n')).toBeNull();
  });

  it.each([
    ['sep-semicolon.csv', ';', 'sep=;'],
    ['sep-quoted-bom.csv', ',', 'sep=,'],
    ['sep-tab.csv', '\t', 'sep=\\t'],
    ['sep-pipe.csv', '|', 'sep=|'],
  ])('%s: the delimiter it names, the line skipped, a note', async (file, delimiter, line) => {
    const result = await read(file);
    expect(result.dialect).toEqual({ delimiter, header: true });
    expect(result.warnings).toEqual([{ code: 'csv.sep-line', params: { line } }]);
    expect(result.table.columns[0].name).toBe('customer_id');
    expectLikePandas(result.table, REFERENCE[file]);
  });

  it('a decimal comma under sep=; reads as pandas with decimal=","', async () => {
    const { table } = await read('sep-semicolon.csv');
    expect(types(table)).toEqual({
      customer_id: 'identifier',
      premium: 'decimal',
      start_date: 'date',
    });
  });

  it('a delimiter the user chose wins; the line is still skipped', async () => {
    const text = 'sep=;\nid,amount\n1,2\n';
    const result = await ingestBlob(new Blob([text]), { delimiter: ',' }, NO_PROGRESS);
    expect(result.dialect.delimiter).toBe(',');
    expect(result.table.columns.map((c) => c.name)).toEqual(['id', 'amount']);
    expect(result.table.rowCount).toBe(1);
  });

  it('rows in later messages are rows as Excel shows them, the sep= line not counted', async () => {
    // Excel hides the sep= line: the header is row 1, the bad record row 3 (docs/decisions/0005).
    const text = 'sep=;\nid;amount\n1;2\n2;3;4\n';
    const error = await engineError(ingestBlob(new Blob([text]), {}, NO_PROGRESS));
    expect(error).toMatchObject({ code: 'csv.ragged', params: { row: 3 } });
  });

  it('read in parts and at any chunk size, the same', async () => {
    const lines = ['sep=;', 'id;amount;plan'];
    for (let i = 0; i < SAMPLE_ROWS + 500; i++) lines.push(`${i};${i % 97},5;p${i % 3}`);
    await expectSameEverywhere(lines.join('\r\n') + '\r\n');
  });
});

describe('a header row repeated as data', () => {
  it('sameRecord ignores trailing empty fields and a BOM before the first', () => {
    expect(sameRecord(['a', 'b', ''], 3, ['a', 'b'])).toBe(true);
    expect(sameRecord(['\uFEFFa', 'b'], 2, ['a', 'b'])).toBe(true);
    expect(sameRecord(['a', 'c'], 2, ['a', 'b'])).toBe(false);
    expect(sameRecord(['a'], 1, ['a', 'b'])).toBe(false);
    expect(sameRecord([''], 1, [''])).toBe(false);
  });

  it.each([
    ['repeated-header.csv', 2, 7],
    ['two-exports.csv', 1, 6],
  ])('%s: %i repeats dropped (first: row %i), types as without them', async (file, count, row) => {
    const { table, warnings, dialect } = await read(file);
    expect(dialect?.header).toBe(true);
    expect(warnings).toEqual([{ code: 'csv.repeated-header', params: { count, row } }]);
    expect(REFERENCE[file].dropped).toBe(count);
    expect(types(table)).toEqual({
      customer_id: 'identifier',
      joined: 'date',
      premium: 'decimal',
      active: 'boolean',
    });
    expectLikePandas(table, REFERENCE[file]);
  });

  it('after the sample, in the span path and in parts, the same', async () => {
    const header = 'customer_id,joined,premium';
    const lines = [header];
    for (let i = 0; i < SAMPLE_ROWS + 3000; i++) {
      if (i % 4000 === 3999) lines.push(header);
      lines.push(`C${i},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 500}.5`);
    }
    const text = lines.join('\n') + '\n';
    const { table, warnings } = await ingestBlob(new Blob([text]), {}, NO_PROGRESS);
    expect(table.rowCount).toBe(SAMPLE_ROWS + 3000);
    expect(types(table)).toMatchObject({ joined: 'date', premium: 'decimal' });
    expect(warnings).toEqual([{ code: 'csv.repeated-header', params: { count: 3, row: 4001 } }]);
    await expectSameEverywhere(text);
  });

  it('a file without a header keeps rows equal to its first', async () => {
    const text = 'a,b\n1,2\na,b\n';
    const { table } = await ingestBlob(new Blob([text]), { header: false }, NO_PROGRESS);
    expect(table.rowCount).toBe(3);
  });
});

describe("pandas' missing markers", () => {
  it('every default na_value of pandas (with 2.0’s None) is missing', () => {
    expect(REFERENCE.na_values.markers).toContain('None');
    for (const marker of REFERENCE.na_values.markers) {
      expect(isMissing(marker), marker).toBe(true);
      expect(isMissing(` ${marker} `), marker).toBe(true);
      if (marker !== '') {
        // The string sink's in-place test must not skip one.
        const text = `x,${marker},y`;
        expect(mayBeMissingSpan(text, 2, 2 + marker.length), marker).toBe(true);
      }
    }
    for (const s of ['none', 'NONE', 'Nan', '1.5', '1.#', '-1', 'Null', 'n.a.']) {
      expect(isMissing(s), s).toBe(false);
    }
    for (const s of ['1234', 'C001', 'basic', 'x#N/A', 'New York', '-5', '10.5'])
      expect(mayBeMissingSpan(s, 0, s.length)).toBe(false);
    expect(missingMarkers(['', ' ', 'NA', '1', ' NA', 'None', 'x'])).toEqual(['NA', 'None']);
  });

  it('missing-markers.csv: missing counts and values as pandas, markers named per column', async () => {
    const { table, warnings } = await read('missing-markers.csv');
    expect(types(table)).toEqual({
      customer_id: 'identifier',
      premium: 'decimal',
      claims: 'integer',
      plan: 'categorical',
      joined: 'date',
    });
    expectLikePandas(table, REFERENCE['missing-markers.csv']);
    expect(warnings).toEqual([
      {
        code: 'ingest.missing-markers',
        params: {
          columns:
            'premium: “None”, “NULL”, “#N/A”, “-nan”, “<NA>”, “1.#QNAN”, “n/a”; ' +
            'claims: “#NA”, “-1.#IND”, “#N/A N/A”, “-NaN”, “1.#IND”; ' +
            'plan: “None”, “n/a”, “NA”; joined: “NULL”, “None”',
        },
      },
    ]);
  });

  it('after the sample (the span paths), markers are missing in number and string columns', async () => {
    const lines = ['id,amount,plan'];
    const markers = REFERENCE.na_values.markers.filter((m) => m !== '');
    for (let i = 0; i < SAMPLE_ROWS + markers.length; i++) {
      const late = i >= SAMPLE_ROWS ? markers[i - SAMPLE_ROWS] : null;
      lines.push(`${i},${late ?? i % 50},${late ?? `plan ${i % 4}`}`);
    }
    const text = lines.join('\n') + '\n';
    const { table } = await ingestBlob(new Blob([text]), {}, NO_PROGRESS);
    expect(types(table)).toMatchObject({ amount: 'integer', plan: 'categorical' });
    const amount = values(table, 'amount').slice(SAMPLE_ROWS);
    const plan = values(table, 'plan').slice(SAMPLE_ROWS);
    expect(amount).toEqual(markers.map(() => null));
    expect(plan).toEqual(markers.map(() => null));
    await expectSameEverywhere(text);
  });
});

describe('missing markers in JSON strings', () => {
  it('are missing as in a CSV file, and named; null is not a marker', async () => {
    const text =
      '[{"score": "None", "plan": "basic"}, {"score": 3, "plan": null}, {"score": 4, "plan": "NA"}]';
    const { table, warnings } = await readJsonArray(
      new Blob([text]),
      { encoding: 'auto' },
      NO_PROGRESS,
    );
    expect(values(table, 'score')).toEqual([null, 3, 4]);
    expect(values(table, 'plan')).toEqual(['basic', null, null]);
    expect(warnings).toEqual([
      { code: 'ingest.missing-markers', params: { columns: 'score: “None”; plan: “NA”' } },
    ]);
  });
});

describe('integers beyond 2^53, negative and grouped', () => {
  it('wide-integers-signed.csv: text with every digit, a warning', async () => {
    const { table, warnings } = await read('wide-integers-signed.csv');
    expect(values(table, 'account_no')).toEqual([
      '-123456789012345678901234567890',
      '9,007,199,254,740,993',
      '42',
    ]);
    expect(types(table)).toEqual({ account_no: 'identifier', balance: 'decimal' });
    expect(warnings).toEqual([
      {
        code: 'ingest.integers-as-text',
        params: { column: 'account_no', row: 2, value: '-123456789012345678901234567890' },
      },
    ]);
  });

  it('in JSON, a negative literal keeps its digits too', async () => {
    const text = '[{"id": -123456789012345678901234567890}, {"id": 7}]';
    const { table } = await readJsonArray(new Blob([text]), { encoding: 'auto' }, NO_PROGRESS);
    expect(values(table, 'id')).toEqual(['-123456789012345678901234567890', '7']);
  });
});

describe('JSON that ends early', () => {
  it('endsEarly: open strings, arrays and objects; not other errors', () => {
    expect(endsEarly('[{"a": 1}')).toBe(true);
    expect(endsEarly('[{"a": "x')).toBe(true);
    expect(endsEarly('[{"a": "\\"')).toBe(true);
    expect(endsEarly('{"a": [1, 2')).toBe(true);
    expect(endsEarly('[{"a": 1},]')).toBe(false);
    expect(endsEarly('[{"a": 1}]]')).toBe(false);
    expect(endsEarly('[{"a": "]"}]')).toBe(false);
  });

  it.each([
    ['truncated-array.json', 2],
    ['truncated-object.json', 3],
    ['truncated-string.json', 1],
    ['truncated.ndjson', 3],
  ])('%s: json.truncated at its last line (%i)', async (file, line) => {
    expect(await engineError(read(file))).toMatchObject({
      code: 'json.truncated',
      params: { line },
    });
  });

  it('JSON broken elsewhere is still json.invalid with its line', async () => {
    expect(await engineError(read('bad.ndjson'))).toMatchObject({
      code: 'json.invalid',
      params: { line: 3 },
    });
    const broken = '[{"a": 1},\n{"a": 2},]';
    expect(
      await engineError(readJsonArray(new Blob([broken]), { encoding: 'auto' }, NO_PROGRESS)),
    ).toMatchObject({ code: 'json.invalid', params: { line: 2 } });
    // An NDJSON line that is cut but followed by more lines is not the file's end.
    const middle = '{"a": 1}\n{"a": \n{"a": 3}\n';
    expect(
      await engineError(readNdjson(new Blob([middle]), { encoding: 'auto' }, NO_PROGRESS)),
    ).toMatchObject({ code: 'json.invalid', params: { line: 2 } });
  });
});

describe('files wider than MAX_COLUMNS', () => {
  const names = (n: number) => Array.from({ length: n }, (_, j) => `c${j}`);

  it('100,000 columns and one row (0.9 MB) are refused, naming the count and the limit', async () => {
    const text = `${names(100_000).join(',')}\n${names(100_000)
      .map((_, j) => j % 7)
      .join(',')}\n`;
    expect(await engineError(ingestBlob(new Blob([text]), {}, NO_PROGRESS))).toMatchObject({
      code: 'file.too-many-columns',
      params: { columns: 100_000, max: MAX_COLUMNS },
    });
    // Without a header too.
    const bare = `${names(100_000)
      .map((_, j) => j % 7)
      .join(',')}\n`;
    expect(
      await engineError(ingestBlob(new Blob([bare]), { header: false }, NO_PROGRESS)),
    ).toMatchObject({ code: 'file.too-many-columns' });
  });

  it('JSON records with more keys are refused too', async () => {
    const record = Object.fromEntries(names(MAX_COLUMNS + 1).map((k) => [k, 1]));
    const error = await engineError(
      readJsonArray(new Blob([JSON.stringify([record])]), { encoding: 'auto' }, NO_PROGRESS),
    );
    expect(error.code).toBe('file.too-many-columns');
  });

  it('exactly MAX_COLUMNS columns load', async () => {
    const text = `${names(MAX_COLUMNS).join(',')}\n${names(MAX_COLUMNS)
      .map((_, j) => j % 7)
      .join(',')}\n`;
    const { table } = await ingestBlob(new Blob([text]), {}, NO_PROGRESS);
    expect(table.columns.length).toBe(MAX_COLUMNS);
    expect(values(table, `c${MAX_COLUMNS - 1}`)).toEqual([(MAX_COLUMNS - 1) % 7]);
  });
});

describe('jsonErrorOffset', () => {
  it('agrees with JSON.parse on what is JSON, and finds where it is not', () => {
    const valid = [
      '[]',
      '{}',
      ' [1, -2.5e3, "a\\"b\\u00e9", true, false, null, {"k": [{}]}] ',
      '"x"',
      '0',
    ];
    for (const t of valid) {
      expect(() => JSON.parse(t)).not.toThrow();
      expect(jsonErrorOffset(t), t).toBe(-1);
    }
    const invalid: [string, number][] = [
      ['[1,]', 3],
      ['[1 2]', 3],
      ['{"a" 1}', 5],
      ['{a: 1}', 1],
      ['[01]', 2],
      ['[1]x', 3],
      ['["\\q"]', 3],
      ['[tru]', 1],
    ];
    for (const [t, at] of invalid) {
      expect(() => JSON.parse(t)).toThrow();
      expect(jsonErrorOffset(t), t).toBe(at);
    }
    for (const t of ['[', '[1,', '{"a":', '{"a": tr', '["x', '["\\u00', '[-', '[1e', '{"a"']) {
      expect(() => JSON.parse(t)).toThrow();
      expect(jsonErrorOffset(t), t).toBe(t.length);
    }
  });
});
