import { describe, expect, it } from 'vitest';
import { aggregateByKey } from '../../../src/lib/engine/prepare';
import { col, json, readCsv, snapshot, table, values } from './helpers';

const payments = () =>
  table(
    col('policy', 'identifier', ['A', 'B', 'A', 'A', null, 'B']),
    col('amount', 'decimal', [10, 5, null, 30, 7, 1]),
    col('paid', 'date', [
      '2024-03-01',
      '2024-01-01',
      '2024-02-01',
      '2024-01-15',
      '2024-01-01',
      '2024-02-01',
    ]),
    col('channel', 'categorical', ['web', 'bank', 'web', 'agent', null, null]),
  );

describe('aggregateByKey', () => {
  it('summarises per key in first-appearance order, skipping missing values', () => {
    const input = payments();
    const before = snapshot(input);
    const out = aggregateByKey(input, {
      key: 'policy',
      orderBy: 'paid',
      measures: [
        { column: 'amount', fn: 'count' },
        { column: 'channel', fn: 'count-distinct' },
        { column: 'amount', fn: 'sum', name: 'total' },
        { column: 'amount', fn: 'mean' },
        { column: 'amount', fn: 'median' },
        { column: 'paid', fn: 'min' },
        { column: 'paid', fn: 'max', name: 'last_paid' },
        { column: 'channel', fn: 'first' },
        { column: 'amount', fn: 'last' },
      ],
    });
    expect(values(out.table, 'policy')).toEqual(['A', 'B', null]);
    expect(values(out.table, 'amount_count')).toEqual([2, 2, 1]);
    expect(values(out.table, 'channel_count-distinct')).toEqual([2, 1, 0]);
    expect(values(out.table, 'total')).toEqual([40, 6, 7]);
    expect(values(out.table, 'amount_mean')).toEqual([20, 3, 7]);
    expect(values(out.table, 'amount_median')).toEqual([20, 3, 7]);
    expect(values(out.table, 'paid_min')).toEqual([
      Date.UTC(2024, 0, 15),
      Date.UTC(2024, 0, 1),
      Date.UTC(2024, 0, 1),
    ]);
    expect(out.table.columns[7].type).toBe('date');
    expect(values(out.table, 'channel_first')).toEqual(['agent', 'bank', null]); // by paid date
    expect(values(out.table, 'amount_last')).toEqual([10, 1, 7]);
    expect(out.report).toEqual({ groups: 3, rows: 6 });
    expect(snapshot(input)).toEqual(before);
  });

  it('groups by several keys and uses row order without orderBy', () => {
    const out = aggregateByKey(payments(), {
      key: ['policy', 'channel'],
      measures: [{ column: 'amount', fn: 'last' }],
    });
    expect(values(out.table, 'channel')).toEqual(['web', 'bank', 'agent', null, null]);
    expect(values(out.table, 'amount_last')).toEqual([10, 5, 30, 7, 1]);
  });

  it('rejects wrong types and names', () => {
    const p = payments();
    expect(() =>
      aggregateByKey(p, { key: 'policy', measures: [{ column: 'channel', fn: 'sum' }] }),
    ).toThrow('prepare.wrong-column-type');
    expect(() =>
      aggregateByKey(p, { key: 'policy', measures: [{ column: 'paid', fn: 'mean' }] }),
    ).toThrow('prepare.wrong-column-type');
    expect(() =>
      aggregateByKey(p, {
        key: 'policy',
        measures: [{ column: 'amount', fn: 'sum', name: 'policy' }],
      }),
    ).toThrow('prepare.duplicate-column');
    expect(() =>
      aggregateByKey(p, { key: 'nope', measures: [{ column: 'amount', fn: 'sum' }] }),
    ).toThrow('column.not-found');
    expect(() => aggregateByKey(p, { key: 'policy', measures: [] })).toThrow(
      'prepare.invalid-setting',
    );
  });

  it('matches pandas groupby(sort=False).agg on the retail sample', () => {
    // tests/fixtures/prepare/make-prepare.py: retail.groupby('CustomerID', sort=False) with
    // count, nunique, sum, mean, median, min, max, first and last.
    const ref = json<{ aggregate: Record<string, (string | number)[]> }>(
      'pandas-reference.json',
    ).aggregate;
    const retail = readCsv('retail.csv', {
      InvoiceNo: 'identifier',
      StockCode: 'categorical',
      Quantity: 'integer',
      InvoiceDate: 'datetime',
      UnitPrice: 'decimal',
      CustomerID: 'identifier',
    });
    const out = aggregateByKey(retail, {
      key: 'CustomerID',
      orderBy: 'InvoiceDate',
      measures: [
        { column: 'Quantity', fn: 'count' },
        { column: 'InvoiceNo', fn: 'count-distinct' },
        { column: 'Quantity', fn: 'sum' },
        { column: 'UnitPrice', fn: 'mean' },
        { column: 'UnitPrice', fn: 'median' },
        { column: 'UnitPrice', fn: 'min' },
        { column: 'UnitPrice', fn: 'max' },
        { column: 'StockCode', fn: 'first' },
        { column: 'InvoiceDate', fn: 'last' },
      ],
    });
    expect(values(out.table, 'CustomerID')).toEqual(ref.CustomerID);
    for (const name of [
      'Quantity_count',
      'InvoiceNo_count-distinct',
      'Quantity_sum',
      'UnitPrice_min',
      'UnitPrice_max',
      'StockCode_first',
    ]) {
      expect(values(out.table, name), name).toEqual(ref[name]);
    }
    for (const name of ['UnitPrice_mean', 'UnitPrice_median']) {
      const ours = values(out.table, name) as number[];
      ours.forEach((v, g) => expect(v, `${name} ${g}`).toBeCloseTo(ref[name][g] as number, 10));
    }
    const last = values(out.table, 'InvoiceDate_last').map((v) =>
      new Date(v as number).toISOString(),
    );
    expect(last).toEqual(ref.InvoiceDate_last);
  });
});
