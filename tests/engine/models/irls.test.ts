import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../src/lib/engine/models/design';
import { irls } from '../../../src/lib/engine/models/irls';
import type { Design } from '../../../src/lib/engine/models/types';
import { readDataset } from '../datasets';

// L2 reference: tests/fixtures/models/make-logistic-l2.py — scikit-learn
// LogisticRegression(penalty='l2', C=1/λ, fit_intercept=True,
// solver='newton-cholesky', tol=1e-12), and scipy.optimize.minimize
// (trust-exact) on the same objective, on Churn_Modelling.
const L2 = JSON.parse(
  readFileSync(
    new URL('../../fixtures/models/logistic-l2-reference.json', import.meta.url),
    'utf8',
  ),
) as {
  names: string[];
  cases: { lambda: number; weights: string | null; sklearn: number[]; scipy: number[] }[];
};
// Unpenalised reference: tests/fixtures/models/make-logistic.R, glm on the same data.
const R = JSON.parse(
  readFileSync(new URL('../../fixtures/models/logistic-reference.json', import.meta.url), 'utf8'),
) as {
  fits: Record<
    string,
    { iterations: number; deviance: number; coefficients: { estimate: number | null }[] }
  >;
};

let bank: DataTable;
beforeAll(async () => {
  bank = await readDataset('selva86__Churn_Modelling.csv');
});

function bankDesign(): Design {
  const pipeline = buildPipeline(bank, {
    target: { column: 'Exited', positive: '1' },
    features: [
      'CreditScore',
      'Geography',
      'Gender',
      'Age',
      'Balance',
      'IsActiveMember',
      'NumOfProducts',
    ],
    references: { Geography: 'France', Gender: 'Female' },
  });
  expect(pipeline.coefficients.map((c) => c.name)).toEqual(L2.names);
  return designOf(bank, pipeline);
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('irls with an L2 penalty', () => {
  it.each(L2.cases.map((c) => [c.lambda, c.weights ?? 'none', c]))(
    'λ = %s, weights %s: equals scikit-learn (and scipy) to 1e-6',
    async (_, __, c) => {
      const design = bankDesign();
      const weights = c.weights
        ? Float64Array.from(design.rows, (r) => 1 + ((r + 1) % 3))
        : undefined;
      const fit = await irls(design, { penalty: c.lambda, weights });
      expect(fit.converged).toBe(true);
      Array.from(fit.beta).forEach((b, j) => {
        expect(relative(b, c.sklearn[j]), L2.names[j]).toBeLessThan(1e-6);
        expect(relative(b, c.scipy[j]), L2.names[j]).toBeLessThan(1e-6);
      });
      // The effective number of parameters is below the count of coefficients.
      expect(fit.edf).toBeGreaterThan(1);
      expect(fit.edf).toBeLessThan(fit.rank);
    },
  );
});

describe('irls', () => {
  it('a column subset is the model of those columns; a warm start lands on the same fit', async () => {
    const design = bankDesign();
    const full = await irls(design);
    const sub = await irls(design, { columns: [0, 1, 4, 5] });
    expect(sub.rank).toBe(4);
    expect(Number.isNaN(sub.beta[2])).toBe(true);
    // Same columns as their own design (copied out): identical fit.
    const cols = [0, 1, 4, 5];
    const X = new Float64Array(design.n * 4);
    for (let i = 0; i < design.n; i++)
      cols.forEach((j, k) => (X[i * 4 + k] = design.X[i * design.p + j]));
    const own = await irls({ ...design, p: 4, X });
    cols.forEach((j, k) => expect(relative(sub.beta[j], own.beta[k])).toBeLessThan(1e-12));
    expect(relative(sub.deviance, own.deviance)).toBeLessThan(1e-12);
    const warm = await irls(design, { start: full.beta, epsilon: 1e-12 });
    expect(warm.iterations).toBeLessThanOrEqual(3);
    Array.from(full.beta).forEach((b, j) => expect(relative(warm.beta[j], b)).toBeLessThan(1e-7));
  });

  it('a fixed coefficient is an offset: at its estimate the deviance is the minimum', async () => {
    const design = bankDesign();
    const full = await irls(design, { epsilon: 1e-14, maxit: 50 });
    const fixed = await irls(design, {
      fixed: { column: 4, value: full.beta[4] },
      epsilon: 1e-14,
      maxit: 50,
    });
    expect(fixed.beta[4]).toBe(full.beta[4]);
    expect(fixed.rank).toBe(design.p - 1);
    expect(relative(fixed.deviance, full.deviance)).toBeLessThan(1e-12);
    const moved = await irls(design, { fixed: { column: 4, value: full.beta[4] + 0.01 } });
    expect(moved.deviance).toBeGreaterThan(full.deviance);
  });

  it("takes R's iterations from R's start (glm on Churn_Modelling: the same count and deviance)", async () => {
    const pipeline = buildPipeline(bank, {
      target: { column: 'Exited', positive: '1' },
      features: [
        'CreditScore',
        'Geography',
        'Gender',
        'Age',
        'Tenure',
        'Balance',
        'NumOfProducts',
        'HasCrCard',
        'IsActiveMember',
        'EstimatedSalary',
      ],
      interactions: [
        { a: 'Geography', b: 'Gender' },
        { a: 'Age', b: 'IsActiveMember' },
      ],
      references: { Geography: 'Spain', Gender: 'Male' },
    });
    const fit = await irls(designOf(bank, pipeline));
    expect(fit.iterations).toBe(R.fits.bank.iterations);
    expect(relative(fit.deviance, R.fits.bank.deviance)).toBeLessThan(1e-10);
  });

  it('aliases a column that is a combination of earlier ones, not a nearly collinear one', async () => {
    // Columns: 1, x, z, 2x − z (exactly dependent), x + 1e-3·noise (near, kept).
    const n = 200;
    const p = 5;
    const X = new Float64Array(n * p);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = Math.sin(i * 0.37) * 2;
      const z = Math.cos(i * 1.3) + 0.2 * i;
      X.set([1, x, z, 2 * x - z, x + 1e-3 * Math.sin(i * 7.1)], i * p);
      y[i] = x + Math.sin(i * 2.9) > 0 ? 1 : 0;
    }
    const design: Design = {
      n,
      p,
      X,
      y,
      rows: Uint32Array.from({ length: n }, (_, i) => i),
      dropped: 0,
      missingBy: {},
      unseen: [],
    };
    const fit = await irls(design);
    expect(fit.aliased).toEqual([3]);
    expect(fit.rank).toBe(4);
    expect(Number.isNaN(fit.beta[3])).toBe(true);
    expect(fit.covariance[3 * p + 3]).toBe(0);
    expect(Number.isFinite(fit.beta[4])).toBe(true);
    // A ridge penalty estimates collinear columns instead (as scikit-learn does).
    const ridge = await irls(design, { penalty: 1 });
    expect(ridge.aliased).toEqual([]);
  });
});
