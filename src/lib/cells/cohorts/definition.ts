// The Cohorts cell: retention of customers grouped by the week, month or
// quarter of their first purchase (a transaction log) — or of policies by
// their start (a policy table, in force at the end of each period) — per
// period since start, with revenue retention and cumulative revenue per
// customer (engine/lifecycle/cohorts.ts). Its output is the per-customer
// dataset (cohort, start, periods active …), usable as a group below. Pure
// declaration; the component is ./CohortsCell.svelte.
//
// It runs by itself: one pass over the log. The view (heatmap of retention
// or revenue, curves, cumulative revenue) is display only, not in the job.

import { z } from 'zod';
import type { ColumnType } from '../../engine/data/table';
import { MAX_PERIODS, type Bracket } from '../../engine/lifecycle/cohorts';
import { defineCellKind, job } from '../kind';
import { idText, text } from '../limits';
import { datasetInput } from '../slots';
import {
  adaptTransactionLog,
  defaultTransactionLog,
  isoDateText,
  logJob,
  transactionLogSettings,
} from '../transactionLog';

const column = text.nullable();
const period = z.number().int().min(0).max(MAX_PERIODS);

export const COHORT_VIEWS = ['retention', 'revenue', 'curves', 'cumulative'] as const;

export const cohortsSettings = z.strictObject({
  input: idText.nullable(),
  /** A transaction log (activity in a period) or a policy table (in force at its end). */
  source: z.enum(['log', 'policy']),
  log: transactionLogSettings,
  policy: z.strictObject({
    id: column,
    start: column,
    /** Missing while the policy is in force. */
    end: column,
    /** yyyy-mm-dd; null: the day after the table's last start or end date. */
    asOf: isoDateText.nullable(),
  }),
  period: z.enum(['week', 'month', 'quarter']),
  counting: z.enum(['calendar', 'relative']),
  kind: z.enum(['n-period', 'unbounded', 'bracket']),
  brackets: z
    .array(z.strictObject({ from: period, to: period }))
    .min(1)
    .max(24),
  view: z.enum(COHORT_VIEWS),
});

export type CohortsCellSettings = z.infer<typeof cohortsSettings>;

export const POLICY_ID_TYPES: readonly ColumnType[] = [
  'identifier',
  'categorical',
  'text',
  'integer',
];
export const POLICY_DATE_TYPES: readonly ColumnType[] = ['date', 'datetime'];

export const DEFAULT_BRACKETS: Bracket[] = [
  { from: 0, to: 0 },
  { from: 1, to: 3 },
  { from: 4, to: 6 },
  { from: 7, to: 12 },
];

/** "0 | 1–3 | 4-6" ⇄ brackets; null when the text is not brackets in order. */
export function parseBrackets(value: string): Bracket[] | null {
  const parts = value.split('|').map((p) => p.trim());
  const out: Bracket[] = [];
  for (const part of parts) {
    const m = /^(\d+)\s*(?:[-–]\s*(\d+))?$/.exec(part);
    if (!m) return null;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to > MAX_PERIODS || (out.length > 0 && from <= out[out.length - 1].to)) {
      return null;
    }
    out.push({ from, to });
  }
  return out.length > 0 && out.length <= 24 ? out : null;
}

export function bracketsText(brackets: readonly Bracket[]): string {
  return brackets.map((b) => (b.from === b.to ? `${b.from}` : `${b.from}–${b.to}`)).join(' | ');
}

type ColumnMeta = { name: string; type: ColumnType };

/** First guesses of a policy table's columns, by type and name. */
function guessPolicy(columns: readonly ColumnMeta[]) {
  const dates = columns.filter((c) => POLICY_DATE_TYPES.includes(c.type));
  const find = (list: readonly ColumnMeta[], hint: RegExp) =>
    list.find((c) => hint.test(c.name))?.name ?? null;
  return {
    id: find(
      columns.filter((c) => POLICY_ID_TYPES.includes(c.type)),
      /policy|contract|cust|client|member|account|id/i,
    ),
    start: find(dates, /start|begin|incept|issue|open|join/i),
    end: find(dates, /end|cancel|lapse|termin|close|churn|exit/i),
  };
}

export const cohortsKind = defineCellKind({
  kind: 'cohorts',
  title: 'cell.kind.cohorts',
  settings: cohortsSettings,
  defaults: (inputs): CohortsCellSettings => ({
    input: inputs.input ?? null,
    source: 'log',
    log: defaultTransactionLog(),
    policy: { id: null, start: null, end: null, asOf: null },
    period: 'month',
    counting: 'calendar',
    kind: 'n-period',
    brackets: DEFAULT_BRACKETS,
    view: 'retention',
  }),
  slots: [datasetInput<CohortsCellSettings>()],
  output: 'dataset',
  summarises: true,
  runs: 'auto',
  plan(s, { inputs, notebookId, cellId }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    const grid = {
      period: s.period,
      counting: s.counting,
      kind: s.source === 'policy' ? ('n-period' as const) : s.kind,
      brackets: s.source === 'log' && s.kind === 'bracket' ? s.brackets : [],
    };
    if (s.source === 'log') {
      const log = logJob(s.log);
      if (!log) return { wait: 'log.choose-columns' };
      return job('cohort-retention', {
        notebook: notebookId,
        cell: cellId,
        datasetId: input.ref.id,
        settings: { source: { mode: 'log', log }, ...grid },
      });
    }
    const { id, start, end, asOf } = s.policy;
    if (!id || !start || !end) return { wait: 'cohorts.choose-policy-columns' };
    return job('cohort-retention', {
      notebook: notebookId,
      cell: cellId,
      datasetId: input.ref.id,
      settings: {
        source: { mode: 'policy', policy: { columns: { id, start, end }, asOf } },
        ...grid,
      },
    });
  },
  outputOf: (result: { dataset: { id: string } }) => ({ type: 'dataset', id: result.dataset.id }),
  // The log's columns are kept or chosen again as every log-reading kind's
  // (cells/transactionLog.ts); a policy table's likewise by name and type.
  // A dataset with a start and an end date and no purchase-like date is
  // taken for a policy table the first time its columns are chosen.
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const fresh = s.log.date === null && s.policy.start === null;
    // Nothing chosen yet: every role guessed, the optional amount too (adapt
    // alone keeps an empty optional role empty).
    const log = fresh
      ? { ...defaultTransactionLog(columns), returns: s.log.returns, asOf: s.log.asOf }
      : adaptTransactionLog(s.log, columns);
    const guess = guessPolicy(columns);
    const has = (name: string | null, types: readonly ColumnType[]) =>
      name !== null && columns.some((c) => c.name === name && types.includes(c.type));
    const policy = {
      ...s.policy,
      id: has(s.policy.id, POLICY_ID_TYPES) ? s.policy.id : guess.id,
      start: has(s.policy.start, POLICY_DATE_TYPES) ? s.policy.start : guess.start,
      end: has(s.policy.end, POLICY_DATE_TYPES) ? s.policy.end : guess.end,
    };
    const looksLikePolicies =
      guess.start !== null &&
      guess.end !== null &&
      !columns.some(
        (c) =>
          POLICY_DATE_TYPES.includes(c.type) &&
          /paid|purchase|invoice|order|transaction/i.test(c.name),
      );
    const source = fresh ? (looksLikePolicies ? 'policy' : 'log') : s.source;
    const next: CohortsCellSettings = { ...s, source, log, policy };
    return JSON.stringify(next) === JSON.stringify(s) ? s : next;
  },
});
