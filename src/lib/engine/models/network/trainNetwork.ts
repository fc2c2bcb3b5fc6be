// A Network cell's whole job: from a table and the analyst's choices to a
// trained network, epoch by epoch, with what the live charts and the
// teaching view draw after each epoch. Pure apart from TF.js (through
// ./trainer.ts); runs in the training worker and in Node (the headless
// runner, tests). The caller initialises the TF.js backend.
//
// The rows are those of the logistic model (../train.ts), in the same
// order of steps, so that the two are compared on the same test rows:
//   1. the target's rows are split (the same seeded split, or column, or folds);
//   2. the pipeline (levels, references, means) and the standardisation
//      (means and standard deviations of each design column) are read from
//      the training rows only;
//   3. the imbalance treatment touches the training rows only (class
//      weights enter the loss; resampled rows are trained on), and the prior
//      correction takes the probabilities back to the population's base rate;
//   4. early stopping watches the validation rows' loss; the test rows are
//      never seen here.
//
// What the page hears, in order: one 'start' event (sizes, the backend, the
// teaching view's axes and points), then per epoch an 'epoch' event (its
// metrics; for the teaching view the surface, the weights and, for the
// gradient-descent logistic model, its coefficients on the data's scale),
// and optionally 'batch' events. After each epoch the job reaches a step
// boundary: a paused job waits there, a step pauses there, a new learning
// rate is taken there, and a stop ends the training with the weights so far.

import { EngineError, getColumn, type DataTable, type Progress } from '../../data/table';
import { Random } from '../../data/random';
import { buildPipeline, designOf, targetValues } from '../design';
import { irls } from '../irls';
import { priorOffset } from '../sampling';
import {
  balanced,
  choicesOf,
  counts,
  foldReport,
  foldsOf,
  partsOf,
  PART,
  rowsWhere,
  type FoldReport,
  type ModelDataSpec,
  type ModelRows,
} from '../train';
import type { Design, Pipeline } from '../types';
import { NetworkTrainer } from './trainer';
import { probabilities } from './forward';
import type {
  DenseLayer,
  EpochMetrics,
  NetworkArchitecture,
  NetworkData,
  NetworkModel,
  TrainingOptions,
} from './types';

/** Everything a Network cell asks for, as its job receives it. */
export interface NetworkSpec extends ModelDataSpec {
  architecture: NetworkArchitecture;
  training: TrainingOptions;
  /** Also report the training loss every this many batches (0: after each epoch only). */
  batchEvery: number;
}

/** What may change while a network trains; read at the next epoch boundary. */
export interface TrainingAdjust {
  learningRate: number;
}

/** Cells of the teaching view's grid along each axis. */
export const SURFACE_STEPS = 40;
/** Customers drawn as points on the surface, at most. */
export const SURFACE_POINTS = 400;
/** The diagram draws the weights of networks up to this many parameters. */
export const DIAGRAM_PARAMETERS = 5_000;

/**
 * The teaching view's plane: drawn for a network on exactly two numeric (or
 * boolean) features and no interaction, so the surface is the model itself
 * and not a slice through more dimensions.
 */
export interface SurfaceAxes {
  x: { column: string; min: number; max: number };
  y: { column: string; min: number; max: number };
  steps: number;
  /** A seeded sample of training customers: their two values and class. */
  points: { x: number[]; y: number[]; positive: number[] };
}

export type TrainingEvent =
  | {
      type: 'start';
      backend: string;
      /** Why the preferred backend was not used, or null. */
      fallback: string | null;
      parameters: number;
      rows: { train: number; validation: number };
      epochs: number;
      /** The inputs' labels (design columns after the intercept). */
      inputs: string[];
      surface: SurfaceAxes | null;
      /**
       * The IRLS coefficients the gradient-descent logistic model converges
       * to, on the standardised inputs' scale (intercept first), so they are
       * comparable on one chart; null for other networks.
       */
      target: number[] | null;
    }
  | {
      type: 'epoch';
      metrics: EpochMetrics;
      /** The network's weights, for its diagram (small networks only). */
      weights: DenseLayer[] | null;
      /** The gradient-descent logistic model's bias and weights (standardised scale), as `target`. */
      coefficients: number[] | null;
      /** P(positive) on the surface grid, row by row from the lowest y (steps × steps). */
      surface: number[] | null;
    }
  | { type: 'batch'; epoch: number; batch: number; loss: number };

export type StopReason = 'completed' | 'early-stopping' | 'stopped';

