// Distribution functions the models' inference needs, at R's accuracy: the
// standard normal's lower and upper tails (z tests, Wald intervals) and the
// chi-square distribution (likelihood-ratio and Hosmer–Lemeshow tests). Pure;
// runs in Node, the worker and the page.
//
// pnorm is W. J. Cody's rational Chebyshev approximation (ACM TOMS 715), the
// algorithm and constants of R's pnorm_both, so tails keep full relative
// precision down to 1e-300 where 1 − Φ(x) would round to 0. The chi-square is
// the regularized incomplete gamma function, by its series below a + 1 and
// by Legendre's continued fraction above (each tail computed directly, never
// as 1 − the other). The normal quantile is AS 241, shared with the survival
// code (../survival/qnorm.ts). Constants are the shortest literals of the
// doubles the published 20-digit values round to.

export { qnorm } from '../survival/qnorm';

const A = [
  2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356,
  0.06568233791820745,
];
const B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
const C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
];
const D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
];
const P = [
  0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934,
  0.000029112874951168793, 0.023073441764940174,
];
const Q = [
  1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824,
  0.00007297515550839662,
];
const M_SQRT_32 = 5.656854249492381;
const M_1_SQRT_2PI = 0.3989422804014327;
const HALF_EPSILON = Number.EPSILON * 0.5;

/** Both tails of the standard normal at x: [P(X ≤ x), P(X > x)] (R's pnorm_both). */
export function pnormBoth(x: number): [number, number] {
  if (Number.isNaN(x)) return [NaN, NaN];
  const y = Math.abs(x);
  let cum: number;
  let ccum: number;
  if (y <= 0.67448975) {
    // |x| below qnorm(3/4): Φ(x) − 1/2 as an odd rational function.
    let xnum = 0;
    let xden = 0;
    if (y > HALF_EPSILON) {
      const xsq = x * x;
      xnum = A[4] * xsq;
      xden = xsq;
      for (let i = 0; i < 3; i++) {
        xnum = (xnum + A[i]) * xsq;
        xden = (xden + B[i]) * xsq;
      }
    }
    const temp = (x * (xnum + A[3])) / (xden + B[3]);
    return [0.5 + temp, 0.5 - temp];
  }
  let temp: number;
  if (y <= M_SQRT_32) {
    let xnum = C[8] * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + C[i]) * y;
      xden = (xden + D[i]) * y;
    }
    temp = (xnum + C[7]) / (xden + D[7]);
  } else if (y < 37.5193) {
    const xsq = 1 / (x * x);
    let xnum = P[5] * xsq;
    let xden = xsq;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + P[i]) * xsq;
      xden = (xden + Q[i]) * xsq;
    }
    temp = (xsq * (xnum + P[4])) / (xden + Q[4]);
    temp = (M_1_SQRT_2PI - temp) / y;
  } else {
    return x > 0 ? [1, 0] : [0, 1];
  }
  // exp(−y²/2) split as exp(−xsq²/2)·exp(−del/2), xsq = y rounded down to 1/16,
  // so that the square is exact and the tail keeps its relative precision.
  const xsq = Math.trunc(y * 16) / 16;
  const del = (y - xsq) * (y + xsq);
  const tail = Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * temp;
  cum = tail;
  ccum = 1 - tail;
  if (x > 0) [cum, ccum] = [ccum, cum];
  return [cum, ccum];
}

/** P(X ≤ x) for the standard normal (R's `pnorm(x)`). */
export function pnorm(x: number): number {
  return pnormBoth(x)[0];
}

/** P(X > x) for the standard normal (R's `pnorm(x, lower.tail = FALSE)`). */
export function pnormUpper(x: number): number {
  return pnormBoth(x)[1];
}

/** Two-sided p-value of a z statistic, 2·P(Z > |z|) (R's summary.glm: 2 * pnorm(-abs(z))). */
export function zTestP(z: number): number {
  return 2 * pnormBoth(-Math.abs(z))[0];
}

// Lanczos approximation (g = 607/128, 15 terms; Godfrey's coefficients, as
// Boost and numerical libraries use), relative error about 1e-15 on x > 0.
const LANCZOS_G = 607 / 128;
const LANCZOS = [
  0.9999999999999971, 57.15623566586292, -59.59796035547549, 14.136097974741746,
  -0.4919138160976202, 0.00003399464998481189, 0.00004652362892704858, -0.00009837447530487956,
  0.0001580887032249125, -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639,
  0.00008441822398385275, -0.000026190838401581408, 0.0000036899182659531625,
];
const HALF_LOG_2PI = 0.9189385332046728;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN;
  // Small integers and half-integers, the chi-square's usual a = df/2, exactly as sums of logs.
  if (x <= 171 && Number.isInteger(2 * x)) {
    let value = 0;
    let t = x;
    if (Number.isInteger(x)) {
      for (t = x - 1; t > 1; t--) value += Math.log(t);
      return value;
    }
    // Γ(k + 1/2) = Γ(1/2)·∏ (j − 1/2), Γ(1/2) = √π.
    for (t = x - 1; t > 0; t--) value += Math.log(t);
    return value + 0.5723649429247001; // ln √π
  }
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Regularized incomplete gamma, both tails: [P(a, x), Q(a, x)] = the lower and
 * upper tail of Gamma(a, 1) at x (R's pgamma(x, a) and pgamma(x, a, lower = FALSE)).
 */
export function gammaBoth(a: number, x: number): [number, number] {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return [NaN, NaN];
  if (x <= 0) return [0, 1];
  if (x === Infinity) return [1, 0];
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // Series: P = e^{−x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    const lower = Math.exp(logPrefix) * sum;
    return [lower, 1 - lower];
  }
  // Continued fraction for Q (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  const upper = Math.exp(logPrefix) * h;
  return [1 - upper, upper];
}

/** P(X ≤ x) for chi-square with df degrees of freedom (R's `pchisq(x, df)`). */
export function pchisq(x: number, df: number): number {
  return gammaBoth(df / 2, x / 2)[0];
}

/** P(X > x) for chi-square with df degrees of freedom (R's `pchisq(x, df, lower.tail = FALSE)`). */
export function pchisqUpper(x: number, df: number): number {
  return gammaBoth(df / 2, x / 2)[1];
}
