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
// main effects. Neighbours are found exactly with a k-d tree (see
// nearestNeighbours), whose cost grows about as m·log m on data of low
// intrinsic dimension where brute force grows as m²; above SMOTE_MAX_MINORITY
// rows the method is refused with a message that suggests weights or
// oversampling.

import { EngineError } from '../data/table';
import { Random } from '../data/random';
import { columnsOfTerm } from './logistic';
import type { Design, Pipeline } from './types';

/** SMOTE's neighbours per minority row. */
export const SMOTE_K = 5;
/**
 * Above this many minority training rows SMOTE is refused. Measured in Node on
 * a busy two-core machine: 100,000 minority rows with 6 numeric, 2
 * categorical and 1 boolean feature took about 38 s (the neighbour search in
 * 14 embedded coordinates dominates); random oversampling or class weights
 * serve larger books at a fraction of the cost.
 */
export const SMOTE_MAX_MINORITY = 200_000;

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

  // Each minority row's k nearest minority neighbours, exactly, by a k-d tree over the rows
  // embedded so that Euclidean distance is SMOTE-NC's: the numeric columns as they are, and
  // each categorical feature as one coordinate per level (the reference's too) worth Med/√2
  // at the row's level, so that a differing feature adds 2·(Med/√2)² = Med².
  const dims = numeric.length + categorical.reduce((s, g) => s + g.length + 1, 0);
  const points = new Float64Array(m * dims);
  const scale = Math.sqrt(med2 / 2);
  for (let a = 0; a < m; a++) {
    const ra = members[a] * p;
    let d = a * dims;
    for (const j of numeric) points[d++] = X[ra + j];
    for (const group of categorical) {
      let any = 0;
      for (const j of group) {
        points[d++] = X[ra + j] * scale;
        any += X[ra + j];
      }
      points[d++] = any === 0 ? scale : 0;
    }
  }
  const neighbours = nearestNeighbours(points, m, dims, kk);

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

/** Points per k-d tree leaf: below this, scanning beats splitting further. */
const LEAF = 24;

/**
 * The k nearest other points of each of m points (row-major, `dims`
 * coordinates each), nearest first, as indices (m·k of them); exact
 * Euclidean. A k-d tree: each node splits its points at the median of the
 * coordinate with the widest spread, and keeps its bounding box; a query
 * visits the nearer child first and skips any node whose box is no nearer
 * than its k-th best so far. Points all at one place (duplicate rows, common
 * when most features are categorical) end in one leaf however many they are,
 * and a query takes what it needs from it in one distance. Ties between
 * equally near points are broken by the tree's order (deterministic).
 */
