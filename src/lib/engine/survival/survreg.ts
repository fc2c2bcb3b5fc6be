// Parametric survival regression (accelerated failure time), as R survival
// 3.5's survreg(Surv(time, status) ~ x, dist = ...), and its predictions:
// S(t | x), quantiles with their standard errors, and the survival and
// median residual life conditional on the tenure a customer has already
// reached. Pure; runs in Node and in the worker.
//
// The model: log T = xβ + σW, W standard extreme-value (Weibull; exponential
// with σ = 1), logistic (log-logistic) or normal (log-normal).
//
// What is R's, so that the numbers agree with survreg to rounding, not only
// at the optimum: the fit is survreg.fit and its C routines survreg6 /
// survregc1 step for step —
//   - the start: the distribution's init (mean and variance of log t), one
//     weighted step for the intercept, an intercept-only Newton–Raphson fit
//     (at most 20 iterations: its log-likelihood is R's loglik[1]), then a
//     weighted least-squares solve at z = 0 for every coefficient;
//   - non-0/1 columns centred and scaled by their sd while fitting (R's
//     `rescaled`), coefficients and covariance mapped back;
//   - Newton–Raphson on (β, log σ) with the information matrix, falling back
//     to the outer product of the scores when it is not positive definite
//     (cholesky3's sign), step halving (at most 5 per iteration, the first
//     keeping log σ within 1.1 of the last good value), the stop
//     |1 − ℓ_old/ℓ_new| ≤ rel.tolerance = 1e-9 within maxiter = 30, and the
//     covariance as the inverse information at the final iterate;
//   - the log-likelihood on the time scale: the log-scale one plus
//     −Σ log tᵢ over the events (survreg's logcorrect).
// Linear algebra: the matrices are (p + 1)², tiny next to the pass over the
// rows, so an LDLᵀ with cholesky3's tolerance and sign rule is written here:
// irls.ts's Cholesky judges aliasing on column norms and cannot tell a
// singular matrix from one that is not positive definite, which survreg6's
// fallback needs.

import {
  EngineError,
  getColumn,
  type Column,
  type DataTable,
  type NumericColumn,
} from '../data/table';
import { buildPipeline, designOf } from '../models/design';
import type { InteractionSpec, Pipeline } from '../models/types';
import { pchisqUpper, pnormBoth, zTestP } from '../stats/distributions';
import { qnorm } from './qnorm';
import { survivalInputs, survivalOutcome, type SurvivalOutcome } from './prepare';

export type SurvregDistribution = 'weibull' | 'exponential' | 'lognormal' | 'loglogistic';
export const SURVREG_DISTRIBUTIONS: readonly SurvregDistribution[] = [
  'weibull',
  'exponential',
  'lognormal',
  'loglogistic',
];

/** The error distribution of log T: survregc1's dist 1, 2, 3. */
type Family = 'extreme' | 'logistic' | 'gaussian';
const FAMILY: Record<SurvregDistribution, Family> = {
  weibull: 'extreme',
  exponential: 'extreme',
  lognormal: 'gaussian',
  loglogistic: 'logistic',
};

export interface SurvregOptions {
  /** R: survreg.control(maxiter = 30). */
  maxiter?: number;
  /** R: survreg.control(rel.tolerance = 1e-9). */
  relTolerance?: number;
  /** R: survreg.control(toler.chol = 1e-10). */
  tolerChol?: number;
}

/** A design for survreg: row-major n × p, column 0 the intercept, with names for errors and output. */
export interface SurvregDesign {
  n: number;
  p: number;
  X: Float64Array;
  /** R's coefficient names, length p ('(Intercept)' first). */
  names: readonly string[];
}

export interface SurvregCoefficient {
  name: string;
  estimate: number;
  se: number;
  z: number;
  p: number;
}

export interface SurvregFit {
  distribution: SurvregDistribution;
  n: number;
  events: number;
  /** summary(fit)$table rows for β (length p). */
  coefficients: SurvregCoefficient[];
  /** σ (fit$scale); 1 for the exponential. */
  scale: number;
  /** The Log(scale) row of summary(fit)$table; null when σ is fixed (exponential). */
  logScale: SurvregCoefficient | null;
  /** fit$loglik: [intercept only, fitted], on the time scale. */
  loglik: { null: number; model: number };
  /** The likelihood-ratio test print(fit) shows: 2·(ℓ − ℓ₀) on p − 1 df. */
  chisq: number;
  df: number;
  pValue: number;
  /** AIC(fit): −2ℓ + 2·(p + 1 if σ estimated). */
  aic: number;
  /** fit$var: (β, log σ) covariance, row-major, q × q (q = p + 1, or p for the exponential). */
  covariance: Float64Array;
  /** fit$linear.predictors, one per design row. */
  linearPredictors: Float64Array;
  iterations: number;
  converged: boolean;
}

