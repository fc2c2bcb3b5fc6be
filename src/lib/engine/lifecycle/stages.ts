// Lifecycle stages: each customer's standing (first and last purchase,
// purchases, spend, tenure, recency) at an as-of day, from a transaction log
// (./transactions.ts) or a customer / policy table, and the stage the first
// matching rule of an ordered list gives it; counts and revenue per stage;
// from a log also monthly snapshots of the stage counts, the monthly churn
// and win-back rates, and the transition matrix between two days. Pure; runs
// in the compute worker and in Node tests (the pandas reference is
// tests/fixtures/lifecycle/make-stages.py).
//
// The definitions, stated the same way in docs/segments.md "## Lifecycle
// stages" and in the reference script:
// - A log's customer at day t (rows on day t count): first_purchase and
//   last_purchase are the days of the first and last purchase on or before t
//   (missing without one: a customer whose rows so far are only returns);
//   purchases the transactions (./transactions.ts); spend the sum of the
//   amounts, net of kept returns (missing in a log without amounts);
//   tenure_days = t − first_purchase; recency_days = t − last_purchase. A
//   customer with no row on or before t is not yet known and has no stage.
// - A table's row (one customer or policy) at day t: 'purchases' dates —
//   first and last purchase as given, a date after t read as missing;
//   'policy' dates — the start is first_purchase (missing when after t), the
//   end (missing while in force) is last_purchase when on or before t;
//   in_force = 1 without such an end, 0 with it; tenure_days from the start
//   to the end or t; recency_days = t − end, 0 while in force. purchases and
//   spend are columns when chosen. Any other column can be tested too.
// - A condition tests one field: a number compared (<, ≤, >, ≥, =, ≠), a
//   value in (or not in) a set of values, missing or present. A missing value
//   passes only 'missing'. A rule matches when all (or any) of its conditions
//   pass; a rule without conditions matches everyone. The first rule that
//   matches gives the stage; a customer no rule matches is unmatched.
// - Monthly snapshots: t = the last day of each calendar month from the
//   log's first to the as-of day's month, the last one the as-of day itself.
//   Churn rate of month s: of the customers known at snapshot s − 1 whose
//   stage was not a churned one (a rule keyed 'churned'), the share whose
//   stage at s is churned. Win-back rate: of those churned at s − 1, the
//   share not churned at s.
// - The transition matrix from day a to day b (a < b): customers known at b,
//   by their stage at a (or "not yet a customer" when unknown at a) and at b.
//
// One pass over each customer's rows serves every day asked for (the
// snapshots, both days of the transition): the rules are compiled once into
// tests over a customer's field values.

import { EngineError, type Column, type DataTable, type Progress } from '../data/table';
import { requireColumn } from '../prepare/common';
import { DAY_MS } from '../units';
import { isoDay, type TransactionLog } from './transactions';

/** The per-customer summary fields every rule can test, in this order. */
export const SUMMARY_FIELDS = [
  'first_purchase',
  'last_purchase',
  'purchases',
  'spend',
  'tenure_days',
  'recency_days',
  'in_force',
] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];
const F = Object.fromEntries(SUMMARY_FIELDS.map((f, i) => [f, i])) as Record<SummaryField, number>;

/** The default stages, known by key so that their names can be translated. */
export const STAGE_KEYS = ['prospect', 'new', 'loyal', 'at-risk', 'churned'] as const;
export type StageKey = (typeof STAGE_KEYS)[number];

export const NUMERIC_OPS = ['<', '<=', '>', '>=', '=', '!='] as const;
export type NumericOp = (typeof NUMERIC_OPS)[number];
export type ConditionOp = NumericOp | 'in' | 'not-in' | 'missing' | 'present';

export interface Condition {
  /** A summary field or a column of the table. */
  field: string;
  op: ConditionOp;
  /** The number of a numeric comparison. */
  value?: number;
  /** The values of 'in' / 'not-in' (numbers as written, e.g. '1'). */
  values?: string[];
}

