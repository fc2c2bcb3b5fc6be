// Cox proportional hazards, as R survival 3.5's coxph(Surv(time, status) ~
// x + strata(s), ties = 'efron' | 'breslow') and coxph(... ~ ridge(x, theta)).
// Pure; runs in Node and in the worker.
//
// What is R's, so that the numbers agree with coxph to rounding, not only at
// the optimum: the fit is coxph.fit and its C routine coxfit6 step for step —
//   - rows sorted by stratum, then time (stable), and walked backwards, so
//     that each risk set is the running sum of the rows already seen; ties
//     are handled per distinct time: Breslow, or Efron's ndead terms in which
//     the tied events' risk enters in steps of 1/ndead;
//   - columns whose values are all in {−1, 0, 1} (dummies, 0/1 flags) left as
//     they are (coxph's nocenter = c(−1, 0, 1): their fit$means is 0); every
//     other column centred on its mean and scaled by n / Σ|x − x̄| while
//     fitting, coefficients and covariance mapped back;
//   - Newton–Raphson from β = 0, the stop |1 − ℓ_old/ℓ_new| ≤ eps = 1e-9
//     within iter.max = 20, and R's step halving: a step that lowers ℓ is
//     replaced by (new + h·old)/(h + 1), h growing while it keeps failing;
//   - aliasing by cholesky2's pivots (toler.chol = ε^0.75): an aliased
//     coefficient stays 0 in the fit and is NA (null) in the output;
//   - the score test from the first iteration (β = 0), the Wald test on the
//     non-aliased coefficients (coxph.wtest), the likelihood-ratio test and
//     AIC on the number of non-aliased coefficients, and R's "coefficient may
//     be infinite" rule (|u·V| > eps and > toler.inf·|β|) as an error;
//   - ridge: ℓ − θ/2·Σβ², every design column penalised, columns centred but
//     not scaled (coxpenal.fit); `var` is R's var — the inverse of the
//     penalised information — and var2 (V I V) is also given.
// Speed: one sort, then per iteration one pass over the rows that adds each
// row's risk-weighted x and xxᵀ (lower triangle) into the running risk set:
// O(n·p²) per iteration, nothing allocated per row.

import { cellText, EngineError, getColumn, type Column, type DataTable } from '../data/table';
import { buildPipeline, designOf } from '../models/design';
import type { FitWarning, InteractionSpec, Pipeline } from '../models/types';
import { pchisqUpper, zTestP } from '../stats/distributions';
import { coxConcordance, type CoxConcordance } from './coxConcordance';
import { chinv2, cholesky2, chsolve2, quadraticSolve } from './coxMatrix';
import { survivalInputs } from './prepare';

export type CoxTies = 'efron' | 'breslow';

export interface CoxOptions {
  /** R: ties = 'efron' (default) or 'breslow'. */
  ties?: CoxTies;
  /** R: coxph.control(iter.max = 20). */
  iterMax?: number;
  /** R: coxph.control(eps = 1e-9). */
  eps?: number;
  /** R: coxph.control(toler.chol = .Machine$double.eps^0.75). */
  tolerChol?: number;
  /** R: coxph.control(toler.inf = sqrt(eps)). */
  tolerInf?: number;
  /** Ridge θ: coxph(... ~ ridge(<every column>, theta = θ)). Null or absent: no penalty. */
  penalty?: number | null;
  /**
   * Per design column, the factor on its penalty: ridge's default scale = TRUE
   * penalises θ/2·Σ var(xⱼ)·βⱼ². Absent: 1 each (ridge(..., scale = FALSE)).
   */
  penaltyScale?: Float64Array;
}

/** The inputs of one fit: a design without intercept (row-major n × p), outcome and strata. */
export interface CoxInput {
  n: number;
  p: number;
  X: Float64Array;
  names: readonly string[];
  time: Float64Array;
  event: Uint8Array;
  /** Stratum code per row (0-based, codes in the order R's factor levels sort), or null. */
  strata: Int32Array | null;
}

