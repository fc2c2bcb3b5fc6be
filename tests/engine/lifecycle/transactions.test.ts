// The shared transaction-log reader and per-customer summary, on logs small
// enough to check by hand (each expected value is worked out in a comment).
import { describe, expect, it } from 'vitest';
import type { Column, DataTable } from '../../../src/lib/engine/data/table';
import {
  isoDay,
  readTransactionLog,
  summariseCustomers,
  type LogColumns,
} from '../../../src/lib/engine/lifecycle/transactions';

const DAY = 86_400_000;
const day = (iso: string) => Date.parse(iso) / DAY;
const str = (name: string, values: (string | null)[]): Column => {
  const dictionary = [...new Set(values.filter((v): v is string => v !== null))];
  return {
    kind: 'string',
    name,
    type: 'identifier',
    codes: Int32Array.from(values, (v) => (v === null ? -1 : dictionary.indexOf(v))),
    dictionary,
  };
};
const num = (name: string, type: 'decimal' | 'integer' | 'date' | 'datetime', values: number[]) =>
  ({ kind: 'number', name, type, values: Float64Array.from(values) }) as Column;
const dates = (values: (string | null)[]) => values.map((v) => (v === null ? NaN : Date.parse(v)));

const COLUMNS: LogColumns = {
  customer: 'customer',
  date: 'date',
  amount: 'amount',
  quantity: null,
  transaction: null,
};

// Two customers out of date order, a return, a missing date and a missing id.
const log: DataTable = {
  rowCount: 7,
  columns: [
    str('customer', ['B', 'A', 'B', 'A', null, 'A', 'B']),
    num(
      'date',
      'date',
      dates([
        '2024-03-05',
        '2024-01-10',
        '2024-01-02',
        '2024-01-10',
        '2024-02-01',
        null,
        '2024-02-01',
      ]),
    ),
    num('amount', 'decimal', [30, 10, 20, -4, 99, 5, 15]),
  ],
};