export interface StageRule {
  name: string;
  /** The default stage this rule is (its name translated while unchanged), or null. */
  key: StageKey | null;
  match: 'all' | 'any';
  conditions: Condition[];
}

/** Which columns of a customer / policy table make the summary. */
export interface TableColumns {
  id: string;
  /** 'purchases': first and last purchase dates; 'policy': start and end (missing while in force). */
  dates: 'purchases' | 'policy';
  first: string;
  last: string | null;
  purchases: string | null;
  spend: string | null;
}

/** The day an analysis looks at, and (from a log) the earlier day of the transition matrix. */
export interface StagesOptions {
  asOfDay: number;
  /** The transition's first day; null: six calendar months before the as-of day. */
  fromDay: number | null;
}

/** Stage index of a customer no rule matches; of one not yet known. */
export const UNMATCHED = -1;
const UNKNOWN = -2;

export interface StageSnapshots {
  /** 'yyyy-mm' of each month. */
  labels: string[];
  /** Each snapshot's day (the month's last day, the last one the as-of day). */
  days: Int32Array;
  /** snapshots × (stages + 1), row-major; the last column counts the unmatched. */
  counts: Int32Array;
  /** Per snapshot (the first: 0 / NaN): the churn base, churned and rate; the win-back base, won back and rate. Null without a churned stage. */
  churn: {
    base: Int32Array;
    churned: Int32Array;
    rate: Float64Array;
    winBackBase: Int32Array;
    wonBack: Int32Array;
    winBackRate: Float64Array;
  } | null;
}

export interface StageTransition {
  fromDay: number;
  toDay: number;
  /**
   * (stages + 2) × (stages + 1), row-major: rows are the stages at fromDay,
   * the unmatched, and "not yet a customer"; columns the stages at toDay and
   * the unmatched.
   */
  counts: Int32Array;
}

export interface PerCustomerStages {
  /** Index into the log's customers (or the table's rows). */
  index: Int32Array;
  /** Stage index (UNMATCHED: none). */
  stage: Int32Array;
  /** The summary, one array per field of SUMMARY_FIELDS (NaN: missing). */
  fields: Float64Array[];
}

export interface StagesResult {
  mode: 'log' | 'table';
  asOfDay: number;
  stages: { name: string; key: StageKey | null }[];
  /** Customers per stage, the last entry the unmatched. */
  counts: Int32Array;
  /** Spend per stage, as counts. */
  revenue: Float64Array;
  hasRevenue: boolean;
  /** Customers with a stage or unmatched at the as-of day. */
  customers: number;
  /** Log: customers whose first row comes after the as-of day. Table: rows without an id. */
  excluded: number;
  snapshots: StageSnapshots | null;
  transition: StageTransition | null;
  perCustomer: PerCustomerStages;
}

/** The most monthly snapshots (fifty years). */
export const MAX_SNAPSHOTS = 600;

type Test = (f: Float64Array, row: number) => boolean;

/** The column tests of a rule need, or null for a summary field. */
function fieldTest(
  condition: Condition,
  table: DataTable | null,
  rule: string,
): { field: number; column: Column | null } {
  const summary = (SUMMARY_FIELDS as readonly string[]).indexOf(condition.field);
  if (summary >= 0) return { field: summary, column: null };
  const column = table?.columns.find((c) => c.name === condition.field);
  if (!column) throw new EngineError('stages.unknown-field', { field: condition.field, rule });
  return { field: -1, column };
}

