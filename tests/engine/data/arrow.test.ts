import { afterEach, describe, expect, it, vi } from 'vitest';
import { Column as ArrowColumn, tableFromIPC, Type } from '@uwdata/flechette';
import { tableFromIpcChunks, tableToIpcChunks } from '../../../src/lib/engine/data/arrow';
import type { Column, DataTable, StringColumn } from '../../../src/lib/engine/data/table';

function num(
  name: string,
  type: 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime',
  values: number[],
): Column {
  return { kind: 'number', name, type, values: Float64Array.from(values) };
}
function str(
  name: string,
  values: (string | null)[],
  type: 'categorical' | 'identifier' | 'text' = 'categorical',
): Column {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    if (!index.has(v)) {
      index.set(v, dictionary.length);
      dictionary.push(v);
    }
    return index.get(v)!;
  });
  return { kind: 'string', name, type, codes, dictionary };
}
const specOf = (t: DataTable) => t.columns.map((c) => ({ name: c.name, type: c.type }));

/** Row values as plain data, so tables with differently ordered dictionaries compare equal. */
function rows(t: DataTable): unknown[][] {
  return t.columns.map((c) =>
    c.kind === 'number'
      ? Array.from(c.values, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v))
      : Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k])),
  );
}

const mixed: DataTable = {
  rowCount: 5,
  columns: [
    num('age', 'integer', [31, NaN, -7, 2147483647, 0]),
    num('premium', 'decimal', [1.5, 0.1 + 0.2, NaN, -1e-300, 1e300]),
    num('lapsed', 'boolean', [1, 0, NaN, 1, 0]),
    num('start', 'date', [
      Date.UTC(2020, 0, 1),
      NaN,
      Date.UTC(1969, 11, 31),
      0,
      Date.UTC(2038, 5, 30),
    ]),
    num('seen', 'datetime', [Date.UTC(2021, 2, 3, 4, 5, 6, 789), NaN, -1, 0, 1]),
    str('city', ['上海', '北京', null, '上海', 'Zürich']),
    str('id', ['a', 'b', 'c', 'd', 'e'], 'identifier'),
  ],
};

