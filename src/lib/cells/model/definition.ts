// The Model cell: a logistic regression of a binary target on chosen
// features, fitted by float64 IRLS in the compute worker with the inference
// SAS and R print (engine/models/train.ts). Pure declaration; the component
// is ./ModelCell.svelte. It runs on click: a fit with profile intervals,
// stepwise selection or k folds can take seconds on a large book.

import { z } from 'zod';
import { asChurnModel, type ChurnModel } from '../../engine/models/churnModel';
import type { ModelDataSpec, TrainedLogistic } from '../../engine/models/train';
import { defineCellKind, job, type PlanContext, type Wait } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { datasetInput } from '../slots';

const share = z.number().min(0).max(1);

const split = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('random'),
      train: share.gt(0),
      validation: share,
      test: share,
      seed: z.number().int(),
      stratify: z.boolean(),
    })
    .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, {
      message: 'train, validation and test shares add up to 1',
    }),
  z
    .strictObject({
      kind: z.literal('column'),
      column: text,
      /** Rows with a value from here on validate; from testFrom on, test (numbers, or dates as epoch ms). */
      validationFrom: z.number().finite(),
      testFrom: z.number().finite(),
    })
    .refine((s) => s.validationFrom <= s.testFrom, {
      message: 'validation starts no later than test',
    }),
  z.strictObject({
    kind: z.literal('kfold'),
    k: z.number().int().min(2).max(20),
    seed: z.number().int(),
  }),
]);

/**
 * What every churn-model cell chooses (the Model cell's logistic regression,
 * the Network cell's network): the data, the target, the features, the split
 * and the imbalance treatment. Spread into each kind's settings schema.
 */
export const MODEL_DATA_SETTINGS = {
  input: idText.nullable(),
  target: text.nullable(),
  /** The target's positive class (the event: 'Yes', 'true', 'lapsed'); null until chosen. */
  positive: text.nullable(),
  features: z.array(text).max(LIMITS.modelTerms),
  interactions: z.array(z.strictObject({ a: text, b: text })).max(LIMITS.modelTerms),
  /** Reference levels chosen for categorical features; the others use their most frequent level. */
  references: z.array(z.strictObject({ column: text, level: text })).max(LIMITS.modelTerms),
  split,
  balance: z.strictObject({
    method: z.enum(['none', 'weights', 'oversample', 'undersample', 'smote']),
    share: z.number().gt(0).lt(1),
    correct: z.boolean(),
    seed: z.number().int(),
  }),
};

export type ModelDataSettings = z.infer<z.ZodObject<typeof MODEL_DATA_SETTINGS>>;

/** A new churn-model cell's data choices: the nearest dataset above, 60 / 20 / 20 stratified, no rebalancing. */
export function defaultModelData(input: string | null): ModelDataSettings {
  return {
    input,
    target: null,
    positive: null,
    features: [],
    interactions: [],
    references: [],
    split: { kind: 'random', train: 0.6, validation: 0.2, test: 0.2, seed: 42, stratify: true },
    balance: { method: 'none', share: 0.5, correct: true, seed: 42 },
  };
}

/** Why a churn-model cell cannot run yet, or null when its data choices are complete. */
export function modelDataWait(s: ModelDataSettings, inputs: PlanContext['inputs']): Wait | null {
  if (!inputs.input) return { wait: 'cell.waiting' };
  if (!s.target) return { wait: 'model.choose-target' };
  if (s.positive === null) return { wait: 'model.choose-positive' };
  if (s.features.length === 0) return { wait: 'model.choose-features' };
  return null;
}

/**
 * A churn-model cell's choices fitted to a new input dataset: columns it
 * lacks are dropped (the target with its positive class); the rest carry
 * over by name. The settings themselves when nothing changed.
 */
export function adaptModelData<S extends ModelDataSettings>(
  s: S,
  inputs: PlanContext['inputs'],
): S {
  const columns = inputs.input?.dataset?.columns;
  if (!columns) return s;
  const has = new Set(columns.map((c) => c.name));
  const target = s.target !== null && has.has(s.target) ? s.target : null;
  const next: S = {
    ...s,
    target,
    positive: target === null ? null : s.positive,
    features: s.features.filter((f) => has.has(f)),
    interactions: s.interactions.filter((i) => has.has(i.a) && has.has(i.b)),
    references: s.references.filter((r) => has.has(r.column)),
  };
  return JSON.stringify(next) === JSON.stringify(s) ? s : next;
}

export const modelSettings = z.strictObject({
  ...MODEL_DATA_SETTINGS,
  selection: z.enum(['none', 'backward', 'forward', 'both']),
  penalty: z.number().positive().finite().nullable(),
  profile: z.boolean(),
});

export type ModelSettings = z.infer<typeof modelSettings>;

export const modelKind = defineCellKind({
  kind: 'model',
  title: 'cell.kind.model',
  settings: modelSettings,
  defaults: (inputs): ModelSettings => ({
    ...defaultModelData(inputs.input ?? null),
    selection: 'none',
    penalty: null,
    profile: true,
  }),
  slots: [datasetInput<ModelSettings>()],
  output: 'model',
  runs: 'on-click',
  plan(s, { inputs }) {
    const waiting = modelDataWait(s, inputs);
    if (waiting || !s.target || s.positive === null) return waiting ?? { wait: 'cell.waiting' };
    const { input: _, target, positive, ...rest } = s;
    return job('fit-logistic', {
      datasetId: inputs.input!.ref.id,
      spec: { target, positive, ...rest },
    });
  },
  adapt: (s, { inputs }) => adaptModelData(s, inputs),
});

/**
 * The fitted model a 'model' output hands on, read from its cell's result:
 * a Model, Network or Model file cell's (every such result holds `model`).
 */
export function modelOf(result: unknown): ChurnModel | null {
  return asChurnModel((result as { model?: unknown } | null | undefined)?.model);
}

/** What a Model or Network cell's result holds besides its model: the rows it learnt from and held out. */
export interface TrainedChurnModel {
  model: ChurnModel;
  datasetId: string;
  spec: ModelDataSpec;
  folds: { model: ChurnModel }[] | null;
}

/**
 * A Model or Network cell's whole result, for an Evaluate cell that scores
 * its held-out rows; null for a model read from a file, which has none.
 */
export function trainedModel(result: unknown): TrainedChurnModel | null {
  const r = result as Partial<TrainedChurnModel> | null | undefined;
  return modelOf(r) && r?.spec && r.datasetId ? (r as TrainedChurnModel) : null;
}

/** A Model cell's result, with the logistic fit's inference. */
export function trainedLogistic(result: unknown): TrainedLogistic | null {
  const r = trainedModel(result);
  return r?.model.format === 'lifecycle-lab.logistic' ? (r as unknown as TrainedLogistic) : null;
}
