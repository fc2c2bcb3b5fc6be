// The Model file cell: a fitted model read from a file — this app's JSON
// export of a logistic model or a network, a PMML 4.4 RegressionModel (logit)
// from SAS, SPSS or another tool, or a network as TF.js Layers format
// (model.json with its weights.bin) — handed on as a model to Score cells
// (engine/models/modelFile.ts, pmml.ts, network/networkFile.ts,
// network/layersFormat.ts). Pure declaration; the component is
// ./ModelFileCell.svelte. The files are kept in the notebook, so the notebook
// carries its model.

import { z } from 'zod';
import { defineCellKind, job } from '../kind';
import { LIMITS, text } from '../limits';

export const modelFileSettings = z.strictObject({
  fileName: text.nullable(),
  /** The file's text, read again by the worker whenever the notebook opens. */
  text: z.string().max(LIMITS.modelFileChars).nullable(),
  /**
   * A TF.js Layers model's weights.bin, as base64; null for the other
   * formats (and in notebooks saved before networks could be read).
   */
  weights: z.base64().max(LIMITS.modelWeightsChars).nullable().default(null),
});

export type ModelFileSettings = z.infer<typeof modelFileSettings>;

export const modelFileKind = defineCellKind({
  kind: 'model-file',
  title: 'cell.kind.model-file',
  settings: modelFileSettings,
  defaults: (): ModelFileSettings => ({ fileName: null, text: null, weights: null }),
  slots: [],
  output: 'model',
  runs: 'auto',
  plan(s) {
    if (s.text === null) return { wait: 'model-file.choose' };
    // (An undefined field is left out of the result's key: a file without weights keeps the key it had.)
    return job('read-model', {
      text: s.text,
      weights: s.weights ?? undefined,
      fileName: s.fileName ?? '',
    });
  },
  adapt: (s) => s,
});
