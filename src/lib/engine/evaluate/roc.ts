// The ROC curve and the area under it, and a thinned copy of the curve for
// charts. Pure; runs in the compute worker and in Node.
//
// The curve is scikit-learn 1.2's roc_curve(drop_intermediate = False): one
// point per distinct score, thresholds descending, preceded by (0, 0) whose
// threshold is the highest score + 1 (scikit-learn 1.2's choice; 1.3 uses
// +inf, which JSON cannot hold). The AUC is computed on every row, exactly:
// the sum over groups of equal score of negatives × (positives above + half
// the positives tied), over P·N — the Mann–Whitney statistic, equal to
// stats/rank.ts rankSumAuc and to scikit-learn's roc_auc_score, with no
// curve built (tested to 1e-12). Weights as scikit-learn's sample_weight.

import { scoreGroups, thinIndex, type ScoreGroups } from './groups';

export interface RocCurve {
  /** Descending; thresholds[0] = highest score + 1 (no row predicted positive). */
  thresholds: Float64Array;
  fpr: Float64Array;
  tpr: Float64Array;
}

/** The ROC curve at every distinct score (sklearn roc_curve, drop_intermediate=False). */
export function rocCurve(
  score: Float64Array,
  outcome: Uint8Array,
  weight?: Float64Array,
): RocCurve {
  return rocOfGroups(scoreGroups(score, outcome, weight));
}

export function rocOfGroups(groups: ScoreGroups): RocCurve {
  const g = groups.thresholds.length;
  const thresholds = new Float64Array(g + 1);
  const fpr = new Float64Array(g + 1);
  const tpr = new Float64Array(g + 1);
  thresholds[0] = groups.thresholds[0] + 1;
  // Divided by the last cumulative total, as scikit-learn does (fps / fps[-1]),
  // so that weighted curves end at exactly 1.
  const p = groups.tp[g - 1];
  const n = groups.fp[g - 1];
  for (let i = 0; i < g; i++) {
    thresholds[i + 1] = groups.thresholds[i];
    fpr[i + 1] = groups.fp[i] / n;
    tpr[i + 1] = groups.tp[i] / p;
  }
  return { thresholds, fpr, tpr };
}

/** Area under the ROC curve on every row (sklearn roc_auc_score; pROC auc with direction "<"). */
export function rocAuc(score: Float64Array, outcome: Uint8Array, weight?: Float64Array): number {
  return aucOfGroups(scoreGroups(score, outcome, weight));
}

export function aucOfGroups(groups: ScoreGroups): number {
  // Twice the area in counts: Σ Δfp · (2·tp before + Δtp). Unweighted, every
  // term is an integer below 2^53 up to ~60 million rows, so the sum is exact
  // and the one division rounds once.
  let twice = 0;
  let tpBefore = 0;
  let fpBefore = 0;
  for (let i = 0; i < groups.thresholds.length; i++) {
    const dtp = groups.tp[i] - tpBefore;
    const dfp = groups.fp[i] - fpBefore;
    twice += dfp * (2 * tpBefore + dtp);
    tpBefore = groups.tp[i];
    fpBefore = groups.fp[i];
  }
  return twice / (2 * tpBefore * fpBefore);
}

/**
 * At most `maxPoints` points of the curve for a chart (groups.ts thinIndex:
 * both ends, points evenly along its length and along the false-positive
 * rate), each an exact point of the full curve with its threshold. The AUC
 * is never computed from a thinned curve.
 */
export function thin(curve: RocCurve, maxPoints: number): RocCurve {
  const keep = thinIndex(curve.fpr, curve.tpr, maxPoints);
  return {
    thresholds: Float64Array.from(keep, (i) => curve.thresholds[i]),
    fpr: Float64Array.from(keep, (i) => curve.fpr[i]),
    tpr: Float64Array.from(keep, (i) => curve.tpr[i]),
  };
}
