// A Competing risks cell's report: the cumulative incidence per cause and
// group with Gray's test (./competing.ts, cmprsk::cuminc), the naive 1 − KM
// of each cause (the other causes treated as censored, ./kaplanMeier.ts) on
// the same rows, so the page can show how much 1 − KM overstates, and both
// read at a few times with a pointwise interval. Pure; runs in Node and in
// the worker.
//
// The interval is on the log(−log) scale, from cmprsk's variance:
// g = log(−log F), se(g) = √V / (F·|log F|), F^exp(±z·se(g)); it stays in
// (0, 1). cuminc itself gives no interval; this transform is the usual
// choice for cumulative incidence (it is the one survfit uses for
// log-log intervals of survival, applied to F).

import { cellText, getColumn, type Column, type DataTable } from '../data/table';
import {
  cumulativeIncidenceTable,
  type CompetingSettings,
  type CumulativeIncidenceTableResult,
  type IncidenceCurve,
} from './competing';
import { kaplanMeier, niceRiskTimes } from './kaplanMeier';
import { qnorm } from './qnorm';

export interface CompetingReportSettings extends CompetingSettings {
  /** Two-sided level of the intervals at the times, e.g. 0.95. */
  confLevel: number;
  /** Times to read the curves at; empty: about five round times up to the longest follow-up. */
  times: readonly number[];
}

/** 1 − Kaplan–Meier of one cause in one group, the other causes counted as censorings. */
export interface NaiveCurve {
  group: string | null;
  cause: string;
  /** Each distinct time (events or censorings), ascending. */
  time: Float64Array;
  /** 1 − S(t) just after each time. */
  estimate: Float64Array;
}

/** A curve read at a time: NaN past the group's longest follow-up. */
export interface IncidenceAt {
  estimate: number;
  lower: number;
  upper: number;
  /** The naive 1 − KM of the same cause and group at that time. */
  naive: number;
}

export interface CompetingReport extends CumulativeIncidenceTableResult {
  /** In the order of `curves`: the same cause and group. */
  naive: NaiveCurve[];
  times: number[];
  /** Per curve, one per time. */
  atTimes: IncidenceAt[][];
  confLevel: number;
}

/** Index of the last time ≤ t, or −1. */
function stepIndex(time: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The pointwise interval of F with variance V on the log(−log) scale. */
export function incidenceInterval(
  estimate: number,
  variance: number,
  confLevel: number,
): { lower: number; upper: number } {
  if (Number.isNaN(estimate)) return { lower: NaN, upper: NaN };
  if (estimate <= 0) return { lower: 0, upper: 0 };
  if (estimate >= 1) return { lower: NaN, upper: NaN };
  const z = qnorm(1 - (1 - confLevel) / 2);
  const se = Math.sqrt(variance) / (estimate * Math.abs(Math.log(estimate)));
  return {
    lower: Math.pow(estimate, Math.exp(z * se)),
    upper: Math.pow(estimate, Math.exp(-z * se)),
  };
}

function missing(column: Column, i: number): boolean {
  return column.kind === 'string' ? column.codes[i] < 0 : Number.isNaN(column.values[i]);
}

/** The naive curves, on exactly the rows cumulativeIncidenceTable uses. */
function naiveCurves(
  table: DataTable,
  settings: CompetingReportSettings,
  result: CumulativeIncidenceTableResult,
): NaiveCurve[] {
  const duration = getColumn(table, settings.duration);
  const cause = getColumn(table, settings.cause);
  const group = settings.group ? getColumn(table, settings.group) : null;
  const time: number[] = [];
  const causeOf: string[] = [];
  const groupOf: (string | null)[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const t = duration.kind === 'number' ? duration.values[i] : NaN;
    if (!Number.isFinite(t) || t < 0 || missing(cause, i)) continue;
    if (group && missing(group, i)) continue;
    time.push(t);
    causeOf.push(cellText(cause, i));
    groupOf.push(group ? cellText(group, i) : null);
  }
  return result.curves.map((curve) => {
    const rows: number[] = [];
    for (let i = 0; i < time.length; i++) if (groupOf[i] === curve.group) rows.push(i);
    const km = kaplanMeier(
      Float64Array.from(rows, (i) => time[i]),
      Uint8Array.from(rows, (i) => (causeOf[i] === curve.cause ? 1 : 0)),
    );
    return {
      group: curve.group,
      cause: curve.cause,
      time: km.time,
      estimate: km.survival.map((s) => 1 - s),
    };
  });
}

function readAt(curve: IncidenceCurve, naive: NaiveCurve, t: number, confLevel: number) {
  if (!(t <= curve.maxTime)) return { estimate: NaN, lower: NaN, upper: NaN, naive: NaN };
  const i = stepIndex(curve.time, t);
  const estimate = i < 0 ? 0 : curve.estimate[i];
  const variance = i < 0 ? 0 : curve.variance[i];
  const j = stepIndex(naive.time, t);
  return {
    estimate,
    ...incidenceInterval(estimate, variance, confLevel),
    naive: j < 0 ? 0 : naive.estimate[j],
  };
}

/** cuminc on the table, the naive 1 − KM beside each curve, and both read at the times. */
export function competingReport(
  table: DataTable,
  settings: CompetingReportSettings,
): CompetingReport {
  const result = cumulativeIncidenceTable(table, settings);
  const naive = naiveCurves(table, settings, result);
  const longest = Math.max(...result.curves.map((c) => c.maxTime).filter(Number.isFinite));
  const times =
    settings.times.length > 0
      ? [...settings.times].sort((a, b) => a - b)
      : niceRiskTimes(longest).filter((t) => t > 0);
  const atTimes = result.curves.map((c, k) =>
    times.map((t) => readAt(c, naive[k], t, settings.confLevel)),
  );
  return { ...result, naive, times, atTimes, confLevel: settings.confLevel };
}
