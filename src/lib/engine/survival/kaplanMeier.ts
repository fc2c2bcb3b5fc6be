// Kaplan–Meier survival curves with Greenwood standard errors, pointwise
// confidence intervals and the median with its confidence interval.
// Pure; runs in Node and in the worker.
//
// Every number follows R's survival package (3.5): survfit(Surv(time, status)
// ~ 1) for the curve, survfit_confint for the intervals, quantile.survfit for
// the median, summary(fit, times, extend = TRUE) for the numbers at risk.
// tests/fixtures/r/make-km.R produces the reference values the tests use.

import { EngineError } from '../data/table';
import { qnorm } from './qnorm';

export type ConfType = 'log' | 'log-log' | 'plain';

export interface KaplanMeierOptions {
  confType: ConfType;
  /** Two-sided confidence level, e.g. 0.95. */
  confLevel: number;
}

/** R's defaults: survfit(conf.type = 'log', conf.int = 0.95). */
export const DEFAULT_KM_OPTIONS: KaplanMeierOptions = { confType: 'log', confLevel: 0.95 };

export interface MedianSurvival {
  /** NaN when not reached (as R's NA). */
  estimate: number;
  lower: number;
  upper: number;
}

/** One row per distinct time (events or censorings), like the survfit object. */
export interface KaplanMeierResult {
  group: string | null;
  /** Rows used. */
  n: number;
  events: number;
  time: Float64Array;
  nRisk: Float64Array;
  nEvent: Float64Array;
  nCensor: Float64Array;
  survival: Float64Array;
  /** As survfit's std.err: the SE of the cumulative hazard (Greenwood), Infinity once S = 0. */
  stdErr: Float64Array;
  /** NaN where R reports NA or NaN (S = 0, and S = 1 for 'log-log'). */
  lower: Float64Array;
  upper: Float64Array;
  median: MedianSurvival;
  confType: ConfType;
  confLevel: number;
}

// survfit's default timefix and quantile.survfit's tolerance.
const TOLERANCE = Math.sqrt(Number.EPSILON);

function resolveOptions(options: Partial<KaplanMeierOptions> | undefined): KaplanMeierOptions {
  const resolved = { ...DEFAULT_KM_OPTIONS, ...options };
  if (!(resolved.confLevel > 0 && resolved.confLevel < 1)) {
    throw new EngineError('survival.conf-level-invalid', { value: resolved.confLevel });
  }
  if (!['log', 'log-log', 'plain'].includes(resolved.confType)) {
    throw new EngineError('survival.conf-type-invalid', { value: String(resolved.confType) });
  }
  return resolved;
}

function checkInputs(time: Float64Array, event: Uint8Array): void {
  if (time.length !== event.length) {
    throw new EngineError('survival.length-mismatch', { time: time.length, event: event.length });
  }
  for (let i = 0; i < time.length; i++) {
    if (!Number.isFinite(time[i])) throw new EngineError('survival.invalid-time', { row: i + 1 });
  }
}

/**
 * survfit's timefix (survival::aeqSurv) on sorted times: distinct times closer
 * than sqrt(eps), absolutely or relative to the mean distinct time, are one
 * time, so that 0.1 + 0.2 and 0.3 tie. Returns the times that remain (each run
 * of near-equal times becomes its first), or null when nothing is merged.
 */
export function nearTimeCuts(sorted: Float64Array): number[] | null {
  let meanAbs = 0;
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    meanAbs += Math.abs(sorted[i]);
    distinct++;
  }
  meanAbs /= distinct;
  const cuts: number[] = [];
  let previous = NaN;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i];
    if (t === previous) continue;
    const dy = t - previous;
    if (!(dy <= TOLERANCE || dy / meanAbs <= TOLERANCE)) cuts.push(t);
    previous = t;
  }
  return cuts.length === distinct ? null : cuts;
}

