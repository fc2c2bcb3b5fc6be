// k-means on a table's chosen columns: the standardised feature matrix, seeded
// k-means++ and Lloyd's iterations with restarts, as scikit-learn's KMeans
// (1.2, algorithm='lloyd'). Pure; runs in Node and in the compute worker, and
// every function here takes a DataTable or a row-major Float64Array so a bench
// can time it alone.
//
// The matrix (featureMatrix): a numeric column as it is (booleans 0/1, dates
// epoch ms), a categorical one as one 0/1 column per level (every level, no
// reference dropped: clustering has no intercept to alias), levels in
// code-point order. Rows with a missing feature are left out and counted.
// Each matrix column is standardised by its mean and population SD (ddof 0,
// as sklearn's StandardScaler); a constant column is refused by name.
// design.ts codes a model's features (treatment contrasts, a reference level,
// a target) and so does not fit here.
//
// The fit (kmeans), as sklearn's _kmeans_single_lloyd:
//   - init: greedy k-means++ with 2 + floor(ln k) local trials (sklearn's
//     _kmeans_plusplus) drawn from our seeded Random (so not sklearn's
//     numbers), or the given initial centres;
//   - tol is relative: the absolute tolerance is tol × the mean of the
//     columns' variances; an iteration stops the fit when no label changed
//     ("strict convergence") or the squared centre shift summed over centres
//     is ≤ that tolerance, or after maxIter iterations; a fit that did not
//     converge strictly re-assigns the labels to the final centres;
//   - an empty cluster takes the row farthest from its own centre, as
//     _relocate_empty_clusters_dense does (the farthest first, one per empty
//     cluster);
//   - restarts: the fit with the least inertia is kept (the first on a tie).

import { EngineError, NO_PROGRESS, getColumn, type DataTable, type Progress } from '../data/table';
import { Random, type Seed } from '../data/random';
import { MAX_LEVELS } from './design';

/** One column of the feature matrix: its table column and, for a one-hot column, the level. */
export interface MatrixColumn {
  feature: string;
  level: string | null;
}

export interface FeatureMatrix {
  /** Row-major, rows × cols, standardised. */
  data: Float64Array;
  rows: number;
  cols: number;
  columns: MatrixColumn[];
  /** The table row of each matrix row. */
  tableRows: Int32Array;
  /** Table rows left out because a feature was missing. */
  excluded: number;
  /** Each column's mean and population SD over the rows kept, before standardising. */
  means: Float64Array;
  sds: Float64Array;
}