const SMALL = -200;

// ---------------------------------------------------------------------------
// Per-observation derivatives (survregc1)

/**
 * survregc1's sreg_gg for one family: case 1 (exact) fills f, f'/f, f''/f in
 * out[1..3]; case 2 (censored) F, 1 − F, f, f' in out[0..3].
 */
function gg(family: Family, z: number, exact: boolean, out: Float64Array): void {
  if (family === 'extreme') {
    const w = z < SMALL ? Math.exp(SMALL) : -z < SMALL ? Math.exp(-SMALL) : Math.exp(z);
    const temp = Math.exp(-w);
    if (exact) {
      out[1] = w * temp;
      out[2] = 1 - w;
      out[3] = w * (w - 3) + 1;
    } else {
      out[0] = 1 - temp;
      out[1] = temp;
      out[2] = w * temp;
      out[3] = w * temp * (1 - w);
    }
  } else if (family === 'logistic') {
    let w: number;
    let sign: number;
    let ii: number;
    if (z > 0) {
      w = Math.exp(-z);
      sign = -1;
      ii = 0;
    } else {
      w = Math.exp(z);
      sign = 1;
      ii = 1;
    }
    const temp = 1 + w;
    if (exact) {
      out[1] = w / (temp * temp);
      out[2] = (sign * (1 - w)) / temp;
      out[3] = (w * w - 4 * w + 1) / (temp * temp);
    } else {
      out[1 - ii] = w / temp;
      out[ii] = 1 / temp;
      out[2] = w / (temp * temp);
      out[3] = (sign * out[2] * (1 - w)) / temp;
    }
  } else {
    const f = Math.exp((-z * z) / 2) / 2.506628274631001;
    if (exact) {
      out[1] = f;
      out[2] = -z;
      out[3] = z * z - 1;
    } else {
      const [lower, upper] = pnormBoth(z);
      out[0] = lower;
      out[1] = upper;
      out[2] = f;
      out[3] = -z * f;
    }
  }
}

/** One pass's accumulators: ℓ, the score u, the information (lower triangle, row-major q × q). */
interface Pass {
  loglik: number;
  u: Float64Array;
  imat: Float64Array;
}

/**
 * The inputs of one fit: y = log t, status, and the columns used (X row-major
 * n × nvar). `estimateScale` false: log σ is
 * fixed at beta[nvar] (survreg6's nstrat = 0).
 */
interface Problem {
  family: Family;
  n: number;
  nvar: number;
  X: Float64Array;
  y: Float64Array;
  status: Uint8Array;
  estimateScale: boolean;
}

/**
 * survregc1 at beta (length nvar + 1: the last is log σ): the log-likelihood
 * and, unless `likOnly`, the score, the information and (with `jj`) J'J.
 */
