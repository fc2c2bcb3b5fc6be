// Permutation importance. References: Breiman (2001) §10 and scikit-learn
// 1.2's permutation_importance (importance = score as is − score shuffled,
// mean and numpy std with ddof 0 over the repeats); the fact that a score
// shuffled independently of the outcome has an expected AUC of ½ (so
// shuffling the only feature a score reads loses AUC − ½); and design.ts's
// own coding for what a shuffled design must look like (one level per row,
// interaction columns the products of their factors).
import { beforeAll, describe, expect, it } from 'vitest';
import { logLoss } from '../../../src/lib/engine/evaluate/calibration';
import { permutationImportance } from '../../../src/lib/engine/evaluate/permutation';
import { rocAuc } from '../../../src/lib/engine/evaluate/roc';
import { EngineError } from '../../../src/lib/engine/data/table';
import { irls } from '../../../src/lib/engine/models/irls';
import type { Design } from '../../../src/lib/engine/models/types';
import { book, type Book } from '../models/network/tinyNetworks';

// age (strong), income (pure noise: not in the outcome), plan (3 levels), promo, and plan:age.
let b: Book;
let beta: Float64Array;
beforeAll(async () => {
  b = book(4000, 'permutation', true);
  beta = (await irls(b.design)).beta;
});

const logistic =
  (coefficients: ArrayLike<number>) =>
  (d: Design): Float64Array => {
    const out = new Float64Array(d.n);
    for (let i = 0; i < d.n; i++) {
      let eta = 0;
      for (let j = 0; j < d.p; j++) eta += d.X[i * d.p + j] * coefficients[j];
      out[i] = 1 / (1 + Math.exp(-eta));
    }
    return out;
  };

/** Design column of a coefficient by its R name. */
const column = (name: string) => b.pipeline.coefficients.findIndex((c) => c.name === name);

describe('permutation importance of a fitted logistic model', () => {
  it('a pure-noise feature is about 0, the strong ones are large, most important first', async () => {
    const result = await permutationImportance(logistic(beta), b.design, b.pipeline, { seed: 1 });
    expect(result.baseline).toBe(rocAuc(logistic(beta)(b.design), b.design.y));
    const by = Object.fromEntries(result.features.map((f) => [f.feature, f]));
    expect(Math.abs(by.income.mean)).toBeLessThan(0.005);
    expect(by.age.mean).toBeGreaterThan(0.05);
    expect(by.plan.mean).toBeGreaterThan(0.02);
    // Measured: age 0.109, plan 0.070, promo 0.040, income 0.0004 (AUC 0.710 as is).
    expect(result.features.map((f) => f.feature)).toEqual(['age', 'plan', 'promo', 'income']);
    for (let k = 1; k < result.features.length; k++)
      expect(result.features[k].mean).toBeLessThanOrEqual(result.features[k - 1].mean);
  });

  it('log loss: the loss gained, about 0 for noise', async () => {
    const score = logistic(beta);
    const result = await permutationImportance(score, b.design, b.pipeline, {
      metric: 'log-loss',
      seed: 1,
    });
    expect(result.baseline).toBe(logLoss(score(b.design), b.design.y));
    const by = Object.fromEntries(result.features.map((f) => [f.feature, f]));
    expect(Math.abs(by.income.mean)).toBeLessThan(0.005);
    expect(by.age.mean).toBeGreaterThan(0.02);
  });

  it('mean and sd (divisor repeats, numpy std) of each feature’s drops', async () => {
    const result = await permutationImportance(logistic(beta), b.design, b.pipeline, {
      repeats: 7,
      seed: 'sd',
    });
    for (const f of result.features) {
      expect(f.drops).toHaveLength(7);
      const mean = f.drops.reduce((a, d) => a + d, 0) / 7;
      expect(f.mean).toBeCloseTo(mean, 15);
      expect(f.sd).toBeCloseTo(Math.sqrt(f.drops.reduce((a, d) => a + (d - mean) ** 2, 0) / 7), 15);
    }
  });

  it('is the same for the same seed, and differs for another', async () => {
    const run = (seed: number) =>
      permutationImportance(logistic(beta), b.design, b.pipeline, { seed, repeats: 3 });
    expect(await run(7)).toEqual(await run(7));
    expect((await run(7)).features[0].drops).not.toEqual((await run(8)).features[0].drops);
  });
});

