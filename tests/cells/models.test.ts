// The churn-model kinds' declarations (Model, Evaluate, Score): what each
// waits for, the job it plans from its settings and inputs, what it does
// when its input changes, and settings the schema refuses.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, job, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { checkSettings } from '../../src/lib/notebook/schema';
import type { TrainedLogistic } from '../../src/lib/engine/models/train';
import type { DatasetMeta } from '../../src/lib/storage/types';

const book = {
  id: 'book',
  name: 'book',
  columns: [
    { name: 'lapsed', type: 'boolean' },
    { name: 'age', type: 'integer' },
    { name: 'channel', type: 'categorical' },
  ],
} as DatasetMeta;

function context(inputs: PlanContext['inputs']): PlanContext {
  return { notebookId: 'nb', cellId: 'c', inputs, dataset: () => undefined, today: '2026-12-02' };
}
const datasetInput = (meta: DatasetMeta): ResolvedInput => ({
  ref: { type: 'dataset', id: meta.id },
  dataset: meta,
});

const model = definitionOf('model');
const settings = {
  ...model.defaults({ input: 'd' }),
  target: 'lapsed',
  positive: 'true',
  features: ['age', 'channel'],
};

// A Model cell's result as the runner hands it on: only what the plans read.
const trained = (datasetId: string, seed = 42) =>
  ({
    datasetId,
    model: { format: 'lifecycle-lab.logistic', version: 1, beta: [seed] },
    spec: { split: { kind: 'random', seed } },
    folds: null,
  }) as unknown as TrainedLogistic;
const modelInput = (result: TrainedLogistic): ResolvedInput => ({
  ref: { type: 'model', id: `key-${result.datasetId}` },
  result,
});

describe('the Model cell', () => {
  it('waits for a target, its positive class and a feature, in that order', () => {
    const ctx = context({ input: datasetInput(book) });
    const waits = [
      model.plan({ ...settings, target: null }, ctx),
      model.plan({ ...settings, positive: null }, ctx),
      model.plan({ ...settings, features: [] }, ctx),
    ];
    expect(waits.map((w) => (isWait(w) ? w.wait : null))).toEqual([
      'model.choose-target',
      'model.choose-positive',
      'model.choose-features',
    ]);
    expect(model.plan(settings, context({}))).toEqual({ wait: 'cell.waiting' });
  });

  it('plans the fit of its input dataset with every choice but the input', () => {
    const plan = model.plan(settings, context({ input: datasetInput(book) }));
    const { input: _, ...spec } = settings;
    expect(plan).toEqual(job('fit-logistic', { datasetId: 'book', spec: spec as never }));
    expect(model.runs).toBe('on-click');
    expect(model.output).toBe('model');
  });

  it('drops choices the new dataset lacks and keeps the rest by name', () => {
    const other = {
      ...book,
      id: 'other',
      columns: book.columns.filter((c) => c.name !== 'channel'),
    };
    const adapted = model.adapt(
      {
        ...settings,
        interactions: [{ a: 'age', b: 'channel' }],
        references: [{ column: 'channel', level: 'agent' }],
      },
      context({ input: datasetInput(other) }),
    );
    expect(adapted).toMatchObject({
      target: 'lapsed',
      positive: 'true',
      features: ['age'],
      interactions: [],
      references: [],
    });
    const noTarget = { ...book, columns: book.columns.filter((c) => c.name !== 'lapsed') };
    expect(model.adapt(settings, context({ input: datasetInput(noTarget) }))).toMatchObject({
      target: null,
      positive: null,
    });
    expect(model.adapt(settings, context({ input: datasetInput(book) }))).toBe(settings);
  });

  it('refuses shares that do not add up, a bad k and a negative penalty', () => {
    const bad = [
      {
        split: { kind: 'random', train: 0.6, validation: 0.3, test: 0.3, seed: 1, stratify: true },
      },
      { split: { kind: 'kfold', k: 1, seed: 1 } },
      { split: { kind: 'column', column: 'age', validationFrom: 50, testFrom: 40 } },
      { penalty: -1 },
      { balance: { method: 'smote', share: 1, correct: true, seed: 1 } },
    ];
    for (const patch of bad)
      expect(checkSettings('model', { ...settings, ...patch })).toMatchObject({ ok: false });
    expect(checkSettings('model', settings)).toMatchObject({ ok: true });
  });
});

describe('the Score cell', () => {
  const score = definitionOf('score');
  const s = score.defaults({ model: 'm', input: 'd' });

  it('scores its dataset with the model its Model cell handed on', () => {
    const plan = score.plan(
      s,
      context({ model: modelInput(trained('book')), input: datasetInput(book) }),
    );
    expect(plan).toEqual(
      job('score', {
        notebook: 'nb',
        cell: 'c',
        datasetId: 'book',
        model: trained('book').model,
        options: { unseen: 'error', bands: { high: 0.5, medium: 0.2 }, reasons: 3 },
      }),
    );
    expect(score.plan(s, context({ input: datasetInput(book) }))).toEqual({ wait: 'cell.waiting' });
    expect(score.outputOf?.({ dataset: { id: 'scored' } } as never, s)).toEqual({
      type: 'dataset',
      id: 'scored',
    });
  });

  it('refuses a medium band above the high band', () => {
    expect(checkSettings('score', { ...s, medium: 0.6, high: 0.5 })).toMatchObject({ ok: false });
  });
});

describe('the Evaluate cell', () => {
  const evaluate = definitionOf('evaluate');
  const s = evaluate.defaults({ model: 'm' });

  it('evaluates models on the first one’s rows; the threshold is not part of the job', () => {
    const inputs = {
      model: modelInput(trained('book', 1)),
      compare0: modelInput(trained('book', 2)),
    };
    const plan = evaluate.plan({ ...s, compare: ['m2'] }, context(inputs));
    expect(plan).toMatchObject({
      request: 'evaluate',
      params: {
        source: {
          kind: 'models',
          datasetId: 'book',
          rows: 'test',
          models: [
            { datasetId: 'book', model: { beta: [1] }, folds: null },
            { datasetId: 'book', model: { beta: [2] }, folds: null },
          ],
        },
      },
    });
    const moved = evaluate.plan({ ...s, compare: ['m2'], threshold: 0.8 }, context(inputs));
    expect(moved).toEqual(plan);
  });

  it('reads a scored dataset once its score and outcome columns are chosen', () => {
    const inputs = { model: datasetInput(book) };
    expect(evaluate.plan(s, context(inputs))).toEqual({ wait: 'evaluate.choose-columns' });
    const plan = evaluate.plan(
      { ...s, score: 'probability', outcome: 'lapsed', positive: 'true' },
      context(inputs),
    );
    expect(plan).toMatchObject({
      params: { source: { kind: 'scored', datasetId: 'book', score: 'probability' } },
    });
  });

  it('takes a compare slot per compared model, and only those', () => {
    const slots = evaluate.slots.filter((slot) => slot.active?.({ ...s, compare: ['a'] }) ?? true);
    expect(slots.map((slot) => slot.name)).toEqual(['model', 'compare0']);
    const removed = evaluate.slots[1].set({ ...s, compare: ['a', 'b'] }, null);
    expect(removed.compare).toEqual(['b']);
  });
});
