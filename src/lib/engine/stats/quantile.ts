// Sample quantiles, shared by profiles, data-quality checks and Prepare
// transforms so that every number the user sees agrees with R, and the
// binary searches over sorted values they use. Pure.

/**
 * R's quantile(type = 7) of ascending `sorted` values (no missing), computed
 * the way stats::quantile.default does (1-based index, (1 − h)·lo + h·hi), so
 * results agree with R to the last bit, not just to rounding.
 */
export function quantile7(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const index = 1 + (n - 1) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const q = sorted[lo - 1];
  const h = index - lo;
  return index > lo && sorted[hi - 1] !== q ? (1 - h) * q + h * sorted[hi - 1] : q;
}

/** The non-missing values of a numeric column, sorted ascending. */
export function sortedValues(values: Float64Array): Float64Array {
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) k++;
  const out = new Float64Array(k);
  for (let i = 0, j = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[j++] = values[i];
  return out.sort();
}

/** Index of the first value >= x in ascending `sorted` (its length when there is none). */
export function firstAtLeast(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first value > x in ascending `sorted` (its length when there is none). */
export function firstAbove(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
