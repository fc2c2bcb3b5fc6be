// The Lifecycle stages cell: each customer's stage (prospect, new, loyal, at
// risk, churned, or the analyst's own) by an ordered list of rules over a
// per-customer summary — from a transaction log or a customer / policy table
// — at an as-of date; counts and revenue per stage and, from a log, stage
// counts by month, churn and win-back rates and the transition matrix
// between two dates (engine/lifecycle/stages.ts). Its output is the
// per-customer dataset with the stage column, usable as a group below. Pure
// declaration; the component is ./StagesCell.svelte.
//
// It runs by itself: one pass over the log serves every monthly snapshot.

import { z } from 'zod';
import type { ColumnType } from '../../engine/data/table';
import {
  defaultRules,
  NUMERIC_OPS,
  STAGE_KEYS,
  SUMMARY_FIELDS,
  type Condition,
  type StageRule,
} from '../../engine/lifecycle/stages';
import { defineCellKind, job, type Wait } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { datasetInput } from '../slots';
import {
  adaptTransactionLog,
  defaultTransactionLog,
  isoDateText,
  logJob,
  transactionLogSettings,
} from '../transactionLog';

const column = text.nullable();

export const CONDITION_OPS = [...NUMERIC_OPS, 'in', 'not-in', 'missing', 'present'] as const;

const condition = z.strictObject({
  field: text.max(LIMITS.id),
  op: z.enum(CONDITION_OPS),
  /** The number of a comparison (null until typed). */
  value: z.number().finite().nullable(),
  /** The values of 'in' / 'not-in'. */
  values: z.array(text.max(LIMITS.id)).max(LIMITS.stepList),
});

const rule = z.strictObject({
  name: text.max(100),
  key: z.enum(STAGE_KEYS).nullable(),
  match: z.enum(['all', 'any']),
  conditions: z.array(condition).max(LIMITS.stageConditions),
});

export type ConditionSettings = z.infer<typeof condition>;
export type RuleSettings = z.infer<typeof rule>;

export const stagesSettings = z.strictObject({
  input: idText.nullable(),
  /** A transaction log, or a table with a row per customer (or policy). */
  source: z.enum(['log', 'table']),
  log: transactionLogSettings,
  table: z.strictObject({
    id: column,
    /** 'purchases': first / last purchase dates; 'policy': start / end (empty while in force). */
    dates: z.enum(['purchases', 'policy']),
    first: column,
    last: column,
    purchases: column,
    spend: column,
    /** yyyy-mm-dd; null: the day after the table's last date. */
    asOf: isoDateText.nullable(),
  }),
  rules: z.array(rule).min(1).max(LIMITS.stageRules),
  /** The transition matrix's first date (a log); null: six months before the as-of date. */
  from: isoDateText.nullable(),
});

export type StagesCellSettings = z.infer<typeof stagesSettings>;

export const TABLE_ID_TYPES: readonly ColumnType[] = [
  'identifier',
  'categorical',
  'text',
  'integer',
];
export const TABLE_DATE_TYPES: readonly ColumnType[] = ['date', 'datetime'];
export const TABLE_NUMBER_TYPES: readonly ColumnType[] = ['integer', 'decimal'];

/** Summary fields that are days (compared as numbers) and dates (only missing / present). */
export const DATE_FIELDS: readonly string[] = ['first_purchase', 'last_purchase'];

/** The summary fields a rule can test for a source: in_force only for a policy table. */
export function summaryFields(s: Pick<StagesCellSettings, 'source' | 'table'>): string[] {
  return SUMMARY_FIELDS.filter(
    (f) => f !== 'in_force' || (s.source === 'table' && s.table.dates === 'policy'),
  );
}

type ColumnMeta = { name: string; type: ColumnType };

/** Numeric columns whose names suggest a sign of leaving (late payments, complaints). */
export function riskColumns(columns: readonly ColumnMeta[]): string[] {
  return columns
    .filter(
      (c) => TABLE_NUMBER_TYPES.includes(c.type) && /late|arrear|missed|complain/i.test(c.name),
    )
    .map((c) => c.name);
}

/** The default rules as settings, for the source (and a policy table's columns). */
export function defaultRuleSettings(
  s: Pick<StagesCellSettings, 'source' | 'table'>,
  columns: readonly ColumnMeta[] = [],
): RuleSettings[] {
  const source = s.source === 'log' ? 'log' : s.table.dates;
  return defaultRules(source, riskColumns(columns)).map((r) => ({
    ...r,
    conditions: r.conditions.map((c) => ({
      field: c.field,
      op: c.op,
      value: c.value ?? null,
      values: c.values ?? [],
    })),
  }));
}

/** First guesses of a customer / policy table's columns, by type and name. */
function guessTable(columns: readonly ColumnMeta[]) {
  const of = (types: readonly ColumnType[]) => columns.filter((c) => types.includes(c.type));
  const find = (list: readonly ColumnMeta[], hint: RegExp) =>
    list.find((c) => hint.test(c.name))?.name ?? null;
  const dates = of(TABLE_DATE_TYPES);
  const numbers = of(TABLE_NUMBER_TYPES);
  const start = find(dates, /start|begin|incept|issue|open|join/i);
  const end = find(dates, /end|cancel|lapse|termin|close|churn|exit/i);
  const first = find(dates, /first/i);
  const last = find(dates, /last|latest|recent/i);
  const policy = start !== null && first === null;
  return {
    id: find(of(TABLE_ID_TYPES), /cust|client|member|account|policy|contract|id/i),
    dates: policy ? ('policy' as const) : ('purchases' as const),
    first: policy ? start : (first ?? dates[0]?.name ?? null),
    last: policy ? end : last,
    purchases: find(numbers, /purchases|orders|frequency|transactions|visits/i),
    spend: find(numbers, /spend|revenue|monetary|sales|premium|amount|value/i),
  };
}

