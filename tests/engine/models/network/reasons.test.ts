// Integrated gradients of a stored network.
// References: Sundararajan, Taly & Yan (2017), "Axiomatic attribution for
// deep networks" — eq. 1 (the path integral), the completeness axiom
// (Σ attributions = F(x) − F(baseline)) and the linear case (IGᵢ = wᵢxᵢ);
// a one-unit tanh network whose integral is solved by hand; the midpoint rule
// evaluated point by point through forward.ts's full backpropagation; and
// ../score.ts's logistic reasons for the same coefficients.
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../../src/lib/engine/data/table';
import { inputGradients, logits } from '../../../../src/lib/engine/models/network/forward';
import {
  baselineLogit,
  integratedGradients,
  integratedGradientsInto,
  MAX_STEPS,
} from '../../../../src/lib/engine/models/network/reasons';
import { ACTIVATIONS, type NetworkModel } from '../../../../src/lib/engine/models/network/types';
import { scoreTable } from '../../../../src/lib/engine/models/score';
import type { Design, LogisticModel } from '../../../../src/lib/engine/models/types';
import { book, randomNetwork, standardisedInputs, type Book } from './tinyNetworks';

let b: Book;
beforeAll(() => {
  b = book(157, 'reasons', true);
});

describe('a network without hidden layers', () => {
  it('attributions are exactly wⱼ·xⱼ (the gradient is the constant kernel), for any m', () => {
    const m = randomNetwork(b, [], 'linear');
    const q = b.design.p - 1;
    const x = standardisedInputs(b.design, m);
    const w = m.layers[0].kernel;
    for (const steps of [1, 7, 32]) {
      const ig = integratedGradients(b.design, m, steps);
      for (let i = 0; i < b.design.n; i++)
        for (let j = 0; j < q; j++) expect(ig.attributions[i * q + j]).toBe(w[j] * x[i * q + j]);
      for (const gap of ig.gaps) expect(Math.abs(gap)).toBeLessThan(1e-12);
    }
  });

  it('summed per term, they are score.ts reasons for β = w / scale', async () => {
    // Without interactions the network's centre is each column's mean, which is the
    // pipeline's mean (a dummy's: the share at its level): score.ts's average customer.
    const plain = book(157, 'reasons');
    const m = randomNetwork(plain, [], 'linear');
    const q = plain.design.p - 1;
    const beta = [0, ...m.layers[0].kernel.map((w, j) => w / m.scaling.scale[j])];
    const logistic: LogisticModel = {
      format: 'lifecycle-lab.logistic',
      version: 1,
      pipeline: plain.pipeline,
      beta,
      offset: 0,
      penalty: null,
    };
    const scores = await scoreTable(plain.table, logistic, { reasons: 4 });
    const ig = integratedGradients(plain.design, m);
    const termOf = plain.pipeline.coefficients
      .slice(1)
      .map((c) => scores.terms.findIndex((t) => t.term === c.term));
    for (let i = 0; i < plain.design.n; i++) {
      const perTerm = new Float64Array(scores.terms.length);
      for (let j = 0; j < q; j++) perTerm[termOf[j]] += ig.attributions[i * q + j];
      const row = plain.design.rows[i];
      for (let r = 0; r < 4; r++) {
        const t = scores.reasonTerm[row * 4 + r];
        if (t < 0) continue;
        expect(Math.abs(perTerm[t] - scores.reasonContribution[row * 4 + r])).toBeLessThan(1e-12);
      }
    }
  });
});

describe('a one-unit tanh network solved by hand', () => {
  // F(x) = v·tanh(b + w·x) + c. On the path αx, ∂F/∂xᵢ = v·wᵢ·sech²(b + αs), s = w·x, so
  //   IGᵢ = xᵢ·v·wᵢ·∫₀¹ sech²(b + αs) dα = xᵢ·v·wᵢ·(tanh(b + s) − tanh(b)) / s,
  // and with m = 2 midpoints: xᵢ·v·wᵢ·½[sech²(b + s/4) + sech²(b + 3s/4)].
  const w = [0.8, -1.3];
  const v = 1.7;
  const bias = 0.4;
  const m: NetworkModel = {
    format: 'lifecycle-lab.network',
    version: 1,
    pipeline: {
      target: { column: 'y', positive: '1' },
      features: [
        { kind: 'numeric', column: 'a', mean: 0 },
        { kind: 'numeric', column: 'b', mean: 0 },
      ],
      interactions: [],
      coefficients: [
        { name: '(Intercept)', label: '(Intercept)', term: '(Intercept)' },
        { name: 'a', label: 'a', term: 'a' },
        { name: 'b', label: 'b', term: 'b' },
      ],
    },
    scaling: { center: [0, 0], scale: [1, 1] },
    architecture: { kind: 'mlp', hidden: [{ units: 1, activation: 'tanh' }], dropout: 0, l2: 0 },
    layers: [
      { inputs: 2, units: 1, activation: 'tanh', kernel: w, bias: [bias] },
      { inputs: 1, units: 1, activation: 'linear', kernel: [v], bias: [-0.2] },
    ],
    offset: 0,
  };
  const x = [1.5, -0.75];
  const design: Design = {
    n: 1,
    p: 3,
    X: Float64Array.from([1, ...x]),
    y: new Uint8Array(1),
    rows: new Uint32Array(1),
    dropped: 0,
    missingBy: {},
    unseen: [],
  };
  const s = w[0] * x[0] + w[1] * x[1];
  const sech2 = (z: number) => 1 / Math.cosh(z) ** 2;

  it('m = 2 gives the two-midpoint sum', () => {
    const ig = integratedGradients(design, m, 2);
    for (let i = 0; i < 2; i++) {
      const expected = x[i] * v * w[i] * 0.5 * (sech2(bias + s / 4) + sech2(bias + (3 * s) / 4));
      expect(Math.abs(ig.attributions[i] - expected)).toBeLessThan(1e-14);
    }
  });

  it('m = 1024 gives the integral to O(1/m²)', () => {
    const ig = integratedGradients(design, m, MAX_STEPS);
    for (let i = 0; i < 2; i++) {
      const exact = (x[i] * v * w[i] * (Math.tanh(bias + s) - Math.tanh(bias))) / s;
      expect(Math.abs(ig.attributions[i] - exact)).toBeLessThan(1e-6);
    }
    expect(ig.baseline).toBeCloseTo(v * Math.tanh(bias) - 0.2, 15);
    expect(Math.abs(ig.gaps[0])).toBeLessThan(1e-6);
  });
});

