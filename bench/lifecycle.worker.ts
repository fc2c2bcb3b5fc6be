// Bench worker for the lifecycle rows: the engine functions the compute
// worker's handlers call (readTransactionLog, rfm, cohortRetention, kmeans,
// silhouetteScores), timed inside a dedicated worker on data it generated
// itself (./lifecycleData.ts), so the rows time the computation on data
// already in memory — as pandas' and scikit-learn's rows time theirs after
// read_csv — and not IndexedDB or postMessage.
//
// Messages: { id, name } in; { id, result } or { id, error } out.

import { NO_PROGRESS, type DataTable, type Progress } from '../src/lib/engine/data/table';
import { cohortRetention } from '../src/lib/engine/lifecycle/cohorts';
import { DEFAULT_RULES, rfm } from '../src/lib/engine/lifecycle/rfm';
import {
  asOfDayOf,
  readTransactionLog,
  type LogColumns,
} from '../src/lib/engine/lifecycle/transactions';
import { kmeans } from '../src/lib/engine/models/kmeans';
import { silhouetteScores } from '../src/lib/engine/models/silhouette';
import {
  KMEANS_COLS,
  KMEANS_K,
  KMEANS_RESTARTS,
  KMEANS_ROWS,
  KMEANS_TOL,
  LOG_ROWS,
  SILHOUETTE_KS,
  SILHOUETTE_ROWS,
  kmeansMatrix,
  logTable,
  silhouetteInput,
  transactionLog,
} from './lifecycleData';

const COLUMNS: LogColumns = {
  customer: 'customer',
  date: 'date',
  amount: 'amount',
  quantity: null,
  transaction: null,
};

let table: DataTable | null = null;
let matrix: Float64Array | null = null;
let silhouette: ReturnType<typeof silhouetteInput> | null = null;

/** The log's table, made on the first request (its time reported apart). */
function logOnce(): { table: DataTable; makeMs: number } {
  const t0 = performance.now();
  table ??= logTable(transactionLog(LOG_ROWS));
  return { table, makeMs: performance.now() - t0 };
}

/** A progress that only counts reports: k-means reports once per restart and once per further iteration. */
function counting(): Progress & { reports: number } {
  const p = {
    reports: 0,
    report() {
      p.reports++;
      return Promise.resolve();
    },
  };
  return p;
}

const jobs: Record<string, () => Promise<Record<string, unknown>>> = {
  /**
   * RFM with the 11 segments (quantile scores, 5 bins, frequency =
   * transactions, monetary = total, returns netted, as-of the day after the
   * last row): reading the table as a log, then rfm().
   */
  async rfm() {
    const { table, makeMs } = logOnce();
    const t0 = performance.now();
    const log = readTransactionLog(table, COLUMNS, 'net');
    const t1 = performance.now();
    const r = await rfm(
      log,
      {
        asOfDay: asOfDayOf(log, null),
        frequency: 'transactions',
        monetary: 'total',
        scoring: {
          recency: { method: 'quantile', bins: 5 },
          frequency: { method: 'quantile', bins: 5 },
          monetary: { method: 'quantile', bins: 5 },
        },
        weights: { recency: 1, frequency: 1, monetary: 1 },
        rules: DEFAULT_RULES,
      },
      NO_PROGRESS,
    );
    const t2 = performance.now();
    return {
      ms: t2 - t0,
      logMs: t1 - t0,
      rfmMs: t2 - t1,
      makeMs,
      rows: table.rowCount,
      customers: r.customer.length,
      // To check against pandas: customers per segment (the rules', then other).
      segments: r.segments.map((s) => s.customers),
      revenue: r.segments.reduce((sum, s) => sum + s.revenue, 0),
    };
  },
  /** Monthly calendar cohorts, n-period retention with revenue, as-of the day after the last row. */
  async cohorts() {
    const { table, makeMs } = logOnce();
    const t0 = performance.now();
    const log = readTransactionLog(table, COLUMNS, 'net');
    const t1 = performance.now();
    const c = await cohortRetention(
      log,
      {
        period: 'month',
        counting: 'calendar',
        kind: 'n-period',
        brackets: [],
        asOfDay: asOfDayOf(log, null),
      },
      NO_PROGRESS,
    );
    const t2 = performance.now();
    let retained = 0;
    for (const v of c.retained) retained += v;
    return {
      ms: t2 - t0,
      logMs: t1 - t0,
      cohortsMs: t2 - t1,
      makeMs,
      cohorts: c.cohorts.length,
      periods: c.periods,
      members: c.members,
      retained,
      averageAt12: c.average[12],
    };
  },
  /** kmeans() on the 1,000,000 × 10 matrix: k = 6, 10 k-means++ restarts, Lloyd, tol 1e-4. */
  async kmeans() {
    const t = performance.now();
    matrix ??= kmeansMatrix();
    const makeMs = performance.now() - t;
    const progress = counting();
    const t0 = performance.now();
    const fit = await kmeans(
      matrix,
      KMEANS_ROWS,
      KMEANS_COLS,
      { k: KMEANS_K, restarts: KMEANS_RESTARTS, tol: KMEANS_TOL, seed: 1 },
      progress,
    );
    const ms = performance.now() - t0;
    return {
      ms,
      makeMs,
      inertia: fit.inertia,
      iterations: fit.iterations,
      // One report per restart, one per iteration after a restart's first, and a last one.
      totalIterations: progress.reports - 1,
    };
  },
  /** silhouetteScores() of the 9 labellings (k = 2 … 10) of the 20,000 × 10 matrix, exact. */
  async silhouette() {
    const t = performance.now();
    silhouette ??= silhouetteInput();
    const makeMs = performance.now() - t;
    const t0 = performance.now();
    const r = await silhouetteScores(
      silhouette.x,
      SILHOUETTE_ROWS,
      KMEANS_COLS,
      silhouette.labellings.map((labels, i) => ({ labels, k: SILHOUETTE_KS[i] })),
    );
    return { ms: performance.now() - t0, makeMs, scores: r.scores, sampled: r.sampled };
  },
};

self.onmessage = async (event: MessageEvent<{ id: number; name: string }>) => {
  const { id, name } = event.data;
  try {
    const result = await jobs[name]();
    self.postMessage({ id, result });
  } catch (e) {
    self.postMessage({ id, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
  }
};