/** Replaces each sorted time by the last cut at or below it (R's findInterval). */
export function applyCutsSorted(sorted: Float64Array, cuts: readonly number[]): void {
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (k + 1 < cuts.length && cuts[k + 1] <= sorted[i]) k++;
    sorted[i] = cuts[k];
  }
}

/** `time` with near-equal times merged as survfit's timefix does (`time` itself if none are). */
export function fixTimes(time: Float64Array): Float64Array {
  const cuts = nearTimeCuts(Float64Array.from(time).sort());
  if (cuts === null) return time;
  return time.map((t) => {
    let lo = 0;
    let hi = cuts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cuts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return cuts[lo];
  });
}

/**
 * The Kaplan–Meier curve of one sample, as R's
 * `survfit(Surv(time, event) ~ 1, conf.type, conf.int)`.
 * `event[i]` is 1 for an event and 0 for a censoring.
 */
export function kaplanMeier(
  time: Float64Array,
  event: Uint8Array,
  options?: Partial<KaplanMeierOptions>,
  group: string | null = null,
): KaplanMeierResult {
  const resolved = resolveOptions(options);
  checkInputs(time, event);
  if (time.length === 0) throw new EngineError('survival.no-usable-rows', { excluded: 0 });
  return fitCurve(time, event, resolved, group, true);
}

/**
 * One curve per group, in the order of `groupNames`; rows whose code is -1 are
 * left out, and so are groups without rows. With `groupCodes` null, one curve
 * of all rows (group null). Near-equal times are merged over all rows first,
 * as survfit does before it splits by strata.
 */
export function kaplanMeierByGroup(
  time: Float64Array,
  event: Uint8Array,
  groupCodes: Int32Array | null,
  groupNames: readonly string[],
  options?: Partial<KaplanMeierOptions>,
): KaplanMeierResult[] {
  if (groupCodes === null) return [kaplanMeier(time, event, options)];
  const resolved = resolveOptions(options);
  checkInputs(time, event);
  if (groupCodes.length !== time.length) {
    throw new EngineError('survival.length-mismatch', {
      time: time.length,
      event: groupCodes.length,
    });
  }
  const groupCount = groupNames.length;
  // Counting sort of the rows by group: one pass to size, one to place.
  const starts = new Int32Array(groupCount + 1);
  let used = 0;
  for (let i = 0; i < groupCodes.length; i++) {
    const code = groupCodes[i];
    if (code < 0) continue;
    if (code >= groupCount) {
      throw new EngineError('survival.group-code-invalid', { row: i + 1, code });
    }
    starts[code + 1]++;
    used++;
  }
  if (used === 0) throw new EngineError('survival.no-usable-rows', { excluded: time.length });
  for (let g = 0; g < groupCount; g++) starts[g + 1] += starts[g];

  const usedTime = new Float64Array(used);
  const usedEvent = new Uint8Array(used);
  const next = starts.slice(0, groupCount);
  for (let i = 0; i < groupCodes.length; i++) {
    const code = groupCodes[i];
    if (code < 0) continue;
    const at = next[code]++;
    usedTime[at] = time[i];
    usedEvent[at] = event[i];
  }
  const fixedTime = fixTimes(usedTime);

  const curves: KaplanMeierResult[] = [];
  for (let g = 0; g < groupCount; g++) {
    if (starts[g + 1] === starts[g]) continue;
    curves.push(
      fitCurve(
        fixedTime.subarray(starts[g], starts[g + 1]),
        usedEvent.subarray(starts[g], starts[g + 1]),
        resolved,
        groupNames[g],
        false,
      ),
    );
  }
  return curves;
}

