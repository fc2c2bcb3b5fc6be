// A logistic regression with the inference an analyst reads beside it, as R's
// summary(glm(..., family = binomial)) and SAS PROC LOGISTIC print it: the
// coefficient table with odds ratios and their Wald and profile-likelihood
// intervals, deviances, information criteria, the likelihood-ratio test,
// pseudo-R², Hosmer–Lemeshow and generalised VIFs; and the problems that make
// those numbers unreliable, named (aliasing, separation, no convergence).
// Pure; runs in the compute worker and in Node.
//
// The fit is ./irls.ts. Definitions that are not glm's own:
//   - Hosmer–Lemeshow: ResourceSelection::hoslem.test(y, fitted, g = 10)
//     (groups cut at unique(quantile(fitted, 0:10 / 10)), include.lowest);
//     with case weights, observed and expected are weighted sums.
//   - GVIF: car::vif (Fox & Monette 1992) from the coefficient covariance;
//     none when a coefficient is aliased or fewer than two terms (car refuses).
//   - Profile-likelihood intervals: SAS CLODDS=PL (Venzon & Moolgavkar's
//     definition): the values b where the deviance with the coefficient held
//     at b exceeds the minimum by χ²₁(0.95) = qnorm(0.975)², found by a
//     safeguarded secant on the signed root of the deviance difference, which
//     is almost linear in b.
//   - Nagelkerke's R² uses the summed case weights as the number of rows.
//   - With an L2 penalty, AIC and BIC count the effective number of
//     parameters, tr((XᵀWX + λD)⁻¹XᵀWX).

import { EngineError, NO_PROGRESS, type Progress } from '../data/table';
import { pchisqUpper, qnorm, zTestP } from '../stats/distributions';
import { quantile7 } from '../stats/quantile';
import { irls, type IrlsResult } from './irls';
import type {
  CoefficientRow,
  Design,
  FitWarning,
  HosmerLemeshow,
  LogisticFit,
  LogisticModel,
  Pipeline,
  VifRow,
} from './types';

export interface LogisticOptions {
  /** Case weights, one per design row (≥ 0); default 1. */
  weights?: Float64Array;
  /** L2 penalty λ on the log-likelihood scale (not on the intercept); null or 0 for maximum likelihood. */
  penalty?: number | null;
  /** Profile-likelihood intervals (two root searches over constrained refits per coefficient). */
  profile?: boolean;
  /** Rows × coefficients above which profile intervals are skipped (default PROFILE_CELL_LIMIT). */
  profileCellLimit?: number;
  /** IRLS limits (R's glm.control): default 1e-8 and 25. */
  epsilon?: number;
  maxit?: number;
}

/** z for the 95 % intervals, and χ²₁(0.95) as its square. */
const Z95 = qnorm(0.975);

/**
 * Profile intervals cost two root searches per coefficient, each a few
 * constrained refits (about 12 passes over the rows per coefficient): past
 * this many design cells (rows × coefficients) they are skipped with a
 * warning unless the caller raises the limit. 2.5e6 cells took about 15 s on
 * a busy two-core machine (docs/perf/logistic.md, decision 0015).
 */
export const PROFILE_CELL_LIMIT = 2_500_000;

/** Convergence of the profile's refits: tight enough that the deviance is exact to its rounding. */
const PROFILE_EPSILON = 1e-12;

/**
 * Fits the model of `design` (built from `pipeline`) and computes its
 * inference. Throws an EngineError for data it cannot fit (a single class, no
 * rows, more parameters than rows, a constant feature, complete separation);
 * returns problems it can show a result for as `fit.warnings`.
 */
