// The float64 IRLS fit of a binomial logit model on a Design: R's glm.fit,
// made fast enough for a million rows in a browser worker. Pure; runs in the
// compute worker and in Node.
//
// What is R's, so that the numbers agree with glm(family = binomial):
//   - the start, mustart = (w·y + 0.5) / (w + 1), or given coefficients;
//   - the logit link's clamps (|η| > 30: μ and dμ/dη at DBL_EPSILON);
//   - the working weights and response, and the stopping rule
//     |dev − devold| / (|dev| + 0.1) < ε = 1e-8 within maxit = 25 iterations;
//   - the covariance from the last weighted least-squares solve (its weights
//     come from the iterate before the final one, as summary.glm's QR does);
//   - aliasing: a column that is a linear combination of earlier columns gets
//     no coefficient (R's NA) and the fit goes on without it.
//
// What differs, for speed: instead of a pivoted QR of √W·X (n × p memory and
// two passes per iteration) each iteration makes one pass over the rows that
// computes η, μ and the deviance and accumulates XᵀWX (upper triangle) and
// XᵀWz, and solves by Cholesky. The pass reads the rows in blocks of BLOCK,
// copies each block into a column-major buffer that stays in cache, and sums
// each product as a dot product in registers; a sparse column (a dummy, zero
// on most rows) is summed over its non-zero rows only, so its cost follows
// the non-zeros, not p. Nothing is allocated per row or per block.
// Continuous columns are shifted by their mean inside the fit (an exact
// reparametrisation through the intercept) so that the normal equations stay
// well conditioned; coefficients and their covariance are mapped back.
//
// Aliasing is judged on the Cholesky pivots, in column order: column j is
// aliased when its squared residual norm against the earlier kept columns is
// at most ALIAS_TOLERANCE times its squared norm (both in the W metric).
// R's QR uses 1e-11 on the unsquared ratio, which the normal equations cannot
// resolve; exact collinearity, the case that matters, comes out the same,
// and a column R keeps with a relative residual between 1e-11 and 1e-5 (a
// VIF above 1e10, estimates R itself prints as noise) is aliased here.

import type { Progress } from '../data/table';
import type { Design } from './types';

/** Squared relative residual norm below which a column is aliased (see the header). */
export const ALIAS_TOLERANCE = 1e-10;

const THRESH = 30;
const DBL_EPSILON = Number.EPSILON;
const INV_EPS = 1 / DBL_EPSILON;

export interface IrlsOptions {
  /** Case (prior) weights, one per design row, ≥ 0; default all 1. */
  weights?: Float64Array;
  /** The design columns the model uses, ascending (default all); the others are left out. */
  columns?: readonly number[];
  /** One coefficient held at a value (profile likelihood): it enters as an offset. */
  fixed?: { column: number; value: number };
  /** L2 penalty λ on every coefficient but the intercept: minimises deviance/2 + λ/2·Σβⱼ². */
  penalty?: number | null;
  /** Coefficients to start from (length p, design coordinates); default R's mustart. */
  start?: Float64Array;
  /** Relative deviance change that stops the iterations (R: 1e-8). */
  epsilon?: number;
  maxit?: number;
  progress?: Progress;
}

export interface IrlsResult {
  /** One per design column (length p): NaN where aliased or not among the columns; the fixed value where fixed. */
  beta: Float64Array;
  /** Design columns of `columns` that came out aliased. */
  aliased: number[];
  /** Coefficients estimated (free columns that are not aliased). */
  rank: number;
  /**
   * (XᵀWX + λD)⁻¹ over the design columns (p × p, row-major), 0 in the rows and
   * columns of aliased, fixed or unused columns: the unscaled covariance
   * (summary.glm's cov.unscaled; the binomial dispersion is 1).
   */
  covariance: Float64Array;
  /** Binomial deviance at the final coefficients (without the penalty). */
  deviance: number;
  /** The penalised objective that was minimised: deviance + λ·Σβⱼ² (= deviance without a penalty). */
  objective: number;
  /** Effective number of parameters, tr((XᵀWX + λD)⁻¹XᵀWX); = rank without a penalty. */
  edf: number;
  /** Fitted probabilities per design row. */
  mu: Float64Array;
  iterations: number;
  converged: boolean;
  /** Rows with a fitted probability within 10·DBL_EPSILON of 0 or 1 (R's warning). */
  boundary: number;
  /** Rows with a non-zero weight. */
  nObs: number;
}

