// The mean silhouette width of clusterings of the same rows, as
// scikit-learn's silhouette_score (Euclidean) and R's
// summary(cluster::silhouette(labels, dist(x)))$avg.width. Pure; runs in Node
// and in the compute worker, on a row-major Float64Array.
//
// For row i in cluster A: a(i) is its mean distance to the other rows of A,
// b(i) the least mean distance to the rows of another cluster, and
// s(i) = (b − a) / max(a, b); a row alone in its cluster has s = 0 (both
// references do so). The score is the mean of s over the rows.
//
// Exact: every pair's distance is computed once (i < j) and added to both
// rows' per-cluster sums of every clustering asked for, so a k sweep pays for
// the O(n² d) distances once, not once per k. Above `maxRows` rows (20,000 by
// default) the score is that of a seeded sample of maxRows rows without
// replacement (as silhouette_score's sample_size), and the result says so.

import { NO_PROGRESS, type Progress } from '../data/table';
import { Random, type Seed } from '../data/random';

export const SILHOUETTE_MAX_ROWS = 20_000;

/** One clustering of the matrix's rows: each row's cluster, 0…k−1. */
export interface Labelling {
  labels: Int32Array;
  k: number;
}

export interface SilhouetteResult {
  /** Per labelling, the mean silhouette width; null when the rows scored fall in fewer than 2 clusters. */
  scores: (number | null)[];
  /** Rows the scores are over: all of them, or the sample's size. */
  rows: number;
  sampled: boolean;
}

/** Rows visited between progress reports, in pairs (about 0.1 s of work). */
const PAIRS_PER_REPORT = 4_000_000;

export async function silhouetteScores(
  x: Float64Array,
  n: number,
  d: number,
  labellings: readonly Labelling[],
  options: { maxRows?: number; seed?: Seed } = {},
  progress: Progress = NO_PROGRESS,
): Promise<SilhouetteResult> {
  const maxRows = options.maxRows ?? SILHOUETTE_MAX_ROWS;
  const sampled = n > maxRows;
  let m = n;
  let points = x;
  let sets = labellings;
  if (sampled) {
    const rows = sampleRows(n, maxRows, new Random(options.seed ?? 0).derive('silhouette'));
    m = rows.length;
    points = new Float64Array(m * d);
    rows.forEach((row, r) => points.set(x.subarray(row * d, row * d + d), r * d));
    sets = labellings.map((l) => ({
      k: l.k,
      labels: Int32Array.from(rows, (row) => l.labels[row]),
    }));
  }

  const sums = sets.map((l) => new Float64Array(m * l.k));
  const distances = new Float64Array(m);
  const totalPairs = (m * (m - 1)) / 2;
  let pairs = 0;
  let sinceReport = 0;
  for (let i = 0; i < m; i++) {
    const a = i * d;
    for (let j = i + 1; j < m; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = points[a + t] - points[b + t];
        s += e * e;
      }
      distances[j] = Math.sqrt(s);
    }
    for (let L = 0; L < sets.length; L++) {
      const { labels, k } = sets[L];
      const sum = sums[L];
      const own = i * k;
      const li = labels[i];
      for (let j = i + 1; j < m; j++) {
        const dist = distances[j];
        sum[own + labels[j]] += dist;
        sum[j * k + li] += dist;
      }
    }
    pairs += m - i - 1;
    sinceReport += m - i - 1;
    if (sinceReport >= PAIRS_PER_REPORT) {
      sinceReport = 0;
      await progress.report(pairs, totalPairs);
    }
  }
  await progress.report(totalPairs, totalPairs);
  const scores = sets.map((l, L) => meanWidth(l, sums[L], m));
  return { scores, rows: m, sampled };
}

function meanWidth({ labels, k }: Labelling, sums: Float64Array, m: number): number | null {
  const counts = new Float64Array(k);
  for (let i = 0; i < m; i++) counts[labels[i]]++;
  let clusters = 0;
  for (let c = 0; c < k; c++) if (counts[c] > 0) clusters++;
  if (clusters < 2) return null;
  let total = 0;
  for (let i = 0; i < m; i++) {
    const own = labels[i];
    if (counts[own] <= 1) continue; // s = 0
    const a = sums[i * k + own] / (counts[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c !== own && counts[c] > 0) b = Math.min(b, sums[i * k + c] / counts[c]);
    }
    const spread = Math.max(a, b);
    if (spread > 0) total += (b - a) / spread;
  }
  return total / m;
}

/** `size` distinct rows of 0…n−1 drawn without replacement (partial Fisher–Yates), in row order. */
export function sampleRows(n: number, size: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + random.int(n - i);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order.subarray(0, size).sort();
}
