// The shapes every neural-network module shares: a network's architecture
// and training settings, the trained network as it is stored, scored,
// exported and imported, and what one epoch of training reports. Types
// only; pure. Runs in Node, the workers and the page.
//
// A network reads the same design matrix as the logistic model (the
// pipeline of ../types.ts: R's treatment contrasts, interactions), without
// its intercept column, standardised with the training rows' means and
// standard deviations:
//   input j = (X[j + 1] − scaling.center[j]) / scaling.scale[j]
// and its layers map that to one logit; P(positive) = σ(logit + offset).
//
// Who makes what:
//   ./backend.ts      the TF.js backend (wasm, or cpu as fallback) in the worker and in Node
//   ./trainer.ts      NetworkTrainer: a seeded network trained epoch by epoch with TF.js
//   ./forward.ts      the float64 forward pass and input gradients of a stored network
//   ./reasons.ts      integrated gradients: a row's logit split over its design columns
//   ./layersFormat.ts a NetworkModel as TF.js Layers format (model.json + weights) and back

import type { Pipeline } from '../types';

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The most hidden layers a network may have. */
export const MAX_HIDDEN_LAYERS = 4;

/**
 * Bounds on a network's settings, shared by the Network cell's schema and
 * the trainer's checks (which say why each is where it is).
 */
export const NETWORK_LIMITS = {
  units: 1024,
  epochs: 10_000,
  learningRate: 10,
  dropout: 0.9,
  l2: 1,
  batchSize: 65_536,
  patience: 1_000,
} as const;

/** What is trained. */
export interface NetworkArchitecture {
  /**
   * 'logistic': one sigmoid unit on the inputs, i.e. logistic regression by
   * gradient descent (for teaching: it converges towards the IRLS fit);
   * 'mlp': 1–4 hidden layers, then one sigmoid unit.
   */
  kind: 'logistic' | 'mlp';
  /** Hidden layers in order from the inputs; empty for 'logistic'. */
  hidden: { units: number; activation: Activation }[];
  /** Dropout rate after each hidden layer while training (0: none). */
  dropout: number;
  /** L2 penalty on every kernel (not biases): the loss adds l2 · Σ w², as Keras' l2 regulariser. */
  l2: number;
}

/** How it is trained. */
export interface TrainingOptions {
  optimizer: OptimizerName;
  learningRate: number;
  /** 'momentum' is SGD with momentum 0.9. */
  batchSize: number;
  /** Most epochs (passes over the training rows). */
  epochs: number;
  /**
   * Stop when the validation loss has not improved for `patience` epochs,
   * and restore the weights of the best epoch; null: train every epoch.
   */
  earlyStopping: { patience: number } | null;
  /** Seeds the initial weights, the shuffling of each epoch and the dropout masks. */
  seed: number;
}

/** Rows a network trains or is measured on: inputs already standardised. */
export interface NetworkData {
  n: number;
  /** Inputs per row. */
  inputs: number;
  /** Row-major: x[i * inputs + j]. */
  x: Float32Array;
  /** 1 for the positive class, 0 otherwise. */
  y: Float32Array;
  /** Case weights (class weights); absent: all 1. */
  weights?: Float32Array;
}

/** One dense layer as stored. Kernel row-major as TF.js and Keras hold it: kernel[i * units + j], input i to unit j. */
export interface DenseLayer {
  inputs: number;
  units: number;
  activation: Activation | 'linear';
  kernel: number[];
  bias: number[];
}

/** What one epoch reports: measured after the epoch on all rows, in inference mode (no dropout). */
export interface EpochMetrics {
  /** 1, 2, … */
  epoch: number;
  /** Mean binary cross-entropy on the training rows (case-weighted), without the L2 term. */
  loss: number;
  accuracy: number;
  /** Null when the rows hold one class only. */
  auc: number | null;
  /** The same on validation rows; null without any. */
  valLoss: number | null;
  valAccuracy: number | null;
  valAuc: number | null;
  /** The learning rate this epoch used. */
  learningRate: number;
  /** Wall time of the epoch's training steps, in ms (not of the measuring). */
  ms: number;
}

/** A trained network as it is stored, scored, exported and imported. */
export interface NetworkModel {
  format: 'lifecycle-lab.network';
  version: 1;
  pipeline: Pipeline;
  /** Per design column after the intercept (pipeline.coefficients[1…]). A constant column has scale 1. */
  scaling: { center: number[]; scale: number[] };
  architecture: NetworkArchitecture;
  /** Hidden layers, then the output layer (1 unit, 'linear': the logit). */
  layers: DenseLayer[];
  /** King–Zeng prior correction added to the logit, as LogisticModel.offset. */
  offset: number;
}
