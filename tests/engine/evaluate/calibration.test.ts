import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/lib/engine/data/table';
import {
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  logLoss,
} from '../../../src/lib/engine/evaluate/calibration';
import { close, inputs, reference, synthetic, telco } from './fixtures';

// Reference: tests/fixtures/evaluate/make-evaluate.py (scikit-learn 1.2.1):
// calibration_curve(y, p, n_bins=10, strategy='uniform') (prob_true,
// prob_pred; counts by np.bincount of the same bins), brier_score_loss(y, p
// [, sample_weight=w]), log_loss(y, p[, sample_weight=w]) (eps='auto'), and
// ECE by hand: sum over non-empty bins of n_b / n · |mean p − observed rate|.
describe('calibration against scikit-learn', () => {
  for (const { name, input, ref } of inputs) {
    it(`${name}: calibration_curve, brier_score_loss, log_loss, ECE`, () => {
      const bins = calibrationCurve(input.score, input.outcome);
      const want = ref.calibration_curve!;
      expect(bins.map((b) => b.count)).toEqual(want.count);
      bins.forEach((b, k) => {
        close(b.observed, want.prob_true[k], 1e-12, `prob_true[${k}]`);
        close(b.predicted, want.prob_pred[k], 1e-12, `prob_pred[${k}]`);
        expect(b.lower).toBeLessThan(b.upper);
      });
      close(brierScore(input.score, input.outcome), ref.brier_score_loss, 1e-12, 'brier');
      close(logLoss(input.score, input.outcome), ref.log_loss, 1e-12, 'log loss');
      close(expectedCalibrationError(input.score, input.outcome), ref.ece!, 1e-12, 'ece');
    });
  }
  for (const m of ['a', 'c'] as const) {
    it(`telco ${m} weighted: brier_score_loss and log_loss with sample_weight`, () => {
      const ref = reference.telco[`${m}_weighted`];
      close(
        brierScore(telco[m], telco.outcome, telco.weight),
        ref.brier_score_loss,
        1e-12,
        'brier',
      );
      close(logLoss(telco[m], telco.outcome, telco.weight), ref.log_loss, 1e-12, 'log loss');
    });
  }

  it('log loss of a certain, wrong prediction is −ln ε (clipped as scikit-learn 1.2), not infinity', () => {
    const loss = logLoss(Float64Array.of(0, 1), Uint8Array.of(1, 0));
    close(loss, -Math.log(Number.EPSILON), 1e-12, 'clipped');
    // 'extremes' holds probabilities of exactly 0 and 1, checked above against log_loss.
    expect(Number.isFinite(logLoss(Float64Array.of(0, 1, 0.5), Uint8Array.of(0, 1, 1)))).toBe(true);
  });

  it('puts a probability on an edge in the lower bin, as np.searchsorted does', () => {
    const bins = calibrationCurve(
      Float64Array.of(0.1, 0.2, 0.30000000000000004, 1),
      Uint8Array.of(0, 1, 0, 1),
    );
    expect(bins.map((b) => [b.bin, b.count])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [9, 1],
    ]);
  });

  it('refuses scores that are not probabilities', () => {
    const s = Float64Array.of(-0.1, 0.5, 0.7);
    const y = Uint8Array.of(0, 1, 1);
    for (const f of [calibrationCurve, brierScore, logLoss, expectedCalibrationError]) {
      expect(() => f(s, y)).toThrow(EngineError);
      try {
        f(s, y);
      } catch (e) {
        expect((e as EngineError).code).toBe('evaluate.not-probability');
      }
    }
  });

  it('1,000,000 rows: ten bins at most, counts adding up to every row', () => {
    const { score, outcome } = synthetic(1_000_000, 'calibration-1m');
    const bins = calibrationCurve(score, outcome);
    expect(bins.length).toBeLessThanOrEqual(10);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(1_000_000);
    const ece = expectedCalibrationError(score, outcome);
    expect(ece).toBeGreaterThanOrEqual(0);
    expect(ece).toBeLessThanOrEqual(1);
  });
});