/** The standardised matrix of `features` (see the header). */
export function featureMatrix(table: DataTable, features: readonly string[]): FeatureMatrix {
  if (features.length === 0) throw new EngineError('personas.no-features');
  const columns = features.map((name) => getColumn(table, name));
  const n = table.rowCount;

  // Rows with every feature present.
  const keep = new Uint8Array(n).fill(1);
  for (const c of columns) {
    if (c.kind === 'number') {
      for (let i = 0; i < n; i++) if (Number.isNaN(c.values[i])) keep[i] = 0;
    } else {
      for (let i = 0; i < n; i++) if (c.codes[i] < 0) keep[i] = 0;
    }
  }
  let rows = 0;
  for (let i = 0; i < n; i++) rows += keep[i];
  if (rows === 0) throw new EngineError('personas.no-complete-rows');
  const tableRows = new Int32Array(rows);
  for (let i = 0, r = 0; i < n; i++) if (keep[i]) tableRows[r++] = i;

  // Matrix columns: one per numeric feature, one per level seen in the rows kept.
  const layout: MatrixColumn[] = [];
  /** Per feature: the first matrix column, and for a categorical, each code's offset (-1: unseen). */
  const plan: { at: number; offsets: Int32Array | null }[] = [];
  for (const c of columns) {
    if (c.kind === 'number') {
      plan.push({ at: layout.length, offsets: null });
      layout.push({ feature: c.name, level: null });
      continue;
    }
    const seen = new Uint8Array(c.dictionary.length);
    for (let r = 0; r < rows; r++) seen[c.codes[tableRows[r]]] = 1;
    const codes = [...seen.keys()].filter((code) => seen[code]);
    if (codes.length > MAX_LEVELS) {
      throw new EngineError('personas.too-many-levels', {
        column: c.name,
        levels: codes.length,
        max: MAX_LEVELS,
      });
    }
    // Code-point order (not localeCompare), so the layout is the same everywhere.
    codes.sort((a, b) => (c.dictionary[a] < c.dictionary[b] ? -1 : 1));
    const offsets = new Int32Array(c.dictionary.length).fill(-1);
    codes.forEach((code, j) => (offsets[code] = j));
    plan.push({ at: layout.length, offsets });
    for (const code of codes) layout.push({ feature: c.name, level: c.dictionary[code] });
  }

  const d = layout.length;
  const data = new Float64Array(rows * d);
  columns.forEach((c, f) => {
    const { at, offsets } = plan[f];
    if (c.kind === 'number') {
      for (let r = 0; r < rows; r++) data[r * d + at] = c.values[tableRows[r]];
    } else {
      for (let r = 0; r < rows; r++) data[r * d + at + offsets![c.codes[tableRows[r]]]] = 1;
    }
  });

  const { means, sds } = columnMoments(data, rows, d);
  for (let j = 0; j < d; j++) {
    // A spread this small relative to the values is rounding, not information.
    if (!(sds[j] > 1e-12 * Math.max(1, Math.abs(means[j])))) {
      const { feature, level } = layout[j];
      throw new EngineError('personas.constant-feature', {
        column: level === null ? feature : `${feature} = ${level}`,
      });
    }
  }
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) data[o + j] = (data[o + j] - means[j]) / sds[j];
  }
  return { data, rows, cols: d, columns: layout, tableRows, excluded: n - rows, means, sds };
}

/** Each column's mean and population SD (two passes, for accuracy). */
export function columnMoments(
  x: Float64Array,
  n: number,
  d: number,
): { means: Float64Array; sds: Float64Array } {
  const means = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) means[j] += x[i * d + j];
  for (let j = 0; j < d; j++) means[j] /= n;
  const sds = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const e = x[i * d + j] - means[j];
      sds[j] += e * e;
    }
  }
  for (let j = 0; j < d; j++) sds[j] = Math.sqrt(sds[j] / n);
  return { means, sds };
}

export interface KMeansOptions {
  k: number;
  /** Fits from different k-means++ starts; the least inertia is kept. Default 10 (sklearn's n_init before 1.4). */
  restarts?: number;
  seed?: Seed;
  /** Default 300, as sklearn. */
  maxIter?: number;
  /** Relative tolerance (see the header). Default 1e-4, as sklearn. */
  tol?: number;
  /** k × d starting centres, row-major: one fit from them (restarts ignored), for comparing with sklearn. */
  initialCentres?: Float64Array;
}

export interface KMeansFit {
  k: number;
  /** k × d, row-major, in the matrix's (standardised) units. */
  centres: Float64Array;
  /** Cluster of each matrix row, 0…k−1. */
  labels: Int32Array;
  /** Sum of squared distances of the rows to their centres. */
  inertia: number;
  /** Lloyd iterations of the fit kept (sklearn's n_iter_). */
  iterations: number;
  /** The restart the fit kept came from (0 with initial centres). */
  restart: number;
}

/**
 * Fits k-means to the n × d row-major matrix `x`. Reports progress after each
 * restart and yields (through the same report) after each iteration, so a
 * cancel is seen within one pass over the rows.
 */