export interface CoxCoefficient {
  name: string;
  /** Null where aliased (R's NA). */
  estimate: number | null;
  se: number | null;
  z: number | null;
  p: number | null;
  hazardRatio: number | null;
  /** exp(β ± 1.96·se) (summary(fit)$conf.int; qnorm(0.975) exactly). */
  lower: number | null;
  upper: number | null;
  aliased: boolean;
}

export interface CoxTest {
  statistic: number;
  df: number;
  p: number;
}

export interface CoxFit {
  ties: CoxTies;
  n: number;
  events: number;
  coefficients: CoxCoefficient[];
  /** fit$loglik: [at β = 0, at β̂]; for a ridge fit ℓ(β̂) without the penalty, as R. */
  loglik: { null: number; model: number };
  /** 2·(ℓ − ℓ₀), Wald (coxph.wtest) and score (log-rank) tests; null for a ridge fit. */
  lrTest: CoxTest;
  waldTest: CoxTest | null;
  scoreTest: CoxTest | null;
  /** AIC(fit) = −2ℓ + 2·df (df: non-aliased coefficients; a ridge fit's effective df). */
  aic: number;
  /** fit$var (p × p, row-major; 0 in aliased rows and columns). */
  covariance: Float64Array;
  /** fit$means: the centring of the linear predictor (0 for {−1, 0, 1} columns). */
  means: Float64Array;
  /** fit$linear.predictors per input row: (x − means)·β. */
  linearPredictors: Float64Array;
  concordance: CoxConcordance;
  /** Ridge only: θ, θ/2·Σβ² (fit$penalty), var2 and the effective df (sum(fit$df)). */
  ridge: { theta: number; penalty: number; var2: Float64Array; df: number } | null;
  iterations: number;
  converged: boolean;
  warnings: FitWarning[];
}

// R's coxph.control defaults.
const ITER_MAX = 20;
const EPS = 1e-9;
const TOLER_CHOL = Math.pow(Number.EPSILON, 0.75);
/** qnorm(0.975): summary.coxph's conf.int. */
const Z975 = 1.959963984540054;

/** The rows in R's order: by stratum, then time, stable (order(strata, time)). */
function sortOrder(time: Float64Array, strata: Int32Array | null): Uint32Array {
  const n = time.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    if (strata) {
      const d = strata[a] - strata[b];
      if (d !== 0) return d;
    }
    return time[a] - time[b] || a - b;
  });
  return order;
}

/** The sorted, centred and scaled problem coxfit6 iterates on. */
interface Problem {
  n: number;
  p: number;
  X: Float64Array;
  time: Float64Array;
  status: Uint8Array;
  /** 1 where the row is the last (in ascending order) of its stratum (coxph.fit's newstrat). */
  last: Uint8Array;
  efron: boolean;
  /** Per column, θ times its penalty factor (columns are not scaled when penalised); null unpenalised. */
  theta: Float64Array | null;
}

interface Work {
  u: Float64Array;
  imat: Float64Array;
  a: Float64Array;
  a2: Float64Array;
  cmat: Float64Array;
  cmat2: Float64Array;
}

function workFor(p: number): Work {
  return {
    u: new Float64Array(p),
    imat: new Float64Array(p * p),
    a: new Float64Array(p),
    a2: new Float64Array(p),
    cmat: new Float64Array(p * p),
    cmat2: new Float64Array(p * p),
  };
}

/**
 * coxfit6_iter: the partial log-likelihood at beta, with the score in w.u and
 * the information (full, symmetric) in w.imat.
 */