function evaluate(
  prob: Problem,
  beta: Float64Array,
  pass: Pass,
  likOnly: boolean,
  jj: Float64Array | null = null,
): number {
  const { family, n, nvar, X, y, status, estimateScale } = prob;
  const q = nvar + (estimateScale ? 1 : 0);
  const { u, imat } = pass;
  if (!likOnly) {
    u.fill(0);
    imat.fill(0);
    jj?.fill(0);
  }
  const sigma = Math.exp(beta[nvar]);
  const sig2 = 1 / (sigma * sigma);
  const funs = new Float64Array(4);
  const logSigma = Math.log(sigma);
  const k = nvar;
  let loglik = 0;
  for (let i = 0; i < n; i++) {
    let eta = 0;
    const base = i * nvar;
    for (let j = 0; j < nvar; j++) eta += beta[j] * X[base + j];
    const sz = y[i] - eta;
    const z = sz / sigma;
    let g: number, dg: number, ddg: number, dsig: number, ddsig: number, dsg: number;
    if (status[i] === 1) {
      gg(family, z, true, funs);
      if (funs[1] <= 0) {
        g = SMALL;
        dg = -z / sigma;
        ddg = -1 / sigma;
        dsig = 0;
        ddsig = 0;
        dsg = 0;
      } else {
        g = Math.log(funs[1]) - logSigma;
        const temp = funs[2] / sigma;
        const temp2 = funs[3] * sig2;
        dg = -temp;
        dsig = -temp * sz;
        ddg = temp2 - dg * dg;
        dsg = sz * temp2 - dg * (dsig + 1);
        ddsig = sz * sz * temp2 - dsig * (1 + dsig);
        dsig -= 1;
      }
    } else {
      gg(family, z, false, funs);
      if (funs[1] <= 0) {
        g = SMALL;
        dg = z / sigma;
        ddg = 0;
        dsig = 0;
        ddsig = 0;
        dsg = 0;
      } else {
        g = Math.log(funs[1]);
        const temp = -funs[2] / (funs[1] * sigma);
        const temp2 = (-funs[3] * sig2) / funs[1];
        dg = -temp;
        dsig = -temp * sz;
        ddg = temp2 - dg * dg;
        dsg = sz * temp2 - dg * (dsig + 1);
        ddsig = sz * sz * temp2 - dsig * (1 + dsig);
      }
    }
    loglik += g;
    if (likOnly) continue;
    // The information's lower triangle, as survregc1 sums it (in row order);
    // J'J only for survreg6's fallback, in a loop of its own.
    for (let a = 0; a < nvar; a++) {
      const xa = X[base + a];
      u[a] += dg * xa;
      const row = a * q;
      const xddg = xa * ddg;
      for (let c = 0; c <= a; c++) imat[row + c] -= xddg * X[base + c];
      if (jj) {
        const temp = dg * xa;
        for (let c = 0; c <= a; c++) jj[row + c] += temp * X[base + c] * dg;
      }
    }
    if (estimateScale) {
      u[k] += dsig;
      const row = k * q;
      for (let a = 0; a < nvar; a++) imat[row + a] -= dsg * X[base + a];
      imat[row + k] -= ddsig;
      if (jj) {
        for (let a = 0; a < nvar; a++) jj[row + a] += dsig * X[base + a] * dg;
        jj[row + k] += dsig * dsig;
      }
    }
  }
  pass.loglik = loglik;
  return loglik;
}

// ---------------------------------------------------------------------------
// LDLᵀ with cholesky3's rules, chsolve2 and an inverse

/**
 * In place on the lower triangle of a row-major q × q matrix: L below the
 * diagonal, D on it; a pivot below max(diagonal)·toler is zeroed (its column
 * redundant). Returns the rank, negated when the matrix is not non-negative
 * definite (a pivot below −8·eps), as cholesky3.
 */
function ldl(M: Float64Array, q: number, toler: number): number {
  let eps = 0;
  for (let i = 0; i < q; i++) if (M[i * q + i] > eps) eps = M[i * q + i];
  eps = eps === 0 ? toler : eps * toler;
  let rank = 0;
  let nonneg = 1;
  for (let i = 0; i < q; i++) {
    const pivot = M[i * q + i];
    if (!Number.isFinite(pivot) || pivot < eps) {
      for (let j = i; j < q; j++) M[j * q + i] = 0;
      if (pivot < -8 * eps) nonneg = -1;
      continue;
    }
    rank++;
    for (let j = i + 1; j < q; j++) {
      const temp = M[j * q + i] / pivot;
      M[j * q + i] = temp;
      M[j * q + j] -= temp * temp * pivot;
      for (let k = j + 1; k < q; k++) M[k * q + j] -= temp * M[k * q + i];
    }
  }
  return rank * nonneg;
}

/** chsolve2: y ← M⁻¹y with M factored by ldl (a zero pivot gives a zero component). */
function ldlSolve(M: Float64Array, q: number, y: Float64Array): void {
  for (let i = 0; i < q; i++) {
    let temp = y[i];
    for (let j = 0; j < i; j++) temp -= y[j] * M[i * q + j];
    y[i] = temp;
  }
  for (let i = q - 1; i >= 0; i--) {
    if (M[i * q + i] === 0) {
      y[i] = 0;
      continue;
    }
    let temp = y[i] / M[i * q + i];
    for (let j = i + 1; j < q; j++) temp -= y[j] * M[j * q + i];
    y[i] = temp;
  }
}

/** The inverse (full, symmetric) of a matrix factored by ldl, 0 in the rows and columns of zero pivots. */
function ldlInverse(M: Float64Array, q: number): Float64Array {
  const out = new Float64Array(q * q);
  const e = new Float64Array(q);
  for (let c = 0; c < q; c++) {
    if (M[c * q + c] === 0) continue;
    e.fill(0);
    e[c] = 1;
    ldlSolve(M, q, e);
    for (let r = 0; r < q; r++) if (M[r * q + r] !== 0) out[r * q + c] = e[r];
  }
  // Symmetrise what rounding left apart.
  for (let r = 0; r < q; r++)
    for (let c = 0; c < r; c++) {
      const v = (out[r * q + c] + out[c * q + r]) / 2;
      out[r * q + c] = v;
      out[c * q + r] = v;
    }
  return out;
}

