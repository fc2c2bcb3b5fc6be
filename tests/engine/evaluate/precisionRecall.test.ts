import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  precisionRecallCurve,
  thinPrecisionRecall,
} from '../../../src/lib/engine/evaluate/precisionRecall';
import { close, inputs, reference, sameCurve, synthetic, telco } from './fixtures';

// Reference: tests/fixtures/evaluate/make-evaluate.py (scikit-learn 1.2.1):
// precision_recall_curve(y, score[, sample_weight=w]) and
// average_precision_score(y, score[, sample_weight=w]).
describe('precision–recall against scikit-learn', () => {
  for (const { name, input, ref } of inputs) {
    it(`${name}: precision_recall_curve and average_precision_score`, () => {
      const curve = precisionRecallCurve(input.score, input.outcome);
      sameCurve({ ...curve }, ref.precision_recall_curve, ['precision', 'recall'], 1e-12);
      sameCurve({ ...curve }, ref.precision_recall_thresholds, ['thresholds'], 0);
      close(averagePrecision(input.score, input.outcome), ref.average_precision_score, 1e-12, 'ap');
    });
  }
  for (const m of ['a', 'c'] as const) {
    it(`telco ${m} weighted: average_precision_score with sample_weight`, () => {
      const ref = reference.telco[`${m}_weighted`];
      const curve = precisionRecallCurve(telco[m], telco.outcome, telco.weight);
      sameCurve({ ...curve }, ref.precision_recall_curve, ['precision', 'recall'], 1e-12);
      close(
        averagePrecision(telco[m], telco.outcome, telco.weight),
        ref.average_precision_score,
        1e-12,
        'ap',
      );
    });
  }
});

describe('thinPrecisionRecall', () => {
  it('1,000,000 rows: ≤ maxPoints exact points, the ends kept, thresholds one shorter', () => {
    const { score, outcome } = synthetic(1_000_000, 'pr-1m');
    const full = precisionRecallCurve(score, outcome);
    const thinned = thinPrecisionRecall(full, 300);
    expect(thinned.recall.length).toBeLessThanOrEqual(300);
    expect(thinned.thresholds.length).toBe(thinned.recall.length - 1);
    expect([thinned.recall[0], thinned.precision[0]]).toEqual([full.recall[0], full.precision[0]]);
    expect([thinned.recall.at(-1), thinned.precision.at(-1)]).toEqual([0, 1]);
    // Each kept point is the full curve's point at its threshold.
    const at = new Map(Array.from(full.thresholds, (t, i) => [t, i]));
    thinned.thresholds.forEach((t, k) => {
      const i = at.get(t)!;
      expect([thinned.recall[k], thinned.precision[k]]).toEqual([
        full.recall[i],
        full.precision[i],
      ]);
    });
    // No step of recall larger than the spacing along x allows.
    for (let k = 1; k < thinned.recall.length; k++)
      expect(thinned.recall[k - 1] - thinned.recall[k]).toBeLessThanOrEqual(1 / 149 + 1e-9);
  });
});
