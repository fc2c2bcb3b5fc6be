// Comparing survival curves: the G-rho family of tests, stratified or not,
// every pair of groups with Holm or Benjamini–Hochberg adjusted p-values, and
// the test for trend over ordered groups. Pure; runs in Node and in the worker.
//
// Every number follows R's survival package (3.5): survdiff(Surv(time, status)
// ~ group + strata(s), rho) for the test (survdiff.fit's C routine survdiff2,
// loop for loop), print.survdiff for the per-group columns, p.adjust for the
// adjusted p-values. tests/fixtures/r/make-logrank.R produces the reference
// values the tests use.
//
// Cost: one radix sort of the rows by time (O(n)), then one pass over the
// distinct times per stratum; pairwise tests filter the sorted rows (no
// re-sort). docs/perf/logrank.md has the measurements.

import { EngineError, getColumn, type Column, type DataTable } from '../data/table';
import { pchisqUpper } from '../stats/distributions';
import { applyCutsSorted, nearTimeCuts } from './kaplanMeier';
import { survivalInputs, type SurvivalSettings } from './prepare';

export type PAdjustMethod = 'holm' | 'BH';

export interface LogrankData {
  time: Float64Array;
  /** 1 for an event, 0 for a censoring. */
  event: Uint8Array;
  /** Index into groupNames per row; -1 leaves the row out. */
  groupCodes: Int32Array;
  groupNames: readonly string[];
  /** Index into strataNames per row (-1 leaves the row out); null or absent: one stratum. */
  strataCodes?: Int32Array | null;
  strataNames?: readonly string[];
}

export interface LogrankOptions {
  /** The weight S(t−)^ρ: 0 is the log-rank test, 1 Peto & Peto's. */
  rho: number;
  /** Also test every pair of groups, with p-values adjusted by this method. */
  pairwise: PAdjustMethod | null;
  /** Test for trend: true for scores 1..k in the order of groupNames, or the scores. */
  trend: boolean | readonly number[];
}

export const DEFAULT_LOGRANK_OPTIONS: LogrankOptions = { rho: 0, pairwise: null, trend: false };

/** One row of print.survdiff. */
export interface LogrankGroup {
  name: string;
  n: number;
  /** Events, unweighted. */
  events: number;
  /** Σ S(t−)^ρ over the group's events: the event count when ρ = 0, as survdiff's `obs`. */
  observed: number;
  expected: number;
  /** (O − E)² / E. */
  chisqE: number;
  /** (O − E)² / V, V the group's diagonal element of the variance. */
  chisqV: number;
}

export interface LogrankStratum {
  name: string;
  n: number;
  /** Per group, in the order of `groups` (survdiff's obs and exp matrices, one column). */
  observed: number[];
  expected: number[];
}

export interface LogrankPair {
  a: string;
  b: string;
  /**
   * survdiff on the rows of the two groups alone. A pair without events, or
   * with only one group at risk at its events, has χ² 0 and p 1 on 1 df, as
   * survminer::pairwise_survdiff reports it; a singular variance gives NaN
   * (R stops there), left out of the adjustment as p.adjust leaves out NA.
   */
  chisq: number;
  df: number;
  p: number;
  pAdjusted: number;
  /** Why this pair has no real test (logrank.no-events, logrank.one-group-at-risk, logrank.singular-variance); otherwise null. */
  problem: string | null;
}

export interface LogrankTrend {
  scores: number[];
  /** U = Σ w (O − E). */
  statistic: number;
  /** wᵀ V w. */
  variance: number;
  /** U / √(wᵀVw): positive when groups with higher scores have more events than expected. */
  z: number;
  chisq: number;
  df: 1;
  p: number;
}

