// Imbalance treatment: class weights as scikit-learn's 'balanced', over- and
// undersampling to a minority share, SMOTE and SMOTE-NC by their defining
// properties (imbalanced-learn is not installable here), and King & Zeng's
// prior correction, shown by simulation to give back the population's rate.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/lib/engine/data/random';
import type { DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../src/lib/engine/models/design';
import { fitLogistic } from '../../../src/lib/engine/models/logistic';
import {
  classWeights,
  nearestNeighbours,
  oversample,
  priorOffset,
  smote,
  SMOTE_K,
  undersample,
} from '../../../src/lib/engine/models/sampling';
import { splitParts, TEST, TRAIN } from '../../../src/lib/engine/models/split';
import { predict, subsetDesign } from '../../../src/lib/engine/models/train';

/** n rows: x ~ N(0, 1), a plan (basic / gold / platinum), churn with logit = b0 + x + 0.8·[gold]. */
function book(n: number, b0: number, seed = 1): DataTable {
  const rng = new Random(seed);
  const x = new Float64Array(n);
  const plan = new Int32Array(n);
  const churn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    plan[i] = rng.categorical([0.5, 0.3, 0.2]);
    const eta = b0 + x[i] + (plan[i] === 1 ? 0.8 : 0);
    churn[i] = rng.bernoulli(1 / (1 + Math.exp(-eta)));
  }
  return {
    rowCount: n,
    columns: [
      { kind: 'number', name: 'x', type: 'decimal', values: x },
      {
        kind: 'string',
        name: 'plan',
        type: 'categorical',
        codes: plan,
        dictionary: ['basic', 'gold', 'platinum'],
      },
      { kind: 'number', name: 'churn', type: 'boolean', values: churn },
    ],
  };
}

const choices = {
  target: { column: 'churn', positive: 'true' },
  features: ['x', 'plan'],
};
const share = (y: Uint8Array) => y.reduce((s, v) => s + v, 0) / y.length;

describe('class weights and random resampling', () => {
  const y = Uint8Array.from({ length: 100 }, (_, i) => (i < 20 ? 1 : 0));

  it("weights each class to half the total, as scikit-learn's class_weight='balanced'", () => {
    const w = classWeights(y, 'balanced');
    // n / (2 n_c): 100 / 40 for the 20 positives, 100 / 160 for the 80 negatives.
    expect(w[0]).toBe(2.5);
    expect(w[99]).toBe(0.625);
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(100, 12);
  });

  it('oversampling repeats minority rows, undersampling drops majority rows, to the share', () => {
    const over = oversample(y, 1, 0.5);
    expect(over).toHaveLength(160);
    expect(Array.from(over.subarray(0, 100))).toEqual(Array.from(y.keys()));
    expect(Array.from(over.subarray(100)).every((r) => r < 20)).toBe(true);
    const under = undersample(y, 1, 0.4);
    // 20 positives at 40 %: 30 negatives kept, each once.
    expect(under).toHaveLength(50);
    expect(new Set(under).size).toBe(50);
    expect(Array.from(under).filter((r) => r < 20)).toHaveLength(20);
    expect(undersample(y, 1, 0.4)).toEqual(under);
    expect(undersample(y, 2, 0.4)).not.toEqual(under);
  });
});

describe('SMOTE-NC', () => {
  const table = book(2000, -2.5);
  const pipeline = buildPipeline(table, choices);
  const design = designOf(table, pipeline);

  it('adds minority rows on segments between a minority row and a near neighbour', () => {
    const out = smote(design, pipeline, 7, { share: 0.5 });
    const minority = Array.from(design.y.keys()).filter((i) => design.y[i] === 1);
    expect(share(out.y)).toBeCloseTo(0.5, 3);
    expect(Array.from(out.X.subarray(0, design.X.length))).toEqual(Array.from(design.X));
    const p = design.p;
    const xOf = (i: number) => design.X[i * p + 1];
    const planOf = (X: Float64Array, i: number) => `${X[i * p + 2]},${X[i * p + 3]}`;
    // SMOTE-NC's distance: Δx², plus Med² when the plans differ; Med is the
    // median of the numeric columns' sds among minority rows (here x's only).
    const xs = minority.map(xOf);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const med2 = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    const distance = (a: number, b: number) =>
      (xOf(a) - xOf(b)) ** 2 + (planOf(design.X, a) === planOf(design.X, b) ? 0 : med2);
    for (let s = design.n; s < out.n; s++) {
      const source = minority.find((i) => design.rows[i] === out.rows[s])!;
      const near = minority
        .filter((i) => i !== source)
        .sort((a, b) => distance(source, a) - distance(source, b))
        .slice(0, SMOTE_K);
      const x = out.X[s * p + 1];
      // On the segment to one of the k nearest minority neighbours…
      const lo = (i: number) => Math.min(xOf(i), xOf(source)) - 1e-12;
      const hi = (i: number) => Math.max(xOf(i), xOf(source)) + 1e-12;
      expect(near.some((i) => x >= lo(i) && x <= hi(i))).toBe(true);
      // …with the plan the neighbours hold most often.
      const votes = new Map<string, number>();
      for (const i of near)
        votes.set(planOf(design.X, i), (votes.get(planOf(design.X, i)) ?? 0) + 1);
      const top = Math.max(...votes.values());
      expect(votes.get(planOf(out.X, s))).toBe(top);
      expect(out.X[s * p]).toBe(1);
    }
    expect(smote(design, pipeline, 7, { share: 0.5 }).X).toEqual(out.X);
    expect(SMOTE_K).toBe(5);
  });
});

