// Ranks, and the area under the ROC curve computed from them (the
// Mann–Whitney statistic). Pure; used by the data-quality leakage check
// (../data/quality.ts) and meant for model evaluation (ROC/AUC) too, so that
// both give the same number for the same scores.

/**
 * Average ranks of `x`, 1-based, ties sharing the mean of the ranks they
 * span (R's rank(x, ties.method = "average")). `x` must hold no NaN: the
 * caller drops missing values first.
 */
export function averageRanks(x: Float64Array): Float64Array {
  const n = x.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && x[order[j]] === x[order[i]]) j++;
    const mean = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) r[order[k]] = mean;
    i = j;
  }
  return r;
}

/**
 * Area under the ROC curve of `score` for the rows where `positive` is 1
 * against those where it is 0, by the Mann–Whitney rank sum:
 * (R₁ − n₁(n₁ + 1)/2) / (n₁ n₀), R₁ the sum of the positives' average ranks.
 * It is the probability that a random positive scores above a random
 * negative, a tie counting one half (as wilcox.test's W / (n₁ n₀) in R).
 * NaN unless both classes occur. `score` must hold no NaN.
 */
export function rankSumAuc(score: Float64Array, positive: Uint8Array): number {
  const r = averageRanks(score);
  let n1 = 0;
  let sum = 0;
  for (let i = 0; i < score.length; i++) {
    if (positive[i]) {
      n1++;
      sum += r[i];
    }
  }
  const n0 = score.length - n1;
  if (n1 === 0 || n0 === 0) return NaN;
  return (sum - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}