/** The curve of one sample; `mergeNearTimes` false when the caller has merged them. */
function fitCurve(
  time: Float64Array,
  event: Uint8Array,
  options: KaplanMeierOptions,
  group: string | null,
  mergeNearTimes: boolean,
): KaplanMeierResult {
  const n = time.length;
  // Sorting all times and, separately, the event times with the native
  // typed-array sort avoids an index array and a comparator: the number of
  // events at a time is then a run in the second array.
  const all = Float64Array.from(time).sort();
  let events = 0;
  for (let i = 0; i < n; i++) if (event[i]) events++;
  const eventTimes = new Float64Array(events);
  for (let i = 0, k = 0; i < n; i++) if (event[i]) eventTimes[k++] = time[i];
  eventTimes.sort();
  if (mergeNearTimes) {
    const cuts = nearTimeCuts(all);
    if (cuts !== null) {
      applyCutsSorted(all, cuts);
      applyCutsSorted(eventTimes, cuts);
    }
  }

  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || all[i] !== all[i - 1]) distinct++;

  const out = {
    time: new Float64Array(distinct),
    nRisk: new Float64Array(distinct),
    nEvent: new Float64Array(distinct),
    nCensor: new Float64Array(distinct),
    survival: new Float64Array(distinct),
    stdErr: new Float64Array(distinct),
    lower: new Float64Array(distinct),
    upper: new Float64Array(distinct),
  };
  const z = qnorm(1 - (1 - options.confLevel) / 2);
  let atRisk = n;
  let s = 1;
  let greenwood = 0;
  let i = 0;
  let e = 0;
  for (let row = 0; row < distinct; row++) {
    const t = all[i];
    let total = 0;
    while (i < n && all[i] === t) {
      total++;
      i++;
    }
    let d = 0;
    while (e < events && eventTimes[e] === t) {
      d++;
      e++;
    }
    if (d > 0) {
      s *= (atRisk - d) / atRisk;
      // d / 0 = Infinity when everyone at risk has the event, as in R.
      greenwood += d / (atRisk * (atRisk - d));
    }
    out.time[row] = t;
    out.nRisk[row] = atRisk;
    out.nEvent[row] = d;
    out.nCensor[row] = total - d;
    out.survival[row] = s;
    const se = Math.sqrt(greenwood);
    out.stdErr[row] = se;
    const [lower, upper] = confidenceInterval(s, se, z, options.confType);
    out.lower[row] = lower;
    out.upper[row] = upper;
    atRisk -= total;
  }
  return {
    group,
    n,
    events,
    ...out,
    median: medianWithInterval(out.time, out.survival, out.lower, out.upper),
    confType: options.confType,
    confLevel: options.confLevel,
  };
}

/** survival:::survfit_confint for a log-scale standard error (KM's). */
export function confidenceInterval(
  s: number,
  se: number,
  z: number,
  type: ConfType,
): [number, number] {
  switch (type) {
    case 'plain': {
      // At S = 0 the SE is infinite and Infinity * 0 is NaN, as R reports.
      const half = se * s * z;
      return [Math.max(s - half, 0), Math.min(s + half, 1)];
    }
    case 'log': {
      if (s === 0) return [NaN, NaN];
      return [Math.exp(Math.log(s) - z * se), Math.min(Math.exp(Math.log(s) + z * se), 1)];
    }
    case 'log-log': {
      if (s === 0 || s === 1) return [NaN, NaN];
      const logS = Math.log(s);
      const half = (z * se) / logS;
      const loglog = Math.log(-logS);
      return [Math.exp(-Math.exp(loglog - half)), Math.exp(-Math.exp(loglog + half))];
    }
  }
}

/**
 * quantile(fit, 0.5) of R: the median from the survival curve, its CI from
 * where the lower and upper curves cross 0.5. print(fit) agrees except when
 * the curve ends exactly at 0.5, where quantile() takes the midpoint of that
 * time and the last time, and print() takes the time itself.
 */
function medianWithInterval(
  time: Float64Array,
  survival: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
): MedianSurvival {
  return {
    estimate: crossingTime(time, survival, 0.5),
    lower: crossingTime(time, lower, 0.5),
    upper: crossingTime(time, upper, 0.5),
  };
}