// ---------------------------------------------------------------------------
// survreg6

interface NewtonResult {
  beta: Float64Array;
  loglik: number;
  /** Inverse information at beta, q × q. */
  variance: Float64Array;
  /** Rank of the information at the end (cholesky3's flag). */
  rank: number;
  iterations: number;
  converged: boolean;
}

function newton(
  prob: Problem,
  init: Float64Array,
  maxiter: number,
  eps: number,
  tolChol: number,
): NewtonResult {
  const q = prob.nvar + (prob.estimateScale ? 1 : 0);
  const mk = (): Pass => ({ loglik: 0, u: new Float64Array(q), imat: new Float64Array(q * q) });
  const beta = Float64Array.from(init);
  const newbeta = Float64Array.from(init);
  const pass = mk();
  // The NR step u ← I⁻¹u, or (J'J)⁻¹u where I is not positive definite, as survreg6.
  const step = (at: Float64Array): void => {
    const flag = ldl(pass.imat, q, tolChol);
    if (flag < 0) {
      const jj = new Float64Array(q * q);
      const scratch = mk();
      evaluate(prob, at, scratch, false, jj);
      ldl(jj, q, tolChol);
      ldlSolve(jj, q, pass.u);
    } else ldlSolve(pass.imat, q, pass.u);
  };
  const finish = (iterations: number, converged: boolean, loglik: number): NewtonResult => {
    const rank = Math.abs(ldl(pass.imat, q, tolChol));
    return {
      beta: Float64Array.from(newbeta),
      loglik,
      variance: ldlInverse(pass.imat, q),
      rank,
      iterations,
      converged,
    };
  };

  let loglik = evaluate(prob, beta, pass, false);
  step(beta);
  for (let i = 0; i < q; i++) newbeta[i] = beta[i] + pass.u[i];
  if (maxiter === 0) return finish(0, false, loglik);

  let halving = 0;
  let newlk = evaluate(prob, newbeta, pass, false);
  for (let iter = 1; iter <= maxiter; iter++) {
    const bad = !Number.isFinite(newlk);
    if (!bad && Math.abs(1 - loglik / newlk) <= eps && halving === 0) {
      return finish(iter, true, newlk);
    }
    if (bad || newlk < loglik) {
      // survreg6 halves while newlk < loglik; a NaN log-likelihood is halved too
      // (R's comparison is false for NaN and would retry the same point).
      for (let j = 0; j < 5 && (newlk < loglik || !Number.isFinite(newlk)); j++) {
        halving++;
        for (let i = 0; i < q; i++) newbeta[i] = (newbeta[i] + beta[i]) / 2;
        // The first time, keep log σ within 1.1 of the last good value.
        if (halving === 1 && prob.estimateScale) {
          const k = prob.nvar;
          if (beta[k] - newbeta[k] > 1.1) newbeta[k] = beta[k] - 1.1;
        }
        newlk = evaluate(prob, newbeta, pass, true);
      }
    } else {
      halving = 0;
      loglik = newlk;
      step(newbeta);
      for (let i = 0; i < q; i++) {
        beta[i] = newbeta[i];
        newbeta[i] = newbeta[i] + pass.u[i];
      }
    }
    newlk = evaluate(prob, newbeta, pass, false);
  }
  return finish(maxiter, false, newlk);
}

// ---------------------------------------------------------------------------
// survreg.fit

/** The distribution's init (survreg.distributions[[d]]$init): location and variance of log t. */
function initOf(family: Family, y: Float64Array): [number, number] {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i];
  const mean = sum / y.length;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i] - mean) * (y[i] - mean);
  const variance = ss / y.length;
  if (family === 'extreme') return [mean + 0.572, variance / 1.64];
  if (family === 'logistic') return [mean, variance / 3.2];
  return [mean, variance];
}

/** The R-level density matrix row at z = 0: F, 1 − F, f, f'/f, f''/f. */
function densityAtZero(family: Family): [number, number, number, number, number] {
  if (family === 'extreme') {
    const ww = Math.exp(-1);
    return [1 - ww, ww, ww, 0, -1];
  }
  if (family === 'logistic') return [0.5, 0.5, 0.25, 0, -0.5];
  return [0.5, 0.5, 1 / 2.5066282746310002, 0, -1];
}

