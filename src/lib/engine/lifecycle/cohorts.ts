// Cohort retention: customers grouped by the calendar period (ISO week,
// month, quarter) of their first purchase — or policies by the period of
// their start date — and, for each cohort and each period since its start,
// how many were retained, the cohort's revenue, and whether that period is
// complete at the as-of date. Pure; runs in the compute worker and in Node
// tests (the pandas reference is tests/fixtures/lifecycle/make-cohorts.py).
//
// The definitions, stated the same way in docs/segments.md "## Cohorts" and
// in the reference script:
// - days are UTC days; rows after the as-of day are ignored (a row on it
//   counts). Activity is a purchase (a return is never one, ./transactions.ts).
// - A customer's cohort is the calendar period of their first purchase on or
//   before the as-of day; a customer with none is not yet one (counted).
// - Period k of a row: 'calendar' — the k-th calendar period after the
//   cohort's (a customer who starts on the 31st is in period 1 the next day);
//   'relative' — floor((day − first purchase day) / L) with L = 7, 30.4375
//   or 91.3125 days (../units.ts). Rows before the first purchase (a return)
//   have k < 0 and count nowhere.
// - Retained in period k: 'n-period' — a purchase in period k; 'unbounded' —
//   a purchase in period k or any later one up to the as-of day (monotone
//   non-increasing in k by construction); 'bracket' — a purchase anywhere in
//   the bracket's periods (from–to, inclusive).
// - A policy (one row of a policy table, with a start and an end date, the
//   end missing while in force) is retained in period k when it is in force
//   at the end of period k: no end, or an end after the as-of day (censored),
//   or an end after period k's last day.
// - A (cohort, k) cell is complete when period k has ended on or before the
//   as-of day for every member (calendar: the cohort's k-th period's last
//   day ≤ as-of; relative: latest first day + ceil((k + 1)·L) − 1 ≤ as-of);
//   'partial' when it has begun for some member but is not complete; 'future'
//   when it has begun for none. An incomplete cell is never a drop.
// - The size-weighted average row at k: Σ retained ÷ Σ size over the cohorts
//   whose cell k is complete (none: NaN). Revenue retention at k: the
//   cohort's revenue in period k ÷ its revenue in period 0 (net of the
//   returns the log kept); its average row: Σ revenue k ÷ Σ revenue 0 over
//   the cohorts whose k is complete. Cumulative revenue per customer at k:
//   the cohort's revenue in periods 0…k ÷ its size.
//
// Written for millions of rows: typed arrays, a short scan for each
// customer's first purchase then one pass over the rows, the period of a day
// from a lookup table, progress between blocks of customers.

import { EngineError, type Column, type DataTable, type Progress } from '../data/table';
import { requireColumn } from '../prepare/common';
import { DAY_MS, DAYS_PER_MONTH, DAYS_PER_WEEK } from '../units';
import { isoDay, type TransactionLog } from './transactions';

export type CohortPeriod = 'week' | 'month' | 'quarter';
export type PeriodCounting = 'calendar' | 'relative';
export type RetentionKind = 'n-period' | 'unbounded' | 'bracket';

/** Periods `from` … `to` (inclusive) since the cohort's start. */
export interface Bracket {
  from: number;
  to: number;
}

export interface CohortOptions {
  period: CohortPeriod;
  counting: PeriodCounting;
  kind: RetentionKind;
  /** The brackets of kind 'bracket', in order and not overlapping. */
  brackets: readonly Bracket[];
  asOfDay: number;
}

/** A cell's state at the as-of day (see the header). */
export const FUTURE = 0;
export const PARTIAL = 1;
export const COMPLETE = 2;

/** Average period lengths for relative counting (../units.ts's convention). */
export const PERIOD_DAYS: Readonly<Record<CohortPeriod, number>> = {
  week: DAYS_PER_WEEK,
  month: DAYS_PER_MONTH,
  quarter: 3 * DAYS_PER_MONTH,
};

/** The most cohorts or periods a grid may have (a weekly grid over ten years). */
export const MAX_PERIODS = 530;