/**
 * How the fit reads a design's columns, computed once per matrix: the shift
 * (the mean of a dense, non-0/1 column; 0 otherwise) and whether the column
 * is sparse (zero on most rows: dummies and their interactions).
 */
interface Layout {
  shifts: Float64Array;
  sparse: Uint8Array;
}
const layoutCache = new WeakMap<Float64Array, Layout>();

function layoutOf(design: Design): Layout {
  const cached = layoutCache.get(design.X);
  if (cached && cached.shifts.length === design.p) return cached;
  const { n, p, X } = design;
  const sum = new Float64Array(p);
  const nonzero = new Float64Array(p);
  const binary = new Uint8Array(p).fill(1);
  for (let i = 0; i < n; i++) {
    const base = i * p;
    for (let j = 1; j < p; j++) {
      const v = X[base + j];
      if (v !== 0) {
        sum[j] += v;
        nonzero[j]++;
        if (v !== 1) binary[j] = 0;
      }
    }
  }
  const shifts = new Float64Array(p);
  const sparse = new Uint8Array(p);
  for (let j = 1; j < p; j++) {
    // Shift only where it costs no sparsity (columns that are rarely zero) and
    // helps (0/1 columns are well scaled already).
    if (!binary[j] && nonzero[j] > 0.5 * n) shifts[j] = sum[j] / n;
    else if (nonzero[j] < n / 3) sparse[j] = 1;
  }
  const layout = { shifts, sparse };
  layoutCache.set(design.X, layout);
  return layout;
}

/** Rows per block: the block's columns (q × BLOCK doubles) stay in cache while their products are summed. */
const BLOCK = 256;

/** Working buffers of one fit, sized by its number of free columns q. */
interface Work {
  q: number;
  A: Float64Array;
  b: Float64Array;
  /** Σ w·x² per free column in the original (unshifted) coordinates, for the aliasing test. */
  norm: Float64Array;
  /** The block's rows, column-major (column k at k·BLOCK), in shifted coordinates. */
  vals: Float64Array;
  /** Per sparse column, the block rows where it is not zero (at k·BLOCK), and how many. */
  nz: Int32Array;
  nzCount: Int32Array;
  /** The block rows' working weights and responses, and W·x of the current column. */
  Wb: Float64Array;
  zb: Float64Array;
  wv: Float64Array;
  deviance: number;
  boundary: number;
}

/**
 * Fits the binomial logit model. Throws nothing about the data: the caller
 * (logistic.ts) checks classes, rows and separation and words the problems.
 */