/** A Network cell's result. */
export interface TrainedNetwork {
  model: NetworkModel;
  datasetId: string;
  spec: NetworkSpec;
  rows: ModelRows;
  backend: string;
  fallback: string | null;
  parameters: number;
  history: EpochMetrics[];
  /** The epoch whose weights the model holds. */
  bestEpoch: number;
  stopReason: StopReason;
  /** Learning-rate changes made while it trained (not in the settings, so a rerun does not repeat them). */
  adjustments: { epoch: number; learningRate: number }[];
  /** The teaching view as it was when training ended. */
  teaching: {
    start: Extract<TrainingEvent, { type: 'start' }>;
    last: Extract<TrainingEvent, { type: 'epoch' }> | null;
    /** The gradient-descent logistic model's coefficients after each epoch (as the events'), or null. */
    path: number[][] | null;
  };
  /** K-fold: each fold's held-out metrics and the network trained without it. */
  folds: { report: FoldReport; model: NetworkModel }[] | null;
}

/** What the job needs from where it runs (the worker's JobContext, or a test's stand-in). */
export interface TrainingHooks {
  progress: Progress;
  emit(event: TrainingEvent): void;
  /** Between batches: lets controls in and throws once cancelled (a pause waits for the epoch's end). */
  checkpoint(): Promise<void>;
  /** After each epoch: waits while paused; a step pauses here. */
  boundary(): Promise<void>;
  adjustments(): TrainingAdjust[];
  readonly stopped: boolean;
  backend: { name: string; fallback: string | null };
}

/** Standardisation of each design column after the intercept, from the training rows (population sd, as scikit-learn's StandardScaler). */
export function scalingOf(design: Design): NetworkModel['scaling'] {
  const { n, p, X } = design;
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 1; j < p; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += X[i * p + j];
    const mean = n > 0 ? sum / n : 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = X[i * p + j] - mean;
      ss += d * d;
    }
    const sd = n > 0 ? Math.sqrt(ss / n) : 0;
    center.push(mean);
    // A constant column carries nothing; scale 1 keeps it at 0 instead of dividing by 0.
    scale.push(sd > 1e-12 ? sd : 1);
  }
  return { center, scale };
}

/** A design's rows as a network's standardised float32 inputs. */
export function networkData(
  design: Design,
  scaling: NetworkModel['scaling'],
  weights?: Float64Array,
): NetworkData {
  const { n, p, X } = design;
  const inputs = p - 1;
  const x = new Float32Array(n * inputs);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < inputs; j++)
      x[i * inputs + j] = (X[i * p + j + 1] - scaling.center[j]) / scaling.scale[j];
  return {
    n,
    inputs,
    x,
    y: Float32Array.from(design.y),
    ...(weights ? { weights: Float32Array.from(weights) } : {}),
  };
}