describe('a score that reads one feature', () => {
  it('shuffling it loses AUC − ½ on average; the features it does not read lose exactly 0', async () => {
    const only = new Float64Array(b.design.p);
    only[column('age')] = 1;
    const score = logistic(only);
    const result = await permutationImportance(score, b.design, b.pipeline, {
      repeats: 10,
      seed: 3,
    });
    const age = result.features[0];
    expect(age.feature).toBe('age');
    // A shuffled score is independent of y: its AUC has mean ½ and sd ≈ √((P+N+1)/(12PN)) ≈ 0.009 here.
    expect(Math.abs(age.mean - (result.baseline - 0.5))).toBeLessThan(0.01);
    for (const f of result.features.slice(1)) expect(f.drops).toEqual(new Array(10).fill(0));
  });
});

describe('what the score sees', () => {
  it('a categorical shuffled whole, interaction columns recomputed, the rest untouched', async () => {
    const { design, pipeline } = b;
    const { p, X } = design;
    const plan = [column('planplus'), column('planpro')];
    const products = [column('age:planplus'), column('age:planpro')];
    const age = column('age');
    expect(plan.every((c) => c > 0) && products.every((c) => c > 0)).toBe(true);
    const seen: Float64Array[] = [];
    const spy = (d: Design) => {
      seen.push(d.X.slice());
      return logistic(beta)(d);
    };
    const result = await permutationImportance(spy, design, pipeline, { repeats: 2, seed: 5 });
    const planResult = result.features.find((f) => f.feature === 'plan')!;
    expect(planResult.columns).toEqual(plan);
    expect(planResult.interactions).toEqual(products);
    expect(result.features.find((f) => f.feature === 'income')!.interactions).toEqual([]);

    // Calls: the design as is, then 2 per feature in pipeline order: age, income, plan, promo.
    expect(seen).toHaveLength(1 + 2 * 4);
    expect([...seen[0]]).toEqual([...X]);
    const shuffledPlan = seen[1 + 2 * 2];
    const levelsBefore = [0, 0, 0];
    const levelsAfter = [0, 0, 0];
    let moved = 0;
    for (let i = 0; i < design.n; i++) {
      const r = i * p;
      const level = (x: Float64Array) => (x[r + plan[0]] === 1 ? 1 : x[r + plan[1]] === 1 ? 2 : 0);
      // One level per row: the dummies moved together.
      expect(shuffledPlan[r + plan[0]] + shuffledPlan[r + plan[1]]).toBeLessThanOrEqual(1);
      levelsBefore[level(X)]++;
      levelsAfter[level(shuffledPlan)]++;
      if (level(shuffledPlan) !== level(X)) moved++;
      // The interaction columns are the products of the shuffled plan and the row's own age.
      for (let k = 0; k < 2; k++)
        expect(shuffledPlan[r + products[k]]).toBe(shuffledPlan[r + plan[k]] * X[r + age]);
      // Every other column is the row's own.
      for (let j = 0; j < p; j++)
        if (!plan.includes(j) && !products.includes(j)) expect(shuffledPlan[r + j]).toBe(X[r + j]);
    }
    expect(levelsAfter).toEqual(levelsBefore);
    expect(moved).toBeGreaterThan(design.n / 3);

    // Shuffling income leaves the interaction columns as they were; shuffling age recomputes them.
    const shuffledIncome = seen[1 + 2 * 1];
    const shuffledAge = seen[1];
    for (let i = 0; i < design.n; i++) {
      const r = i * p;
      for (const c of products) {
        expect(shuffledIncome[r + c]).toBe(X[r + c]);
        expect(shuffledAge[r + c]).toBe(shuffledAge[r + age] * X[r + c - products[0] + plan[0]]);
      }
    }
  });

  it('reports progress once per shuffle, ending at the total', async () => {
    const reports: [number, number][] = [];
    await permutationImportance(
      logistic(beta),
      b.design,
      b.pipeline,
      { repeats: 2 },
      {
        report: async (done, total) => void reports.push([done, total]),
      },
    );
    expect(reports).toHaveLength(8);
    expect(reports.at(-1)).toEqual([8, 8]);
  });

  it('refuses repeats outside 1 … 100', async () => {
    for (const repeats of [0, 2.5, 101]) {
      const error = await permutationImportance(logistic(beta), b.design, b.pipeline, {
        repeats,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).code).toBe('permutation.invalid-repeats');
    }
  });
});
