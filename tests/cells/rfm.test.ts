// The RFM kind's declaration: defaults (5 quantile bins per measure, unit
// weights, the 11 default segment rules as fresh copies), what it waits for,
// the job it plans (scoring per measure by its method only; the segment
// names, rules then other), what adapt guesses for a payment log, the
// thresholds' text, and settings the schema refuses.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { MAX_RULES, parseThresholds } from '../../src/lib/cells/rfm/definition';
import { DEFAULT_RULES } from '../../src/lib/engine/lifecycle/rfm';
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
const rfm = definitionOf('rfm');

describe('the RFM cell', () => {
  it('is an auto kind with a dataset output and the defaults the issue asks for', () => {
    expect(rfm.runs).toBe('auto');
    expect(rfm.output).toBe('dataset');
    const s = rfm.defaults({ input: 'd' });
    expect(s.input).toBe('d');
    expect(s.frequency).toBe('transactions');
    expect(s.monetary).toBe('total');
    for (const m of ['recency', 'frequency', 'monetary'] as const) {
      expect(s.scoring[m]).toMatchObject({ method: 'quantile', bins: 5 });
      expect(s.weights[m]).toBe(1);
    }
    expect(s.log.asOf).toBeNull();
    expect(s.log.returns).toBe('net');
    expect(s.rules).toEqual(DEFAULT_RULES);
    // Copies: editing a cell's rule never edits the engine's defaults.
    expect(s.rules[0].r).not.toBe(DEFAULT_RULES[0].r);
    expect(checkSettings('rfm', s).ok).toBe(true);
  });

  it('waits for its input, then for the log’s columns', () => {
    const s = rfm.defaults({ input: 'd' });
    expect(rfm.plan(s, context({}))).toEqual({ wait: 'cell.waiting' });
    expect(rfm.plan(s, context({ input: input(payments) }))).toEqual({
      wait: 'log.choose-columns',
    });
  });

  it('guesses a payment log’s columns and plans the job', () => {
    const s = rfm.adapt!(rfm.defaults({ input: 'd' }), context({ input: input(payments) }));
    expect(s.log).toMatchObject({ customer: 'customer_id', date: 'paid_date', amount: 'amount' });
    // Unchanged settings come back as the same object.
    expect(rfm.adapt!(s, context({ input: input(payments) }))).toBe(s);
    const withThresholds = {
      ...s,
      scoring: { ...s.scoring, recency: { ...s.scoring.recency, method: 'thresholds' as const } },
    };
    const plan = rfm.plan(withThresholds, context({ input: input(payments) }));
    if (isWait(plan)) throw new Error('a job expected');
    expect(plan.request).toBe('rfm');
    expect(plan.params).toEqual({
      notebook: 'nb',
      cell: 'c',
      datasetId: 'pay',
      settings: {
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
        frequency: 'transactions',
        monetary: 'total',
        // Each measure by its method only: bins or thresholds, not both.
        scoring: {
          recency: { method: 'thresholds', thresholds: [30, 90, 180, 365] },
          frequency: { method: 'quantile', bins: 5 },
          monetary: { method: 'quantile', bins: 5 },
        },
        weights: { recency: 1, frequency: 1, monetary: 1 },
        rules: DEFAULT_RULES,
        segmentNames: [...DEFAULT_RULES.map((r) => r.name), 'other'],
      },
    });
    // The thresholds kept while scoring by bins do not change the job.
    const other = {
      ...s,
      scoring: { ...s.scoring, frequency: { ...s.scoring.frequency, thresholds: [1, 2] } },
    };
    expect(rfm.plan(other, context({ input: input(payments) }))).toEqual(
      rfm.plan(s, context({ input: input(payments) })),
    );
  });

  it('keeps the analyst’s columns when the dataset changes and they still fit', () => {
    const s = rfm.adapt!(rfm.defaults({ input: 'd' }), context({ input: input(payments) }));
    const chosen = { ...s, log: { ...s.log, date: 'due_date', asOf: '2024-01-01' } };
    const adapted = rfm.adapt!(chosen, context({ input: input(payments) }));
    expect(adapted.log).toMatchObject({ date: 'due_date', asOf: '2024-01-01' });
  });

  it('reads thresholds typed as text', () => {
    expect(parseThresholds('30, 90, 180')).toEqual([30, 90, 180]);
    expect(parseThresholds('1;2 5')).toEqual([1, 2, 5]);
    expect(parseThresholds('30，90')).toEqual([30, 90]);
    expect(parseThresholds('')).toBeNull();
    expect(parseThresholds('90, 30')).toBeNull();
    expect(parseThresholds('5, 5')).toBeNull();
    expect(parseThresholds('a, 2')).toBeNull();
    expect(parseThresholds('1 2 3 4 5 6 7 8 9')).toBeNull();
  });

  it('refuses settings outside the schema', () => {
    const s = rfm.defaults({ input: 'd' });
    const scoring = (patch: object) => ({
      ...s,
      scoring: { ...s.scoring, monetary: { ...s.scoring.monetary, ...patch } },
    });
    expect(checkSettings('rfm', scoring({ bins: 1 })).ok).toBe(false);
    expect(checkSettings('rfm', scoring({ bins: 10 })).ok).toBe(false);
    expect(checkSettings('rfm', scoring({ bins: 9 })).ok).toBe(true);
    expect(checkSettings('rfm', scoring({ thresholds: [] })).ok).toBe(false);
    expect(checkSettings('rfm', scoring({ thresholds: [1, 2, 3, 4, 5, 6, 7, 8, 9] })).ok).toBe(
      false,
    );
    expect(checkSettings('rfm', { ...s, frequency: 'weeks' }).ok).toBe(false);
    expect(checkSettings('rfm', { ...s, weights: { ...s.weights, recency: Infinity } }).ok).toBe(
      false,
    );
    const rule = { name: 'x', r: [1, 5], fm: [1, 5] };
    expect(checkSettings('rfm', { ...s, rules: [{ ...rule, r: [0, 5] }] }).ok).toBe(false);
    expect(checkSettings('rfm', { ...s, rules: [{ ...rule, fm: [1, 6] }] }).ok).toBe(false);
    expect(checkSettings('rfm', { ...s, rules: [{ ...rule, name: '' }] }).ok).toBe(false);
    expect(checkSettings('rfm', { ...s, rules: [] }).ok).toBe(true);
    expect(
      checkSettings('rfm', { ...s, rules: Array.from({ length: MAX_RULES + 1 }, () => rule) }).ok,
    ).toBe(false);
    expect(checkSettings('rfm', { ...s, extra: 1 }).ok).toBe(false);
  });
});