function conditionOf(c: ConditionSettings): Condition {
  if (c.op === 'in' || c.op === 'not-in') return { field: c.field, op: c.op, values: c.values };
  if (c.op === 'missing' || c.op === 'present') return { field: c.field, op: c.op };
  return { field: c.field, op: c.op, value: c.value ?? NaN };
}

/** Why the rules cannot run, or null: a name empty or used twice, a comparison without its number. */
export function rulesWait(rules: readonly RuleSettings[]): Wait | null {
  const names = rules.map((r) => r.name.trim());
  const empty = names.indexOf('');
  if (empty >= 0) return { wait: 'stages.empty-name', params: { rule: empty + 1 } };
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined)
    return { wait: 'stages.duplicate-name', params: { name: duplicate } };
  for (const r of rules) {
    for (const c of r.conditions) {
      if (c.field === '') return { wait: 'stages.condition-needs-field', params: { rule: r.name } };
      if ((NUMERIC_OPS as readonly string[]).includes(c.op) && c.value === null) {
        return { wait: 'stages.condition-needs-number', params: { rule: r.name, field: c.field } };
      }
    }
  }
  return null;
}

export const stagesKind = defineCellKind({
  kind: 'stages',
  title: 'cell.kind.stages',
  settings: stagesSettings,
  defaults: (inputs): StagesCellSettings => {
    const table = {
      id: null,
      dates: 'purchases' as const,
      first: null,
      last: null,
      purchases: null,
      spend: null,
      asOf: null,
    };
    return {
      input: inputs.input ?? null,
      source: 'log',
      log: defaultTransactionLog(),
      table,
      rules: defaultRuleSettings({ source: 'log', table }),
      from: null,
    };
  },
  slots: [datasetInput<StagesCellSettings>()],
  output: 'dataset',
  // From a log, one row per customer; from a table, the table with its stage:
  // either way a cell added below most likely reads the log or table itself.
  summarises: true,
  runs: 'auto',
  plan(s, { inputs, notebookId, cellId }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    const columns = input.dataset?.columns;
    if (columns && !columns.some((c) => TABLE_DATE_TYPES.includes(c.type))) {
      return { wait: 'stages.no-date-column' };
    }
    const bad = rulesWait(s.rules);
    if (bad) return bad;
    const rules: StageRule[] = s.rules.map((r) => ({
      name: r.name.trim(),
      key: r.key,
      match: r.match,
      conditions: r.conditions.map(conditionOf),
    }));
    const base = { notebook: notebookId, cell: cellId, datasetId: input.ref.id };
    if (s.source === 'log') {
      const log = logJob(s.log);
      if (!log) return { wait: 'log.choose-columns' };
      return job('lifecycle-stages', {
        ...base,
        settings: { source: { mode: 'log', log }, rules, from: s.from },
      });
    }
    const { id, dates, first, last, purchases, spend, asOf } = s.table;
    if (!id || !first) return { wait: 'stages.choose-table-columns' };
    return job('lifecycle-stages', {
      ...base,
      settings: {
        source: {
          mode: 'table',
          table: { columns: { id, dates, first, last, purchases, spend }, asOf },
        },
        rules,
        from: null,
      },
    });
  },
  outputOf: (result: { dataset: { id: string } }) => ({ type: 'dataset', id: result.dataset.id }),
  // The log's columns are kept or chosen again as every log-reading kind's
  // (cells/transactionLog.ts); a table's likewise by name and type. The
  // first time columns are chosen, a dataset with a start date (and no
  // purchase-like date) is taken for a policy table, and default rules not
  // yet edited are made for the source found.
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const fresh = s.log.date === null && s.table.first === null;
    const log = fresh
      ? { ...defaultTransactionLog(columns), returns: s.log.returns, asOf: s.log.asOf }
      : adaptTransactionLog(s.log, columns);
    const guess = guessTable(columns);
    const has = (name: string | null, types: readonly ColumnType[]) =>
      name !== null && columns.some((c) => c.name === name && types.includes(c.type));
    // A required role is chosen again; an optional one left empty stays empty.
    const required = (name: string | null, types: readonly ColumnType[], guessed: string | null) =>
      has(name, types) ? name : guessed;
    const keep = (name: string | null, types: readonly ColumnType[], guessed: string | null) =>
      has(name, types) ? name : fresh || name !== null ? guessed : null;
    const table = {
      ...s.table,
      dates: fresh ? guess.dates : s.table.dates,
      id: required(s.table.id, TABLE_ID_TYPES, guess.id),
      first: required(s.table.first, TABLE_DATE_TYPES, guess.first),
      last: keep(s.table.last, TABLE_DATE_TYPES, guess.last),
      purchases: keep(s.table.purchases, TABLE_NUMBER_TYPES, guess.purchases),
      spend: keep(s.table.spend, TABLE_NUMBER_TYPES, guess.spend),
    };
    const transactional = columns.some(
      (c) =>
        TABLE_DATE_TYPES.includes(c.type) &&
        /paid|purchase|invoice|order|transaction/i.test(c.name),
    );
    const source = fresh
      ? guess.dates === 'policy' && !transactional
        ? 'table'
        : 'log'
      : s.source;
    // Rules the analyst (or a notebook file) already edited are kept.
    const untouched =
      JSON.stringify(s.rules) === JSON.stringify(defaultRuleSettings({ source: 'log', table }));
    const rules = fresh && untouched ? defaultRuleSettings({ source, table }, columns) : s.rules;
    const next: StagesCellSettings = { ...s, source, log, table, rules };
    return JSON.stringify(next) === JSON.stringify(s) ? s : next;
  },
});
