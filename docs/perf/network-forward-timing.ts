// Times the stored network's float64 forward pass, input gradients and
// integrated gradients (src/lib/engine/models/network/forward.ts, reasons.ts)
// on a synthetic design of 20 numeric columns, through a 20→32→16→1 network
// with seeded weights, and TF.js 4.22's cpu backend predicting the same rows
// for comparison. Not part of the tests (a million rows is too slow for them):
//   npx tsx docs/perf/network-forward-timing.ts [rows] [igRows]
// Results and the machine: docs/perf/network-scoring.md.
import * as tf from '@tensorflow/tfjs';
import { Random } from '../../src/lib/engine/data/random';
import {
  inputGradients,
  logits,
  prepareNetwork,
} from '../../src/lib/engine/models/network/forward';
import { integratedGradientsInto } from '../../src/lib/engine/models/network/reasons';
import type { Activation, NetworkModel } from '../../src/lib/engine/models/network/types';
import type { Coefficient, Design } from '../../src/lib/engine/models/types';

const n = Number(process.argv[2] ?? 1_000_000);
const igRows = Number(process.argv[3] ?? 20_000);
const q = 20;
const widths = [q, 32, 16, 1];

const random = new Random('network-timing');
const coefficients: Coefficient[] = [
  { name: '(Intercept)', label: '(Intercept)', term: '(Intercept)' },
  ...Array.from({ length: q }, (_, k) => ({ name: `x${k}`, label: `x${k}`, term: `x${k}` })),
];
const X = new Float64Array(n * (q + 1));
for (let i = 0; i < n; i++) {
  X[i * (q + 1)] = 1;
  for (let j = 1; j <= q; j++)
    X[i * (q + 1) + j] = j % 4 === 0 ? 50 + 10 * random.normal() : random.normal();
}
const design: Design = {
  n,
  p: q + 1,
  X,
  y: new Uint8Array(n),
  rows: new Uint32Array(0),
  dropped: 0,
  missingBy: {},
  unseen: [],
};

function network(activation: Activation): NetworkModel {
  const hidden = [
    { units: 32, activation },
    { units: 16, activation },
  ];
  return {
    format: 'lifecycle-lab.network',
    version: 1,
    pipeline: {
      target: { column: 'y', positive: '1' },
      features: coefficients.slice(1).map((c) => ({ kind: 'numeric', column: c.name, mean: 0 })),
      interactions: [],
      coefficients,
    },
    scaling: {
      center: Array.from({ length: q }, (_, j) => ((j + 1) % 4 === 0 ? 50 : 0)),
      scale: Array.from({ length: q }, (_, j) => ((j + 1) % 4 === 0 ? 10 : 1)),
    },
    architecture: { kind: 'mlp', hidden, dropout: 0, l2: 0 },
    layers: widths.slice(1).map((units, l) => ({
      inputs: widths[l],
      units,
      activation: l < 2 ? activation : 'linear',
      kernel: Array.from({ length: widths[l] * units }, () =>
        random.normal(0, 1 / Math.sqrt(widths[l])),
      ),
      bias: Array.from({ length: units }, () => random.normal(0, 0.1)),
    })),
    offset: 0,
  };
}

function time(label: string, runs: number, f: () => void): number[] {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  console.log(
    `${label}: min ${sorted[0].toFixed(0)} ms, median ${sorted[Math.floor(runs / 2)].toFixed(0)} ms (${ms.map((v) => v.toFixed(0)).join(', ')})`,
  );
  return ms;
}

const out = new Float64Array(n);
for (const activation of ['relu', 'tanh', 'sigmoid', 'elu'] as const) {
  const net = prepareNetwork(network(activation));
  logits({ ...design, n: 10_000 }, net, out); // warm the JIT
  time(`logits, ${n} rows, ${activation}`, 5, () => logits(design, net, out));
}

const relu = prepareNetwork(network('relu'));