export async function kmeans(
  x: Float64Array,
  n: number,
  d: number,
  options: KMeansOptions,
  progress: Progress = NO_PROGRESS,
): Promise<KMeansFit> {
  const { k } = options;
  const maxIter = options.maxIter ?? 300;
  const tol = options.tol ?? 1e-4;
  const restarts = options.initialCentres ? 1 : (options.restarts ?? 10);
  if (!Number.isInteger(k) || k < 1) throw new EngineError('personas.invalid-k', { k });
  if (!Number.isInteger(restarts) || restarts < 1)
    throw new EngineError('personas.invalid-restarts', { restarts });
  if (options.initialCentres && options.initialCentres.length !== k * d)
    throw new EngineError('personas.invalid-centres', { expected: k * d });
  const distinct = distinctRows(x, n, d, k);
  if (distinct < k) throw new EngineError('personas.k-too-large', { k, distinct });

  const absTol = tol * meanVariance(x, n, d);
  const slack = boundSlack(x, d);
  const random = new Random(options.seed ?? 0);
  let best: KMeansFit | null = null;
  for (let r = 0; r < restarts; r++) {
    await progress.report(r, restarts);
    const start =
      options.initialCentres?.slice() ?? kmeansPlusPlus(x, n, d, k, random.derive(`restart ${r}`));
    const fit = await lloyd(x, n, d, k, start, maxIter, absTol, slack, () =>
      progress.report(r, restarts),
    );
    if (!best || fit.inertia < best.inertia) best = { ...fit, restart: r };
  }
  await progress.report(restarts, restarts);
  return best!;
}

/** Distinct rows of x, counted up to `limit` (with at most limit − 1 kept, no allocation per row). */
export function distinctRows(x: Float64Array, n: number, d: number, limit: number): number {
  const found: number[] = [];
  for (let i = 0; i < n && found.length < limit; i++) {
    let seen = false;
    for (const f of found) {
      let same = true;
      for (let j = 0; j < d && same; j++) same = x[i * d + j] === x[f * d + j];
      if (same) {
        seen = true;
        break;
      }
    }
    if (!seen) found.push(i);
  }
  return found.length;
}

/** The mean over columns of each column's (population) variance: sklearn's _tolerance scale. */
function meanVariance(x: Float64Array, n: number, d: number): number {
  const { sds } = columnMoments(x, n, d);
  let s = 0;
  for (let j = 0; j < d; j++) s += sds[j] * sds[j];
  return s / d;
}

function squaredDistance(x: Float64Array, i: number, c: Float64Array, j: number, d: number) {
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let t = 0; t < d; t++) {
    const e = x[a + t] - c[b + t];
    s += e * e;
  }
  return s;
}

/**
 * Greedy k-means++ (sklearn's _kmeans_plusplus): the first centre a uniform
 * row; each next one the best, by the potential it leaves, of 2 + floor(ln k)
 * rows drawn with probability proportional to their squared distance to the
 * nearest centre so far.
 */
export function kmeansPlusPlus(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  random: Random,
): Float64Array {
  const trials = 2 + Math.floor(Math.log(k));
  const centres = new Float64Array(k * d);
  const first = random.int(n);
  centres.set(x.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) pot += closest[i] = squaredDistance(x, i, centres, 0, d);
  const cumulative = new Float64Array(n);
  // The trials' rows are drawn before any is scored (the draws do not depend
  // on the scores), so that one pass over the rows scores them all.
  const trialRows = new Int32Array(trials);
  const candidates = Array.from({ length: trials }, () => new Float64Array(n));
  const pots = new Float64Array(trials);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cumulative[i] = acc += closest[i];
    for (let t = 0; t < trials; t++)
      trialRows[t] = searchSorted(cumulative, random.uniform() * pot);
    pots.fill(0);
    for (let i = 0; i < n; i++) {
      const bound = closest[i];
      const a = i * d;
      for (let t = 0; t < trials; t++) {
        // min(closest, distance), the sum left as soon as it reaches closest
        // (a partial sum of squares never exceeds the whole: the same result).
        const b = trialRows[t] * d;
        let dist = 0;
        for (let j = 0; j < d && dist < bound; j++) {
          const e = x[a + j] - x[b + j];
          dist += e * e;
        }
        if (dist > bound) dist = bound;
        candidates[t][i] = dist;
        pots[t] += dist;
      }
    }
    // The first trial with the least potential, as scoring them in turn.
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t] < pots[best]) best = t;
    centres.set(x.subarray(trialRows[best] * d, trialRows[best] * d + d), c * d);
    [closest, candidates[best]] = [candidates[best], closest];
    pot = pots[best];
  }
  return centres;
}