export interface CohortRetention {
  mode: 'log' | 'policy';
  period: CohortPeriod;
  counting: PeriodCounting;
  kind: RetentionKind;
  asOfDay: number;
  /** Cohort labels ('1997-01', '1997-W02', '1997-Q1'), oldest first; only cohorts with members. */
  cohorts: string[];
  /** Each cohort's first day (UTC days). */
  cohortStart: Int32Array;
  size: Int32Array;
  /** Periods 0 … periods − 1 of the revenue grid. */
  periods: number;
  /** Retention columns: periods 0 … periods − 1, or the brackets. */
  columns: Bracket[];
  /** cohorts × columns, row-major: retained members. */
  retained: Int32Array;
  /** cohorts × columns: FUTURE, PARTIAL or COMPLETE. */
  state: Uint8Array;
  /** Per column: the size-weighted average retention over complete cells (NaN: none). */
  average: Float64Array;
  hasRevenue: boolean;
  /** cohorts × periods: revenue in the period (net of kept returns). */
  revenue: Float64Array;
  /** cohorts × periods: the state of each period (as `state` when columns are periods). */
  periodState: Uint8Array;
  /** Per period: Σ revenue k ÷ Σ revenue 0 over complete cells. */
  averageRevenue: Float64Array;
  /** Members (customers or policies) in the grid. */
  members: number;
  /** Customers without a purchase by the as-of day, policies starting after it or without a start. */
  excluded: number;
  /** Per member, in the log's (or table's) order. */
  perMember: MemberCohorts;
}

export interface MemberCohorts {
  /** Index into the log's customers (or the policy table's rows). */
  index: Int32Array;
  /** Index into `cohorts`. */
  cohort: Int32Array;
  /** First purchase (start) day. */
  first: Int32Array;
  /** Periods with a purchase (policies: periods in force at their end). */
  periodsActive: Int32Array;
  /** The last period with a purchase (policies: the last in force at its end; −1: none). */
  lastPeriod: Int32Array;
  /** Revenue from the first purchase to the as-of day (0 without amounts). */
  revenue: Float64Array;
}

