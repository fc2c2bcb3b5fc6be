// A fitted Cox model as plain data (CoxModel: JSON-able, for a Score cell to
// apply to another table) and its predictions, as R survival 3.5's
// survfit(fit, newdata) and predict(fit, newdata, type = "lp" | "risk").
// Pure; runs in Node and in the worker.
//
// The baseline is survfit.coxph's at x = fit$means (0 for {−1, 0, 1}
// columns, as coxph centres): per stratum, at each event time with d events,
// R = Σ exp(lp) over the risk set and D over the d events, the hazard
// increment is d / R (Breslow, ctype 1) or Σₖ₌₀^{d−1} 1 / (R − k·D/d)
// (Efron, ctype 2: survfit's default after ties = 'efron'); S(t | x) =
// exp(−H₀(t)·exp((x − means)·β)) (stype 2). predict's lp is centred as R's
// default reference = "strata": on the stratum's column means in a
// stratified fit, on fit$means otherwise (exp(lp) is predict's "risk"). The
// hazard ratio against the average customer is coxHazardRatio's
// exp((x − x̄)·β), as the Cox cell and the forecast report it. A table is
// scored by engine/survival/forecast.ts.

import { cellText, EngineError, getColumn, type DataTable } from '../data/table';
import type { Pipeline } from '../models/types';
import type { CoxStrata, CoxTableResult, CoxTies } from './cox';
import type { SurvivalOutcome } from './prepare';

export interface CoxBaseline {
  /** Event times of the stratum, ascending. */
  time: number[];
  /** H₀ at those times, at x = means. */
  cumhaz: number[];
}

/** A fitted Cox model as it is stored and applied to other tables. */
export interface CoxModel {
  format: 'lifecycle-lab.cox';
  version: 1;
  /** How a table's rows become design rows; its '(Intercept)' column is not used. */
  pipeline: Pipeline;
  ties: CoxTies;
  /** β per design column after the intercept; null where aliased (scored as 0). */
  coefficients: (number | null)[];
  /** fit$means. */
  means: number[];
  strata: CoxStrata | null;
  /** Per stratum, the column means of its rows (predict's reference = "strata"); null unstratified. */
  stratumMeans: number[][] | null;
  /** One per stratum (one without strata). */
  baseline: CoxBaseline[];
  /** Ridge θ, or null. */
  penalty: number | null;
  /** The duration column and the events as the fit read them; absent in models stored before it. */
  outcome?: SurvivalOutcome;
}

/** The fit as a stored model; `outcome` (survivalOutcome of the fit's settings) recorded when given. */
export function coxModel(result: CoxTableResult, outcome?: SurvivalOutcome): CoxModel {
  const { fit, input } = result;
  const { n, p, X, time, event, strata } = input;
  const beta = fit.coefficients.map((c) => c.estimate);
  const nStrata = result.strata ? result.strata.levels.length : 1;
  const risk = fit.linearPredictors.map(Math.exp);
  const baseline: CoxBaseline[] = [];
  for (let s = 0; s < nStrata; s++) {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (!strata || strata[i] === s) rows.push(i);
    rows.sort((a, b) => time[b] - time[a]);
    const times: number[] = [];
    const hazard: number[] = [];
    let R = 0;
    let k = 0;
    while (k < rows.length) {
      const t = time[rows[k]];
      let d = 0;
      let D = 0;
      for (; k < rows.length && time[rows[k]] === t; k++) {
        const i = rows[k];
        R += risk[i];
        if (event[i]) {
          d++;
          D += risk[i];
        }
      }
      if (d === 0) continue;
      let h = 0;
      if (fit.ties === 'breslow') h = d / R;
      else for (let j = 0; j < d; j++) h += 1 / (R - (j * D) / d);
      times.push(t);
      hazard.push(h);
    }
    times.reverse();
    hazard.reverse();
    let H = 0;
    baseline.push({ time: times, cumhaz: hazard.map((h) => (H += h)) });
  }
  let stratumMeans: number[][] | null = null;
  if (strata) {
    stratumMeans = Array.from({ length: nStrata }, () => new Array<number>(p).fill(0));
    const counts = new Float64Array(nStrata);
    for (let i = 0; i < n; i++) {
      counts[strata[i]]++;
      for (let j = 0; j < p; j++) stratumMeans[strata[i]][j] += X[i * p + j];
    }
    stratumMeans.forEach((m, s) => m.forEach((v, j) => (m[j] = v / counts[s])));
  }
  return {
    format: 'lifecycle-lab.cox',
    version: 1,
    pipeline: result.pipeline,
    ties: fit.ties,
    coefficients: beta,
    means: Array.from(fit.means),
    strata: result.strata,
    stratumMeans,
    baseline,
    penalty: fit.ridge ? fit.ridge.theta : null,
    ...(outcome ? { outcome } : {}),
  };
}

function dot(model: CoxModel, x: ArrayLike<number>, center: ArrayLike<number>): number {
  let s = 0;
  model.coefficients.forEach((b, j) => {
    if (b !== null) s += b * (x[j] - center[j]);
  });
  return s;
}

function checkStratum(model: CoxModel, stratum: number | null): number {
  const count = model.baseline.length;
  if (model.strata === null) return 0;
  if (stratum === null || !(stratum >= 0 && stratum < count))
    throw new EngineError('cox.stratum-unknown', { stratum: String(stratum) });
  return stratum;
}

