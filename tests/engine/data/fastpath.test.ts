// The ingest's in-place fast paths (infer.ts *Span parsers, interner.ts, the
// tokenizer's span mode) must give exactly what the string path gives. The
// reference for numbers is ECMAScript's Number() (correctly rounded) and the
// full parsers already tested against it in infer.test.ts.
import { describe, expect, it } from 'vitest';
import {
  parseBoolean,
  parseBooleanSpan,
  parseDate,
  parseIsoDateSpan,
  parseNumber,
  parsePlainNumberSpan,
} from '../../../src/lib/engine/data/infer';
import { hashSpan, StringInterner } from '../../../src/lib/engine/data/interner';
import { CsvTokenizer } from '../../../src/lib/engine/data/csv';
import { ingestDelimited, SAMPLE_ROWS } from '../../../src/lib/engine/data/ingest';
import { cellText, getColumn, NO_PROGRESS } from '../../../src/lib/engine/data/table';

/** What the ingest does with a cell: the fast path, else the full parser on the slice. */
function viaSpan(
  fast: (t: string, s: number, e: number) => number,
  full: (s: string) => number,
  cell: string,
): number {
  // Embed the cell in other text so the offsets are not 0..length.
  const text = `xx,${cell},yy`;
  const v = fast(text, 3, 3 + cell.length);
  return v === v ? v : full(cell);
}

const NUMBER_CELLS = [
  '0',
  '-0',
  '+0',
  '42',
  '+42',
  '-42',
  '.5',
  '-.5',
  '5.',
  '-5.',
  '0.1',
  '1.005',
  '123456789012345',
  '1234567890123456',
  '9007199254740993',
  '0.12345678901234567890',
  '1e3',
  '1E-3',
  '-2.5e+2',
  '1,234',
  '1,234.50',
  '$12',
  '12%',
  ' 7',
  '7 ',
  '.',
  '-',
  '+',
  '--1',
  '1.2.3',
  'e5',
  'abc',
  'NA',
];

describe('parsePlainNumberSpan', () => {
  it('agrees with parseNumber (and so with Number) on signs, points, exponents, long and formatted numbers', () => {
    for (const cell of NUMBER_CELLS) {
      expect(
        Object.is(
          viaSpan(parsePlainNumberSpan, (s) => parseNumber(s, 'dot'), cell),
          parseNumber(cell),
        ),
        cell,
      ).toBe(true);
    }
    // Spot checks against Number() for the plain ones.
    for (const cell of ['-0', '+42', '.5', '5.', '1234567890123456', '0.12345678901234567890']) {
      expect(
        Object.is(parsePlainNumberSpan(cell, 0, cell.length) || parseNumber(cell), Number(cell)),
        cell,
      ).toBe(true);
    }
  });

  it('declines (NaN) whatever is not a plain decimal of at most 15 digits', () => {
    for (const cell of ['1e3', '1,234', '$12', '12%', ' 7', '.', '-', '1234567890123456']) {
      expect(parsePlainNumberSpan(cell, 0, cell.length), cell).toBeNaN();
    }
    expect(Object.is(parsePlainNumberSpan('-0', 0, 2), -0)).toBe(true);
  });
});

describe('parseIsoDateSpan and parseBooleanSpan', () => {
  it('dates agree with parseDate(ymd), including invalid days and other shapes', () => {
    for (const cell of [
      '2024-02-29',
      '2023-02-29',
      '1999/12/31',
      '2024.01.05',
      '2024-1-5',
      '2024-01-05 10:30',
      '2024-13-01',
      '2024-00-10',
      '2024-01-32',
      '2024-01/05',
      '20240105xx',
      '0000-01-01',
      ' 2024-01-05',
    ]) {
      expect(
        Object.is(
          viaSpan(parseIsoDateSpan, (s) => parseDate(s, 'ymd'), cell),
          parseDate(cell, 'ymd'),
        ),
        cell,
      ).toBe(true);
    }
    expect(parseIsoDateSpan('x2024-02-29', 1, 11)).toBe(Date.UTC(2024, 1, 29));
  });

  it('booleans agree with parseBoolean in any case, with whitespace and Chinese words', () => {
    for (const cell of [
      'y',
      'N',
      'yes',
      'YES',
      'No',
      'true',
      'TRUE',
      'False',
      'nO',
      'yess',
      'tru',
      ' yes',
      '是',
      '否',
      '1',
      '',
    ]) {
      expect(
        Object.is(viaSpan(parseBooleanSpan, parseBoolean, cell), parseBoolean(cell)),
        cell,
      ).toBe(true);
    }
    // '@' | 0x20 is '`', not a letter: no false match from the case folding.
    expect(parseBooleanSpan('@', 0, 1)).toBeNaN();
  });
});

