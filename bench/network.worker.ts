// Bench worker for the network rows: the engine's NetworkTrainer and
// tfjs-layers' model.fit on TF.js's wasm backend, and the float64 scoring of
// forward.ts and score.ts, timed inside a dedicated worker as the app's
// training and compute workers run them. Its own worker rather than the
// app's training worker because the target is for a given epoch
// (100,000 rows of 20 inputs, ./networkData.ts), not for a Network cell's
// whole job (split, coding, standardisation, the teaching view's surfaces).
//
// The wasm binaries are bundled and handed to initBackend as
// src/lib/workers/training.worker.ts does. The bench page is not
// cross-origin isolated (nor is the app's), so tfjs-backend-wasm runs its
// SIMD binary on one thread; `setup` reports what it got.
//
// Messages: { id, name, arg } in; { id, result } or { id, error } out.
// Each request is timed here, so the page's postMessage round trip is not.

import * as tf from '@tensorflow/tfjs';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { DataTable } from '../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../src/lib/engine/models/design';
import { probabilities } from '../src/lib/engine/models/network/forward';
import { initBackend } from '../src/lib/engine/models/network/backend';
import { NetworkTrainer } from '../src/lib/engine/models/network/trainer';
import type {
  NetworkArchitecture,
  NetworkModel,
  TrainingOptions,
} from '../src/lib/engine/models/network/types';
import { scoreTable } from '../src/lib/engine/models/score';
import type { Design, Pipeline } from '../src/lib/engine/models/types';
import {
  NETWORK_BATCH,
  NETWORK_HIDDEN,
  NETWORK_INPUTS,
  NETWORK_TRAIN_ROWS,
  networkRows,
} from './networkData';

export interface NetworkTrainResult {
  /** Per epoch of NetworkTrainer: EpochMetrics.ms (shuffle + steps) and the whole trainEpoch call (+ the epoch's measuring). */
  steps: number[];
  wall: number[];
  /** Per one-epoch model.fit call. */
  fit: number[];
  loss: number;
  backend: string;
  simd: boolean;
  threads: boolean;
  /** Tensors alive after the run: the trainer's and model.fit's, unchanged from run to run. */
  tensors: number;
  /** ms for initBackend (and data), first call only. */
  setupMs: number;
}

export interface NetworkScoreResult {
  rows: number;
  /** probabilities(design, model) on the coded 1M × 21 design. */
  probabilitiesMs: number;
  /** scoreTable(table, model, { reasons: 0 }) on the same rows. */
  plainMs: number;
  reasonRows: number;
  /** scoreTable(first reasonRows rows, model, { reasons: 3 }). */
  reasonsMs: number;
}

const architecture: NetworkArchitecture = {
  kind: 'mlp',
  hidden: NETWORK_HIDDEN.map((units) => ({ units, activation: 'relu' as const })),
  dropout: 0,
  l2: 0,
};
const options: TrainingOptions = {
  optimizer: 'adam',
  learningRate: 0.001,
  batchSize: NETWORK_BATCH,
  epochs: 10_000,
  earlyStopping: null,
  seed: 1,
};

interface Training {
  trainer: NetworkTrainer;
  model: tf.Sequential;
  xt: tf.Tensor2D;
  yt: tf.Tensor2D;
  status: { backend: string; simd: boolean; threads: boolean };
  setupMs: number;
}

let training: Training | null = null;

async function setUp(): Promise<Training> {
  const t0 = performance.now();
  const status = await initBackend({
    backend: 'wasm',
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasm,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    },
  });
  if (status.fallback !== null) throw new Error(`wasm did not start: ${status.fallback}`);
  const { n, x, y } = networkRows(NETWORK_TRAIN_ROWS);
  const k = NETWORK_INPUTS;
  const trainer = new NetworkTrainer(architecture, options, { n, inputs: k, x, y });
  // The same network in tfjs-layers, its data uploaded once as two tensors.
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [k], units: NETWORK_HIDDEN[0], activation: 'relu' }),
      tf.layers.dense({ units: NETWORK_HIDDEN[1], activation: 'relu' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy' });
  return {
    trainer,
    model,
    xt: tf.tensor2d(x, [n, k]),
    yt: tf.tensor2d(y, [n, 1]),
    status: {
      backend: tf.getBackend(),
      simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
      threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    },
    setupMs: performance.now() - t0,
  };
}

/** `epochs` epochs of each loop, alternating, on the same trainer and model as the runs before. */
async function train(epochs: number): Promise<NetworkTrainResult> {
  const first = training === null;
  training ??= await setUp();
  const { trainer, model, xt, yt } = training;
  const steps: number[] = [];
  const wall: number[] = [];
  const fit: number[] = [];
  let loss = NaN;
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    const metrics = await trainer.trainEpoch();
    wall.push(performance.now() - t0);
    steps.push(metrics.ms);
    loss = metrics.loss;
    // yieldEvery 'never': model.fit does not stop between batches for the
    // event loop, as trainEpoch without a checkpoint hook does not either.
    const t1 = performance.now();
    await model.fit(xt, yt, {
      batchSize: NETWORK_BATCH,
      epochs: 1,
      shuffle: true,
      verbose: 0,
      yieldEvery: 'never',
    });
    fit.push(performance.now() - t1);
  }
  return {
    steps,
    wall,
    fit,
    loss,
    ...training.status,
    tensors: tf.memory().numTensors,
    setupMs: first ? training.setupMs : 0,
  };
}

