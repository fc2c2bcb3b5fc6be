import { describe, expect, it } from 'vitest';
import { dropDuplicates, filterRows, selectColumns } from '../../../src/lib/engine/prepare';
import { col, json, readCsv, snapshot, table, values } from './helpers';

const small = () =>
  table(
    col('id', 'identifier', ['a', 'b', 'a', 'c', null, null]),
    col('n', 'integer', [1, 2, 1, null, 5, 5]),
    col('day', 'date', [
      '2024-01-05',
      '2024-02-01',
      '2024-01-05',
      null,
      '2023-12-31',
      '2024-03-01',
    ]),
    col('ok', 'boolean', [1, 0, 1, 1, null, 0]),
  );

describe('dropDuplicates', () => {
  it('keeps the first or last of each key, in row order; missing equals missing', () => {
    const t = small();
    const before = snapshot(t);
    const first = dropDuplicates(t, { columns: ['id'], keep: 'first' });
    expect(values(first.table, 'n')).toEqual([1, 2, null, 5]);
    expect(first.report).toEqual({ rows: 4, removed: 2 });
    const last = dropDuplicates(t, { columns: ['id'], keep: 'last' });
    expect(values(last.table, 'n')).toEqual([2, 1, null, 5]);
    const all = dropDuplicates(t, { keep: 'first' });
    expect(all.table.rowCount).toBe(5); // rows 0 and 2 are equal in every column
    expect(snapshot(t)).toEqual(before);
  });

  it('drops dictionary entries no longer used', () => {
    const out = filterRows(small(), {
      conditions: [{ column: 'id', op: '=', value: 'b' }],
      combine: 'and',
    });
    const id = out.table.columns[0];
    expect(id.kind === 'string' && id.dictionary).toEqual(['b']);
  });

  it('matches pandas drop_duplicates on Telco and the retail sample', () => {
    // tests/fixtures/prepare/make-prepare.py: df.drop_duplicates(subset, keep).index
    const ref = json<{ dropDuplicates: Record<string, number[]> }>(
      'pandas-reference.json',
    ).dropDuplicates;
    const telco = readCsv('telco.csv', {
      customerID: 'identifier',
      Contract: 'categorical',
      InternetService: 'categorical',
      PaymentMethod: 'categorical',
    });
    const retail = readCsv('retail.csv', {
      CustomerID: 'identifier',
      StockCode: 'categorical',
      Quantity: 'integer',
    });
    const rowIndex = (t: typeof telco) => ({
      rowCount: t.rowCount,
      columns: [
        ...t.columns,
        col(
          'row',
          'integer',
          Array.from({ length: t.rowCount }, (_, i) => i),
        ),
      ],
    });
    for (const [key, expected] of Object.entries(ref)) {
      const [name, cols, keep] = key.split('|');
      const source = rowIndex(name === 'telco' ? telco : retail);
      const out = dropDuplicates(source, {
        columns: cols.split(','),
        keep: keep as 'first' | 'last',
      });
      expect(values(out.table, 'row'), key).toEqual(expected);
    }
  });

  it('rejects unknown columns and bad keep', () => {
    expect(() => dropDuplicates(small(), { columns: ['nope'], keep: 'first' })).toThrow(
      'column.not-found',
    );
    expect(() => dropDuplicates(small(), { keep: 'middle' as 'first' })).toThrow(
      'prepare.invalid-setting',
    );
  });
});

describe('filterRows', () => {
  const f = (
    conditions: Parameters<typeof filterRows>[1]['conditions'],
    combine: 'and' | 'or' = 'and',
  ) => values(filterRows(small(), { conditions, combine }).table, 'n');

  it('compares numbers, dates (as yyyy-mm-dd), booleans and text; missing meets no comparison', () => {
    expect(f([{ column: 'n', op: '>', value: 1 }])).toEqual([2, 5, 5]);
    expect(f([{ column: 'n', op: '!=', value: 1 }])).toEqual([2, 5, 5]); // the missing n is not kept
    expect(f([{ column: 'day', op: '<', value: '2024-01-05' }])).toEqual([5]);
    expect(f([{ column: 'day', op: '>=', value: '2024-01-05' }])).toEqual([1, 2, 1, 5]);
    expect(f([{ column: 'ok', op: '=', value: true }])).toEqual([1, 1, null]);
    expect(f([{ column: 'id', op: 'in', value: ['a', 'c'] }])).toEqual([1, 1, null]);
    expect(f([{ column: 'id', op: 'not-in', value: ['a'] }])).toEqual([2, null]);
    expect(f([{ column: 'id', op: 'contains', value: 'B' }])).toEqual([2]);
    expect(f([{ column: 'n', op: 'is-missing' }])).toEqual([null]);
    expect(f([{ column: 'id', op: 'not-missing' }])).toEqual([1, 2, 1, null]);
    expect(f([{ column: 'n', op: 'in', value: [2, 5] }])).toEqual([2, 5, 5]);
  });

  it('combines with and / or', () => {
    const conditions = [
      { column: 'id', op: '=' as const, value: 'a' },
      { column: 'n', op: '=' as const, value: 5 },
    ];
    expect(f(conditions, 'and')).toEqual([]);
    expect(f(conditions, 'or')).toEqual([1, 1, 5, 5]);
    expect(f([], 'and')).toHaveLength(6);
  });

  it('rejects wrong types and values', () => {
    expect(() => f([{ column: 'id', op: '<', value: 'a' }])).toThrow('prepare.wrong-column-type');
    expect(() => f([{ column: 'n', op: 'contains', value: '1' }])).toThrow(
      'prepare.wrong-column-type',
    );
    expect(() => f([{ column: 'day', op: '=', value: '05/01/2024' }])).toThrow(
      'prepare.invalid-date',
    );
    expect(() => f([{ column: 'n', op: '=', value: 'x' }])).toThrow('prepare.invalid-setting');
    expect(() => f([{ column: 'n', op: 'in', value: 1 }])).toThrow('prepare.invalid-setting');
    expect(() => f([{ column: 'zz', op: '=', value: 1 }])).toThrow('column.not-found');
  });
});

describe('selectColumns', () => {
  it('keeps the given order and renames', () => {
    const t = small();
    const out = selectColumns(t, { columns: [{ name: 'n', rename: 'count' }, { name: 'id' }] });
    expect(out.table.columns.map((c) => c.name)).toEqual(['count', 'id']);
    expect(values(out.table, 'count')).toEqual(values(t, 'n'));
    expect(out.report).toEqual({ columns: 2, dropped: 2 });
    expect(t.columns[1].name).toBe('n');
  });
  it('rejects duplicates and unknown columns', () => {
    expect(() =>
      selectColumns(small(), { columns: [{ name: 'n' }, { name: 'id', rename: 'n' }] }),
    ).toThrow('prepare.duplicate-column');
    expect(() => selectColumns(small(), { columns: [{ name: 'x' }] })).toThrow('column.not-found');
  });
});
