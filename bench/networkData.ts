// The network rows' input: seeded rows of 20 standard-normal inputs and a
// logistic outcome (five main effects and one interaction), the rows
// docs/perf/network-timing.ts measured in Node (same generator, same seed).
// Pure; imported by the bench worker (./network.worker.ts), which trains and
// scores on them, and by the runner (./run.mjs), which writes the same rows
// to disk for scikit-learn.

import { Random } from '../src/lib/engine/data/random';

/** Inputs per row. */
export const NETWORK_INPUTS = 20;

/** Rows of the training epoch the target is set for. */
export const NETWORK_TRAIN_ROWS = 100_000;

/** The network the target is set for: 20 → 32 → 16 → 1, relu, Adam at 0.001 (TF.js's and scikit-learn's default rate), batches of 1,024. */
export const NETWORK_BATCH = 1024;
export const NETWORK_HIDDEN = [32, 16] as const;

export interface NetworkRows {
  n: number;
  /** Row-major, n × NETWORK_INPUTS. */
  x: Float32Array;
  /** 1 for the positive class. */
  y: Float32Array;
}

/** n rows; the first n of a larger n are the same rows. */
export function networkRows(n: number, seed = 'network-timing'): NetworkRows {
  const k = NETWORK_INPUTS;
  const random = new Random(seed);
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
  return { n, x, y };
}
