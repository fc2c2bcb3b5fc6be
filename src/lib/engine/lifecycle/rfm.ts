// RFM: each customer's recency, frequency and monetary value at an as-of
// day, scored 1…q per measure (quantile bins or typed thresholds; higher is
// better, so recency is reversed), the RFM code ("545"), a weighted total and
// a named segment from editable rules on the R and FM scores; with the
// per-segment summary and the R × F grid. Pure; runs in the compute worker
// and in Node tests (the pandas reference is tests/fixtures/lifecycle/make-rfm.py).
//
// The definitions, stated the same way in docs/segments.md "## RFM", in the
// cell and in the reference script:
// - customers: those with a purchase on or before the as-of day (rows after
//   it are ignored), from summariseCustomers (./transactions.ts);
// - recency: as-of day − day of the last purchase (≥ 1 with the default
//   as-of, the day after the last transaction);
// - frequency: transactions, or distinct purchase days;
// - monetary: total net spend up to the as-of day (returns netted when the
//   log keeps them), or that total ÷ frequency (mean per purchase);
// - quantile score with q bins, N customers: 1 + ⌊q·(k / N)⌋ where k is the
//   number of customers with a strictly worse value (lower frequency or
//   monetary; longer recency) — pandas 1 + (q·(rank(method='min') − 1)) // N.
//   Tied customers always share a score (frequency is heavily tied: every
//   one-purchase customer gets 1); without ties the bins are equal in size
//   to within one customer; a bin can stay empty under heavy ties; a measure
//   where all customers are tied scores 1 for all (reported in `tied`);
// - threshold score with t₁ < … < t_{q−1}: recency 1 + #{j : recency ≤ tⱼ}
//   (at most tⱼ days earns the better score), frequency and monetary
//   1 + #{j : value ≥ tⱼ};
// - code: the R, F and M scores' digits; total: wR·R + wF·F + wM·M;
// - segments: each score rescaled to 1–5 as 1 + 4(s − 1)/(q − 1); FM = the
//   mean of the rescaled F and M (F alone for a log without amounts); the
//   first rule whose R and FM ranges (inclusive) hold names the segment; no
//   rule: 'other' (index = rules.length).
//
// Written for millions of rows: one pass over the log (summariseCustomers),
// a sort per measure and a binary search per customer; typed arrays only.

import { EngineError, type Column, type DataTable, type Progress } from '../data/table';
import { summariseCustomers, type TransactionLog } from './transactions';

export type FrequencyMeasure = 'transactions' | 'days';
export type MonetaryMeasure = 'total' | 'mean';
export type Measure = 'recency' | 'frequency' | 'monetary';
export const MEASURES: readonly Measure[] = ['recency', 'frequency', 'monetary'];

export const MIN_BINS = 2;
export const MAX_BINS = 9;

/** How one measure is scored: q quantile bins, or typed thresholds (q = thresholds + 1). */
export type Scoring =
  { method: 'quantile'; bins: number } | { method: 'thresholds'; thresholds: number[] };

/** A segment rule: R and FM (rescaled 1–5) in inclusive ranges. */
export interface SegmentRule {
  name: string;
  r: [number, number];
  fm: [number, number];
}

export interface RfmOptions {
  asOfDay: number;
  frequency: FrequencyMeasure;
  monetary: MonetaryMeasure;
  scoring: Record<Measure, Scoring>;
  weights: Record<Measure, number>;
  rules: readonly SegmentRule[];
}

/**
 * The widely used 11-segment map on R and FM (1–5), first match wins; the
 * names are message keys `rfm.segment.<name>` in both languages.
 */
export const DEFAULT_RULES: readonly SegmentRule[] = [
  { name: 'champions', r: [4, 5], fm: [4, 5] },
  { name: 'loyal', r: [3, 5], fm: [3, 5] },
  { name: 'new', r: [5, 5], fm: [1, 1.5] },
  { name: 'promising', r: [4, 5], fm: [1, 1.5] },
  { name: 'potential-loyalist', r: [4, 5], fm: [1, 3] },
  { name: 'need-attention', r: [3, 4], fm: [2.5, 3] },
  { name: 'about-to-sleep', r: [3, 4], fm: [1, 2.5] },
  { name: 'cant-lose', r: [1, 2], fm: [4.5, 5] },
  { name: 'at-risk', r: [1, 3], fm: [3, 5] },
  { name: 'hibernating', r: [2, 3], fm: [1, 3] },
  { name: 'lost', r: [1, 2], fm: [1, 3] },
];

export interface SegmentSummary {
  customers: number;
  share: number;
  /** Σ net spend of its customers, and its share of the whole (NaN when the whole is ≤ 0). */
  revenue: number;
  revenueShare: number;
  meanRecency: number;
  meanFrequency: number;
  meanMonetary: number;
}