function iterate(prob: Problem, beta: Float64Array, w: Work): number {
  const { n, p, X, time, status, last, efron } = prob;
  const { u, imat, a, a2, cmat, cmat2 } = w;
  u.fill(0);
  imat.fill(0);
  a2.fill(0);
  cmat2.fill(0);
  let loglik = 0;
  let denom = 0;
  let person = n - 1;
  while (person >= 0) {
    if (last[person]) {
      denom = 0;
      a.fill(0);
      cmat.fill(0);
    }
    const dtime = time[person];
    let ndead = 0;
    let denom2 = 0;
    while (person >= 0 && time[person] === dtime) {
      const base = person * p;
      let zbeta = 0;
      for (let i = 0; i < p; i++) zbeta += beta[i] * X[base + i];
      const risk = Math.exp(zbeta);
      if (status[person] === 0) {
        denom += risk;
        for (let i = 0; i < p; i++) {
          const rx = risk * X[base + i];
          a[i] += rx;
          const row = i * p;
          for (let j = 0; j <= i; j++) cmat[row + j] += rx * X[base + j];
        }
      } else {
        ndead++;
        denom2 += risk;
        loglik += zbeta;
        for (let i = 0; i < p; i++) {
          const x = X[base + i];
          const rx = risk * x;
          u[i] += x;
          a2[i] += rx;
          const row = i * p;
          for (let j = 0; j <= i; j++) cmat2[row + j] += rx * X[base + j];
        }
      }
      person--;
      if (person >= 0 && last[person]) break; // ties do not cross strata
    }
    if (ndead === 0) continue;
    if (!efron || ndead === 1) {
      denom += denom2;
      loglik -= ndead * Math.log(denom);
      for (let i = 0; i < p; i++) {
        a[i] += a2[i];
        const mean = a[i] / denom;
        u[i] -= ndead * mean;
        const row = i * p;
        for (let j = 0; j <= i; j++) {
          cmat[row + j] += cmat2[row + j];
          imat[row + j] += (ndead * (cmat[row + j] - mean * a[j])) / denom;
        }
      }
    } else {
      // Efron: ndead terms, the tied events' risk entering 1/ndead at a time.
      for (let k = 0; k < ndead; k++) {
        denom += denom2 / ndead;
        loglik -= Math.log(denom);
        for (let i = 0; i < p; i++) {
          a[i] += a2[i] / ndead;
          const mean = a[i] / denom;
          u[i] -= mean;
          const row = i * p;
          for (let j = 0; j <= i; j++) {
            cmat[row + j] += cmat2[row + j] / ndead;
            imat[row + j] += (cmat[row + j] - mean * a[j]) / denom;
          }
        }
      }
    }
    a2.fill(0);
    cmat2.fill(0);
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) imat[j * p + i] = imat[i * p + j];
  if (prob.theta) {
    let pen = 0;
    for (let i = 0; i < p; i++) {
      const t = prob.theta[i];
      pen += t * beta[i] * beta[i];
      u[i] -= t * beta[i];
      imat[i * p + i] += t;
    }
    loglik -= pen / 2;
  }
  return loglik;
}

interface NewtonResult {
  /** On the scaled columns. */
  beta: Float64Array;
  /** The score at beta, scaled columns. */
  u: Float64Array;
  /** The inverse information at beta (scaled columns), 0 where aliased. */
  variance: Float64Array;
  /** The (unpenalised) information at beta, scaled columns. */
  info: Float64Array;
  loglik0: number;
  loglik: number;
  sctest: number;
  rank: number;
  iterations: number;
  converged: boolean;
}

