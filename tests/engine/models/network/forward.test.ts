// The float64 forward pass and input gradients of a stored network.
// References: TF.js 4.22's own Dense layers (tf.sequential, cpu backend) with
// the same weights, for every activation, to float32 precision; a 2-2-1
// network computed by hand; central finite differences in float64 for the
// gradients.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  inputGradients,
  logits,
  prepareNetwork,
  probabilities,
} from '../../../../src/lib/engine/models/network/forward';
import { ACTIVATIONS, type NetworkModel } from '../../../../src/lib/engine/models/network/types';
import type { Design } from '../../../../src/lib/engine/models/types';
import { book, randomNetwork, standardisedInputs, type Book } from './tinyNetworks';

let b: Book;
beforeAll(async () => {
  await tf.setBackend('cpu');
  // 203 rows: not a multiple of the 64-row block nor of the loop's 4 rows.
  b = book(203, 'forward', true);
});

/** The same network as a tf.sequential, weights set from the stored ones (float32). */
function sequential(m: NetworkModel): tf.Sequential {
  const seq = tf.sequential();
  m.layers.forEach((layer, l) =>
    seq.add(
      tf.layers.dense({
        units: layer.units,
        activation: layer.activation,
        ...(l === 0 ? { inputShape: [layer.inputs] } : {}),
      }),
    ),
  );
  const weights = m.layers.flatMap((layer) => [
    tf.tensor2d(layer.kernel, [layer.inputs, layer.units]),
    tf.tensor1d(layer.bias),
  ]);
  seq.setWeights(weights);
  weights.forEach((w) => w.dispose());
  return seq;
}

// Float32 precision: TF.js rounds inputs, weights and every partial sum to float32
// (ε = 1.2e-7); 2e-6 relative is some 16 roundings' worth. Measured: at most 1.3e-7.
function float32Close(ours: Float64Array, theirs: ArrayLike<number>, label: string): void {
  expect(theirs.length).toBe(ours.length);
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i] - theirs[i]);
    if (!(d <= 2e-6 * (1 + Math.abs(ours[i]))))
      throw new Error(`${label}[${i}]: ${ours[i]} vs TF.js ${theirs[i]}`);
  }
}

describe('logits against TF.js Dense layers', () => {
  for (const activation of ACTIVATIONS) {
    it(`${activation}: two hidden layers (9 and 5 units) give TF.js's predict to float32 precision`, () => {
      const m = randomNetwork(
        b,
        [
          { units: 9, activation },
          { units: 5, activation },
        ],
        `tf-${activation}`,
      );
      const ours = logits(b.design, m);
      const before = tf.memory().numTensors;
      const seq = sequential(m);
      const q = b.design.p - 1;
      const theirs = tf.tidy(() =>
        (
          seq.predict(
            tf.tensor2d(Float32Array.from(standardisedInputs(b.design, m)), [b.design.n, q]),
          ) as tf.Tensor
        ).dataSync(),
      );
      seq.dispose();
      expect(tf.memory().numTensors).toBe(before);
      float32Close(ours, theirs, activation);
    });
  }

  it('a logistic network (no hidden layer) is b + w·x', () => {
    const m = randomNetwork(b, [], 'logistic');
    const x = standardisedInputs(b.design, m);
    const q = b.design.p - 1;
    const { kernel, bias } = m.layers[0];
    const ours = logits(b.design, m);
    for (let i = 0; i < b.design.n; i++) {
      let eta = bias[0];
      for (let j = 0; j < q; j++) eta += x[i * q + j] * kernel[j];
      expect(ours[i]).toBe(eta);
    }
    const seq = sequential(m);
    const theirs = tf.tidy(() =>
      (seq.predict(tf.tensor2d(Float32Array.from(x), [b.design.n, q])) as tf.Tensor).dataSync(),
    );
    seq.dispose();
    float32Close(ours, theirs, 'logistic');
  });

  it('probabilities are σ(logit + offset)', () => {
    const m = randomNetwork(b, [{ units: 4, activation: 'tanh' }], 'offset', -0.7);
    const eta = logits(b.design, m);
    const p = probabilities(b.design, m);
    for (let i = 0; i < b.design.n; i++) expect(p[i]).toBe(1 / (1 + Math.exp(-(eta[i] - 0.7))));
  });
});