/** survreg.fit's derfun at z = 0 (η = y): dg and ddg − dg² for an event and for a censored row. */
function derivAtZero(family: Family, sigma: number): { dg: [number, number]; w: [number, number] } {
  const d = densityAtZero(family);
  // [censored, event]
  const tdC = 1 / (d[1] * sigma);
  const tdE = 1 / sigma;
  const dgC = -tdC * (0 - d[2]);
  const dgE = -tdE * d[3];
  const ddgC = (tdC / sigma) * (0 - d[2] * d[3]) - dgC * dgC;
  const ddgE = (tdE / sigma) * d[4] - dgE * dgE;
  return { dg: [dgC, dgE], w: [-ddgC, -ddgE] };
}

/**
 * Fits survreg(Surv(time, event) ~ X, dist = distribution) on a design with
 * an intercept in column 0. Times must be > 0 and finite, with at least one
 * event; a design column that is a linear combination of earlier ones is an
 * EngineError naming it (R would keep going with a zero pivot).
 */
export function survreg(
  design: SurvregDesign,
  time: Float64Array,
  event: Uint8Array,
  distribution: SurvregDistribution,
  options: SurvregOptions = {},
): SurvregFit {
  const { n, p, names } = design;
  if (!SURVREG_DISTRIBUTIONS.includes(distribution))
    throw new EngineError('survreg.distribution-invalid', { value: String(distribution) });
  if (time.length !== n || event.length !== n)
    throw new EngineError('survival.length-mismatch', { time: time.length, event: event.length });
  const maxiter = options.maxiter ?? 30;
  const eps = options.relTolerance ?? 1e-9;
  const tolChol = options.tolerChol ?? 1e-10;
  const family = FAMILY[distribution];
  const estimateScale = distribution !== 'exponential';

  let events = 0;
  let nonPositive = 0;
  const y = new Float64Array(n);
  let logcorrect = 0;
  for (let i = 0; i < n; i++) {
    const t = time[i];
    if (!(t > 0) || !Number.isFinite(t)) nonPositive++;
    y[i] = Math.log(t);
    if (event[i]) {
      events++;
      logcorrect -= y[i];
    }
  }
  if (nonPositive > 0) throw new EngineError('survreg.time-not-positive', { rows: nonPositive });
  if (events === 0) throw new EngineError('survreg.no-events', { rows: n });

  // R's `rescaled`: columns not all 0/1 centred and scaled by their sd while fitting.
  const center = new Float64Array(p);
  const stdev = new Float64Array(p).fill(1);
  const X = Float64Array.from(design.X);
  let rescaled = false;
  if (p > 1) {
    for (let j = 1; j < p; j++) {
      let binary = true;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = X[i * p + j];
        sum += v;
        if (v !== 0 && v !== 1) binary = false;
      }
      if (binary) continue;
      const mean = sum / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (X[i * p + j] - mean) ** 2;
      const sd = Math.sqrt(ss / (n - 1));
      if (!(sd > 0)) continue;
      center[j] = mean;
      stdev[j] = sd;
      rescaled = true;
      for (let i = 0; i < n; i++) X[i * p + j] = (X[i * p + j] - mean) / sd;
    }
  }

  const meanonly = p === 1;
  const init0 = initOf(family, y);
  let logSigma = estimateScale ? Math.log(4 * init0[1]) / 2 : 0;
  let nullFit: NewtonResult | null = null;
  if (!meanonly) {
    // Intercept only: one weighted step from the init, then Newton–Raphson (20 iterations).
    const { dg, w } = derivAtZero(family, Math.exp(logSigma));
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const e = event[i] ? 1 : 0;
      num += dg[e] + w[e] * y[i];
      den += w[e];
    }
    const ones = new Float64Array(n).fill(1);
    const prob0: Problem = { family, n, nvar: 1, X: ones, y, status: event, estimateScale };
    nullFit = newton(prob0, Float64Array.of(num / den, logSigma), 20, eps, tolChol);
    logSigma = nullFit.beta[1];
  }

  // The full start: weighted least squares at z = 0 (coxph.wtest's solve).
  const { dg, w } = derivAtZero(family, Math.exp(logSigma));
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const e = event[i] ? 1 : 0;
    const wi = w[e];
    const ri = wi * y[i] + dg[e];
    const base = i * p;
    for (let a = 0; a < p; a++) {
      const xa = X[base + a];
      b[a] += ri * xa;
      const wxa = wi * xa;
      for (let c = 0; c <= a; c++) A[a * p + c] += wxa * X[base + c];
    }
  }
  const q = p + (estimateScale ? 1 : 0);
  const rank = ldl(A, p, tolChol);
  if (Math.abs(rank) < p) {
    for (let j = 1; j < p; j++)
      if (A[j * p + j] === 0)
        throw new EngineError('survreg.collinear-feature', { column: names[j] });
  }
  ldlSolve(A, p, b);
  const init = new Float64Array(p + 1);
  init.set(b);
  init[p] = logSigma;

  const prob: Problem = { family, n, nvar: p, X, y, status: event, estimateScale };
  const fit = newton(prob, init, maxiter, eps, tolChol);
  if (fit.rank < q) {
    for (let j = 1; j < p; j++)
      if (fit.variance[j * q + j] === 0)
        throw new EngineError('survreg.collinear-feature', { column: names[j] });
  }

  // Back to the original columns: β = T β̃, V = T Ṽ Tᵀ, T = diag(1/sd) with row 0 −center/sd.
  const coef = fit.beta.slice(0, q);
  const V = fit.variance;
  if (rescaled) {
    const T = new Float64Array(q * q);
    for (let j = 0; j < q; j++) T[j * q + j] = j < p ? 1 / stdev[j] : 1;
    for (let j = 1; j < p; j++) T[j] = -center[j] / stdev[j];
    const c2 = new Float64Array(q);
    for (let r = 0; r < q; r++) {
      let s = 0;
      for (let c = 0; c < q; c++) s += T[r * q + c] * coef[c];
      c2[r] = s;
    }
    coef.set(c2);
    const TV = new Float64Array(q * q);
    for (let r = 0; r < q; r++)
      for (let c = 0; c < q; c++) {
        let s = 0;
        for (let k = 0; k < q; k++) s += T[r * q + k] * V[k * q + c];
        TV[r * q + c] = s;
      }
    for (let r = 0; r < q; r++)
      for (let c = 0; c < q; c++) {
        let s = 0;
        for (let k = 0; k < q; k++) s += TV[r * q + k] * T[c * q + k];
        V[r * q + c] = s;
      }
  }

  const row = (name: string, k: number): SurvregCoefficient => {
    const estimate = coef[k];
    const se = Math.sqrt(V[k * q + k]);
    const z = estimate / se;
    return { name, estimate, se, z, p: zTestP(z) };
  };
  const linearPredictors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += design.X[i * p + j] * coef[j];
    linearPredictors[i] = s;
  }
  const model = fit.loglik + logcorrect;
  const nullLoglik = (nullFit ? nullFit.loglik : fit.loglik) + logcorrect;
  const chisq = 2 * (model - nullLoglik);
  const df = p - 1;
  return {
    distribution,
    n,
    events,
    coefficients: names.map((name, j) => row(name, j)),
    scale: Math.exp(estimateScale ? coef[p] : 0),
    logScale: estimateScale ? row('Log(scale)', p) : null,
    loglik: { null: nullLoglik, model },
    chisq,
    df,
    pValue: df > 0 ? pchisqUpper(chisq, df) : NaN,
    aic: -2 * model + 2 * q,
    covariance: V,
    linearPredictors,
    iterations: fit.iterations,
    converged: fit.converged,
  };
}

