import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  pairwiseComplete,
  pearsonCorrelation,
  spearmanCorrelation,
} from '../../../src/lib/engine/stats/correlation';
import type { Column, DataTable } from '../../../src/lib/engine/data/table';
import { readDataset } from '../datasets';

// tests/fixtures/quality/quality-reference.R (R: cor(x, y, use = "complete.obs"),
// with method = "spearman" for ρ).
const R = JSON.parse(
  readFileSync(new URL('../../fixtures/quality/quality-reference.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, number>>;

describe('pearsonCorrelation and spearmanCorrelation', () => {
  it('are ±1 for exact linear and monotone relations, NaN for a constant side', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5]);
    expect(
      pearsonCorrelation(
        x,
        Float64Array.from(x, (v) => 3 - 2 * v),
      ),
    ).toBeCloseTo(-1, 15);
    expect(
      pearsonCorrelation(
        x,
        Float64Array.from(x, (v) => v ** 3),
      ),
    ).toBeLessThan(1);
    expect(
      spearmanCorrelation(
        x,
        Float64Array.from(x, (v) => v ** 3),
      ),
    ).toBe(1);
    expect(pearsonCorrelation(x, new Float64Array(5).fill(2))).toBeNaN();
  });

  it('pairwiseComplete keeps rows where both sides are present, up to n', () => {
    const { x, y } = pairwiseComplete(
      Float64Array.from([1, NaN, 3, 4, 5]),
      Float64Array.from([10, 20, NaN, 40, 50]),
      4,
    );
    expect(Array.from(x)).toEqual([1, 4]);
    expect(Array.from(y)).toEqual([10, 40]);
  });

  it('match R on pairwise-complete rows of real data', async () => {
    const telco = await readDataset('ibm__Telco-Customer-Churn.csv');
    const bank = await readDataset('selva86__Churn_Modelling.csv');
    const cases: [DataTable, string, string, string][] = [
      [telco, 'tenure', 'TotalCharges', 'telco/tenure~TotalCharges'],
      [telco, 'MonthlyCharges', 'TotalCharges', 'telco/MonthlyCharges~TotalCharges'],
      [bank, 'Age', 'Balance', 'bank/Age~Balance'],
    ];
    for (const [t, a, b, key] of cases) {
      const x = (t.columns.find((c) => c.name === a) as Column & { kind: 'number' }).values;
      const y = (t.columns.find((c) => c.name === b) as Column & { kind: 'number' }).values;
      const pairs = pairwiseComplete(x, y, t.rowCount);
      expect(pairs.x.length, key).toBe(R[`cor/${key}`].n);
      expect(pearsonCorrelation(pairs.x, pairs.y), key).toBeCloseTo(R[`cor/${key}`].pearson, 12);
      expect(spearmanCorrelation(pairs.x, pairs.y), key).toBeCloseTo(R[`cor/${key}`].spearman, 12);
    }
  });
});
