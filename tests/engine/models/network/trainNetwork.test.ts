// The Network cell's job on the built-in insurance book: the same split and
// pipeline as the logistic model, standardisation from the training rows
// only, the events the page draws (start, then one per epoch), the controls
// at epoch boundaries (stop keeps the weights so far, a new learning rate is
// taken at the next epoch), early stopping restoring the best epoch, the
// teaching view's surface and the gradient-descent path towards IRLS, and k
// folds. On TF.js's cpu backend in Node.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateInsuranceBook } from '../../../../src/lib/engine/data/sample/insurance';
import { NO_PROGRESS, type DataTable } from '../../../../src/lib/engine/data/table';
import { initBackend } from '../../../../src/lib/engine/models/network/backend';
import {
  scalingOf,
  SURFACE_STEPS,
  trainNetwork,
  type NetworkSpec,
  type TrainingAdjust,
  type TrainingEvent,
  type TrainingHooks,
} from '../../../../src/lib/engine/models/network/trainNetwork';
import { probabilities } from '../../../../src/lib/engine/models/predict';
import { designOf } from '../../../../src/lib/engine/models/design';
import { irls } from '../../../../src/lib/engine/models/irls';
import { PART, partsOf, rowsWhere, trainLogistic } from '../../../../src/lib/engine/models/train';
import { BOOK_SPEC } from '../bookSpec';

let book: DataTable;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  book = generateInsuranceBook({ policies: 3000 }).policies;
});

const { selection: _s, penalty: _p, profile: _f, ...data } = BOOK_SPEC;

function spec(patch: Partial<NetworkSpec> = {}): NetworkSpec {
  return {
    ...data,
    architecture: { kind: 'mlp', hidden: [{ units: 8, activation: 'relu' }], dropout: 0, l2: 0 },
    training: {
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 64,
      epochs: 4,
      earlyStopping: null,
      seed: 7,
    },
    batchEvery: 0,
    ...patch,
  };
}

/** Hooks that record what the page would hear, and act as the page's controls would. */
function recorder(options: { stopAfter?: number; adjust?: Map<number, TrainingAdjust> } = {}) {
  const events: TrainingEvent[] = [];
  let boundaries = 0;
  let stopped = false;
  const hooks: TrainingHooks = {
    progress: NO_PROGRESS,
    emit: (e) => events.push(e),
    checkpoint: async () => undefined,
    boundary: async () => {
      boundaries++;
      if (options.stopAfter === boundaries) stopped = true;
    },
    // Adjustments sent after epoch e are read before epoch e + 1.
    adjustments: () => {
      const change = options.adjust?.get(boundaries);
      return change ? [change] : [];
    },
    get stopped() {
      return stopped;
    },
    backend: { name: 'cpu', fallback: null },
  };
  return { hooks, events, boundaries: () => boundaries };
}

