// NetworkTrainer: a seeded dense network (architecture of ./types.ts) trained
// epoch by epoch with TF.js, in the compute worker and in Node. Pure engine
// code: it runs on whichever TF.js backend ./backend.ts initBackend set.
//
// The training loop is our own, not tfjs-layers' model.fit (decision 0018,
// measurements in docs/perf/network-training.md). What it does differently:
//   - Data: per epoch the row order is shuffled in JavaScript and the rows
//     copied once into a shuffled buffer; each batch is a view of that
//     buffer uploaded as one tensor. No large tensor is ever sliced (on wasm
//     each tf.slice of a big tensor costs milliseconds).
//   - Parameters: one flat variable θ (per layer its kernel, then its bias),
//     so the tf.train optimizer updates one tensor per step, not two per
//     layer (Adam's ~12 kernels once, not once per variable).
//   - Gradients: backpropagation written out (lossAndGradient), not TF.js's
//     tape. The tape's dense-layer gradient multiplies transposed operands
//     (matMul(a, b, transposeA)) and sums bias gradients over axis 0; on
//     wasm the first is slower than an explicit transpose and a plain
//     product (1.3–1.6×), the second 5–7× slower than a product with ones. Here
//     the transposes on wasm are explicit (the batch's transposed inputs
//     built in JavaScript), bias gradients are products with ones, and the
//     forward pass fuses bias and activation into the matrix product.
//     Tested against tf.grad on cpu and wasm.
//   - No per-batch bookkeeping (callbacks, logs, metric tensors).
// On wasm in Node an epoch takes a quarter to a third of model.fit's (the
// numbers, and what each part bought, are in the perf note).
//
// Determinism: the initial weights (Glorot-uniform kernels, as Keras's
// default, zero biases), each epoch's shuffle (Fisher–Yates) and the dropout
// masks all come from the engine's seeded generator (data/random.ts), each
// from its own derived stream, so epoch e's shuffle and masks depend on the
// seed and e only. TF.js's random ops are not used: unseeded they draw from
// Math.random, and tfjs-layers' Dropout passes its one fixed seed to
// tf.dropout at every call, so a seeded layer drops the same units at every
// step (tfjs-layers layers/core.ts, tfjs-core ops/dropout.ts). On one
// backend the same seed gives the same loss curve bit for bit (tested on cpu
// and wasm); cpu and wasm agree to float32 rounding, not bit for bit.
//
// The network's output is the logit; the loss is binary cross-entropy from
// the logit, softplus(z) − y·z (smooth, so its gradient σ(z) − y holds at
// z = 0 too, unlike the max(z, 0) form), case-weighted, plus Keras-style L2
// on the kernels: l2 · Σ w².

import * as tf from '@tensorflow/tfjs';
import { Random } from '../../data/random';
import { EngineError } from '../../data/table';
import { rocAuc } from '../../evaluate/roc';
import {
  ACTIVATIONS,
  MAX_HIDDEN_LAYERS,
  NETWORK_LIMITS,
  OPTIMIZERS,
  type Activation,
  type DenseLayer,
  type EpochMetrics,
  type NetworkArchitecture,
  type NetworkData,
  type OptimizerName,
  type TrainingOptions,
} from './types';

/** Most units in one hidden layer. */
export const MAX_UNITS = 1024;
/** Most epochs a training may ask for: a bound on a runaway setting, far beyond the tens to hundreds a churn network trains for. */
export const MAX_EPOCHS = 10_000;
/** Far above the rates these optimizers train with on standardised inputs (Adam's default 0.001, SGD's useful ones ≤ ~1); the teaching view's learning-rate control stops here too. */
export const MAX_LEARNING_RATE = 10;
/** Dropout must stay below 1 (nothing kept); past 0.9 a layer keeps too few units to learn from. */
export const MAX_DROPOUT = 0.9;
/** Keras's l2 default is 0.01; at 1 the penalty already outweighs the data's loss for any useful kernel. */
export const MAX_L2 = 1;

/**
 * The most memory a training may need, by estimateNetworkMemory. TF.js's
 * wasm heap (tfjs-backend-wasm's Emscripten build) grows to at most 4 GB and
 * never shrinks; a browser tab on an ordinary 8 GB laptop, or a 32-bit or
 * mobile browser, often cannot grow it past 1–2 GB, and the worker also holds
 * the data in JavaScript. 1 GiB keeps the network, the optimizer, a batch and
 * the data within what every supported browser allocates.
 */
