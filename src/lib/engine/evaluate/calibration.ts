// How well predicted probabilities match observed rates: the calibration
// curve (10 uniform bins), the Brier score, log loss and the expected
// calibration error. Pure; runs in the compute worker and in Node.
//
// Scores here must be probabilities: a score outside [0, 1] throws
// EngineError('evaluate.not-probability'), as scikit-learn's
// calibration_curve and brier_score_loss do (its log_loss would clip such a
// score silently, which hides a score column that is not a probability).
//
// - Bins: scikit-learn 1.2's calibration_curve(strategy = 'uniform',
//   n_bins = 10): edges k · 0.1 as np.linspace makes them, a probability p
//   in bin #{k = 1…9 : edge k < p} (so 0.1 itself is in the first bin, 1 in
//   the last); only non-empty bins are returned.
// - Brier score: sklearn brier_score_loss, the (weighted) mean of (y − p)².
// - Log loss: sklearn 1.2 log_loss with eps = "auto": p is clipped to
//   [ε, 1 − ε] with ε = 2⁻⁵² (float64's machine epsilon), so a probability
//   of exactly 0 or 1 on the wrong side costs −ln ε ≈ 36.04 instead of
//   infinity; then, as scikit-learn, each row's pair (1 − p, p) is divided by
//   its sum before the log.
// - Expected calibration error (scikit-learn has none): over the same 10
//   bins, ECE = Σ_b (n_b / n) · |mean p in b − observed rate in b|, empty
//   bins adding nothing. Unweighted.

import { EngineError } from '../data/table';
import { accurateSum, checkInput } from './groups';

export interface CalibrationBin {
  /** 0 (p ≤ 0.1) to 9 (p > 0.9). */
  bin: number;
  lower: number;
  upper: number;
  /** Mean predicted probability in the bin (sklearn's prob_pred). */
  predicted: number;
  /** Share of positives in the bin (sklearn's prob_true). */
  observed: number;
  count: number;
}

const BINS = 10;
// np.linspace(0, 1, 11): k * (1 / 10), the last edge exactly 1.
const EDGES = Array.from({ length: BINS + 1 }, (_, k) => (k === BINS ? 1 : k * (1 / BINS)));

function checkProbabilities(score: Float64Array): void {
  let min = Infinity;
  let max = -Infinity;
  for (const p of score) {
    if (p < min) min = p;
    if (p > max) max = p;
  }
  if (min < 0 || max > 1) throw new EngineError('evaluate.not-probability', { min, max });
}

function binOf(p: number): number {
  let b = 0;
  while (b < BINS - 1 && EDGES[b + 1] < p) b++;
  return b;
}

/** sklearn calibration_curve(strategy='uniform', n_bins=10), with each bin's count. */
export function calibrationCurve(score: Float64Array, outcome: Uint8Array): CalibrationBin[] {
  checkInput(score, outcome);
  checkProbabilities(score);
  const sums = new Float64Array(BINS);
  const positives = new Float64Array(BINS);
  const counts = new Float64Array(BINS);
  // Summed in row order, as np.bincount does.
  for (let i = 0; i < score.length; i++) {
    const b = binOf(score[i]);
    sums[b] += score[i];
    positives[b] += outcome[i];
    counts[b]++;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < BINS; b++) {
    if (counts[b] === 0) continue;
    out.push({
      bin: b,
      lower: EDGES[b],
      upper: EDGES[b + 1],
      predicted: sums[b] / counts[b],
      observed: positives[b] / counts[b],
      count: counts[b],
    });
  }
  return out;
}

/** Expected calibration error over calibrationCurve's bins (definition in the header). */
export function expectedCalibrationError(score: Float64Array, outcome: Uint8Array): number {
  let ece = 0;
  for (const bin of calibrationCurve(score, outcome))
    ece += (bin.count / score.length) * Math.abs(bin.predicted - bin.observed);
  return ece;
}

function weightedMean(n: number, x: (i: number) => number, weight?: Float64Array): number {
  if (!weight) return accurateSum(n, x) / n;
  return accurateSum(n, (i) => weight[i] * x(i)) / accurateSum(n, (i) => weight[i]);
}

/** sklearn brier_score_loss. */
export function brierScore(
  score: Float64Array,
  outcome: Uint8Array,
  weight?: Float64Array,
): number {
  checkInput(score, outcome, weight);
  checkProbabilities(score);
  return weightedMean(score.length, (i) => (outcome[i] - score[i]) ** 2, weight);
}

/** sklearn 1.2 log_loss (natural log), clipping as the header says. */
export function logLoss(score: Float64Array, outcome: Uint8Array, weight?: Float64Array): number {
  checkInput(score, outcome, weight);
  checkProbabilities(score);
  const eps = Number.EPSILON;
  return weightedMean(
    score.length,
    (i) => {
      const p = Math.min(Math.max(score[i], eps), 1 - eps);
      const q = 1 - p;
      const total = q + p;
      return -Math.log((outcome[i] === 1 ? p : q) / total);
    },
    weight,
  );
}