export interface LogrankResult {
  rho: number;
  groups: LogrankGroup[];
  /** survdiff's `var`, summed over strata: variance[i][j]. */
  variance: number[][];
  /**
   * survdiff's statistic on the groups with E > 0 (R leaves out groups whose
   * rows all end before the first event); df = their number − 1.
   */
  chisq: number;
  df: number;
  p: number;
  /** The strata present, in the order of strataNames; null without strata. */
  strata: LogrankStratum[] | null;
  pairwise: { method: PAdjustMethod; pairs: LogrankPair[] } | null;
  trend: LogrankTrend | null;
}

/** Rows that enter the test; group and stratum are indices, event 0 or 1. */
interface Rows {
  time: Float64Array;
  group: Int32Array;
  event: Uint8Array;
  stratum: Int32Array | null;
}

interface Fit {
  /** Per stratum × group, stratum-major. */
  observed: Float64Array;
  expected: Float64Array;
  /** G × G; element [a * G + b] is survdiff's var[b + 1, a + 1]. */
  variance: Float64Array;
  /** Stratum index of each block of `observed`. */
  strata: number[];
  strataSizes: number[];
}

/**
 * survdiff(Surv(time, event) ~ group + strata(s), rho) on arrays. Rows with a
 * group or stratum code of -1 are left out; every group must have rows.
 */
export function logrank(data: LogrankData, options?: Partial<LogrankOptions>): LogrankResult {
  const resolved = { ...DEFAULT_LOGRANK_OPTIONS, ...options };
  const rho = resolved.rho;
  if (!Number.isFinite(rho)) throw new EngineError('logrank.rho-invalid', { value: String(rho) });
  const groupNames = data.groupNames;
  const groupCount = groupNames.length;
  const strataNames = data.strataNames ?? [];
  const rows = sortedRows(data);

  const counts = new Float64Array(groupCount);
  const eventCounts = new Float64Array(groupCount);
  for (let i = 0; i < rows.time.length; i++) {
    counts[rows.group[i]]++;
    eventCounts[rows.group[i]] += rows.event[i];
  }
  const empty = groupNames.filter((_, g) => counts[g] === 0);
  const present = groupCount - empty.length;
  if (present < 2) {
    throw new EngineError('logrank.one-group', {
      count: present,
      group: groupNames.find((_, g) => counts[g] > 0) ?? '',
    });
  }
  if (empty.length > 0) throw new EngineError('logrank.group-empty', { group: empty[0] });
  let events = 0;
  for (let g = 0; g < groupCount; g++) events += eventCounts[g];
  if (events === 0) throw new EngineError('logrank.no-events', { rows: rows.time.length });

  const fit = survdiff(rows, groupCount, rho);
  const { observed, expected } = sumStrata(fit, groupCount);
  const test = chiSquare(observed, expected, fit.variance, groupCount);
  if (typeof test === 'string') throw new EngineError(test, {});

  const groups: LogrankGroup[] = groupNames.map((name, g) => {
    const diff = observed[g] - expected[g];
    return {
      name,
      n: counts[g],
      events: eventCounts[g],
      observed: observed[g],
      expected: expected[g],
      chisqE: (diff * diff) / expected[g],
      chisqV: (diff * diff) / fit.variance[g * groupCount + g],
    };
  });
  const strata = rows.stratum
    ? fit.strata.map((s, k) => ({
        name: strataNames[s] ?? String(s),
        n: fit.strataSizes[k],
        observed: Array.from(fit.observed.subarray(k * groupCount, (k + 1) * groupCount)),
        expected: Array.from(fit.expected.subarray(k * groupCount, (k + 1) * groupCount)),
      }))
    : null;

  return {
    rho,
    groups,
    variance: matrixRows(fit.variance, groupCount),
    ...test,
    strata,
    pairwise: resolved.pairwise ? pairwise(rows, groupNames, rho, resolved.pairwise) : null,
    trend: resolved.trend === false ? null : trendTest(observed, expected, fit, resolved.trend),
  };
}

export interface LogrankSettings extends Omit<SurvivalSettings, 'group'> {
  group: string;
  /** A column whose values are strata (survdiff's `+ strata(s)`). */
  strata?: string | null;
  rho: number;
  pairwise?: PAdjustMethod | null;
  trend?: boolean | readonly number[];
}

