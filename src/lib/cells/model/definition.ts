// The Model cell: a logistic regression of a binary target on chosen
// features, fitted by float64 IRLS in the compute worker with the inference
// SAS and R print (engine/models/train.ts). Pure declaration; the component
// is ./ModelCell.svelte. It runs on click: a fit with profile intervals,
// stepwise selection or k folds can take seconds on a large book.

import { z } from 'zod';
import type { TrainedLogistic } from '../../engine/models/train';
import type { LogisticModel } from '../../engine/models/types';
import { defineCellKind, job } from '../kind';
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

export const modelSettings = z.strictObject({
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
    input: inputs.input ?? null,
    target: null,
    positive: null,
    features: [],
    interactions: [],
    references: [],
    split: { kind: 'random', train: 0.6, validation: 0.2, test: 0.2, seed: 42, stratify: true },
    balance: { method: 'none', share: 0.5, correct: true, seed: 42 },
    selection: 'none',
    penalty: null,
    profile: true,
  }),
  slots: [datasetInput<ModelSettings>()],
  output: 'model',
  runs: 'on-click',
  plan(s, { inputs }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    if (!s.target) return { wait: 'model.choose-target' };
    if (s.positive === null) return { wait: 'model.choose-positive' };
    if (s.features.length === 0) return { wait: 'model.choose-features' };
    const { input: _, target, positive, ...rest } = s;
    return job('fit-logistic', {
      datasetId: input.ref.id,
      spec: { target, positive, ...rest },
    });
  },
  // Columns the new dataset lacks are dropped from the choices (the target
  // with its positive class); the rest carry over by name.
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const has = new Set(columns.map((c) => c.name));
    const target = s.target !== null && has.has(s.target) ? s.target : null;
    const next: ModelSettings = {
      ...s,
      target,
      positive: target === null ? null : s.positive,
      features: s.features.filter((f) => has.has(f)),
      interactions: s.interactions.filter((i) => has.has(i.a) && has.has(i.b)),
      references: s.references.filter((r) => has.has(r.column)),
    };
    return JSON.stringify(next) === JSON.stringify(s) ? s : next;
  },
});

/**
 * The fitted model a 'model' output hands on, read from its cell's result:
 * a Model cell's or a Model file cell's (both results hold `model`).
 */
export function modelOf(result: unknown): LogisticModel | null {
  const model = (result as { model?: Partial<LogisticModel> } | null | undefined)?.model;
  return model?.format === 'lifecycle-lab.logistic' ? (model as LogisticModel) : null;
}

/**
 * A Model cell's whole result, for an Evaluate cell that scores its held-out
 * rows; null for a model read from a file, which has none.
 */
export function trainedModel(result: unknown): TrainedLogistic | null {
  const r = result as Partial<TrainedLogistic> | null | undefined;
  return modelOf(r) && r?.spec && r.datasetId ? (r as TrainedLogistic) : null;
}