/**
 * survival:::findq on x = (0, time), y = (0, 1 - curve), including its use of
 * approx(method = 'constant', f = 1) on the distinct non-missing y values
 * sorted by y. The sort matters only for curves that are not monotone (an
 * upper bound can rise again near the end); the result then is what R gives.
 */
function crossingTime(time: Float64Array, curve: Float64Array, p: number): number {
  const count = time.length + 1;
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  xs.set(time, 1);
  for (let i = 0; i < time.length; i++) ys[i + 1] = 1 - curve[i];

  let maxY = -Infinity;
  for (const y of ys) if (y > maxY) maxY = y;
  if (maxY < p) return NaN;
  const xmax = xs[count - 1];

  // duplicated(): keep the first occurrence of each value; all NaNs are one value.
  const x: number[] = [];
  const y: number[] = [];
  let seenNaN = false;
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const v = ys[i];
    if (Number.isNaN(v)) {
      if (seenNaN) continue;
      seenNaN = true;
    } else {
      if (seen.has(v)) continue;
      seen.add(v);
    }
    x.push(xs[i]);
    y.push(v);
  }

  const index1 = constantStepIndex(y, TOLERANCE, p);
  const index2 = constantStepIndex(y, -TOLERANCE, p);
  const last = y[y.length - 1];
  if (!Number.isNaN(last) && Math.abs(p - last) < TOLERANCE) {
    return Number.isNaN(index1) ? NaN : (x[index1] + xmax) / 2;
  }
  if (Number.isNaN(index1) || Number.isNaN(index2)) return NaN;
  return (x[index1] + x[index2]) / 2;
}

/**
 * approx(y + shift, seq_along(y), p, method = 'constant', f = 1)$y - 1 (a
 * 0-based index): among the non-missing points sorted by y + shift, the index
 * of the first point whose value is at or above p; NaN when p lies outside them.
 */
function constantStepIndex(y: readonly number[], shift: number, p: number): number {
  const points: { v: number; index: number }[] = [];
  for (let i = 0; i < y.length; i++) {
    if (!Number.isNaN(y[i])) points.push({ v: y[i] + shift, index: i });
  }
  points.sort((a, b) => a.v - b.v);
  const last = points.length - 1;
  if (last < 0 || p < points[0].v || p > points[last].v) return NaN;
  let lo = 0;
  let hi = last;
  while (lo < hi - 1) {
    const mid = (lo + hi) >> 1;
    if (p < points[mid].v) hi = mid;
    else lo = mid;
  }
  if (p === points[hi].v) return points[hi].index;
  if (p === points[lo].v) return points[lo].index;
  return points[hi].index;
}

/**
 * Number at risk at each time in `at`, as R's
 * `summary(fit, times = at, extend = TRUE)$n.risk`: the number at risk at the
 * first curve time at or after t, n before the first time, 0 past the last.
 */
export function numberAtRisk(curve: KaplanMeierResult, at: readonly number[]): number[] {
  const times = curve.time;
  return at.map((t) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo < times.length ? curve.nRisk[lo] : 0;
  });
}

/**
 * Round times from 0 to at most `maxTime` for the at-risk table under a
 * chart: a step of 1, 2 or 5 times a power of ten giving about `count`
 * intervals.
 */
export function niceRiskTimes(maxTime: number, count = 5): number[] {
  if (!(maxTime > 0) || !Number.isFinite(maxTime)) return [0];
  const rough = maxTime / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(rough)));
  const fraction = rough / power;
  // The nearest of 1, 2, 5, 10 on a log scale (the thresholds d3's ticks use).
  const nice =
    fraction >= Math.sqrt(50)
      ? 10
      : fraction >= Math.sqrt(10)
        ? 5
        : fraction >= Math.sqrt(2)
          ? 2
          : 1;
  const step = nice * power;
  const times: number[] = [];
  // Multiplying rather than accumulating keeps ticks like 0.3 exact.
  for (let k = 0; k * step <= maxTime * (1 + 1e-12); k++) {
    times.push(Number((k * step).toPrecision(12)));
  }
  return times;
}