export interface LogrankTableResult extends LogrankResult {
  /** Rows left out: unusable duration or event, missing group or stratum. */
  excluded: number;
}

/**
 * The test on a table's columns: durations, events and groups read by
 * survivalInputs (groups in its sorted order, which the default trend scores
 * follow), and the strata column read the same way.
 */
export function logrankTable(table: DataTable, settings: LogrankSettings): LogrankTableResult {
  const { strata, rho, pairwise, trend, group, ...survival } = settings;
  let source = table;
  let dropped = 0;
  if (strata) {
    if (strata === group) throw new EngineError('logrank.strata-is-group', { column: group });
    // Rows without a group or stratum go first, so that survivalInputs drops
    // the same rows in both of its calls (those without a usable duration or
    // event) and its group and strata codes line up row for row.
    const keep = rowsWithValues(table, [getColumn(table, group), getColumn(table, strata)]);
    if (keep.length < table.rowCount) {
      source = subsetTable(table, [survival.duration, survival.event, group, strata], keep);
      dropped = table.rowCount - keep.length;
    }
  }
  const inputs = survivalInputs(source, { ...survival, group });
  const strataInputs = strata ? survivalInputs(source, { ...survival, group: strata }) : null;
  const result = logrank(
    {
      time: inputs.time,
      event: inputs.event,
      groupCodes: inputs.groupCodes!,
      groupNames: inputs.groupNames,
      strataCodes: strataInputs?.groupCodes ?? null,
      strataNames: strataInputs?.groupNames,
    },
    { rho, pairwise: pairwise ?? null, trend: trend ?? false },
  );
  return { ...result, excluded: inputs.excluded + dropped };
}

function rowsWithValues(table: DataTable, columns: Column[]): Int32Array {
  const keep: number[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    if (
      columns.every((c) => (c.kind === 'string' ? c.codes[i] >= 0 : !Number.isNaN(c.values[i])))
    ) {
      keep.push(i);
    }
  }
  return Int32Array.from(keep);
}

function subsetTable(table: DataTable, names: string[], rows: Int32Array): DataTable {
  const columns = [...new Set(names)].map((name): Column => {
    const c = getColumn(table, name);
    if (c.kind === 'string') return { ...c, codes: Int32Array.from(rows, (i) => c.codes[i]) };
    return { ...c, values: Float64Array.from(rows, (i) => c.values[i]) };
  });
  return { rowCount: rows.length, columns };
}

/**
 * The rows that enter the test, sorted by time, with their raw times: the
 * timefix and the split by stratum come later (byStratum), because a pair's
 * test applies the timefix to the pair's rows alone, as survdiff on them does.
 */