/** coxfit6's main loop: Newton–Raphson from 0 with R's step halving. */
function newton(prob: Problem, iterMax: number, eps: number, tolChol: number): NewtonResult {
  const p = prob.p;
  const w = workFor(p);
  const beta = new Float64Array(p);
  const newbeta = new Float64Array(p);
  const loglik0 = iterate(prob, beta, w);
  const step = Float64Array.from(w.u);
  const F = Float64Array.from(w.imat);
  let rank = cholesky2(F, p, tolChol);
  chsolve2(F, p, step);
  let sctest = 0;
  for (let i = 0; i < p; i++) sctest += w.u[i] * step[i];
  let best = loglik0;
  for (let i = 0; i < p; i++) newbeta[i] = beta[i] + step[i];

  const unpenalised = (): Float64Array => {
    const info = Float64Array.from(w.imat);
    if (prob.theta) for (let i = 0; i < p; i++) info[i * p + i] -= prob.theta[i];
    return info;
  };

  let halving = 0;
  for (let iter = 1; iter <= iterMax; iter++) {
    const newlk = iterate(prob, newbeta, w);
    F.set(w.imat);
    rank = cholesky2(F, p, tolChol);
    let finite = Number.isFinite(newlk);
    for (let i = 0; i < p && finite; i++) if (!Number.isFinite(w.u[i])) finite = false;
    for (let i = 0; i < p * p && finite; i++) if (!Number.isFinite(w.imat[i])) finite = false;
    if (finite && Math.abs(1 - best / newlk) <= eps) {
      return {
        beta: Float64Array.from(newbeta),
        u: Float64Array.from(w.u),
        variance: chinv2(F, p),
        info: unpenalised(),
        loglik0,
        loglik: newlk,
        sctest,
        rank,
        iterations: iter,
        converged: true,
      };
    }
    if (!finite || newlk < best) {
      halving++;
      for (let i = 0; i < p; i++) newbeta[i] = (newbeta[i] + halving * beta[i]) / (halving + 1);
    } else {
      halving = 0;
      best = newlk;
      const u = Float64Array.from(w.u);
      chsolve2(F, p, u);
      for (let i = 0; i < p; i++) {
        beta[i] = newbeta[i];
        newbeta[i] += u[i];
      }
    }
  }
  // Out of iterations: the last good iterate, as coxfit6.
  const loglik = iterate(prob, beta, w);
  F.set(w.imat);
  rank = cholesky2(F, p, tolChol);
  return {
    beta,
    u: Float64Array.from(w.u),
    variance: chinv2(F, p),
    info: unpenalised(),
    loglik0,
    loglik,
    sctest,
    rank,
    iterations: iterMax,
    converged: false,
  };
}

/**
 * coxph on a design without intercept. Throws EngineError for no events, a
 * coefficient running off to infinity (cox.monotone-likelihood) and
 * non-convergence; an aliased coefficient is null with a warning.
 */