describe('StringInterner', () => {
  it('interns values with known hashes (repeats, colliding hashes, values already there) in order of first appearance', () => {
    // Reference: a Map, in order of first appearance.
    const expected = (values: string[], reference: Map<string, number>) =>
      values.map((v) => reference.get(v) ?? reference.set(v, reference.size).get(v)!);
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 48271) >>> 0) % 2147483647) / 2147483647;
    // Real hashes, except that every value ending in 7 shares one: equal
    // hashes of different strings must still give different codes.
    const hashesOf = (values: string[]) =>
      Int32Array.from(values, (v) => (v.endsWith('7') ? 12345 : hashSpan(v, 0, v.length)));
    for (const n of [0, 1, 100, 5_000, 60_000]) {
      const interner = new StringInterner();
      const reference = new Map<string, number>();
      // Some values before, some of which come again.
      const before = Array.from({ length: n >> 2 }, (_, i) => `v${i * 3}`);
      expect(Array.from(interner.internHashed(before, hashesOf(before)))).toEqual(
        expected(before, reference),
      );
      const values = Array.from({ length: n }, () => `v${Math.floor(random() * n)}`);
      const codes = interner.internHashed(values, hashesOf(values));
      expect(Array.from(codes)).toEqual(expected(values, reference));
      expect(interner.values).toEqual([...reference.keys()]);
      // Looking them up again finds the same codes and adds nothing.
      expect(Array.from(interner.internHashed(values, hashesOf(values)))).toEqual(
        Array.from(codes),
      );
      expect(interner.values.length).toBe(reference.size);
    }
  });

  it('defers values and interns them in batches: final codes in order of first appearance', () => {
    const interner = new StringInterner();
    const reference = new Map<string, number>();
    const code = (v: string) => reference.get(v) ?? reference.set(v, reference.size).get(v)!;
    const text = Array.from({ length: 3000 }, (_, i) => `id-${(i * 37) % 1900};`).join('');
    const spans = text.split(';').slice(0, -1);
    let at = 0;
    for (const batch of [spans.slice(0, 1000), spans.slice(1000, 1001), spans.slice(1001)]) {
      // Provisional codes are positions in `values`, repeats included.
      const provisional = batch.map((v) => {
        const c = interner.defer(text, at, at + v.length);
        at += v.length + 1;
        return c;
      });
      expect(interner.deferred).toBe(batch.length);
      expect(provisional.map((c) => interner.values[c])).toEqual(batch);
      const { base, codes } = interner.settle();
      expect(provisional.map((c) => codes[c - base])).toEqual(batch.map(code));
      expect(interner.deferred).toBe(0);
      expect(interner.values).toEqual([...reference.keys()]);
    }
    // Interning as usual finds them.
    expect(interner.internString('id-37')).toBe(reference.get('id-37'));
    expect(() => {
      interner.deferString('x');
      interner.internString('y');
    }).toThrow(/settle/);
  });

  it("merges another interner's values by their hashes: the same codes as interning them anew", () => {
    const a = new StringInterner();
    const b = new StringInterner();
    const words = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `客户-${(from + i) % 7000}@example.com`);
    for (const w of words(0, 5000)) a.internString(w);
    // b overlaps a (2000-4999) and repeats itself, forcing several grows.
    for (const w of [...words(2000, 9000), ...words(2000, 3000)]) b.internString(w);
    const reference = new StringInterner();
    for (const w of a.values) reference.internString(w);
    const expected = b.values.map((w) => reference.internString(w));

    const merged = new StringInterner();
    expect(Array.from(merged.merge(a.state()))).toEqual(a.values.map((_, k) => k));
    expect(Array.from(merged.merge(b.state()))).toEqual(expected);
    expect(merged.values).toEqual(reference.values);
    // Interning after a merge finds every merged value, and adds new ones after them.
    expect(reference.values.map((w) => merged.internString(w))).toEqual(
      reference.values.map((_, k) => k),
    );
    expect(merged.internString('new')).toBe(reference.values.length);
  });

  it("carries on from another interner's state: the same codes, and its values kept as they are", () => {
    const words = Array.from({ length: 3000 }, (_, i) => `v${i % 1700}`);
    const a = new StringInterner();
    const codes = words.map((w) => a.internString(w));
    const { values } = a.state();
    const adopted = new StringInterner(a.state());
    expect(adopted.values).toBe(values);
    expect(words.map((w) => adopted.internString(w))).toEqual(codes);
    // Growing past the adopted table's size keeps every code.
    for (let i = 0; i < 5000; i++) adopted.internString(`w${i}`);
    expect(words.map((w) => adopted.internString(w))).toEqual(codes);
    expect(adopted.internString('w4999')).toBe(1700 + 4999);
  });

  it('gives one code per distinct value, in order of first appearance, across growth', () => {
    const interner = new StringInterner();
    const text = Array.from({ length: 5000 }, (_, i) => `id${i % 3000}`).join(',');
    const codes: number[] = [];
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || text[i] === ',') {
        codes.push(interner.intern(text, start, i));
        start = i + 1;
      }
    }
    expect(interner.values.length).toBe(3000);
    expect(codes.slice(0, 3)).toEqual([0, 1, 2]);
    expect(codes[3000]).toBe(0);
    expect(codes[4999]).toBe(1999);
    expect(interner.values[2999]).toBe('id2999');
    expect(interner.internString('id17')).toBe(17);
    expect(interner.internString('')).toBe(3000);
    expect(interner.internString('客户')).toBe(3001);
    expect(interner.intern('x客户y', 1, 3)).toBe(3001);
  });

  /** Splits `text` at commas and interns each field in place. */
  function internFields(interner: StringInterner, text: string, attached = false): number[] {
    const codes: number[] = [];
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || text[i] === ',') {
        codes.push(interner.intern(text, start, i, attached));
        start = i + 1;
      }
    }
    return codes;
  }

  /** What the interner must give: a Map from value to code of first appearance. */
  function reference(fields: string[]): { codes: number[]; values: string[] } {
    const index = new Map<string, number>();
    const values: string[] = [];
    const codes = fields.map((f) => {
      let code = index.get(f);
      if (code === undefined) {
        code = values.length;
        index.set(f, code);
        values.push(f);
      }
      return code;
    });
    return { codes, values };
  }

  it('matches a Map on a mix of repeats and new values, through many grows', () => {
    // 45,000 distinct values from a default-sized table: 8 grows. Long and
    // short values (either side of the 13-character copy), prefixes of each
    // other, categorical repeats.
    const fields: string[] = [];
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 120_000; i++) {
      const r = rnd();
      const n = (rnd() * 40_000) | 0;
      if (r < 0.3) fields.push(['yes', 'no', 'maybe', 'y', 'yes!'][n % 5]);
      else if (r < 0.6) fields.push(`customer${String(n).padStart(7, '0')}@x.com`);
      else fields.push(`C${n >> 1}`);
    }
    const expected = reference(fields);
    expect(expected.values.length).toBeGreaterThan(40_000);
    for (const interner of [new StringInterner(), new StringInterner(expected.values.length)]) {
      expect(internFields(interner, fields.join(','))).toEqual(expected.codes);
      expect(interner.values).toEqual(expected.values);
      // Every value is still found after the grows, by its own string.
      for (let c = 0; c < expected.values.length; c += 97) {
        expect(interner.internString(expected.values[c])).toBe(c);
      }
      expect(interner.values.length).toBe(expected.values.length);
    }
  });

  it('gives the same code for a value wherever it lies, in any text', () => {
    const interner = new StringInterner();
    const long = 'customer0000042@example.com';
    expect(interner.intern(`a,${long},b`, 2, 2 + long.length)).toBe(0);
    expect(interner.intern(`${long}xyz`, 0, long.length)).toBe(0);
    expect(interner.intern(`zz${long}`, 2, 2 + long.length)).toBe(0);
    expect(interner.internString(long)).toBe(0);
    expect(interner.intern(long, 0, long.length, true)).toBe(0);
    // A prefix or an extension of a known value is another value.
    expect(interner.intern(long, 0, long.length - 1)).toBe(1);
    expect(interner.internString(`${long}m`)).toBe(2);
    expect(interner.intern('abcabc', 3, 6)).toBe(3);
    expect(interner.intern('xabcx', 1, 4)).toBe(3);
    expect(interner.values).toEqual([long, long.slice(0, -1), `${long}m`, 'abc']);
  });

  it('interns the empty string as a value of its own', () => {
    const interner = new StringInterner();
    expect(interner.intern('a,,b', 2, 2)).toBe(0);
    expect(interner.intern('a', 0, 1)).toBe(1);
    expect(interner.internString('')).toBe(0);
    expect(interner.intern('abc', 3, 3)).toBe(0);
    expect(interner.values).toEqual(['', 'a']);
  });

  it('keeps non-ASCII values, surrogate pairs and lone surrogates exact', () => {
    const cells = [
      '客户',
      '客户编号-0000001-北京市', // 16 code units: copied out of the text
      '客户编号-0000002-北京市',
      '😀',
      '😀😀😀😀😀😀😀', // 14 code units, starting with a high surrogate
      '😁😀😀😀😀😀😀',
      '\ud83d', // lone high surrogate
      '\ude00', // lone low surrogate
      'Überseegebiet-Süd',
      'e\u0301', // not normalized: differs from 'é'
      'é',
    ];
    const text = [...cells, ...cells.slice().reverse()].join(',');
    const interner = new StringInterner();
    const codes = internFields(interner, text);
    expect(interner.values).toEqual(cells);
    expect(codes).toEqual([...cells.keys(), ...[...cells.keys()].reverse()]);
    // The halves of a surrogate pair, cut out of one text, are the lone values.
    expect(interner.intern('😀', 0, 1)).toBe(6);
    expect(interner.intern('😀', 1, 2)).toBe(7);
  });

  it('gives values equal to the slices, attached or not', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `row-${i}-${'x'.repeat(i % 20)}`).join(',');
    const detached = new StringInterner();
    const attached = new StringInterner();
    const codes = internFields(detached, text);
    expect(internFields(attached, text, true)).toEqual(codes);
    const fields = text.split(',');
    expect(detached.values).toEqual(fields);
    expect(attached.values).toEqual(fields);
    for (let i = 0; i < fields.length; i++) expect(detached.values[codes[i]]).toBe(fields[i]);
  });

  it('internString keeps the whole string and finds values interned in place', () => {
    const interner = new StringInterner();
    const s = 'a whole string of some length';
    expect(interner.internString(s)).toBe(0);
    expect(interner.values[0]).toBe(s);
    expect(interner.intern(`[${s}]`, 1, 1 + s.length)).toBe(0);
    expect(interner.intern('[short]', 1, 6)).toBe(1);
    expect(interner.internString('short')).toBe(1);
    expect(interner.values).toEqual([s, 'short']);
  });
});

