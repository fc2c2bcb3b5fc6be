// Permutation importance of a model's features on validation rows, for any
// model kind: the model is only its probability function over a design
// matrix. Pure; runs in the compute worker and in Node.
//
// Breiman (2001), "Random forests", §10, as scikit-learn 1.2's
// permutation_importance computes it: a feature's importance is the model's
// score on the rows as they are less its score after the feature's values
// are shuffled across the rows, averaged over `repeats` shuffles; the
// spread is the standard deviation over the repeats with divisor `repeats`
// (numpy's std, as importances_std). The score is the AUC (so the
// importance is the AUC lost) or the log loss (the loss gained); either way
// a larger importance means the model leans more on the feature, and about 0
// means it does not (a negative value is shuffling noise).
//
// A feature is shuffled whole: a categorical's dummy columns move together
// (one permutation of the rows for all of them, so every row keeps exactly
// one level), and every interaction column that involves the feature is
// recomputed as the product of its factors' columns after the shuffle, as
// ../models/design.ts built it. The design's columns are laid out as
// design.ts lays them out: the intercept, each feature's columns in pipeline
// order, then each interaction a:b's columns with a's varying fastest.
//
// Each feature's shuffles come from its own stream, Random(seed).derive(its
// column), so a feature's numbers do not change when other features are
// added or removed; the same seed gives the same result.

import { Random, type Seed } from '../data/random';
import { EngineError, NO_PROGRESS, type Progress } from '../data/table';
import type { Design, FeatureSpec, Pipeline } from '../models/types';
import { logLoss } from './calibration';
import { rocAuc } from './roc';

export type PermutationMetric = 'auc' | 'log-loss';

export const DEFAULT_REPEATS = 5;
export const MAX_REPEATS = 100;

export interface PermutationOptions {
  /** 'auc' (default): the AUC lost; 'log-loss': the log loss gained. */
  metric?: PermutationMetric;
  /** Shuffles per feature, 1 … MAX_REPEATS (default DEFAULT_REPEATS). */
  repeats?: number;
  seed?: Seed;
}

export interface FeatureImportance {
  /** The feature's column, as pipeline.features names it. */
  feature: string;
  /** Its index in pipeline.features. */
  index: number;
  /** Design columns shuffled (the feature's own), and interaction columns recomputed. */
  columns: number[];
  interactions: number[];
  /** Mean loss of quality over the repeats (AUC lost, or log loss gained). */
  mean: number;
  /** Standard deviation over the repeats (divisor `repeats`, as scikit-learn). */
  sd: number;
  /** Each repeat's loss, in order. */
  drops: number[];
}

export interface PermutationImportance {
  metric: PermutationMetric;
  /** The metric on the rows as they are. */
  baseline: number;
  repeats: number;
  /** Every feature, most important first (ties in pipeline order). */
  features: FeatureImportance[];
}

/** The design columns each feature and each interaction occupies (design.ts's layout). */
function columnsOf(pipeline: Pipeline): {
  own: number[][];
  products: { column: number; a: number; b: number; features: [number, number] }[];
} {
  const width = (f: FeatureSpec) => (f.kind === 'categorical' ? f.levels.length : 1);
  const own: number[][] = [];
  let column = 1;
  for (const f of pipeline.features) {
    own.push(Array.from({ length: width(f) }, (_, k) => column + k));
    column += width(f);
  }
  const index = new Map(pipeline.features.map((f, i) => [f.column, i]));
  const products: { column: number; a: number; b: number; features: [number, number] }[] = [];
  for (const { a, b } of pipeline.interactions) {
    const ia = index.get(a);
    const ib = index.get(b);
    if (ia === undefined || ib === undefined)
      throw new Error(`permutation: interaction ${a}:${b} of features the pipeline lacks`);
    for (const cb of own[ib])
      for (const ca of own[ia])
        products.push({ column: column++, a: ca, b: cb, features: [ia, ib] });
  }
  if (column !== pipeline.coefficients.length)
    throw new Error(
      `permutation: the pipeline lays out ${column} columns for ${pipeline.coefficients.length} coefficients`,
    );
  return { own, products };
}

/**
 * Permutation importance of every feature of `pipeline` for the model whose
 * probabilities `score` gives, on `design`'s rows (validation rows, coded by
 * the same pipeline). `score` is called once on the design as it is and
 * `repeats` times per feature on a shuffled copy (one buffer, reused: it must
 * not keep the design it is given). Throws evaluate.single-class (from
 * rocAuc / logLoss) when the rows hold one class, and
 * permutation.invalid-repeats for repeats outside 1 … MAX_REPEATS.
 */
export async function permutationImportance(
  score: (design: Design) => Float64Array,
  design: Design,
  pipeline: Pipeline,
  options: PermutationOptions = {},
  progress: Progress = NO_PROGRESS,
): Promise<PermutationImportance> {
  const metric = options.metric ?? 'auc';
  const repeats = options.repeats ?? DEFAULT_REPEATS;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS)
    throw new EngineError('permutation.invalid-repeats', {
      repeats: String(repeats),
      max: MAX_REPEATS,
    });
  const { n, p, X, y } = design;
  if (p !== pipeline.coefficients.length)
    throw new Error(
      `permutation: a design of ${p} columns for ${pipeline.coefficients.length} coefficients`,
    );
  const { own, products } = columnsOf(pipeline);
  // Quality lost: AUC falls, log loss rises; both oriented so that larger = more important.
  const quality = (probability: Float64Array) =>
    metric === 'auc' ? rocAuc(probability, y) : -logLoss(probability, y);
  const sign = metric === 'auc' ? 1 : -1;
  const baseline = quality(score(design));

  const work = X.slice();
  const shuffled: Design = { ...design, X: work };
  const order = new Uint32Array(n);
  const root = new Random(options.seed ?? 0);
  const F = pipeline.features.length;
  const features: FeatureImportance[] = [];
  for (let f = 0; f < F; f++) {
    const columns = own[f];
    const recompute = products.filter((c) => c.features[0] === f || c.features[1] === f);
    const random = root.derive(pipeline.features[f].column);
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      // Fisher–Yates: a uniform permutation of the rows.
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const k = random.int(i + 1);
        const t = order[i];
        order[i] = order[k];
        order[k] = t;
      }
      for (let i = 0; i < n; i++) {
        const to = i * p;
        const from = order[i] * p;
        for (const c of columns) work[to + c] = X[from + c];
        for (const c of recompute) work[to + c.column] = work[to + c.a] * work[to + c.b];
      }
      drops.push(baseline - quality(score(shuffled)));
      await progress.report(f * repeats + r + 1, F * repeats);
    }
    // Back to the rows as they are before the next feature.
    for (let i = 0; i < n; i++) {
      const at = i * p;
      for (const c of columns) work[at + c] = X[at + c];
      for (const c of recompute) work[at + c.column] = X[at + c.column];
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const sd = Math.sqrt(drops.reduce((a, d) => a + (d - mean) ** 2, 0) / repeats);
    features.push({
      feature: pipeline.features[f].column,
      index: f,
      columns: [...columns],
      interactions: recompute.map((c) => c.column),
      mean,
      sd,
      drops,
    });
  }
  // Array.prototype.sort is stable: equal importances keep pipeline order.
  features.sort((a, b) => b.mean - a.mean);
  return { metric, baseline: sign * baseline, repeats, features };
}