/** The first index whose cumulative sum reaches `value` (numpy searchsorted, side left), clipped to the last. */
function searchSorted(cumulative: Float64Array, value: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One Lloyd fit from `centres` (changed in place), as sklearn's
 * _kmeans_single_lloyd, with Hamerly's bounds to skip the distances that
 * cannot change a row's label: per row an upper bound on the distance to its
 * centre and a lower bound on the distance to any other, widened each
 * iteration by how far the centres moved. A row is skipped only when its
 * bounds prove its centre is strictly the nearest by more than `slack`
 * (far above the rounding of the bounds), so the labels, and so the sums
 * and centres, are those of computing every distance (the test against
 * scikit-learn holds to 1e-9); on a 1,000,000-row fit most rows are skipped
 * after a few iterations (docs/perf/lifecycle-bench.md).
 */
async function lloyd(
  x: Float64Array,
  n: number,
  d: number,
  k: number,
  start: Float64Array,
  maxIter: number,
  absTol: number,
  slack: number,
  tick: () => Promise<void>,
): Promise<Omit<KMeansFit, 'restart'>> {
  let centres: Float64Array = start;
  let next: Float64Array = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n);
  const previous = new Int32Array(n).fill(-1);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  /** Half the distance from each centre to its nearest other centre. */
  const half = new Float64Array(k);
  const moved = new Float64Array(k);
  let strict = false;
  let iterations = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    iterations = iter + 1;
    // Assign each row and add it to its cluster's sum, in one pass over the
    // rows; the sums from every row afresh, as sklearn's (the same doubles).
    next.fill(0);
    counts.fill(0);
    if (iter > 0) halfDistances(centres, k, d, half);
    for (let i = 0; i < n; i++) {
      if (iter === 0) {
        nearestTwo(x, i, centres, k, d, labels, upper, lower);
      } else {
        const m = Math.max(half[labels[i]], lower[i]);
        if (!(upper[i] + slack < m)) {
          upper[i] = Math.sqrt(squaredDistance(x, i, centres, labels[i], d));
          if (!(upper[i] + slack < m)) nearestTwo(x, i, centres, k, d, labels, upper, lower);
        }
      }
      const o = labels[i] * d;
      const a = i * d;
      counts[labels[i]]++;
      for (let t = 0; t < d; t++) next[o + t] += x[a + t];
    }
    if (counts.includes(0)) {
      const nearest = new Float64Array(n);
      for (let i = 0; i < n; i++) nearest[i] = squaredDistance(x, i, centres, labels[i], d);
      relocateEmpty(x, d, k, labels, nearest, next, counts);
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      let own = 0;
      for (let t = 0; t < d; t++) {
        const m = (next[c * d + t] /= counts[c]);
        const e = m - centres[c * d + t];
        own += e * e;
      }
      moved[c] = Math.sqrt(own);
      shift += own;
    }
    [centres, next] = [next, centres];
    let same = true;
    for (let i = 0; i < n && same; i++) same = labels[i] === previous[i];
    if (same) {
      strict = true;
      break;
    }
    if (shift <= absTol) break;
    previous.set(labels);
    widenBounds(labels, moved, k, upper, lower);
    await tick();
  }
  if (!strict) {
    // The labels must be those of the final centres.
    for (let i = 0; i < n; i++) nearestTwo(x, i, centres, k, d, labels, upper, lower);
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredDistance(x, i, centres, labels[i], d);
  return { k, centres, labels, inertia, iterations };
}

