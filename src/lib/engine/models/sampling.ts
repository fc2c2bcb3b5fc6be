// Imbalance treatment of a model's training rows, and the correction that
// takes its probabilities back to the population: class weights, random
// over- and undersampling, SMOTE (SMOTE-NC with categorical features), and
// King & Zeng's prior correction. Pure; runs in Node, the worker and the page.
//
// Only training rows are ever treated (../models/train.ts passes them);
// validation and test rows keep the population's class balance, so their
// metrics are honest. "Minority share" is the share of the smaller class the
// treated rows should have (0.5: as many of each).
//
// SMOTE (Chawla et al. 2002): a synthetic row lies on the segment between a
// minority row and one of its k = 5 nearest minority neighbours, at a uniform
// random point; the base rows are drawn uniformly with replacement, as
// imbalanced-learn draws them. Distances are Euclidean on the numeric design
// columns, unscaled, as imbalanced-learn's SMOTE computes them. SMOTE-NC
// (the same paper), when the model has categorical or boolean features:
// each categorical feature that differs adds Med² to the squared distance,
// Med the median of the numeric columns' standard deviations among the
// minority rows, and a synthetic row takes each categorical feature's most
// frequent value among the k neighbours (ties: the first in the neighbours'
// order of nearness). Interaction columns are recomputed from the synthetic
// main effects. Neighbours are found exactly, by brute force, which is
// quadratic in the minority rows: above SMOTE_MAX_MINORITY rows the method is
// refused with a message that suggests weights or oversampling.

import { EngineError } from '../data/table';
import { Random } from '../data/random';
import { columnsOfTerm } from './logistic';
import type { Design, Pipeline } from './types';

/** SMOTE's neighbours per minority row. */
export const SMOTE_K = 5;
/** Above this many minority training rows, exact neighbours cost too much (brute force is quadratic). */
export const SMOTE_MAX_MINORITY = 50_000;

/** The smaller class (1 or 0) and the rows of each class. */
function classes(outcome: Uint8Array): { minority: 0 | 1; rows: [number[], number[]] } {
  const rows: [number[], number[]] = [[], []];
  outcome.forEach((y, i) => rows[y === 1 ? 1 : 0].push(i));
  return { minority: rows[1].length <= rows[0].length ? 1 : 0, rows };
}

function checkShare(share: number): void {
  if (!(share > 0 && share < 1)) throw new EngineError('model.invalid-share', { share });
}

/**
 * Case weights per row. 'balanced': n / (2 · n_class), so each class weighs
 * half the total, as scikit-learn's class_weight='balanced'; or the weights given per class.
 */
export function classWeights(
  outcome: Uint8Array,
  weights: 'balanced' | { positive: number; negative: number },
): Float64Array {
  let positives = 0;
  for (const y of outcome) positives += y;
  const n = outcome.length;
  const w =
    weights === 'balanced'
      ? { positive: n / (2 * positives), negative: n / (2 * (n - positives)) }
      : weights;
  if (!(w.positive > 0 && w.negative > 0 && Number.isFinite(w.positive + w.negative)))
    throw new EngineError('model.single-class', { rows: n, events: positives });
  return Float64Array.from(outcome, (y) => (y ? w.positive : w.negative));
}

/** Rows to keep: every row, plus minority rows drawn again (with replacement) until the minority has `share`. */
export function oversample(outcome: Uint8Array, seed: number, share: number): Uint32Array {
  checkShare(share);
  const { minority, rows } = classes(outcome);
  const m = rows[minority].length;
  const M = rows[1 - minority].length;
  if (m === 0) throw new EngineError('model.single-class', { rows: outcome.length, events: 0 });
  const extra = Math.max(0, Math.round((share * M) / (1 - share)) - m);
  const rng = new Random(seed).derive('oversample');
  const out = new Uint32Array(outcome.length + extra);
  for (let i = 0; i < outcome.length; i++) out[i] = i;
  for (let k = 0; k < extra; k++) out[outcome.length + k] = rows[minority][rng.int(m)];
  return out;
}