export function nearestNeighbours(
  points: Float64Array,
  m: number,
  dims: number,
  k: number,
): Int32Array {
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  // Nodes in flat arrays: range [lo, hi) of `order`, children (−1 for a leaf), box.
  const cap = 2 * Math.ceil(m / LEAF) + 2 * 64 + 1;
  let lo = new Int32Array(cap);
  let hi = new Int32Array(cap);
  let left = new Int32Array(cap);
  let right = new Int32Array(cap);
  let box = new Float64Array(cap * dims * 2);
  let axisOf = new Int32Array(cap);
  let splitOf = new Float64Array(cap);
  let nodes = 0;
  const grow = () => {
    const bigger = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    lo = bigger(lo);
    hi = bigger(hi);
    left = bigger(left);
    right = bigger(right);
    axisOf = bigger(axisOf);
    const sp = new Float64Array(splitOf.length * 2);
    sp.set(splitOf);
    splitOf = sp;
    const b = new Float64Array(box.length * 2);
    b.set(box);
    box = b;
  };
  const build = (from: number, to: number): number => {
    if (nodes === lo.length) grow();
    const node = nodes++;
    lo[node] = from;
    hi[node] = to;
    left[node] = right[node] = -1;
    const b = node * dims * 2;
    for (let d = 0; d < dims; d++) {
      box[b + 2 * d] = Infinity;
      box[b + 2 * d + 1] = -Infinity;
    }
    for (let i = from; i < to; i++) {
      const q = order[i] * dims;
      for (let d = 0; d < dims; d++) {
        const v = points[q + d];
        if (v < box[b + 2 * d]) box[b + 2 * d] = v;
        if (v > box[b + 2 * d + 1]) box[b + 2 * d + 1] = v;
      }
    }
    if (to - from <= LEAF) return node;
    let axis = -1;
    let spread = 0;
    for (let d = 0; d < dims; d++) {
      const w = box[b + 2 * d + 1] - box[b + 2 * d];
      if (w > spread) {
        spread = w;
        axis = d;
      }
    }
    if (axis < 0) return node; // every point at one place
    const mid = (from + to) >> 1;
    select(order, points, dims, axis, from, to - 1, mid);
    axisOf[node] = axis;
    splitOf[node] = points[order[mid] * dims + axis];
    const l = build(from, mid);
    const r = build(mid, to);
    left[node] = l;
    right[node] = r;
    return node;
  };
  build(0, m);

  const out = new Int32Array(m * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  let size = 0;
  let self = 0;
  let qBase = 0;
  const boxDistance = (node: number): number => {
    const b = node * dims * 2;
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const v = points[qBase + d];
      const below = box[b + 2 * d] - v;
      const above = v - box[b + 2 * d + 1];
      const gap = below > 0 ? below : above > 0 ? above : 0;
      s += gap * gap;
    }
    return s;
  };
  const offer = (i: number, dist: number): boolean => {
    if (size === k && dist >= bestD[k - 1]) return false;
    let at = size < k ? size++ : k - 1;
    while (at > 0 && bestD[at - 1] > dist) {
      bestD[at] = bestD[at - 1];
      bestI[at] = bestI[at - 1];
      at--;
    }
    bestD[at] = dist;
    bestI[at] = i;
    return true;
  };
  const distanceTo = (i: number): number => {
    const q = i * dims;
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const diff = points[q + d] - points[qBase + d];
      s += diff * diff;
    }
    return s;
  };
  const search = (node: number, nodeDistance: number): void => {
    if (size === k && nodeDistance >= bestD[k - 1]) return;
    if (left[node] < 0) {
      const uniform = hi[node] - lo[node] > LEAF;
      if (uniform) {
        // All at one place: one distance, and only as many points as can still get in.
        let dist = -1;
        for (let t = lo[node]; t < hi[node]; t++) {
          const i = order[t];
          if (i === self) continue;
          if (dist < 0) dist = distanceTo(i);
          if (!offer(i, dist)) break;
        }
      } else {
        // The hot loop: the distance inlined, and the k-th best checked before offering.
        const q = qBase;
        const end = hi[node];
        for (let t = lo[node]; t < end; t++) {
          const i = order[t];
          if (i === self) continue;
          const base = i * dims;
          let dist = 0;
          for (let d = 0; d < dims; d++) {
            const diff = points[base + d] - points[q + d];
            dist += diff * diff;
          }
          if (size < k || dist < bestD[k - 1]) offer(i, dist);
        }
      }
      return;
    }
    // The child on the query's side of the split first (its box distance is rarely above the
    // other's, and the search is exact either way); the other only if its box is near enough.
    const near = points[qBase + axisOf[node]] < splitOf[node] ? left[node] : right[node];
    const far = near === left[node] ? right[node] : left[node];
    search(near, nodeDistance);
    if (size === k && nodeDistance >= bestD[k - 1]) return;
    search(far, boxDistance(far));
  };
  for (let a = 0; a < m; a++) {
    size = 0;
    self = a;
    qBase = a * dims;
    search(0, 0);
    for (let r = 0; r < k; r++) out[a * k + r] = bestI[r];
  }
  return out;
}

/** Reorders order[from..to] (inclusive) so that position `nth` holds the point it would sorted by `axis`, smaller ones before it (Hoare's quickselect). */
function select(
  order: Int32Array,
  points: Float64Array,
  dims: number,
  axis: number,
  from: number,
  to: number,
  nth: number,
): void {
  let l = from;
  let r = to;
  while (l < r) {
    const pivot = points[order[(l + r) >> 1] * dims + axis];
    let i = l;
    let j = r;
    while (i <= j) {
      while (points[order[i] * dims + axis] < pivot) i++;
      while (points[order[j] * dims + axis] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) r = j;
    else if (nth >= i) l = i;
    else return;
  }
}