export function coxFit(input: CoxInput, options: CoxOptions = {}): CoxFit {
  const { n, p, X, names } = input;
  const ties = options.ties ?? 'efron';
  const iterMax = options.iterMax ?? ITER_MAX;
  const eps = options.eps ?? EPS;
  const tolChol = options.tolerChol ?? TOLER_CHOL;
  const tolInf = options.tolerInf ?? Math.sqrt(eps);
  const theta = options.penalty ?? 0;
  if (!(theta >= 0) || !Number.isFinite(theta))
    throw new EngineError('cox.penalty-invalid', { value: String(options.penalty) });
  if (ties !== 'efron' && ties !== 'breslow')
    throw new EngineError('cox.ties-invalid', { value: String(ties) });
  let events = 0;
  for (let i = 0; i < n; i++) events += input.event[i] ? 1 : 0;
  if (events === 0) throw new EngineError('cox.no-events', { rows: n });
  if (p === 0) throw new EngineError('cox.no-features', {});

  const order = sortOrder(input.time, input.strata);
  const Xs = new Float64Array(n * p);
  const time = new Float64Array(n);
  const status = new Uint8Array(n);
  const last = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const r = order[k];
    time[k] = input.time[r];
    status[k] = input.event[r] ? 1 : 0;
    // A plain loop: a subarray per row is an allocation per row.
    for (let j = 0; j < p; j++) Xs[k * p + j] = X[r * p + j];
    if (k === n - 1 || (input.strata && input.strata[order[k + 1]] !== input.strata[r]))
      last[k] = 1;
  }

  // Centre (and, unpenalised, scale) every column not all in {−1, 0, 1}.
  const means = new Float64Array(p);
  const scale = new Float64Array(p).fill(1);
  for (let j = 0; j < p; j++) {
    let zeroOne = true;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = Xs[i * p + j];
      sum += v;
      if (zeroOne && v !== 0 && v !== 1 && v !== -1) zeroOne = false;
    }
    if (zeroOne) continue;
    const mean = sum / n;
    means[j] = mean;
    let abs = 0;
    for (let i = 0; i < n; i++) {
      const c = Xs[i * p + j] - mean;
      Xs[i * p + j] = c;
      abs += Math.abs(c);
    }
    if (theta === 0) {
      const s = abs > 0 ? n / abs : 1;
      scale[j] = s;
      for (let i = 0; i < n; i++) Xs[i * p + j] *= s;
    }
  }

  let weights: Float64Array | null = null;
  if (theta > 0) {
    weights = new Float64Array(p);
    for (let j = 0; j < p; j++)
      weights[j] = theta * (options.penaltyScale ? options.penaltyScale[j] : 1);
  }
  const prob: Problem = {
    n,
    p,
    X: Xs,
    time,
    status,
    last,
    efron: ties === 'efron',
    theta: weights,
  };
  const fit = newton(prob, iterMax, eps, tolChol);

  // Back to the original columns.
  const beta = new Float64Array(p);
  const u = new Float64Array(p);
  const V = new Float64Array(p * p);
  const info = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    beta[i] = fit.beta[i] * scale[i];
    u[i] = fit.u[i] / scale[i];
    for (let j = 0; j < p; j++) {
      V[i * p + j] = fit.variance[i * p + j] * scale[i] * scale[j];
      info[i * p + j] = fit.info[i * p + j] / (scale[i] * scale[j]);
    }
  }
  const aliased = new Uint8Array(p);
  if (fit.rank < p) for (let j = 0; j < p; j++) if (V[j * p + j] === 0) aliased[j] = 1;

  const linearPredictors = new Float64Array(n);
  let shift = 0;
  for (let j = 0; j < p; j++) if (!aliased[j]) shift += beta[j] * means[j];
  let maxLp = -Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) if (!aliased[j]) s += X[i * p + j] * beta[j];
    linearPredictors[i] = s - shift;
    if (linearPredictors[i] > maxLp) maxLp = linearPredictors[i];
  }

  // R's "coefficient may be infinite" (coxph.fit's infs), as an error.
  if (iterMax > 1) {
    const infs = new Float64Array(p);
    let anyNonFinite = false;
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += u[k] * V[k * p + j];
      infs[j] = Math.abs(s);
      if (!Number.isFinite(infs[j])) anyNonFinite = true;
    }
    if (!fit.converged) {
      // R says only "did not converge" unless max(lp) > 500; a coefficient
      // beyond 10 (per mean absolute deviation of its column, or per unit of a
      // 0/1 column: a hazard ratio over e¹⁰) that has not settled is one
      // running off to infinity, and is named.
      const j = largestFinite(fit.beta, aliased);
      if (maxLp > 500 || anyNonFinite || Math.abs(fit.beta[j]) > 10) {
        throw new EngineError('cox.monotone-likelihood', { column: names[j], suggestion: 'ridge' });
      }
      throw new EngineError('cox.not-converged', { iterations: fit.iterations });
    }
    if (theta === 0)
      for (let j = 0; j < p; j++) {
        if (aliased[j]) continue;
        if (!Number.isFinite(u[j]) || (infs[j] > eps && infs[j] > tolInf * Math.abs(beta[j])))
          throw new EngineError('cox.monotone-likelihood', {
            column: names[j],
            suggestion: 'ridge',
          });
      }
  }

  const warnings: FitWarning[] = [];
  const coefficients: CoxCoefficient[] = names.map((name, j) => {
    if (aliased[j]) {
      warnings.push({ code: 'cox.collinear-feature', params: { column: name } });
      return {
        name,
        estimate: null,
        se: null,
        z: null,
        p: null,
        hazardRatio: null,
        lower: null,
        upper: null,
        aliased: true,
      };
    }
    const estimate = beta[j];
    const se = Math.sqrt(V[j * p + j]);
    const z = estimate / se;
    return {
      name,
      estimate,
      se,
      z,
      p: zTestP(z),
      hazardRatio: Math.exp(estimate),
      lower: Math.exp(estimate - Z975 * se),
      upper: Math.exp(estimate + Z975 * se),
      aliased: false,
    };
  });

  const kept: number[] = [];
  for (let j = 0; j < p; j++) if (!aliased[j]) kept.push(j);
  const df = kept.length;
  let ridge: CoxFit['ridge'] = null;
  let waldTest: CoxTest | null = null;
  let scoreTest: CoxTest | null = null;
  let modelDf = df;
  if (theta > 0) {
    // var2 = V I V; effective df = tr(V I) (coxpenal.fit's df).
    const VI = matmul(V, info, p);
    const var2 = matmul(VI, V, p);
    let edf = 0;
    for (let j = 0; j < p; j++) edf += VI[j * p + j];
    let pen = 0;
    for (let j = 0; j < p; j++) pen += weights![j] * beta[j] * beta[j];
    ridge = { theta, penalty: pen / 2, var2, df: edf };
    modelDf = edf;
  } else {
    const Vk = new Float64Array(df * df);
    const bk = new Float64Array(df);
    kept.forEach((a, r) => {
      bk[r] = beta[a];
      kept.forEach((c, s) => (Vk[r * df + s] = V[a * p + c]));
    });
    const wald = quadraticSolve(Vk, df, bk, tolChol);
    waldTest = { statistic: wald, df, p: pchisqUpper(wald, df) };
    scoreTest = { statistic: fit.sctest, df, p: pchisqUpper(fit.sctest, df) };
  }
  // A ridge fit's ℓ is reported without its penalty, as R's fit$loglik.
  const model = theta > 0 ? fit.loglik + ridge!.penalty : fit.loglik;
  const lr = 2 * (model - fit.loglik0);
  return {
    ties,
    n,
    events,
    coefficients,
    loglik: { null: fit.loglik0, model },
    lrTest: { statistic: lr, df: modelDf, p: pchisqUpper(lr, modelDf) },
    waldTest,
    scoreTest,
    aic: -2 * model + 2 * modelDf,
    covariance: V,
    means,
    linearPredictors,
    concordance: coxConcordance(input.time, input.event, linearPredictors, input.strata),
    ridge,
    iterations: fit.iterations,
    converged: fit.converged,
    warnings,
  };
}