export async function fitLogistic(
  design: Design,
  pipeline: Pipeline,
  options: LogisticOptions = {},
  progress: Progress = NO_PROGRESS,
): Promise<{ fit: LogisticFit; model: LogisticModel }> {
  const { n, p, y } = design;
  const weights = options.weights;
  const penalty = options.penalty ? options.penalty : null;
  if (penalty !== null && !(penalty > 0 && Number.isFinite(penalty)))
    throw new EngineError('model.invalid-penalty', { penalty: String(options.penalty) });
  if (p !== pipeline.coefficients.length)
    throw new Error(
      `fitLogistic: design has ${p} columns, pipeline ${pipeline.coefficients.length}`,
    );
  if (n === 0) throw new EngineError('model.no-rows', {});
  if (weights) {
    if (weights.length !== n) throw new Error('fitLogistic: one weight per design row');
    for (let i = 0; i < n; i++)
      if (!(weights[i] >= 0) || !Number.isFinite(weights[i]))
        throw new EngineError('model.invalid-weights', { row: i + 1, value: String(weights[i]) });
  }

  const stats = columnStats(design, weights);
  const { nObs, totalWeight, weightedEvents, events } = stats;
  const target = pipeline.target;
  if (nObs === 0) throw new EngineError('model.no-rows', {});
  if (weightedEvents === 0 || weightedEvents === totalWeight)
    throw new EngineError('model.single-class', {
      column: target.column,
      positive: target.positive,
      events,
      rows: nObs,
    });
  if (nObs <= p) throw new EngineError('model.too-many-parameters', { parameters: p, rows: nObs });
  for (const feature of pipeline.features) {
    const columns = columnsOfTerm(pipeline, feature.column);
    if (columns.length > 0 && columns.every((j) => stats.constant[j]))
      throw new EngineError('model.constant-feature', { column: feature.column });
  }

  const result = await irls(design, {
    weights,
    penalty,
    epsilon: options.epsilon,
    maxit: options.maxit,
    progress,
  });

  const warnings: FitWarning[] = [];
  const names = pipeline.coefficients.map((c) => c.name);
  const aliased = new Set(result.aliased);
  if (aliased.size > 0)
    warnings.push({
      code: 'model.aliased-coefficients',
      params: { coefficients: result.aliased.map((j) => names[j]).join(', ') },
    });

  // Null model: the weighted event share, in closed form (glm's wtdmu).
  const share = weightedEvents / totalWeight;
  const nullDeviance =
    -2 * (weightedEvents * Math.log(share) + (totalWeight - weightedEvents) * Math.log(1 - share));

  if (penalty === null) {
    // Complete separation: the likelihood reaches its supremum 1, nothing to show.
    const complete = result.deviance < 1e-6 * nullDeviance;
    const separating = separation(pipeline, stats, result, complete);
    if (separating.length > 0) {
      const features = separating.join(', ');
      if (complete) throw new EngineError('model.separation', { features });
      warnings.push({ code: 'model.quasi-separation', params: { features } });
    }
  } else warnings.push({ code: 'model.penalised', params: { penalty } });
  if (!result.converged)
    warnings.push({ code: 'model.not-converged', params: { iterations: result.iterations } });

  const k = penalty === null ? result.rank : result.edf;
  const deviance = result.deviance;
  const lrChi2 = Math.max(0, nullDeviance - deviance);
  const lrDf = result.rank - 1;
  const coxSnell = 1 - Math.exp((deviance - nullDeviance) / totalWeight);

  const cellLimit = options.profileCellLimit ?? PROFILE_CELL_LIMIT;
  let profile: [number | null, number | null][] | null = null;
  if (options.profile && penalty === null && result.converged) {
    if (n * p <= cellLimit) profile = await profileIntervals(design, weights, result, progress);
    else
      warnings.push({
        code: 'model.profile-skipped',
        params: { rows: n, coefficients: p, limit: cellLimit },
      });
  }

  const coefficients: CoefficientRow[] = pipeline.coefficients.map((c, j) => {
    const estimate = aliased.has(j) ? null : result.beta[j];
    const row: CoefficientRow = {
      ...c,
      estimate,
      se: null,
      z: null,
      p: null,
      oddsRatio: estimate === null ? null : Math.exp(estimate),
      waldLower: null,
      waldUpper: null,
      profileLower: profile ? profile[j][0] : null,
      profileUpper: profile ? profile[j][1] : null,
      aliased: aliased.has(j),
    };
    if (estimate !== null && penalty === null) {
      const se = Math.sqrt(result.covariance[j * p + j]);
      row.se = se;
      row.z = estimate / se;
      row.p = zTestP(row.z);
      row.waldLower = Math.exp(estimate - Z95 * se);
      row.waldUpper = Math.exp(estimate + Z95 * se);
    }
    return row;
  });

  let hosmerLemeshow: HosmerLemeshow | null = hosmerLemeshowTest(y, result.mu, weights);
  if (hosmerLemeshow === null) warnings.push({ code: 'model.hosmer-lemeshow-ties', params: {} });
  const vif = penalty === null && aliased.size === 0 ? gvif(pipeline, result.covariance) : [];
  if (hosmerLemeshow && !Number.isFinite(hosmerLemeshow.chi2)) hosmerLemeshow = null;

  const fit: LogisticFit = {
    coefficients,
    n,
    events,
    weight: totalWeight,
    nullDeviance,
    nullDf: nObs - 1,
    deviance,
    residualDf: nObs - result.rank,
    logLik: -deviance / 2,
    aic: deviance + 2 * k,
    bic: deviance + Math.log(nObs) * k,
    lrTest: { chi2: lrChi2, df: lrDf, p: pchisqUpper(lrChi2, lrDf) },
    mcfadden: 1 - deviance / nullDeviance,
    nagelkerke: coxSnell / (1 - Math.exp(-nullDeviance / totalWeight)),
    hosmerLemeshow,
    vif,
    iterations: result.iterations,
    converged: result.converged,
    penalty,
    warnings,
  };
  const model: LogisticModel = {
    format: 'lifecycle-lab.logistic',
    version: 1,
    pipeline,
    beta: coefficients.map((c) => c.estimate),
    offset: 0,
    penalty,
  };
  return { fit, model };
}