/**
 * Row i's nearest centre (the first on a tie, as computing every distance
 * does) into labels, the distance to it into upper and to the next nearest
 * into lower (Infinity for k = 1). A distance's sum of squares is left as
 * soon as it reaches the second nearest's, which it then cannot beat.
 */
function nearestTwo(
  x: Float64Array,
  i: number,
  centres: Float64Array,
  k: number,
  d: number,
  labels: Int32Array,
  upper: Float64Array,
  lower: Float64Array,
): void {
  const a = i * d;
  let best = 0;
  let bestDist = Infinity;
  let second = Infinity;
  for (let c = 0; c < k; c++) {
    const b = c * d;
    let s = 0;
    for (let t = 0; t < d && s < second; t++) {
      const e = x[a + t] - centres[b + t];
      s += e * e;
    }
    if (s < bestDist) {
      second = bestDist;
      bestDist = s;
      best = c;
    } else if (s < second) {
      second = s;
    }
  }
  labels[i] = best;
  upper[i] = Math.sqrt(bestDist);
  lower[i] = Math.sqrt(second);
}

/** Per centre, half the distance to its nearest other centre (Infinity for k = 1). */
function halfDistances(centres: Float64Array, k: number, d: number, half: Float64Array): void {
  half.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let c = a + 1; c < k; c++) {
      const h = Math.sqrt(squaredDistance(centres, a, centres, c, d)) / 2;
      if (h < half[a]) half[a] = h;
      if (h < half[c]) half[c] = h;
    }
  }
}

/** After the centres moved: each row's upper bound grows by its centre's move, its lower bound shrinks by the largest other move. */
function widenBounds(
  labels: Int32Array,
  moved: Float64Array,
  k: number,
  upper: Float64Array,
  lower: Float64Array,
): void {
  let first = 0;
  for (let c = 1; c < k; c++) if (moved[c] > moved[first]) first = c;
  let second = 0;
  for (let c = 0; c < k; c++) if (c !== first && moved[c] > second) second = moved[c];
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i];
    upper[i] += moved[a];
    lower[i] -= a === first ? second : moved[first];
  }
}

/**
 * The margin by which Hamerly's bounds must prove a row's label: far above
 * the rounding of distances and of their updates over maxIter iterations
 * (those are ~1e-16 of the largest coordinate each), far below any gap
 * between two centres' distances that matters.
 */
function boundSlack(x: Float64Array, d: number): number {
  let largest = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v > largest) largest = v;
  }
  return 1e-9 * Math.max(largest, Number.MIN_VALUE) * Math.sqrt(d);
}

/**
 * sklearn's _relocate_empty_clusters_dense: each empty cluster's sum becomes
 * the row farthest from its own (old) centre, taken out of its cluster's sum;
 * the farthest row goes to the first empty cluster. Labels stay as they are
 * (the next iteration re-assigns them).
 */
function relocateEmpty(
  x: Float64Array,
  d: number,
  k: number,
  labels: Int32Array,
  nearest: Float64Array,
  sums: Float64Array,
  counts: Float64Array,
): void {
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return;
  // The empty.length farthest rows, farthest first (k is small: a running top list).
  const far: number[] = [];
  for (let i = 0; i < nearest.length; i++) {
    if (far.length === empty.length && nearest[i] <= nearest[far[far.length - 1]]) continue;
    let at = far.length;
    while (at > 0 && nearest[far[at - 1]] < nearest[i]) at--;
    far.splice(at, 0, i);
    if (far.length > empty.length) far.pop();
  }
  empty.forEach((c, e) => {
    const row = far[e];
    const old = labels[row];
    for (let t = 0; t < d; t++) {
      sums[old * d + t] -= x[row * d + t];
      sums[c * d + t] = x[row * d + t];
    }
    counts[c] = 1;
    counts[old] -= 1;
  });
}
