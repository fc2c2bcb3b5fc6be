// Benchmark page: runs one scenario when the runner (bench/run.mjs) asks,
// through the same worker and protocol as the app (the network scenarios
// through ./network.worker.ts), and reports timings.
import { ComputeClient } from '../src/lib/workers/client';
import { openStorage } from '../src/lib/storage/db';
import { tableFromIpcChunks } from '../src/lib/engine/data/arrow';
import { kaplanMeier } from '../src/lib/engine/survival/kaplanMeier';
import { survivalInputs } from '../src/lib/engine/survival/prepare';
import { BENCH_COLUMNS, generateBenchCsv } from './generate';
import { survivalScenarios } from './survival';
import { lifecycleScenarios } from './lifecycle';
import type { LogisticSpec } from '../src/lib/engine/models/train';
import type { LogisticModel } from '../src/lib/engine/models/types';
import type { NetworkScoreResult, NetworkTrainResult } from './network.worker';

const worker = new Worker(new URL('../src/lib/workers/compute.worker.ts', import.meta.url), {
  type: 'module',
});
const client = new ComputeClient(worker);

// The network rows' own worker (./network.worker.ts says why), started on
// the first network scenario so that the other rows run without TF.js loaded.
let networkWorker: Worker | null = null;
let networkRequests = 0;
function network<T>(name: string, arg: number[]): Promise<T> {
  networkWorker ??= new Worker(new URL('./network.worker.ts', import.meta.url), {
    type: 'module',
  });
  const w = networkWorker;
  const id = ++networkRequests;
  return new Promise((resolve, reject) => {
    const listener = (event: MessageEvent<{ id: number; result?: T; error?: string }>) => {
      if (event.data.id !== id) return;
      w.removeEventListener('message', listener);
      if (event.data.error !== undefined) reject(new Error(event.data.error));
      else resolve(event.data.result as T);
    };
    w.addEventListener('message', listener);
    w.postMessage({ id, name, arg });
  });
}

export interface ScenarioResult {
  ms: number;
  detail: Record<string, unknown>;
}

async function makeCsv(rows: number): Promise<File> {
  const parts: string[] = [];
  for (const chunk of generateBenchCsv(rows, 42)) parts.push(chunk);
  const file = new File(parts, `bench-${rows}.csv`, { type: 'text/csv' });
  // Chromium hands a File made on the page to the browser process after the
  // constructor returns; the first read waits for that (~120 ms for this
  // file). A file the user drops is already on disk, as pandas' file is:
  // wait for it here, before the clock starts.
  await file.slice(0, 1).arrayBuffer();
  return file;
}

let lastDatasetId: string | null = null;
let lastModel: LogisticModel | null = null;

/**
 * The bench model: churned on every other column a model can use — 10
 * numeric and 5 categorical (1 + 4 + 2 + 3 + 2 dummies): 23 coefficients.
 * The peers (run.mjs) fit the same formula on the same file.
 */
export const LOGISTIC_SPEC: LogisticSpec = {
  target: 'churned',
  positive: 'yes',
  // Every bench column but the identifiers, the dates and the target.
  features: BENCH_COLUMNS.filter(
    (c) => !['customer_id', 'email', 'signup_date', 'last_order_date', 'churned'].includes(c),
  ),
  interactions: [],
  references: [],
  split: { kind: 'random', train: 1, validation: 0, test: 0, seed: 1, stratify: true },
  balance: { method: 'none', share: 0.5, correct: false, seed: 1 },
  selection: 'none',
  penalty: null,
  profile: false,
};