/** Design columns of a term (by Coefficient.term). */
export function columnsOfTerm(pipeline: Pipeline, term: string): number[] {
  const out: number[] = [];
  pipeline.coefficients.forEach((c, j) => {
    if (c.term === term) out.push(j);
  });
  return out;
}

/** Per design column, over rows with a non-zero weight: range within each class, and sums. */
interface ColumnStats {
  nObs: number;
  totalWeight: number;
  weightedEvents: number;
  events: number;
  min0: Float64Array;
  max0: Float64Array;
  min1: Float64Array;
  max1: Float64Array;
  constant: Uint8Array;
  sd: Float64Array;
}

function columnStats(design: Design, weights: Float64Array | undefined): ColumnStats {
  const { n, p, X, y } = design;
  const min0 = new Float64Array(p).fill(Infinity);
  const max0 = new Float64Array(p).fill(-Infinity);
  const min1 = new Float64Array(p).fill(Infinity);
  const max1 = new Float64Array(p).fill(-Infinity);
  const sum = new Float64Array(p);
  const sum2 = new Float64Array(p);
  let nObs = 0;
  let totalWeight = 0;
  let weightedEvents = 0;
  let events = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    events += y[i];
    if (w === 0) continue;
    nObs++;
    totalWeight += w;
    weightedEvents += w * y[i];
    const base = i * p;
    const lo = y[i] ? min1 : min0;
    const hi = y[i] ? max1 : max0;
    for (let j = 0; j < p; j++) {
      const v = X[base + j];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
      sum[j] += v;
      sum2[j] += v * v;
    }
  }
  const constant = new Uint8Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const lo = Math.min(min0[j], min1[j]);
    const hi = Math.max(max0[j], max1[j]);
    constant[j] = lo === hi ? 1 : 0;
    const mean = sum[j] / nObs;
    sd[j] = Math.sqrt(Math.max(0, sum2[j] / nObs - mean * mean));
  }
  return { nObs, totalWeight, weightedEvents, events, min0, max0, min1, max1, constant, sd };
}

/**
 * The features that separate the classes, for the message. A column whose
 * values in one class all lie at or beyond its values in the other (e.g. a
 * level with no event, or none without) makes the maximum-likelihood estimate
 * infinite, whatever else is in the model: named first. Otherwise, when
 * fitted probabilities reached 0 or 1 (R's warning) or the deviance is 0
 * (complete separation by a combination of features), the features with
 * the largest standardised coefficients, which are the ones diverging.
 */
function separation(
  pipeline: Pipeline,
  stats: ColumnStats,
  result: IrlsResult,
  complete: boolean,
): string[] {
  const aliased = new Set(result.aliased);
  const features = new Set<string>();
  const p = pipeline.coefficients.length;
  for (let j = 1; j < p; j++) {
    if (aliased.has(j) || stats.constant[j]) continue;
    if (stats.max0[j] <= stats.min1[j] || stats.max1[j] <= stats.min0[j])
      features.add(pipeline.coefficients[j].term);
  }
  if (features.size === 0 && (result.boundary > 0 || complete)) {
    let largest = 0;
    const size = new Float64Array(p);
    for (let j = 1; j < p; j++) {
      if (aliased.has(j)) continue;
      size[j] = Math.abs(result.beta[j]) * stats.sd[j];
      largest = Math.max(largest, size[j]);
    }
    for (let j = 1; j < p; j++)
      if (size[j] >= 0.5 * largest && size[j] > 0) features.add(pipeline.coefficients[j].term);
  }
  return [...features];
}

