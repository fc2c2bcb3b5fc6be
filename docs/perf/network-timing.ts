// Times one epoch of a 20 → 32 → 16 → 1 relu network (Adam, learning rate
// 0.001, batches of 1,024) on 100,000 seeded rows, in Node on TF.js's wasm
// and cpu backends, three ways:
//   ours   NetworkTrainer (src/lib/engine/models/network/trainer.ts)
//   tape   the same batches, but gradients by TF.js's tape
//          (optimizer.minimize over one variable per kernel and bias), as the
//          trainer's first version did
//   fit    tfjs-layers: tf.sequential + model.fit(x, y, { batchSize: 1024, epochs: 1, shuffle: true })
// then the kernels behind the trainer's choices (mean ms per call, 1,024-row batch),
// // and writes the rows to <dir>/x.f32, <dir>/y.f32 for docs/perf/network-peers.py
// (scikit-learn). Not part of the tests. Results: docs/perf/network-training.md.
//   npx tsx docs/perf/network-timing.ts /tmp/network-perf
//   /usr/bin/python3 docs/perf/network-peers.py /tmp/network-perf
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Random } from '../../src/lib/engine/data/random';
import { initBackend } from '../../src/lib/engine/models/network/backend';
import { NetworkTrainer } from '../../src/lib/engine/models/network/trainer';
import type {
  NetworkArchitecture,
  TrainingOptions,
} from '../../src/lib/engine/models/network/types';

const dir = process.argv[2] ?? '/tmp/network-perf';
const n = 100_000;
const k = 20;
const BATCH = 1024;
const EPOCHS = 3;