/** Calendar periods as integers (0 = the period holding 1970-01-01), their starts and labels. */
export interface PeriodCalendar {
  /** The period holding `day`, for days in the calendar's range. */
  of(day: number): number;
  start(index: number): number;
  label(index: number): string;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function monthIndex(day: number): number {
  const d = new Date(day * DAY_MS);
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
}

function monthStart(index: number): number {
  return Date.UTC(1970, index, 1) / DAY_MS;
}

/**
 * The calendar of `period` for days from … to. Weeks are ISO weeks, Monday
 * to Sunday (1970-01-01 was a Thursday: the week holding it began on day −3).
 * Months and quarters read a lookup table of the days in range, so the hot
 * loop makes no Date.
 */
export function periodCalendar(period: CohortPeriod, from: number, to: number): PeriodCalendar {
  if (period === 'week') {
    return {
      of: (day) => Math.floor((day + 3) / 7),
      start: (index) => index * 7 - 3,
      label(index) {
        // The ISO year is the year of the week's Thursday.
        const thursday = index * 7;
        const year = new Date(thursday * DAY_MS).getUTCFullYear();
        const week = Math.floor((thursday - Date.UTC(year, 0, 1) / DAY_MS) / 7) + 1;
        return `${year}-W${pad2(week)}`;
      },
    };
  }
  const per = period === 'month' ? 1 : 3;
  const table = new Int32Array(Math.max(0, to - from + 1));
  let index = Math.floor(monthIndex(from) / per);
  let next = monthStart((index + 1) * per);
  for (let d = from; d <= to; d++) {
    while (d >= next) next = monthStart((++index + 1) * per);
    table[d - from] = index;
  }
  return {
    of: (day) => table[day - from],
    start: (i) => monthStart(i * per),
    label(i) {
      const m = i * per;
      const year = 1970 + Math.floor(m / 12);
      const month = m - (year - 1970) * 12;
      return per === 1 ? `${year}-${pad2(month + 1)}` : `${year}-Q${month / 3 + 1}`;
    },
  };
}

/** Members of a grid before the cells are counted: each one's cohort slot and first day. */
interface Grid {
  calendar: PeriodCalendar;
  /** The period of the oldest cohort. */
  minPeriod: number;
  slots: number;
  periods: number;
  /** Per slot: earliest and latest first day of its members. */
  minFirst: Int32Array;
  maxFirst: Int32Array;
  size: Int32Array;
}

function checkAsOf(asOfDay: number, firstDay: number): void {
  if (asOfDay < firstDay) {
    throw new EngineError('lifecycle.as-of-before-data', {
      asOf: isoDay(asOfDay),
      first: isoDay(firstDay),
    });
  }
}

/** The grid of the members' first days (−1: not a member). */
function gridOf(first: Int32Array, options: CohortOptions, lowDay: number): Grid {
  const { asOfDay, period, counting } = options;
  const calendar = periodCalendar(period, lowDay, asOfDay);
  let minDay = Infinity;
  let members = 0;
  for (let i = 0; i < first.length; i++) {
    if (first[i] === NO_DAY) continue;
    members++;
    if (first[i] < minDay) minDay = first[i];
  }
  if (members === 0) throw new EngineError('cohorts.no-members', { asOf: isoDay(asOfDay) });
  if (members === 1) throw new EngineError('cohorts.one-member');
  const minPeriod = calendar.of(minDay);
  const slots = calendar.of(asOfDay) - minPeriod + 1;
  const periods =
    counting === 'calendar' ? slots : Math.floor((asOfDay - minDay) / PERIOD_DAYS[period]) + 1;
  if (slots > MAX_PERIODS || periods > MAX_PERIODS) {
    throw new EngineError('cohorts.too-many-periods', {
      periods: Math.max(slots, periods),
      max: MAX_PERIODS,
    });
  }
  const minFirst = new Int32Array(slots).fill(2 ** 31 - 1);
  const maxFirst = new Int32Array(slots).fill(-(2 ** 31));
  const size = new Int32Array(slots);
  for (let i = 0; i < first.length; i++) {
    const f = first[i];
    if (f === NO_DAY) continue;
    const s = calendar.of(f) - minPeriod;
    size[s]++;
    if (f < minFirst[s]) minFirst[s] = f;
    if (f > maxFirst[s]) maxFirst[s] = f;
  }
  return { calendar, minPeriod, slots, periods, minFirst, maxFirst, size };
}

/** Marks a day that is not a member's first day. */
const NO_DAY = -(2 ** 31);

/** The state of period k of slot s (see the header). */
function stateOf(grid: Grid, options: CohortOptions, s: number, k: number): number {
  const { asOfDay, counting, period } = options;
  if (counting === 'calendar') {
    const p = grid.minPeriod + s + k;
    if (grid.calendar.start(p) > asOfDay) return FUTURE;
    return grid.calendar.start(p + 1) - 1 <= asOfDay ? COMPLETE : PARTIAL;
  }
  const L = PERIOD_DAYS[period];
  if (grid.minFirst[s] + Math.ceil(k * L) > asOfDay) return FUTURE;
  return grid.maxFirst[s] + Math.ceil((k + 1) * L) - 1 <= asOfDay ? COMPLETE : PARTIAL;
}

function checkBrackets(brackets: readonly Bracket[]): void {
  let last = -1;
  for (const b of brackets) {
    if (!Number.isInteger(b.from) || !Number.isInteger(b.to) || b.from <= last || b.to < b.from) {
      throw new EngineError('cohorts.bad-brackets', {
        brackets: brackets.map((x) => (x.from === x.to ? x.from : `${x.from}–${x.to}`)).join(' | '),
      });
    }
    last = b.to;
  }
  if (brackets.length === 0) throw new EngineError('cohorts.bad-brackets', { brackets: '' });
}

/** Block of members between progress reports. */
const BLOCK = 1 << 14;

/**
 * Cohort retention of a transaction log (see the header). One short scan
 * per customer for the first purchase, then one pass over the rows.
 */
export async function cohortRetention(
  log: TransactionLog,
  options: CohortOptions,
  progress: Progress,
): Promise<CohortRetention> {
  const { asOfDay, counting, period, kind } = options;
  checkAsOf(asOfDay, log.firstDay);
  if (kind === 'bracket') checkBrackets(options.brackets);
  const m = log.customers.length;
  const { offsets, day, amount, purchase } = log;

  const first = new Int32Array(m).fill(NO_DAY);
  for (let c = 0; c < m; c++) {
    for (let r = offsets[c]; r < offsets[c + 1]; r++) {
      if (day[r] > asOfDay) break; // rows are in day order
      if (purchase[r]) {
        first[c] = day[r];
        break;
      }
    }
  }
  const grid = gridOf(first, options, log.firstDay);
  const { calendar, minPeriod, slots, periods: K } = grid;
  const L = PERIOD_DAYS[period];
  const brackets = kind === 'bracket' ? options.brackets : null;
  const columns = brackets ? [...brackets] : periodColumns(K);
  const B = columns.length;
  // The bracket of each period (−1: in none).
  const bracketOf = new Int32Array(K).fill(-1);
  if (brackets) {
    brackets.forEach((b, j) => {
      for (let k = b.from; k <= Math.min(b.to, K - 1); k++) bracketOf[k] = j;
    });
  }

  const active = new Int32Array(slots * K);
  const lastCount = new Int32Array(slots * K);
  const bracketCount = new Int32Array(brackets ? slots * B : 0);
  const revenue = new Float64Array(slots * K);
  const members = grid.size.reduce((a, b) => a + b, 0);
  const per = memberArrays(members);
  let at = 0;
  for (let c = 0; c < m; c++) {
    if ((c & (BLOCK - 1)) === 0) await progress.report(c, m);
    const f = first[c];
    if (f === NO_DAY) continue;
    const p0 = calendar.of(f);
    const s = p0 - minPeriod;
    const row = s * K;
    let lastK = -1;
    let lastB = -1;
    let periodsActive = 0;
    let spend = 0;
    for (let r = offsets[c]; r < offsets[c + 1]; r++) {
      const d = day[r];
      if (d > asOfDay) break;
      const k = counting === 'calendar' ? calendar.of(d) - p0 : Math.floor((d - f) / L);
      if (k < 0) continue;
      revenue[row + k] += amount[r];
      spend += amount[r];
      if (!purchase[r] || k === lastK) continue;
      // Rows are in day order, so k never decreases: a new k is a new period.
      active[row + k]++;
      periodsActive++;
      lastK = k;
      if (brackets) {
        const b = bracketOf[k];
        if (b >= 0 && b !== lastB) {
          bracketCount[s * B + b]++;
          lastB = b;
        }
      }
    }
    lastCount[row + lastK]++;
    per.index[at] = c;
    per.cohort[at] = s;
    per.first[at] = f;
    per.periodsActive[at] = periodsActive;
    per.lastPeriod[at] = lastK;
    per.revenue[at] = spend;
    at++;
  }
  await progress.report(m, m);

  let retained: Int32Array;
  if (kind === 'n-period') retained = active;
  else if (kind === 'unbounded') retained = suffixSums(lastCount, slots, K);
  else retained = bracketCount;
  return finish(grid, options, {
    mode: 'log',
    columns,
    retained,
    revenue,
    hasRevenue: log.hasAmount,
    excluded: m - members,
    per,
  });
}

function periodColumns(K: number): Bracket[] {
  return Array.from({ length: K }, (_, k) => ({ from: k, to: k }));
}

function memberArrays(n: number): MemberCohorts {
  return {
    index: new Int32Array(n),
    cohort: new Int32Array(n),
    first: new Int32Array(n),
    periodsActive: new Int32Array(n),
    lastPeriod: new Int32Array(n),
    revenue: new Float64Array(n),
  };
}

/** Per slot row: counts at k become counts at k or later. */
function suffixSums(counts: Int32Array, slots: number, K: number): Int32Array {
  const out = new Int32Array(counts.length);
  for (let s = 0; s < slots; s++) {
    let sum = 0;
    for (let k = K - 1; k >= 0; k--) {
      sum += counts[s * K + k];
      out[s * K + k] = sum;
    }
  }
  return out;
}

/** States, averages, and the grid without its empty cohorts. */
function finish(
  grid: Grid,
  options: CohortOptions,
  counted: {
    mode: 'log' | 'policy';
    columns: Bracket[];
    retained: Int32Array;
    revenue: Float64Array;
    hasRevenue: boolean;
    excluded: number;
    per: MemberCohorts;
  },
): CohortRetention {
  const { slots, periods: K, size } = grid;
  const { columns, retained, revenue, per } = counted;
  const B = columns.length;
  const kept: number[] = [];
  const compact = new Int32Array(slots).fill(-1);
  for (let s = 0; s < slots; s++) {
    if (size[s] > 0) {
      compact[s] = kept.length;
      kept.push(s);
    }
  }
  const n = kept.length;
  const out = {
    size: new Int32Array(n),
    cohortStart: new Int32Array(n),
    retained: new Int32Array(n * B),
    state: new Uint8Array(n * B),
    revenue: new Float64Array(n * K),
    periodState: new Uint8Array(n * K),
  };
  const cohorts: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = kept[i];
    cohorts.push(grid.calendar.label(grid.minPeriod + s));
    out.size[i] = size[s];
    out.cohortStart[i] = grid.calendar.start(grid.minPeriod + s);
    for (let k = 0; k < K; k++) {
      out.periodState[i * K + k] = stateOf(grid, options, s, k);
      out.revenue[i * K + k] = revenue[s * K + k];
    }
    for (let j = 0; j < B; j++) {
      out.retained[i * B + j] = retained[s * B + j];
      // A bracket has begun with its first period and is complete with its last.
      const from = stateOf(grid, options, s, columns[j].from);
      const to = stateOf(grid, options, s, columns[j].to);
      out.state[i * B + j] = to === COMPLETE ? COMPLETE : from === FUTURE ? FUTURE : PARTIAL;
    }
  }
  const average = new Float64Array(B);
  for (let j = 0; j < B; j++) {
    let r = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (out.state[i * B + j] !== COMPLETE) continue;
      r += out.retained[i * B + j];
      total += out.size[i];
    }
    average[j] = total > 0 ? r / total : NaN;
  }
  const averageRevenue = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let r = 0;
    let base = 0;
    let any = false;
    for (let i = 0; i < n; i++) {
      if (out.periodState[i * K + k] !== COMPLETE) continue;
      any = true;
      r += out.revenue[i * K + k];
      base += out.revenue[i * K];
    }
    averageRevenue[k] = any && base !== 0 ? r / base : NaN;
  }
  for (let i = 0; i < per.cohort.length; i++) per.cohort[i] = compact[per.cohort[i]];
  return {
    mode: counted.mode,
    period: options.period,
    counting: options.counting,
    kind: options.kind,
    asOfDay: options.asOfDay,
    cohorts,
    cohortStart: out.cohortStart,
    size: out.size,
    periods: K,
    columns,
    retained: out.retained,
    state: out.state,
    average,
    hasRevenue: counted.hasRevenue,
    revenue: out.revenue,
    periodState: out.periodState,
    averageRevenue,
    members: per.cohort.length,
    excluded: counted.excluded,
    perMember: per,
  };
}

