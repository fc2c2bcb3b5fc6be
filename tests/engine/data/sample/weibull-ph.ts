// Test helper: maximum-likelihood fit of a Weibull proportional-hazards model
// to right-censored data, by Newton's method with step halving. Used to check
// that the insurance sample recovers the coefficients it was generated with;
// it is checked itself against R's survival::survreg (see insurance.test.ts).
//
// Model: h(t | x) = k t^(k-1) exp(alpha + beta·x), i.e. cumulative hazard
// H(t | x) = t^k exp(alpha + beta·x), with the Weibull scale of the
// reference group lambda = exp(-alpha / k). Parameters are
// theta = (log k, alpha, beta_1..beta_p), where the log keeps k positive.
// Log-likelihood: sum_i d_i (log k + (k-1) log t_i + eta_i) - H_i.

export interface WeibullPhFit {
  shape: number;
  scale: number;
  beta: number[];
  /** Standard errors of beta, from the inverse observed information. */
  se: number[];
  /** Standard error of log(shape). */
  seLogShape: number;
  logLik: number;
  iterations: number;
}

/**
 * `time` > 0, `event` 1 (lapse) or 0 (censored), `x` one row of covariates per
 * subject (no intercept column: alpha plays that role).
 */
export function fitWeibullPh(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  x: readonly (readonly number[])[],
): WeibullPhFit {
  const n = time.length;
  const p = x[0]?.length ?? 0;
  const dim = p + 2;
  const logT = Float64Array.from({ length: n }, (_, i) => Math.log(time[i]));
  let events = 0;
  let totalTime = 0;
  for (let i = 0; i < n; i++) {
    events += event[i];
    totalTime += time[i];
  }

  const logLik = (theta: number[]): number => {
    const k = Math.exp(theta[0]);
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let eta = theta[1];
      for (let j = 0; j < p; j++) eta += theta[j + 2] * x[i][j];
      if (event[i]) ll += theta[0] + (k - 1) * logT[i] + eta;
      ll -= Math.exp(k * logT[i] + eta);
    }
    return ll;
  };

  // Gradient g and Hessian h (dim x dim). With z_i = (1, x_i), u_i = k log t_i:
  //   dl/d gamma = sum (d_i - H_i) z_i,   dl/d log k = sum d_i (1 + u_i) - H_i u_i,
  //   d2l/d gamma2 = -sum H_i z z',       d2l/d gamma d log k = -sum H_i u_i z_i,
  //   d2l/d (log k)2 = sum d_i u_i - H_i (u_i + u_i^2).
  const derivatives = (theta: number[]) => {
    const k = Math.exp(theta[0]);
    const g = new Array<number>(dim).fill(0);
    const h = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
    const z = new Array<number>(dim - 1);
    for (let i = 0; i < n; i++) {
      z[0] = 1;
      for (let j = 0; j < p; j++) z[j + 1] = x[i][j];
      let eta = 0;
      for (let j = 0; j < dim - 1; j++) eta += theta[j + 1] * z[j];
      const u = k * logT[i];
      const H = Math.exp(u + eta);
      const d = event[i];
      g[0] += d * (1 + u) - H * u;
      h[0][0] += d * u - H * (u + u * u);
      for (let a = 0; a < dim - 1; a++) {
        g[a + 1] += (d - H) * z[a];
        h[0][a + 1] -= H * u * z[a];
        for (let b = 0; b <= a; b++) h[a + 1][b + 1] -= H * z[a] * z[b];
      }
    }
    for (let a = 0; a < dim; a++) {
      for (let b = a + 1; b < dim; b++) {
        if (a === 0) h[b][0] = h[0][b];
        else h[a][b] = h[b][a];
      }
    }
    return { g, h };
  };

  // Start from the exponential model with no covariates: k = 1, exp(alpha) = events / exposure.
  let theta = new Array<number>(dim).fill(0);
  theta[1] = Math.log(events / totalTime);
  let ll = logLik(theta);
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    const { g, h } = derivatives(theta);
    const step = solve(
      h.map((row) => row.map((v) => -v)),
      g,
    );
    let factor = 1;
    let next = theta.map((t, j) => t + step[j]);
    let nextLl = logLik(next);
    while (!(nextLl >= ll) && factor > 1e-10) {
      factor /= 2;
      next = theta.map((t, j) => t + factor * step[j]);
      nextLl = logLik(next);
    }
    const converged = Math.abs(nextLl - ll) < 1e-10 * (1 + Math.abs(ll));
    theta = next;
    ll = nextLl;
    if (converged) break;
  }

  const { h } = derivatives(theta);
  const information = h.map((row) => row.map((v) => -v));
  const se: number[] = [];
  for (let j = 0; j < p; j++) {
    const unit = new Array<number>(dim).fill(0);
    unit[j + 2] = 1;
    se.push(Math.sqrt(solve(information, unit)[j + 2]));
  }
  const shape = Math.exp(theta[0]);
  const unitShape = new Array<number>(dim).fill(0);
  unitShape[0] = 1;
  return {
    shape,
    scale: Math.exp(-theta[1] / shape),
    beta: theta.slice(2),
    se,
    seLogShape: Math.sqrt(solve(information, unitShape)[0]),
    logLik: ll,
    iterations,
  };
}

/** Solves A v = b by Gaussian elimination with partial pivoting (A is small and dense). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const v = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * v[k];
    v[r] = s / m[r][r];
  }
  return v;
}