describe('readTransactionLog', () => {
  it('groups each customer’s rows in date order and counts what it left out', () => {
    const read = readTransactionLog(log, COLUMNS, 'net');
    // B appears first (row 0), then A.
    expect(read.customers).toEqual(['B', 'A']);
    expect(Array.from(read.offsets)).toEqual([0, 3, 5]);
    // B: 01-02 (20), 02-01 (15), 03-05 (30); A: 01-10 (10), 01-10 (−4, the return).
    expect(Array.from(read.day, isoDay)).toEqual([
      '2024-01-02',
      '2024-02-01',
      '2024-03-05',
      '2024-01-10',
      '2024-01-10',
    ]);
    expect(Array.from(read.amount)).toEqual([20, 15, 30, 10, -4]);
    expect(Array.from(read.purchase)).toEqual([1, 1, 1, 1, 0]);
    expect(Array.from(read.transaction)).toEqual([0, 1, 2, 0, -1]);
    expect(read.report).toEqual({
      rows: 7,
      kept: 5,
      missingCustomer: 1,
      missingDate: 1,
      missingAmount: 0,
      returnsDropped: 0,
      returnsNetted: 1,
    });
    expect(isoDay(read.firstDay)).toBe('2024-01-02');
    expect(isoDay(read.lastDay)).toBe('2024-03-05');
  });

  it('drops returns when asked, and counts them', () => {
    const read = readTransactionLog(log, COLUMNS, 'drop');
    expect(Array.from(read.amount)).toEqual([20, 15, 30, 10]);
    expect(read.report.returnsDropped).toBe(1);
    expect(read.report.returnsNetted).toBe(0);
  });

  it('multiplies by a quantity and counts an invoice once', () => {
    // Online-retail shape: two lines of invoice 1, one of invoice 2, a cancellation.
    const retail: DataTable = {
      rowCount: 4,
      columns: [
        num('CustomerID', 'decimal', [17850, 17850, 17850, 17850]),
        num(
          'InvoiceDate',
          'datetime',
          dates([
            '2010-12-01T08:26:00Z',
            '2010-12-01T08:26:00Z',
            '2010-12-01T09:00:00Z',
            '2010-12-03T10:00:00Z',
          ]),
        ),
        num('Quantity', 'integer', [6, 2, 1, -2]),
        num('UnitPrice', 'decimal', [2.5, 3, 4, 3]),
        str('InvoiceNo', ['536365', '536365', '536366', 'C536379']),
      ],
    };
    const read = readTransactionLog(
      retail,
      {
        customer: 'CustomerID',
        date: 'InvoiceDate',
        amount: 'UnitPrice',
        quantity: 'Quantity',
        transaction: 'InvoiceNo',
      },
      'net',
    );
    // The numeric id 17850.0 reads as the label '17850'.
    expect(read.customers).toEqual(['17850']);
    expect(Array.from(read.amount)).toEqual([15, 6, 4, -6]);
    expect(Array.from(read.transaction)).toEqual([0, 0, 1, -1]);
    const s = summariseCustomers(read, day('2010-12-10'));
    // Two invoices on one day; spend 15 + 6 + 4 − 6 = 19; the return is not a purchase.
    expect(Array.from(s.transactions)).toEqual([2]);
    expect(Array.from(s.purchaseDays)).toEqual([1]);
    expect(Array.from(s.spend)).toEqual([19]);
    expect(isoDay(s.last[0])).toBe('2010-12-01');
  });

  it('refuses a date column that holds no dates, naming it', () => {
    const bad: DataTable = {
      rowCount: 1,
      columns: [
        str('customer', ['A']),
        num('date', 'integer', [19970101]),
        num('amount', 'decimal', [1]),
      ],
    };
    expect(() => readTransactionLog(bad, COLUMNS, 'net')).toThrowError(
      expect.objectContaining({
        code: 'lifecycle.date-not-date',
        params: { column: 'date', type: 'integer' },
      }),
    );
  });

  it('refuses an amount that is not a number, and a log with nothing left', () => {
    const text: DataTable = {
      rowCount: 1,
      columns: [str('customer', ['A']), num('date', 'date', [0]), str('amount', ['ten'])],
    };
    expect(() => readTransactionLog(text, COLUMNS, 'net')).toThrowError(
      expect.objectContaining({ code: 'prepare.wrong-column-type' }),
    );
    const empty: DataTable = {
      rowCount: 2,
      columns: [
        str('customer', [null, 'A']),
        num('date', 'date', [0, NaN]),
        num('amount', 'decimal', [1, 1]),
      ],
    };
    expect(() => readTransactionLog(empty, COLUMNS, 'net')).toThrowError(
      expect.objectContaining({
        code: 'lifecycle.empty-log',
        params: { rows: 2, missingCustomer: 1, missingDate: 1 },
      }),
    );
  });
});

describe('summariseCustomers', () => {
  const read = readTransactionLog(log, COLUMNS, 'net');

  it('sums each customer’s rows up to the as-of day', () => {
    const s = summariseCustomers(read, day('2024-02-15'));
    // B: purchases on 01-02 and 02-01 (03-05 is after the as-of day), spend 35.
    // A: one purchase on 01-10 and the return the same day, spend 10 − 4 = 6.
    expect(Array.from(s.customer)).toEqual([0, 1]);
    expect(Array.from(s.first, isoDay)).toEqual(['2024-01-02', '2024-01-10']);
    expect(Array.from(s.last, isoDay)).toEqual(['2024-02-01', '2024-01-10']);
    expect(Array.from(s.transactions)).toEqual([2, 1]);
    expect(Array.from(s.purchaseDays)).toEqual([2, 1]);
    expect(Array.from(s.spend)).toEqual([35, 6]);
  });

  it('leaves out customers who had not bought yet', () => {
    const s = summariseCustomers(read, day('2024-01-05'));
    expect(Array.from(s.customer)).toEqual([0]);
  });

  it('refuses an as-of day before the log starts', () => {
    expect(() => summariseCustomers(read, day('2023-12-31'))).toThrowError(
      expect.objectContaining({
        code: 'lifecycle.as-of-before-data',
        params: { asOf: '2023-12-31', first: '2024-01-02' },
      }),
    );
  });
});