function surfaceAxes(pipeline: Pipeline, design: Design, seed: number): SurfaceAxes | null {
  const f = pipeline.features;
  if (f.length !== 2 || pipeline.interactions.length > 0) return null;
  if (f.some((x) => x.kind === 'categorical')) return null;
  const { n, p, X } = design;
  const range = (j: number) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = X[i * p + j];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // A margin of 5 % on each side, so the extreme customers are not on the edge.
    const pad = (max - min) * 0.05 || 0.5;
    return { min: min - pad, max: max + pad };
  };
  const random = new Random(seed).derive('surface-points');
  const picks: number[] = [];
  if (n <= SURFACE_POINTS) for (let i = 0; i < n; i++) picks.push(i);
  else {
    // Floyd's algorithm: a uniform sample without replacement, in row order.
    const chosen = new Set<number>();
    for (let j = n - SURFACE_POINTS; j < n; j++) {
      const t = random.int(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    picks.push(...[...chosen].sort((a, b) => a - b));
  }
  return {
    x: { column: f[0].column, ...range(1) },
    y: { column: f[1].column, ...range(2) },
    steps: SURFACE_STEPS,
    points: {
      x: picks.map((i) => X[i * p + 1]),
      y: picks.map((i) => X[i * p + 2]),
      positive: picks.map((i) => design.y[i]),
    },
  };
}

/** The surface grid as standardised inputs, row by row from the lowest y. */
function surfaceGrid(axes: SurfaceAxes, scaling: NetworkModel['scaling']): Float32Array {
  const s = axes.steps;
  const grid = new Float32Array(s * s * 2);
  for (let r = 0; r < s; r++)
    for (let c = 0; c < s; c++) {
      const x = axes.x.min + ((c + 0.5) / s) * (axes.x.max - axes.x.min);
      const y = axes.y.min + ((r + 0.5) / s) * (axes.y.max - axes.y.min);
      const k = (r * s + c) * 2;
      grid[k] = (x - scaling.center[0]) / scaling.scale[0];
      grid[k + 1] = (y - scaling.center[1]) / scaling.scale[1];
    }
  return grid;
}

function parametersOf(inputs: number, a: NetworkArchitecture): number {
  let total = 0;
  let width = inputs;
  for (const h of a.hidden) {
    total += width * h.units + h.units;
    width = h.units;
  }
  return total + width + 1;
}

interface Trained {
  model: NetworkModel;
  history: EpochMetrics[];
  bestEpoch: number;
  stopReason: StopReason;
  adjustments: { epoch: number; learningRate: number }[];
  start: Extract<TrainingEvent, { type: 'start' }>;
  last: Extract<TrainingEvent, { type: 'epoch' }> | null;
  path: number[][] | null;
  design: Design;
  fitted: Design;
}

/** Trains one network on `trainRows`, early-stopping on `validationRows`; `live`: emit events and obey controls. */
async function trainOn(
  table: DataTable,
  spec: NetworkSpec,
  trainRows: Uint32Array,
  validationRows: Uint32Array,
  hooks: TrainingHooks,
  live: boolean,
): Promise<Trained> {
  const pipeline = buildPipeline(table, choicesOf(spec), trainRows);
  const design = designOf(table, pipeline, { rows: trainRows });
  if (design.n === 0) throw new EngineError('model.no-rows', {});
  const treated = balanced(design, pipeline, spec.balance);
  const scaling = scalingOf(design);
  const train = networkData(treated.design, scaling, treated.weights);
  const heldOut =
    validationRows.length > 0
      ? designOf(table, pipeline, { rows: validationRows, unseen: 'reference' })
      : null;
  const validation = heldOut && heldOut.n > 0 ? networkData(heldOut, scaling) : null;
  const { architecture, training } = spec;
  if (training.earlyStopping && !validation) throw new EngineError('network.no-validation', {});

  const trainer = NetworkTrainer.create(architecture, training, train, validation);
  try {
    const inputs = pipeline.coefficients.slice(1).map((c) => c.label);
    const parameters = parametersOf(train.inputs, architecture);
    const axes = live ? surfaceAxes(pipeline, design, training.seed) : null;
    const grid = axes ? surfaceGrid(axes, scaling) : null;
    let target: number[] | null = null;
    if (live && architecture.kind === 'logistic') {
      const fit = await irls(treated.design, {
        weights: treated.weights,
        progress: hooks.progress,
      });
      // logit = β₀ + Σ βⱼxⱼ with xⱼ = cⱼ + sⱼzⱼ: bias β₀ + Σ βⱼcⱼ, weights βⱼsⱼ on the z's.
      const beta = Array.from(fit.beta, (b) => (Number.isFinite(b) ? b : 0));
      let bias = beta[0];
      for (let j = 1; j < beta.length; j++) bias += beta[j] * scaling.center[j - 1];
      target = [bias, ...beta.slice(1).map((b, j) => b * scaling.scale[j])];
    }
    const start: Extract<TrainingEvent, { type: 'start' }> = {
      type: 'start',
      backend: hooks.backend.name,
      fallback: hooks.backend.fallback,
      parameters,
      rows: { train: train.n, validation: validation?.n ?? 0 },
      epochs: training.epochs,
      inputs,
      surface: axes,
      target,
    };
    if (live) hooks.emit(start);

    const history: EpochMetrics[] = [];
    const adjustments: Trained['adjustments'] = [];
    let best: { loss: number; epoch: number; layers: DenseLayer[] } | null = null;
    let stopReason: StopReason = 'completed';
    let last: Trained['last'] = null;
    const path: number[][] | null = architecture.kind === 'logistic' && live ? [] : null;
    for (let epoch = 1; epoch <= training.epochs; epoch++) {
      if (live)
        for (const change of hooks.adjustments()) {
          const rate = change?.learningRate;
          // From the page: checked as params are.
          if (typeof rate !== 'number' || !(rate > 0 && rate <= 10)) continue;
          trainer.setLearningRate(rate);
          adjustments.push({ epoch, learningRate: rate });
        }
      const metrics = await trainer.trainEpoch({
        checkpoint: () => hooks.checkpoint(),
        onBatch:
          live && spec.batchEvery > 0
            ? (batch, loss) => {
                if (batch % spec.batchEvery === 0)
                  hooks.emit({ type: 'batch', epoch, batch, loss });
              }
            : undefined,
      });
      history.push(metrics);
      hooks.progress.report(epoch, training.epochs);
      const watched = metrics.valLoss ?? metrics.loss;
      if (!best || watched < best.loss) best = { loss: watched, epoch, layers: trainer.snapshot() };
      if (live) {
        const layers = trainer.weights();
        last = {
          type: 'epoch',
          metrics,
          weights: parameters <= DIAGRAM_PARAMETERS ? layers : null,
          coefficients:
            architecture.kind === 'logistic' ? [layers[0].bias[0], ...layers[0].kernel] : null,
          surface:
            axes && grid ? Array.from(sigmoid(trainer.predictLogits(grid, grid.length / 2))) : null,
        };
        if (path && last.coefficients) path.push(last.coefficients);
        hooks.emit(last);
        await hooks.boundary();
        if (hooks.stopped) {
          stopReason = 'stopped';
          break;
        }
      }
      if (
        training.earlyStopping &&
        best &&
        epoch - best.epoch >= training.earlyStopping.patience &&
        epoch < training.epochs
      ) {
        stopReason = 'early-stopping';
        break;
      }
    }
    // With early stopping the best epoch's weights are restored (as Keras'
    // restore_best_weights), also when the epochs ran out first; a stop asked
    // for on the page keeps the weights so far, as it says.
    const restore = training.earlyStopping !== null && stopReason !== 'stopped' && best !== null;
    const layers = restore ? best!.layers : trainer.weights();
    const bestEpoch = restore ? best!.epoch : history.length;
    let offset = 0;
    if (spec.balance.method !== 'none' && spec.balance.correct) {
      const population = design.y.reduce((s, v) => s + v, 0) / design.n;
      offset = priorOffset(population, treated.share);
    }
    return {
      model: {
        format: 'lifecycle-lab.network',
        version: 1,
        pipeline,
        scaling,
        architecture,
        layers,
        offset,
      },
      history,
      bestEpoch,
      stopReason,
      adjustments,
      start,
      last,
      path,
      design,
      fitted: treated.design,
    };
  } finally {
    trainer.dispose();
  }
}

function sigmoid(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]));
  return out;
}

