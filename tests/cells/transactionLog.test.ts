// The transaction log settings shared by the RFM, stages and cohort cells:
// the first guess of the columns on the logs we ship or test with, and what
// a new input keeps.
import { describe, expect, it } from 'vitest';
import type { ColumnType } from '../../src/lib/engine/data/table';
import {
  adaptTransactionLog,
  defaultTransactionLog,
  logJob,
  transactionLogSettings,
} from '../../src/lib/cells/transactionLog';

const cols = (spec: Record<string, ColumnType>) =>
  Object.entries(spec).map(([name, type]) => ({ name, type }));

// The sample book's payment log (docs/sample-data.md).
const PAYMENTS = cols({
  policy_id: 'identifier',
  customer_id: 'identifier',
  instalment: 'integer',
  due_date: 'date',
  paid_date: 'date',
  amount: 'decimal',
  days_late: 'integer',
  status: 'categorical',
});
// The online-retail sample as our ingest types it.
const RETAIL = cols({
  InvoiceNo: 'identifier',
  StockCode: 'identifier',
  Description: 'text',
  Quantity: 'integer',
  InvoiceDate: 'datetime',
  UnitPrice: 'decimal',
  CustomerID: 'decimal',
  Country: 'categorical',
});
const CDNOW = cols({
  customer_id: 'identifier',
  date: 'date',
  number_of_cds: 'integer',
  dollar_value: 'decimal',
});

describe('defaultTransactionLog', () => {
  it('reads the payment log as customer, paid date and amount', () => {
    const log = defaultTransactionLog(PAYMENTS);
    expect(log).toMatchObject({
      customer: 'customer_id',
      date: 'paid_date',
      amount: 'amount',
      quantity: null,
      transaction: null,
    });
    expect(transactionLogSettings.parse(log)).toEqual(log);
  });

  it('reads the online-retail log as price × quantity per invoice', () => {
    expect(defaultTransactionLog(RETAIL)).toMatchObject({
      customer: 'CustomerID',
      date: 'InvoiceDate',
      amount: 'UnitPrice',
      quantity: 'Quantity',
      transaction: 'InvoiceNo',
    });
  });

  it('reads CDNOW as customer, date and dollar value (the CD count is not a quantity of the value)', () => {
    // number_of_cds looks like a quantity, but dollar_value is the order's
    // total, not a unit price: multiplying them would be wrong.
    expect(defaultTransactionLog(CDNOW)).toMatchObject({
      customer: 'customer_id',
      date: 'date',
      amount: 'dollar_value',
      quantity: null,
    });
  });

  it('chooses nothing for a table without a date', () => {
    const log = defaultTransactionLog(cols({ id: 'identifier', value: 'decimal' }));
    expect(log.date).toBeNull();
    expect(logJob(log)).toBeNull();
  });
});

describe('adaptTransactionLog', () => {
  it('keeps the analyst’s choices the new dataset still has', () => {
    const chosen = { ...defaultTransactionLog(PAYMENTS), date: 'due_date', amount: null };
    expect(adaptTransactionLog(chosen, PAYMENTS)).toBe(chosen);
  });

  it('chooses again a column the new dataset lacks, and leaves an empty optional one empty', () => {
    const chosen = { ...defaultTransactionLog(PAYMENTS), date: 'due_date', amount: null };
    const next = adaptTransactionLog(
      chosen,
      PAYMENTS.filter((c) => c.name !== 'due_date'),
    );
    expect(next.date).toBe('paid_date');
    expect(next.amount).toBeNull();
    expect(next.customer).toBe('customer_id');
  });

  it('guesses the quantity and invoice again with an amount chosen again (a stages table, then the log)', () => {
    // A Lifecycle stages cell's per-customer dataset, the input a cell added below it takes first.
    const stagesTable = cols({
      CustomerID: 'identifier',
      stage: 'categorical',
      first_purchase: 'date',
      last_purchase: 'date',
      purchases: 'integer',
      spend: 'decimal',
    });
    const first = defaultTransactionLog(stagesTable);
    expect(first.amount).toBe('spend');
    expect(first.quantity).toBeNull();
    expect(first.transaction).toBeNull();
    const next = adaptTransactionLog(first, RETAIL);
    expect(next).toMatchObject({
      customer: 'CustomerID',
      date: 'InvoiceDate',
      amount: 'UnitPrice',
      quantity: 'Quantity',
      transaction: 'InvoiceNo',
    });
  });

  it('fills the columns of a new cell from its first input', () => {
    const empty = defaultTransactionLog();
    expect(empty.customer).toBeNull();
    expect(adaptTransactionLog(empty, RETAIL).customer).toBe('CustomerID');
  });
});

describe('logJob', () => {
  it('sends the engine a quantity only with an amount', () => {
    const log = { ...defaultTransactionLog(RETAIL), amount: null };
    expect(logJob(log)?.columns.quantity).toBeNull();
  });
});