describe('nearest neighbours (k-d tree)', () => {
  /** The k smallest squared distances from point a to the others, by brute force. */
  function bruteForce(points: Float64Array, m: number, dims: number, a: number, k: number) {
    const d: number[] = [];
    for (let b = 0; b < m; b++) {
      if (b === a) continue;
      let s = 0;
      for (let j = 0; j < dims; j++) s += (points[a * dims + j] - points[b * dims + j]) ** 2;
      d.push(s);
    }
    return d.sort((x, y) => x - y).slice(0, k);
  }
  const distance = (points: Float64Array, dims: number, a: number, b: number) => {
    let s = 0;
    for (let j = 0; j < dims; j++) s += (points[a * dims + j] - points[b * dims + j]) ** 2;
    return s;
  };

  it('finds exactly the k nearest, nearest first, never the point itself', () => {
    const rng = new Random(3);
    for (const [m, dims] of [
      [3000, 2],
      [2000, 9],
      [500, 25],
    ]) {
      const points = Float64Array.from({ length: m * dims }, () => rng.normal());
      const k = 5;
      const nn = nearestNeighbours(points, m, dims, k);
      for (let a = 0; a < m; a += 13) {
        const found = Array.from(nn.subarray(a * k, a * k + k));
        expect(found).not.toContain(a);
        expect(new Set(found).size).toBe(k);
        expect(found.map((b) => distance(points, dims, a, b))).toEqual(
          bruteForce(points, m, dims, a, k),
        );
      }
    }
  });

  it('with many duplicate points (mostly categorical rows) the distances are still the k smallest', () => {
    const rng = new Random(4);
    const m = 4000;
    const dims = 3;
    const points = Float64Array.from({ length: m * dims }, () => rng.int(3));
    const nn = nearestNeighbours(points, m, dims, 5);
    for (let a = 0; a < m; a += 31) {
      const found = Array.from(nn.subarray(a * 5, a * 5 + 5));
      expect(found).not.toContain(a);
      expect(new Set(found).size).toBe(5);
      expect(found.map((b) => distance(points, dims, a, b))).toEqual(
        bruteForce(points, m, dims, a, 5),
      );
    }
  });
});

describe('prior correction (King & Zeng)', () => {
  it('takes probabilities fitted on undersampled rows back to the test rows’ base rate', async () => {
    const table = book(40_000, -3.2, 11);
    const all = designOf(table, buildPipeline(table, choices));
    const parts = splitParts(all.y, { train: 0.5, validation: 0, test: 0.5 }, 5);
    const rows = (part: number) => Uint32Array.from(all.rows.filter((_, i) => parts[i] === part));
    const train = rows(TRAIN);
    const pipeline = buildPipeline(table, choices, train);
    const trainDesign = designOf(table, pipeline, { rows: train });
    const balanced = subsetDesign(trainDesign, undersample(trainDesign.y, 3, 0.5));
    const { model } = await fitLogistic(balanced, pipeline);
    const test = designOf(table, pipeline, { rows: rows(TEST) });
    const rate = share(test.y);
    const mean = (p: Float64Array) => p.reduce((s, v) => s + v, 0) / p.length;

    const uncorrected = mean(predict(test, model));
    model.offset = priorOffset(share(trainDesign.y), share(balanced.y));
    const corrected = mean(predict(test, model));
    // Within sampling error: the test base rate and the mean corrected
    // probability are each estimates with binomial standard error
    // √(r(1 − r)/n); their difference has √2 times that. Three of those.
    const se = Math.sqrt((rate * (1 - rate)) / test.n);
    expect(Math.abs(corrected - rate)).toBeLessThan(3 * Math.SQRT2 * se);
    // Uncorrected, the model believes the balanced rows' rate.
    expect(uncorrected).toBeGreaterThan(3 * rate);
    expect(priorOffset(0.5, 0.5)).toBe(0);
  });
});
