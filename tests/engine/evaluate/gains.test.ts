import { describe, expect, it } from 'vitest';
import { gainsTable, ksStatistic } from '../../../src/lib/engine/evaluate/gains';
import { close, inputs, synthetic } from './fixtures';

// Reference: tests/fixtures/evaluate/make-evaluate.py. Gains: its gains(),
// written by hand from the definition in src/lib/engine/evaluate/gains.ts
// (row at rank i in decile floor(10 i / n); each row of a tie group counts
// the group's positives / rows). KS: max |tpr − fpr| of scikit-learn's
// roc_curve(drop_intermediate=False) and its threshold, and SciPy's
// ks_2samp(score[y == 1], score[y == 0]).statistic.
describe('gains by decile against make-evaluate.py gains()', () => {
  for (const { name, input, ref } of inputs) {
    it(name, () => {
      const table = gainsTable(input.score, input.outcome);
      expect(table.map((r) => r.decile)).toEqual(ref.gains!.map((r) => r.decile));
      table.forEach((row, k) => {
        const want = ref.gains![k];
        expect(row.rows).toBe(want.rows);
        for (const f of [
          'positives',
          'contactedShare',
          'capturedShare',
          'lift',
          'cumulativeLift',
          'perfect',
        ] as const)
          close(row[f], want[f], 1e-12, `decile ${row.decile} ${f}`);
        expect(row.random).toBe(row.contactedShare);
      });
      close(table.at(-1)!.capturedShare, 1, 1e-12, 'all positives captured');
    });
  }

  it('1,000,000 rows: ten deciles of 100,000 rows, positives adding up', () => {
    const { score, outcome } = synthetic(1_000_000, 'gains-1m', 3);
    const table = gainsTable(score, outcome);
    expect(table.map((r) => r.rows)).toEqual(new Array(10).fill(100_000));
    let positives = 0;
    for (const v of outcome) positives += v;
    close(
      table.reduce((s, r) => s + r.positives, 0),
      positives,
      1e-12,
      'positives',
    );
    // Ranked by score, the lift falls from the first decile to the last.
    expect(table[0].lift).toBeGreaterThan(table[9].lift);
  });
});

describe('KS against scikit-learn roc_curve and SciPy ks_2samp', () => {
  for (const { name, input, ref } of inputs) {
    it(name, () => {
      const ks = ksStatistic(input.score, input.outcome);
      close(ks.statistic, ref.ks!.statistic, 1e-12, 'max |tpr - fpr|');
      close(ks.statistic, ref.ks!.ks2samp, 1e-12, 'ks_2samp');
      expect(ks.threshold).toBe(ref.ks!.threshold);
      close(Math.abs(ks.tpr - ks.fpr), ks.statistic, 1e-15, 'at its threshold');
    });
  }
});
