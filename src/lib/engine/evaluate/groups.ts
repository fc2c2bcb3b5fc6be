// The one pass every evaluation measure starts from: the inputs checked, and
// the rows sorted by score descending and gathered into groups of equal
// score, each with the (weighted) positives and negatives at or above it —
// scikit-learn's _binary_clf_curve. Pure; runs in the compute worker and in
// Node.
//
// Inputs everywhere in ./: `score` (higher = more likely positive; a row is
// predicted positive when score ≥ threshold, scikit-learn's convention),
// `outcome` (1 positive, 0 negative) and optionally `weight`. Every measure
// needs both classes, so each throws EngineError('evaluate.single-class')
// without them, instead of returning NaN; bad input throws the codes below.
// Rows of weight 0 are left out entirely, as scikit-learn does (they add no
// threshold to a curve).

import { EngineError } from '../data/table';

/** Distinct scores descending, with the cumulative totals of rows scored at or above each. */
export interface ScoreGroups {
  thresholds: Float64Array;
  /** Positives (weighted) with score ≥ thresholds[g]. */
  tp: Float64Array;
  /** Negatives (weighted) with score ≥ thresholds[g]. */
  fp: Float64Array;
  positives: number;
  negatives: number;
}

/**
 * Checks score, outcome and weight; returns the number of positive rows.
 * Throws evaluate.empty, evaluate.length-mismatch, evaluate.not-finite
 * (a score that is NaN or infinite: callers drop missing scores),
 * evaluate.bad-outcome, evaluate.bad-weight or evaluate.single-class.
 */
export function checkInput(score: Float64Array, outcome: Uint8Array, weight?: Float64Array): void {
  const n = score.length;
  if (outcome.length !== n || (weight && weight.length !== n))
    throw new EngineError('evaluate.length-mismatch', {
      scores: n,
      outcomes: outcome.length,
      weights: weight ? weight.length : n,
    });
  if (n === 0) throw new EngineError('evaluate.empty', {});
  let positives = 0;
  let negatives = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(score[i])) throw new EngineError('evaluate.not-finite', { row: i + 1 });
    const y = outcome[i];
    if (y > 1) throw new EngineError('evaluate.bad-outcome', { row: i + 1, value: y });
    const w = weight ? weight[i] : 1;
    if (!(w >= 0) || w === Infinity) throw new EngineError('evaluate.bad-weight', { row: i + 1 });
    if (w === 0) continue;
    if (y === 1) positives++;
    else negatives++;
  }
  if (positives === 0 || negatives === 0)
    throw new EngineError('evaluate.single-class', { rows: n, positives });
}

/** The groups of equal score, highest first (input checked as by checkInput). */
export function scoreGroups(
  score: Float64Array,
  outcome: Uint8Array,
  weight?: Float64Array,
): ScoreGroups {
  checkInput(score, outcome, weight);
  return weight ? weightedGroups(score, outcome, weight) : countedGroups(score, outcome);
}

// Unweighted: the positives' and the negatives' scores are sorted apart by
// the typed array's native numeric sort (no comparator: several times faster
// than sorting an index) and merged from their tops. Counts are integers, so
// every total is exact.
function countedGroups(score: Float64Array, outcome: Uint8Array): ScoreGroups {
  let p = 0;
  for (let i = 0; i < outcome.length; i++) p += outcome[i];
  const pos = new Float64Array(p);
  const neg = new Float64Array(score.length - p);
  for (let i = 0, a = 0, b = 0; i < score.length; i++) {
    if (outcome[i] === 1) pos[a++] = score[i];
    else neg[b++] = score[i];
  }
  pos.sort();
  neg.sort();
  const thresholds = new Float64Array(score.length);
  const tp = new Float64Array(score.length);
  const fp = new Float64Array(score.length);
  let a = pos.length - 1;
  let b = neg.length - 1;
  let g = 0;
  let t = 0;
  let f = 0;
  while (a >= 0 || b >= 0) {
    const v = a < 0 ? neg[b] : b < 0 ? pos[a] : Math.max(pos[a], neg[b]);
    // `===` joins −0 and +0 into one group, as NumPy's np.diff does.
    while (a >= 0 && pos[a] === v) {
      a--;
      t++;
    }
    while (b >= 0 && neg[b] === v) {
      b--;
      f++;
    }
    thresholds[g] = v;
    tp[g] = t;
    fp[g] = f;
    g++;
  }
  return {
    thresholds: thresholds.slice(0, g),
    tp: tp.slice(0, g),
    fp: fp.slice(0, g),
    positives: pos.length,
    negatives: neg.length,
  };
}