describe('multi-layer networks', () => {
  for (const activation of ACTIVATIONS) {
    it(`${activation}: the midpoint rule point by point through full backpropagation`, () => {
      const m = randomNetwork(
        b,
        [
          { units: 6, activation },
          { units: 3, activation },
        ],
        `ig-${activation}`,
      );
      const steps = 5;
      const rows = 9;
      const q = b.design.p - 1;
      const { p } = b.design;
      const ig = integratedGradients({ ...b.design, n: rows }, m, steps);
      // The design rows on the path: centre + α(X − centre), so that the standardised input is αx.
      const x = standardisedInputs(b.design, m);
      for (let i = 0; i < rows; i++) {
        const X = new Float64Array(steps * p);
        for (let k = 0; k < steps; k++) {
          const alpha = (k + 0.5) / steps;
          X[k * p] = 1;
          for (let j = 0; j < q; j++) {
            const c = m.scaling.center[j];
            X[k * p + j + 1] = c + alpha * (b.design.X[i * p + j + 1] - c);
          }
        }
        const grads = inputGradients({ ...b.design, n: steps, X }, m);
        for (let j = 0; j < q; j++) {
          let sum = 0;
          for (let k = 0; k < steps; k++) sum += grads[k * q + j];
          const expected = (x[i * q + j] * sum) / steps;
          expect(Math.abs(ig.attributions[i * q + j] - expected)).toBeLessThan(1e-12);
        }
      }
    });
  }

  for (const activation of ['tanh', 'sigmoid', 'elu', 'relu'] as const) {
    it(`${activation}: the completeness gap is small and shrinks as m grows`, () => {
      const m = randomNetwork(
        b,
        [
          { units: 16, activation },
          { units: 8, activation },
        ],
        `gap-${activation}`,
      );
      const meanGap = (steps: number) => {
        const { gaps } = integratedGradients(b.design, m, steps);
        return gaps.reduce((a, g) => a + Math.abs(g), 0) / gaps.length;
      };
      // Relative to what is being split, the mean |F(x) − F(0)| (not vanishing: the test has teeth).
      const f = logits(b.design, m);
      const base = baselineLogit(m);
      const spread = f.reduce((a, v) => a + Math.abs(v - base), 0) / f.length;
      expect(spread).toBeGreaterThan(0.01);
      const gaps = [4, 16, 64, 256].map((steps) => meanGap(steps) / spread);
      for (let k = 1; k < gaps.length; k++) expect(gaps[k]).toBeLessThan(gaps[k - 1]);
      // Smooth activations: the midpoint rule's error is O(1/m²), a sixteenth per fourfold m
      // (measured 1/15–1/16); ReLU's kinks leave O(1/m) (measured about 1/4).
      if (activation !== 'relu') expect(gaps[3] / gaps[2]).toBeLessThan(1 / 8);
      expect(gaps[3]).toBeLessThan(activation === 'relu' ? 1e-2 : 1e-5);
    });
  }
});

describe('the block API', () => {
  it('rows from … to fill the caller’s array as the whole design does, logits and gaps included', () => {
    const m = randomNetwork(b, [{ units: 10, activation: 'elu' }], 'block');
    const q = b.design.p - 1;
    // 3 steps: 42 rows a block (128 points), so 30 … 120 crosses block edges.
    const all = integratedGradients(b.design, m, 3);
    const out = new Float64Array(90 * q).fill(NaN);
    const eta = new Float64Array(90);
    const gaps = new Float64Array(90);
    integratedGradientsInto(b.design, m, out, { steps: 3, from: 30, to: 120, logits: eta, gaps });
    expect([...out]).toEqual([...all.attributions.subarray(30 * q, 120 * q)]);
    expect([...eta]).toEqual([...all.logits.subarray(30, 120)]);
    expect([...gaps]).toEqual([...all.gaps.subarray(30, 120)]);
    expect([...all.logits]).toEqual([...logits(b.design, m)]);
  });

  it('refuses steps outside 1 … MAX_STEPS', () => {
    const m = randomNetwork(b, [], 'steps');
    const out = new Float64Array(b.design.n * (b.design.p - 1));
    for (const steps of [0, 1.5, MAX_STEPS + 1, NaN]) {
      try {
        integratedGradientsInto(b.design, m, out, { steps });
        throw new Error('expected a refusal');
      } catch (e) {
        expect(e).toBeInstanceOf(EngineError);
        expect((e as EngineError).code).toBe('network.invalid-steps');
      }
    }
  });
});