function largestFinite(beta: Float64Array, aliased: Uint8Array): number {
  let best = 0;
  for (let j = 0; j < beta.length; j++)
    if (!aliased[j] && !(Math.abs(beta[j]) <= Math.abs(beta[best]))) best = j;
  return best;
}

function matmul(A: Float64Array, B: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let k = 0; k < p; k++) {
      const a = A[i * p + k];
      if (a === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j] += a * B[k * p + j];
    }
  return out;
}

// ---------------------------------------------------------------------------
// Table-level entry

export interface CoxSettings {
  duration: string;
  event: string;
  /** As SurvivalSettings.eventValues: the event column's values meaning "the event happened". */
  eventValues?: string[];
  features: readonly string[];
  interactions?: readonly InteractionSpec[];
  /** Reference level per categorical; default the most frequent (design.ts). */
  references?: Readonly<Record<string, string>>;
  /** Columns whose combinations are strata (a separate baseline hazard each); [] for none. */
  strata?: readonly string[];
  ties?: CoxTies;
  /** Ridge θ (coxph's ridge(..., theta)); null or absent for none. */
  penalty?: number | null;
}

/** The strata of a fit: the columns and each stratum's values, in stratum-code order. */
export interface CoxStrata {
  columns: string[];
  /** One entry per stratum: the values of `columns`, as their display text. */
  levels: string[][];
}

export interface CoxTableResult {
  fit: CoxFit;
  /** The pipeline (its coefficients include '(Intercept)' first, which the Cox fit drops). */
  pipeline: Pipeline;
  strata: CoxStrata | null;
  input: CoxInput;
  /** Table rows used, in design order. */
  rows: Uint32Array;
  /** Rows left out: unusable duration or event, or a missing feature or stratum (na.omit). */
  excluded: number;
  /** Rows lacking each column (a row can lack several). */
  missingBy: Record<string, number>;
}

export const MAX_STRATA = 100;
const EVENT_COLUMN = '\u0000cox-event';
const collator = new Intl.Collator('en', { numeric: true });

/**
 * coxph(Surv(duration, event) ~ features + interactions + strata(...),
 * ties, ridge) on a table: rows with a missing duration, event, feature or
 * stratum are left out (R's na.omit), categoricals coded as design.ts codes
 * them (treatment contrasts at the chosen reference).
 */