/**
 * predict(fit, newdata, type = "lp") for one design row x (the columns after
 * the intercept): centred on the stratum's means when stratified (R's
 * default reference), else on fit$means.
 */
export function coxLinearPredictor(
  model: CoxModel,
  x: ArrayLike<number>,
  stratum: number | null = null,
): number {
  const s = checkStratum(model, stratum);
  return dot(model, x, model.stratumMeans ? model.stratumMeans[s] : model.means);
}

/** survfit(fit, newdata = x): H(t | x) and S(t | x) at the stratum's event times. */
export function coxSurvivalCurve(
  model: CoxModel,
  x: ArrayLike<number>,
  stratum: number | null = null,
): { time: number[]; cumhaz: number[]; survival: number[] } {
  const base = model.baseline[checkStratum(model, stratum)];
  const r = Math.exp(dot(model, x, model.means));
  const cumhaz = base.cumhaz.map((h) => h * r);
  return { time: base.time.slice(), cumhaz, survival: cumhaz.map((h) => Math.exp(-h)) };
}

/** H₀ at t: the last event time ≤ t (0 before the first). */
function cumhazAt(base: CoxBaseline, t: number): number {
  let lo = 0;
  let hi = base.time.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (base.time[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : base.cumhaz[lo - 1];
}

/** S(t | x) at each horizon (summary(survfit(fit, newdata), times, extend = TRUE)$surv). */
export function coxSurvivalAt(
  model: CoxModel,
  x: ArrayLike<number>,
  stratum: number | null,
  horizons: ArrayLike<number>,
): Float64Array {
  const base = model.baseline[checkStratum(model, stratum)];
  const r = Math.exp(dot(model, x, model.means));
  return Float64Array.from(horizons as ArrayLike<number>, (t) => Math.exp(-cumhazAt(base, t) * r));
}

/**
 * exp((x − x̄)·β): the hazard ratio against the average customer, x̄ the
 * design columns' means over the rows fitted (a Cox report's `average`, as the
 * Cox cell reports it). Not exp(lp): R's fit$means put a 0/1 column at 0.
 */
export function coxHazardRatio(
  model: CoxModel,
  x: ArrayLike<number>,
  average: ArrayLike<number>,
): number {
  return Math.exp(dot(model, x, average));
}

/** exp((x − means)·β): the factor on the baseline H₀ in H(t | x) (survfit's risk at newdata). */
export function coxRisk(model: CoxModel, x: ArrayLike<number>): number {
  return Math.exp(dot(model, x, model.means));
}

/**
 * S(a + h | T > a, x) = S(a + h | x) / S(a | x) at each horizon h, for a
 * customer of risk `risk` (coxRisk) who has stayed a: formed as
 * exp(−(H₀(a + h) − H₀(a))·risk), so a tiny S(a | x) gives no 0 / 0. With
 * a = 0 it is S(h | x), as coxSurvivalAt. Written into `out` (one per horizon).
 */
export function coxConditionalSurvival(
  model: CoxModel,
  risk: number,
  stratum: number | null,
  a: number,
  horizons: ArrayLike<number>,
  out: Float64Array = new Float64Array(horizons.length),
): Float64Array {
  const base = model.baseline[checkStratum(model, stratum)];
  const Ha = cumhazAt(base, a);
  for (let h = 0; h < horizons.length; h++)
    out[h] = Math.exp(-(cumhazAt(base, a + horizons[h]) - Ha) * risk);
  return out;
}

/**
 * The median residual life on the step curve: the smallest m with
 * S(a + m | x) / S(a | x) ≤ 0.5, i.e. the first event time t > a with
 * (H₀(t) − H₀(a))·risk ≥ log 2, less a. NaN when the curve does not get
 * there by the stratum's last event time: past it the step curve is flat and
 * says nothing (a parametric model forecasts the tail).
 */
export function coxResidualMedian(
  model: CoxModel,
  risk: number,
  stratum: number | null,
  a: number,
): number {
  const base = model.baseline[checkStratum(model, stratum)];
  const target = cumhazAt(base, a) + Math.LN2 / risk;
  const { time, cumhaz } = base;
  // The first event time whose H₀ reaches the target (H₀ increases at every event time).
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumhaz[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo < time.length ? time[lo] - a : NaN;
}

/**
 * Per table row, the model's stratum index: −1 where a strata column is
 * missing, null for every row of an unstratified model; a combination the
 * model does not know is refused (EngineError).
 */
export function coxStratumOf(model: CoxModel, table: DataTable): ((r: number) => number) | null {
  if (!model.strata) return null;
  const columns = model.strata.columns.map((name) => getColumn(table, name));
  const index = new Map(model.strata.levels.map((values, s) => [values.join('\u0000'), s]));
  return (r) => {
    for (const c of columns)
      if (c.kind === 'string' ? c.codes[r] < 0 : Number.isNaN(c.values[r])) return -1;
    const key = columns.map((c) => cellText(c, r)).join('\u0000');
    const s = index.get(key);
    if (s === undefined)
      throw new EngineError('cox.stratum-unknown', { stratum: key.split('\u0000').join(', ') });
    return s;
  };
}