export interface RfmResult {
  asOfDay: number;
  /** Index into the log's customers, per scored customer. */
  customer: Int32Array;
  recency: Float64Array;
  frequency: Float64Array;
  monetary: Float64Array;
  /** Net spend (the revenue of the segment summary), whatever `monetary` is. */
  spend: Float64Array;
  r: Int32Array;
  f: Int32Array;
  m: Int32Array;
  /** wR·R + wF·F + wM·M. */
  total: Float64Array;
  /** Index into the rules; rules.length: other. */
  segment: Int32Array;
  /** Scores per measure (q). */
  bins: Record<Measure, number>;
  /** Measures on which all customers are tied (each scores 1). */
  tied: Measure[];
  hasAmount: boolean;
  /** Per rule, then 'other'. */
  segments: SegmentSummary[];
  /** R × F: counts and mean monetary, row-major by R score − 1 (qR rows × qF columns). */
  grid: { count: Int32Array; meanMonetary: Float64Array };
}

const BLOCK = 1 << 16;

/** The scores' code, e.g. "545". */
export function rfmCode(r: number, f: number, m: number): string {
  return `${r}${f}${m}`;
}

function binsOf(scoring: Scoring, measure: Measure): number {
  if (scoring.method === 'quantile') {
    const q = scoring.bins;
    if (!Number.isInteger(q) || q < MIN_BINS || q > MAX_BINS) {
      throw new EngineError('rfm.bad-bins', { measure, bins: q, min: MIN_BINS, max: MAX_BINS });
    }
    return q;
  }
  const t = scoring.thresholds;
  const ok =
    t.length >= MIN_BINS - 1 &&
    t.length <= MAX_BINS - 1 &&
    t.every((v, i) => Number.isFinite(v) && (i === 0 || v > t[i - 1]));
  if (!ok) {
    throw new EngineError('rfm.bad-thresholds', {
      measure,
      thresholds: t.join(', '),
      max: MAX_BINS - 1,
    });
  }
  return t.length + 1;
}

/** The number of sorted values strictly below v. */
function below(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Scores of one measure into `out` (see the header); true when all are tied. */
function score(values: Float64Array, scoring: Scoring, reversed: boolean, out: Int32Array) {
  const n = values.length;
  if (scoring.method === 'thresholds') {
    const t = scoring.thresholds;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      let s = 1;
      for (let j = 0; j < t.length; j++) if (reversed ? v <= t[j] : v >= t[j]) s++;
      out[i] = s;
    }
  } else {
    const q = scoring.bins;
    // Recency is reversed by scoring −recency: a longer recency is worse.
    const sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[i] = reversed ? -values[i] : values[i];
    sorted.sort();
    for (let i = 0; i < n; i++) {
      const k = below(sorted, reversed ? -values[i] : values[i]);
      out[i] = 1 + Math.floor((q * k) / n);
    }
  }
  let tied = true;
  for (let i = 1; i < n && tied; i++) tied = values[i] === values[0];
  return tied;
}

