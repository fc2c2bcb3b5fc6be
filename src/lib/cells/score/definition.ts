// The Score cell: a fitted model applied to a dataset — the book it was
// fitted on or a new month's file with the same columns — stored as a
// derived dataset with each row's probability, risk decile, risk band and
// top reasons (engine/models/scoredTable.ts). Pure declaration; the component
// is ./ScoreCell.svelte. Scoring a million rows takes about a second, so it
// runs by itself when its model, dataset or options change.

import { z } from 'zod';
import { defineCellKind, job } from '../kind';
import { idText } from '../limits';
import { datasetInput } from '../slots';
import { modelOf } from '../model/definition';

const probability = z.number().min(0).max(1);

export const scoreSettings = z
  .strictObject({
    /** The Model cell whose model scores. */
    model: idText.nullable(),
    /** The Data or Prepare cell whose dataset is scored. */
    input: idText.nullable(),
    /** A category level the model never saw: refuse, or score it as the reference level (counted). */
    unseen: z.enum(['error', 'reference']),
    /** Risk bands: high from this probability on, medium from `medium`, low below. */
    high: probability,
    medium: probability,
    /** Reasons per customer (0–5). */
    reasons: z.number().int().min(0).max(5),
  })
  .refine((s) => s.medium <= s.high, { message: 'the medium band starts below the high band' });

export type ScoreSettings = z.infer<typeof scoreSettings>;

export const scoreKind = defineCellKind({
  kind: 'score',
  title: 'cell.kind.score',
  settings: scoreSettings,
  defaults: (inputs): ScoreSettings => ({
    model: inputs.model ?? null,
    input: inputs.input ?? null,
    unseen: 'error',
    high: 0.5,
    medium: 0.2,
    reasons: 3,
  }),
  slots: [
    {
      name: 'model',
      accepts: ['model'],
      label: 'score.model',
      get: (s) => s.model,
      set: (s, cellId) => ({ ...s, model: cellId }),
    },
    datasetInput<ScoreSettings>(),
  ],
  output: 'dataset',
  runs: 'auto',
  plan(s, { inputs, notebookId, cellId }) {
    const model = modelOf(inputs.model?.result);
    const input = inputs.input;
    if (!model || !input) return { wait: 'cell.waiting' };
    return job('score', {
      notebook: notebookId,
      cell: cellId,
      datasetId: input.ref.id,
      model,
      options: {
        unseen: s.unseen,
        bands: { high: s.high, medium: s.medium },
        reasons: s.reasons,
      },
    });
  },
  outputOf: (result: { dataset: { id: string } }) => ({ type: 'dataset', id: result.dataset.id }),
  // Nothing to fit: a dataset without the model's columns gets the job's message naming them.
  adapt: (s) => s,
});
