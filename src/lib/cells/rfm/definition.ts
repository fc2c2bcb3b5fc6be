// The RFM cell: recency, frequency and monetary value of each customer of a
// transaction log at an as-of date, scored in quantile bins or by typed
// thresholds, with the RFM code, a weighted total and named segments from an
// editable table of rules (engine/lifecycle/rfm.ts). Its output is the
// per-customer dataset, joinable to a customer table. Pure declaration; the
// component is ./RfmCell.svelte.
//
// It runs by itself: one pass over the log and a sort per measure.

import { z } from 'zod';
import {
  DEFAULT_RULES,
  MAX_BINS,
  MEASURES,
  MIN_BINS,
  type Measure,
  type Scoring,
} from '../../engine/lifecycle/rfm';
import { defineCellKind, job } from '../kind';
import { idText, text } from '../limits';
import { datasetInput } from '../slots';
import {
  adaptTransactionLog,
  defaultTransactionLog,
  logJob,
  transactionLogSettings,
} from '../transactionLog';

/** The most segment rules a cell may hold. */
export const MAX_RULES = 30;

const score = z.number().min(1).max(5);
const range = z.tuple([score, score]);

/** One measure's scoring; both the bins and the thresholds are kept, so switching loses neither. */
const measureScoring = z.strictObject({
  method: z.enum(['quantile', 'thresholds']),
  bins: z.number().int().min(MIN_BINS).max(MAX_BINS),
  thresholds: z
    .array(z.number().finite())
    .min(MIN_BINS - 1)
    .max(MAX_BINS - 1),
});

export const rfmSettings = z.strictObject({
  input: idText.nullable(),
  log: transactionLogSettings,
  frequency: z.enum(['transactions', 'days']),
  monetary: z.enum(['total', 'mean']),
  scoring: z.strictObject({
    recency: measureScoring,
    frequency: measureScoring,
    monetary: measureScoring,
  }),
  weights: z.strictObject({
    recency: z.number().finite(),
    frequency: z.number().finite(),
    monetary: z.number().finite(),
  }),
  /** First match wins; a default rule's name is a message key `rfm.segment.<name>`. */
  rules: z
    .array(z.strictObject({ name: text.min(1).max(100), r: range, fm: range }))
    .max(MAX_RULES),
});

export type RfmCellSettings = z.infer<typeof rfmSettings>;
export type MeasureScoring = RfmCellSettings['scoring']['recency'];

/** The segment name given to customers no rule holds. */
export const OTHER_SEGMENT = 'other';

/** First thresholds offered when a measure is switched to thresholds. */
const DEFAULT_THRESHOLDS: Record<Measure, number[]> = {
  recency: [30, 90, 180, 365],
  frequency: [2, 3, 5, 10],
  monetary: [50, 100, 250, 1000],
};

/** A fresh copy of the default segment rules (the settings never share arrays with the engine's). */
export const defaultRules = (): RfmCellSettings['rules'] =>
  DEFAULT_RULES.map((rule) => ({
    name: rule.name,
    r: [rule.r[0], rule.r[1]],
    fm: [rule.fm[0], rule.fm[1]],
  }));

/**
 * Thresholds typed as "30, 90, 180" (commas, semicolons or spaces) →
 * [30, 90, 180]; null unless 1–8 finite numbers, each larger than the last.
 */
export function parseThresholds(text: string): number[] | null {
  const values = text
    .split(/[,，;\s]+/)
    .filter((p) => p !== '')
    .map(Number);
  const ok =
    values.length >= MIN_BINS - 1 &&
    values.length <= MAX_BINS - 1 &&
    values.every((v, i) => Number.isFinite(v) && (i === 0 || v > values[i - 1]));
  return ok ? values : null;
}

export const rfmKind = defineCellKind({
  kind: 'rfm',
  title: 'cell.kind.rfm',
  settings: rfmSettings,
  defaults: (inputs): RfmCellSettings => ({
    input: inputs.input ?? null,
    log: defaultTransactionLog(),
    frequency: 'transactions',
    monetary: 'total',
    scoring: {
      recency: { method: 'quantile', bins: 5, thresholds: DEFAULT_THRESHOLDS.recency },
      frequency: { method: 'quantile', bins: 5, thresholds: DEFAULT_THRESHOLDS.frequency },
      monetary: { method: 'quantile', bins: 5, thresholds: DEFAULT_THRESHOLDS.monetary },
    },
    weights: { recency: 1, frequency: 1, monetary: 1 },
    rules: defaultRules(),
  }),
  slots: [datasetInput<RfmCellSettings>()],
  output: 'dataset',
  summarises: true,
  runs: 'auto',
  plan(s, { inputs, notebookId, cellId }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    const log = logJob(s.log);
    if (!log) return { wait: 'log.choose-columns' };
    const scoring = {} as Record<Measure, Scoring>;
    for (const m of MEASURES) {
      const sc = s.scoring[m];
      scoring[m] =
        sc.method === 'quantile'
          ? { method: 'quantile', bins: sc.bins }
          : { method: 'thresholds', thresholds: sc.thresholds };
    }
    return job('rfm', {
      notebook: notebookId,
      cell: cellId,
      datasetId: input.ref.id,
      settings: {
        log,
        frequency: s.frequency,
        monetary: s.monetary,
        scoring,
        weights: s.weights,
        rules: s.rules,
        segmentNames: [...s.rules.map((r) => r.name), OTHER_SEGMENT],
      },
    });
  },
  outputOf: (result: { dataset: { id: string } }) => ({ type: 'dataset', id: result.dataset.id }),
  // The log's columns are chosen as every log-reading kind's
  // (cells/transactionLog.ts): all guessed the first time (the optional
  // amount too), then kept or chosen again.
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const log =
      s.log.customer === null && s.log.date === null
        ? { ...defaultTransactionLog(columns), returns: s.log.returns, asOf: s.log.asOf }
        : adaptTransactionLog(s.log, columns);
    return JSON.stringify(log) === JSON.stringify(s.log) ? s : { ...s, log };
  },
});