const scenarios: Record<string, (rows: number, more: number) => Promise<ScenarioResult>> = {
  /** Time from handing the worker a File to a stored, typed table. */
  async ingest(rows) {
    const file = await makeCsv(rows);
    const t0 = performance.now();
    // The worker's progress messages name the stage; the first 'store' one
    // comes once the table is parsed and typed. A file read in one pass is
    // encoded and written after it; a file read in parts (engine/data/parts.ts)
    // was encoded and written by the parts before it, and only its meta is
    // committed after.
    let storeAt = NaN;
    const meta = await client.request(
      'ingest-file',
      { file, name: file.name },
      {
        onProgress: (p) => {
          if (p.stage === 'store' && Number.isNaN(storeAt)) storeAt = performance.now();
        },
      },
    );
    const t1 = performance.now();
    lastDatasetId = meta.id;
    return {
      ms: t1 - t0,
      detail: {
        rows: meta.rowCount,
        cols: meta.columns.length,
        mb: file.size / 2 ** 20,
        parseMs: storeAt - t0,
        storeMs: t1 - storeAt,
      },
    };
  },
  /**
   * Kaplan–Meier (log CI) from the stored table, as a reader re-opening the
   * notebook meets it: a fresh worker (nothing cached) reads the table from
   * IndexedDB, decodes it and computes the curve. Then the computation alone
   * (survivalInputs + kaplanMeier, the worker's own code) is timed again on
   * this page, on the same table.
   */
  async km() {
    if (!lastDatasetId) throw new Error('run ingest first');
    const settings = { duration: 'tenure_months', event: 'churned' };
    const freshWorker = new Worker(
      new URL('../src/lib/workers/compute.worker.ts', import.meta.url),
      { type: 'module' },
    );
    const fresh = new ComputeClient(freshWorker);
    const t0 = performance.now();
    const r = await fresh.request('kaplan-meier', { datasetId: lastDatasetId, settings });
    const ms = performance.now() - t0;
    fresh.dispose();
    freshWorker.terminate();
    const storage = await openStorage();
    const { meta, chunks } = await storage.loadDataset(lastDatasetId);
    const table = tableFromIpcChunks(chunks, meta.columns);
    const t1 = performance.now();
    const inputs = survivalInputs(table, settings);
    kaplanMeier(inputs.time, inputs.event);
    const computeMs = performance.now() - t1;
    return { ms, detail: { times: r.curves[0].time.length, computeMs } };
  },
  /**
   * The Model cell's job on the stored bench table, in the worker that
   * ingested it (the table is cached there, as in the app after a load): the
   * float64 IRLS fit with its whole inference (SEs, Wald intervals,
   * deviances, LR test, pseudo-R², Hosmer–Lemeshow, GVIF) on every row, no
   * split. `rows` 1 adds profile-likelihood intervals.
   */
  async logistic(profile) {
    if (!lastDatasetId) throw new Error('run ingest first');
    const t0 = performance.now();
    const r = await client.request('fit-logistic', {
      datasetId: lastDatasetId,
      spec: { ...LOGISTIC_SPEC, profile: profile === 1 },
    });
    lastModel = r.model;
    return {
      ms: performance.now() - t0,
      detail: { rows: r.fit.n, columns: r.model.beta.length, iterations: r.fit.iterations },
    };
  },
  /** The Score cell's job: every row's probability, decile, band and three reasons, stored. */
  async score() {
    if (!lastDatasetId || !lastModel) throw new Error('run logistic first');
    const t0 = performance.now();
    let storeAt = NaN;
    const r = await client.request(
      'score',
      {
        notebook: 'bench',
        cell: `score-${Math.random()}`,
        datasetId: lastDatasetId,
        model: lastModel,
        options: { unseen: 'reference', bands: { high: 0.5, medium: 0.2 }, reasons: 3 },
      },
      {
        onProgress: (p) => {
          if (p.stage === 'store' && Number.isNaN(storeAt)) storeAt = performance.now();
        },
      },
    );
    const t1 = performance.now();
    return { ms: t1 - t0, detail: { rows: r.summary.scored, scoreMs: storeAt - t0 } };
  },
  /** Re-opening a stored dataset (cold worker cache): IndexedDB read + Arrow decode. */
  async reopen() {
    if (!lastDatasetId) throw new Error('run ingest first');
    const freshWorker = new Worker(
      new URL('../src/lib/workers/compute.worker.ts', import.meta.url),
      {
        type: 'module',
      },
    );
    const fresh = new ComputeClient(freshWorker);
    const t0 = performance.now();
    const p = await fresh.request('preview', { datasetId: lastDatasetId, rows: 5 });
    const ms = performance.now() - t0;
    fresh.dispose();
    // Else every run leaves a worker holding a whole table, and later runs measure the swapping.
    freshWorker.terminate();
    // The same two steps again, timed apart (on this page, after the worker is done).
    const storage = await openStorage();
    const t1 = performance.now();
    const { meta, chunks } = await storage.loadDataset(lastDatasetId);
    const t2 = performance.now();
    tableFromIpcChunks(chunks, meta.columns);
    const t3 = performance.now();
    return { ms, detail: { rows: p.rowCount, readMs: t2 - t1, decodeMs: t3 - t2 } };
  },
  /**
   * `epochs` epochs of the bench network (./network.worker.ts), each by
   * NetworkTrainer and then by model.fit, on the same trainer and model as
   * the runs before in this page (the first run starts wasm and the data).
   * ms: the median NetworkTrainer epoch (EpochMetrics.ms).
   */
  async 'network-train'(epochs) {
    const r = await network<NetworkTrainResult>('train', [epochs]);
    return { ms: middle(r.steps), detail: { ...r } };
  },
  /** The network as trained so far scoring `rows` rows, and with 3 reasons `reasonRows` rows (the worker times each). */
  async 'network-score'(rows, reasonRows) {
    const r = await network<NetworkScoreResult>('score', [rows, reasonRows]);
    return { ms: r.probabilitiesMs, detail: { ...r } };
  },
  async cleanup() {
    const storage = await openStorage();
    await storage.deleteAllData();
    lastDatasetId = null;
    return { ms: 0, detail: {} };
  },
  ...survivalScenarios,
  ...lifecycleScenarios,
};

function middle(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

(window as unknown as { runScenario: unknown }).runScenario = async (
  name: string,
  rows: number,
  more = 0,
) => scenarios[name](rows, more);
document.getElementById('log')!.textContent = 'benchmarks: ready';