export async function irls(design: Design, options: IrlsOptions = {}): Promise<IrlsResult> {
  const { n, p, X, y } = design;
  const weights = options.weights;
  const epsilon = options.epsilon ?? 1e-8;
  const maxit = options.maxit ?? 25;
  const lambda = options.penalty ?? 0;
  const fixed = options.fixed;

  const used = options.columns ? [...options.columns] : Array.from({ length: p }, (_, j) => j);
  const free = used.filter((j) => !fixed || j !== fixed.column);
  const q = free.length;
  const freeCols = Int32Array.from(free);
  const hasIntercept = free[0] === 0;
  const layout = layoutOf(design);
  // Shifting goes through the intercept, so only when the intercept is free.
  const shift = new Float64Array(q);
  if (hasIntercept) for (let k = 1; k < q; k++) shift[k] = layout.shifts[free[k]];
  const sparse = Uint8Array.from(free, (j) => layout.sparse[j]);
  const penal = new Float64Array(q);
  for (let k = 0; k < q; k++) penal[k] = free[k] === 0 ? 0 : lambda;

  const work: Work = {
    q,
    A: new Float64Array(q * q),
    b: new Float64Array(q),
    norm: new Float64Array(q),
    vals: new Float64Array(q * BLOCK),
    nz: new Int32Array(q * BLOCK),
    nzCount: new Int32Array(q),
    Wb: new Float64Array(BLOCK),
    zb: new Float64Array(BLOCK),
    wv: new Float64Array(BLOCK),
    deviance: 0,
    boundary: 0,
  };
  const mu = new Float64Array(n);
  const zeros = new Float64Array(q);

  // β̃: coefficients in the shifted coordinates (x̃ⱼ = xⱼ − sⱼ, same slopes, moved intercept).
  let betaT: Float64Array | null = null;
  if (options.start) {
    betaT = new Float64Array(q);
    for (let k = 0; k < q; k++) {
      const v = options.start[free[k]];
      betaT[k] = Number.isFinite(v) ? v : 0;
    }
    if (hasIntercept) for (let k = 1; k < q; k++) betaT[0] += shift[k] * betaT[k];
  }

  const fixedColumn = fixed ? fixed.column : -1;
  const fixedValue = fixed ? fixed.value : 0;

  // One pass: η, μ and the deviance at betaT (or at mustart when null), and
  // XᵀWX, XᵀWz there for the next solve.
  const pass = (beta: Float64Array | null): void => {
    const { A, b, norm, vals, nz, nzCount, Wb, zb, wv } = work;
    A.fill(0);
    b.fill(0);
    let deviance = 0;
    let boundary = 0;
    // η = Σ (xₖ − sₖ)·β̃ₖ = Σ xₖβ̃ₖ − Σ sₖβ̃ₖ: the row is read as it is stored.
    let etaShift = 0;
    if (beta) for (let k = 0; k < q; k++) etaShift += shift[k] * beta[k];
    const coef = beta ?? zeros;
    for (let first = 0; first < n; first += BLOCK) {
      const last = Math.min(n, first + BLOCK);
      nzCount.fill(0);
      // Per row: η, μ, the deviance, the working weight and response, and the
      // row copied into the block's column-major buffer (rows with weight 0 skipped).
      let rows = 0;
      for (let i = first; i < last; i++) {
        const wi = weights ? weights[i] : 1;
        const base = i * p;
        const yi = y[i];
        const offset = fixedColumn >= 0 ? X[base + fixedColumn] * fixedValue : 0;
        // One loop reads the row: η, and (for a row that counts) its copy
        // into the block's slot `rows`, which the next row overwrites if not.
        const slot = rows;
        let eta = 0;
        if (wi !== 0) {
          for (let k = 0, o = slot; k < q; k++, o += BLOCK) {
            const x = X[base + freeCols[k]];
            eta += x * coef[k];
            const v = x - shift[k];
            vals[o] = v;
            if (sparse[k] && v !== 0) nz[k * BLOCK + nzCount[k]++] = slot;
          }
        } else if (beta) for (let k = 0; k < q; k++) eta += X[base + freeCols[k]] * coef[k];
        if (beta) eta += offset - etaShift;
        else {
          const m0 = (wi * yi + 0.5) / (wi + 1);
          eta = Math.log(m0 / (1 - m0));
        }
        // R's logit linkinv and mu.eta, with their clamps. The working weight
        // w·mu.eta²/variance is w·mu.eta, since mu.eta = μ(1 − μ) for the logit,
        // except where the clamps make them differ.
        let m: number;
        let muEta: number;
        let W: number;
        if (eta < -THRESH || eta > THRESH) {
          m = eta < 0 ? DBL_EPSILON / (1 + DBL_EPSILON) : INV_EPS / (1 + INV_EPS);
          muEta = DBL_EPSILON;
          W = (wi * muEta * muEta) / (m * (1 - m));
        } else {
          const ex = Math.exp(eta);
          const inv = 1 / (1 + ex);
          m = ex * inv;
          muEta = m * inv;
          W = wi * muEta;
        }
        mu[i] = m;
        if (wi === 0) continue;
        deviance += yi ? -2 * wi * Math.log(m) : -2 * wi * Math.log(1 - m);
        if (m > 1 - 10 * DBL_EPSILON || m < 10 * DBL_EPSILON) boundary++;
        rows++;
        Wb[slot] = W;
        zb[slot] = eta - offset + (yi - m) / muEta;
      }
      // The block's share of X̃ᵀWX̃ (upper triangle) and X̃ᵀWz: dot products
      // over contiguous columns, summed in registers; a sparse column's only
      // over its non-zero rows.
      for (let a = 0; a < q; a++) {
        const oa = a * BLOCK;
        const rowA = a * q;
        if (!sparse[a]) {
          let sb = 0;
          for (let s = 0; s < rows; s++) {
            const w = Wb[s] * vals[oa + s];
            wv[s] = w;
            sb += w * zb[s];
          }
          b[a] += sb;
          for (let c = a; c < q; c++) {
            const oc = c * BLOCK;
            let t = 0;
            if (!sparse[c]) {
              // Four independent sums: the loop is bound by the adds' latency, not by loads.
              let t1 = 0;
              let t2 = 0;
              let t3 = 0;
              let s = 0;
              for (; s + 3 < rows; s += 4) {
                t += wv[s] * vals[oc + s];
                t1 += wv[s + 1] * vals[oc + s + 1];
                t2 += wv[s + 2] * vals[oc + s + 2];
                t3 += wv[s + 3] * vals[oc + s + 3];
              }
              for (; s < rows; s++) t += wv[s] * vals[oc + s];
              t += t1 + t2 + t3;
            } else
              for (let r = 0, cnt = nzCount[c]; r < cnt; r++) {
                const s = nz[oc + r];
                t += wv[s] * vals[oc + s];
              }
            A[rowA + c] += t;
          }
        } else {
          const cnt = nzCount[a];
          if (cnt === 0) continue;
          let sb = 0;
          for (let r = 0; r < cnt; r++) {
            const s = nz[oa + r];
            sb += Wb[s] * vals[oa + s] * zb[s];
          }
          b[a] += sb;
          for (let c = a; c < q; c++) {
            const oc = c * BLOCK;
            let t = 0;
            for (let r = 0; r < cnt; r++) {
              const s = nz[oa + r];
              t += Wb[s] * vals[oa + s] * vals[oc + s];
            }
            A[rowA + c] += t;
          }
        }
      }
    }
    // Σ W x² of the original column: Ã_kk + 2 s Ã_0k + s² Ã_00 (the intercept row of Ã).
    for (let k = 0; k < q; k++) {
      const sk = shift[k];
      norm[k] = sk === 0 ? A[k * q + k] : A[k * q + k] + 2 * sk * A[k] + sk * sk * A[0];
    }
    work.deviance = deviance;
    work.boundary = boundary;
  };

  const penaltyOf = (beta: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < q; k++) s += penal[k] * beta[k] * beta[k];
    return s;
  };

  // The first pass at the start; then solve, pass, test, as glm.fit's loop.
  pass(betaT);
  let devold = work.deviance + (betaT ? penaltyOf(betaT) : 0);
  let factor: Factor | null = null;
  let converged = false;
  let iterations = 0;
  let current = betaT;
  for (let iter = 1; iter <= maxit; iter++) {
    iterations = iter;
    factor = choleskySolve(work, penal);
    current = factor.beta;
    pass(current);
    const dev = work.deviance + penaltyOf(current);
    if (options.progress) await options.progress.report(iter, maxit);
    if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      break;
    }
    devold = dev;
  }
  if (!factor) {
    // maxit = 0: the start only.
    factor = choleskySolve(work, penal);
  }

  // Back to design coordinates: slopes as they are, β₀ = β̃₀ − Σ sⱼβ̃ⱼ.
  const beta = new Float64Array(p).fill(NaN);
  const finalT = current ?? new Float64Array(q);
  for (let k = 0; k < q; k++) if (!factor.aliased[k]) beta[free[k]] = finalT[k];
  if (hasIntercept) {
    let b0 = finalT[0];
    for (let k = 1; k < q; k++) if (!factor.aliased[k]) b0 -= shift[k] * finalT[k];
    beta[0] = b0;
  }
  if (fixed) beta[fixed.column] = fixed.value;

  // Covariance: C = T·C̃·Tᵀ with T the identity but for row 0, T₀ₖ = −sₖ.
  const Ct = factor.inverse();
  let edf = factor.rank;
  // tr((A + λD)⁻¹A) = rank − λ·Σ_{penalised} C̃ₖₖ (slopes' entries do not move with the shifts).
  for (let k = 0; k < q; k++) if (!factor.aliased[k]) edf -= penal[k] * Ct[k * q + k];
  if (hasIntercept) {
    // Row/column 0 of T·C̃·Tᵀ: (C̃·Tᵀ)_{k0} = C̃_{k0} − Σ_m C̃_{km}s_m.
    const col0 = new Float64Array(q);
    for (let k = 0; k < q; k++) {
      let v = Ct[k * q];
      for (let m = 1; m < q; m++) v -= Ct[k * q + m] * shift[m];
      col0[k] = v;
    }
    let c00 = col0[0];
    for (let m = 1; m < q; m++) c00 -= shift[m] * col0[m];
    for (let k = 1; k < q; k++) {
      Ct[k * q] = col0[k];
      Ct[k] = col0[k];
    }
    Ct[0] = c00;
  }
  const covariance = new Float64Array(p * p);
  for (let a = 0; a < q; a++)
    for (let c = 0; c < q; c++) covariance[free[a] * p + free[c]] = Ct[a * q + c];

  let nObs = 0;
  for (let i = 0; i < n; i++) if (!weights || weights[i] !== 0) nObs++;

  const aliased: number[] = [];
  for (let k = 0; k < q; k++) if (factor.aliased[k]) aliased.push(free[k]);
  return {
    beta,
    aliased,
    rank: factor.rank,
    covariance,
    deviance: work.deviance,
    objective: work.deviance + penaltyOf(finalT),
    edf,
    mu,
    iterations,
    converged,
    boundary: work.boundary,
    nObs,
  };
}

