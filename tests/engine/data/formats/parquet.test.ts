// readParquet against files written by pyarrow 25.0.1 (make_fixtures.py).
// Reference values: expected.json, pyarrow.parquet.read_table of
// types-snappy.parquet (timestamps as their integer ticks floored to ms,
// dates as days × 86 400 000, decimals as float(Decimal)).

import { describe, expect, it } from 'vitest';
import { readParquet } from '../../../../src/lib/engine/data/formats/parquet';
import { NO_PROGRESS } from '../../../../src/lib/engine/data/table';
import { expected, fixture, numbers, recordingProgress, strings, types } from './helpers';

const ref = expected.parquet;
const FILES = [
  'types-snappy.parquet',
  'types-uncompressed.parquet',
  'types-zstd.parquet',
  'types-gzip.parquet',
];

describe('readParquet', () => {
  it.each(FILES)('%s: maps the schema to column types', async (file) => {
    const { table, inference, warnings } = await readParquet(fixture(file), NO_PROGRESS);
    expect(table.rowCount).toBe(6);
    expect(types(table)).toEqual({
      id: 'integer',
      count32: 'integer',
      amount: 'decimal',
      ratio32: 'decimal',
      segment: 'categorical',
      zip: 'identifier',
      amount_text: 'categorical',
      active: 'boolean',
      signup: 'date',
      seen_us: 'datetime',
      seen_ms_utc: 'datetime',
      seen_ns: 'datetime',
      premium: 'decimal',
    });
    expect(inference.map((i) => i.missing)).toEqual([0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(warnings).toEqual([]);
  });

  it.each(FILES)('%s: values equal pyarrow’s', async (file) => {
    const { table } = await readParquet(fixture(file), NO_PROGRESS);
    for (const name of [
      'id',
      'count32',
      'amount',
      'ratio32',
      'signup',
      'seen_us',
      'seen_ms_utc',
      'seen_ns',
      'premium',
    ]) {
      expect(numbers(table, name), name).toEqual(ref[name]);
    }
    expect(numbers(table, 'active')).toEqual(
      ref.active.map((v) => (v === null ? null : v ? 1 : 0)),
    );
    for (const name of ['segment', 'zip', 'amount_text']) {
      expect(strings(table, name), name).toEqual(ref[name]);
    }
  });

  it('floors sub-millisecond instants before 1970 and keeps decimals exact', async () => {
    const { table } = await readParquet(fixture('types-snappy.parquet'), NO_PROGRESS);
    // 1969-12-31 23:59:59.999999 → .999, not rounded towards the epoch.
    expect(numbers(table, 'seen_us')[2]).toBe(-1);
    expect(numbers(table, 'seen_ns')[0]).toBe(1709634667123);
    // DECIMAL(10,2): the double nearest to the written number (57 × 0.01 is
    // 0.5700000000000001, which is what multiplying by 10^-scale gives).
    expect(numbers(table, 'premium')).toEqual([1200.5, -0.01, null, 99999999.99, 0.57, 12.3]);
  });

  it('reads strings as strings, never as numbers', async () => {
    const { table } = await readParquet(fixture('types-snappy.parquet'), NO_PROGRESS);
    expect(strings(table, 'amount_text')).toEqual(['1.5', '2.5', '3', '4', '5', '6']);
    expect(strings(table, 'zip')[0]).toBe('007');
  });

  it('reports progress once per row group', async () => {
    const progress = recordingProgress();
    await readParquet(fixture('types-snappy.parquet'), progress);
    expect(ref._row_groups).toEqual([4, 2]);
    expect(progress.calls).toEqual([
      [4, 6],
      [6, 6],
    ]);
  });

  it('keeps an int64 beyond 2^53 exact, as text, with a warning', async () => {
    const { table, warnings } = await readParquet(
      fixture('int64-beyond-2p53.parquet'),
      NO_PROGRESS,
    );
    expect(strings(table, 'account')).toEqual(['9007199254740993', '1', null]);
    expect(numbers(table, 'x')).toEqual([1, 2, 3]);
    expect(warnings).toEqual([
      { code: 'parquet.int64-as-text', params: { column: 'account', row: 1 } },
    ]);
  });

  it('keeps nested columns as JSON text, naming them', async () => {
    const { table, warnings } = await readParquet(fixture('nested.parquet'), NO_PROGRESS);
    // make_fixtures.py: tags = [["a", "b"], []] (list<string>).
    expect(strings(table, 'tags')).toEqual(['["a","b"]', '[]']);
    expect(numbers(table, 'id')).toEqual([1, 2]);
    expect(warnings).toEqual([{ code: 'parquet.nested-as-text', params: { columns: 'tags' } }]);
  });

  it('refuses a file that is not Parquet', async () => {
    await expect(readParquet(fixture('records.json'), NO_PROGRESS)).rejects.toMatchObject({
      code: 'parquet.invalid',
    });
  });
});
