import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/lib/engine/data/table';
import { profitCurve } from '../../../src/lib/engine/evaluate/profit';
import {
  cases,
  close,
  reference,
  sameCurve,
  synthetic,
  telco,
  type ProfitReference,
} from './fixtures';

// Reference: tests/fixtures/evaluate/make-evaluate.py profit(), by hand with
// NumPy: for each distinct score t descending, np.sum(y[m] * success *
// value[m] - cost) over m = score >= t, after "contact nobody" (profit 0 at
// the highest score + 1); the best is the first strict maximum.
function check(result: ReturnType<typeof profitCurve>, ref: ProfitReference, n: number) {
  sameCurve({ ...result.curve }, ref.curve, ['threshold', 'contacted', 'profit'], 1e-12);
  expect(result.exact).toBe(true);
  expect(result.best.threshold).toBe(ref.best.threshold);
  close(result.best.profit, ref.best.profit, 1e-12, 'best profit');
  close(result.best.contacted, ref.best.contacted, 1e-15, 'best contacted');
  expect([result.best.tp, result.best.fp]).toEqual([ref.best.tp, ref.best.fp]);
  expect(result.best.rows).toBe(ref.best.tp + ref.best.fp);
  expect(result.best.tp + result.best.fp + result.best.fn + result.best.tn).toBe(n);
}

describe('profitCurve against make-evaluate.py profit()', () => {
  it('telco a: cost 50, a year of monthly charges per customer, 30 % of contacted lapsers kept', () => {
    const r = profitCurve(telco.a, telco.outcome, {
      contactCost: 50,
      value: telco.value,
      success: 0.3,
      maxPoints: 10_000,
    });
    check(r, reference.telco.profit.a_value, 800);
  });
  it('telco c (ties): cost 60, 500 kept per retained customer, every contacted lapser kept', () => {
    const r = profitCurve(telco.c, telco.outcome, { contactCost: 60, value: 500 });
    check(r, reference.telco.profit.c_constant, 800);
  });
  it('ties edge case: a threshold contacts every row at its score', () => {
    const { score, outcome } = cases.ties;
    const value = Float64Array.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 100);
    check(
      profitCurve(score, outcome, { contactCost: 15, value, success: 0.5 }),
      reference.cases.ties.profit!,
      10,
    );
  });
  it('reversed edge case: when every contact loses, the best is to contact nobody', () => {
    const { score, outcome } = cases.reversed;
    const r = profitCurve(score, outcome, { contactCost: 20, value: 10 });
    check(r, reference.cases.reversed.profit!, 7);
    expect(r.best).toMatchObject({ profit: 0, contacted: 0, rows: 0 });
  });
});

describe('profitCurve at scale and on bad costs', () => {
  it('1,000,000 rows: ≤ maxPoints points, the best among them and on the curve', () => {
    const { score, outcome } = synthetic(1_000_000, 'profit-1m');
    const r = profitCurve(score, outcome, { contactCost: 20, value: 300, success: 0.4 });
    expect(r.exact).toBe(false);
    expect(r.curve.profit.length).toBeLessThanOrEqual(400);
    const k = r.curve.threshold.indexOf(r.best.threshold);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(r.curve.profit[k]).toBe(r.best.profit);
    expect(Math.max(...r.curve.profit)).toBe(r.best.profit);
    // Share contacted rises as the threshold falls, from nobody to everyone.
    expect(r.curve.contacted[0]).toBe(0);
    expect(r.curve.contacted.at(-1)).toBe(1);
    for (let j = 1; j < r.curve.contacted.length; j++)
      expect(r.curve.contacted[j]).toBeGreaterThan(r.curve.contacted[j - 1]);
  });

  it('refuses a cost, value or success share that cannot be used', () => {
    const { score, outcome } = cases.ties;
    const bad = [
      { contactCost: NaN, value: 1 },
      { contactCost: 1, value: Infinity },
      { contactCost: 1, value: 1, success: 1.5 },
      { contactCost: 1, value: Float64Array.of(1, NaN, 1, 1, 1, 1, 1, 1, 1, 1) },
    ];
    for (const options of bad) {
      expect(() => profitCurve(score, outcome, options)).toThrow(EngineError);
      try {
        profitCurve(score, outcome, options);
      } catch (e) {
        expect((e as EngineError).code).toBe('evaluate.bad-cost');
      }
    }
  });
});