/** Which columns of a policy table make the in-force view. */
export interface PolicyColumns {
  /** Labels each row (a policy or its holder). */
  id: string;
  start: string;
  /** Missing while the policy is in force. */
  end: string;
}

const DATE_TYPES = ['date', 'datetime'];

function dateDays(table: DataTable, name: string): Float64Array {
  const column = requireColumn(table, name);
  if (column.kind !== 'number' || !DATE_TYPES.includes(column.type)) {
    throw new EngineError('lifecycle.date-not-date', { column: column.name, type: column.type });
  }
  return Float64Array.from(column.values, (v) => Math.floor(v / DAY_MS));
}

/**
 * In-force retention of a policy table by start cohort (see the header):
 * retained in period k = in force at the end of period k. A row without a
 * start, or starting after the as-of day, is left out (counted); an end
 * before its start is refused. Kind and brackets do not apply: each policy
 * is counted in every period up to its last in force.
 */
export async function policyRetention(
  table: DataTable,
  columns: PolicyColumns,
  options: CohortOptions,
  progress: Progress,
): Promise<{ retention: CohortRetention; ids: string[] }> {
  const { asOfDay, counting, period } = options;
  const idColumn = requireColumn(table, columns.id);
  const start = dateDays(table, columns.start);
  const end = dateDays(table, columns.end);
  const n = table.rowCount;
  let firstDay = Infinity;
  for (let i = 0; i < n; i++) {
    if (start[i] < firstDay) firstDay = start[i];
    if (end[i] < start[i]) {
      throw new EngineError('cohorts.end-before-start', {
        row: i + 1,
        start: isoDay(start[i]),
        end: isoDay(end[i]),
      });
    }
  }
  if (!Number.isFinite(firstDay)) {
    throw new EngineError('cohorts.no-members', { asOf: isoDay(asOfDay) });
  }
  checkAsOf(asOfDay, firstDay);
  const first = new Int32Array(n).fill(NO_DAY);
  for (let i = 0; i < n; i++) if (start[i] <= asOfDay) first[i] = start[i];
  const grid = gridOf(first, { ...options, kind: 'n-period' }, firstDay);
  const { calendar, minPeriod, slots, periods: K } = grid;
  const L = PERIOD_DAYS[period];
  const lastCount = new Int32Array(slots * K);
  const members = grid.size.reduce((a, b) => a + b, 0);
  const per = memberArrays(members);
  const ids: string[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    if ((i & (BLOCK - 1)) === 0) await progress.report(i, n);
    const f = first[i];
    if (f === NO_DAY) continue;
    const p0 = calendar.of(f);
    const s = p0 - minPeriod;
    // In force at the end of period k ⇔ k < the period of its end (an end
    // on a period's last day is not in force at its end); no end, or an end
    // after the as-of day, is in force in every period of the grid.
    const e = end[i];
    let last: number;
    if (e !== e || e > asOfDay) last = K - 1;
    else last = (counting === 'calendar' ? calendar.of(e) - p0 : Math.floor((e - f) / L)) - 1;
    last = Math.min(last, K - 1);
    if (last >= 0) lastCount[s * K + last]++;
    per.index[at] = i;
    per.cohort[at] = s;
    per.first[at] = f;
    per.periodsActive[at] = last + 1;
    per.lastPeriod[at] = last;
    at++;
    ids.push(labelOf(idColumn, i));
  }
  await progress.report(n, n);
  const retention = finish(
    grid,
    { ...options, kind: 'n-period' },
    {
      mode: 'policy',
      columns: periodColumns(K),
      retained: suffixSums(lastCount, slots, K),
      revenue: new Float64Array(slots * K),
      hasRevenue: false,
      excluded: n - members,
      per,
    },
  );
  return { retention, ids };
}

