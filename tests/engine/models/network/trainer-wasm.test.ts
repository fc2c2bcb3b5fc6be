// NetworkTrainer on TF.js's wasm backend in Node: what depends on the
// backend (kernels, memory) checked again where the browser worker trains.
// References: tf.grad (fixtures/networks/reference.ts), the cpu backend (an
// independent implementation of the same kernels), and tfjs-examples' rule
// that tf.memory().numTensors is unchanged after training.
import * as tf from '@tensorflow/tfjs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, wasmMemoryBytes } from '../../../../src/lib/engine/models/network/backend';
import { NetworkTrainer } from '../../../../src/lib/engine/models/network/trainer';
import type {
  Activation,
  NetworkArchitecture,
  TrainingOptions,
} from '../../../../src/lib/engine/models/network/types';
import { generated } from '../../../fixtures/networks/networkData';
import { gradientPair } from '../../../fixtures/networks/reference';

const wasmPaths = fileURLToPath(
  new URL('../../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url),
);

const MLP: NetworkArchitecture = {
  kind: 'mlp',
  hidden: [
    { units: 16, activation: 'relu' },
    { units: 8, activation: 'elu' },
  ],
  dropout: 0.3,
  l2: 1e-4,
};
const OPTIONS: TrainingOptions = {
  optimizer: 'adam',
  learningRate: 0.01,
  batchSize: 64,
  epochs: 5,
  earlyStopping: null,
  seed: 7,
};
const data = generated(600, 6, 1, (x) => x[0] - 0.5 * x[1] + x[2] * x[3]);

async function curve(options: TrainingOptions, epochs = 5): Promise<number[]> {
  const trainer = new NetworkTrainer(MLP, options, data);
  const losses: number[] = [];
  for (let e = 0; e < epochs; e++) losses.push((await trainer.trainEpoch()).loss);
  trainer.dispose();
  return losses;
}

beforeAll(async () => {
  expect(await initBackend({ backend: 'wasm', wasmPaths })).toEqual({
    backend: 'wasm',
    fallback: null,
  });
});

describe('on wasm', () => {
  it('initBackend is idempotent and switches between cpu and wasm', async () => {
    expect(await initBackend({ backend: 'wasm', wasmPaths })).toEqual({
      backend: 'wasm',
      fallback: null,
    });
    expect(await initBackend({ backend: 'cpu' })).toEqual({ backend: 'cpu', fallback: null });
    expect(tf.getBackend()).toBe('cpu');
    // Paths are only read before wasm first starts; a later call needs none.
    expect(await initBackend({ backend: 'wasm' })).toEqual({ backend: 'wasm', fallback: null });
    expect(tf.getBackend()).toBe('wasm');
    expect(wasmMemoryBytes()).toBeGreaterThan(0);
  });

  it('the hand-written backward pass equals tf.grad on wasm kernels (every activation)', () => {
    for (const activation of ['relu', 'tanh', 'sigmoid', 'elu'] as Activation[]) {
      const { ours, reference } = gradientPair(activation);
      expect(ours.loss).toBeCloseTo(reference.loss, 5);
      const largest = Math.max(...reference.gradient.map(Math.abs));
      ours.gradient.forEach((g, i) =>
        expect(Math.abs(g - reference.gradient[i]), activation).toBeLessThan(1e-5 * largest + 1e-7),
      );
    }
  });

  it('the same seed gives the same loss curve bit for bit (with dropout); another seed another', async () => {
    const first = await curve(OPTIONS);
    expect(await curve(OPTIONS)).toEqual(first);
    expect(await curve({ ...OPTIONS, seed: 8 })).not.toEqual(first);
  });

  it('agrees with the cpu backend to float32 rounding (not bit for bit: the kernels differ)', async () => {
    const wasm = await curve(OPTIONS);
    await initBackend({ backend: 'cpu' });
    const cpu = await curve(OPTIONS);
    await initBackend({ backend: 'wasm' });
    wasm.forEach((loss, e) => expect(Math.abs(loss - cpu[e])).toBeLessThan(1e-4));
  });

  it('neither tensors nor wasm memory grow over 1,000 step/predict cycles and 50 build/train/dispose cycles', async () => {
    const tiny = generated(32, 6, 3, (x) => x[0]);
    const options = { ...OPTIONS, batchSize: 32 };
    const cycle = async (trainer: NetworkTrainer) => {
      await trainer.trainEpoch();
      trainer.predictLogits(tiny.x, tiny.n);
    };
    // Warm up: the heap grows to its working size once (wasm memory never shrinks).
    const warm = new NetworkTrainer(MLP, options, tiny, tiny);
    for (let i = 0; i < 50; i++) await cycle(warm);
    warm.dispose();
    const tensors = tf.memory().numTensors;
    const heap = wasmMemoryBytes();

    const trainer = new NetworkTrainer(MLP, options, tiny, tiny);
    for (let i = 0; i < 1000; i++) await cycle(trainer);
    trainer.dispose();
    for (let i = 0; i < 50; i++) {
      const optimizer = (['sgd', 'momentum', 'adam', 'rmsprop'] as const)[i % 4];
      const t = new NetworkTrainer(MLP, { ...options, optimizer, seed: i }, data, data);
      await t.trainEpoch();
      t.predictLogits(data.x, data.n);
      t.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmMemoryBytes()).toBe(heap);
  });
});
