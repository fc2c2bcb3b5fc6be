// The evaluation fixtures, typed: scores.json (inputs: held-out Telco scores
// of three logistic regressions and hand-made edge cases), and the reference
// values of tests/fixtures/evaluate/make-evaluate.py (scikit-learn 1.2,
// SciPy, and the by-hand definitions written there) and make-delong.R
// (pROC 1.18). Test helper, not a test file.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Random } from '../../../src/lib/engine/data/random';

const DIR = new URL('../../fixtures/evaluate/', import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, DIR), 'utf8'));

export interface Sampled {
  length: number;
  index: number[];
  [curve: string]: number[] | number;
}

export interface GainsReference {
  decile: number;
  rows: number;
  positives: number;
  contactedShare: number;
  capturedShare: number;
  lift: number;
  cumulativeLift: number;
  perfect: number;
}

export interface AtThreshold {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  accuracy: number;
  precision: number | null;
  recall: number;
  specificity: number;
  f1: number;
  mcc: number | null;
}

export interface ProfitReference {
  curve: Sampled;
  best: { threshold: number; profit: number; contacted: number; tp: number; fp: number };
}

export interface Reference {
  roc_curve: Sampled;
  roc_auc_score: number;
  precision_recall_curve: Sampled;
  precision_recall_thresholds: Sampled;
  average_precision_score: number;
  brier_score_loss: number;
  log_loss: number;
  calibration_curve?: { prob_true: number[]; prob_pred: number[]; count: number[] };
  ece?: number;
  gains?: GainsReference[];
  ks?: { statistic: number; threshold: number; ks2samp: number };
  at_thresholds?: AtThreshold[];
  profit?: ProfitReference;
}

export interface Input {
  score: Float64Array;
  outcome: Uint8Array;
}

const scores = read('scores.json');
export const reference = read('evaluate-reference.json') as {
  telco: Record<'a' | 'b' | 'c' | 'a_weighted' | 'c_weighted', Reference> & {
    profit: Record<'a_value' | 'c_constant', ProfitReference>;
  };
  cases: Record<string, Reference>;
};

export interface DelongCiReference {
  auc: number;
  var: number;
  lower: number;
  upper: number;
}
export interface DelongTestReference {
  z: number;
  p: number;
  auc1: number;
  auc2: number;
  lower: number;
  upper: number;
}
export const delong = read('delong-reference.json') as {
  ci: Record<'a' | 'b' | 'c', DelongCiReference>;
  test: Record<'ab' | 'ac' | 'bc', DelongTestReference>;
  cases: Record<string, DelongCiReference>;
  caseTests: Record<'ties', DelongTestReference>;
};

export const telco = {
  outcome: Uint8Array.from(scores.telco.outcome as number[]),
  a: Float64Array.from(scores.telco.a as number[]),
  b: Float64Array.from(scores.telco.b as number[]),
  c: Float64Array.from(scores.telco.c as number[]),
  weight: Float64Array.from(scores.telco.weight as number[]),
  value: Float64Array.from(scores.telco.value as number[]),
};

export const cases: Record<string, Input & { score2?: Float64Array }> = Object.fromEntries(
  Object.entries(
    scores.cases as Record<string, { score: number[]; outcome: number[]; score2?: number[] }>,
  ).map(([name, c]) => [
    name,
    {
      score: Float64Array.from(c.score),
      outcome: Uint8Array.from(c.outcome),
      ...(c.score2 ? { score2: Float64Array.from(c.score2) } : {}),
    },
  ]),
);

/** Every fixture input with its scikit-learn reference: the Telco models and the edge cases. */
export const inputs: { name: string; input: Input; ref: Reference }[] = [
  ...(['a', 'b', 'c'] as const).map((m) => ({
    name: `telco ${m}`,
    input: { score: telco[m], outcome: telco.outcome },
    ref: reference.telco[m],
  })),
  ...Object.entries(cases).map(([name, input]) => ({ name, input, ref: reference.cases[name] })),
];

/** |actual − expected| ≤ tol · max(1, |expected|). */
export function close(actual: number | null, expected: number | null, tol: number, what = '') {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  const err = Math.abs((actual as number) - expected) / Math.max(1, Math.abs(expected));
  expect(err, `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

/** A full curve compared with a reference stored at some of its points (make-evaluate.py's sampled()). */
export function sameCurve(
  actual: Record<string, ArrayLike<number>>,
  expected: Sampled,
  names: string[],
  tol: number,
) {
  for (const name of names) {
    const values = actual[name];
    expect(values.length, name).toBe(expected.length);
    const want = expected[name] as number[];
    expected.index.forEach((i, k) => close(values[i], want[k], tol, `${name}[${i}]`));
  }
}

/** n seeded rows of a two-class score: positives ~ N(1, 1), negatives ~ N(0, 1), rounded to `digits`. */
export function synthetic(n: number, seed: string, digits = 6): Input {
  const random = new Random(seed);
  const score = new Float64Array(n);
  const outcome = new Uint8Array(n);
  const scale = 10 ** digits;
  for (let i = 0; i < n; i++) {
    outcome[i] = random.uniform() < 0.2 ? 1 : 0;
    const z = random.normal();
    // As a probability: the logistic of a normal score.
    score[i] = Math.round(scale / (1 + Math.exp(-(z + 1.2 * outcome[i] - 1.5)))) / scale;
  }
  return { score, outcome };
}