function sortedRows(data: LogrankData): Rows {
  const { time, event, groupCodes } = data;
  const strataCodes = data.strataCodes ?? null;
  const n = time.length;
  if (event.length !== n || groupCodes.length !== n || (strataCodes && strataCodes.length !== n)) {
    throw new EngineError('survival.length-mismatch', { time: n, event: event.length });
  }
  const groupCount = data.groupNames.length;
  const strataCount = strataCodes ? (data.strataNames?.length ?? 0) : 1;
  if (2 * groupCount * strataCount > 2 ** 32) {
    throw new EngineError('logrank.too-many-groups', { groups: groupCount, strata: strataCount });
  }
  // Each row's stratum, group and event packed into one 32-bit key that the
  // sort carries along.
  let used = 0;
  for (let i = 0; i < n; i++) {
    const g = groupCodes[i];
    const s = strataCodes ? strataCodes[i] : 0;
    if (g < 0 || s < 0) continue;
    if (g >= groupCount) {
      throw new EngineError('survival.group-code-invalid', { row: i + 1, code: g });
    }
    if (s >= strataCount) {
      throw new EngineError('logrank.strata-code-invalid', { row: i + 1, code: s });
    }
    if (!Number.isFinite(time[i])) throw new EngineError('survival.invalid-time', { row: i + 1 });
    used++;
  }
  // Every row used (as from logrankTable): the sort reads the times as they are.
  const usedTime = used === n ? time : new Float64Array(used);
  const packed = new Uint32Array(used);
  for (let i = 0, k = 0; i < n; i++) {
    const g = groupCodes[i];
    const s = strataCodes ? strataCodes[i] : 0;
    if (g < 0 || s < 0) continue;
    if (usedTime !== time) usedTime[k] = time[i];
    packed[k++] = (s * groupCount + g) * 2 + (event[i] ? 1 : 0);
  }
  const sorted = sortByTime(usedTime, packed);
  const rows: Rows = {
    time: sorted.time,
    group: new Int32Array(used),
    event: new Uint8Array(used),
    stratum: strataCodes ? new Int32Array(used) : null,
  };
  const key = sorted.payload;
  for (let i = 0; i < used; i++) {
    const code = key[i] >>> 1;
    rows.event[i] = key[i] & 1;
    if (rows.stratum) {
      const s = Math.floor(code / groupCount);
      rows.stratum[i] = s;
      rows.group[i] = code - s * groupCount;
    } else {
      rows.group[i] = code;
    }
  }
  return rows;
}

/** The rows' times with near-equal ones merged (a copy when any are). */
function fixSortedTimes(time: Float64Array): Float64Array {
  const cuts = nearTimeCuts(time);
  if (cuts === null) return time;
  const fixed = Float64Array.from(time);
  applyCutsSorted(fixed, cuts);
  return fixed;
}

const RADIX_BITS = 16;
const RADIX = 1 << RADIX_BITS;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/**
 * `time` sorted ascending with `payload` carried along: an LSD radix sort on
 * the doubles' bits, turned into unsigned keys that sort as the numbers do (the
 * sign bit flipped for positives, every bit for negatives). Four 16-bit passes
 * at most, and a pass whose digit is the same on every row is skipped: integer
 * times below 2^20 have constant low words, so they take two. On a million
 * rows this is 2–4 times faster than Float64Array.prototype.sort, which
 * cannot carry a payload anyway.
 */
function sortByTime(
  time: Float64Array,
  payload: Uint32Array,
): { time: Float64Array; payload: Uint32Array } {
  const n = time.length;
  const bits = new Uint32Array(time.buffer, time.byteOffset, 2 * n);
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let pay: Uint32Array = payload;
  const counts = new Uint32Array(4 * RADIX);
  for (let i = 0; i < n; i++) {
    let h = bits[2 * i + HI];
    let l = bits[2 * i + LO];
    if (h >>> 31) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
    counts[l & 0xffff]++;
    counts[RADIX + (l >>> 16)]++;
    counts[2 * RADIX + (h & 0xffff)]++;
    counts[3 * RADIX + (h >>> 16)]++;
  }
  if (n > 0) {
    const digit = (pass: number, i: number) => {
      const word = pass < 2 ? lo[i] : hi[i];
      return pass % 2 === 0 ? word & 0xffff : word >>> 16;
    };
    const varies = [0, 1, 2, 3].map((pass) => counts[pass * RADIX + digit(pass, 0)] !== n);
    // A constant low word need not move with the rows.
    const carryLo = varies[0] || varies[1];
    let hi2 = new Uint32Array(n);
    let lo2 = carryLo ? new Uint32Array(n) : lo;
    let pay2: Uint32Array = new Uint32Array(n);
    for (let pass = 0; pass < 4; pass++) {
      if (!varies[pass]) continue;
      const base = pass * RADIX;
      let sum = 0;
      for (let d = 0; d < RADIX; d++) {
        const c = counts[base + d];
        counts[base + d] = sum;
        sum += c;
      }
      const words = pass < 2 ? lo : hi;
      const shift = pass % 2 === 0 ? 0 : 16;
      for (let i = 0; i < n; i++) {
        const at = counts[base + ((words[i] >>> shift) & 0xffff)]++;
        hi2[at] = hi[i];
        if (carryLo) lo2[at] = lo[i];
        pay2[at] = pay[i];
      }
      [hi, hi2] = [hi2, hi];
      if (carryLo) [lo, lo2] = [lo2, lo];
      [pay, pay2] = [pay2, pay];
    }
  }
  const out = new Float64Array(n);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    if (h >>> 31) {
      outBits[2 * i + HI] = h ^ 0x80000000;
      outBits[2 * i + LO] = lo[i];
    } else {
      outBits[2 * i + HI] = ~h;
      outBits[2 * i + LO] = ~lo[i];
    }
  }
  return { time: out, payload: pay };
}