// ---------------------------------------------------------------------------
// The stored model and its predictions

/** A fitted survreg model as plain data: what a later cell needs to predict. */
export interface SurvregModel {
  kind: 'survreg';
  distribution: SurvregDistribution;
  /** How a table's rows become design rows (designOf(table, pipeline, { target: false })). */
  pipeline: Pipeline;
  /** β, one per pipeline coefficient (design column). */
  coefficients: number[];
  /** σ (1 for the exponential). */
  scale: number;
  /** The (β, log σ) covariance, row-major, q × q (q = p + 1, or p for the exponential). */
  covariance: number[];
  /** The duration column and the events as the fit read them; absent in models stored before it. */
  outcome?: SurvivalOutcome;
}

export function survregModel(
  fit: SurvregFit,
  pipeline: Pipeline,
  outcome?: SurvivalOutcome,
): SurvregModel {
  return {
    kind: 'survreg',
    distribution: fit.distribution,
    pipeline,
    coefficients: fit.coefficients.map((c) => c.estimate),
    scale: fit.scale,
    covariance: Array.from(fit.covariance),
    ...(outcome ? { outcome } : {}),
  };
}

/** S(z) = P(W > z) for the standard error distribution. */
function survivalW(family: Family, z: number): number {
  if (family === 'extreme') return Math.exp(-Math.exp(z));
  if (family === 'logistic')
    return z > 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  return pnormBoth(z)[1];
}

/** The p-quantile of W (survreg.distributions[[d]]$quantile). */
function quantileW(family: Family, p: number): number {
  if (family === 'extreme') return Math.log(-Math.log1p(-p));
  if (family === 'logistic') return Math.log(p / (1 - p));
  return qnorm(p);
}

