// The precision–recall curve and average precision, as scikit-learn 1.2's
// precision_recall_curve and average_precision_score, and a thinned copy of
// the curve for charts. Pure; runs in the compute worker and in Node.
//
// scikit-learn's shape is kept: points by threshold ascending (recall
// falling), one per distinct score, then the point (recall 0, precision 1)
// that has no threshold, so `thresholds` is one shorter than the curve.
// Average precision is the step integral Σ (Rₖ − Rₖ₋₁) · Pₖ over thresholds
// descending — no interpolation, as scikit-learn (not the trapezoid, which
// is optimistic). Weights as scikit-learn's sample_weight.

import { scoreGroups, thinIndex, type ScoreGroups } from './groups';

export interface PrecisionRecallCurve {
  precision: Float64Array;
  recall: Float64Array;
  /** Ascending, one per point but the last (recall 0, precision 1). */
  thresholds: Float64Array;
}

export function precisionRecallCurve(
  score: Float64Array,
  outcome: Uint8Array,
  weight?: Float64Array,
): PrecisionRecallCurve {
  return precisionRecallOfGroups(scoreGroups(score, outcome, weight));
}

export function precisionRecallOfGroups(groups: ScoreGroups): PrecisionRecallCurve {
  const g = groups.thresholds.length;
  const precision = new Float64Array(g + 1);
  const recall = new Float64Array(g + 1);
  const thresholds = new Float64Array(g);
  const p = groups.tp[g - 1];
  for (let i = 0; i < g; i++) {
    // Every group holds a row, so tp + fp > 0.
    const k = g - 1 - i;
    precision[i] = groups.tp[k] / (groups.tp[k] + groups.fp[k]);
    recall[i] = groups.tp[k] / p;
    thresholds[i] = groups.thresholds[k];
  }
  precision[g] = 1;
  recall[g] = 0;
  return { precision, recall, thresholds };
}

/** sklearn average_precision_score. */
export function averagePrecision(
  score: Float64Array,
  outcome: Uint8Array,
  weight?: Float64Array,
): number {
  const groups = scoreGroups(score, outcome, weight);
  const g = groups.thresholds.length;
  const p = groups.tp[g - 1];
  let sum = 0;
  let recallBefore = 0;
  for (let k = 0; k < g; k++) {
    const recall = groups.tp[k] / p;
    sum += (recall - recallBefore) * (groups.tp[k] / (groups.tp[k] + groups.fp[k]));
    recallBefore = recall;
  }
  return sum;
}

/** At most `maxPoints` points of the curve (groups.ts thinIndex), each exact, for a chart. */
export function thinPrecisionRecall(
  curve: PrecisionRecallCurve,
  maxPoints: number,
): PrecisionRecallCurve {
  const keep = thinIndex(curve.recall, curve.precision, maxPoints);
  const last = curve.recall.length - 1;
  return {
    precision: Float64Array.from(keep, (i) => curve.precision[i]),
    recall: Float64Array.from(keep, (i) => curve.recall[i]),
    // The last point, always kept, has no threshold.
    thresholds: Float64Array.from(
      keep.filter((i) => i !== last),
      (i) => curve.thresholds[i],
    ),
  };
}