function compileCondition(condition: Condition, table: DataTable | null, rule: string): Test {
  const { field, column } = fieldTest(condition, table, rule);
  const { op } = condition;
  // The value of the tested field, NaN when missing; for a text column its code (−1 missing).
  const numeric: ((f: Float64Array, row: number) => number) | null =
    column === null
      ? (f) => f[field]
      : column.kind === 'number'
        ? (_, row) => column.values[row]
        : null;
  if (op === 'missing' || op === 'present') {
    const missing = numeric
      ? (f: Float64Array, row: number) => Number.isNaN(numeric(f, row))
      : (_: Float64Array, row: number) => (column as { codes: Int32Array }).codes[row] < 0;
    return op === 'missing' ? missing : (f, row) => !missing(f, row);
  }
  if (op === 'in' || op === 'not-in') {
    const values = new Set((condition.values ?? []).map((v) => v.trim()));
    const inSet: (f: Float64Array, row: number) => boolean | null =
      column && column.kind === 'string'
        ? (() => {
            const member = column.dictionary.map((d) => values.has(d));
            return (_, row) => {
              const c = column.codes[row];
              return c < 0 ? null : member[c];
            };
          })()
        : (f, row) => {
            const v = numeric!(f, row);
            return v !== v ? null : values.has(String(v));
          };
    return op === 'in' ? (f, row) => inSet(f, row) === true : (f, row) => inSet(f, row) === false;
  }
  const value = condition.value;
  if (numeric === null || typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EngineError('stages.bad-condition', { field: condition.field, op, rule });
  }
  switch (op) {
    case '<':
      return (f, row) => numeric(f, row) < value;
    case '<=':
      return (f, row) => numeric(f, row) <= value;
    case '>':
      return (f, row) => numeric(f, row) > value;
    case '>=':
      return (f, row) => numeric(f, row) >= value;
    case '=':
      return (f, row) => numeric(f, row) === value;
    case '!=': {
      // A missing value passes only 'missing'.
      return (f, row) => {
        const v = numeric(f, row);
        return v === v && v !== value;
      };
    }
  }
}

/** The rules as one function: a customer's fields (and table row) → stage index. */
export function compileRules(
  rules: readonly StageRule[],
  table: DataTable | null,
): (f: Float64Array, row: number) => number {
  if (rules.length === 0) throw new EngineError('stages.no-rules');
  const seen = new Set<string>();
  for (const r of rules) {
    const name = r.name.trim();
    if (name === '' || seen.has(name)) throw new EngineError('stages.bad-name', { name });
    seen.add(name);
  }
  const compiled = rules.map((r) => {
    const tests = r.conditions.map((c) => compileCondition(c, table, r.name));
    if (tests.length === 0) return () => true;
    return r.match === 'any'
      ? (f: Float64Array, row: number) => tests.some((t) => t(f, row))
      : (f: Float64Array, row: number) => tests.every((t) => t(f, row));
  });
  return (f, row) => {
    for (let k = 0; k < compiled.length; k++) if (compiled[k](f, row)) return k;
    return UNMATCHED;
  };
}

/** The last day of each calendar month from `from`'s to `to`'s, the last one `to` itself. */
export function monthEnds(from: number, to: number): { days: Int32Array; labels: string[] } {
  const start = new Date(from * DAY_MS);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth();
  const days: number[] = [];
  const labels: string[] = [];
  for (;;) {
    const end = Date.UTC(y, m + 1, 1) / DAY_MS - 1;
    labels.push(`${y}-${String(m + 1).padStart(2, '0')}`);
    days.push(Math.min(end, to));
    if (end >= to) break;
    if (days.length >= MAX_SNAPSHOTS) {
      throw new EngineError('stages.too-many-months', { max: MAX_SNAPSHOTS });
    }
    if (++m === 12) {
      m = 0;
      y++;
    }
  }
  return { days: Int32Array.from(days), labels };
}

/** Six calendar months before `day` (the same day of the month, or the month's last). */
export function sixMonthsBefore(day: number): number {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() - 6;
  const last = Date.UTC(y, m + 1, 0) / DAY_MS;
  return Math.min(Date.UTC(y, m, d.getUTCDate()) / DAY_MS, last);
}