/** x·β for one design row (length p). */
export function linearPredictor(model: SurvregModel, x: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < model.coefficients.length; j++) s += x[j] * model.coefficients[j];
  return s;
}

/** S(t | x) at each of `times` for one design row x: the fitted curve to draw over Kaplan–Meier. */
export function survregSurvival(
  model: SurvregModel,
  x: ArrayLike<number>,
  times: ArrayLike<number>,
): Float64Array {
  const family = FAMILY[model.distribution];
  const eta = linearPredictor(model, x);
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    out[i] = t <= 0 ? 1 : survivalW(family, (Math.log(t) - eta) / model.scale);
  }
  return out;
}

/**
 * predict(fit, newdata, type = 'quantile', p, se.fit = TRUE) for one design
 * row: t_p = exp(xβ + σ·Q(p)), its SE by the delta method on log t_p with
 * gradient (x, σ·Q(p)) over (β, log σ), times t_p (as predict.survreg).
 */
export function survregQuantile(
  model: SurvregModel,
  x: ArrayLike<number>,
  p: number,
): { estimate: number; se: number } {
  const family = FAMILY[model.distribution];
  const np = model.coefficients.length;
  const q = Math.round(Math.sqrt(model.covariance.length));
  const qq = quantileW(family, p);
  const estimate = Math.exp(linearPredictor(model, x) + qq * model.scale);
  const g = new Float64Array(q);
  for (let j = 0; j < np; j++) g[j] = x[j];
  if (q > np) g[np] = qq * model.scale;
  let v = 0;
  for (let a = 0; a < q; a++)
    for (let c = 0; c < q; c++) v += g[a] * model.covariance[a * q + c] * g[c];
  return { estimate, se: estimate * Math.sqrt(v) };
}

/**
 * S(t | T > a, x) = S(t | x) / S(a | x) at each of `times` (1 for t ≤ a): the
 * survival of a customer who has already stayed a.
 */
export function survregConditionalSurvival(
  model: SurvregModel,
  x: ArrayLike<number>,
  a: number,
  times: ArrayLike<number>,
): Float64Array {
  const [sa] = survregSurvival(model, x, [a]);
  const st = survregSurvival(model, x, times);
  for (let i = 0; i < st.length; i++) st[i] = times[i] <= a ? 1 : st[i] / sa;
  return st;
}

/**
 * The residual life m with S(a + m | x) / S(a | x) = 1 − p (p = 0.5: the
 * median residual life) for a customer at tenure a. In closed form: with
 * z_a = (log a − xβ)/σ, the target z solves S_W(z) = (1 − p)·S_W(z_a); for
 * the median, z = log(e^{z_a} + log 2) (extreme value), log1p(2e^{z_a})
 * (logistic), −Φ⁻¹(S_W(z_a)/2) (normal), without forming 1 − S in the tail.
 */
export function survregResidualLife(
  model: SurvregModel,
  x: ArrayLike<number>,
  a: number,
  p = 0.5,
): number {
  const family = FAMILY[model.distribution];
  const eta = linearPredictor(model, x);
  const sigma = model.scale;
  const za = a > 0 ? (Math.log(a) - eta) / sigma : -Infinity;
  let z: number;
  if (family === 'extreme') {
    // S = exp(−e^z): e^z = e^{z_a} − log(1 − p).
    z = Math.log(Math.exp(za) - Math.log1p(-p));
  } else if (family === 'logistic') {
    // S = 1/(1 + e^z): 1 + e^z = (1 + e^{z_a})/(1 − p).
    z = Math.log((Math.exp(za) + p) / (1 - p));
  } else {
    const sa = pnormBoth(za)[1];
    z = -qnorm((1 - p) * sa);
  }
  return Math.exp(eta + sigma * z) - Math.max(a, 0);
}

// ---------------------------------------------------------------------------
// Table-level entry

export interface SurvregSettings {
  duration: string;
  event: string;
  /** As SurvivalSettings.eventValues: the event column's values meaning "the event happened". */
  eventValues?: string[];
  features: readonly string[];
  interactions?: readonly InteractionSpec[];
  /** Reference level per categorical; default the most frequent (design.ts). */
  references?: Readonly<Record<string, string>>;
  distribution: SurvregDistribution;
}

export interface SurvregTableResult {
  fit: SurvregFit;
  model: SurvregModel;
  /** Table rows used, in design order. */
  rows: Uint32Array;
  /** Rows left out: unusable duration or event (survival.*), or a missing feature (na.omit). */
  excluded: number;
  missingBy: Record<string, number>;
}