/** A solved (penalised) normal system: coefficients, aliased columns, and the inverse on demand. */
interface Factor {
  beta: Float64Array;
  aliased: Uint8Array;
  rank: number;
  inverse(): Float64Array;
}

/**
 * Cholesky of the accumulated XᵀWX + λD in column order, skipping aliased
 * columns (R's order: a column is aliased when it depends on earlier ones),
 * and the solve of the normal equations. Copies the factor, since the next
 * pass overwrites the accumulators and the covariance is read from this one.
 */
function choleskySolve(work: Work, penal: Float64Array): Factor {
  const { q, A, b, norm } = work;
  // U: upper-triangular factor, row-major; only the upper triangle of A is filled.
  const U = new Float64Array(q * q);
  const aliased = new Uint8Array(q);
  let rank = 0;
  for (let j = 0; j < q; j++) {
    let d = A[j * q + j] + penal[j];
    for (let k = 0; k < j; k++) {
      if (aliased[k]) continue;
      const u = U[k * q + j];
      d -= u * u;
    }
    // A ridge penalty keeps collinear columns estimable (as scikit-learn
    // estimates them); without one, a column that adds nothing is aliased.
    const reference = norm[j] + penal[j];
    if (!(reference > 0) || d <= ALIAS_TOLERANCE * reference) {
      aliased[j] = 1;
      continue;
    }
    const ujj = Math.sqrt(d);
    U[j * q + j] = ujj;
    rank++;
    for (let c = j + 1; c < q; c++) {
      let s = A[j * q + c];
      for (let k = 0; k < j; k++) if (!aliased[k]) s -= U[k * q + j] * U[k * q + c];
      U[j * q + c] = s / ujj;
    }
  }
  // Solve Uᵀ t = b, then U β = t, over the kept columns.
  const t = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    if (aliased[j]) continue;
    let s = b[j];
    for (let k = 0; k < j; k++) if (!aliased[k]) s -= U[k * q + j] * t[k];
    t[j] = s / U[j * q + j];
  }
  const beta = new Float64Array(q);
  for (let j = q - 1; j >= 0; j--) {
    if (aliased[j]) continue;
    let s = t[j];
    for (let c = j + 1; c < q; c++) if (!aliased[c]) s -= U[j * q + c] * beta[c];
    beta[j] = s / U[j * q + j];
  }
  return {
    beta,
    aliased,
    rank,
    inverse: () => choleskyInverse(U, aliased, q),
  };
}

/** (UᵀU)⁻¹ = U⁻¹U⁻ᵀ over the kept columns, 0 elsewhere; q × q row-major. */
function choleskyInverse(U: Float64Array, aliased: Uint8Array, q: number): Float64Array {
  // V = U⁻¹ (upper triangular), column by column.
  const V = new Float64Array(q * q);
  for (let c = 0; c < q; c++) {
    if (aliased[c]) continue;
    V[c * q + c] = 1 / U[c * q + c];
    for (let r = c - 1; r >= 0; r--) {
      if (aliased[r]) continue;
      let s = 0;
      for (let k = r + 1; k <= c; k++) if (!aliased[k]) s += U[r * q + k] * V[k * q + c];
      V[r * q + c] = -s / U[r * q + r];
    }
  }
  const out = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    if (aliased[a]) continue;
    for (let c = a; c < q; c++) {
      if (aliased[c]) continue;
      let s = 0;
      for (let k = c; k < q; k++) s += V[a * q + k] * V[c * q + k];
      out[a * q + c] = s;
      out[c * q + a] = s;
    }
  }
  return out;
}
