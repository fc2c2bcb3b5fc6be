// A transaction log read once into the compact form that every lifecycle
// analysis shares (stages, RFM, cohorts): the rows of each customer together
// and in date order, as days, amounts and transaction numbers. Pure; runs in
// the compute worker and in Node tests.
//
// The definitions, stated once here and in docs/segments.md:
// - a row is one line of the log: a customer, a date and (optionally) an
//   amount, or a quantity and a unit price whose product is the amount;
// - dates are taken to the UTC day (a datetime's time of day is dropped);
// - a row whose customer or date is missing, or whose amount is missing when
//   an amount is read, is left out and counted in `dropped`;
// - a row with a negative amount is a return or cancellation (the online
//   retail log's 'C' invoices). `returns: 'net'` keeps it: it lowers the
//   customer's spend but is never a purchase (no frequency, not a purchase
//   date). `returns: 'drop'` leaves it out (counted). An amount of 0 is a purchase;
// - a transaction is a distinct value of the transaction column (an invoice
//   number) within a customer, or, without that column, each purchase row.

import { EngineError, type Column, type DataTable, type NumericColumn } from '../data/table';
import { parseIsoDate, requireColumn, wrongType } from '../prepare/common';
import { DAY_MS } from '../units';

/** Which columns of a table make the log. */
export interface LogColumns {
  customer: string;
  date: string;
  /** The amount of each row, or its unit price when `quantity` is set; null: no money. */
  amount: string | null;
  /** Multiplies `amount` (online retail: Quantity × UnitPrice). */
  quantity: string | null;
  /** An invoice or order number: rows sharing it (per customer) are one transaction. */
  transaction: string | null;
}

/** What becomes of returns and cancellations (negative amounts); see the header. */
export type Returns = 'net' | 'drop';

export interface TransactionLog {
  /** The customers' labels, one per customer index, in the order of first appearance. */
  readonly customers: readonly string[];
  /** Customer c's rows are offsets[c] … offsets[c + 1] − 1, by day (stable within a day). */
  readonly offsets: Int32Array;
  /** Per row: the UTC day (days since 1970-01-01). */
  readonly day: Int32Array;
  /** Per row: its amount (0 for every row of a log without amounts). */
  readonly amount: Float64Array;
  /** Per row: 1 for a purchase, 0 for a return kept by `returns: 'net'`. */
  readonly purchase: Uint8Array;
  /**
   * Per row: its transaction's number, unique within its customer, numbered
   * 0, 1, … in order of first appearance; a return's is −1.
   */
  readonly transaction: Int32Array;
  readonly hasAmount: boolean;
  /** The first and last day of any kept row. */
  readonly firstDay: number;
  readonly lastDay: number;
  readonly report: LogReport;
}

export interface LogReport {
  /** Rows of the table. */
  rows: number;
  /** Rows kept in the log. */
  kept: number;
  missingCustomer: number;
  missingDate: number;
  missingAmount: number;
  /** Returns (negative amounts) dropped by `returns: 'drop'`. */
  returnsDropped: number;
  /** Returns kept by `returns: 'net'`. */
  returnsNetted: number;
}

const DATE_TYPES = ['date', 'datetime'] as const;
const AMOUNT_TYPES = ['integer', 'decimal'] as const;

function numericOf(table: DataTable, name: string, types: readonly string[]): NumericColumn {
  const column = requireColumn(table, name);
  if (column.kind !== 'number' || !types.includes(column.type)) {
    throw wrongType(column, types.join(', '));
  }
  return column;
}

/**
 * A label per row's key and the number of distinct keys: string columns by
 * their dictionary code, numeric ones (a customer number read as 17850.0) by
 * value. −1 where the key is missing.
 */
function keyCodes(column: Column): { codes: Int32Array; labels: string[] } {
  const n = column.kind === 'string' ? column.codes.length : column.values.length;
  const codes = new Int32Array(n);
  const labels: string[] = [];
  if (column.kind === 'string') {
    // Renumber by first appearance so that unused dictionary entries cost nothing.
    const renumber = new Int32Array(column.dictionary.length).fill(-1);
    for (let i = 0; i < n; i++) {
      const c = column.codes[i];
      if (c < 0) {
        codes[i] = -1;
        continue;
      }
      let k = renumber[c];
      if (k < 0) {
        k = renumber[c] = labels.length;
        labels.push(column.dictionary[c]);
      }
      codes[i] = k;
    }
    return { codes, labels };
  }
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = column.values[i];
    if (v !== v) {
      codes[i] = -1;
      continue;
    }
    let k = seen.get(v);
    if (k === undefined) {
      k = labels.length;
      seen.set(v, k);
      labels.push(String(v));
    }
    codes[i] = k;
  }
  return { codes, labels };
}