const EVENT_COLUMN = '\u0000survreg-event';

/**
 * survreg(Surv(duration, event) ~ features + interactions, dist) on a table:
 * rows with a missing duration, event or feature are left out (R's na.omit),
 * categoricals coded as design.ts codes them (treatment contrasts at the
 * chosen reference).
 */
export function fitSurvregTable(
  table: DataTable,
  settings: SurvregSettings,
  options: SurvregOptions = {},
): SurvregTableResult {
  for (const name of settings.features)
    if (name === settings.duration || name === settings.event)
      throw new EngineError('survreg.outcome-as-feature', { column: name });
  const duration = getColumn(table, settings.duration);
  const eventColumn = getColumn(table, settings.event);
  // survivalInputs reads the event column (event values, guesses) for the rows
  // with a finite duration ≥ 0 and an event, in row order; zero and negative
  // durations are survreg's trouble, found here.
  if (duration.kind !== 'number' || (duration.type !== 'integer' && duration.type !== 'decimal'))
    throw new EngineError('survival.duration-not-numeric', {
      column: duration.name,
      type: duration.type,
    });
  const inputs = survivalInputs(table, {
    duration: settings.duration,
    event: settings.event,
    eventValues: settings.eventValues,
  });
  const flags = new Float64Array(table.rowCount).fill(NaN);
  let k = 0;
  let nonPositive = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const t = duration.values[i];
    if (!Number.isFinite(t) || !present(eventColumn, i)) continue;
    if (t <= 0) nonPositive++;
    if (t < 0) continue;
    flags[i] = inputs.event[k++];
  }
  if (nonPositive > 0)
    throw new EngineError('survreg.time-not-positive', {
      column: duration.name,
      rows: nonPositive,
    });
  if (!inputs.event.includes(1))
    throw new EngineError('survreg.no-events', { rows: inputs.event.length });
  const eventFlags: NumericColumn = {
    kind: 'number',
    name: EVENT_COLUMN,
    type: 'boolean',
    values: flags,
  };
  const augmented: DataTable = {
    rowCount: table.rowCount,
    columns: [...table.columns, eventFlags],
  };
  const choices = {
    target: { column: EVENT_COLUMN, positive: '1' },
    features: settings.features,
    interactions: settings.interactions,
    references: settings.references,
  };
  let pipeline: Pipeline;
  try {
    pipeline = buildPipeline(augmented, choices);
  } catch (error) {
    if (error instanceof EngineError && error.code === 'model.constant-feature')
      throw new EngineError('survreg.constant-feature', error.params);
    if (error instanceof EngineError && error.code === 'model.no-rows')
      throw new EngineError('survreg.no-rows', {});
    throw error;
  }
  const design = designOf(augmented, pipeline);
  const time = new Float64Array(design.n);
  for (let i = 0; i < design.n; i++) time[i] = duration.values[design.rows[i]];
  const fit = survreg(
    { n: design.n, p: design.p, X: design.X, names: pipeline.coefficients.map((c) => c.name) },
    time,
    design.y,
    settings.distribution,
    options,
  );
  if (!fit.converged)
    throw new EngineError('survreg.not-converged', { iterations: fit.iterations });
  const stored: Pipeline = { ...pipeline, target: { column: settings.event, positive: '' } };
  return {
    fit,
    model: survregModel(fit, stored, survivalOutcome(table, settings)),
    rows: design.rows,
    excluded: table.rowCount - design.n,
    missingBy: design.missingBy,
  };
}

function present(column: Column, i: number): boolean {
  return column.kind === 'string' ? column.codes[i] >= 0 : !Number.isNaN(column.values[i]);
}

/**
 * The median (or 1 − p) residual life per table row for customers at the
 * tenure in `tenure` (a column of the same unit as the fit's durations): NaN
 * where a feature or the tenure is missing.
 */
export function residualLifeTable(
  model: SurvregModel,
  table: DataTable,
  tenure: string,
  p = 0.5,
): Float64Array {
  const column = getColumn(table, tenure);
  if (column.kind !== 'number')
    throw new EngineError('survival.duration-not-numeric', { column: tenure, type: column.type });
  const design = designOf(table, model.pipeline, { target: false });
  const out = new Float64Array(table.rowCount).fill(NaN);
  const x = new Float64Array(design.p);
  for (let i = 0; i < design.n; i++) {
    const r = design.rows[i];
    const a = column.values[r];
    if (!Number.isFinite(a) || a < 0) continue;
    for (let j = 0; j < design.p; j++) x[j] = design.X[i * design.p + j];
    out[r] = survregResidualLife(model, x, a, p);
  }
  return out;
}