/**
 * Timefix, then a stable counting sort by stratum: the rows ordered by
 * (stratum, time) as survdiff.fit's order(strat, time, -status), and the
 * start of each stratum present. Ties keep their order, which changes no sum.
 */
function byStratum(rows: Rows): { rows: Rows; bounds: number[]; strata: number[] } {
  const time = fixSortedTimes(rows.time);
  const n = time.length;
  if (!rows.stratum) return { rows: { ...rows, time }, bounds: [0, n], strata: [0] };
  let strataCount = 0;
  for (let i = 0; i < n; i++) if (rows.stratum[i] >= strataCount) strataCount = rows.stratum[i] + 1;
  const starts = new Int32Array(strataCount + 1);
  for (let i = 0; i < n; i++) starts[rows.stratum[i] + 1]++;
  for (let s = 0; s < strataCount; s++) starts[s + 1] += starts[s];
  const out: Rows = {
    time: new Float64Array(n),
    group: new Int32Array(n),
    event: new Uint8Array(n),
    stratum: null,
  };
  const next = starts.slice(0, strataCount);
  for (let i = 0; i < n; i++) {
    const at = next[rows.stratum[i]]++;
    out.time[at] = time[i];
    out.group[at] = rows.group[i];
    out.event[at] = rows.event[i];
  }
  const bounds = [0];
  const strata: number[] = [];
  for (let s = 0; s < strataCount; s++) {
    if (starts[s + 1] === starts[s]) continue;
    strata.push(s);
    bounds.push(starts[s + 1]);
  }
  return { rows: out, bounds, strata };
}

/**
 * survdiff.fit: observed and expected per stratum and group, and the variance
 * summed over strata. The loops are survival's C routine survdiff2, in its
 * order (backwards over the times of each stratum), so that sums round as R's.
 */
function survdiff(timeSorted: Rows, groupCount: number, rho: number): Fit {
  const { rows, bounds, strata } = byStratum(timeSorted);
  const { time, group, event } = rows;
  const G = groupCount;
  const S = strata.length;
  const observed = new Float64Array(S * G);
  const expected = new Float64Array(S * G);
  const variance = new Float64Array(G * G);
  const risk = new Float64Array(G);
  // S(t−) of the stratum's pooled Kaplan–Meier at each run of tied times,
  // kept at the run's last row, where the backward pass reads it.
  const kaplan = rho !== 0 ? new Float64Array(time.length) : null;
  const strataSizes: number[] = [];
  for (let k = 0; k < S; k++) {
    const start = bounds[k];
    const end = bounds[k + 1];
    strataSizes.push(end - start);
    const offset = k * G;
    risk.fill(0);
    if (kaplan) {
      let km = 1;
      for (let i = start; i < end;) {
        const t = time[i];
        const nrisk = end - i;
        let deaths = 0;
        let j = i;
        for (; j < end && time[j] === t; j++) deaths += event[j];
        kaplan[j - 1] = km;
        km = (km * (nrisk - deaths)) / nrisk;
        i = j;
      }
    }
    for (let i = end - 1; i >= start;) {
      const wt = kaplan ? Math.pow(kaplan[i], rho) : 1;
      const t = time[i];
      let deaths = 0;
      let j = i;
      for (; j >= start && time[j] === t; j--) {
        const g = group[j];
        const e = event[j];
        deaths += e;
        risk[g] += 1;
        if (e) observed[offset + g] += wt;
      }
      const nrisk = end - (j + 1);
      if (deaths > 0) {
        for (let g = 0; g < G; g++) expected[offset + g] += (wt * deaths * risk[g]) / nrisk;
        if (nrisk > 1) {
          const wt2 = wt * wt;
          const scale = nrisk * (nrisk - 1);
          for (let a = 0; a < G; a++) {
            if (risk[a] === 0) continue;
            const tmp = (wt2 * deaths * risk[a] * (nrisk - deaths)) / scale;
            const row = a * G;
            variance[row + a] += tmp;
            for (let b = 0; b < G; b++) variance[row + b] -= (tmp * risk[b]) / nrisk;
          }
        }
      }
      i = j;
    }
  }
  return { observed, expected, variance, strata, strataSizes };
}