/** Reads `table` as a transaction log; errors name the column at fault. */
export function readTransactionLog(
  table: DataTable,
  columns: LogColumns,
  returns: Returns,
): TransactionLog {
  const customerColumn = requireColumn(table, columns.customer);
  if (customerColumn.kind === 'number' && !AMOUNT_TYPES.includes(customerColumn.type as never)) {
    throw wrongType(customerColumn, 'identifier, categorical, text, integer, decimal');
  }
  const dateColumn = requireColumn(table, columns.date);
  if (dateColumn.kind !== 'number' || !DATE_TYPES.includes(dateColumn.type as never)) {
    throw new EngineError('lifecycle.date-not-date', {
      column: dateColumn.name,
      type: dateColumn.type,
    });
  }
  const price = columns.amount ? numericOf(table, columns.amount, AMOUNT_TYPES) : null;
  const quantity = columns.quantity ? numericOf(table, columns.quantity, AMOUNT_TYPES) : null;
  if (quantity && !price) throw new EngineError('lifecycle.quantity-without-amount');
  const txColumn = columns.transaction ? requireColumn(table, columns.transaction) : null;

  const n = table.rowCount;
  const customer = keyCodes(customerColumn);
  const tx = txColumn ? keyCodes(txColumn).codes : null;
  const dates = dateColumn.values;
  const report: LogReport = {
    rows: n,
    kept: 0,
    missingCustomer: 0,
    missingDate: 0,
    missingAmount: 0,
    returnsDropped: 0,
    returnsNetted: 0,
  };

  // Pass 1: which rows are kept, their amounts, and rows per customer.
  const amountOf = new Float64Array(n);
  const keep = new Uint8Array(n);
  const perCustomer = new Int32Array(customer.labels.length + 1);
  for (let i = 0; i < n; i++) {
    const c = customer.codes[i];
    if (c < 0) {
      report.missingCustomer++;
      continue;
    }
    if (dates[i] !== dates[i]) {
      report.missingDate++;
      continue;
    }
    let a = 0;
    if (price) {
      a = quantity ? price.values[i] * quantity.values[i] : price.values[i];
      if (a !== a) {
        report.missingAmount++;
        continue;
      }
      if (a < 0) {
        if (returns === 'drop') {
          report.returnsDropped++;
          continue;
        }
        report.returnsNetted++;
      }
    }
    amountOf[i] = a;
    keep[i] = 1;
    perCustomer[c + 1]++;
  }

  // Customers with a kept row, renumbered in order of first appearance.
  const index = new Int32Array(customer.labels.length).fill(-1);
  const labels: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const c = customer.codes[i];
    if (index[c] < 0) {
      index[c] = labels.length;
      labels.push(customer.labels[c]);
      counts.push(perCustomer[c + 1]);
    }
  }
  const m = labels.length;
  if (m === 0) {
    throw new EngineError('lifecycle.empty-log', {
      rows: n,
      missingCustomer: report.missingCustomer,
      missingDate: report.missingDate,
    });
  }
  const offsets = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) offsets[c + 1] = offsets[c] + counts[c];
  const kept = offsets[m];
  report.kept = kept;

  // Pass 2: a counting sort by customer (stable, so each customer's rows keep
  // the table's order), then each customer's rows by day where the log was
  // not already in date order.
  const day = new Int32Array(kept);
  const amount = new Float64Array(kept);
  const rowOf = new Int32Array(kept);
  const next = offsets.slice(0, m);
  let firstDay = Infinity;
  let lastDay = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const at = next[index[customer.codes[i]]]++;
    const d = Math.floor(dates[i] / DAY_MS);
    day[at] = d;
    amount[at] = amountOf[i];
    rowOf[at] = i;
    if (d < firstDay) firstDay = d;
    if (d > lastDay) lastDay = d;
  }
  for (let c = 0; c < m; c++) sortByDay(offsets[c], offsets[c + 1], day, amount, rowOf);

  // Transactions: numbered within each customer in order of first appearance.
  const purchase = new Uint8Array(kept);
  const transaction = new Int32Array(kept);
  const txSeen = tx ? new Map<number, number>() : null;
  for (let c = 0; c < m; c++) {
    let count = 0;
    txSeen?.clear();
    for (let r = offsets[c]; r < offsets[c + 1]; r++) {
      if (amount[r] < 0) {
        transaction[r] = -1;
        continue;
      }
      purchase[r] = 1;
      const t = tx ? tx[rowOf[r]] : -1;
      if (!txSeen || t < 0) {
        // Without a transaction column (or where it is missing) a row is one.
        transaction[r] = count++;
        continue;
      }
      let k = txSeen.get(t);
      if (k === undefined) {
        k = count++;
        txSeen.set(t, k);
      }
      transaction[r] = k;
    }
  }

  return {
    customers: labels,
    offsets,
    day,
    amount,
    purchase,
    transaction,
    hasAmount: price !== null,
    firstDay,
    lastDay,
    report,
  };
}