describe('CsvTokenizer span mode', () => {
  it('emits the same fields as strings, for a cut at every position', () => {
    const text = 'a,b,"c,d"\n11,,"x""y"\r\n333,4.5,zz\n\n-0,"",e';
    const expected = [
      ['a', 'b', 'c,d'],
      ['11', '', 'x"y'],
      ['333', '4.5', 'zz'],
      ['-0', '', 'e'],
    ];
    for (let cut = 0; cut <= text.length; cut++) {
      const records: string[][] = [];
      const tokenizer = new CsvTokenizer(',', () => undefined);
      tokenizer.useSpans((chunk, starts, ends, fields, count) => {
        const r: string[] = [];
        for (let k = 0; k < count; k++) {
          r.push(starts[k] >= 0 ? chunk.slice(starts[k], ends[k]) : fields[k]);
        }
        records.push(r);
      });
      tokenizer.push(text.slice(0, cut));
      tokenizer.push(text.slice(cut));
      tokenizer.finish();
      expect(records, `cut at ${cut}`).toEqual(expected);
    }
  });
});

describe('ingest after the sample (span mode)', () => {
  /** Seeded chunking of bytes into 1..max-byte pieces, so numbers are cut everywhere. */
  async function* chunks(bytes: Uint8Array, max: number) {
    let s = 7;
    for (let i = 0; i < bytes.length;) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const size = 1 + (s % max);
      yield bytes.subarray(i, i + size);
      i += size;
    }
  }

  it('reads edge-case numbers, dates, booleans and categories past the sample exactly, however the bytes are cut', async () => {
    const header = 'amount\twhen\tflag\tkind';
    const body: string[] = [];
    for (let i = 0; i < SAMPLE_ROWS; i++)
      body.push(`${i % 97}.25\t2024-01-0${1 + (i % 9)}\tyes\tgold`);
    // After the sample: every odd case in each column.
    const late = [
      ['+5', '2024-02-29', 'No', 'silver'],
      ['.5', '2023-12-31', 'TRUE', ' gold'],
      ['5.', '', 'n', 'NA'],
      ['-0', '2024/03/01', 'false', 'N/A'],
      ['1e3', '2024-3-1', '否', 'gold '],
      ['1,234.5', '2024-01-05 00:00', ' y', 'Gold'],
      ['12345678901234567890', 'NA', '', 'n'],
      ['0.12345678901234567890', '2024-01-05', 'Y', ''],
      ['NA', '2024-01-05', 'yes', 'gold'],
      ['', '2024-01-05', 'yes', 'silver'],
    ];
    const text = [header, ...body, ...late.map((r) => r.join('\t'))].join('\n') + '\n';
    const bytes = new TextEncoder().encode(text);
    for (const max of [7, 61, 1 << 16]) {
      const { table, warnings } = await ingestDelimited(
        chunks(bytes, max),
        bytes.length,
        {},
        NO_PROGRESS,
      );
      // 12345678901234567890 (row SAMPLE_ROWS + 8) is held as the nearest double: said, never silently.
      expect(warnings).toEqual([
        {
          code: 'ingest.decimal-rounded',
          params: { column: 'amount', row: SAMPLE_ROWS + 8, value: '12345678901234567890' },
        },
      ]);
      const amount = getColumn(table, 'amount');
      const when = getColumn(table, 'when');
      const flag = getColumn(table, 'flag');
      const kind = getColumn(table, 'kind');
      if (amount.kind !== 'number' || when.kind !== 'number' || flag.kind !== 'number') {
        throw new Error('numeric columns expected');
      }
      const tail = (a: Float64Array) => Array.from(a.subarray(SAMPLE_ROWS));
      const n = Number;
      expect(tail(amount.values)).toEqual([
        5,
        0.5,
        5,
        -0,
        1000,
        1234.5,
        n('12345678901234567890'),
        n('0.12345678901234567890'),
        NaN,
        NaN,
      ]);
      expect(Object.is(amount.values[SAMPLE_ROWS + 3], -0)).toBe(true);
      expect(tail(when.values)).toEqual([
        Date.UTC(2024, 1, 29),
        Date.UTC(2023, 11, 31),
        NaN,
        Date.UTC(2024, 2, 1),
        Date.UTC(2024, 2, 1),
        Date.UTC(2024, 0, 5),
        NaN,
        Date.UTC(2024, 0, 5),
        Date.UTC(2024, 0, 5),
        Date.UTC(2024, 0, 5),
      ]);
      expect(tail(flag.values)).toEqual([0, 1, 0, 0, 0, 1, NaN, 1, 1, 1]);
      const kinds = Array.from({ length: late.length }, (_, i) => cellText(kind, SAMPLE_ROWS + i));
      // Missing markers are missing; surrounding whitespace is kept in strings, as in the sample path.
      expect(kinds).toEqual([
        'silver',
        ' gold',
        '',
        '',
        'gold ',
        'Gold',
        'n',
        '',
        'gold',
        'silver',
      ]);
      expect(kind.kind === 'string' && kind.dictionary.indexOf('gold')).toBe(0);
    }
  });
});