function sumStrata(fit: Fit, G: number): { observed: Float64Array; expected: Float64Array } {
  const observed = new Float64Array(G);
  const expected = new Float64Array(G);
  for (let k = 0; k < fit.strata.length; k++) {
    for (let g = 0; g < G; g++) {
      observed[g] += fit.observed[k * G + g];
      expected[g] += fit.expected[k * G + g];
    }
  }
  return { observed, expected };
}

/**
 * survdiff's statistic: over the groups with E > 0 less the first of them,
 * (O − E)ᵀ V⁻¹ (O − E). An error code when it does not exist.
 */
function chiSquare(
  observed: Float64Array,
  expected: Float64Array,
  variance: Float64Array,
  G: number,
): { chisq: number; df: number; p: number } | string {
  const used: number[] = [];
  for (let g = 0; g < G; g++) if (expected[g] > 0) used.push(g);
  if (used.length < 2) return 'logrank.one-group-at-risk';
  const keep = used.slice(1);
  const m = keep.length;
  const diff = keep.map((g) => observed[g] - expected[g]);
  const matrix = keep.map((r) => keep.map((c) => variance[c * G + r]));
  const x = solve(matrix, diff);
  if (x === null) return 'logrank.singular-variance';
  let chisq = 0;
  for (let i = 0; i < m; i++) chisq += x[i] * diff[i];
  return { chisq, df: m, p: pchisqUpper(chisq, m) };
}

/**
 * A⁻¹b by Gaussian elimination with partial pivoting (LAPACK dgesv, which R's
 * solve calls). Null when A is singular as solve() judges it: a zero pivot, or
 * a reciprocal condition number (1-norm; here exact, R estimates it) below
 * machine epsilon.
 */
function solve(a: number[][], b: number[]): number[] | null {
  const m = b.length;
  const lu = a.map((row) => row.slice());
  const perm = Array.from({ length: m }, (_, i) => i);
  let norm = 0;
  for (let c = 0; c < m; c++) {
    let column = 0;
    for (let r = 0; r < m; r++) column += Math.abs(a[r][c]);
    norm = Math.max(norm, column);
  }
  for (let k = 0; k < m; k++) {
    let pivot = k;
    for (let r = k + 1; r < m; r++) if (Math.abs(lu[r][k]) > Math.abs(lu[pivot][k])) pivot = r;
    if (lu[pivot][k] === 0 || !Number.isFinite(lu[pivot][k])) return null;
    [lu[k], lu[pivot]] = [lu[pivot], lu[k]];
    [perm[k], perm[pivot]] = [perm[pivot], perm[k]];
    for (let r = k + 1; r < m; r++) {
      const f = (lu[r][k] /= lu[k][k]);
      for (let c = k + 1; c < m; c++) lu[r][c] -= f * lu[k][c];
    }
  }
  const substitute = (rhs: number[]): number[] => {
    const y = perm.map((p) => rhs[p]);
    for (let r = 0; r < m; r++) for (let c = 0; c < r; c++) y[r] -= lu[r][c] * y[c];
    for (let r = m - 1; r >= 0; r--) {
      for (let c = r + 1; c < m; c++) y[r] -= lu[r][c] * y[c];
      y[r] /= lu[r][r];
    }
    return y;
  };
  let inverseNorm = 0;
  for (let c = 0; c < m; c++) {
    const column = substitute(Array.from({ length: m }, (_, r) => (r === c ? 1 : 0)));
    inverseNorm = Math.max(
      inverseNorm,
      column.reduce((s, v) => s + Math.abs(v), 0),
    );
  }
  if (!(1 / (norm * inverseNorm) >= Number.EPSILON)) return null;
  return substitute(b);
}

