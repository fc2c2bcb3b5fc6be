// NetworkTrainer on TF.js's cpu backend (trainer-wasm.test.ts repeats what
// depends on the backend on wasm). Every reference is named where it is used:
// TF.js's own autodiff (tf.grad), the project's IRLS (equal to R's glm,
// tests/engine/models/logistic.test.ts), scikit-learn's MLPClassifier
// (tests/fixtures/networks/make-mlp-telco.py), Keras's definitions (Glorot
// uniform, l2, inverted dropout), and float64 arithmetic written out here.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, EngineError } from '../../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../../src/lib/engine/models/design';
import { irls } from '../../../../src/lib/engine/models/irls';
import { initBackend } from '../../../../src/lib/engine/models/network/backend';
import {
  estimateNetworkMemory,
  MEMORY_BUDGET_BYTES,
  NetworkTrainer,
} from '../../../../src/lib/engine/models/network/trainer';
import type {
  Activation,
  DenseLayer,
  NetworkArchitecture,
  NetworkData,
  TrainingOptions,
} from '../../../../src/lib/engine/models/network/types';
import { DEFAULT_SHARES, splitParts } from '../../../../src/lib/engine/models/split';
import {
  generated,
  networkDataOf,
  scalingOf,
  TELCO_CHOICES,
  TELCO_SPLIT_SEED,
} from '../../../fixtures/networks/networkData';
import { forward64, gradientPair } from '../../../fixtures/networks/reference';
import { readDataset } from '../../datasets';

beforeAll(async () => {
  expect(await initBackend({ backend: 'cpu' })).toEqual({ backend: 'cpu', fallback: null });
});

const MLP: NetworkArchitecture = {
  kind: 'mlp',
  hidden: [
    { units: 16, activation: 'relu' },
    { units: 8, activation: 'tanh' },
  ],
  dropout: 0.3,
  l2: 1e-4,
};
const LOGISTIC: NetworkArchitecture = { kind: 'logistic', hidden: [], dropout: 0, l2: 0 };
const OPTIONS: TrainingOptions = {
  optimizer: 'adam',
  learningRate: 0.01,
  batchSize: 64,
  epochs: 5,
  earlyStopping: null,
  seed: 7,
};

const linear = (x: number[]) => x[0] - 0.5 * x[1] + 0.25 * x[2];
const small = generated(600, 6, 1, linear);

async function curve(
  architecture: NetworkArchitecture,
  options: TrainingOptions,
  data: NetworkData,
  epochs: number,
) {
  const trainer = new NetworkTrainer(architecture, options, data);
  const losses: number[] = [];
  try {
    for (let e = 0; e < epochs; e++) losses.push((await trainer.trainEpoch()).loss);
    return { losses, weights: trainer.weights() };
  } finally {
    trainer.dispose();
  }
}

function codeOf(f: () => unknown): { code: string; params: Record<string, unknown> } {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return { code: (error as EngineError).code, params: (error as EngineError).params };
  }
  throw new Error('expected an EngineError');
}

