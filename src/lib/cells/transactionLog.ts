// The transaction log's settings, shared by the kinds that read one (RFM,
// lifecycle stages, cohorts): which columns are the customer, the date, the
// amount (or unit price × quantity) and the transaction number, what becomes
// of returns, and the as-of date. One schema, one first guess of the columns,
// one adapt, so the kinds cannot drift apart. Pure; the form is
// ../ui/TransactionLogForm.svelte, the engine ../engine/lifecycle/transactions.ts.

import { z } from 'zod';
import type { ColumnType } from '../engine/data/table';
import type { LogColumns, Returns } from '../engine/lifecycle/transactions';
import { text } from './limits';

const column = text.nullable();

export const isoDateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a date as yyyy-mm-dd' });

export const transactionLogSettings = z.strictObject({
  customer: column,
  date: column,
  /** The amount per row, or the unit price when `quantity` is chosen; null: no money. */
  amount: column,
  quantity: column,
  /** Invoice or order number: its rows are one transaction. */
  transaction: column,
  returns: z.enum(['net', 'drop']),
  /** yyyy-mm-dd; null: the day after the log's last date. */
  asOf: isoDateText.nullable(),
});

export type TransactionLogSettings = z.infer<typeof transactionLogSettings>;

/** The column types each choice offers. */
export const LOG_COLUMN_TYPES = {
  // A customer number exported as 17850.0 is a decimal column.
  customer: ['identifier', 'categorical', 'text', 'integer', 'decimal'],
  date: ['date', 'datetime'],
  amount: ['decimal', 'integer'],
  quantity: ['integer', 'decimal'],
  transaction: ['identifier', 'categorical', 'text', 'integer'],
} as const satisfies Record<keyof LogColumns, readonly ColumnType[]>;

type ColumnMeta = { name: string; type: ColumnType };

/** Names that suggest each role, the more telling first (paid_date before due_date). */
const NAME_HINTS: Record<keyof LogColumns, readonly RegExp[]> = {
  customer: [/cust|client|member|user|account|holder/i],
  date: [/paid|purchase|invoice|order|transaction/i, /date|day|time/i],
  amount: [/amount|value|spend|revenue|sales|total/i, /price|premium/i],
  quantity: [/quantity|qty|units|number_of/i],
  transaction: [/invoice|order|transaction|receipt|basket/i],
};

/** The column of a fitting type whose name suggests the role, else (for customer and date) the first that fits. */
function guess(columns: readonly ColumnMeta[], role: keyof LogColumns, taken: Set<string>) {
  const fits = columns.filter(
    (c) => (LOG_COLUMN_TYPES[role] as readonly ColumnType[]).includes(c.type) && !taken.has(c.name),
  );
  let chosen: ColumnMeta | undefined;
  for (const hint of NAME_HINTS[role]) {
    chosen = fits.find((c) => hint.test(c.name));
    if (chosen) break;
  }
  chosen ??= role === 'customer' || role === 'date' ? fits[0] : undefined;
  if (chosen) taken.add(chosen.name);
  return chosen?.name ?? null;
}

/**
 * A first choice of columns for a dataset: by type and name (customer_id,
 * paid_date, amount …); the analyst corrects what it got wrong.
 */
export function defaultTransactionLog(columns: readonly ColumnMeta[] = []): TransactionLogSettings {
  const taken = new Set<string>();
  const customer = guess(columns, 'customer', taken);
  const date = guess(columns, 'date', taken);
  const quantity = guess(columns, 'quantity', taken);
  const amount = guess(columns, 'amount', taken);
  const transaction = guess(columns, 'transaction', taken);
  return {
    customer,
    date,
    amount,
    // A quantity multiplies a unit price only: CDNOW's dollar_value is already
    // the order's total, beside its number_of_cds.
    quantity: amount && /price|unit/i.test(amount) ? quantity : null,
    transaction,
    returns: 'net',
    asOf: null,
  };
}

/**
 * The settings for a new input: a chosen column the new dataset still has,
 * with a fitting type, is kept; one it lacks is chosen again; an optional
 * role left empty stays empty, unless the amount is chosen again (then the
 * quantity and transaction are guessed with it). The same object when
 * nothing changed.
 */
export function adaptTransactionLog(
  log: TransactionLogSettings,
  columns: readonly ColumnMeta[],
): TransactionLogSettings {
  const fresh = defaultTransactionLog(columns);
  const fits = (name: string | null, role: keyof LogColumns) =>
    columns.some(
      (c) => c.name === name && (LOG_COLUMN_TYPES[role] as readonly ColumnType[]).includes(c.type),
    );
  const keep = (role: keyof LogColumns) => {
    const name = log[role];
    if (fits(name, role)) return name;
    const required = role === 'customer' || role === 'date';
    return name === null && !required ? null : fresh[role];
  };
  // An amount chosen again means rows of another kind (a Lifecycle stages
  // cell's per-customer table, then the log itself): the quantity that goes
  // with a unit price and the invoice number are guessed with it, not left
  // empty as they were for the other table.
  const amountAgain = log.amount !== null && !fits(log.amount, 'amount');
  const next: TransactionLogSettings = {
    ...log,
    customer: keep('customer'),
    date: keep('date'),
    amount: keep('amount'),
    quantity: amountAgain ? fresh.quantity : keep('quantity'),
    transaction: amountAgain ? fresh.transaction : keep('transaction'),
  };
  const changed = (Object.keys(LOG_COLUMN_TYPES) as (keyof LogColumns)[]).some(
    (role) => next[role] !== log[role],
  );
  return changed ? next : log;
}

/** The engine's columns once the customer and date are chosen; null until then. */
export function logColumns(log: TransactionLogSettings): LogColumns | null {
  if (!log.customer || !log.date) return null;
  return {
    customer: log.customer,
    date: log.date,
    amount: log.amount,
    quantity: log.amount ? log.quantity : null,
    transaction: log.transaction,
  };
}

/** What a job needs of the log: the columns, the returns rule and the as-of date. */
export interface LogJob {
  columns: LogColumns;
  returns: Returns;
  asOf: string | null;
}

export function logJob(log: TransactionLogSettings): LogJob | null {
  const columns = logColumns(log);
  return columns ? { columns, returns: log.returns, asOf: log.asOf } : null;
}