function matrixRows(variance: Float64Array, G: number): number[][] {
  return Array.from({ length: G }, (_, r) =>
    Array.from({ length: G }, (_, c) => variance[c * G + r]),
  );
}

// survdiff's statistic is 0 when fewer than two groups are at risk at the
// events; pairwise_survdiff takes its p on length(n) − 1 = 1 df.
const UNTESTABLE_PAIR = { chisq: 0, df: 1, p: 1 };

/**
 * Every pair of groups tested on its own rows, as survdiff on the pair's rows
 * (the way survminer::pairwise_survdiff does it): the weights come from the
 * pair's pooled Kaplan–Meier and the timefix from the pair's times. The
 * p-values are then adjusted as p.adjust over the pairs that could be tested.
 */
function pairwise(
  rows: Rows,
  groupNames: readonly string[],
  rho: number,
  method: PAdjustMethod,
): { method: PAdjustMethod; pairs: LogrankPair[] } {
  const pairs: LogrankPair[] = [];
  const G = groupNames.length;
  // The rows split by group, each part still in time order (a stable counting
  // sort), so that a pair's rows are a merge of two parts: all pairs cost
  // (G − 1) passes over the rows rather than G(G − 1)/2.
  const parts = byGroup(rows, G);
  for (let a = 0; a < G; a++) {
    for (let b = a + 1; b < G; b++) {
      const pair: LogrankPair = {
        a: groupNames[a],
        b: groupNames[b],
        chisq: NaN,
        df: NaN,
        p: NaN,
        pAdjusted: NaN,
        problem: null,
      };
      pairs.push(pair);
      if (parts.events[a] + parts.events[b] === 0) {
        Object.assign(pair, UNTESTABLE_PAIR, { problem: 'logrank.no-events' });
        continue;
      }
      const sub = mergeParts(parts.rows, parts.starts, a, b);
      const fit = survdiff(sub, 2, rho);
      const { observed, expected } = sumStrata(fit, 2);
      const test = chiSquare(observed, expected, fit.variance, 2);
      if (typeof test === 'string') {
        pair.problem = test;
        if (test !== 'logrank.singular-variance') Object.assign(pair, UNTESTABLE_PAIR);
        continue;
      }
      Object.assign(pair, test);
    }
  }
  const adjusted = pAdjust(
    pairs.map((p) => p.p),
    method,
  );
  pairs.forEach((p, i) => (p.pAdjusted = adjusted[i]));
  return { method, pairs };
}

/** The rows ordered by group, stably: each group's rows stay in time order. */
function byGroup(rows: Rows, G: number): { rows: Rows; starts: Int32Array; events: Float64Array } {
  const n = rows.time.length;
  const starts = new Int32Array(G + 1);
  const events = new Float64Array(G);
  for (let i = 0; i < n; i++) {
    starts[rows.group[i] + 1]++;
    events[rows.group[i]] += rows.event[i];
  }
  for (let g = 0; g < G; g++) starts[g + 1] += starts[g];
  const out: Rows = {
    time: new Float64Array(n),
    group: new Int32Array(n),
    event: new Uint8Array(n),
    stratum: rows.stratum ? new Int32Array(n) : null,
  };
  const next = starts.slice(0, G);
  for (let i = 0; i < n; i++) {
    const at = next[rows.group[i]]++;
    out.time[at] = rows.time[i];
    out.group[at] = rows.group[i];
    out.event[at] = rows.event[i];
    if (out.stratum) out.stratum[at] = rows.stratum![i];
  }
  return { rows: out, starts, events };
}