describe('settings and memory', () => {
  it('refuses settings out of range, naming the setting', () => {
    const cases: [string, Partial<NetworkArchitecture>, Partial<TrainingOptions>][] = [
      ['units', { hidden: [{ units: 0, activation: 'relu' }] }, {}],
      ['units', { hidden: [{ units: 1025, activation: 'relu' }] }, {}],
      ['units', { hidden: [{ units: 2.5, activation: 'relu' }] }, {}],
      ['activation', { hidden: [{ units: 4, activation: 'swish' as Activation }] }, {}],
      ['hidden', { hidden: [] }, {}],
      ['hidden', { hidden: Array(5).fill({ units: 4, activation: 'relu' }) }, {}],
      ['hidden', { kind: 'logistic' }, {}],
      ['dropout', { dropout: 0.95 }, {}],
      ['dropout', { dropout: -0.1 }, {}],
      ['l2', { l2: Number.NaN }, {}],
      ['learningRate', {}, { learningRate: 0 }],
      ['learningRate', {}, { learningRate: 11 }],
      ['batchSize', {}, { batchSize: 0 }],
      ['epochs', {}, { epochs: 10_001 }],
      ['patience', {}, { earlyStopping: { patience: 0 } }],
      ['optimizer', {}, { optimizer: 'lbfgs' as TrainingOptions['optimizer'] }],
    ];
    for (const [setting, architecture, options] of cases)
      expect(
        codeOf(
          () => new NetworkTrainer({ ...MLP, ...architecture }, { ...OPTIONS, ...options }, small),
        ),
        setting,
      ).toEqual({ code: 'network.invalid-setting', params: { setting } });
    const trainer = new NetworkTrainer(MLP, OPTIONS, small);
    expect(codeOf(() => trainer.setLearningRate(Number.POSITIVE_INFINITY))).toEqual({
      code: 'network.invalid-setting',
      params: { setting: 'learningRate' },
    });
    trainer.dispose();
  });

  it('counts parameters as Keras model.summary() does: inputs·units + units per dense layer', () => {
    const architecture: NetworkArchitecture = {
      kind: 'mlp',
      hidden: [
        { units: 32, activation: 'relu' },
        { units: 16, activation: 'relu' },
      ],
      dropout: 0,
      l2: 0,
    };
    // 20·32 + 32 + 32·16 + 16 + 16·1 + 1
    expect(estimateNetworkMemory(architecture, OPTIONS, 20, 1000).parameters).toBe(1217);
    const trainer = new NetworkTrainer(LOGISTIC, OPTIONS, small);
    expect(trainer.parameters).toBe(7);
    trainer.dispose();
  });

  it('refuses a network too large for memory before allocating anything', () => {
    const before = tf.memory().numTensors;
    const inputs = 100_000;
    const data: NetworkData = {
      n: 2,
      inputs,
      x: new Float32Array(2 * inputs),
      y: Float32Array.of(0, 1),
    };
    const wide: NetworkArchitecture = {
      ...MLP,
      hidden: [{ units: 1024, activation: 'relu' }],
    };
    const { code, params } = codeOf(() => new NetworkTrainer(wide, OPTIONS, data));
    expect(code).toBe('network.too-large');
    // 100,000·1024 + 1024 + 1024 + 1 parameters, × 4 bytes × (weights, gradients, Adam's two moments).
    expect(params.parameters).toBe(102_402_049);
    expect(params.megabytes).toBeGreaterThan(MEMORY_BUDGET_BYTES / 2 ** 20);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('initial weights', () => {
  it('Glorot uniform kernels (Keras default: |w| ≤ √(6/(fan_in + fan_out))), zero biases, from the seed', () => {
    const a = new NetworkTrainer(MLP, OPTIONS, small);
    const b = new NetworkTrainer(MLP, OPTIONS, small);
    const c = new NetworkTrainer(MLP, { ...OPTIONS, seed: 8 }, small);
    const layers = a.weights();
    expect(layers.map((l) => [l.inputs, l.units, l.activation])).toEqual([
      [6, 16, 'relu'],
      [16, 8, 'tanh'],
      [8, 1, 'linear'],
    ]);
    for (const layer of layers) {
      const limit = Math.sqrt(6 / (layer.inputs + layer.units));
      expect(Math.max(...layer.kernel.map(Math.abs))).toBeLessThanOrEqual(limit);
      // Spread over the interval: the largest |w| is near the limit.
      expect(Math.max(...layer.kernel.map(Math.abs))).toBeGreaterThan(0.7 * limit);
      expect(layer.bias.every((v) => v === 0)).toBe(true);
    }
    expect(b.weights()).toEqual(layers);
    expect(c.weights()[0].kernel).not.toEqual(layers[0].kernel);
    for (const t of [a, b, c]) t.dispose();
  });
});

describe('gradient', () => {
  it.each(['relu', 'tanh', 'sigmoid', 'elu'] as Activation[])(
    'the hand-written backward pass equals tf.grad (%s, dropout masks, case weights, l2)',
    (activation) => {
      // Reference: fixtures/networks/reference.ts autodiffLoss, the loss as plain TF.js ops, through tf.valueAndGrad.
      const { ours, reference } = gradientPair(activation);
      expect(ours.loss).toBeCloseTo(reference.loss, 5);
      expect(ours.gradient.length).toBe(reference.gradient.length);
      const largest = Math.max(...reference.gradient.map(Math.abs));
      ours.gradient.forEach((g, i) =>
        expect(Math.abs(g - reference.gradient[i])).toBeLessThan(1e-5 * largest + 1e-7),
      );
    },
  );
});

describe('determinism', () => {
  it('the same seed gives the same loss curve bit for bit (with dropout); another seed another', async () => {
    const first = await curve(MLP, OPTIONS, small, 5);
    const second = await curve(MLP, OPTIONS, small, 5);
    expect(second.losses).toEqual(first.losses);
    expect(second.weights).toEqual(first.weights);
    const other = await curve(MLP, { ...OPTIONS, seed: 8 }, small, 5);
    expect(other.losses).not.toEqual(first.losses);
    // It is learning: the loss falls from the first epoch to the fifth.
    expect(first.losses[4]).toBeLessThan(first.losses[0]);
  });
});

describe('training', () => {
  it('gradient descent on standardised Churn_Modelling reaches the IRLS coefficients (R glm) within 1e-4', async () => {
    // Reference: engine/models/irls.ts, equal to R's glm() to ~1e-10
    // (tests/engine/models/logistic.test.ts). Full-batch SGD with momentum
    // 0.9 minimises the same log-likelihood on standardised columns; its
    // coefficients converted back (logisticCoefficients) are compared on the
    // design's own scale. Seen: max |Δβ| ≈ 3e-7 after 300 epochs.
    const table = await readDataset('selva86__Churn_Modelling.csv');
    const pipeline = buildPipeline(table, {
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
    });
    const design = designOf(table, pipeline);
    const fit = await irls(design);
    const scaling = scalingOf(design);
    const data = networkDataOf(design, scaling);
    const options = { ...OPTIONS, optimizer: 'momentum' as const, learningRate: 1 };
    const trainer = new NetworkTrainer(LOGISTIC, { ...options, batchSize: data.n }, data);
    for (let e = 0; e < 300; e++) await trainer.trainEpoch();
    const beta = NetworkTrainer.logisticCoefficients(trainer.weights(), scaling);
    trainer.dispose();
    expect(beta).toHaveLength(design.p);
    beta.forEach((b, j) =>
      expect(Math.abs(b - fit.beta[j]), pipeline.coefficients[j].name).toBeLessThan(1e-4),
    );
  });

  it('logisticCoefficients: β_j = w_j/scale_j, β₀ = b − Σ w_j·center_j/scale_j (worked by hand)', () => {
    const layer: DenseLayer = {
      inputs: 2,
      units: 1,
      activation: 'linear',
      kernel: [2, -3],
      bias: [0.5],
    };
    const beta = NetworkTrainer.logisticCoefficients([layer], { center: [1, 10], scale: [4, 5] });
    // 2/4 = 0.5; −3/5 = −0.6; 0.5 − 0.5·1 − (−0.6)·10 = 6
    expect(beta).toEqual([6, 0.5, -0.6]);
  });

  it('a one-hidden-layer network finds an interaction (y ~ 3·x1·x2) the logistic model cannot: test AUC higher by > 0.1', async () => {
    // Reference: the data's own construction — logit = 3·x1·x2 has no main
    // effects, so any linear score ranks no better than chance (AUC ≈ 0.5),
    // while the Bayes rule's AUC is about 0.8.
    const interaction = (x: number[]) => 3 * x[0] * x[1];
    const train = generated(3000, 4, 11, interaction);
    const test = generated(2000, 4, 12, interaction);
    const options = { ...OPTIONS, learningRate: 0.02, batchSize: 100 };
    const aucOf = async (architecture: NetworkArchitecture, epochs: number) => {
      const trainer = new NetworkTrainer(architecture, options, train);
      for (let e = 0; e < epochs; e++) await trainer.trainEpoch();
      const { auc } = trainer.evaluate(test);
      trainer.dispose();
      return auc!;
    };
    const logistic = await aucOf(LOGISTIC, 10);
    const mlp = await aucOf(
      { kind: 'mlp', hidden: [{ units: 16, activation: 'relu' }], dropout: 0, l2: 0 },
      25,
    );
    expect(logistic).toBeLessThan(0.6);
    expect(mlp - logistic).toBeGreaterThan(0.1);
  });

  it('Telco: test AUC within 0.02 of scikit-learn MLPClassifier((32, 16)) on the same split and columns', async () => {
    // Reference: tests/fixtures/networks/mlp-telco-reference.json, made by
    // make-mlp-telco.py (scikit-learn 1.2.1, mean over 10 seeds) from the
    // split and scaling of telco-split.json (make-telco-split.ts), which are
    // rebuilt here and must agree.
    const split = JSON.parse(
      readFileSync(new URL('../../../fixtures/networks/telco-split.json', import.meta.url), 'utf8'),
    ) as { columns: string[]; parts: string; center: number[]; scale: number[] };
    const reference = JSON.parse(
      readFileSync(
        new URL('../../../fixtures/networks/mlp-telco-reference.json', import.meta.url),
        'utf8',
      ),
    ) as { meanTestAuc: number; epochs: number; batchSize: number; alpha: number };
    const table = await readDataset('ibm__Telco-Customer-Churn.csv');
    const pipeline = buildPipeline(table, TELCO_CHOICES);
    const design = designOf(table, pipeline);
    const parts = splitParts(design.y, DEFAULT_SHARES, TELCO_SPLIT_SEED);
    expect(pipeline.coefficients.slice(1).map((c) => c.name)).toEqual(split.columns);
    expect(Array.from(parts).join('')).toBe(split.parts);
    const scaling = scalingOf(design, parts);
    expect(scaling).toEqual({ center: split.center, scale: split.scale });
    const train = networkDataOf(design, scaling, parts, 0);
    const test = networkDataOf(design, scaling, parts, 2);
    const architecture: NetworkArchitecture = {
      kind: 'mlp',
      hidden: [
        { units: 32, activation: 'relu' },
        { units: 16, activation: 'relu' },
      ],
      dropout: 0,
      // scikit-learn adds alpha/(2·batch)·Σw² to each batch's loss: Keras l2 = alpha/(2·batch).
      l2: reference.alpha / (2 * reference.batchSize),
    };
    const options: TrainingOptions = {
      ...OPTIONS,
      optimizer: 'adam',
      learningRate: 0.001,
      batchSize: reference.batchSize,
      epochs: reference.epochs,
    };
    const trainer = new NetworkTrainer(architecture, options, train);
    for (let e = 0; e < reference.epochs; e++) await trainer.trainEpoch();
    const { auc } = trainer.evaluate(test);
    trainer.dispose();
    expect(Math.abs(auc! - reference.meanTestAuc)).toBeLessThan(0.02);
  });

  it('case weights act as frequency weights: weight 2 on a row = the row twice (full-batch SGD)', async () => {
    // Reference: the weighted mean loss Σw·l/Σw, the definition in types.ts;
    // with the whole data as one batch, duplicating rows gives the same
    // gradient at every step.
    const base = generated(200, 3, 21, linear);
    const weights = Float32Array.from({ length: base.n }, (_, i) => 1 + (i % 2));
    const rows = Array.from({ length: base.n }, (_, i) => i).flatMap((i) => (i % 2 ? [i, i] : [i]));
    const doubled: NetworkData = {
      n: rows.length,
      inputs: 3,
      x: Float32Array.from(rows.flatMap((r) => Array.from(base.x.subarray(r * 3, r * 3 + 3)))),
      y: Float32Array.from(rows, (r) => base.y[r]),
    };
    const options = { ...OPTIONS, optimizer: 'sgd' as const, learningRate: 0.5 };
    const weighted = new NetworkTrainer(
      LOGISTIC,
      { ...options, batchSize: base.n },
      { ...base, weights },
    );
    const repeated = new NetworkTrainer(LOGISTIC, { ...options, batchSize: doubled.n }, doubled);
    let a, b;
    for (let e = 0; e < 20; e++) {
      a = await weighted.trainEpoch();
      b = await repeated.trainEpoch();
    }
    expect(a!.loss).toBeCloseTo(b!.loss, 6);
    expect(a!.accuracy).toBeCloseTo(b!.accuracy, 10);
    expect(a!.auc).toBeCloseTo(b!.auc!, 10);
    const [wa, wb] = [weighted.weights()[0], repeated.weights()[0]];
    wa.kernel.forEach((w, j) => expect(w).toBeCloseTo(wb.kernel[j], 5));
    expect(wa.bias[0]).toBeCloseTo(wb.bias[0], 5);
    weighted.dispose();
    repeated.dispose();
  });

  it('epoch metrics: loss, accuracy and AUC recomputed in float64 from predictLogits; validation rows; learning rate', async () => {
    // Reference: binary cross-entropy, accuracy at p > 0.5 and the
    // Mann–Whitney AUC (pairs ranked correctly, ties half), written out here.
    const validation = generated(300, 6, 2, linear);
    const trainer = new NetworkTrainer(MLP, OPTIONS, small, validation);
    const metrics = await trainer.trainEpoch();
    const logits = trainer.predictLogits(validation.x, validation.n);
    let loss = 0;
    let correct = 0;
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let i = 0; i < validation.n; i++) {
      const p = 1 / (1 + Math.exp(-logits[i]));
      const y = validation.y[i];
      loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      if (p > 0.5 === (y === 1)) correct++;
      (y === 1 ? positives : negatives).push(logits[i]);
    }
    let pairs = 0;
    for (const s of positives) for (const t of negatives) pairs += s > t ? 1 : s === t ? 0.5 : 0;
    expect(metrics.valLoss).toBeCloseTo(loss / validation.n, 10);
    expect(metrics.valAccuracy).toBeCloseTo(correct / validation.n, 12);
    expect(metrics.valAuc).toBeCloseTo(pairs / (positives.length * negatives.length), 12);
    expect(metrics).toMatchObject({ epoch: 1, learningRate: 0.01 });
    expect(metrics.ms).toBeGreaterThan(0);
    trainer.setLearningRate(0.002);
    expect((await trainer.trainEpoch()).learningRate).toBe(0.002);
    trainer.dispose();
  });

  it.each(['sgd', 'momentum', 'adam', 'rmsprop'] as const)(
    'setLearningRate reaches the %s optimizer between epochs',
    async (optimizer) => {
      // Reference: the update's size scales with the rate for all four, so a
      // rate of 1e-9 leaves the weights (float32) almost where they were.
      const trainer = new NetworkTrainer(MLP, { ...OPTIONS, optimizer, learningRate: 0.1 }, small);
      await trainer.trainEpoch();
      const before = trainer.weights();
      trainer.setLearningRate(1e-9);
      await trainer.trainEpoch();
      const after = trainer.weights();
      after.forEach((layer, l) =>
        layer.kernel.forEach((w, i) =>
          expect(Math.abs(w - before[l].kernel[i])).toBeLessThan(1e-5),
        ),
      );
      trainer.setLearningRate(0.1);
      await trainer.trainEpoch();
      expect(trainer.weights()[0].kernel).not.toEqual(after[0].kernel);
      trainer.dispose();
    },
  );

  it('predictLogits equals a float64 forward pass of weights() (every activation)', async () => {
    for (const activation of ['relu', 'tanh', 'sigmoid', 'elu'] as Activation[]) {
      const trainer = new NetworkTrainer(
        {
          ...MLP,
          hidden: [
            { units: 5, activation },
            { units: 3, activation },
          ],
        },
        OPTIONS,
        small,
      );
      await trainer.trainEpoch();
      const logits = trainer.predictLogits(small.x, small.n);
      const reference = forward64(trainer.weights(), small.x, small.n);
      reference.forEach((z, i) => expect(Math.abs(logits[i] - z)).toBeLessThan(1e-5));
      expect(trainer.predictLogits(new Float32Array(0), 0)).toEqual(new Float32Array(0));
      trainer.dispose();
    }
  });

  it('snapshot and restore: the restored network predicts as it did when the snapshot was taken', async () => {
    const trainer = new NetworkTrainer(MLP, OPTIONS, small);
    await trainer.trainEpoch();
    const snapshot = trainer.snapshot();
    const then = trainer.predictLogits(small.x, small.n);
    await trainer.trainEpoch();
    expect(trainer.predictLogits(small.x, small.n)).not.toEqual(then);
    const tensors = tf.memory().numTensors;
    trainer.restore(snapshot);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.weights()).toEqual(snapshot);
    expect(trainer.predictLogits(small.x, small.n)).toEqual(then);
    expect(() => trainer.restore(snapshot.slice(1))).toThrow(/layers/);
    const wrong = snapshot.map((l) => ({ ...l, bias: [...l.bias, 0] }));
    expect(() => trainer.restore(wrong)).toThrow(/does not fit/);
    trainer.dispose();
    expect(() => trainer.weights()).toThrow(/dispose/);
  });

  it('a learning rate far too large diverges: EngineError network.diverged with the epoch', async () => {
    const tensors = tf.memory().numTensors;
    const trainer = new NetworkTrainer(
      {
        kind: 'mlp',
        hidden: Array(4).fill({ units: 64, activation: 'relu' }),
        dropout: 0,
        l2: 0,
      },
      { ...OPTIONS, optimizer: 'momentum', learningRate: 10 },
      small,
    );
    let error: unknown;
    try {
      for (let e = 0; e < 20; e++) await trainer.trainEpoch();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('network.diverged');
    expect((error as EngineError).params.epoch).toBeGreaterThanOrEqual(1);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('hooks and tensor hygiene', () => {
  it('onBatch after every batch, checkpoint between batches; a cancelled checkpoint leaves no tensor behind', async () => {
    const trainer = new NetworkTrainer(MLP, OPTIONS, small);
    const batches: number[] = [];
    let checkpoints = 0;
    await trainer.trainEpoch({
      onBatch: (batch, loss) => {
        expect(Number.isFinite(loss)).toBe(true);
        batches.push(batch);
      },
      checkpoint: async () => {
        checkpoints++;
      },
    });
    expect(trainer.batchesPerEpoch).toBe(Math.ceil(600 / 64));
    expect(batches).toEqual([...Array(trainer.batchesPerEpoch).keys()]);
    expect(checkpoints).toBe(trainer.batchesPerEpoch - 1);
    const tensors = tf.memory().numTensors;
    await expect(
      trainer.trainEpoch({
        checkpoint: async () => {
          throw new CancelledError();
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.epoch).toBe(1);
    trainer.dispose();
  });

  it('no tensor leaks over 1,000 train-step/predict cycles', async () => {
    // As tfjs-examples check: tf.memory().numTensors is unchanged.
    const data = generated(32, 6, 3, linear);
    const trainer = new NetworkTrainer(MLP, { ...OPTIONS, batchSize: 32 }, data, data);
    await trainer.trainEpoch();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      await trainer.trainEpoch();
      trainer.predictLogits(data.x, data.n);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    trainer.dispose();
  });

  it('no tensor leaks over 50 build/train/dispose cycles (every optimizer)', async () => {
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      const optimizer = (['sgd', 'momentum', 'adam', 'rmsprop'] as const)[i % 4];
      const trainer = new NetworkTrainer(MLP, { ...OPTIONS, optimizer, seed: i }, small, small);
      await trainer.trainEpoch();
      trainer.predictLogits(small.x, small.n);
      trainer.snapshot();
      trainer.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
