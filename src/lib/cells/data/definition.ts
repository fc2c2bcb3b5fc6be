// The Data cell: a stored dataset (a file read, a built-in sample, or a copy
// with the user's column types), shown with a preview. Its output is the
// chosen dataset itself, known before its preview runs. Pure declaration; the
// component is ./DataCell.svelte, the imports go through the app state.

import { z } from 'zod';
import { COLUMN_TYPES } from '../../engine/data/table';
import { defineCellKind, job } from '../kind';
import { idText, LIMITS, text } from '../limits';

/** Rows of a dataset the Data cell previews. */
export const DATA_PREVIEW_ROWS = 20;

export const dataSettings = z.strictObject({
  datasetId: idText.nullable(),
  /** Column types the user chose over the inferred ones (absent: none). */
  typeOverrides: z
    .record(text, z.enum(COLUMN_TYPES))
    .refine((o) => Object.keys(o).length <= LIMITS.typeOverrides, {
      message: `at most ${LIMITS.typeOverrides} type overrides`,
    })
    .optional(),
});

export type DataSettings = z.infer<typeof dataSettings>;

export const dataKind = defineCellKind({
  kind: 'data',
  title: 'cell.kind.data',
  settings: dataSettings,
  defaults: () => ({ datasetId: null }),
  slots: [],
  output: 'dataset',
  runs: 'auto',
  ownOutput: (s, context) =>
    s.datasetId && context.dataset(s.datasetId) ? { type: 'dataset', id: s.datasetId } : null,
  plan(s, context) {
    if (!s.datasetId) return { wait: 'data.choose-hint' };
    if (!context.dataset(s.datasetId)) return { wait: 'data.missing' };
    return job('preview', { datasetId: s.datasetId, rows: DATA_PREVIEW_ROWS });
  },
  // A Data cell reads no other cell; a dataset deleted from under it is said by plan().
  adapt: (s) => s,
});