/**
 * ResourceSelection::hoslem.test(y, fitted, g = 10): null when the fitted
 * values have so many ties that fewer than three groups remain.
 */
export function hosmerLemeshowTest(
  y: Uint8Array,
  mu: Float64Array,
  weights?: Float64Array,
  g = 10,
): HosmerLemeshow | null {
  const n = mu.length;
  const sorted = Float64Array.from(mu).sort();
  const breaks: number[] = [];
  for (let k = 0; k <= g; k++) {
    const q = quantile7(sorted, k / g);
    if (breaks.length === 0 || q !== breaks[breaks.length - 1]) breaks.push(q);
  }
  const groups = breaks.length - 1;
  if (groups < 3) return null;
  const count = new Float64Array(groups);
  const observed = new Float64Array(groups);
  const expected = new Float64Array(groups);
  const total = new Float64Array(groups);
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    // cut(..., include.lowest = TRUE): (b_k, b_{k+1}], the first closed on the left.
    let lo = 0;
    let hi = groups - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (mu[i] <= breaks[mid + 1]) hi = mid;
      else lo = mid + 1;
    }
    count[lo]++;
    total[lo] += w;
    observed[lo] += w * y[i];
    expected[lo] += w * mu[i];
  }
  let chi2 = 0;
  const out: HosmerLemeshow['groups'] = [];
  for (let k = 0; k < groups; k++) {
    if (count[k] === 0) continue;
    const o1 = observed[k];
    const e1 = expected[k];
    const o0 = total[k] - o1;
    const e0 = total[k] - e1;
    chi2 += ((o1 - e1) * (o1 - e1)) / e1 + ((o0 - e0) * (o0 - e0)) / e0;
    out.push({ n: count[k], observed: o1, expected: e1 });
  }
  const df = g - 2;
  return { chi2, df, p: pchisqUpper(chi2, df), groups: out };
}

/** ln det of a symmetric positive-definite m × m matrix (row-major), by Cholesky; NaN if not. */
function logDet(a: Float64Array, m: number): number {
  const L = Float64Array.from(a);
  let sum = 0;
  for (let j = 0; j < m; j++) {
    let d = L[j * m + j];
    for (let k = 0; k < j; k++) d -= L[j * m + k] * L[j * m + k];
    if (!(d > 0)) return NaN;
    const ljj = Math.sqrt(d);
    L[j * m + j] = ljj;
    sum += Math.log(d);
    for (let i = j + 1; i < m; i++) {
      let s = L[i * m + j];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      L[i * m + j] = s / ljj;
    }
  }
  return sum;
}

/** car::vif: GVIF = det(R₁₁)·det(R₂₂)/det(R), R the coefficients' correlation without the intercept. */
function gvif(pipeline: Pipeline, covariance: Float64Array): VifRow[] {
  const p = pipeline.coefficients.length;
  const terms = [...new Set(pipeline.coefficients.slice(1).map((c) => c.term))];
  if (terms.length < 2 || pipeline.coefficients[0].term !== '(Intercept)') return [];
  const m = p - 1;
  const R = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      const ja = a + 1;
      const jb = b + 1;
      R[a * m + b] =
        covariance[ja * p + jb] / Math.sqrt(covariance[ja * p + ja] * covariance[jb * p + jb]);
    }
  const sub = (keep: number[]): Float64Array => {
    const out = new Float64Array(keep.length * keep.length);
    keep.forEach((a, x) => keep.forEach((b, y) => (out[x * keep.length + y] = R[a * m + b])));
    return out;
  };
  const all = logDet(R, m);
  return terms.map((term) => {
    const inTerm: number[] = [];
    const rest: number[] = [];
    for (let a = 0; a < m; a++)
      (pipeline.coefficients[a + 1].term === term ? inTerm : rest).push(a);
    const g = Math.exp(logDet(sub(inTerm), inTerm.length) + logDet(sub(rest), rest.length) - all);
    const df = inTerm.length;
    return { term, gvif: g, df, adjusted: Math.pow(g, 1 / (2 * df)) };
  });
}

/**
 * Profile-likelihood bounds of every coefficient but the intercept, as odds
 * ratios ([lower, upper] per design column; null where not found, e.g. an
 * interval that is unbounded because of separation).
 */
