// Correlation coefficients of two numeric variables. Pure; used by the
// data-quality leakage check (../data/quality.ts) and by anything else that
// must agree with R's cor().

import { averageRanks } from './rank';

/**
 * The rows `i < n` where both `x[i]` and `y[i]` are present (not NaN), as
 * two arrays of equal length: R's cor(use = "pairwise.complete.obs") for a
 * pair of columns.
 */
export function pairwiseComplete(
  x: Float64Array,
  y: Float64Array,
  n: number,
): { x: Float64Array; y: Float64Array } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    if (x[i] === x[i] && y[i] === y[i]) {
      xs.push(x[i]);
      ys.push(y[i]);
    }
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

/**
 * Pearson's product-moment r of `x` and `y` (same length, no NaN), in two
 * passes about the means (the one-pass formula loses digits for large
 * means); NaN when either side is constant.
 */
export function pearsonCorrelation(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * Spearman's ρ: Pearson's r of the average ranks, ties included, as R's
 * cor(method = "spearman"). Same input rules as pearsonCorrelation.
 */
export function spearmanCorrelation(x: Float64Array, y: Float64Array): number {
  return pearsonCorrelation(averageRanks(x), averageRanks(y));
}
