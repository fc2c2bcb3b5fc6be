// The lifecycle rows' input: a seeded transaction log (customer, date,
// amount), the k-means matrix and the silhouette matrix with its labellings.
// Pure; imported by the bench worker (./lifecycle.worker.ts), which times the
// engine on them, and by the runner (./lifecyclePeers.mjs), which writes the
// same values to disk for pandas and scikit-learn. Amounts have two decimals
// and are Math.round(x · 100) / 100, the double pandas reads for that text.

import { Random } from '../src/lib/engine/data/random';
import type { DataTable } from '../src/lib/engine/data/table';

/** Rows of the RFM and cohort rows' log (the issue's 5,000,000). */
export const LOG_ROWS = 5_000_000;
/** The k-means row: 1,000,000 × 10, k = 6, 10 restarts, sklearn's default tol. */
export const KMEANS_ROWS = 1_000_000;
export const KMEANS_COLS = 10;
export const KMEANS_K = 6;
export const KMEANS_RESTARTS = 10;
export const KMEANS_TOL = 1e-4;
/** The silhouette row: 20,000 rows (the exact silhouette's limit), k = 2 … 10. */
export const SILHOUETTE_ROWS = 20_000;
export const SILHOUETTE_KS = [2, 3, 4, 5, 6, 7, 8, 9, 10];

const DAY_MS = 86_400_000;
/** The log runs from 2020-01-01 to 2025-12-31. */
export const LOG_FIRST_DAY = Date.UTC(2020, 0, 1) / DAY_MS;
export const LOG_LAST_DAY = Date.UTC(2025, 11, 31) / DAY_MS;
/** About one row in 80 is a return (a negative amount), netted by the engine and the peer. */
const RETURN_SHARE = 0.0125;

export interface GeneratedLog {
  rows: number;
  /** Customer labels 'C0000001' …; customer[i] indexes them. */
  labels: string[];
  customer: Int32Array;
  /** UTC days since 1970-01-01, rows in day order (customers interleaved, as a real log). */
  day: Int32Array;
  amount: Float64Array;
}

/**
 * `rows` transactions: customers arrive on a uniform day and buy again after
 * exponential gaps (each customer's own mean gap, 10–200 days) until the log
 * ends or their own purchase count (1 + Poisson(8)) is spent; a customer's
 * first row is a purchase, later rows are returns with RETURN_SHARE.
 */
export function transactionLog(rows: number, seed = 1): GeneratedLog {
  const rng = new Random(`lifecycle-log/${seed}`);
  const span = LOG_LAST_DAY - LOG_FIRST_DAY + 1;
  const customerOf = new Int32Array(rows);
  const dayOf = new Int32Array(rows);
  const amountOf = new Float64Array(rows);
  let at = 0;
  let customers = 0;
  while (at < rows) {
    const c = customers++;
    let day = rng.int(span);
    const gap = 10 + rng.uniform() * 190;
    const spend = 10 + rng.gamma(2, 20);
    let left = 1 + rng.poisson(8);
    let first = true;
    while (at < rows && left-- > 0 && day < span) {
      customerOf[at] = c;
      dayOf[at] = LOG_FIRST_DAY + day;
      const value = Math.round(spend * (0.5 + rng.uniform()) * 100) / 100;
      amountOf[at] = !first && rng.uniform() < RETURN_SHARE ? -value : value;
      at++;
      first = false;
      day += 1 + Math.floor(rng.exponential() * gap);
    }
  }
  // A counting sort by day, stable: within a day, rows keep the order made.
  const counts = new Int32Array(span + 1);
  for (let i = 0; i < rows; i++) counts[dayOf[i] - LOG_FIRST_DAY + 1]++;
  for (let d = 0; d < span; d++) counts[d + 1] += counts[d];
  const customer = new Int32Array(rows);
  const day = new Int32Array(rows);
  const amount = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const to = counts[dayOf[i] - LOG_FIRST_DAY]++;
    customer[to] = customerOf[i];
    day[to] = dayOf[i];
    amount[to] = amountOf[i];
  }
  const labels = Array.from({ length: customers }, (_, c) => 'C' + String(c + 1).padStart(7, '0'));
  return { rows, labels, customer, day, amount };
}

/** The log as the app holds it after reading its CSV: customer (identifier), date, amount. */
export function logTable(log: GeneratedLog): DataTable {
  const dates = new Float64Array(log.rows);
  for (let i = 0; i < log.rows; i++) dates[i] = log.day[i] * DAY_MS;
  return {
    rowCount: log.rows,
    columns: [
      {
        kind: 'string',
        name: 'customer',
        type: 'identifier',
        codes: log.customer,
        dictionary: log.labels,
      },
      { kind: 'number', name: 'date', type: 'date', values: dates },
      { kind: 'number', name: 'amount', type: 'decimal', values: log.amount },
    ],
  };
}

/** The log as CSV text in chunks of about 1 MiB (customer,date,amount; LF; ASCII). */
export function* logCsv(log: GeneratedLog): Generator<string> {
  const iso = new Map<number, string>();
  let lines: string[] = ['customer,date,amount'];
  for (let i = 0; i < log.rows; i++) {
    let date = iso.get(log.day[i]);
    if (date === undefined) {
      date = new Date(log.day[i] * DAY_MS).toISOString().slice(0, 10);
      iso.set(log.day[i], date);
    }
    lines.push(`${log.labels[log.customer[i]]},${date},${log.amount[i].toFixed(2)}`);
    if (lines.length === 40_000) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

/**
 * `rows` × `cols` row-major points around `clusters` seeded centres (a
 * mixture of unit-variance normals, centres normal with SD `spread`): the
 * matrix and the centres.
 */
export function mixture(
  rows: number,
  cols: number,
  clusters: number,
  label: string,
  spread: number,
): { x: Float64Array; centres: Float64Array } {
  const rng = new Random(`lifecycle-mixture/${label}`);
  const centres = new Float64Array(clusters * cols);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.normal(0, spread);
  const x = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const c = rng.int(clusters);
    for (let j = 0; j < cols; j++) x[i * cols + j] = centres[c * cols + j] + rng.normal();
  }
  return { x, centres };
}

/**
 * The k-means row's matrix: 6 overlapping clusters in 10 columns (centres
 * about 1.4 SD apart per column), so that Lloyd takes tens of iterations as
 * on real customer features, not the 3 of well-separated blobs.
 */
export function kmeansMatrix(): Float64Array {
  return mixture(KMEANS_ROWS, KMEANS_COLS, KMEANS_K, 'kmeans', 1).x;
}

/**
 * The silhouette row's matrix (20,000 × 10 around 10 centres) and, for each
 * k of SILHOUETTE_KS, the labelling by the nearest of the first k centres:
 * k clusters, the same in the worker and for scikit-learn.
 */
export function silhouetteInput(): { x: Float64Array; labellings: Int32Array[] } {
  const k = SILHOUETTE_KS.at(-1)!;
  const { x, centres } = mixture(SILHOUETTE_ROWS, KMEANS_COLS, k, 'silhouette', 2.5);
  const d = KMEANS_COLS;
  const labellings = SILHOUETTE_KS.map((kk) => {
    const labels = new Int32Array(SILHOUETTE_ROWS);
    for (let i = 0; i < SILHOUETTE_ROWS; i++) {
      let best = 0;
      let bestDist = Infinity;
      for (let c = 0; c < kk; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (x[i * d + j] - centres[c * d + j]) ** 2;
        if (s < bestDist) {
          bestDist = s;
          best = c;
        }
      }
      labels[i] = best;
    }
    return labels;
  });
  return { x, labellings };
}