describe('tableToIpcChunks / tableFromIpcChunks', () => {
  it('round-trips every column type with missing values and Chinese text', () => {
    const chunks = tableToIpcChunks(mixed, 2);
    expect(chunks).toHaveLength(3);
    const back = tableFromIpcChunks(chunks, specOf(mixed));
    expect(back.rowCount).toBe(5);
    expect(specOf(back)).toEqual(specOf(mixed));
    expect(rows(back)).toEqual(rows(mixed));
    // Dictionaries merge in order of first appearance, nulls stay -1.
    const city = back.columns[5];
    expect(city.kind === 'string' && Array.from(city.codes)).toEqual([0, 1, -1, 0, 2]);
    expect(city.kind === 'string' && city.dictionary).toEqual(['上海', '北京', 'Zürich']);
  });

  it('chooses faithful Arrow types per chunk and falls back to Float64 when needed', () => {
    const t: DataTable = {
      rowCount: 2,
      columns: [
        num('i', 'integer', [1, NaN]),
        // A value that does not fit, first or after one that does.
        num('big', 'integer', [1, 2 ** 40]),
        num('frac', 'integer', [1.5, 1]),
        num('b', 'boolean', [1, 0]),
        num('b2', 'boolean', [0, 2]),
        num('d', 'date', [Date.UTC(2020, 1, 29), NaN]),
        num('dt', 'datetime', [Date.UTC(2020, 1, 29, 13), NaN]),
        num('dhalf', 'date', [Date.UTC(2020, 1, 29, 12), 0]),
        str('s', ['x', null]),
      ],
    };
    const [chunk] = tableToIpcChunks(t);
    const arrow = tableFromIPC(chunk);
    expect(arrow.schema.fields.map((f) => f.type.typeId)).toEqual([
      Type.Int,
      Type.Float,
      Type.Float,
      Type.Bool,
      Type.Float,
      Type.Date,
      Type.Timestamp,
      Type.Float,
      Type.Dictionary,
    ]);
    expect(rows(tableFromIpcChunks([chunk], specOf(t)))).toEqual(rows(t));
  });

  it('keeps the sign of -0 by storing it as Float64', () => {
    const t: DataTable = { rowCount: 1, columns: [num('z', 'integer', [-0])] };
    const back = tableFromIpcChunks(tableToIpcChunks(t), specOf(t));
    expect(Object.is((back.columns[0] as { values: Float64Array }).values[0], -0)).toBe(true);
  });

  it('encodes an empty table as no chunks and decodes it with its columns', () => {
    const empty: DataTable = { rowCount: 0, columns: [num('a', 'decimal', []), str('b', [])] };
    const chunks = tableToIpcChunks(empty);
    expect(chunks).toEqual([]);
    const back = tableFromIpcChunks(chunks, specOf(empty));
    expect(back.rowCount).toBe(0);
    expect(specOf(back)).toEqual(specOf(empty));
    expect(back.columns[1]).toMatchObject({ kind: 'string', dictionary: [] });
  });

  it('handles a column of only missing values', () => {
    const t: DataTable = {
      rowCount: 3,
      columns: [num('a', 'integer', [NaN, NaN, NaN]), str('b', [null, null, null])],
    };
    expect(rows(tableFromIpcChunks(tableToIpcChunks(t), specOf(t)))).toEqual(rows(t));
  });

  it('round-trips 200k rows in 65,536-row chunks, each chunk carrying only its own strings', () => {
    const n = 200_000;
    const ids = new Int32Array(n);
    const tenure = new Float64Array(n);
    const premium = new Float64Array(n);
    const chan = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = i;
      tenure[i] = i % 97 === 0 ? NaN : i % 120;
      premium[i] = (i * 7919) / 13;
      chan[i] = i % 11 === 0 ? -1 : i % 3;
    }
    const t: DataTable = {
      rowCount: n,
      columns: [
        {
          kind: 'string',
          name: 'policy_id',
          type: 'identifier',
          codes: ids,
          dictionary: Array.from({ length: n }, (_, i) => `P${i}`),
        },
        { kind: 'number', name: 'tenure_months', type: 'integer', values: tenure },
        { kind: 'number', name: 'premium', type: 'decimal', values: premium },
        {
          kind: 'string',
          name: 'channel',
          type: 'categorical',
          codes: chan,
          dictionary: ['agent', '银行', 'online'],
        },
      ],
    };
    const chunks = tableToIpcChunks(t);
    expect(chunks).toHaveLength(4);
    // A chunk's identifier dictionary holds its 65,536 ids, not all 200,000.
    const lastIds = tableFromIPC(chunks[3]).getChild('policy_id').data[0] as unknown as {
      dictionary: { length: number };
    };
    expect(lastIds.dictionary.length).toBe(n - 3 * 65536);
    const back = tableFromIpcChunks(chunks, specOf(t));
    expect(back.rowCount).toBe(n);
    const [id, ten, pre, ch] = back.columns;
    expect(id.kind === 'string' && id.dictionary[123_456]).toBe('P123456');
    expect(id.kind === 'string' && id.codes[199_999]).toBe(199_999);
    expect(ten.kind === 'number' && Array.from(ten.values)).toEqual(Array.from(tenure));
    expect(pre.kind === 'number' && pre.values).toEqual(premium);
    // Merged in order of first appearance: row 1 ('银行') comes before row 2 ('online') and row 3 ('agent').
    expect(ch.kind === 'string' && ch.dictionary).toEqual(['银行', 'online', 'agent']);
    expect(rows({ rowCount: n, columns: [ch] })).toEqual(
      rows({ rowCount: n, columns: [t.columns[3]] }),
    );
  });

  it('rejects chunks whose columns do not match the metadata', () => {
    const chunks = tableToIpcChunks(mixed);
    expect(() => tableFromIpcChunks(chunks, [{ name: 'other', type: 'integer' }])).toThrow(
      /storage.corrupt/,
    );
    const swapped = specOf(mixed).map((c, j) =>
      j === 0 ? { name: c.name, type: 'categorical' as const } : c,
    );
    expect(() => tableFromIpcChunks(chunks, swapped)).toThrow(/storage.corrupt/);
  });

  it('round-trips many small chunks whose dictionaries overlap, with long, Chinese and missing strings', () => {
    // Chunks of 3 rows: some values recur in later chunks (found, not added again),
    // some chunks are all new, one chunk is non-ASCII (the value-by-value path).
    const long = (i: number) => `customer.${String(i).padStart(6, '0')}@example.com`;
    const values = [
      long(1),
      long(2),
      null,
      long(3),
      long(1),
      long(4),
      '上海',
      null,
      long(2),
      null,
      null,
      null,
      long(5),
      long(6),
      long(7),
      '上海',
      long(7),
      '',
      long(1),
    ];
    const t: DataTable = {
      rowCount: values.length,
      columns: [
        str('email', values, 'identifier'),
        num(
          'n',
          'integer',
          values.map((_, i) => (i % 4 === 0 ? NaN : i)),
        ),
      ],
    };
    const chunks = tableToIpcChunks(t, 3);
    expect(chunks).toHaveLength(7);
    const back = tableFromIpcChunks(chunks, specOf(t));
    expect(rows(back)).toEqual(rows(t));
    const email = back.columns[0] as StringColumn;
    // Each distinct value once, in order of first appearance.
    expect(email.dictionary).toEqual([
      long(1),
      long(2),
      long(3),
      long(4),
      '上海',
      long(5),
      long(6),
      long(7),
      '',
    ]);
    expect(Array.from(email.codes.subarray(0, 6))).toEqual([0, 1, -1, 2, 0, 3]);
  });

  describe('decoding strings', () => {
    afterEach(() => vi.restoreAllMocks());

    it('decodes each chunk dictionary with one TextDecoder call, not one per value', () => {
      // flechette's reader turned every dictionary value into a string with its own
      // TextDecoder call (most of a re-open in Chromium); tableFromIpcChunks must not.
      const n = 10_000;
      const ids = Array.from({ length: n }, (_, i) => `id-${i}`);
      const t: DataTable = { rowCount: n, columns: [str('id', ids, 'identifier')] };
      const chunks = tableToIpcChunks(t, 2_500);
      const decode = vi.spyOn(TextDecoder.prototype, 'decode');
      const back = tableFromIpcChunks(chunks, specOf(t));
      // Schema field names also go through TextDecoder: a few calls per chunk, never ~n.
      expect(decode.mock.calls.length).toBeLessThan(chunks.length * 10);
      expect(rows(back)).toEqual(rows(t));
    });

    it('encodes without decoding its own dictionary strings back', () => {
      // flechette's setDictionary() decoded every dictionary value again (one
      // TextDecoder call each) to fill a cache: most of the encode time for
      // all-distinct columns in Chromium. Encoding seeds that cache instead.
      const n = 10_000;
      const ids = Array.from({ length: n }, (_, i) => (i % 3 ? `id-${i}` : `Zürich-${i}`));
      const t: DataTable = { rowCount: n, columns: [str('id', ids, 'identifier')] };
      const decode = vi.spyOn(TextDecoder.prototype, 'decode');
      const chunks = tableToIpcChunks(t, 2_500);
      expect(decode).not.toHaveBeenCalled();
      decode.mockRestore();
      expect(chunks).toHaveLength(4);
      expect(rows(tableFromIpcChunks(chunks, specOf(t)))).toEqual(rows(t));
      // flechette's own reader sees the same values (no stale or shifted cache).
      const first = tableFromIPC(chunks[3]).getChild('id');
      expect([first.at(0), first.at(1), first.at(2499)]).toEqual([ids[7500], ids[7501], ids[9999]]);
    });

    it('leaves flechette as it was, also when a chunk is corrupt', () => {
      const original = ArrowColumn.prototype.cache;
      const chunks = tableToIpcChunks(mixed);
      tableFromIpcChunks(chunks, specOf(mixed));
      expect(ArrowColumn.prototype.cache).toBe(original);
      const garbage = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 1, 2, 3]);
      expect(() => tableFromIpcChunks([chunks[0], garbage], specOf(mixed))).toThrow();
      expect(ArrowColumn.prototype.cache).toBe(original);
      // flechette's own reader still materialises dictionaries for its callers.
      const city = tableFromIPC(chunks[0]).getChild('city');
      expect([city.at(0), city.at(1), city.at(2), city.at(4)]).toEqual([
        '上海',
        '北京',
        null,
        'Zürich',
      ]);
    });
  });

  it('rejects a bad chunk size', () => {
    expect(() => tableToIpcChunks(mixed, 0)).toThrow(RangeError);
  });
});
