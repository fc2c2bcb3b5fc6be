// The Evaluate cell's job: the rows it evaluates on (a Model cell's test
// part, its folds, a scored dataset's columns) and each model's measures
// there, equal to the measures computed directly on those scores.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateInsuranceBook } from '../../../src/lib/engine/data/sample/insurance';
import { NO_PROGRESS, type DataTable } from '../../../src/lib/engine/data/table';
import { designOf } from '../../../src/lib/engine/models/design';
import {
  PART,
  partsOf,
  predict,
  trainLogistic,
  type TrainedLogistic,
} from '../../../src/lib/engine/models/train';
import { evaluateOn, type CostSpec } from '../../../src/lib/engine/evaluate/report';
import { rocAuc } from '../../../src/lib/engine/evaluate/roc';
import { delongTest } from '../../../src/lib/engine/evaluate/delong';
import { profitCurve } from '../../../src/lib/engine/evaluate/profit';
import { permutationImportance } from '../../../src/lib/engine/evaluate/permutation';
import { BOOK_SPEC } from '../models/bookSpec';

let book: DataTable;
let full: TrainedLogistic;
let small: TrainedLogistic;
const spec = BOOK_SPEC;
const costs: CostSpec = { contact: 10, saved: 200, valueColumn: null, success: 0.3 };

beforeAll(async () => {
  book = generateInsuranceBook({ policies: 3000 }).policies;
  full = await trainLogistic(book, 'book', spec, NO_PROGRESS);
  small = await trainLogistic(book, 'book', { ...spec, features: ['age', 'channel'] }, NO_PROGRESS);
});

const source = (models: TrainedLogistic[], rows: 'validation' | 'test' | 'folds' = 'test') => ({
  kind: 'models' as const,
  datasetId: 'book',
  spec: models[0].spec,
  rows,
  models: models.map((t) => ({
    datasetId: t.datasetId,
    model: t.model,
    folds: t.folds?.map((f) => f.model) ?? null,
  })),
});

describe('evaluateOn', () => {
  it('gives each model’s permutation importance on its validation rows', async () => {
    const result = await evaluateOn(book, { source: source([full, small]), costs }, NO_PROGRESS);
    const parts = partsOf(book, spec);
    const validation = Uint32Array.from(
      Array.from(parts.keys()).filter((i) => parts[i] === PART.validation),
    );
    const design = designOf(book, full.model.pipeline, { rows: validation });
    const direct = await permutationImportance(
      (d) => predict(d, full.model),
      design,
      full.model.pipeline,
      { metric: 'auc', repeats: 5, seed: 1 },
    );
    expect(result.models[0].importance).toEqual(direct);
    // The sample's lapses follow late payments far more than age.
    const byFeature = new Map(direct.features.map((f) => [f.feature, f.mean]));
    expect(byFeature.get('late_payments_12m')!).toBeGreaterThan(byFeature.get('age')! + 0.01);
    expect(result.models[1].importance!.features.map((f) => f.feature).sort()).toEqual([
      'age',
      'channel',
    ]);
  });

  it('scores the test part with each model and tests their AUC difference as paired', async () => {
    const result = await evaluateOn(book, { source: source([full, small]), costs }, NO_PROGRESS);
    const parts = partsOf(book, spec);
    const test = Uint32Array.from(Array.from(parts.keys()).filter((i) => parts[i] === PART.test));
    const design = designOf(book, full.model.pipeline, { rows: test });
    expect(result.rows).toBe(design.n);
    const scoreFull = predict(design, full.model);
    const scoreSmall = predict(designOf(book, small.model.pipeline, { rows: test }), small.model);
    expect(result.models[0].auc).toBe(rocAuc(scoreFull, design.y));
    expect(result.models[1].auc).toBe(rocAuc(scoreSmall, design.y));
    const paired = delongTest(scoreFull, scoreSmall, design.y);
    expect(result.comparisons).toEqual([
      expect.objectContaining({ a: 0, b: 1, z: paired.z, p: paired.p }),
    ]);
    const profit = profitCurve(scoreFull, design.y, {
      contactCost: 10,
      value: 200,
      success: 0.3,
      maxPoints: 400,
    });
    expect(result.models[0].profit.best).toEqual(profit.best);
    expect(result.models[0].roc.fpr.length).toBeLessThanOrEqual(400);
    expect(result.valueColumns).toContain('annual_premium');
  });

  it('reads each customer’s value from a column for the profit', async () => {
    const withValue = await evaluateOn(
      book,
      { source: source([full]), costs: { ...costs, valueColumn: 'annual_premium' } },
      NO_PROGRESS,
    );
    const flat = await evaluateOn(book, { source: source([full]), costs }, NO_PROGRESS);
    expect(withValue.models[0].profit.best.profit).not.toBe(flat.models[0].profit.best.profit);
    expect(withValue.models[0].auc).toBe(flat.models[0].auc);
  });

  it('k folds: every row with a target, each scored by the model of its own fold', async () => {
    const cv = await trainLogistic(
      book,
      'book',
      { ...spec, split: { kind: 'kfold', k: 5, seed: 1 } },
      NO_PROGRESS,
    );
    const result = await evaluateOn(book, { source: source([cv], 'folds'), costs }, NO_PROGRESS);
    expect(result.rows).toBe(3000);
    // No validation rows in a k-fold split: no importance.
    expect(result.models[0].importance).toBeNull();
    await expect(
      evaluateOn(book, { source: source([cv], 'test'), costs }, NO_PROGRESS),
    ).rejects.toThrow(/evaluate.no-held-out/);
    await expect(
      evaluateOn(book, { source: source([full], 'folds'), costs }, NO_PROGRESS),
    ).rejects.toThrow(/evaluate.no-folds/);
  });

  it('a scored dataset: its score column against its outcome; no calibration for a non-probability', async () => {
    const result = await evaluateOn(
      book,
      {
        source: {
          kind: 'scored',
          datasetId: 'book',
          score: 'late_payments_12m',
          outcome: 'lapsed',
          positive: 'true',
        },
        costs,
      },
      NO_PROGRESS,
    );
    expect(result.rows).toBe(3000);
    expect(result.models[0].auc).toBeGreaterThan(0.5);
    // A count is a score, not a probability: calibration and its measures do not apply.
    expect(result.models[0].brier).toBeNull();
    expect(result.models[0].calibration).toEqual([]);
  });

  it('refuses models of different datasets', async () => {
    const other = { ...source([full, small]) };
    other.models = [other.models[0], { ...other.models[1], datasetId: 'another' }];
    await expect(evaluateOn(book, { source: other, costs }, NO_PROGRESS)).rejects.toThrow(
      /evaluate.different-data/,
    );
  });
});