/**
 * Sorts rows from … to − 1 by day, stably, carrying amount and source row.
 * A log in date order (the usual case) costs one pass.
 */
function sortByDay(
  from: number,
  to: number,
  day: Int32Array,
  amount: Float64Array,
  rowOf: Int32Array,
): void {
  let sorted = true;
  for (let r = from + 1; r < to; r++) {
    if (day[r] < day[r - 1]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  const order = Array.from({ length: to - from }, (_, k) => from + k);
  // Stable: ties keep the table's order (Array.prototype.sort is stable).
  order.sort((a, b) => day[a] - day[b] || a - b);
  const d = order.map((r) => day[r]);
  const a = order.map((r) => amount[r]);
  const o = order.map((r) => rowOf[r]);
  for (let k = 0; k < order.length; k++) {
    day[from + k] = d[k];
    amount[from + k] = a[k];
    rowOf[from + k] = o[k];
  }
}

/** Each customer's standing on a day, from the log's rows on or before it. */
export interface CustomerSummary {
  /** The as-of day (UTC days since 1970-01-01). */
  readonly asOfDay: number;
  /** Index into the log's customers, for each summarised customer. */
  readonly customer: Int32Array;
  /** Day of the first and the last purchase. */
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** Transactions (see the header) and distinct purchase days. */
  readonly transactions: Int32Array;
  readonly purchaseDays: Int32Array;
  /** Total spend, net of the returns the log kept. */
  readonly spend: Float64Array;
}

/**
 * The standing on `asOfDay` of every customer with a purchase on or before
 * it (a customer whose first purchase comes later is not yet one). Recency is
 * asOfDay − last and tenure asOfDay − first, in days.
 */
export function summariseCustomers(log: TransactionLog, asOfDay: number): CustomerSummary {
  if (asOfDay < log.firstDay) {
    throw new EngineError('lifecycle.as-of-before-data', {
      asOf: isoDay(asOfDay),
      first: isoDay(log.firstDay),
    });
  }
  const m = log.customers.length;
  const { offsets, day, amount, purchase, transaction } = log;
  const customer = new Int32Array(m);
  const first = new Int32Array(m);
  const last = new Int32Array(m);
  const transactions = new Int32Array(m);
  const purchaseDays = new Int32Array(m);
  const spend = new Float64Array(m);
  let k = 0;
  for (let c = 0; c < m; c++) {
    let f = -1;
    let l = -1;
    let days = 0;
    let tx = 0;
    let s = 0;
    for (let r = offsets[c]; r < offsets[c + 1]; r++) {
      const d = day[r];
      if (d > asOfDay) break; // rows are in day order
      s += amount[r];
      if (!purchase[r]) continue;
      if (f < 0) f = d;
      if (d !== l) days++;
      l = d;
      // Transaction numbers are given in order of first appearance, so the
      // highest seen so far + 1 counts the distinct ones.
      if (transaction[r] + 1 > tx) tx = transaction[r] + 1;
    }
    if (f < 0) continue;
    customer[k] = c;
    first[k] = f;
    last[k] = l;
    transactions[k] = tx;
    purchaseDays[k] = days;
    spend[k] = s;
    k++;
  }
  return {
    asOfDay,
    customer: customer.subarray(0, k),
    first: first.subarray(0, k),
    last: last.subarray(0, k),
    transactions: transactions.subarray(0, k),
    purchaseDays: purchaseDays.subarray(0, k),
    spend: spend.subarray(0, k),
  };
}

/**
 * The as-of day of an analysis: the date given (yyyy-mm-dd), or by default
 * the day after the log's last date, so that every transaction is in the past
 * and the most recent buyer's recency is 1 day (as RFM usually counts it).
 */
export function asOfDayOf(log: TransactionLog, asOf: string | null): number {
  return asOf === null ? log.lastDay + 1 : Math.floor(parseIsoDate(asOf, 'asOf') / DAY_MS);
}

/** 'yyyy-mm-dd' of a UTC day number. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
