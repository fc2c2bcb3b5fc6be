// The Evaluate cell: how well one or more models rank and calibrate on rows
// they were not fitted on — a Model cell's validation or test rows, its
// k-fold out-of-fold scores, or any scored dataset with its outcome
// (engine/evaluate/report.ts). Pure declaration; the component is
// ./EvaluateCell.svelte. The threshold slider is a setting the job does not
// read: the result holds a threshold table, so moving it costs no job.

import { z } from 'zod';
import { defineCellKind, job, type InputSlot } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { modelOf, trainedModel } from '../model/definition';

export const evaluateSettings = z.strictObject({
  /** A Model cell, or a Data/Prepare/Score cell whose dataset holds a score and the outcome. */
  model: idText.nullable(),
  /** Further Model cells compared with the first on the same rows. */
  compare: z.array(idText).max(LIMITS.comparedModels - 1),
  rows: z.enum(['validation', 'test', 'folds']),
  /** For a scored dataset: its score column, outcome column and the outcome's positive class. */
  score: text.nullable(),
  outcome: text.nullable(),
  positive: text.nullable(),
  threshold: z.number().min(0).max(1),
  costs: z.strictObject({
    /** Cost of one retention contact. */
    contact: z.number().min(0).finite(),
    /** Value kept by retaining one customer who would have left. */
    saved: z.number().min(0).finite(),
    /** A column holding the value per customer (premium, CLV) instead of `saved`. */
    valueColumn: text.nullable(),
    /** Share of contacted leavers the action keeps. */
    success: z.number().min(0).max(1),
  }),
});

export type EvaluateSettings = z.infer<typeof evaluateSettings>;

function compareSlot(i: number): InputSlot<EvaluateSettings> {
  return {
    name: `compare${i}`,
    accepts: ['model'],
    label: 'evaluate.compare',
    get: (s) => s.compare[i] ?? null,
    set: (s, cellId) => {
      const compare = [...s.compare];
      if (cellId === null) compare.splice(i, 1);
      else compare[i] = cellId;
      return { ...s, compare };
    },
    active: (s) => i < s.compare.length,
  };
}

export const evaluateKind = defineCellKind({
  kind: 'evaluate',
  title: 'cell.kind.evaluate',
  settings: evaluateSettings,
  defaults: (inputs): EvaluateSettings => ({
    model: inputs.model ?? null,
    compare: [],
    rows: 'test',
    score: null,
    outcome: null,
    positive: null,
    threshold: 0.5,
    costs: { contact: 10, saved: 200, valueColumn: null, success: 0.3 },
  }),
  slots: [
    {
      name: 'model',
      accepts: ['model', 'dataset'],
      label: 'evaluate.model',
      get: (s) => s.model,
      set: (s, cellId) => ({ ...s, model: cellId }),
    },
    ...Array.from({ length: LIMITS.comparedModels - 1 }, (_, i) => compareSlot(i)),
  ],
  output: null,
  runs: 'auto',
  plan(s, { inputs }) {
    const first = inputs.model;
    if (!first) return { wait: 'cell.waiting' };
    const costs = s.costs;
    if (first.ref.type === 'dataset') {
      if (!s.score || !s.outcome || s.positive === null) return { wait: 'evaluate.choose-columns' };
      return job('evaluate', {
        source: {
          kind: 'scored',
          datasetId: first.ref.id,
          score: s.score,
          outcome: s.outcome,
          positive: s.positive,
        },
        costs,
      });
    }
    const used = [first, ...s.compare.map((_, i) => inputs[`compare${i}`])];
    const trained = used.map((input) => trainedModel(input?.result));
    if (trained.some((t) => t === null)) {
      // A model read from a file has no held-out rows of its own.
      const fromFile = used.some((i) => i && modelOf(i.result) && !trainedModel(i.result));
      return { wait: fromFile ? 'evaluate.model-from-file' : 'cell.waiting' };
    }
    const models = trained.map((t) => t!);
    return job('evaluate', {
      source: {
        kind: 'models',
        datasetId: models[0].datasetId,
        spec: models[0].spec,
        rows: s.rows,
        models: models.map((t) => ({
          datasetId: t.datasetId,
          model: t.model,
          folds: t.folds?.map((f) => f.model) ?? null,
        })),
      },
      costs,
    });
  },
  adapt: (s) => s,
});