function weightedGroups(
  score: Float64Array,
  outcome: Uint8Array,
  weight: Float64Array,
): ScoreGroups {
  const order = descendingOrder(score, weight);
  const thresholds = new Float64Array(order.length);
  const tp = new Float64Array(order.length);
  const fp = new Float64Array(order.length);
  let g = -1;
  let t = 0;
  let f = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (outcome[i] === 1) t += weight[i];
    else f += weight[i];
    if (k + 1 === order.length || score[order[k + 1]] !== score[i]) {
      g++;
      thresholds[g] = score[i];
      tp[g] = t;
      fp[g] = f;
    }
  }
  return {
    thresholds: thresholds.slice(0, g + 1),
    tp: tp.slice(0, g + 1),
    fp: fp.slice(0, g + 1),
    positives: t,
    negatives: f,
  };
}

/**
 * Row indices by score descending, ties in row order (a stable sort), rows
 * of weight 0 left out. For the measures that need each row, not only its
 * group (a value per row, deciles).
 */
export function descendingOrder(score: Float64Array, weight?: Float64Array): Uint32Array {
  let n = 0;
  const order = new Uint32Array(score.length);
  for (let i = 0; i < score.length; i++) if (!weight || weight[i] !== 0) order[n++] = i;
  const kept = order.subarray(0, n);
  kept.sort((i, j) => score[j] - score[i] || i - j);
  return kept;
}

/**
 * Sum of `x` with Neumaier's compensation, so that a mean over a million
 * rows keeps the digits NumPy's pairwise sum keeps (scikit-learn's
 * np.average), to well within 1e-12.
 */
export function accurateSum(n: number, x: (i: number) => number): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const v = x(i);
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}

/**
 * Indices of a polyline's points to draw when it has more than `maxPoints`:
 * the first and the last, half of the rest evenly spaced along the curve's
 * length (|Δx| + |Δy|, so bends keep their points) and half evenly along x
 * (so long flat stretches keep theirs). Every kept point is a point of the
 * curve, never an interpolation; at most `maxPoints` are kept.
 */
export function thinIndex(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  maxPoints: number,
): Uint32Array {
  const n = x.length;
  if (!(maxPoints >= 2) || !Number.isInteger(maxPoints))
    throw new EngineError('evaluate.bad-option', { option: 'maxPoints', value: maxPoints });
  if (n <= maxPoints) return Uint32Array.from({ length: n }, (_, i) => i);
  const along = Math.floor((maxPoints - 2) / 2);
  const across = maxPoints - 2 - along;
  const length = new Float64Array(n);
  const run = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const dx = Math.abs(x[i] - x[i - 1]);
    length[i] = length[i - 1] + dx + Math.abs(y[i] - y[i - 1]);
    run[i] = run[i - 1] + dx;
  }
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  mark(keep, length, along);
  mark(keep, run, across);
  let count = 0;
  for (let i = 0; i < n; i++) count += keep[i];
  const out = new Uint32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (keep[i]) out[k++] = i;
  return out;
}

/** Marks the first point at or past each of `steps` evenly spaced inner marks of `cumulative`. */
function mark(keep: Uint8Array, cumulative: Float64Array, steps: number): void {
  const total = cumulative[cumulative.length - 1];
  if (!(total > 0) || steps <= 0) return;
  let i = 0;
  for (let s = 1; s <= steps; s++) {
    const target = (total * s) / (steps + 1);
    while (i < cumulative.length - 1 && cumulative[i] < target) i++;
    keep[i] = 1;
  }
}