function checkAsOf(asOfDay: number, firstDay: number): void {
  if (asOfDay < firstDay) {
    throw new EngineError('lifecycle.as-of-before-data', {
      asOf: isoDay(asOfDay),
      first: isoDay(firstDay),
    });
  }
}

function perCustomerArrays(n: number): PerCustomerStages {
  return {
    index: new Int32Array(n),
    stage: new Int32Array(n),
    fields: SUMMARY_FIELDS.map(() => new Float64Array(n)),
  };
}

/** Block of customers between progress reports. */
const BLOCK = 1 << 13;

/** Stages of a transaction log's customers (see the header). */
export async function stagesOfLog(
  log: TransactionLog,
  rules: readonly StageRule[],
  options: StagesOptions,
  progress: Progress,
): Promise<StagesResult> {
  const { asOfDay } = options;
  checkAsOf(asOfDay, log.firstDay);
  const stageOf = compileRules(rules, null);
  const K = rules.length;
  const m = log.customers.length;
  const { offsets, day, amount, purchase, transaction } = log;

  // The transition's first day: given, or six months back (midway when the log is shorter).
  let fromDay = options.fromDay ?? sixMonthsBefore(asOfDay);
  if (options.fromDay === null && fromDay < log.firstDay) {
    fromDay = log.firstDay + Math.floor((asOfDay - log.firstDay) / 2);
  }
  if (fromDay >= asOfDay) {
    throw new EngineError('stages.from-not-before', {
      from: isoDay(fromDay),
      asOf: isoDay(asOfDay),
    });
  }
  if (fromDay < log.firstDay) {
    throw new EngineError('stages.from-before-data', {
      from: isoDay(fromDay),
      first: isoDay(log.firstDay),
    });
  }

  // Every day asked for, ascending: the snapshots and the transition's first day.
  const months = monthEnds(log.firstDay, asOfDay);
  const S = months.days.length;
  const evalDays = Array.from(new Set([...months.days, fromDay])).sort((a, b) => a - b);
  const snapshotAt = evalDays.map((d) => months.days.indexOf(d));
  const fromAt = evalDays.indexOf(fromDay);
  const E = evalDays.length;

  const churned = rules.map((r) => r.key === 'churned');
  const hasChurn = churned.some(Boolean);
  const isChurned = (k: number) => k >= 0 && churned[k];
  const W = K + 1;
  const counts = new Int32Array(S * W);
  const churnBase = new Int32Array(S);
  const churnCount = new Int32Array(S);
  const winBase = new Int32Array(S);
  const wonBack = new Int32Array(S);
  const transition = new Int32Array((K + 2) * W);
  const stageCounts = new Int32Array(W);
  const revenue = new Float64Array(W);

  let known = 0;
  for (let c = 0; c < m; c++) if (day[offsets[c]] <= asOfDay) known++;
  if (known === 1) throw new EngineError('stages.one-customer');
  const per = perCustomerArrays(known);
  const f = new Float64Array(SUMMARY_FIELDS.length);
  const col = (k: number) => (k === UNMATCHED ? K : k);
  let at = 0;
  for (let c = 0; c < m; c++) {
    if ((c & (BLOCK - 1)) === 0) await progress.report(c, m);
    let r = offsets[c];
    const end = offsets[c + 1];
    if (day[r] > asOfDay) continue;
    let first = NaN;
    let last = NaN;
    let tx = 0;
    let spend = 0;
    let seen = false;
    let previous = UNKNOWN;
    let atFrom = UNKNOWN;
    let stage = UNKNOWN;
    for (let e = 0; e < E; e++) {
      const t = evalDays[e];
      for (; r < end && day[r] <= t; r++) {
        seen = true;
        spend += amount[r];
        if (!purchase[r]) continue;
        if (first !== first) first = day[r];
        last = day[r];
        // Transaction numbers come in order of first appearance (./transactions.ts).
        if (transaction[r] + 1 > tx) tx = transaction[r] + 1;
      }
      if (!seen) continue;
      f[F.first_purchase] = first;
      f[F.last_purchase] = last;
      f[F.purchases] = tx;
      f[F.spend] = log.hasAmount ? spend : NaN;
      f[F.tenure_days] = t - first;
      f[F.recency_days] = t - last;
      f[F.in_force] = NaN;
      stage = stageOf(f, -1);
      if (e === fromAt) atFrom = stage;
      const s = snapshotAt[e];
      if (s < 0) continue;
      counts[s * W + col(stage)]++;
      if (hasChurn && s > 0 && previous !== UNKNOWN) {
        if (isChurned(previous)) {
          winBase[s]++;
          if (!isChurned(stage)) wonBack[s]++;
        } else {
          churnBase[s]++;
          if (isChurned(stage)) churnCount[s]++;
        }
      }
      previous = stage;
    }
    // The last day is the as-of day: `stage` and `f` are the customer's standing on it.
    const fromRow = atFrom === UNKNOWN ? K + 1 : col(atFrom);
    transition[fromRow * W + col(stage)]++;
    stageCounts[col(stage)]++;
    if (log.hasAmount) revenue[col(stage)] += spend;
    per.index[at] = c;
    per.stage[at] = stage;
    for (let j = 0; j < f.length; j++) per.fields[j][at] = f[j];
    at++;
  }
  await progress.report(m, m);
  const rate = (a: Int32Array, b: Int32Array) =>
    Float64Array.from(a, (x, s) => (b[s] > 0 ? x / b[s] : NaN));
  return {
    mode: 'log',
    asOfDay,
    stages: rules.map((r) => ({ name: r.name.trim(), key: r.key })),
    counts: stageCounts,
    revenue,
    hasRevenue: log.hasAmount,
    customers: known,
    excluded: m - known,
    snapshots: {
      labels: months.labels,
      days: months.days,
      counts,
      churn: hasChurn
        ? {
            base: churnBase,
            churned: churnCount,
            rate: rate(churnCount, churnBase),
            winBackBase: winBase,
            wonBack,
            winBackRate: rate(wonBack, winBase),
          }
        : null,
    },
    transition: { fromDay, toDay: asOfDay, counts: transition },
    perCustomer: per,
  };
}