// The plain alternative forward.ts's header compares with: one row at a time,
// each layer as Σᵢ xᵢ·kernel[i·units + j] over the stored kernel.
function rowAtATime(net: PreparedNetwork, d: Design, result: Float64Array): void {
  const buffers = [new Float64Array(q), ...net.layers.map((l) => new Float64Array(l.units))];
  for (let i = 0; i < d.n; i++) {
    for (let j = 0; j < q; j++)
      buffers[0][j] = (d.X[i * d.p + j + 1] - net.center[j]) / net.scale[j];
    for (let l = 0; l < net.layers.length; l++) {
      const layer = net.layers[l];
      const inp = buffers[l];
      const out = buffers[l + 1];
      out.set(layer.bias);
      for (let a = 0; a < layer.inputs; a++) {
        const x = inp[a];
        const k = a * layer.units;
        for (let u = 0; u < layer.units; u++) out[u] += x * layer.kernel[k + u];
      }
      if (layer.activation !== 0) for (let u = 0; u < layer.units; u++) if (out[u] < 0) out[u] = 0;
    }
    result[i] = buffers[net.layers.length][0];
  }
}
rowAtATime(relu, { ...design, n: 10_000 }, out);
time(`one row at a time, ${n} rows, relu`, 3, () => rowAtATime(relu, design, out));
const gradients = new Float64Array(200_000 * q);
time(`input gradients, 200000 rows, relu`, 3, () =>
  inputGradients({ ...design, n: 200_000 }, relu, gradients),
);

for (const activation of ['relu', 'tanh'] as const) {
  const net = prepareNetwork(network(activation));
  for (const steps of [8, 32, 64]) {
    const attributions = new Float64Array(igRows * q);
    integratedGradientsInto(design, net, attributions, { steps, to: 1000 });
    const ms = time(`integrated gradients, ${igRows} rows, m = ${steps}, ${activation}`, 3, () =>
      integratedGradientsInto(design, net, attributions, { steps, to: igRows }),
    );
    const best = Math.min(...ms);
    console.log(`  → ${Math.round((igRows / best) * 1000)} rows/s`);
  }
}

// Integrated gradients the plain way, for reasons.ts's header: every path point through
// the whole network (inputGradients on the m interpolated rows per row), m = 32, relu.
{
  const steps = 32;
  const fast = new Float64Array(igRows * q);
  const plain = new Float64Array(igRows * q);
  time(
    `integrated gradients, ${igRows} rows, m = 32, relu, every point through every layer`,
    3,
    () => {
      const points = new Float64Array(igRows * steps * (q + 1));
      for (let i = 0; i < igRows; i++)
        for (let k = 0; k < steps; k++) {
          const alpha = (k + 0.5) / steps;
          const o = (i * steps + k) * (q + 1);
          points[o] = 1;
          for (let j = 0; j < q; j++) {
            const c = relu.center[j];
            points[o + j + 1] = c + alpha * (X[i * (q + 1) + j + 1] - c);
          }
        }
      const g = inputGradients({ ...design, n: igRows * steps, X: points }, relu);
      for (let i = 0; i < igRows; i++)
        for (let j = 0; j < q; j++) {
          let sum = 0;
          for (let k = 0; k < steps; k++) sum += g[(i * steps + k) * q + j];
          const x = (X[i * (q + 1) + j + 1] - relu.center[j]) / relu.scale[j];
          plain[i * q + j] = (x * sum) / steps;
        }
    },
  );
  integratedGradientsInto(design, relu, fast, { steps, to: igRows });
  let worst = 0;
  for (let k = 0; k < fast.length; k++) worst = Math.max(worst, Math.abs(fast[k] - plain[k]));
  console.log(`  largest difference from integratedGradientsInto: ${worst.toExponential(1)}`);
}

// TF.js for comparison: the same network as a tf.sequential on the cpu backend, in float32.
await tf.setBackend('cpu');
const model = network('relu');
const seq = tf.sequential();
model.layers.forEach((layer, l) =>
  seq.add(
    tf.layers.dense({
      units: layer.units,
      activation: layer.activation,
      ...(l === 0 ? { inputShape: [layer.inputs] } : {}),
    }),
  ),
);
seq.setWeights(
  model.layers.flatMap((layer) => [
    tf.tensor2d(layer.kernel, [layer.inputs, layer.units]),
    tf.tensor1d(layer.bias),
  ]),
);
const x32 = new Float32Array(n * q);
for (let i = 0; i < n; i++)
  for (let j = 0; j < q; j++)
    x32[i * q + j] = (X[i * (q + 1) + j + 1] - model.scaling.center[j]) / model.scaling.scale[j];
time(`TF.js ${tf.version.tfjs} cpu predict, ${n} rows, relu (batch 32768)`, 2, () => {
  tf.tidy(() => {
    const input = tf.tensor2d(x32, [n, q]);
    (seq.predict(input, { batchSize: 32768 }) as tf.Tensor).dataSync();
  });
});
