import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/lib/engine/data/table';
import { rocAuc, rocCurve, thin } from '../../../src/lib/engine/evaluate/roc';
import { rankSumAuc } from '../../../src/lib/engine/stats/rank';
import { close, inputs, reference, sameCurve, synthetic, telco } from './fixtures';

// Reference: tests/fixtures/evaluate/make-evaluate.py (scikit-learn 1.2.1):
// roc_curve(y, score, drop_intermediate=False[, sample_weight=w]) and
// roc_auc_score(y, score[, sample_weight=w]).
describe('rocCurve and rocAuc against scikit-learn', () => {
  for (const { name, input, ref } of inputs) {
    it(`${name}: roc_curve(drop_intermediate=False) and roc_auc_score`, () => {
      const curve = rocCurve(input.score, input.outcome);
      sameCurve({ ...curve }, ref.roc_curve, ['thresholds', 'fpr', 'tpr'], 1e-12);
      close(rocAuc(input.score, input.outcome), ref.roc_auc_score, 1e-12, 'auc');
      // The rank-sum AUC of stats/rank.ts (the leakage check's) gives the same number.
      close(rankSumAuc(input.score, input.outcome), ref.roc_auc_score, 1e-12, 'rankSumAuc');
    });
  }

  for (const m of ['a', 'c'] as const) {
    it(`telco ${m} weighted: roc_curve and roc_auc_score with sample_weight`, () => {
      const ref = reference.telco[`${m}_weighted`];
      const curve = rocCurve(telco[m], telco.outcome, telco.weight);
      sameCurve({ ...curve }, ref.roc_curve, ['thresholds', 'fpr', 'tpr'], 1e-12);
      close(rocAuc(telco[m], telco.outcome, telco.weight), ref.roc_auc_score, 1e-12, 'auc');
    });
  }

  it('leaves rows of weight 0 out, as scikit-learn does', () => {
    const weight = Float64Array.from(telco.weight);
    weight[0] = 0;
    weight[5] = 0;
    const keep = (_: number, i: number) => i !== 0 && i !== 5;
    const dropped = rocAuc(telco.a.filter(keep), telco.outcome.filter(keep), weight.filter(keep));
    expect(rocAuc(telco.a, telco.outcome, weight)).toBe(dropped);
    expect(rocCurve(telco.a, telco.outcome, weight).fpr.length).toBe(
      rocCurve(telco.a.filter(keep), telco.outcome.filter(keep)).fpr.length,
    );
  });
});

describe('thin', () => {
  it('keeps at most maxPoints exact points of the curve, both ends, and its shape', () => {
    const full = rocCurve(telco.a, telco.outcome);
    const thinned = thin(full, 50);
    expect(thinned.fpr.length).toBeLessThanOrEqual(50);
    expect(thinned.fpr.length).toBeGreaterThan(40);
    expect([thinned.fpr[0], thinned.tpr[0]]).toEqual([0, 0]);
    expect([thinned.fpr.at(-1), thinned.tpr.at(-1)]).toEqual([1, 1]);
    // Every kept point is a point of the full curve, thresholds descending.
    const at = new Map(Array.from(full.thresholds, (t, i) => [t, i]));
    for (let k = 0; k < thinned.fpr.length; k++) {
      const i = at.get(thinned.thresholds[k])!;
      expect([thinned.fpr[k], thinned.tpr[k]]).toEqual([full.fpr[i], full.tpr[i]]);
      if (k > 0) expect(thinned.thresholds[k]).toBeLessThan(thinned.thresholds[k - 1]);
    }
    // Kept points are at most 2 / 24 apart along the curve's length (|Δfpr| +
    // |Δtpr|, 2 in all, 24 of the 50 points spaced by it), which bounds how
    // far the monotone curve can stray from a chord between them.
    expect(maxGap(full, thinned)).toBeLessThanOrEqual(2 / 24);
    // A curve shorter than maxPoints comes back whole.
    expect(thin(full, full.fpr.length).fpr).toEqual(full.fpr);
  });

  it('1,000,000 rows: the AUC on every row equals the rank sum, the drawn curve has ≤ 400 points', () => {
    const { score, outcome } = synthetic(1_000_000, 'roc-1m');
    const auc = rocAuc(score, outcome);
    close(auc, rankSumAuc(score, outcome), 1e-12, 'auc');
    const full = rocCurve(score, outcome);
    expect(full.fpr.length).toBeGreaterThan(100_000);
    const thinned = thin(full, 400);
    expect(thinned.fpr.length).toBeLessThanOrEqual(400);
    expect(maxGap(full, thinned)).toBeLessThan(0.01);
    expect(Math.abs(trapezoid(thinned) - auc)).toBeLessThan(1e-3);
  });

  it('refuses fewer than two points', () => {
    expect(() => thin(rocCurve(telco.a, telco.outcome), 1)).toThrow(EngineError);
  });
});

describe('bad input is an EngineError, never NaN', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as EngineError).code;
    }
    return 'no error';
  };
  it('names the problem', () => {
    const s = Float64Array.of(0.1, 0.2, 0.3);
    expect(code(() => rocAuc(s, Uint8Array.of(1, 1, 1)))).toBe('evaluate.single-class');
    expect(code(() => rocCurve(s, Uint8Array.of(0, 0, 0)))).toBe('evaluate.single-class');
    expect(code(() => rocAuc(new Float64Array(0), new Uint8Array(0)))).toBe('evaluate.empty');
    expect(code(() => rocAuc(Float64Array.of(0.1, NaN), Uint8Array.of(0, 1)))).toBe(
      'evaluate.not-finite',
    );
    expect(code(() => rocAuc(s, Uint8Array.of(0, 1, 2)))).toBe('evaluate.bad-outcome');
    expect(code(() => rocAuc(s, Uint8Array.of(0, 1)))).toBe('evaluate.length-mismatch');
    expect(code(() => rocAuc(s, Uint8Array.of(0, 1, 1), Float64Array.of(1, -1, 1)))).toBe(
      'evaluate.bad-weight',
    );
    // Weight 0 on the only negative leaves one class.
    expect(code(() => rocAuc(s, Uint8Array.of(0, 1, 1), Float64Array.of(0, 1, 1)))).toBe(
      'evaluate.single-class',
    );
  });
});

/** Largest vertical distance between the full curve's points and the thinned polyline. */
function maxGap(full: { fpr: Float64Array; tpr: Float64Array }, thinned: typeof full): number {
  let gap = 0;
  let k = 0;
  for (let i = 0; i < full.fpr.length; i++) {
    const x = full.fpr[i];
    while (k < thinned.fpr.length - 2 && thinned.fpr[k + 1] < x) k++;
    const [x0, x1] = [thinned.fpr[k], thinned.fpr[k + 1]];
    const [y0, y1] = [thinned.tpr[k], thinned.tpr[k + 1]];
    // Within a vertical run of the thinned curve, the full curve lies between its ends.
    const lo = x1 === x0 ? Math.min(y0, y1) : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    const hi = x1 === x0 ? Math.max(y0, y1) : lo;
    const y = full.tpr[i];
    gap = Math.max(gap, y < lo ? lo - y : y > hi ? y - hi : 0);
  }
  return gap;
}

function trapezoid(c: { fpr: Float64Array; tpr: Float64Array }): number {
  let a = 0;
  for (let i = 1; i < c.fpr.length; i++)
    a += ((c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1])) / 2;
  return a;
}
