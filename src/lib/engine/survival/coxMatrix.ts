// The small symmetric solves of the Cox engine (cox.ts, coxZph.ts): an LDLᵀ
// with R survival's cholesky2 rank rule, its solve (chsolve2) and the inverse
// of the non-singular part. Pure; runs in Node and in the worker.
//
// Why not irls.ts's Cholesky: coxph decides which coefficients are aliased
// (NA) by cholesky2's pivots — a pivot below toler.chol × the largest
// diagonal is zero and its coefficient stays at its start — and computes the
// score test with chsolve2, which gives such a coordinate 0. irls.ts judges
// aliasing on column norms of a weighted design it owns (and is private to
// its Work buffers), so it cannot reproduce which coefficient R drops. These
// matrices are p × p (p the number of coefficients), tiny next to the pass
// over the rows.

/**
 * In place: the lower triangle of the symmetric row-major n × n matrix A (only
 * its lower triangle read) becomes L (unit diagonal, strictly lower) and D (on
 * the diagonal); a pivot below tol × max diagonal is set to 0. Returns the rank.
 */
export function cholesky2(A: Float64Array, n: number, tol: number): number {
  let eps = 0;
  for (let i = 0; i < n; i++) if (A[i * n + i] > eps) eps = A[i * n + i];
  eps = eps === 0 ? tol : eps * tol;
  let rank = 0;
  for (let i = 0; i < n; i++) {
    const pivot = A[i * n + i];
    if (!Number.isFinite(pivot) || pivot < eps) {
      A[i * n + i] = 0;
      continue;
    }
    rank++;
    for (let j = i + 1; j < n; j++) {
      const t = A[j * n + i] / pivot;
      A[j * n + i] = t;
      A[j * n + j] -= t * t * pivot;
      for (let k = j + 1; k < n; k++) A[k * n + j] -= t * A[k * n + i];
    }
  }
  return rank;
}

/** Solves A y = b in place in b with cholesky2's factor; a zero pivot's coordinate is 0. */
export function chsolve2(F: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let t = b[i];
    for (let j = 0; j < i; j++) t -= b[j] * F[i * n + j];
    b[i] = t;
  }
  for (let i = n - 1; i >= 0; i--) {
    const d = F[i * n + i];
    if (d === 0) {
      b[i] = 0;
      continue;
    }
    let t = b[i] / d;
    for (let j = i + 1; j < n; j++) t -= b[j] * F[j * n + i];
    b[i] = t;
  }
}

/**
 * The inverse of cholesky2's factor F as a full symmetric row-major matrix,
 * with 0 in the rows and columns of zero pivots (R's chinv2): column by
 * column, A⁻¹eₖ by chsolve2.
 */
export function chinv2(F: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (F[k * n + k] === 0) continue;
    e.fill(0);
    e[k] = 1;
    chsolve2(F, n, e);
    for (let i = 0; i < n; i++) if (F[i * n + i] !== 0) out[i * n + k] = e[i];
  }
  // Symmetrise against rounding.
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (out[i * n + j] + out[j * n + i]);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  return out;
}

/** bᵀ A⁻¹ b for a symmetric A (full, row-major), through cholesky2 at `tol` (R's coxph.wtest). */
export function quadraticSolve(
  A: Float64Array,
  n: number,
  b: ArrayLike<number>,
  tol: number,
): number {
  const F = Float64Array.from(A);
  cholesky2(F, n, tol);
  const y = Float64Array.from(b);
  chsolve2(F, n, y);
  let s = 0;
  for (let i = 0; i < n; i++) s += b[i] * y[i];
  return s;
}
