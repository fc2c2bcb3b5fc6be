// The Lifecycle stages kind's declaration: defaults (the five default stages),
// what it waits for (no input, no date column, log columns, table columns,
// rule names and numbers), the job it plans for a log and for a policy
// table, what adapt guesses (a payment log, a policy table with its late
// payment and complaint columns), edited rules kept, and settings the
// schema refuses.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { rulesWait, summaryFields } from '../../src/lib/cells/stages/definition';
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
    { name: 'annual_premium', type: 'decimal' },
    { name: 'late_payments_12m', type: 'integer' },
    { name: 'complaints_12m', type: 'integer' },
    { name: 'start_date', type: 'date' },
    { name: 'end_date', type: 'date' },
  ],
} as DatasetMeta;
const telco = {
  id: 'telco',
  name: 'telco',
  columns: [
    { name: 'customerID', type: 'identifier' },
    { name: 'tenure', type: 'integer' },
    { name: 'signup', type: 'text' },
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
const stages = definitionOf('stages');

describe('the Lifecycle stages cell', () => {
  it('is an auto kind with a dataset output and the five default stages', () => {
    expect(stages.runs).toBe('auto');
    expect(stages.output).toBe('dataset');
    const s = stages.defaults({ input: 'd' });
    expect(s.rules.map((r) => [r.key, r.name])).toEqual([
      ['prospect', 'Prospect'],
      ['churned', 'Churned'],
      ['at-risk', 'At risk'],
      ['new', 'New'],
      ['loyal', 'Loyal'],
    ]);
    expect(checkSettings('stages', s)).toEqual({ ok: true, settings: s });
  });

  it('waits for its input, a date column, the log’s columns and sound rules', () => {
    const s = stages.defaults({ input: 'd' });
    expect(stages.plan(s, context({}))).toEqual({ wait: 'cell.waiting' });
    expect(stages.plan(s, context({ input: input(telco) }))).toEqual({
      wait: 'stages.no-date-column',
    });
    expect(stages.plan(s, context({ input: input(payments) }))).toEqual({
      wait: 'log.choose-columns',
    });
    const named = (names: string[]) => s.rules.map((r, i) => ({ ...r, name: names[i] ?? r.name }));
    expect(rulesWait(named(['A', 'A']))).toEqual({
      wait: 'stages.duplicate-name',
      params: { name: 'A' },
    });
    expect(rulesWait(named([' ']))).toEqual({ wait: 'stages.empty-name', params: { rule: 1 } });
    const noNumber = s.rules.map((r) =>
      r.key === 'churned' ? { ...r, conditions: [{ ...r.conditions[0], value: null }] } : r,
    );
    expect(rulesWait(noNumber)).toEqual({
      wait: 'stages.condition-needs-number',
      params: { rule: 'Churned', field: 'recency_days' },
    });
    expect(rulesWait(s.rules)).toBeNull();
  });

  it('guesses a payment log’s columns and plans the job with the rules as the engine reads them', () => {
    const s = stages.adapt!(stages.defaults({ input: 'd' }), context({ input: input(payments) }));
    expect(s.source).toBe('log');
    expect(s.log).toMatchObject({ customer: 'customer_id', date: 'paid_date', amount: 'amount' });
    const plan = stages.plan(s, context({ input: input(payments) }));
    if (isWait(plan)) throw new Error('a job expected');
    expect(plan.request).toBe('lifecycle-stages');
    const params = plan.params as {
      settings: { source: { mode: string }; rules: unknown[]; from: string | null };
    };
    expect(params.settings.source.mode).toBe('log');
    expect(params.settings.from).toBeNull();
    expect(params.settings.rules[1]).toEqual({
      name: 'Churned',
      key: 'churned',
      match: 'all',
      conditions: [{ field: 'recency_days', op: '>', value: 365 }],
    });
    expect(params.settings.rules[0]).toEqual({
      name: 'Prospect',
      key: 'prospect',
      match: 'all',
      conditions: [{ field: 'first_purchase', op: 'missing' }],
    });
    // Adapting again changes nothing.
    expect(stages.adapt!(s, context({ input: input(payments) }))).toBe(s);
  });

  it('takes a policy table for one, with in-force and late-payment rules', () => {
    const s = stages.adapt!(stages.defaults({ input: 'd' }), context({ input: input(policies) }));
    expect(s.source).toBe('table');
    expect(s.table).toMatchObject({
      id: 'policy_id',
      dates: 'policy',
      first: 'start_date',
      last: 'end_date',
      purchases: null,
      spend: 'annual_premium',
    });
    expect(s.rules.map((r) => r.key)).toEqual(['prospect', 'churned', 'at-risk', 'new', 'loyal']);
    expect(s.rules[1].conditions).toEqual([{ field: 'in_force', op: '=', value: 0, values: [] }]);
    expect(s.rules[2]).toMatchObject({
      match: 'any',
      conditions: [
        { field: 'late_payments_12m', op: '>=', value: 1 },
        { field: 'complaints_12m', op: '>=', value: 1 },
      ],
    });
    expect(summaryFields(s)).toContain('in_force');
    const plan = stages.plan(s, context({ input: input(policies) }));
    if (isWait(plan)) throw new Error('a job expected');
    expect((plan.params as { settings: { source: unknown } }).settings.source).toEqual({
      mode: 'table',
      table: {
        columns: {
          id: 'policy_id',
          dates: 'policy',
          first: 'start_date',
          last: 'end_date',
          purchases: null,
          spend: 'annual_premium',
        },
        asOf: null,
      },
    });
    // Without an id the table waits.
    const noId = { ...s, table: { ...s.table, id: null } };
    expect(stages.plan(noId, context({ input: input(policies) }))).toEqual({
      wait: 'stages.choose-table-columns',
    });
  });

  it('keeps rules already edited when the columns are first chosen', () => {
    const s = stages.defaults({ input: 'd' });
    const edited = { ...s, rules: s.rules.slice(1) };
    expect(stages.adapt!(edited, context({ input: input(policies) })).rules).toEqual(edited.rules);
  });

  it('refuses settings outside the schema', () => {
    const s = stages.defaults({ input: 'd' });
    expect(checkSettings('stages', { ...s, rules: [] }).ok).toBe(false);
    const badOp = {
      ...s,
      rules: [{ ...s.rules[0], conditions: [{ field: 'x', op: '~', value: null, values: [] }] }],
    };
    expect(checkSettings('stages', badOp).ok).toBe(false);
    expect(checkSettings('stages', { ...s, from: '1 May' }).ok).toBe(false);
  });
});