/** Groups a and b's rows merged in time order, as groups 0 and 1. */
function mergeParts(rows: Rows, starts: Int32Array, a: number, b: number): Rows {
  const size = starts[a + 1] - starts[a] + starts[b + 1] - starts[b];
  const sub: Rows = {
    time: new Float64Array(size),
    group: new Int32Array(size),
    event: new Uint8Array(size),
    stratum: rows.stratum ? new Int32Array(size) : null,
  };
  let i = starts[a];
  let j = starts[b];
  for (let k = 0; k < size; k++) {
    const fromA = j === starts[b + 1] || (i < starts[a + 1] && rows.time[i] <= rows.time[j]);
    const from = fromA ? i++ : j++;
    sub.time[k] = rows.time[from];
    sub.group[k] = fromA ? 0 : 1;
    sub.event[k] = rows.event[from];
    if (sub.stratum) sub.stratum[k] = rows.stratum![from];
  }
  return sub;
}

/**
 * R's p.adjust(p, method): NaN (R's NA) stays NaN and is not counted in n.
 * Holm: min(1, cummax((n − i + 1) p₍ᵢ₎)) over p sorted up; Benjamini–Hochberg:
 * min(1, cummin(n / i · p₍ᵢ₎)) over p sorted down.
 */
export function pAdjust(p: readonly number[], method: PAdjustMethod): number[] {
  const out = p.map(() => NaN);
  const index = p.map((_, i) => i).filter((i) => !Number.isNaN(p[i]));
  const n = index.length;
  if (method === 'holm') {
    index.sort((i, j) => p[i] - p[j]);
    let running = -Infinity;
    index.forEach((at, k) => {
      running = Math.max(running, (n - k) * p[at]);
      out[at] = Math.min(1, running);
    });
  } else {
    index.sort((i, j) => p[j] - p[i]);
    let running = Infinity;
    index.forEach((at, k) => {
      running = Math.min(running, (n / (n - k)) * p[at]);
      out[at] = Math.min(1, running);
    });
  }
  return out;
}

/**
 * The test for trend over ordered groups with scores w (Klein & Moeschberger,
 * Survival Analysis, 2nd ed., 2003, §7.4, eq. 7.4.1; Collett, Modelling
 * Survival Data in Medical Research, §2.6; what survMisc::comp reports as
 * the trend test): from survdiff's O − E and variance, summed over strata,
 * U = Σ w (O − E), χ² = U² / (wᵀ V w) on 1 df. With ρ ≠ 0 it uses the
 * weighted O − E and V, so it is the trend version of the same G-rho test.
 */
function trendTest(
  observed: Float64Array,
  expected: Float64Array,
  fit: Fit,
  trend: true | readonly number[],
): LogrankTrend {
  const G = observed.length;
  const scores = trend === true ? Array.from({ length: G }, (_, g) => g + 1) : [...trend];
  if (
    scores.length !== G ||
    !scores.every(Number.isFinite) ||
    scores.every((w) => w === scores[0])
  ) {
    throw new EngineError('logrank.trend-scores-invalid', {
      count: scores.length,
      groups: G,
    });
  }
  let statistic = 0;
  for (let g = 0; g < G; g++) statistic += scores[g] * (observed[g] - expected[g]);
  let variance = 0;
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) variance += scores[b] * fit.variance[a * G + b] * scores[a];
  }
  if (!(variance > 0)) throw new EngineError('logrank.singular-variance', {});
  const chisq = (statistic * statistic) / variance;
  return {
    scores,
    statistic,
    variance,
    z: statistic / Math.sqrt(variance),
    chisq,
    df: 1,
    p: pchisqUpper(chisq, 1),
  };
}