export const MEMORY_BUDGET_BYTES = 1024 * 1024 * 1024;

/** Rows per forward pass when measuring or scoring: bounds the activations held at once. */
export const SCORING_ROWS = 8192;

/** Tensors of the parameters' size each optimizer keeps beside the weights (tf.train.*: momentum's accumulation; Adam's two moments; RMSProp's mean square and moment). */
const OPTIMIZER_SLOTS: Record<OptimizerName, number> = { sgd: 0, momentum: 1, adam: 2, rmsprop: 2 };

/** 'momentum' is SGD with this momentum (types.ts). */
const MOMENTUM = 0.9;

const BYTES_PER_FLOAT = 4;
const TWO_POW_32 = 4294967296;

export interface EpochHooks {
  /**
   * Awaited between batches, so a worker can let pause and cancel messages
   * in; a rejection (e.g. CancelledError) ends the epoch with no tensor left
   * behind. Time spent in it is not counted in EpochMetrics.ms.
   */
  checkpoint?: () => Promise<void>;
  /** After each batch: its index in the epoch (0-based, as Keras's onBatchEnd) and its training loss (with dropout and the L2 term). */
  onBatch?: (batch: number, loss: number) => void;
}

/** Case-weighted measures of a network on some rows, in inference mode. */
export interface NetworkMeasures {
  /** Mean binary cross-entropy, without the L2 term. */
  loss: number;
  accuracy: number;
  /** Null when the rows hold one class only. */
  auc: number | null;
}

function invalid(setting: string): EngineError {
  return new EngineError('network.invalid-setting', { setting });
}

function inRange(value: unknown, low: number, high: number): value is number {
  return typeof value === 'number' && value >= low && value <= high;
}

function isCount(value: unknown, low: number, high: number): value is number {
  return Number.isSafeInteger(value) && inRange(value, low, high);
}

/** Throws EngineError('network.invalid-setting', { setting }) for the first setting out of range. */
export function validateSettings(
  architecture: NetworkArchitecture,
  options: TrainingOptions,
): void {
  const { kind, hidden } = architecture;
  if (kind !== 'logistic' && kind !== 'mlp') throw invalid('kind');
  if (!Array.isArray(hidden)) throw invalid('hidden');
  if (
    kind === 'logistic'
      ? hidden.length !== 0
      : hidden.length < 1 || hidden.length > MAX_HIDDEN_LAYERS
  )
    throw invalid('hidden');
  for (const layer of hidden) {
    if (!isCount(layer?.units, 1, MAX_UNITS)) throw invalid('units');
    if (!ACTIVATIONS.includes(layer.activation)) throw invalid('activation');
  }
  if (!inRange(architecture.dropout, 0, MAX_DROPOUT)) throw invalid('dropout');
  if (!inRange(architecture.l2, 0, MAX_L2)) throw invalid('l2');
  if (!OPTIMIZERS.includes(options.optimizer)) throw invalid('optimizer');
  checkLearningRate(options.learningRate);
  if (!isCount(options.batchSize, 1, Number.MAX_SAFE_INTEGER)) throw invalid('batchSize');
  if (!isCount(options.epochs, 1, MAX_EPOCHS)) throw invalid('epochs');
  // A patience beyond the epochs is allowed: early stopping then never fires,
  // and the best epoch's weights are still restored at the end.
  if (
    options.earlyStopping !== null &&
    !isCount(options.earlyStopping?.patience, 1, NETWORK_LIMITS.patience)
  )
    throw invalid('patience');
  if (typeof options.seed !== 'number' || !Number.isFinite(options.seed)) throw invalid('seed');
}

function checkLearningRate(rate: unknown): asserts rate is number {
  if (!(typeof rate === 'number' && rate > 0 && rate <= MAX_LEARNING_RATE))
    throw invalid('learningRate');
}

/** Units of each layer from the inputs: [inputs, hidden…, 1]. */
function layerSizes(architecture: NetworkArchitecture, inputs: number): number[] {
  return [inputs, ...architecture.hidden.map((h) => h.units), 1];
}

