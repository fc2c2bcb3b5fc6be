// Seeded synthetic books and networks for the network tests: a small table
// with numeric, categorical and boolean features (and optionally an
// interaction), its pipeline and design by the app's own design.ts, its
// scaling, and networks with seeded random weights. Test helper, not a test file.
import { Random, type Seed } from '../../../../src/lib/engine/data/random';
import type { DataTable } from '../../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../../src/lib/engine/models/design';
import type { Activation, NetworkModel } from '../../../../src/lib/engine/models/network/types';
import type { Design, Pipeline } from '../../../../src/lib/engine/models/types';

export interface Book {
  table: DataTable;
  pipeline: Pipeline;
  design: Design;
  scaling: { center: number[]; scale: number[] };
}

const PLANS = ['basic', 'plus', 'pro'];

/** n customers: age, income, plan (3 levels), promo (boolean), churn ('Yes'/'No'); with plan:age when asked. */
export function book(n: number, seed: Seed, interaction = false): Book {
  const random = new Random(seed);
  const age = new Float64Array(n);
  const income = new Float64Array(n);
  const plan = new Int32Array(n);
  const promo = new Float64Array(n);
  const churn = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    age[i] = random.normal(45, 12);
    income[i] = random.normal(50, 15);
    plan[i] = random.categorical([0.5, 0.3, 0.2]);
    promo[i] = random.bernoulli(0.3);
    const eta = -0.5 + 0.05 * (age[i] - 45) - 0.6 * plan[i] + 0.8 * promo[i];
    churn[i] = random.bernoulli(1 / (1 + Math.exp(-eta))) ? 0 : 1;
  }
  const table: DataTable = {
    rowCount: n,
    columns: [
      { kind: 'number', name: 'age', type: 'decimal', values: age },
      { kind: 'number', name: 'income', type: 'decimal', values: income },
      { kind: 'string', name: 'plan', type: 'categorical', codes: plan, dictionary: PLANS },
      { kind: 'number', name: 'promo', type: 'boolean', values: promo },
      {
        kind: 'string',
        name: 'churn',
        type: 'categorical',
        codes: churn,
        dictionary: ['Yes', 'No'],
      },
    ],
  };
  const pipeline = buildPipeline(table, {
    target: { column: 'churn', positive: 'Yes' },
    features: ['age', 'income', 'plan', 'promo'],
    interactions: interaction ? [{ a: 'plan', b: 'age' }] : [],
    references: { plan: 'basic' },
  });
  const design = designOf(table, pipeline);
  return { table, pipeline, design, scaling: scalingOf(design) };
}

/** Each design column's mean and (population) standard deviation after the intercept; 1 for a constant column. */
export function scalingOf(design: Design): { center: number[]; scale: number[] } {
  const { n, p, X } = design;
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 1; j < p; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += X[i * p + j];
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (X[i * p + j] - mean) ** 2;
    const sd = Math.sqrt(ss / n);
    center.push(mean);
    scale.push(sd > 0 ? sd : 1);
  }
  return { center, scale };
}

/** A network over the book's design with seeded N(0, 1/fan-in) weights and N(0, 0.3²) biases. */
export function randomNetwork(
  b: Pick<Book, 'pipeline' | 'scaling'>,
  hidden: { units: number; activation: Activation }[],
  seed: Seed,
  offset = 0,
): NetworkModel {
  const random = new Random(seed);
  const widths = [b.pipeline.coefficients.length - 1, ...hidden.map((h) => h.units), 1];
  const layers = widths.slice(1).map((units, l) => {
    const inputs = widths[l];
    return {
      inputs,
      units,
      activation: l < hidden.length ? hidden[l].activation : ('linear' as const),
      kernel: Array.from({ length: inputs * units }, () => random.normal(0, 1 / Math.sqrt(inputs))),
      bias: Array.from({ length: units }, () => random.normal(0, 0.3)),
    };
  });
  return {
    format: 'lifecycle-lab.network',
    version: 1,
    pipeline: b.pipeline,
    scaling: b.scaling,
    architecture: { kind: hidden.length ? 'mlp' : 'logistic', hidden, dropout: 0.1, l2: 1e-4 },
    layers,
    offset,
  };
}

/** The network's inputs for every design row, standardised in float64 (rows × inputs). */
export function standardisedInputs(design: Design, m: NetworkModel): Float64Array {
  const q = design.p - 1;
  const out = new Float64Array(design.n * q);
  for (let i = 0; i < design.n; i++)
    for (let j = 0; j < q; j++)
      out[i * q + j] = (design.X[i * design.p + j + 1] - m.scaling.center[j]) / m.scaling.scale[j];
  return out;
}
