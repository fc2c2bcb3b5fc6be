// The Prepare cell: one cleaning or reshaping step (./steps.ts) on the
// dataset it reads — and, for a join, on a second one — whose result is a new
// stored dataset that cells below read. Pure declaration; the component is
// ./PrepareCell.svelte.

import { z } from 'zod';
import { defineCellKind, job } from '../kind';
import { idText } from '../limits';
import { datasetInput } from '../slots';
import { defaultStep, prepareStep, stepReady } from './steps';

export const prepareSettings = z.strictObject({
  /** The id of the Data or Prepare cell whose dataset this step transforms. */
  input: idText.nullable(),
  step: prepareStep,
});

export type PrepareCellSettings = z.infer<typeof prepareSettings>;

export const prepareKind = defineCellKind({
  kind: 'prepare',
  title: 'cell.kind.prepare',
  settings: prepareSettings,
  defaults: (inputs) => ({ input: inputs.input ?? null, step: defaultStep('drop-duplicates') }),
  slots: [
    datasetInput<PrepareCellSettings>(),
    {
      name: 'right',
      accepts: ['dataset'],
      label: 'prepare.field.right',
      active: (s) => s.step.op === 'join',
      get: (s) => (s.step.op === 'join' ? s.step.right : null),
      set: (s, cellId) => (s.step.op === 'join' ? { ...s, step: { ...s.step, right: cellId } } : s),
    },
  ],
  output: 'dataset',
  runs: 'auto',
  plan(s, { inputs, notebookId, cellId }) {
    const left = inputs.input;
    const right = s.step.op === 'join' ? inputs.right : undefined;
    if (!left || (s.step.op === 'join' && !right)) return { wait: 'cell.waiting' };
    if (!stepReady(s.step)) return { wait: 'prepare.incomplete' };
    const datasets = right ? [left.ref.id, right.ref.id] : [left.ref.id];
    return job('prepare', { notebook: notebookId, cell: cellId, inputs: datasets, step: s.step });
  },
  outputOf: (result) => ({ type: 'dataset', id: result.dataset.id }),
  // The step's columns are the analyst's explicit choice: they are kept, and
  // a column the new dataset lacks is named by the engine's error when the
  // step runs, rather than silently dropped.
  adapt: (s) => s,
});
