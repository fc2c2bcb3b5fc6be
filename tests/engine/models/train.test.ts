// The Model cell's job on the built-in insurance book: the split comes first
// and nothing learned touches held-out rows; imbalance treatment and prior
// correction; stepwise refits; k folds each scored by the model that did not
// see them.
import { beforeAll, describe, expect, it } from 'vitest';
import { generateInsuranceBook } from '../../../src/lib/engine/data/sample/insurance';
import { NO_PROGRESS, type DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../src/lib/engine/models/design';
import { fitLogistic } from '../../../src/lib/engine/models/logistic';
import { foldsOf, PART, partsOf, trainLogistic } from '../../../src/lib/engine/models/train';
import { BOOK_SPEC } from './bookSpec';

let book: DataTable;
beforeAll(() => {
  book = generateInsuranceBook({ policies: 3000 }).policies;
});

const spec = BOOK_SPEC;

describe('trainLogistic', () => {
  it('fits on the training part only, as a direct fit on those rows does', async () => {
    const trained = await trainLogistic(book, 'book', spec, NO_PROGRESS);
    const parts = partsOf(book, spec);
    const train = Uint32Array.from(Array.from(parts.keys()).filter((i) => parts[i] === PART.train));
    const pipeline = buildPipeline(
      book,
      { target: { column: 'lapsed', positive: 'true' }, features: spec.features },
      train,
    );
    const direct = await fitLogistic(designOf(book, pipeline, { rows: train }), pipeline);
    expect(trained.model.beta).toEqual(direct.model.beta);
    expect(trained.fit.deviance).toBe(direct.fit.deviance);
    const { rows } = trained;
    expect(rows.train.rows + rows.validation.rows + rows.test.rows + rows.noTarget).toBe(3000);
    expect([rows.train.rows, rows.validation.rows, rows.test.rows]).toEqual([1800, 600, 600]);
    expect(trained.model.offset).toBe(0);
    expect(trained.folds).toBeNull();
  });

  it('resamples the training rows only and corrects the intercept back', async () => {
    const trained = await trainLogistic(
      book,
      'book',
      { ...spec, balance: { method: 'undersample', share: 0.5, correct: true, seed: 1 } },
      NO_PROGRESS,
    );
    const { train, fitted } = trained.rows;
    expect(fitted.positives / fitted.rows).toBeCloseTo(0.5, 2);
    expect(fitted.rows).toBeLessThan(train.rows);
    // ln[(τ/(1−τ))·((1−ȳ)/ȳ)] with ȳ = 0.5 is the log-odds of the training rate.
    const tau = train.positives / train.rows;
    expect(trained.model.offset).toBeCloseTo(Math.log(tau / (1 - tau)), 2);
  });

  it('k folds: each scored by the model fitted without it; the final model on all rows', async () => {
    const kfold = { ...spec, split: { kind: 'kfold' as const, k: 5, seed: 3 } };
    const trained = await trainLogistic(book, 'book', kfold, NO_PROGRESS);
    expect(trained.folds).toHaveLength(5);
    const folds = foldsOf(book, kfold);
    trained.folds!.forEach(({ report }, k) => {
      expect(report.rows).toBe(folds.filter((f) => f === k).length);
      expect(report.auc).toBeGreaterThan(0.5);
      expect(report.auc).toBeLessThan(1);
    });
    expect(trained.rows.train.rows).toBe(3000);
  });

  it('backward selection by AIC refits the terms it keeps', async () => {
    const trained = await trainLogistic(
      book,
      'book',
      { ...spec, features: [...spec.features, 'gender', 'region'], selection: 'backward' },
      NO_PROGRESS,
    );
    expect(trained.selection![0].action).toBe('start');
    const kept = new Set(trained.model.pipeline.features.map((f) => f.column));
    const removed = trained.selection!.filter((s) => s.action === 'remove').map((s) => s.term);
    for (const term of removed) expect(kept.has(term!)).toBe(false);
    expect(trained.fit.aic).toBeCloseTo(trained.selection!.at(-1)!.aic, 8);
  });
});