async function profileIntervals(
  design: Design,
  weights: Float64Array | undefined,
  mle: IrlsResult,
  progress: Progress,
): Promise<[number | null, number | null][]> {
  const { p } = design;
  const aliased = new Set(mle.aliased);
  const columns: number[] = [];
  for (let j = 0; j < p; j++) if (!aliased.has(j)) columns.push(j);
  // The minimum to high precision: glm's 1e-8 stops a little short of it, and
  // the bounds are read off a deviance difference of 3.84.
  const best = await irls(design, {
    weights,
    columns,
    start: mle.beta,
    epsilon: PROFILE_EPSILON,
    maxit: 50,
  });
  const devHat = best.deviance;
  const out: [number | null, number | null][] = Array.from({ length: p }, () => [null, null]);
  let done = 0;
  const total = 2 * (columns.length - 1);
  for (const j of columns) {
    if (j === 0) continue;
    const se = Math.sqrt(best.covariance[j * p + j]);
    for (const side of [-1, 1] as const) {
      const bound = await profileBound(design, weights, columns, j, best, devHat, se, side);
      out[j][side < 0 ? 0 : 1] = bound === null ? null : Math.exp(bound);
      await progress.report(++done, total);
    }
  }
  return out;
}

/** One bound: the b on `side` of β̂ⱼ where sign(b − β̂)·√(dev(b) − dev̂) = side·z₀.₉₇₅. */
async function profileBound(
  design: Design,
  weights: Float64Array | undefined,
  columns: number[],
  j: number,
  best: IrlsResult,
  devHat: number,
  se: number,
  side: -1 | 1,
): Promise<number | null> {
  const betaHat = best.beta[j];
  const target = side * Z95;
  // Where the other coefficients go as βⱼ is moved: dβ₋ⱼ/dβⱼ = Cov₋ⱼ,ⱼ / Covⱼⱼ
  // (exact for a quadratic log-likelihood). Each refit starts from the last
  // one moved along it, close enough that it converges in one step.
  const { p } = design;
  const slope = new Float64Array(p);
  for (let k = 0; k < p; k++) slope[k] = best.covariance[k * p + j] / best.covariance[j * p + j];
  let last = best.beta;
  let lastB = betaHat;
  const start = new Float64Array(p);
  const signedRoot = async (b: number): Promise<number> => {
    for (let k = 0; k < p; k++) start[k] = last[k] + (b - lastB) * slope[k];
    const fit = await irls(design, {
      weights,
      columns,
      fixed: { column: j, value: b },
      start,
      epsilon: PROFILE_EPSILON,
      maxit: 50,
    });
    last = fit.beta;
    lastB = b;
    return Math.sign(b - betaHat) * Math.sqrt(Math.max(0, fit.deviance - devHat));
  };
  // f(b) = r(b) − target is −target at β̂. Each step: while no b with f of the
  // other sign is known, the quadratic through r(β̂) = 0 with r'(β̂) = 1/se
  // (the Wald slope) and the latest point — it lands within about 1e-6·se,
  // on either side of the root; once the root is bracketed, Illinois
  // (regula falsi that halves a stale end).
  let b0 = betaHat;
  let f0 = -target;
  let b1 = betaHat + target * se;
  let f1 = (await signedRoot(b1)) - target;
  let bracketed = side * f1 >= 0;
  for (let iter = 0; iter < 60; iter++) {
    let b: number;
    const d1 = b1 - betaHat;
    const c = (f1 + target - d1 / se) / (d1 * d1);
    const disc = 1 / (se * se) + 4 * c * target;
    const quadratic = disc >= 0 ? betaHat + (2 * target) / (1 / se + Math.sqrt(disc)) : NaN;
    if (bracketed && (iter > 0 || !Number.isFinite(quadratic)))
      b = b1 - (f1 * (b1 - b0)) / (f1 - f0);
    else if (Number.isFinite(quadratic)) b = quadratic;
    else b = betaHat + 2 * d1; // the profile flattens faster than a quadratic: step out
    if (!bracketed && Math.abs(b - betaHat) > 4096 * se) return null; // unbounded (separation)
    const f = (await signedRoot(b)) - target;
    // Done when the bound is known to 1e-8 on the log-odds scale (f is in
    // units of se there), or f has reached the deviance's rounding noise.
    if (
      Math.abs(f) * se < 1e-8 ||
      Math.abs(f) < 1e-10 ||
      Math.abs(b - b1) < 1e-13 * (Math.abs(b) + se)
    )
      return b;
    if (f * f1 < 0) {
      b0 = b1;
      f0 = f1;
      bracketed = true;
    } else if (bracketed) f0 /= 2;
    else {
      b0 = b1;
      f0 = f1;
    }
    b1 = b;
    f1 = f;
  }
  return b1;
}