const random = new Random('network-timing');
const x = new Float32Array(n * k);
const y = new Float32Array(n);
for (let i = 0; i < n; i++) {
  let logit = -0.5;
  for (let j = 0; j < k; j++) {
    const v = random.normal();
    x[i * k + j] = v;
    if (j < 5) logit += v / (j + 1);
  }
  logit += x[i * k] * x[i * k + 1];
  y[i] = random.bernoulli(1 / (1 + Math.exp(-logit)));
}
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/x.f32`, x);
writeFileSync(`${dir}/y.f32`, y);

const architecture: NetworkArchitecture = {
  kind: 'mlp',
  hidden: [
    { units: 32, activation: 'relu' },
    { units: 16, activation: 'relu' },
  ],
  dropout: 0,
  l2: 0,
};
const options: TrainingOptions = {
  optimizer: 'adam',
  learningRate: 0.001,
  batchSize: BATCH,
  epochs: EPOCHS,
  earlyStopping: null,
  seed: 1,
};

async function ours(): Promise<{ steps: number[]; wall: number[]; loss: number }> {
  const trainer = new NetworkTrainer(architecture, options, { n, inputs: k, x, y });
  const steps: number[] = [];
  const wall: number[] = [];
  let loss = NaN;
  for (let e = 0; e < EPOCHS; e++) {
    const start = performance.now();
    const metrics = await trainer.trainEpoch();
    wall.push(performance.now() - start);
    steps.push(metrics.ms);
    loss = metrics.loss;
  }
  trainer.dispose();
  return { steps, wall, loss };
}

/** The same shuffled batches, gradients by the tape: one variable per kernel and bias. */
function tape(): number[] {
  const sizes = [k, 32, 16, 1];
  const variables: tf.Variable[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const limit = Math.sqrt(6 / (sizes[l - 1] + sizes[l]));
    variables.push(
      tf.variable(
        tf.tensor2d(
          Float32Array.from(
            { length: sizes[l - 1] * sizes[l] },
            () => limit * (2 * random.uniform() - 1),
          ),
          [sizes[l - 1], sizes[l]],
        ),
      ),
      tf.variable(tf.zeros([sizes[l]])),
    );
  }
  const optimizer = tf.train.adam(0.001);
  const xs = new Float32Array(n * k);
  const ys = new Float32Array(n);
  const times: number[] = [];
  for (let e = 0; e < EPOCHS; e++) {
    const start = performance.now();
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let i = 0; i < n; i++) {
      xs.set(x.subarray(order[i] * k, order[i] * k + k), i * k);
      ys[i] = y[order[i]];
    }
    for (let b = 0; b < n; b += BATCH) {
      const rows = Math.min(BATCH, n - b);
      const cost = tf.tidy(() => {
        const xb = tf.tensor2d(xs.subarray(b * k, (b + rows) * k), [rows, k]);
        const yb = tf.tensor1d(ys.subarray(b, b + rows));
        return optimizer.minimize(
          () => {
            let h: tf.Tensor2D = xb;
            for (let l = 0; l < 3; l++)
              h = tf.fused.matMul({
                a: h,
                b: variables[2 * l] as tf.Tensor2D,
                bias: variables[2 * l + 1],
                activation: l < 2 ? 'relu' : 'linear',
              }) as tf.Tensor2D;
            const z = tf.reshape(h, [-1]);
            return tf.mean(tf.sub(tf.softplus(z), tf.mul(z, yb))) as tf.Scalar;
          },
          true,
          variables,
        ) as tf.Scalar;
      });
      cost.dataSync();
      cost.dispose();
    }
    times.push(performance.now() - start);
  }
  optimizer.dispose();
  for (const v of variables) v.dispose();
  return times;
}

async function fit(): Promise<number[]> {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [k], units: 32, activation: 'relu' }),
      tf.layers.dense({ units: 16, activation: 'relu' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  const optimizer = tf.train.adam(0.001);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  const xt = tf.tensor2d(x, [n, k]);
  const yt = tf.tensor2d(y, [n, 1]);
  const times: number[] = [];
  for (let e = 0; e < EPOCHS; e++) {
    const start = performance.now();
    await model.fit(xt, yt, { batchSize: BATCH, epochs: 1, shuffle: true, verbose: 0 });
    times.push(performance.now() - start);
  }
  xt.dispose();
  yt.dispose();
  model.dispose();
  optimizer.dispose();
  return times;
}

/** Mean ms of f over `reps` calls after a warm-up. */
function timed(f: () => void, reps = 300): number {
  for (let i = 0; i < 30; i++) f();
  const start = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - start) / reps;
}

function kernels(backend: string): void {
  const a = tf.randomNormal([BATCH, 32]) as tf.Tensor2D;
  const d = tf.randomNormal([BATCH, 16]) as tf.Tensor2D;
  const read = (f: () => tf.Tensor) => () => tf.tidy(() => void f().dataSync());
  const rows: [string, number][] = [
    [
      'aᵀ·d as matMul(a, d, transposeA) — the tape',
      timed(read(() => tf.matMul(a, d, true, false))),
    ],
    ['aᵀ·d as matMul(transpose(a), d) — ours', timed(read(() => tf.matMul(tf.transpose(a), d)))],
    ['bias gradient as sum(d, axis 0) — the tape', timed(read(() => tf.sum(d, 0)))],
    [
      'bias gradient as ones(1, rows)·d — ours',
      timed(read(() => tf.matMul(tf.ones([1, BATCH]), d))),
    ],
  ];
  const shapes = [[k, 32], [32], [32, 16], [16], [16, 1], [1]];
  const perLayer = shapes.map((s) => tf.variable(tf.randomNormal(s)));
  const flat = tf.variable(tf.randomNormal([1217]));
  const gradients = perLayer.map((v) => ({ name: v.name, tensor: tf.randomNormal(v.shape) }));
  const flatGradient = tf.randomNormal([1217]);
  const adam6 = tf.train.adam(1e-9);
  const adam1: tf.Optimizer = tf.train.adam(1e-9);
  rows.push(
    [
      'Adam update of 6 variables (kernels and biases)',
      timed(() => adam6.applyGradients(gradients)),
    ],
    [
      'Adam update of one flat θ of 1,217',
      timed(() => adam1.applyGradients({ [flat.name]: flatGradient })),
    ],
  );
  for (const [what, value] of rows) console.log(`| ${backend} | ${what} | ${value.toFixed(3)} |`);
  tf.dispose([a, d, flat, flatGradient, ...perLayer, ...gradients.map((g) => g.tensor)]);
  adam6.dispose();
  adam1.dispose();
}

const wasmPaths = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;
const ms = (values: number[]) => values.map((v) => Math.round(v)).join(', ');
const batches = Math.ceil(n / BATCH);
console.log(`| backend | loop | epoch 1, 2, 3 (ms) | per batch, epochs 2–3 (ms) |`);
console.log(`| --- | --- | --- | --- |`);
for (const backend of ['wasm', 'cpu'] as const) {
  const status = await initBackend({ backend, wasmPaths });
  if (status.backend !== backend) throw new Error(`${backend}: ${status.fallback}`);
  const perBatch = (t: number[]) => ((t[1] + t[2]) / 2 / batches).toFixed(2);
  const o = await ours();
  console.log(
    `| ${backend} | ours, training steps (EpochMetrics.ms) | ${ms(o.steps)} | ${perBatch(o.steps)} |`,
  );
  console.log(
    `| ${backend} | ours, with the epoch's measuring (loss, accuracy, AUC on 100,000 rows) | ${ms(o.wall)} | — |`,
  );
  const t = tape();
  console.log(`| ${backend} | tape (optimizer.minimize) | ${ms(t)} | ${perBatch(t)} |`);
  const f = await fit();
  console.log(`| ${backend} | model.fit | ${ms(f)} | ${perBatch(f)} |`);
  console.error(
    `${backend}: training loss after ${EPOCHS} epochs ${o.loss.toFixed(4)}; tensors left ${tf.memory().numTensors}`,
  );
}
console.log(`\n| backend | kernel | ms per call |\n| --- | --- | --- |`);
for (const backend of ['wasm', 'cpu'] as const) {
  await initBackend({ backend, wasmPaths });
  kernels(backend);
}
