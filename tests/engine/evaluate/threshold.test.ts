import { describe, expect, it } from 'vitest';
import {
  confusionAt,
  metricsOf,
  thresholdTable,
  THRESHOLD_ROWS,
} from '../../../src/lib/engine/evaluate/threshold';
import { close, inputs, synthetic, telco } from './fixtures';

// Reference: tests/fixtures/evaluate/make-evaluate.py (scikit-learn 1.2.1), at
// each threshold t with pred = score >= t: confusion_matrix(y, pred),
// accuracy_score, precision_score, recall_score, recall_score of the
// negatives (specificity), f1_score (zero_division=0) and matthews_corrcoef;
// precision and MCC written as null there where they are undefined (no row
// predicted positive, or none predicted negative), where scikit-learn
// returns 0.
describe('confusionAt and metricsOf against scikit-learn', () => {
  for (const { name, input, ref } of inputs) {
    it(name, () => {
      const table = thresholdTable(input.score, input.outcome);
      expect(table.exact).toBe(true);
      for (const want of ref.at_thresholds!) {
        const c = confusionAt(table, want.threshold);
        expect(c, `t = ${want.threshold}`).toEqual({
          tp: want.tp,
          fp: want.fp,
          fn: want.fn,
          tn: want.tn,
        });
        const m = metricsOf(c);
        for (const f of ['accuracy', 'precision', 'recall', 'specificity', 'f1', 'mcc'] as const)
          close(m[f], want[f], 1e-12, `${f} at ${want.threshold}`);
      }
    });
  }

  it('is null, never NaN, where a metric is undefined', () => {
    const m = metricsOf({ tp: 0, fp: 0, fn: 4, tn: 6 });
    expect(m.precision).toBeNull();
    expect(m.mcc).toBeNull();
    expect(m.f1).toBe(0);
    expect(m.recall).toBe(0);
    const empty = metricsOf({ tp: 0, fp: 0, fn: 0, tn: 0 });
    expect(Object.values(empty).every((v) => v === null)).toBe(true);
  });
});

describe('a thinned table', () => {
  it('of at most 10 rows on Telco model a, exact at each kept score', () => {
    const full = thresholdTable(telco.a, telco.outcome);
    const small = thresholdTable(telco.a, telco.outcome, 10);
    expect(small.thresholds.length).toBeLessThanOrEqual(10);
    expect(small.exact).toBe(false);
    small.thresholds.forEach((t) => expect(confusionAt(small, t)).toEqual(confusionAt(full, t)));
    expect(() => thresholdTable(telco.a, telco.outcome, 9)).toThrow('evaluate.bad-option');
  });
});

describe('a thinned table on 1,000,000 rows', () => {
  const { score, outcome } = synthetic(1_000_000, 'threshold-1m');
  const table = thresholdTable(score, outcome);
  const full = thresholdTable(score, outcome, Number.MAX_SAFE_INTEGER);

  it(`holds at most ${THRESHOLD_ROWS} rows, exact at each kept score`, () => {
    expect(full.thresholds.length).toBeGreaterThan(100_000);
    expect(table.exact).toBe(false);
    expect(table.thresholds.length).toBeLessThanOrEqual(THRESHOLD_ROWS);
    const at = new Map(full.thresholds.map((t, i) => [t, i]));
    table.thresholds.forEach((t, k) => {
      const i = at.get(t)!;
      expect([table.tp[k], table.fp[k]]).toEqual([full.tp[i], full.fp[i]]);
      if (k > 0) expect(t).toBeLessThan(table.thresholds[k - 1]);
    });
    expect(table.thresholds[0]).toBe(full.thresholds[0]);
    expect(table.thresholds.at(-1)).toBe(full.thresholds.at(-1));
  });

  it('is exact at every slider step k / 1000, counted row by row', () => {
    for (const k of [0, 1, 5, 120, 333, 500, 995, 1000]) {
      const t = k / 1000;
      let tp = 0;
      let fp = 0;
      for (let i = 0; i < score.length; i++)
        if (score[i] >= t) {
          if (outcome[i]) tp++;
          else fp++;
        }
      expect(confusionAt(table, t), `t = ${t}`).toEqual(confusionAt(full, t));
      expect(confusionAt(table, t)).toMatchObject({ tp, fp });
    }
  });

  it('between kept scores, reads the nearest kept score at or above', () => {
    const t = 0.1234567;
    const c = confusionAt(table, t);
    const k = table.thresholds.findLastIndex((v) => v >= t);
    expect(c).toMatchObject({ tp: table.tp[k], fp: table.fp[k] });
    expect(confusionAt(table, 2)).toMatchObject({ tp: 0, fp: 0 });
    expect(confusionAt(table, -1)).toMatchObject({ fn: 0, tn: 0 });
  });
});