function labelOf(column: Column, i: number): string {
  if (column.kind === 'string')
    return column.codes[i] < 0 ? '' : column.dictionary[column.codes[i]];
  const v = column.values[i];
  return v !== v ? '' : String(v);
}

/** Column names of the per-customer dataset (besides the customer column, which keeps its name). */
export const MEMBER_COLUMNS = {
  cohort: 'cohort',
  first: 'cohort_start_date',
  periodsActive: 'periods_active',
  lastPeriod: 'last_active_period',
  revenue: 'revenue',
} as const;

/**
 * The per-customer (or per-policy) dataset of a retention: the customer
 * column under `idName` (an identifier, so it joins to a customer table),
 * its cohort (categorical, usable as a group in other cells), the first
 * purchase (start) date, periods active, the last active period and — with
 * amounts — its revenue. `labels[index]` names each member.
 */
export function memberTable(
  retention: CohortRetention,
  labels: readonly string[],
  idName: string,
): DataTable {
  const per = retention.perMember;
  const n = per.cohort.length;
  const ids = new Int32Array(n);
  const dictionary: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const label = labels[per.index[i]];
    let code = seen.get(label);
    if (code === undefined) {
      code = dictionary.length;
      seen.set(label, code);
      dictionary.push(label);
    }
    ids[i] = code;
  }
  const first = new Float64Array(n);
  for (let i = 0; i < n; i++) first[i] = per.first[i] * DAY_MS;
  const columns: Column[] = [
    { kind: 'string', name: idName, type: 'identifier', codes: ids, dictionary },
    {
      kind: 'string',
      name: MEMBER_COLUMNS.cohort,
      type: 'categorical',
      codes: per.cohort.slice(),
      dictionary: [...retention.cohorts],
    },
    { kind: 'number', name: MEMBER_COLUMNS.first, type: 'date', values: first },
    {
      kind: 'number',
      name: MEMBER_COLUMNS.periodsActive,
      type: 'integer',
      values: Float64Array.from(per.periodsActive),
    },
    {
      kind: 'number',
      name: MEMBER_COLUMNS.lastPeriod,
      type: 'integer',
      values: Float64Array.from(per.lastPeriod),
    },
  ];
  if (retention.hasRevenue) {
    columns.push({
      kind: 'number',
      name: MEMBER_COLUMNS.revenue,
      type: 'decimal',
      values: per.revenue.slice(),
    });
  }
  return { rowCount: n, columns };
}

/**
 * A policy table's default as-of day: the day after its last start or end
 * date (the end of its observation, as a log's is the day after its last
 * transaction), so that the result depends on the data alone, not on today.
 */
export function policyAsOfDay(table: DataTable, columns: PolicyColumns): number {
  let last = -Infinity;
  for (const days of [dateDays(table, columns.start), dateDays(table, columns.end)]) {
    for (let i = 0; i < days.length; i++) if (days[i] > last) last = days[i];
  }
  if (!Number.isFinite(last)) throw new EngineError('cohorts.no-members', { asOf: '—' });
  return last + 1;
}
