// Direct tallies of the generated insurance book (engine/data/sample/insurance.ts),
// computed without the Prepare engine, for the prepare and export tests. Test
// helper, not a test file.
import { generateInsuranceBook } from '../../../src/lib/engine/data/sample/insurance';
import type { Column } from '../../../src/lib/engine/data/table';
import type { PrepareStep } from '../../../src/lib/notebook/document';

export const book = generateInsuranceBook();

export function column(name: string, columns: readonly Column[]): Column {
  const c = columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

/** Payments per policy id and their total amount, tallied directly from the book. */
export function paymentsPerPolicy(): Map<string, { count: number; sum: number }> {
  const ids = column('policy_id', book.payments.columns);
  const amount = column('amount', book.payments.columns);
  if (ids.kind !== 'string' || amount.kind !== 'number') throw new Error('unexpected types');
  const tally = new Map<string, { count: number; sum: number }>();
  for (let i = 0; i < book.payments.rowCount; i++) {
    const id = ids.dictionary[ids.codes[i]];
    const t = tally.get(id) ?? { count: 0, sum: 0 };
    t.count++;
    if (!Number.isNaN(amount.values[i])) t.sum += amount.values[i];
    tally.set(id, t);
  }
  return tally;
}

export const aggregate: PrepareStep = {
  op: 'aggregate',
  key: 'policy_id',
  measures: [
    { column: 'amount', fn: 'count', name: 'payments' },
    { column: 'amount', fn: 'sum', name: 'paid' },
  ],
};
