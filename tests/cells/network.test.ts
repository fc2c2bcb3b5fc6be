// The Network cell's declaration: its defaults (the Model cell's data
// choices, then a small network), what it waits for, the training job it
// plans (with every choice but the input), what it does when its input
// changes, settings the schema refuses, and its output read as a model by the
// cells below.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, job, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { checkSettings } from '../../src/lib/notebook/schema';
import { modelOf, trainedModel } from '../../src/lib/cells/model/definition';
import { trainedNetwork } from '../../src/lib/cells/network/definition';
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
const input: ResolvedInput = { ref: { type: 'dataset', id: 'book' }, dataset: book };

const network = definitionOf('network');
const model = definitionOf('model');
const settings = {
  ...network.defaults({ input: 'd' }),
  target: 'lapsed',
  positive: 'true',
  features: ['age', 'channel'],
};

describe('the Network cell', () => {
  it('starts from the Model cell’s data choices, so both hold out the same rows', () => {
    const n = network.defaults({ input: 'd' });
    const m = model.defaults({ input: 'd' });
    for (const key of ['input', 'split', 'balance', 'features', 'references'] as const)
      expect(n[key]).toEqual(m[key]);
    expect(n.architecture.kind).toBe('mlp');
    expect(n.training.earlyStopping).not.toBeNull();
    expect(checkSettings('network', n)).toMatchObject({ ok: true });
    expect(network.runs).toBe('on-click');
    expect(network.output).toBe('model');
  });

  it('waits for the data choices, and for validation rows when it stops early', () => {
    const ctx = context({ input });
    const waits = [
      network.plan({ ...settings, target: null }, context({})),
      network.plan({ ...settings, target: null }, ctx),
      network.plan({ ...settings, positive: null }, ctx),
      network.plan({ ...settings, features: [] }, ctx),
      network.plan(
        {
          ...settings,
          split: { kind: 'random', train: 0.8, validation: 0, test: 0.2, seed: 1, stratify: true },
        },
        ctx,
      ),
    ];
    expect(waits.map((w) => (isWait(w) ? w.wait : null))).toEqual([
      'cell.waiting',
      'model.choose-target',
      'model.choose-positive',
      'model.choose-features',
      'network.needs-validation',
    ]);
  });

  it('plans a training job in the training worker with every choice but the input', () => {
    const { input: _, ...spec } = settings;
    expect(network.plan(settings, context({ input }))).toEqual(
      job('train-network', { datasetId: 'book', spec: spec as never }),
    );
  });

  it('drops choices the new dataset lacks and keeps the rest by name', () => {
    const other = { ...book, columns: book.columns.filter((c) => c.name !== 'channel') };
    const adapted = network.adapt(settings, context({ input: { ...input, dataset: other } }));
    expect(adapted.features).toEqual(['age']);
    expect(adapted.architecture).toEqual(settings.architecture);
    expect(network.adapt(settings, context({ input }))).toBe(settings);
  });

  it('refuses a logistic model with hidden layers, five layers, and rates out of range', () => {
    const { architecture: a, training: t } = settings;
    const bad = [
      { architecture: { ...a, kind: 'logistic' } },
      { architecture: { ...a, hidden: [] } },
      { architecture: { ...a, hidden: Array(5).fill({ units: 4, activation: 'relu' }) } },
      { architecture: { ...a, hidden: [{ units: 0, activation: 'relu' }] } },
      { architecture: { ...a, hidden: [{ units: 4, activation: 'swish' }] } },
      { architecture: { ...a, dropout: 0.95 } },
      { training: { ...t, learningRate: 0 } },
      { training: { ...t, optimizer: 'adagrad' } },
      { training: { ...t, epochs: 0 } },
      { training: { ...t, earlyStopping: { patience: 0 } } },
      { batchEvery: -1 },
    ];
    for (const patch of bad)
      expect(
        checkSettings('network', { ...settings, ...patch }),
        JSON.stringify(patch),
      ).toMatchObject({
        ok: false,
      });
    expect(
      checkSettings('network', {
        ...settings,
        architecture: { kind: 'logistic', hidden: [], dropout: 0, l2: 0 },
      }),
    ).toMatchObject({ ok: true });
  });

  it('hands its network on as a model, with its held-out rows, to Evaluate and Score', () => {
    const result = {
      datasetId: 'book',
      model: { format: 'lifecycle-lab.network', version: 1 },
      spec: { split: { kind: 'random' } },
      folds: null,
    };
    expect(modelOf(result)).toBe(result.model);
    expect(trainedModel(result)).toBe(result);
    expect(trainedNetwork(result)).toBe(result);
    const logistic = { ...result, model: { format: 'lifecycle-lab.logistic', version: 1 } };
    expect(trainedNetwork(logistic)).toBeNull();
    expect(modelOf({ model: { format: 'something-else' } })).toBeNull();
  });
});