export function fitCoxTable(
  table: DataTable,
  settings: CoxSettings,
  options: Omit<CoxOptions, 'ties' | 'penalty'> = {},
): CoxTableResult {
  const strataNames = [...(settings.strata ?? [])];
  for (const name of [...settings.features, ...strataNames])
    if (name === settings.duration || name === settings.event)
      throw new EngineError('cox.outcome-as-feature', { column: name });
  for (const name of strataNames)
    if (settings.features.includes(name))
      throw new EngineError('cox.stratum-as-feature', { column: name });
  const duration = getColumn(table, settings.duration);
  const eventColumn = getColumn(table, settings.event);
  if (duration.kind !== 'number' || (duration.type !== 'integer' && duration.type !== 'decimal'))
    throw new EngineError('survival.duration-not-numeric', {
      column: duration.name,
      type: duration.type,
    });
  // survivalInputs reads the event column (event values, guesses) for the
  // rows with a finite duration ≥ 0 and an event, in row order.
  const inputs = survivalInputs(table, {
    duration: settings.duration,
    event: settings.event,
    eventValues: settings.eventValues,
  });
  const missingBy: Record<string, number> = {};
  const flags = new Float64Array(table.rowCount).fill(NaN);
  let k = 0;
  let badDuration = 0;
  let noEvent = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const t = duration.values[i];
    const durationOk = Number.isFinite(t) && t >= 0;
    const eventOk = present(eventColumn, i);
    if (!durationOk) badDuration++;
    if (!eventOk) noEvent++;
    if (durationOk && eventOk) flags[i] = inputs.event[k++];
  }
  if (!inputs.event.includes(1))
    throw new EngineError('cox.no-events', { rows: inputs.event.length });
  if (badDuration) missingBy[settings.duration] = badDuration;
  if (noEvent) missingBy[settings.event] = noEvent;

  // Strata: one code per combination of the strata columns' values, missing
  // (NaN flag) where any is missing.
  const strataColumns = strataNames.map((name) => getColumn(table, name));
  const rawStratum = new Int32Array(table.rowCount);
  const keyOf = new Map<string, number>();
  const keyValues: string[][] = [];
  if (strataColumns.length) {
    for (const c of strataColumns) {
      let miss = 0;
      for (let i = 0; i < table.rowCount; i++) if (!present(c, i)) miss++;
      if (miss) missingBy[c.name] = (missingBy[c.name] ?? 0) + miss;
    }
    for (let i = 0; i < table.rowCount; i++) {
      if (strataColumns.some((c) => !present(c, i))) {
        flags[i] = NaN;
        rawStratum[i] = -1;
        continue;
      }
      const values = strataColumns.map((c) => cellText(c, i));
      const key = values.join('\u0000');
      let code = keyOf.get(key);
      if (code === undefined) {
        code = keyValues.length;
        keyOf.set(key, code);
        keyValues.push(values);
      }
      rawStratum[i] = code;
    }
  }

  const augmented: DataTable = {
    rowCount: table.rowCount,
    columns: [
      ...table.columns,
      { kind: 'number', name: EVENT_COLUMN, type: 'boolean', values: flags },
    ],
  };
  let pipeline: Pipeline;
  try {
    pipeline = buildPipeline(augmented, {
      target: { column: EVENT_COLUMN, positive: '1' },
      features: settings.features,
      interactions: settings.interactions,
      references: settings.references,
    });
  } catch (error) {
    if (error instanceof EngineError && error.code === 'model.constant-feature')
      throw new EngineError('cox.constant-feature', error.params);
    if (error instanceof EngineError && error.code === 'model.no-rows')
      throw new EngineError('cox.no-rows', {});
    throw error;
  }
  const design = designOf(augmented, pipeline);
  for (const [column, count] of Object.entries(design.missingBy))
    if (column !== EVENT_COLUMN) missingBy[column] = count;
  const n = design.n;
  const p = design.p - 1;
  const X = new Float64Array(n * p);
  const time = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * p + j] = design.X[i * design.p + 1 + j];
    time[i] = duration.values[design.rows[i]];
  }

  let strata: CoxStrata | null = null;
  let codes: Int32Array | null = null;
  if (strataColumns.length) {
    const present = [...new Set(Array.from(design.rows, (r) => rawStratum[r]))];
    if (present.length > MAX_STRATA)
      throw new EngineError('cox.too-many-strata', {
        column: strataNames.join(', '),
        count: present.length,
        max: MAX_STRATA,
      });
    present.sort((a, b) => compareLevels(strataColumns, keyValues[a], keyValues[b]));
    const renumber = new Map(present.map((raw, index) => [raw, index]));
    codes = Int32Array.from(design.rows, (r) => renumber.get(rawStratum[r])!);
    strata = { columns: strataNames, levels: present.map((raw) => keyValues[raw]) };
  }
  const names = pipeline.coefficients.slice(1).map((c) => c.name);
  if (codes) checkWithinStrata(X, n, p, codes, names, pipeline);

  const input: CoxInput = { n, p, X, names, time, event: design.y, strata: codes };
  const penaltyScale = settings.penalty ? ridgeScale(table, pipeline, X, n, p) : undefined;
  const fit = coxFit(input, {
    ...options,
    ties: settings.ties,
    penalty: settings.penalty,
    penaltyScale,
  });
  const stored: Pipeline = { ...pipeline, target: { column: settings.event, positive: '' } };
  return {
    fit,
    pipeline: stored,
    strata,
    input,
    rows: design.rows,
    excluded: table.rowCount - n,
    missingBy,
  };
}