const DATE_TYPES = ['date', 'datetime'];
const NUMBER_TYPES = ['integer', 'decimal'];

function dateDays(table: DataTable, name: string): Float64Array {
  const column = requireColumn(table, name);
  if (column.kind !== 'number' || !DATE_TYPES.includes(column.type)) {
    throw new EngineError('lifecycle.date-not-date', { column: column.name, type: column.type });
  }
  return Float64Array.from(column.values, (v) => Math.floor(v / DAY_MS));
}

function numbers(table: DataTable, name: string | null): Float64Array | null {
  if (name === null) return null;
  const column = requireColumn(table, name);
  if (column.kind !== 'number' || !NUMBER_TYPES.includes(column.type)) {
    throw new EngineError('stages.not-numeric', { column: column.name, type: column.type });
  }
  return column.values;
}

function idMissing(column: Column, i: number): boolean {
  return column.kind === 'string' ? column.codes[i] < 0 : Number.isNaN(column.values[i]);
}

/**
 * A table's default as-of day: the day after its latest first or last date,
 * so that the result depends on the data alone, not on today.
 */
export function tableAsOfDay(table: DataTable, columns: TableColumns): number {
  let last = -Infinity;
  for (const name of [columns.first, columns.last]) {
    if (name === null) continue;
    const days = dateDays(table, name);
    for (let i = 0; i < days.length; i++) if (days[i] > last) last = days[i];
  }
  if (!Number.isFinite(last)) throw new EngineError('stages.no-dates', { column: columns.first });
  return last + 1;
}

