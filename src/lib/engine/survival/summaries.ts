// Numbers read off a Kaplan–Meier curve (kaplanMeier.ts; one group's curve
// from kaplanMeierByGroup): survival at chosen times with its confidence
// interval, the restricted mean survival time with its standard error, and the
// Nelson–Aalen cumulative hazard with its standard error and interval.
// Pure; runs in Node and in the worker.
//
// Every number follows R's survival package (3.5): summary(fit, times,
// extend = TRUE), survival:::survmean (what print(fit, rmean = τ) shows), and
// survfit(..., ctype = 1)'s cumhaz and std.chaz (survfitkm.c). The curve's
// conf.type and conf.int carry over. tests/fixtures/r/make-logrank.R produces
// the reference values the tests use.

import { EngineError } from '../data/table';
import { confidenceInterval, type ConfType, type KaplanMeierResult } from './kaplanMeier';
import { qnorm } from './qnorm';

/** summary(fit, times = …, extend = TRUE), one entry per requested time. */
export interface SurvivalAtTimes {
  /** The finite requested times, sorted (as summary.survfit sorts them). */
  time: number[];
  surv: number[];
  /** summary's std.err: the SE of S (the curve's log-scale SE times S). */
  stdErr: number[];
  lower: number[];
  upper: number[];
  /** At risk just before t: 0 past the last time. */
  nRisk: number[];
  /** Events in (previous requested time, t]; for the first, all up to t. */
  nEvent: number[];
  nCensor: number[];
  /** Nelson–Aalen cumulative hazard at t, and its SE (survfit's default ctype = 1). */
  cumhaz: number[];
  stdChaz: number[];
}

export interface RestrictedMean {
  /** The upper limit τ. */
  tau: number;
  /** ∫ S(t) dt from min(0, first time) to τ, plus that start (survmean's rmean). */
  rmean: number;
  /** survmean's se(rmean). */
  se: number;
}

/** survfit(..., ctype = 1) at every time of the curve. */
export interface NelsonAalenResult {
  group: string | null;
  time: Float64Array;
  nRisk: Float64Array;
  nEvent: Float64Array;
  /** H(t) = Σ d / n. */
  cumhaz: Float64Array;
  /** √(Σ d / n²), R's std.chaz. */
  stdChaz: Float64Array;
  /**
   * −log of the bounds of exp(−H) that survfit(stype = 2, ctype = 1,
   * conf.type, conf.int) reports: H ± z·se for 'log' (floored at 0),
   * H·exp(±z·se / H) for 'log-log' (NaN while H = 0).
   */
  lower: Float64Array;
  upper: Float64Array;
  confType: ConfType;
  confLevel: number;
}

/** survfit's ctype = 1 hazard and its variance, in survfitkm.c's order of operations. */
function nelsonAalenSums(curve: KaplanMeierResult): {
  cumhaz: Float64Array;
  stdChaz: Float64Array;
} {
  const m = curve.time.length;
  const cumhaz = new Float64Array(m);
  const stdChaz = new Float64Array(m);
  let h = 0;
  let v = 0;
  for (let i = 0; i < m; i++) {
    const d = curve.nEvent[i];
    const n = curve.nRisk[i];
    if (d > 0) {
      h += d / n;
      v += d / (n * n);
    }
    cumhaz[i] = h;
    stdChaz[i] = Math.sqrt(v);
  }
  return { cumhaz, stdChaz };
}

/**
 * The Nelson–Aalen estimate as survfit(Surv(time, status) ~ 1, ctype = 1):
 * cumhaz and std.chaz (the variance Σ d/n² that survfitkm.c uses, not the
 * Greenwood-like Σ d(n − d)/n³), with an interval for H taken from R's
 * interval for exp(−H) in the curve's conf.type and conf.int.
 */
export function nelsonAalen(curve: KaplanMeierResult): NelsonAalenResult {
  const { cumhaz, stdChaz } = nelsonAalenSums(curve);
  const m = cumhaz.length;
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  const z = qnorm(1 - (1 - curve.confLevel) / 2);
  for (let i = 0; i < m; i++) {
    const [sLower, sUpper] = confidenceInterval(
      Math.exp(-cumhaz[i]),
      stdChaz[i],
      z,
      curve.confType,
    );
    lower[i] = -Math.log(sUpper);
    upper[i] = -Math.log(sLower);
  }
  return {
    group: curve.group,
    time: curve.time,
    nRisk: curve.nRisk,
    nEvent: curve.nEvent,
    cumhaz,
    stdChaz,
    lower,
    upper,
    confType: curve.confType,
    confLevel: curve.confLevel,
  };
}