/**
 * What a training would hold at its peak, in bytes, counted in float32s:
 * the weights, their gradients and the optimizer's slots; one batch (its
 * inputs three times: the tensor, and transposed in a buffer and a tensor) with, per hidden
 * unit, pre-activation, activation, dropout mask and output, and as many
 * gradients; one scoring pass of SCORING_ROWS rows; and the data: the
 * training rows (the caller's and the trainer's shuffled copy, with targets
 * and weights) and the validation rows. An upper-side estimate: TF.js frees
 * most intermediates before the step ends.
 */
export function estimateNetworkMemory(
  architecture: NetworkArchitecture,
  options: Pick<TrainingOptions, 'optimizer' | 'batchSize'>,
  inputs: number,
  trainRows: number,
  validationRows = 0,
): { parameters: number; bytes: number } {
  const sizes = layerSizes(architecture, inputs);
  let parameters = 0;
  for (let l = 1; l < sizes.length; l++) parameters += sizes[l - 1] * sizes[l] + sizes[l];
  const units = sizes.slice(1).reduce((s, u) => s + u, 0);
  const batch = Math.min(options.batchSize, Math.max(trainRows, 1));
  const perUnit = architecture.dropout > 0 ? 8 : 6;
  const scoring = Math.min(SCORING_ROWS, Math.max(trainRows, validationRows, 1));
  const floats =
    parameters * (2 + OPTIMIZER_SLOTS[options.optimizer]) +
    batch * (3 * inputs + perUnit * units + 4) +
    scoring * (inputs + 2 * units) +
    trainRows * (2 * inputs + 4) +
    validationRows * (inputs + 2);
  return { parameters, bytes: floats * BYTES_PER_FLOAT };
}