describe('a 2-2-1 network by hand', () => {
  // Design row [1, 3, 4]: centre [1, 2], scale [2, 1], so x = [(3 − 1)/2, (4 − 2)/1] = [1, 2].
  // Kernel [[1, −1], [0.5, 2]] (input-major: [1, −1, 0.5, 2]), bias [−1, 0.5]:
  //   z = [1·1 + 2·0.5 − 1, 1·(−1) + 2·2 + 0.5] = [1, 3.5]; relu → [1, 3.5].
  // Output kernel [2, −0.5], bias 0.25: logit = 2·1 − 0.5·3.5 + 0.25 = 0.5.
  // Gradient: δ(hidden) = [2, −0.5] (both units active), ∂logit/∂x = W·δ =
  //   [1·2 + (−1)(−0.5), 0.5·2 + 2·(−0.5)] = [2.5, 0].
  const pipeline = {
    target: { column: 'y', positive: '1' },
    features: [
      { kind: 'numeric' as const, column: 'a', mean: 1 },
      { kind: 'numeric' as const, column: 'b', mean: 2 },
    ],
    interactions: [],
    coefficients: [
      { name: '(Intercept)', label: '(Intercept)', term: '(Intercept)' },
      { name: 'a', label: 'a', term: 'a' },
      { name: 'b', label: 'b', term: 'b' },
    ],
  };
  const m: NetworkModel = {
    format: 'lifecycle-lab.network',
    version: 1,
    pipeline,
    scaling: { center: [1, 2], scale: [2, 1] },
    architecture: { kind: 'mlp', hidden: [{ units: 2, activation: 'relu' }], dropout: 0, l2: 0 },
    layers: [
      { inputs: 2, units: 2, activation: 'relu', kernel: [1, -1, 0.5, 2], bias: [-1, 0.5] },
      { inputs: 2, units: 1, activation: 'linear', kernel: [2, -0.5], bias: [0.25] },
    ],
    offset: 0,
  };
  const design: Design = {
    n: 1,
    p: 3,
    X: Float64Array.from([1, 3, 4]),
    y: new Uint8Array(1),
    rows: new Uint32Array(1),
    dropped: 0,
    missingBy: {},
    unseen: [],
  };

  it('logit 0.5 and gradient [2.5, 0]', () => {
    expect([...logits(design, m)]).toEqual([0.5]);
    const eta = new Float64Array(1);
    expect([...inputGradients(design, m, undefined, eta)]).toEqual([2.5, 0]);
    expect([...eta]).toEqual([0.5]);
  });

  it('an empty design gives no logits', () => {
    expect(logits({ ...design, n: 0, X: new Float64Array(0) }, m).length).toBe(0);
  });

  it('refuses a design of another width (a bug upstream)', () => {
    expect(() => logits({ ...design, p: 4, X: new Float64Array(4) }, m)).toThrow(/4 columns/);
  });
});

describe('input gradients', () => {
  for (const activation of ACTIVATIONS) {
    it(`${activation}: TF.js's tf.grad to float32 precision, and float64 central differences`, () => {
      const m = randomNetwork(
        b,
        [
          { units: 7, activation },
          { units: 6, activation },
        ],
        `grad-${activation}`,
      );
      const q = b.design.p - 1;
      const net = prepareNetwork(m);
      const ours = inputGradients(b.design, net);

      const seq = sequential(m);
      const x = standardisedInputs(b.design, m);
      // Rows are independent, so the gradient of the summed logits is each row's own gradient.
      const theirs = tf.tidy(() =>
        tf
          .grad((input: tf.Tensor) => (seq.predict(input) as tf.Tensor).sum())(
            tf.tensor2d(Float32Array.from(x), [b.design.n, q]),
          )
          .dataSync(),
      );
      seq.dispose();
      float32Close(ours, theirs, `${activation} gradient`);

      // Central differences in the design's own units: ∂/∂x_std = scale · ∂/∂X.
      const h = 1e-5;
      const rows = 20;
      const probe = { ...b.design, n: rows, X: b.design.X.slice(0, rows * b.design.p) };
      for (let j = 0; j < q; j++) {
        const up = probe.X.slice();
        const down = probe.X.slice();
        for (let i = 0; i < rows; i++) {
          up[i * probe.p + j + 1] += h;
          down[i * probe.p + j + 1] -= h;
        }
        const fUp = logits({ ...probe, X: up }, net);
        const fDown = logits({ ...probe, X: down }, net);
        for (let i = 0; i < rows; i++) {
          const numeric = ((fUp[i] - fDown[i]) / (2 * h)) * m.scaling.scale[j];
          // A ReLU kink within ±h of a row would make the difference one-sided; none is here.
          expect(Math.abs(ours[i * q + j] - numeric)).toBeLessThan(1e-6);
        }
      }
    });
  }
});
