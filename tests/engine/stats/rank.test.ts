import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { averageRanks, rankSumAuc } from '../../../src/lib/engine/stats/rank';
import type { Column } from '../../../src/lib/engine/data/table';
import { readDataset } from '../datasets';

// tests/fixtures/quality/quality-reference.R (R: rank-sum AUC, checked there
// against wilcox.test's W / (n1 n0)).
const R = JSON.parse(
  readFileSync(new URL('../../fixtures/quality/quality-reference.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, number>>;

describe('averageRanks', () => {
  it('ranks from 1, ties sharing their mean rank (R: rank(c(10, 20, 10, 5, 20, 20)))', () => {
    // R: 2.5 5.0 2.5 1.0 5.0 5.0
    expect(Array.from(averageRanks(Float64Array.from([10, 20, 10, 5, 20, 20])))).toEqual([
      2.5, 5, 2.5, 1, 5, 5,
    ]);
    expect(averageRanks(new Float64Array(0))).toHaveLength(0);
  });
});

describe('rankSumAuc', () => {
  it('ties count one half; NaN without both classes', () => {
    expect(rankSumAuc(Float64Array.from([1, 2, 3, 4]), Uint8Array.from([0, 1, 0, 1]))).toBe(0.75);
    expect(rankSumAuc(Float64Array.from([1, 1]), Uint8Array.from([1, 0]))).toBe(0.5);
    expect(rankSumAuc(Float64Array.from([1, 2]), Uint8Array.from([1, 1]))).toBeNaN();
  });

  it.each([
    [
      'ibm__Telco-Customer-Churn.csv',
      'telco',
      'Churn',
      ['tenure', 'MonthlyCharges', 'TotalCharges'],
    ],
    [
      'selva86__Churn_Modelling.csv',
      'bank',
      'Exited',
      ['CreditScore', 'Age', 'Balance', 'NumOfProducts', 'EstimatedSalary'],
    ],
  ])('%s (%s): single-feature AUC against %s matches R', async (file, key, targetName, names) => {
    const t = await readDataset(file);
    const y = t.columns.find((c) => c.name === targetName)! as Column & { kind: 'number' };
    for (const name of names) {
      const column = t.columns.find((c) => c.name === name)! as Column & { kind: 'number' };
      const keep = Array.from({ length: t.rowCount }, (_, i) => i).filter(
        (i) => !Number.isNaN(column.values[i]),
      );
      const auc = rankSumAuc(
        Float64Array.from(keep, (i) => column.values[i]),
        Uint8Array.from(keep, (i) => y.values[i]),
      );
      expect(keep.length, name).toBe(R[`auc/${key}/${name}`].n);
      expect(auc, name).toBeCloseTo(R[`auc/${key}/${name}`].auc, 12);
    }
  });
});