/** Number of sorted `times` ≤ t (R's findInterval). */
function countAtOrBelow(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of sorted `times` < t (findInterval(left.open = TRUE)). */
function countBelow(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The curve at chosen times, as R's `summary(fit, times, extend = TRUE)`.
 * summary first puts a row at min(0, first time) in front of the curve
 * (survfit0: S = 1, bounds 1, no SE, n at risk), so a time before the first
 * reads that row; a time past the last keeps the last values with 0 at risk.
 */
export function survivalAt(curve: KaplanMeierResult, times: readonly number[]): SurvivalAtTimes {
  const asked = times.filter(Number.isFinite).sort((a, b) => a - b);
  const { cumhaz, stdChaz } = nelsonAalenSums(curve);
  const m = curve.time.length;
  const start = Math.min(0, curve.time[0]);
  const front = curve.time[0] !== start ? 1 : 0;
  // survfit0's times; row r of it is row r − front of the curve, or the added one.
  const time0 = new Float64Array(m + front);
  time0[0] = start;
  time0.set(curve.time, front);
  const cumEvents = new Float64Array(m + front + 1);
  const cumCensor = new Float64Array(m + front + 1);
  for (let r = 0; r < m; r++) {
    cumEvents[r + front + 1] = cumEvents[r + front] + curve.nEvent[r];
    cumCensor[r + front + 1] = cumCensor[r + front] + curve.nCensor[r];
  }

  const out: SurvivalAtTimes = {
    time: asked,
    surv: [],
    stdErr: [],
    lower: [],
    upper: [],
    nRisk: [],
    nEvent: [],
    nCensor: [],
    cumhaz: [],
    stdChaz: [],
  };
  let eventsBefore = 0;
  let censorBefore = 0;
  for (const t of asked) {
    const index = countAtOrBelow(time0, t);
    const row = Math.max(index, 1) - 1 - front;
    if (row < 0) {
      out.surv.push(1);
      out.stdErr.push(0);
      out.lower.push(1);
      out.upper.push(1);
      out.cumhaz.push(0);
      out.stdChaz.push(0);
    } else {
      const s = curve.survival[row];
      out.surv.push(s);
      // Infinity × 0 is NaN once S reaches 0, as in R.
      out.stdErr.push(curve.stdErr[row] * s);
      out.lower.push(curve.lower[row]);
      out.upper.push(curve.upper[row]);
      out.cumhaz.push(cumhaz[row]);
      out.stdChaz.push(stdChaz[row]);
    }
    const below = countBelow(time0, t);
    out.nRisk.push(below < m + front ? curve.nRisk[Math.max(below - front, 0)] : 0);
    out.nEvent.push(cumEvents[index] - eventsBefore);
    out.nCensor.push(cumCensor[index] - censorBefore);
    eventsBefore = cumEvents[index];
    censorBefore = cumCensor[index];
  }
  return out;
}

/**
 * The restricted mean survival time up to τ and its standard error, as
 * survival:::survmean, which print(fit, rmean = τ) shows: the area under the
 * curve from min(0, first time) to τ (the curve held at its last value past
 * the last time), and se² = Σ over times tᵢ ≤ τ of A(tᵢ, τ)² · d/(n(n − d)),
 * A(tᵢ, τ) the area from tᵢ to τ (a term is 0 where n = d).
 * print(fit, rmean = τ) refuses a τ below the first time; survmean (and this)
 * gives τ with SE 0 there.
 */
export function restrictedMean(curve: KaplanMeierResult, tau: number): RestrictedMean {
  const start = Math.min(0, curve.time[0]);
  if (!Number.isFinite(tau) || tau < start) {
    throw new EngineError('survival.rmean-tau-invalid', { value: String(tau) });
  }
  let keep = 0;
  while (keep < curve.time.length && curve.time[keep] <= tau) keep++;
  // survmean's temptime = c(time[keep], τ), tempsurv = c(surv[keep], last),
  // rectangles = diff(c(start, temptime)) × c(1, tempsurv[-n]).
  const count = keep + 1;
  const rectangles = new Float64Array(count);
  let previous = start;
  for (let j = 0; j < count; j++) {
    const t = j < keep ? curve.time[j] : tau;
    rectangles[j] = (t - previous) * (j === 0 ? 1 : curve.survival[j - 1]);
    previous = t;
  }
  let area = 0;
  for (let j = 0; j < count; j++) area += rectangles[j];
  // sum(cumsum(rev(rectangles[-1]))^2 * rev(hh)[-1]): the area after time j,
  // accumulated from τ backwards.
  let variance = 0;
  let after = 0;
  for (let j = keep - 1; j >= 0; j--) {
    after += rectangles[j + 1];
    const n = curve.nRisk[j];
    const d = curve.nEvent[j];
    const hh = n - d === 0 ? 0 : d / (n * (n - d));
    variance += after * after * hh;
  }
  return { tau, rmean: area + start, se: Math.sqrt(variance) };
}