/** Rows to keep: every minority row and a random subset (without replacement) of the majority, to `share`. */
export function undersample(outcome: Uint8Array, seed: number, share: number): Uint32Array {
  checkShare(share);
  const { minority, rows } = classes(outcome);
  const m = rows[minority].length;
  const majority = rows[1 - minority];
  if (m === 0) throw new EngineError('model.single-class', { rows: outcome.length, events: 0 });
  const keep = Math.min(majority.length, Math.max(1, Math.round((m * (1 - share)) / share)));
  const rng = new Random(seed).derive('undersample');
  // A partial Fisher–Yates: the first `keep` of a shuffled copy.
  const pool = Uint32Array.from(majority);
  for (let i = 0; i < keep; i++) {
    const j = i + rng.int(pool.length - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  const out = Uint32Array.from([...rows[minority], ...pool.subarray(0, keep)]);
  return out.sort();
}

/** The design columns of each main effect, split into numeric columns and categorical groups. */
function featureColumns(pipeline: Pipeline): { numeric: number[]; categorical: number[][] } {
  const numeric: number[] = [];
  const categorical: number[][] = [];
  for (const f of pipeline.features) {
    const columns = columnsOfTerm(pipeline, f.column);
    if (f.kind === 'numeric') numeric.push(...columns);
    else categorical.push(columns);
  }
  return { numeric, categorical };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * The design with synthetic minority rows added (SMOTE, or SMOTE-NC when the
 * model has categorical or boolean features) until the minority class has
 * `share` of the rows. Synthetic rows' `rows` entry is the table row of the
 * minority row they were drawn from.
 */
export function smote(
  design: Design,
  pipeline: Pipeline,
  seed: number,
  options: { share: number; k?: number },
): Design {
  checkShare(options.share);
  const k = options.k ?? SMOTE_K;
  const { n, p, X, y } = design;
  const { minority, rows } = classes(y);
  const members = rows[minority];
  const m = members.length;
  const M = rows[1 - minority].length;
  const extra = Math.max(0, Math.round((options.share * M) / (1 - options.share)) - m);
  if (extra === 0) return design;
  if (m < 2) throw new EngineError('model.smote-too-few', { rows: m });
  if (m > SMOTE_MAX_MINORITY)
    throw new EngineError('model.smote-too-large', { rows: m, limit: SMOTE_MAX_MINORITY });
  const { numeric, categorical } = featureColumns(pipeline);
  if (numeric.length === 0) throw new EngineError('model.smote-needs-numeric', {});
  const kk = Math.min(k, m - 1);

  // Med: the median of the numeric columns' standard deviations among minority rows (SMOTE-NC).
  const sds = numeric.map((j) => {
    let sum = 0;
    let sum2 = 0;
    for (const i of members) {
      const v = X[i * p + j];
      sum += v;
      sum2 += v * v;
    }
    const mean = sum / m;
    return Math.sqrt(Math.max(0, sum2 / m - mean * mean));
  });
  const med2 = categorical.length > 0 ? median(sds) ** 2 : 0;

  // Each minority row's k nearest minority neighbours (exact; ties by row order).
  const neighbours = new Int32Array(m * kk);
  const best = new Float64Array(kk);
  for (let a = 0; a < m; a++) {
    best.fill(Infinity);
    const ra = members[a] * p;
    for (let b = 0; b < m; b++) {
      if (b === a) continue;
      const rb = members[b] * p;
      let d = 0;
      for (const j of numeric) {
        const diff = X[ra + j] - X[rb + j];
        d += diff * diff;
      }
      for (const group of categorical) if (group.some((j) => X[ra + j] !== X[rb + j])) d += med2;
      if (d >= best[kk - 1]) continue;
      // Insert into the sorted short list.
      let at = kk - 1;
      while (at > 0 && best[at - 1] > d) {
        best[at] = best[at - 1];
        neighbours[a * kk + at] = neighbours[a * kk + at - 1];
        at--;
      }
      best[at] = d;
      neighbours[a * kk + at] = b;
    }
  }

  const rng = new Random(seed).derive('smote');
  const total = n + extra;
  const out = new Float64Array(total * p);
  out.set(X);
  const outY = new Uint8Array(total);
  outY.set(y);
  const outRows = new Uint32Array(total);
  outRows.set(design.rows);
  const counts = new Map<string, { count: number; first: number }>();
  for (let s = 0; s < extra; s++) {
    const a = rng.int(m);
    const b = neighbours[a * kk + rng.int(kk)];
    const u = rng.uniform();
    const ra = members[a] * p;
    const rb = members[b] * p;
    const base = (n + s) * p;
    out[base] = 1;
    for (const j of numeric) out[base + j] = X[ra + j] + u * (X[rb + j] - X[ra + j]);
    for (const group of categorical) {
      // The most frequent pattern of this feature's dummies among the k neighbours.
      counts.clear();
      for (let t = 0; t < kk; t++) {
        const row = members[neighbours[a * kk + t]] * p;
        const key = group.map((j) => X[row + j]).join(',');
        const entry = counts.get(key);
        if (entry) entry.count++;
        else counts.set(key, { count: 1, first: row });
      }
      let chosen = { count: 0, first: 0 };
      for (const entry of counts.values()) if (entry.count > chosen.count) chosen = entry;
      for (const j of group) out[base + j] = X[chosen.first + j];
    }
    outY[n + s] = minority;
    outRows[n + s] = design.rows[members[a]];
  }
  recomputeInteractions(out, n, total, p, pipeline);
  return { ...design, n: total, X: out, y: outY, rows: outRows };
}

/** Interaction columns of rows [from, to) as products of their main effects' columns (design order). */
function recomputeInteractions(
  X: Float64Array,
  from: number,
  to: number,
  p: number,
  pipeline: Pipeline,
): void {
  for (const { a, b } of pipeline.interactions) {
    const ca = columnsOfTerm(pipeline, a);
    const cb = columnsOfTerm(pipeline, b);
    const cab = columnsOfTerm(pipeline, `${a}:${b}`);
    let c = 0;
    for (const jb of cb)
      for (const ja of ca) {
        const j = cab[c++];
        for (let i = from; i < to; i++) X[i * p + j] = X[i * p + ja] * X[i * p + jb];
      }
  }
}

/**
 * King & Zeng's prior correction: the offset added to the linear predictor
 * of a model fitted on rows whose (weighted) positive share is `sampleRate`,
 * so that its probabilities describe a population whose share is
 * `populationRate`: ln[(τ / (1 − τ)) · ((1 − ȳ) / ȳ)].
 */
export function priorOffset(populationRate: number, sampleRate: number): number {
  const ok = (r: number) => r > 0 && r < 1;
  if (!ok(populationRate) || !ok(sampleRate))
    throw new EngineError('model.invalid-share', {
      share: ok(sampleRate) ? populationRate : sampleRate,
    });
  return Math.log((populationRate / (1 - populationRate)) * ((1 - sampleRate) / sampleRate));
}