/** Stages of a customer or policy table's rows at the as-of day (see the header). */
export async function stagesOfTable(
  table: DataTable,
  columns: TableColumns,
  rules: readonly StageRule[],
  asOfDay: number,
  progress: Progress,
): Promise<StagesResult> {
  const idColumn = requireColumn(table, columns.id);
  const first = dateDays(table, columns.first);
  const last = columns.last === null ? null : dateDays(table, columns.last);
  const purchases = numbers(table, columns.purchases);
  const spendOf = numbers(table, columns.spend);
  let firstDay = Infinity;
  for (let i = 0; i < first.length; i++) if (first[i] < firstDay) firstDay = first[i];
  if (!Number.isFinite(firstDay)) {
    throw new EngineError('stages.no-dates', { column: columns.first });
  }
  checkAsOf(asOfDay, firstDay);
  const stageOf = compileRules(rules, table);
  const K = rules.length;
  const n = table.rowCount;
  let kept = 0;
  for (let i = 0; i < n; i++) if (!idMissing(idColumn, i)) kept++;
  if (kept === 1) throw new EngineError('stages.one-customer');
  const per = perCustomerArrays(kept);
  const counts = new Int32Array(K + 1);
  const revenue = new Float64Array(K + 1);
  const f = new Float64Array(SUMMARY_FIELDS.length);
  const policy = columns.dates === 'policy';
  let at = 0;
  for (let i = 0; i < n; i++) {
    if ((i & (BLOCK - 1)) === 0) await progress.report(i, n);
    if (idMissing(idColumn, i)) continue;
    // A date after the as-of day has not happened yet.
    const s = first[i] <= asOfDay ? first[i] : NaN;
    const e = last && last[i] <= asOfDay ? last[i] : NaN;
    f[F.first_purchase] = s;
    f[F.purchases] = purchases ? purchases[i] : NaN;
    f[F.spend] = spendOf ? spendOf[i] : NaN;
    if (policy) {
      const inForce = s !== s ? NaN : e !== e ? 1 : 0;
      f[F.last_purchase] = e;
      f[F.in_force] = inForce;
      f[F.tenure_days] = inForce === 1 ? asOfDay - s : e - s;
      f[F.recency_days] = inForce === 1 ? 0 : asOfDay - e;
    } else {
      f[F.last_purchase] = e;
      f[F.in_force] = NaN;
      f[F.tenure_days] = asOfDay - s;
      f[F.recency_days] = asOfDay - e;
    }
    const stage = stageOf(f, i);
    const k = stage === UNMATCHED ? K : stage;
    counts[k]++;
    if (spendOf && spendOf[i] === spendOf[i]) revenue[k] += spendOf[i];
    per.index[at] = i;
    per.stage[at] = stage;
    for (let j = 0; j < f.length; j++) per.fields[j][at] = f[j];
    at++;
  }
  await progress.report(n, n);
  return {
    mode: 'table',
    asOfDay,
    stages: rules.map((r) => ({ name: r.name.trim(), key: r.key })),
    counts,
    revenue,
    hasRevenue: spendOf !== null,
    customers: kept,
    excluded: n - kept,
    snapshots: null,
    transition: null,
    perCustomer: per,
  };
}

/** The default rules, in English (the page shows a default stage's name translated while unchanged). */
export const DEFAULT_NAMES: Readonly<Record<StageKey, string>> = {
  prospect: 'Prospect',
  new: 'New',
  loyal: 'Loyal',
  'at-risk': 'At risk',
  churned: 'Churned',
};

/**
 * The default rules: prospects have no purchase yet; churned customers have
 * not bought for over a year (a policy: no longer in force); at risk, not for
 * over half a year (a policy table: a late payment or complaint column, when
 * it has one); new ones first bought within 90 days or once only; the rest
 * are loyal (repeat buyers, active within half a year).
 */