function checkData(data: NetworkData, what: string, inputs?: number): void {
  const { n, x, y, weights } = data;
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what}: n must be a count`);
  if (!Number.isSafeInteger(data.inputs) || data.inputs < 1)
    throw new Error(`${what}: inputs must be a positive count`);
  if (inputs !== undefined && data.inputs !== inputs)
    throw new Error(`${what}: ${data.inputs} inputs, the training rows have ${inputs}`);
  if (x.length !== n * data.inputs) throw new Error(`${what}: x must hold n × inputs values`);
  if (y.length !== n) throw new Error(`${what}: y must hold n values`);
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i])) throw new Error(`${what}: x[${i}] is not finite`);
  for (let i = 0; i < n; i++)
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`${what}: y[${i}] is not 0 or 1`);
  if (weights) {
    if (weights.length !== n) throw new Error(`${what}: weights must hold n values`);
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (!(weights[i] >= 0) || !Number.isFinite(weights[i]))
        throw new Error(`${what}: weights[${i}] must be finite and ≥ 0`);
      total += weights[i];
    }
    if (n > 0 && !(total > 0)) throw new Error(`${what}: the weights sum to 0`);
  }
}

function makeOptimizer(name: OptimizerName, rate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(rate);
    case 'momentum':
      return tf.train.momentum(rate, MOMENTUM);
    case 'adam':
      return tf.train.adam(rate);
    case 'rmsprop':
      return tf.train.rmsprop(rate);
  }
}

/** Log-likelihood loss of one row from its logit, in float64: softplus(z) − y·z without overflow. */
function rowLoss(z: number, y: number): number {
  return Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
}

/** A network's layer sizes [inputs, hidden…, 1] and each layer's activation (the output's 'linear'). */
export interface NetworkShape {
  sizes: readonly number[];
  activations: readonly (Activation | 'linear')[];
}

/** Where layer l's kernel and bias start in the flat parameter vector θ. */
function offsetsOf(sizes: readonly number[]): { kernel: number; bias: number }[] {
  const offsets = [];
  let at = 0;
  for (let l = 1; l < sizes.length; l++) {
    const kernel = at;
    at += sizes[l - 1] * sizes[l];
    offsets.push({ kernel, bias: at });
    at += sizes[l];
  }
  return offsets;
}

/** θ's layers as tensors (slices of a vector of a few thousand floats: microseconds). */
function unpack(
  theta: tf.Tensor1D,
  sizes: readonly number[],
): { W: tf.Tensor2D[]; b: tf.Tensor1D[] } {
  const W: tf.Tensor2D[] = [];
  const b: tf.Tensor1D[] = [];
  offsetsOf(sizes).forEach((o, l) => {
    const [inputs, units] = [sizes[l], sizes[l + 1]];
    W.push(tf.reshape(tf.slice(theta, o.kernel, inputs * units), [inputs, units]));
    b.push(tf.slice(theta, o.bias, units));
  });
  return { W, b };
}

/** wasm and cpu fuse these into the matrix product (tfjs-backend-wasm kernels/types.ts FusableActivation); tanh is applied after. */
function dense(
  h: tf.Tensor2D,
  W: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: Activation | 'linear',
): tf.Tensor2D {
  if (activation === 'tanh')
    return tf.tanh(tf.fused.matMul({ a: h, b: W, bias: b })) as tf.Tensor2D;
  return tf.fused.matMul({ a: h, b: W, bias: b, activation }) as tf.Tensor2D;
}

/** The activation's derivative from its output h: relu 1[h > 0], tanh 1 − h², sigmoid h(1 − h), elu 1 for h > 0 else h + 1 (= eᵃ). */
function derivative(h: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation) {
    case 'relu':
      return tf.step(h);
    case 'tanh':
      return tf.sub(1, tf.square(h));
    case 'sigmoid':
      return tf.mul(h, tf.sub(1, h));
    case 'elu':
      return tf.add(tf.minimum(h, 0), 1);
  }
}

/** Logits of a batch in inference mode (no dropout). */
function logitsOf(theta: tf.Tensor1D, shape: NetworkShape, x: tf.Tensor2D): tf.Tensor1D {
  const { W, b } = unpack(theta, shape.sizes);
  let h = x;
  for (let l = 0; l < W.length; l++) h = dense(h, W[l], b[l], shape.activations[l]);
  return tf.reshape(h, [-1]);
}

/** One batch as the training step reads it. */
export interface Batch {
  /** rows × inputs, and the same transposed (inputs × rows). */
  x: tf.Tensor2D;
  xT: tf.Tensor2D;
  /** 0/1 targets. */
  y: tf.Tensor1D;
  /** Case weights divided by their mean over the training rows; null: all 1. */
  w: tf.Tensor1D | null;
  /** Per hidden layer, rows × units of 0 or 1/(1 − rate); null without dropout. */
  masks: tf.Tensor2D[] | null;
}

/**
 * The batch's training loss — mean over its rows of w·(softplus(z) − y·z),
 * with dropout, plus l2·Σ kernel² — and its gradient with respect to θ, by
 * backpropagation written out (see the file header for why; tested against
 * tf.grad). Call inside tf.tidy.
 *   dz = w·(σ(z) − y)/rows;  for each layer from the output down, with a the
 *   layer's input (the previous layer's masked output, or x):
 *   ∂W = aᵀ·d + 2·l2·W,  ∂b = 1ᵀ·d,  and below it
 *   d ← (d·Wᵀ) ⊙ mask ⊙ f′(h).
 */
export function lossAndGradient(
  theta: tf.Tensor1D,
  shape: NetworkShape,
  batch: Batch,
  l2: number,
): { loss: tf.Scalar; gradient: tf.Tensor1D } {
  const { sizes, activations } = shape;
  const { W, b } = unpack(theta, sizes);
  const layers = W.length;
  const rows = batch.x.shape[0];
  // inputs[l]: layer l's input; outputs[l]: hidden layer l's activation before dropout.
  const inputs: tf.Tensor2D[] = [batch.x];
  const outputs: tf.Tensor2D[] = [];
  for (let l = 0; l < layers - 1; l++) {
    const h = dense(inputs[l], W[l], b[l], activations[l]);
    outputs.push(h);
    inputs.push(batch.masks ? tf.mul(h, batch.masks[l]) : h);
  }
  const z = tf.reshape(dense(inputs[layers - 1], W[layers - 1], b[layers - 1], 'linear'), [-1]);
  const perRow = tf.sub(tf.softplus(z), tf.mul(z, batch.y));
  let loss: tf.Scalar = tf.mean(batch.w ? tf.mul(perRow, batch.w) : perRow);
  let dz = tf.sub(tf.sigmoid(z), batch.y);
  if (batch.w) dz = tf.mul(dz, batch.w);
  let d = tf.reshape(tf.mul(dz, 1 / rows), [rows, 1]) as tf.Tensor2D;
  const ones = tf.ones([1, rows]) as tf.Tensor2D;
  const parts: tf.Tensor1D[] = [];
  // wasm multiplies a transposed operand more slowly than it transposes and
  // then multiplies (1.3–1.6×); TF.js's cpu backend the other way round (~2×; perf note).
  const transposeFirst = tf.getBackend() === 'wasm';
  for (let l = layers - 1; l >= 0; l--) {
    let gradW =
      l === 0
        ? tf.matMul(batch.xT, d)
        : transposeFirst
          ? tf.matMul(tf.transpose(inputs[l]), d)
          : tf.matMul(inputs[l], d, true, false);
    if (l2 > 0) gradW = tf.add(gradW, tf.mul(W[l], 2 * l2));
    parts.push(tf.reshape(tf.matMul(ones, d), [-1]), tf.reshape(gradW, [-1]));
    if (l > 0) {
      let below = transposeFirst
        ? tf.matMul(d, tf.transpose(W[l]))
        : tf.matMul(d, W[l], false, true);
      if (batch.masks) below = tf.mul(below, batch.masks[l - 1]);
      d = tf.mul(below, derivative(outputs[l - 1], activations[l - 1] as Activation));
    }
  }
  if (l2 > 0) loss = tf.add(loss, tf.mul(tf.addN(W.map((k) => tf.sum(tf.square(k)))), l2));
  // parts run from the output layer down, bias before kernel: reversed, θ's order.
  return { loss, gradient: tf.concat(parts.reverse()) as tf.Tensor1D };
}

export class NetworkTrainer {
  readonly architecture: NetworkArchitecture;
  readonly options: TrainingOptions;
  /** Trainable parameters (kernels and biases). */
  readonly parameters: number;
  readonly batchesPerEpoch: number;

  private readonly trainData: NetworkData;
  private readonly validation: NetworkData | null;
  private readonly shape: NetworkShape;
  private readonly theta: tf.Variable<tf.Rank.R1>;
  private readonly optimizer: tf.Optimizer;
  private readonly random: Random;
  private readonly batchSize: number;
  /** Case weights divided by their mean, so a batch's mean of w·loss estimates the weighted mean; null unweighted. */
  private readonly scaledWeights: Float32Array | null;
  // Each epoch's shuffled rows, reused from epoch to epoch, and one batch's
  // transposed inputs and dropout masks (one buffer per hidden layer).
  private readonly order: Uint32Array;
  private readonly xs: Float32Array;
  private readonly ys: Float32Array;
  private readonly ws: Float32Array | null;
  private readonly xT: Float32Array;
  private readonly masks: Float32Array[] | null;
  private rate: number;
  private epochsDone = 0;
  private disposed = false;

  /**
   * Settings are validated (EngineError 'network.invalid-setting') and the
   * memory estimated (EngineError 'network.too-large') before any tensor is
   * allocated. The data are read, not copied, and must not change while the
   * trainer lives. TF.js's backend must be ready (initBackend).
   */
  constructor(
    architecture: NetworkArchitecture,
    options: TrainingOptions,
    train: NetworkData,
    validation: NetworkData | null = null,
  ) {
    validateSettings(architecture, options);
    checkData(train, 'training rows');
    if (train.n === 0) throw new EngineError('model.no-rows', {});
    if (validation) checkData(validation, 'validation rows', train.inputs);
    const { parameters, bytes } = estimateNetworkMemory(
      architecture,
      options,
      train.inputs,
      train.n,
      validation?.n ?? 0,
    );
    if (bytes > MEMORY_BUDGET_BYTES)
      throw new EngineError('network.too-large', {
        parameters,
        megabytes: Math.ceil(bytes / 2 ** 20),
      });

    this.architecture = structuredClone(architecture);
    this.options = structuredClone(options);
    this.parameters = parameters;
    this.trainData = train;
    this.validation = validation;
    this.rate = options.learningRate;
    this.batchSize = Math.min(options.batchSize, train.n);
    this.batchesPerEpoch = Math.ceil(train.n / this.batchSize);
    this.random = new Random(options.seed).derive('network');
    this.shape = {
      sizes: layerSizes(architecture, train.inputs),
      activations: [...architecture.hidden.map((h) => h.activation), 'linear'],
    };

    const { n, inputs } = train;
    if (train.weights) {
      let total = 0;
      for (let i = 0; i < n; i++) total += train.weights[i];
      const mean = total / n;
      this.scaledWeights = Float32Array.from(train.weights, (w) => w / mean);
    } else this.scaledWeights = null;
    this.order = new Uint32Array(n);
    this.xs = new Float32Array(n * inputs);
    this.ys = new Float32Array(n);
    this.ws = this.scaledWeights ? new Float32Array(n) : null;
    this.xT = new Float32Array(this.batchSize * inputs);
    this.masks =
      architecture.dropout > 0
        ? architecture.hidden.map((h) => new Float32Array(this.batchSize * h.units))
        : null;

    // Glorot-uniform kernels, each layer from its own stream; zero biases.
    const initial = new Float32Array(parameters);
    const { sizes } = this.shape;
    offsetsOf(sizes).forEach((o, l) => {
      const values = glorotUniform(this.random.derive(`init/${l + 1}`), sizes[l], sizes[l + 1]);
      initial.set(values, o.kernel);
    });
    const tensor = tf.tensor1d(initial);
    this.theta = tf.variable(tensor, true);
    tensor.dispose();
    this.optimizer = makeOptimizer(options.optimizer, this.rate);
  }

  /** The same as `new NetworkTrainer(…)`. */
  static create(
    architecture: NetworkArchitecture,
    options: TrainingOptions,
    train: NetworkData,
    validation: NetworkData | null = null,
  ): NetworkTrainer {
    return new NetworkTrainer(architecture, options, train, validation);
  }

  /**
   * Converts a 'logistic' network's weights on standardised inputs,
   * input j = (x_j − center_j) / scale_j, to coefficients on the design's
   * own scale, intercept first (the order of pipeline.coefficients):
   *   β_j = w_j / scale_j,  β₀ = b − Σ_j w_j · center_j / scale_j.
   */
  static logisticCoefficients(
    layers: readonly DenseLayer[],
    scaling: { center: readonly number[]; scale: readonly number[] },
  ): number[] {
    if (layers.length !== 1 || layers[0].units !== 1)
      throw new Error('logisticCoefficients: a logistic network has one layer of one unit');
    const { kernel, bias, inputs } = layers[0];
    if (scaling.center.length !== inputs || scaling.scale.length !== inputs)
      throw new Error('logisticCoefficients: one center and scale per input');
    const beta = [bias[0]];
    for (let j = 0; j < inputs; j++) {
      const slope = kernel[j] / scaling.scale[j];
      beta.push(slope);
      beta[0] -= slope * scaling.center[j];
    }
    return beta;
  }

  /** Epochs trained so far. */
  get epoch(): number {
    return this.epochsDone;
  }

  get learningRate(): number {
    return this.rate;
  }

  /** The learning rate from the next batch on; the optimizer's state (moments) is kept. */
  setLearningRate(rate: number): void {
    this.assertLive();
    checkLearningRate(rate);
    this.rate = rate;
    // SGD and momentum read a kept scalar that setLearningRate replaces; Adam
    // and RMSProp read the learningRate field at each step (tfjs-core
    // optimizers/*.ts). By name: tfjs's Optimizer overrides instanceof
    // (Symbol.hasInstance: any object with minimize and applyGradients), so
    // an Adam optimizer is an `instanceof tf.SGDOptimizer`.
    const name = this.options.optimizer;
    if (name === 'sgd' || name === 'momentum')
      (this.optimizer as tf.SGDOptimizer).setLearningRate(rate);
    else (this.optimizer as unknown as { learningRate: number }).learningRate = rate;
  }

  /**
   * One pass over the training rows in a seeded order, then the epoch's
   * measures on the training and validation rows in inference mode. A loss
   * that is not finite throws EngineError('network.diverged', { epoch }).
   */
  async trainEpoch(hooks: EpochHooks = {}): Promise<EpochMetrics> {
    this.assertLive();
    const epoch = this.epochsDone + 1;
    const learningRate = this.rate;
    const started = performance.now();
    let waited = 0;
    this.shuffle(epoch);
    const dropout = this.masks ? this.random.derive(`dropout/${epoch}`) : null;
    const { n } = this.trainData;
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      const start = b * this.batchSize;
      const rows = Math.min(this.batchSize, n - start);
      if (dropout) this.drawMasks(dropout, rows);
      const loss = this.step(start, rows);
      if (!Number.isFinite(loss)) throw new EngineError('network.diverged', { epoch });
      hooks.onBatch?.(b, loss);
      if (hooks.checkpoint && b < this.batchesPerEpoch - 1) {
        const before = performance.now();
        await hooks.checkpoint();
        waited += performance.now() - before;
      }
    }
    const ms = performance.now() - started - waited;
    this.epochsDone = epoch;
    const train = this.evaluate(this.trainData);
    if (!Number.isFinite(train.loss)) throw new EngineError('network.diverged', { epoch });
    const validation =
      this.validation && this.validation.n > 0 ? this.evaluate(this.validation) : null;
    return {
      epoch,
      loss: train.loss,
      accuracy: train.accuracy,
      auc: train.auc,
      valLoss: validation?.loss ?? null,
      valAccuracy: validation?.accuracy ?? null,
      valAuc: validation?.auc ?? null,
      learningRate,
      ms,
    };
  }

  /** The epoch's row order (Fisher–Yates from identity) and the rows copied in that order. */
  private shuffle(epoch: number): void {
    const { order, xs, ys, ws } = this;
    const { n, inputs: k, x, y } = this.trainData;
    const random = this.random.derive(`shuffle/${epoch}`);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = random.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    const weights = this.scaledWeights;
    for (let i = 0; i < n; i++) {
      const r = order[i];
      const from = r * k;
      const to = i * k;
      for (let j = 0; j < k; j++) xs[to + j] = x[from + j];
      ys[i] = y[r];
      if (ws && weights) ws[i] = weights[r];
    }
  }

  /** Inverted dropout, as Keras: a unit is kept with probability 1 − rate and then scaled by 1/(1 − rate). */
  private drawMasks(random: Random, rows: number): void {
    const rate = this.architecture.dropout;
    const threshold = rate * TWO_POW_32;
    const kept = 1 / (1 - rate);
    for (const mask of this.masks!) {
      const size = rows * (mask.length / this.batchSize);
      for (let i = 0; i < size; i++) mask[i] = random.nextUint32() >= threshold ? kept : 0;
    }
  }

  /** One optimizer step on shuffled rows [start, start + rows); returns the batch loss. */
  private step(start: number, rows: number): number {
    const k = this.trainData.inputs;
    const { xs, xT } = this;
    for (let i = 0; i < rows; i++) {
      const from = (start + i) * k;
      for (let j = 0; j < k; j++) xT[j * rows + i] = xs[from + j];
    }
    const { sizes } = this.shape;
    const cost = tf.tidy(() => {
      // Views of the trainer's buffers: the cpu backend keeps them as the
      // tensors' storage, wasm copies them; either way they are not written
      // again before this tidy has disposed these tensors.
      const batch: Batch = {
        x: tf.tensor2d(xs.subarray(start * k, (start + rows) * k), [rows, k]),
        xT: tf.tensor2d(xT.subarray(0, rows * k), [k, rows]),
        y: tf.tensor1d(this.ys.subarray(start, start + rows)),
        w: this.ws ? tf.tensor1d(this.ws.subarray(start, start + rows)) : null,
        masks:
          this.masks?.map((m, l) =>
            tf.tensor2d(m.subarray(0, rows * sizes[l + 1]), [rows, sizes[l + 1]]),
          ) ?? null,
      };
      const { loss, gradient } = lossAndGradient(
        this.theta,
        this.shape,
        batch,
        this.architecture.l2,
      );
      this.optimizer.applyGradients({ [this.theta.name]: gradient });
      return loss;
    });
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  }

  /** Logits of n rows (row-major, this network's inputs per row), SCORING_ROWS at a time. */
  predictLogits(x: Float32Array, n: number): Float32Array {
    this.assertLive();
    const k = this.trainData.inputs;
    if (!Number.isSafeInteger(n) || n < 0 || x.length !== n * k)
      throw new Error(`predictLogits: x must hold n × ${k} values`);
    const out = new Float32Array(n);
    for (let start = 0; start < n; start += SCORING_ROWS) {
      const rows = Math.min(SCORING_ROWS, n - start);
      const logits = tf.tidy(() =>
        logitsOf(
          this.theta,
          this.shape,
          tf.tensor2d(x.subarray(start * k, (start + rows) * k), [rows, k]),
        ),
      );
      out.set(logits.dataSync(), start);
      logits.dispose();
    }
    return out;
  }

  /**
   * Loss, accuracy (positive when the logit is above 0, i.e. p > 0.5) and
   * AUC (engine/evaluate/roc.ts rocAuc), case-weighted when the rows carry
   * weights. Computed in float64 from the float32 logits; the AUC ranks
   * σ(logit) in float64, the logits' own order, so rows do not tie merely
   * because float32 σ rounds to 1.
   */
  evaluate(data: NetworkData): NetworkMeasures {
    this.assertLive();
    const { n, y, weights } = data;
    const logits = this.predictLogits(data.x, n);
    let loss = 0;
    let correct = 0;
    let total = 0;
    let positives = 0;
    const score = new Float64Array(n);
    const outcome = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const z = logits[i];
      const w = weights ? weights[i] : 1;
      loss += w * rowLoss(z, y[i]);
      if (z > 0 === (y[i] === 1)) correct += w;
      total += w;
      score[i] = 1 / (1 + Math.exp(-z));
      outcome[i] = y[i];
      positives += y[i];
    }
    const auc =
      positives > 0 && positives < n
        ? rocAuc(score, outcome, weights ? Float64Array.from(weights) : undefined)
        : null;
    return { loss: loss / total, accuracy: correct / total, auc };
  }

  /** The current weights as stored (hidden layers, then the output layer: 1 unit, 'linear', the logit). */
  weights(): DenseLayer[] {
    this.assertLive();
    const theta = this.theta.dataSync();
    const { sizes, activations } = this.shape;
    return offsetsOf(sizes).map((o, l) => ({
      inputs: sizes[l],
      units: sizes[l + 1],
      activation: activations[l],
      kernel: Array.from(theta.subarray(o.kernel, o.bias)),
      bias: Array.from(theta.subarray(o.bias, o.bias + sizes[l + 1])),
    }));
  }

  /** A copy of the weights for early stopping to restore (the same as weights()). */
  snapshot(): DenseLayer[] {
    return this.weights();
  }

  /** Puts back weights of this architecture (e.g. a snapshot); the optimizer's state is kept, as Keras's restore_best_weights does. */
  restore(layers: readonly DenseLayer[]): void {
    this.assertLive();
    const { sizes, activations } = this.shape;
    const offsets = offsetsOf(sizes);
    if (layers.length !== offsets.length)
      throw new Error(`restore: ${layers.length} layers, the network has ${offsets.length}`);
    const values = new Float32Array(this.parameters);
    layers.forEach((layer, l) => {
      const [inputs, units] = [sizes[l], sizes[l + 1]];
      if (
        layer.inputs !== inputs ||
        layer.units !== units ||
        layer.activation !== activations[l] ||
        layer.kernel.length !== inputs * units ||
        layer.bias.length !== units ||
        !layer.kernel.every(Number.isFinite) ||
        !layer.bias.every(Number.isFinite)
      )
        throw new Error(`restore: layer ${l + 1} does not fit the network`);
      values.set(layer.kernel, offsets[l].kernel);
      values.set(layer.bias, offsets[l].bias);
    });
    tf.tidy(() => this.theta.assign(tf.tensor1d(values)));
  }

  /** Frees every tensor the trainer holds; it cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    // MomentumOptimizer.dispose frees its momentum and accumulations but not
    // the learning-rate scalar its SGD base keeps (tensorflow/tfjs#4647).
    if (this.options.optimizer === 'momentum')
      (this.optimizer as unknown as { c: tf.Scalar }).c.dispose();
    this.theta.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('NetworkTrainer: used after dispose()');
  }
}

/** Glorot (Xavier) uniform, Keras's default kernel initialiser: U(−limit, limit), limit = √(6 / (fan_in + fan_out)). */
function glorotUniform(random: Random, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = limit * (2 * random.uniform() - 1);
  return values;
}
