// The Cohorts kind's declaration: defaults, what it waits for, the job it
// plans (the view is display only; brackets only for kind 'bracket'; a
// policy table's columns), what adapt chooses for a transaction log and for
// a policy table, the brackets' text, and settings the schema refuses.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { bracketsText, parseBrackets } from '../../src/lib/cells/cohorts/definition';
import { checkSettings } from '../../src/lib/notebook/schema';
import type { DatasetMeta } from '../../src/lib/storage/types';

const payments = {
  id: 'pay',
  name: 'insurance_payments',
  columns: [
    { name: 'policy_id', type: 'identifier' },
    { name: 'customer_id', type: 'identifier' },
    { name: 'instalment', type: 'integer' },
    { name: 'due_date', type: 'date' },
    { name: 'paid_date', type: 'date' },
    { name: 'amount', type: 'decimal' },
  ],
} as DatasetMeta;
const policies = {
  id: 'pol',
  name: 'insurance_policies',
  columns: [
    { name: 'policy_id', type: 'identifier' },
    { name: 'customer_id', type: 'identifier' },
    { name: 'start_date', type: 'date' },
    { name: 'end_date', type: 'date' },
    { name: 'premium', type: 'decimal' },
  ],
} as DatasetMeta;

const input = (meta: DatasetMeta): ResolvedInput => ({
  ref: { type: 'dataset', id: meta.id },
  dataset: meta,
});
const context = (inputs: PlanContext['inputs']): PlanContext => ({
  notebookId: 'nb',
  cellId: 'c',
  inputs,
  dataset: () => undefined,
  today: '2026-12-02',
});
const cohorts = definitionOf('cohorts');

describe('the Cohorts cell', () => {
  it('is an auto kind with a dataset output that waits for its input and columns', () => {
    expect(cohorts.runs).toBe('auto');
    expect(cohorts.output).toBe('dataset');
    const s = cohorts.defaults({ input: 'd' });
    expect(cohorts.plan(s, context({}))).toEqual({ wait: 'cell.waiting' });
    expect(cohorts.plan(s, context({ input: input(payments) }))).toEqual({
      wait: 'log.choose-columns',
    });
    const policy = { ...s, source: 'policy' as const };
    expect(cohorts.plan(policy, context({ input: input(policies) }))).toEqual({
      wait: 'cohorts.choose-policy-columns',
    });
  });

  it('guesses a payment log’s columns and plans the job without the view', () => {
    const s = cohorts.adapt!(cohorts.defaults({ input: 'd' }), context({ input: input(payments) }));
    expect(s.source).toBe('log');
    expect(s.log).toMatchObject({ customer: 'customer_id', date: 'paid_date', amount: 'amount' });
    const plan = cohorts.plan({ ...s, view: 'curves' }, context({ input: input(payments) }));
    if (isWait(plan)) throw new Error('a job expected');
    expect(plan.request).toBe('cohort-retention');
    expect(plan.params).toEqual({
      notebook: 'nb',
      cell: 'c',
      datasetId: 'pay',
      settings: {
        source: {
          mode: 'log',
          log: {
            columns: {
              customer: 'customer_id',
              date: 'paid_date',
              amount: 'amount',
              quantity: null,
              transaction: null,
            },
            returns: 'net',
            asOf: null,
          },
        },
        period: 'month',
        counting: 'calendar',
        kind: 'n-period',
        brackets: [],
      },
    });
    // The view is display only: the same job for every view.
    expect(cohorts.plan({ ...s, view: 'revenue' }, context({ input: input(payments) }))).toEqual(
      plan,
    );
    const bracket = cohorts.plan({ ...s, kind: 'bracket' }, context({ input: input(payments) }));
    if (isWait(bracket)) throw new Error('a job expected');
    expect((bracket.params as { settings: { brackets: unknown } }).settings.brackets).toEqual(
      s.brackets,
    );
  });

  it('takes a table with a start and an end date for a policy table', () => {
    const s = cohorts.adapt!(cohorts.defaults({ input: 'd' }), context({ input: input(policies) }));
    expect(s.source).toBe('policy');
    expect(s.policy).toEqual({ id: 'policy_id', start: 'start_date', end: 'end_date', asOf: null });
    const plan = cohorts.plan(s, context({ input: input(policies) }));
    if (isWait(plan)) throw new Error('a job expected');
    expect((plan.params as { settings: { source: unknown } }).settings.source).toEqual({
      mode: 'policy',
      policy: { columns: { id: 'policy_id', start: 'start_date', end: 'end_date' }, asOf: null },
    });
    // Unchanged settings come back as the same object.
    expect(cohorts.adapt!(s, context({ input: input(policies) }))).toBe(s);
  });

  it('reads and writes brackets as text', () => {
    expect(parseBrackets('0 | 1-3 | 4–6 | 7-12')).toEqual([
      { from: 0, to: 0 },
      { from: 1, to: 3 },
      { from: 4, to: 6 },
      { from: 7, to: 12 },
    ]);
    expect(parseBrackets('0 | 2-1')).toBeNull();
    expect(parseBrackets('0-3 | 2-5')).toBeNull();
    expect(parseBrackets('a')).toBeNull();
    expect(
      bracketsText([
        { from: 0, to: 0 },
        { from: 1, to: 3 },
      ]),
    ).toBe('0 | 1–3');
  });

  it('refuses settings outside the schema', () => {
    const s = cohorts.defaults({ input: 'd' });
    expect(checkSettings('cohorts', s).ok).toBe(true);
    expect(checkSettings('cohorts', { ...s, period: 'year' }).ok).toBe(false);
    expect(checkSettings('cohorts', { ...s, brackets: [] }).ok).toBe(false);
    expect(checkSettings('cohorts', { ...s, brackets: [{ from: -1, to: 2 }] }).ok).toBe(false);
  });
});