export function defaultRules(
  source: 'log' | 'purchases' | 'policy',
  riskColumns: readonly string[] = [],
): StageRule[] {
  const rule = (key: StageKey, conditions: Condition[], match: 'all' | 'any' = 'all') => ({
    name: DEFAULT_NAMES[key],
    key,
    match,
    conditions,
  });
  const prospect = rule('prospect', [{ field: 'first_purchase', op: 'missing' }]);
  const loyal = rule('loyal', []);
  if (source === 'policy') {
    const rules: StageRule[] = [
      prospect,
      rule('churned', [{ field: 'in_force', op: '=', value: 0 }]),
    ];
    if (riskColumns.length > 0) {
      rules.push(
        rule(
          'at-risk',
          riskColumns.map((field) => ({ field, op: '>=', value: 1 })),
          'any',
        ),
      );
    }
    rules.push(rule('new', [{ field: 'tenure_days', op: '<=', value: 90 }]), loyal);
    return rules;
  }
  return [
    prospect,
    rule('churned', [{ field: 'recency_days', op: '>', value: 365 }]),
    rule('at-risk', [{ field: 'recency_days', op: '>', value: 180 }]),
    rule(
      'new',
      [
        { field: 'tenure_days', op: '<=', value: 90 },
        { field: 'purchases', op: '<', value: 2 },
      ],
      'any',
    ),
    loyal,
  ];
}

/** Column names of the per-customer dataset of a log (the customer column keeps its name). */
export const STAGE_COLUMN = 'stage';

/** Stage names as a categorical column's codes and dictionary (UNMATCHED: missing). */
function stageColumn(result: StagesResult, name: string, rows: number, rowOf: Int32Array | null) {
  const codes = new Int32Array(rows).fill(-1);
  const { stage } = result.perCustomer;
  for (let i = 0; i < stage.length; i++) codes[rowOf ? rowOf[i] : i] = stage[i];
  return {
    kind: 'string' as const,
    name,
    type: 'categorical' as const,
    codes,
    dictionary: result.stages.map((s) => s.name),
  };
}

/**
 * A log's per-customer dataset: the customer (an identifier, so it joins to
 * a customer table), the stage (categorical, a group in other cells) and the
 * summary at the as-of day (dates as dates; in_force left out).
 */
export function stagesTable(
  result: StagesResult,
  labels: readonly string[],
  idName: string,
): DataTable {
  const per = result.perCustomer;
  const n = per.index.length;
  const dictionary = Array.from(per.index, (c) => labels[c]);
  const field = (name: SummaryField) => per.fields[F[name]];
  const asDate = (values: Float64Array) => Float64Array.from(values, (d) => d * DAY_MS);
  const columns: Column[] = [
    {
      kind: 'string',
      name: idName,
      type: 'identifier',
      codes: Int32Array.from({ length: n }, (_, i) => i),
      dictionary,
    },
    stageColumn(result, STAGE_COLUMN, n, null),
    {
      kind: 'number',
      name: 'first_purchase',
      type: 'date',
      values: asDate(field('first_purchase')),
    },
    { kind: 'number', name: 'last_purchase', type: 'date', values: asDate(field('last_purchase')) },
    { kind: 'number', name: 'purchases', type: 'integer', values: field('purchases').slice() },
  ];
  if (result.hasRevenue) {
    columns.push({
      kind: 'number',
      name: 'spend',
      type: 'decimal',
      values: field('spend').slice(),
    });
  }
  columns.push(
    { kind: 'number', name: 'tenure_days', type: 'integer', values: field('tenure_days').slice() },
    {
      kind: 'number',
      name: 'recency_days',
      type: 'integer',
      values: field('recency_days').slice(),
    },
  );
  return { rowCount: n, columns };
}

/** A table with its rows' stages as one more column, `name` (missing for rows left out). */
export function withStageColumn(table: DataTable, result: StagesResult, name: string): DataTable {
  return {
    rowCount: table.rowCount,
    columns: [
      ...table.columns,
      stageColumn(result, name, table.rowCount, result.perCustomer.index),
    ],
  };
}