/** The Network cell's job. */
export async function trainNetwork(
  table: DataTable,
  datasetId: string,
  spec: NetworkSpec,
  hooks: TrainingHooks,
): Promise<TrainedNetwork> {
  const parts = partsOf(table, spec);
  const y = targetValues(table, { column: spec.target, positive: spec.positive });
  const train = rowsWhere(parts, (p) => p === PART.train);
  const validation = rowsWhere(parts, (p) => p === PART.validation);
  const test = rowsWhere(parts, (p) => p === PART.test);
  const noTarget = rowsWhere(parts, (p) => p === PART.none).length;
  if (train.length === 0) throw new EngineError('model.no-rows', {});
  for (const f of spec.features) getColumn(table, f);

  let folds: TrainedNetwork['folds'] = null;
  if (spec.split.kind === 'kfold') {
    // Each fold's network trains on the other folds, without early stopping
    // (the held-out fold is for judging, not for choosing the epoch).
    const foldOf = foldsOf(table, spec);
    const foldSpec = { ...spec, training: { ...spec.training, earlyStopping: null } };
    folds = [];
    for (let k = 0; k < spec.split.k; k++) {
      const inFold = rowsWhere(foldOf, (f) => f === k);
      const outside = train.filter((r) => foldOf[r] !== k);
      const { model } = await trainOn(table, foldSpec, outside, new Uint32Array(0), hooks, false);
      const held = designOf(table, model.pipeline, { rows: inFold, unseen: 'reference' });
      folds.push({ report: foldReport(k + 1, probabilities(held, model), held.y), model });
    }
  }

  const trained = await trainOn(table, spec, train, validation, hooks, true);
  return {
    model: trained.model,
    datasetId,
    spec,
    rows: {
      table: table.rowCount,
      noTarget,
      dropped: trained.design.dropped,
      missingBy: trained.design.missingBy,
      train: counts(y, train),
      validation: counts(y, validation),
      test: counts(y, test),
      fitted: { rows: trained.fitted.n, positives: trained.fitted.y.reduce((s, v) => s + v, 0) },
    },
    backend: hooks.backend.name,
    fallback: hooks.backend.fallback,
    parameters: trained.start.parameters,
    history: trained.history,
    bestEpoch: trained.bestEpoch,
    stopReason: trained.stopReason,
    adjustments: trained.adjustments,
    teaching: { start: trained.start, last: trained.last, path: trained.path },
    folds,
  };
}
