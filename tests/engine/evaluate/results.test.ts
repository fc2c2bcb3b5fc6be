import { describe, expect, it } from 'vitest';
import {
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  logLoss,
} from '../../../src/lib/engine/evaluate/calibration';
import { delongCi, delongComparisons } from '../../../src/lib/engine/evaluate/delong';
import { gainsTable, ksStatistic } from '../../../src/lib/engine/evaluate/gains';
import {
  averagePrecision,
  precisionRecallCurve,
  thinPrecisionRecall,
} from '../../../src/lib/engine/evaluate/precisionRecall';
import { profitCurve } from '../../../src/lib/engine/evaluate/profit';
import { rocAuc, rocCurve, thin } from '../../../src/lib/engine/evaluate/roc';
import { confusionAt, metricsOf, thresholdTable } from '../../../src/lib/engine/evaluate/threshold';
import { cases } from './fixtures';

// Results cross the worker boundary by structured clone and are stored in
// IndexedDB and written as JSON by the headless runner: plain data, no NaN
// or infinity anywhere, on every edge case of scores.json (ties, all scores
// equal, one class at one score, perfect and reversed ranking, 0 and 1
// probabilities; two rows, where DeLong throws instead — see delong.test.ts).
function everything(score: Float64Array, outcome: Uint8Array) {
  const table = thresholdTable(score, outcome);
  return {
    roc: thin(rocCurve(score, outcome), 3),
    auc: rocAuc(score, outcome),
    pr: thinPrecisionRecall(precisionRecallCurve(score, outcome), 3),
    ap: averagePrecision(score, outcome),
    gains: gainsTable(score, outcome),
    ks: ksStatistic(score, outcome),
    calibration: calibrationCurve(score, outcome),
    brier: brierScore(score, outcome),
    logLoss: logLoss(score, outcome),
    ece: expectedCalibrationError(score, outcome),
    table,
    metrics: [-1, 0.3, 0.5, 2].map((t) => metricsOf(confusionAt(table, t))),
    profit: profitCurve(score, outcome, { contactCost: 1, value: 5, success: 0.5 }),
    ...(outcome.length > 2
      ? {
          ci: delongCi(score, outcome),
          // Against the rows' order as a score (an uninformed model).
          comparisons: delongComparisons([score, score.map((_, i) => i / score.length)], outcome),
        }
      : {}),
  };
}

function numbers(value: unknown, path: string, out: [string, number][]) {
  if (typeof value === 'number') out.push([path, value]);
  else if (ArrayBuffer.isView(value))
    Array.from(value as Float64Array).forEach((v, i) => out.push([`${path}[${i}]`, v]));
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) numbers(v, `${path}.${k}`, out);
}

describe('results are plain, finite data', () => {
  for (const [name, { score, outcome }] of Object.entries(cases)) {
    it(name, () => {
      const result = everything(score, outcome);
      expect(structuredClone(result)).toEqual(result);
      const all: [string, number][] = [];
      numbers(result, name, all);
      expect(all.length).toBeGreaterThan(20);
      expect(all.filter(([, v]) => !Number.isFinite(v))).toEqual([]);
    });
  }
});