/** RFM of every customer of `log` with a purchase by `options.asOfDay`. */
export async function rfm(
  log: TransactionLog,
  options: RfmOptions,
  progress: Progress,
): Promise<RfmResult> {
  const bins = {
    recency: binsOf(options.scoring.recency, 'recency'),
    frequency: binsOf(options.scoring.frequency, 'frequency'),
    monetary: binsOf(options.scoring.monetary, 'monetary'),
  };
  for (const measure of MEASURES) {
    if (!Number.isFinite(options.weights[measure])) {
      throw new EngineError('rfm.bad-weight', { measure });
    }
  }
  const summary = summariseCustomers(log, options.asOfDay);
  const n = summary.customer.length;
  if (n < 2) throw new EngineError('rfm.one-customer', { customers: n });
  await progress.report(1, 5);

  const recency = new Float64Array(n);
  const frequency = new Float64Array(n);
  const monetary = new Float64Array(n);
  const days = options.frequency === 'days';
  const mean = options.monetary === 'mean';
  for (let i = 0; i < n; i++) {
    recency[i] = options.asOfDay - summary.last[i];
    const f = days ? summary.purchaseDays[i] : summary.transactions[i];
    frequency[i] = f;
    monetary[i] = mean ? summary.spend[i] / f : summary.spend[i];
  }
  const r = new Int32Array(n);
  const f = new Int32Array(n);
  const m = new Int32Array(n);
  const tied: Measure[] = [];
  if (score(recency, options.scoring.recency, true, r)) tied.push('recency');
  await progress.report(2, 5);
  if (score(frequency, options.scoring.frequency, false, f)) tied.push('frequency');
  await progress.report(3, 5);
  if (score(monetary, options.scoring.monetary, false, m)) tied.push('monetary');
  await progress.report(4, 5);

  const { weights, rules } = options;
  const total = new Float64Array(n);
  const segment = new Int32Array(n);
  const R = rules.length;
  const stats = new Float64Array((R + 1) * 5); // customers, revenue, Σ recency, Σ frequency, Σ monetary
  const qR = bins.recency;
  const qF = bins.frequency;
  const count = new Int32Array(qR * qF);
  const sumM = new Float64Array(qR * qF);
  const scale = (s: number, q: number) => 1 + (4 * (s - 1)) / (q - 1);
  let revenue = 0;
  for (let i = 0; i < n; i++) {
    if ((i & (BLOCK - 1)) === 0 && i > 0) await progress.report(4 * n + i, 5 * n);
    total[i] = weights.recency * r[i] + weights.frequency * f[i] + weights.monetary * m[i];
    const r5 = scale(r[i], qR);
    const f5 = scale(f[i], qF);
    const fm = log.hasAmount ? (f5 + scale(m[i], bins.monetary)) / 2 : f5;
    let k = 0;
    while (k < R) {
      const rule = rules[k];
      if (r5 >= rule.r[0] && r5 <= rule.r[1] && fm >= rule.fm[0] && fm <= rule.fm[1]) break;
      k++;
    }
    segment[i] = k;
    const at = k * 5;
    stats[at]++;
    stats[at + 1] += summary.spend[i];
    stats[at + 2] += recency[i];
    stats[at + 3] += frequency[i];
    stats[at + 4] += monetary[i];
    revenue += summary.spend[i];
    const g = (r[i] - 1) * qF + f[i] - 1;
    count[g]++;
    sumM[g] += monetary[i];
  }
  const segments: SegmentSummary[] = [];
  for (let k = 0; k <= R; k++) {
    const c = stats[k * 5];
    segments.push({
      customers: c,
      share: c / n,
      revenue: stats[k * 5 + 1],
      revenueShare: revenue > 0 ? stats[k * 5 + 1] / revenue : NaN,
      meanRecency: c > 0 ? stats[k * 5 + 2] / c : NaN,
      meanFrequency: c > 0 ? stats[k * 5 + 3] / c : NaN,
      meanMonetary: c > 0 ? stats[k * 5 + 4] / c : NaN,
    });
  }
  const meanMonetary = new Float64Array(qR * qF);
  for (let g = 0; g < count.length; g++) meanMonetary[g] = count[g] > 0 ? sumM[g] / count[g] : NaN;
  await progress.report(5, 5);
  return {
    asOfDay: options.asOfDay,
    customer: summary.customer,
    recency,
    frequency,
    monetary,
    spend: summary.spend,
    r,
    f,
    m,
    total,
    segment,
    bins,
    tied,
    hasAmount: log.hasAmount,
    segments,
    grid: { count, meanMonetary },
  };
}

/** The output dataset's column names beside the customer column. */
export const RFM_COLUMNS = {
  recency: 'recency',
  frequency: 'frequency',
  monetary: 'monetary',
  r: 'r_score',
  f: 'f_score',
  m: 'm_score',
  code: 'rfm_code',
  total: 'rfm_score',
  segment: 'segment',
} as const;

/**
 * The per-customer dataset: the log's customer column (its name, labels as
 * an identifier, so it joins to a customer table) and the RFM columns; the
 * segment is categorical, named by `segmentNames` (one per rule, then other).
 */
export function rfmTable(
  result: RfmResult,
  labels: readonly string[],
  idName: string,
  segmentNames: readonly string[],
): DataTable {
  const n = result.customer.length;
  const ids = new Int32Array(n);
  const dictionary: string[] = [];
  for (let i = 0; i < n; i++) {
    // Each customer appears once, so its label's position is its code.
    ids[i] = i;
    dictionary.push(labels[result.customer[i]]);
  }
  const codes = new Int32Array(n);
  const codeNames: string[] = [];
  const codeOf = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = result.r[i] * 100 + result.f[i] * 10 + result.m[i];
    let c = codeOf.get(key);
    if (c === undefined) {
      c = codeNames.length;
      codeOf.set(key, c);
      codeNames.push(rfmCode(result.r[i], result.f[i], result.m[i]));
    }
    codes[i] = c;
  }
  const int = (name: string, values: ArrayLike<number>): Column => ({
    kind: 'number',
    name,
    type: 'integer',
    values: Float64Array.from(values),
  });
  return {
    rowCount: n,
    columns: [
      { kind: 'string', name: idName, type: 'identifier', codes: ids, dictionary },
      int(RFM_COLUMNS.recency, result.recency),
      int(RFM_COLUMNS.frequency, result.frequency),
      {
        kind: 'number',
        name: RFM_COLUMNS.monetary,
        type: 'decimal',
        values: result.monetary.slice(),
      },
      int(RFM_COLUMNS.r, result.r),
      int(RFM_COLUMNS.f, result.f),
      int(RFM_COLUMNS.m, result.m),
      { kind: 'string', name: RFM_COLUMNS.code, type: 'categorical', codes, dictionary: codeNames },
      { kind: 'number', name: RFM_COLUMNS.total, type: 'decimal', values: result.total.slice() },
      {
        kind: 'string',
        name: RFM_COLUMNS.segment,
        type: 'categorical',
        codes: result.segment.slice(),
        dictionary: [...segmentNames],
      },
    ],
  };
}