describe('trainNetwork', () => {
  it('holds out the logistic model’s rows and standardises with the training rows only', async () => {
    const { hooks, events } = recorder();
    const trained = await trainNetwork(book, 'book', spec(), hooks);
    const logistic = await trainLogistic(book, 'book', BOOK_SPEC, NO_PROGRESS);
    expect(trained.rows).toEqual(logistic.rows);
    expect(trained.model.pipeline).toEqual(logistic.model.pipeline);
    const train = rowsWhere(partsOf(book, BOOK_SPEC), (p) => p === PART.train);
    const design = designOf(book, trained.model.pipeline, { rows: train });
    expect(trained.model.scaling).toEqual(scalingOf(design));
    // One start, then one event per epoch, in order.
    expect(events.map((e) => e.type)).toEqual(['start', 'epoch', 'epoch', 'epoch', 'epoch']);
    expect(trained.history.map((m) => m.epoch)).toEqual([1, 2, 3, 4]);
    expect(trained.stopReason).toBe('completed');
    expect(trained.bestEpoch).toBe(4);
    // The stored model scores as the trainer measured it: the last epoch's validation loss.
    const validation = rowsWhere(partsOf(book, BOOK_SPEC), (p) => p === PART.validation);
    const held = designOf(book, trained.model.pipeline, { rows: validation });
    const p = probabilities(held, trained.model);
    let loss = 0;
    for (let i = 0; i < held.n; i++) loss -= held.y[i] ? Math.log(p[i]) : Math.log(1 - p[i]);
    // float32 training, float64 scoring: the same loss to float32 precision.
    expect(loss / held.n).toBeCloseTo(trained.history[3].valLoss!, 4);
  });

  it('gives the same curve for the same seed, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const a = await trainNetwork(book, 'book', spec(), recorder().hooks);
    const b = await trainNetwork(book, 'book', spec(), recorder().hooks);
    expect(b.history.map((m) => m.loss)).toEqual(a.history.map((m) => m.loss));
    expect(b.model.layers).toEqual(a.model.layers);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with the weights so far, and takes a new learning rate at the next epoch', async () => {
    const adjust = new Map([[1, { learningRate: 0.002 }]]);
    const { hooks, events } = recorder({ stopAfter: 3, adjust });
    const trained = await trainNetwork(
      book,
      'book',
      spec({ training: { ...spec().training, epochs: 10 } }),
      hooks,
    );
    expect(trained.stopReason).toBe('stopped');
    expect(trained.history).toHaveLength(3);
    expect(trained.bestEpoch).toBe(3);
    expect(trained.history.map((m) => m.learningRate)).toEqual([0.01, 0.002, 0.002]);
    expect(trained.adjustments).toEqual([{ epoch: 2, learningRate: 0.002 }]);
    const last = events.at(-1);
    expect(last?.type === 'epoch' && last.weights).toEqual(trained.model.layers);
  });

  it('ignores a learning rate the page sends out of range', async () => {
    const adjust = new Map([[1, { learningRate: -1 }]]);
    const trained = await trainNetwork(
      book,
      'book',
      spec({ training: { ...spec().training, epochs: 2 } }),
      recorder({ adjust }).hooks,
    );
    expect(trained.history.map((m) => m.learningRate)).toEqual([0.01, 0.01]);
    expect(trained.adjustments).toEqual([]);
  });

  it('early-stops on the validation loss and restores the best epoch', async () => {
    // A large network at a high rate overfits 1,800 rows quickly.
    const s = spec({
      architecture: {
        kind: 'mlp',
        hidden: [
          { units: 64, activation: 'relu' },
          { units: 64, activation: 'relu' },
        ],
        dropout: 0,
        l2: 0,
      },
      training: {
        optimizer: 'adam',
        learningRate: 0.02,
        batchSize: 32,
        epochs: 60,
        earlyStopping: { patience: 3 },
        seed: 3,
      },
    });
    const trained = await trainNetwork(book, 'book', s, recorder().hooks);
    expect(trained.stopReason).toBe('early-stopping');
    const losses = trained.history.map((m) => m.valLoss!);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(trained.bestEpoch).toBe(best);
    expect(trained.history.length).toBe(best + 3);
  });

  it('draws the decision surface of a network on two numeric features', async () => {
    const { hooks, events } = recorder();
    await trainNetwork(book, 'book', spec({ features: ['age', 'late_payments_12m'] }), hooks);
    const start = events[0];
    expect(start.type === 'start' && start.surface?.x.column).toBe('age');
    if (start.type !== 'start' || !start.surface) throw new Error('no surface');
    expect(start.surface.points.x.length).toBeLessThanOrEqual(400);
    const epoch = events[1];
    expect(epoch.type === 'epoch' && epoch.surface?.length).toBe(SURFACE_STEPS * SURFACE_STEPS);
    if (epoch.type !== 'epoch' || !epoch.surface) throw new Error('no surface');
    expect(epoch.surface.every((p) => p > 0 && p < 1)).toBe(true);
    // More late payments, more lapses: the surface rises along y.
    const s = SURFACE_STEPS;
    const last = events.at(-1) as Extract<TrainingEvent, { type: 'epoch' }>;
    expect(last.surface![(s - 1) * s + s / 2]).toBeGreaterThan(last.surface![s / 2]);
  });

  it('draws no surface for more than two features or a categorical', async () => {
    const { hooks, events } = recorder();
    await trainNetwork(book, 'book', spec({ features: ['age', 'channel'] }), hooks);
    expect(events[0].type === 'start' && events[0].surface).toBeNull();
  });

  it('draws a gradient-descent logistic model’s path towards the IRLS coefficients', async () => {
    const s = spec({
      architecture: { kind: 'logistic', hidden: [], dropout: 0, l2: 0 },
      training: {
        optimizer: 'adam',
        learningRate: 0.05,
        batchSize: 256,
        epochs: 60,
        earlyStopping: null,
        seed: 1,
      },
    });
    const { hooks, events } = recorder();
    const trained = await trainNetwork(book, 'book', s, hooks);
    const start = events[0];
    if (start.type !== 'start' || !start.target) throw new Error('no target');
    // The target is the IRLS fit on the training rows, on the standardised scale.
    const train = rowsWhere(partsOf(book, BOOK_SPEC), (p) => p === PART.train);
    const design = designOf(book, trained.model.pipeline, { rows: train });
    const fit = await irls(design);
    const { center, scale } = trained.model.scaling;
    expect(start.target[1]).toBeCloseTo(fit.beta[1] * scale[0], 10);
    expect(start.target[0]).toBeCloseTo(
      fit.beta[0] + Array.from(fit.beta.subarray(1)).reduce((sum, b, j) => sum + b * center[j], 0),
      10,
    );
    expect(trained.teaching.path).toHaveLength(60);
    // Converging: a third of the first epoch's distance by the last (minibatch
    // Adam keeps some noise; the 1e-3 convergence is the trainer's own test).
    const distance = (c: number[]) => Math.hypot(...c.map((v, j) => v - start.target![j]));
    const path = trained.teaching.path!;
    expect(distance(path.at(-1)!)).toBeLessThan(distance(path[0]) / 3);
  });

  it('trains one network per fold, each judged on the fold it did not see', async () => {
    const s = spec({
      split: { kind: 'kfold', k: 3, seed: 5 },
      training: { ...spec().training, epochs: 2 },
    });
    const { hooks, events } = recorder();
    const trained = await trainNetwork(book, 'book', s, hooks);
    expect(trained.folds).toHaveLength(3);
    expect(trained.folds!.map((f) => f.report.fold)).toEqual([1, 2, 3]);
    expect(trained.folds!.reduce((n, f) => n + f.report.rows, 0)).toBe(3000);
    for (const f of trained.folds!) expect(f.report.auc).toBeGreaterThan(0.6);
    // Only the final network streams.
    expect(events.filter((e) => e.type === 'start')).toHaveLength(1);
  });

  it('refuses early stopping without validation rows', async () => {
    const s = spec({
      split: { kind: 'random', train: 0.8, validation: 0, test: 0.2, seed: 1, stratify: true },
      training: { ...spec().training, earlyStopping: { patience: 2 } },
    });
    await expect(trainNetwork(book, 'book', s, recorder().hooks)).rejects.toMatchObject({
      code: 'network.no-validation',
    });
  });
});
