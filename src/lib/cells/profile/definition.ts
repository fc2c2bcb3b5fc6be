// The Profile cell: per-column summaries and data-quality warnings of the
// dataset it reads (engine/data/profile.ts). Pure declaration; the component
// is ./ProfileCell.svelte.

import { z } from 'zod';
import { defineCellKind, job } from '../kind';
import { idText, text } from '../limits';
import { datasetInput } from '../slots';

export const profileSettings = z.strictObject({
  /** The id of the Data or Prepare cell whose dataset is profiled. */
  input: idText.nullable(),
  /** Column checked against for leakage (absent in notebooks saved before the check). */
  target: text.nullable().optional(),
  /** yyyy-mm-dd: dates after it are flagged as in the future; absent or null = today. */
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a date as yyyy-mm-dd' })
    .nullable()
    .optional(),
});

export type ProfileSettings = z.infer<typeof profileSettings>;

export const profileKind = defineCellKind({
  kind: 'profile',
  title: 'cell.kind.profile',
  settings: profileSettings,
  defaults: (inputs) => ({ input: inputs.input ?? null }),
  slots: [datasetInput<ProfileSettings>()],
  output: null,
  runs: 'auto',
  plan(s, { inputs, today }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    // "Today" is written into the job, so a stored profile is of the day it was made.
    return job('profile', {
      datasetId: input.ref.id,
      target: s.target ?? null,
      asOf: s.asOf ?? today,
    });
  },
  // A leakage target the new dataset lacks is dropped; the rest holds for any dataset.
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns || !s.target || columns.some((c) => c.name === s.target)) return s;
    return { ...s, target: null };
  },
});