interface Scoring {
  table: DataTable;
  pipeline: Pipeline;
  /** The whole table coded, for probabilities alone. */
  design: Design;
  /** Its first rows, for the reasons. */
  head: DataTable;
}

let scoring: Scoring | null = null;

/** `rows` customers of 20 numeric columns x1…x20 and churned (yes/no), as a stored table is read. */
function scoringTable(rows: number): DataTable {
  const { x, y } = networkRows(rows, 'bench/network-score');
  const k = NETWORK_INPUTS;
  const columns: DataTable['columns'][number][] = [];
  for (let j = 0; j < k; j++) {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = x[i * k + j];
    columns.push({ kind: 'number', name: `x${j + 1}`, type: 'decimal', values });
  }
  columns.push({
    kind: 'string',
    name: 'churned',
    type: 'categorical',
    codes: Int32Array.from(y),
    dictionary: ['no', 'yes'],
  });
  return { rowCount: rows, columns };
}

function firstRows(table: DataTable, rows: number): DataTable {
  return {
    rowCount: rows,
    columns: table.columns.map((c) =>
      c.kind === 'number'
        ? { ...c, values: c.values.subarray(0, rows) }
        : { ...c, codes: c.codes.subarray(0, rows) },
    ),
  };
}

/** The network as trained so far, scored on `rows` rows; reasons on the first `reasonRows`. */
async function score(rows: number, reasonRows: number): Promise<NetworkScoreResult> {
  if (!training) throw new Error('train first');
  if (!scoring || scoring.table.rowCount !== rows) {
    scoring = null; // the old table may go before the new one is made
    const table = scoringTable(rows);
    const pipeline = buildPipeline(table, {
      target: { column: 'churned', positive: 'yes' },
      features: Array.from({ length: NETWORK_INPUTS }, (_, j) => `x${j + 1}`),
    });
    const design = designOf(table, pipeline, { target: false });
    scoring = { table, pipeline, design, head: table };
  }
  if (scoring.head.rowCount !== reasonRows) scoring.head = firstRows(scoring.table, reasonRows);
  const { table, pipeline, design, head } = scoring;
  const model: NetworkModel = {
    format: 'lifecycle-lab.network',
    version: 1,
    pipeline,
    // The trainer's inputs were standard normal already; the scoring rows are too.
    scaling: { center: Array(NETWORK_INPUTS).fill(0), scale: Array(NETWORK_INPUTS).fill(1) },
    architecture,
    layers: training.trainer.weights(),
    offset: 0,
  };
  const t0 = performance.now();
  probabilities(design, model);
  const t1 = performance.now();
  await scoreTable(table, model, { reasons: 0 });
  const t2 = performance.now();
  await scoreTable(head, model, { reasons: 3 });
  const t3 = performance.now();
  return {
    rows,
    probabilitiesMs: t1 - t0,
    plainMs: t2 - t1,
    reasonRows,
    reasonsMs: t3 - t2,
  };
}

self.onmessage = async (event: MessageEvent<{ id: number; name: string; arg: number[] }>) => {
  const { id, name, arg } = event.data;
  try {
    const result =
      name === 'train'
        ? await train(arg[0])
        : name === 'score'
          ? await score(arg[0], arg[1])
          : (() => {
              throw new Error(`unknown request ${name}`);
            })();
    self.postMessage({ id, result });
  } catch (error) {
    self.postMessage({
      id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
};
