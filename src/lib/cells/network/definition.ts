// The Network cell: a neural network (or a logistic regression trained by
// gradient descent, for teaching) on the same choices as the Model cell —
// target, features, split, imbalance — trained live in the training worker
// with TensorFlow.js (engine/models/network/trainNetwork.ts). Pure
// declaration; the component is ./NetworkCell.svelte. It runs on click, and
// while it trains the page can pause, step, stop it and change its learning
// rate (the runner's control and adjust).

import { z } from 'zod';
import {
  ACTIVATIONS,
  MAX_HIDDEN_LAYERS,
  NETWORK_LIMITS,
  OPTIMIZERS,
} from '../../engine/models/network/types';
import type { TrainedNetwork } from '../../engine/models/network/trainNetwork';
import { defineCellKind, job } from '../kind';
import { datasetInput } from '../slots';
import {
  adaptModelData,
  defaultModelData,
  MODEL_DATA_SETTINGS,
  modelDataWait,
  trainedModel,
} from '../model/definition';

const L = NETWORK_LIMITS;

export const networkSettings = z.strictObject({
  ...MODEL_DATA_SETTINGS,
  architecture: z
    .strictObject({
      kind: z.enum(['logistic', 'mlp']),
      hidden: z
        .array(
          z.strictObject({
            units: z.number().int().min(1).max(L.units),
            activation: z.enum(ACTIVATIONS),
          }),
        )
        .max(MAX_HIDDEN_LAYERS),
      dropout: z.number().min(0).max(L.dropout),
      l2: z.number().min(0).max(L.l2),
    })
    .refine((a) => (a.kind === 'logistic') === (a.hidden.length === 0), {
      message: 'a logistic model has no hidden layer; a multilayer network has one to four',
    }),
  training: z.strictObject({
    optimizer: z.enum(OPTIMIZERS),
    learningRate: z.number().gt(0).max(L.learningRate),
    batchSize: z.number().int().min(1).max(L.batchSize),
    epochs: z.number().int().min(1).max(L.epochs),
    earlyStopping: z.strictObject({ patience: z.number().int().min(1).max(L.patience) }).nullable(),
    seed: z.number().int(),
  }),
  /** Also chart the training loss every this many batches (0: once per epoch). */
  batchEvery: z.number().int().min(0).max(100_000),
});

export type NetworkSettings = z.infer<typeof networkSettings>;

/** A new network: two small relu layers, Adam, early stopping — a sound start on tabular churn data. */
export const DEFAULT_NETWORK: Pick<NetworkSettings, 'architecture' | 'training' | 'batchEvery'> = {
  architecture: {
    kind: 'mlp',
    hidden: [
      { units: 16, activation: 'relu' },
      { units: 8, activation: 'relu' },
    ],
    dropout: 0,
    l2: 0,
  },
  training: {
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 128,
    epochs: 100,
    earlyStopping: { patience: 10 },
    seed: 42,
  },
  batchEvery: 0,
};

export const networkKind = defineCellKind({
  kind: 'network',
  title: 'cell.kind.network',
  settings: networkSettings,
  defaults: (inputs): NetworkSettings => ({
    ...defaultModelData(inputs.input ?? null),
    ...structuredClone(DEFAULT_NETWORK),
  }),
  slots: [datasetInput<NetworkSettings>()],
  output: 'model',
  runs: 'on-click',
  plan(s, { inputs }) {
    const waiting = modelDataWait(s, inputs);
    if (waiting || !s.target || s.positive === null) return waiting ?? { wait: 'cell.waiting' };
    if (s.training.earlyStopping && s.split.kind === 'random' && s.split.validation === 0)
      return { wait: 'network.needs-validation' };
    const { input: _, target, positive, ...rest } = s;
    return job('train-network', {
      datasetId: inputs.input!.ref.id,
      spec: { target, positive, ...rest },
    });
  },
  adapt: (s, { inputs }) => adaptModelData(s, inputs),
});

/** A Network cell's result. */
export function trainedNetwork(result: unknown): TrainedNetwork | null {
  const r = trainedModel(result);
  return r?.model.format === 'lifecycle-lab.network' ? (r as unknown as TrainedNetwork) : null;
}
