// The threshold table that lets the page move a threshold slider without a
// worker round-trip, the confusion matrix at any threshold read from it, and
// the metrics of a confusion matrix. Pure and small: the table crosses the
// worker boundary with the result, and confusionAt / metricsOf run on the
// page at every move of the slider.
//
// The table holds the distinct scores descending with the positives (tp) and
// negatives (fp) scored at or above each (unweighted counts). When there are
// more than `maxRows` distinct scores it keeps only some of them — both
// ends, half evenly spaced by rank and half the lowest score at or above
// each of evenly spaced values (k / 1000 for probabilities, so a slider in
// steps of 0.001 or coarser reads exact counts) — and its counts are exact
// at every kept score. Between kept scores, confusionAt reads the nearest
// kept score at or above the threshold (`exact` is false then).
//
// Metrics are null, never NaN, where undefined: precision with no row
// predicted positive; MCC when a row or column of the confusion matrix is
// empty (scikit-learn's matthews_corrcoef returns 0 there). F1 is
// 2TP / (2TP + FP + FN), 0 when no positive is found (as scikit-learn with
// zero_division = 0), null only for an empty matrix.

import { EngineError } from '../data/table';
import { scoreGroups } from './groups';

export interface ThresholdTable {
  /** Distinct scores (all, or those kept), descending. */
  thresholds: number[];
  /** Positives with score ≥ thresholds[k]. */
  tp: number[];
  /** Negatives with score ≥ thresholds[k]. */
  fp: number[];
  positives: number;
  negatives: number;
  /** True when every distinct score is in the table. */
  exact: boolean;
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface ThresholdMetrics {
  accuracy: number | null;
  precision: number | null;
  /** Sensitivity, the true-positive rate. */
  recall: number | null;
  specificity: number | null;
  f1: number | null;
  mcc: number | null;
}

/**
 * The default bound on a table's rows (its size in the stored result): 1,001
 * grid values k / 1000, 999 ranks and both ends.
 */
export const THRESHOLD_ROWS = 2002;
const GRID = 1000;

export function thresholdTable(
  score: Float64Array,
  outcome: Uint8Array,
  maxRows = THRESHOLD_ROWS,
): ThresholdTable {
  if (!Number.isInteger(maxRows) || maxRows < 10)
    throw new EngineError('evaluate.bad-option', { option: 'maxRows', value: maxRows });
  const groups = scoreGroups(score, outcome);
  const g = groups.thresholds.length;
  const base = { positives: groups.positives, negatives: groups.negatives };
  if (g <= maxRows)
    return {
      thresholds: Array.from(groups.thresholds),
      tp: Array.from(groups.tp),
      fp: Array.from(groups.fp),
      ...base,
      exact: true,
    };
  const keep = new Uint8Array(g);
  keep[0] = 1;
  keep[g - 1] = 1;
  const byValue = maxRows - 2 >= 2 * (GRID + 1) - 2 ? GRID + 1 : Math.max(2, (maxRows - 2) >> 1);
  const byRank = Math.max(0, maxRows - 2 - byValue);
  const n = groups.positives + groups.negatives;
  // Evenly by rank: the group holding the row at each of byRank ranks.
  for (let k = 1, at = 0; k <= byRank; k++) {
    const rank = (n * k) / (byRank + 1);
    while (groups.tp[at] + groups.fp[at] < rank) at++;
    keep[at] = 1;
  }
  // Evenly by value: the lowest score ≥ each grid value (grid k / 1000 when
  // the scores are probabilities, else across their range).
  const top = groups.thresholds[0];
  const bottom = groups.thresholds[g - 1];
  const probabilities = bottom >= 0 && top <= 1;
  const low = probabilities ? 0 : bottom;
  const high = probabilities ? 1 : top;
  const steps = byValue - 1;
  for (let k = 0; k <= steps; k++) {
    const v = k === steps ? high : low + (k * (high - low)) / steps;
    const at = lastAtLeast(groups.thresholds, v);
    if (at >= 0) keep[at] = 1;
  }
  const thresholds: number[] = [];
  const tp: number[] = [];
  const fp: number[] = [];
  for (let i = 0; i < g; i++) {
    if (!keep[i]) continue;
    thresholds.push(groups.thresholds[i]);
    tp.push(groups.tp[i]);
    fp.push(groups.fp[i]);
  }
  return { thresholds, tp, fp, ...base, exact: false };
}

/** The last index k of a descending array with values[k] ≥ t, or −1. */
function lastAtLeast(values: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The confusion matrix when every row with score ≥ threshold is predicted positive. */
export function confusionAt(table: ThresholdTable, threshold: number): Confusion {
  const k = lastAtLeast(table.thresholds, threshold);
  const tp = k < 0 ? 0 : table.tp[k];
  const fp = k < 0 ? 0 : table.fp[k];
  return { tp, fp, fn: table.positives - tp, tn: table.negatives - fp };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function metricsOf(c: Confusion): ThresholdMetrics {
  const n = c.tp + c.fp + c.fn + c.tn;
  return {
    accuracy: ratio(c.tp + c.tn, n),
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    specificity: ratio(c.tn, c.tn + c.fp),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    mcc: mcc(c),
  };
}

/** sklearn matthews_corrcoef's formula from the confusion matrix, null where it returns 0 for 0/0. */
function mcc(c: Confusion): number | null {
  const n = c.tp + c.fp + c.fn + c.tn;
  const actualPositive = c.tp + c.fn;
  const actualNegative = c.tn + c.fp;
  const predictedPositive = c.tp + c.fp;
  const predictedNegative = c.tn + c.fn;
  const covYtYp =
    (c.tp + c.tn) * n - (actualNegative * predictedNegative + actualPositive * predictedPositive);
  const covYpYp =
    n * n - (predictedNegative * predictedNegative + predictedPositive * predictedPositive);
  const covYtYt = n * n - (actualNegative * actualNegative + actualPositive * actualPositive);
  if (covYpYp * covYtYt === 0) return null;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}