/** R's factor-level order of strata: each column's values by number or text, the first column slowest. */
function compareLevels(columns: Column[], a: string[], b: string[]): number {
  for (let c = 0; c < columns.length; c++) {
    const d =
      columns[c].kind === 'number' ? Number(a[c]) - Number(b[c]) : collator.compare(a[c], b[c]);
    if (d !== 0) return d;
  }
  return 0;
}

/** A feature whose columns are all constant within every stratum has no information: refuse it. */
function checkWithinStrata(
  X: Float64Array,
  n: number,
  p: number,
  strata: Int32Array,
  names: readonly string[],
  pipeline: Pipeline,
): void {
  const nStrata = strata.reduce((a, b) => Math.max(a, b), 0) + 1;
  const first = new Float64Array(nStrata * p).fill(NaN);
  const varies = new Uint8Array(p);
  for (let i = 0; i < n; i++) {
    const s = strata[i] * p;
    for (let j = 0; j < p; j++) {
      const v = X[i * p + j];
      if (Number.isNaN(first[s + j])) first[s + j] = v;
      else if (first[s + j] !== v) varies[j] = 1;
    }
  }
  const terms = pipeline.coefficients.slice(1).map((c) => c.term);
  for (const term of new Set(terms)) {
    const cols = terms.flatMap((t, j) => (t === term ? [j] : []));
    if (cols.every((j) => !varies[j]))
      throw new EngineError('cox.constant-within-strata', {
        column: term,
        coefficient: names[cols[0]],
      });
  }
}

/**
 * ridge()'s scale = TRUE: each column's sample variance. R evaluates ridge()
 * inside model.frame, before na.omit, so a numeric feature's variance is over
 * every table row where that column is present; a coded column (dummy,
 * interaction) uses the rows fitted.
 */
function ridgeScale(
  table: DataTable,
  pipeline: Pipeline,
  X: Float64Array,
  n: number,
  p: number,
): Float64Array {
  const out = new Float64Array(p);
  const numeric = new Map(
    pipeline.features.filter((f) => f.kind !== 'categorical').map((f) => [f.column, f.column]),
  );
  pipeline.coefficients.slice(1).forEach((c, j) => {
    let values: ArrayLike<number>;
    const column = numeric.has(c.term) ? getColumn(table, c.term) : null;
    if (column && column.kind === 'number') {
      values = column.values.filter((v) => !Number.isNaN(v));
    } else {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = X[i * p + j];
      values = v;
    }
    let mean = 0;
    for (let i = 0; i < values.length; i++) mean += values[i];
    mean /= values.length;
    let ss = 0;
    for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
    out[j] = ss / (values.length - 1);
  });
  return out;
}

function present(column: Column, i: number): boolean {
  return column.kind === 'string' ? column.codes[i] >= 0 : !Number.isNaN(column.values[i]);
}
