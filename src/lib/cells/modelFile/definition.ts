// The Model file cell: a fitted model read from a file — this app's JSON
// export or a PMML 4.4 RegressionModel (logit) from SAS, SPSS or another
// tool — handed on as a model to Score cells (engine/models/modelFile.ts,
// pmml.ts). Pure declaration; the component is ./ModelFileCell.svelte. The
// file's text is kept in the notebook, so the notebook carries its model.

import { z } from 'zod';
import { defineCellKind, job } from '../kind';
import { LIMITS, text } from '../limits';

export const modelFileSettings = z.strictObject({
  fileName: text.nullable(),
  /** The file's text, read again by the worker whenever the notebook opens. */
  text: z.string().max(LIMITS.modelFileChars).nullable(),
});

export type ModelFileSettings = z.infer<typeof modelFileSettings>;

export const modelFileKind = defineCellKind({
  kind: 'model-file',
  title: 'cell.kind.model-file',
  settings: modelFileSettings,
  defaults: (): ModelFileSettings => ({ fileName: null, text: null }),
  slots: [],
  output: 'model',
  runs: 'auto',
  plan(s) {
    if (s.text === null) return { wait: 'model-file.choose' };
    return job('read-model', { text: s.text, fileName: s.fileName ?? '' });
  },
  adapt: (s) => s,
});
