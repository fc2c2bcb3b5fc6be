// The Competing risks cell: the cumulative incidence of each cause
// (Aalen–Johansen, as cmprsk::cuminc) of a duration and a cause column whose
// values name how each customer left (surrender, death, …) or that they are
// still in force, optionally per group with Gray's test, beside the naive
// 1 − KM of each cause (engine/survival/competingReport.ts). Pure
// declaration; the component is ./CompetingCell.svelte.
//
// It runs by itself: one pass over the rows per cause. The cause drawn with
// its 1 − KM (`compare`) is display only, not in the job. When its input
// changes it keeps the columns the new dataset has, by name and type, and
// drops the others (with the cause column go its censored value and the
// compared cause).

import { z } from 'zod';
import type { ColumnType } from '../../engine/data/table';
import { defineCellKind, job } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { datasetInput } from '../slots';

const column = text.nullable();

export const competingSettings = z.strictObject({
  input: idText.nullable(),
  duration: column,
  /** The column naming each row's outcome: a cause, or the censored value. */
  cause: column,
  /** The cause column's value meaning censored / still in force. */
  censoredValue: column,
  group: column,
  confLevel: z.number().gt(0).lt(1),
  /** Times the table reads the curves at; empty: round times up to the longest follow-up. */
  times: z.array(z.number().min(0).finite()).max(LIMITS.survivalTimes),
  /** The cause drawn with its naive 1 − KM (display only); null: none. */
  compare: column,
});

export type CompetingCellSettings = z.infer<typeof competingSettings>;

export const COMPETING_DURATION_TYPES: readonly ColumnType[] = ['integer', 'decimal'];
export const COMPETING_CAUSE_TYPES: readonly ColumnType[] = ['categorical', 'text'];
export const COMPETING_GROUP_TYPES: readonly ColumnType[] = [
  'categorical',
  'text',
  'boolean',
  'integer',
];

export const competingKind = defineCellKind({
  kind: 'competing',
  title: 'cell.kind.competing',
  settings: competingSettings,
  defaults: (inputs): CompetingCellSettings => ({
    input: inputs.input ?? null,
    duration: null,
    cause: null,
    censoredValue: null,
    group: null,
    confLevel: 0.95,
    times: [],
    compare: null,
  }),
  slots: [datasetInput<CompetingCellSettings>()],
  output: null,
  runs: 'auto',
  plan(s, { inputs }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    if (!s.duration || !s.cause || s.censoredValue === null)
      return { wait: 'competing.choose-columns' };
    return job('cumulative-incidence', {
      datasetId: input.ref.id,
      settings: {
        duration: s.duration,
        cause: s.cause,
        censoredValue: s.censoredValue,
        group: s.group,
        confLevel: s.confLevel,
        times: s.times,
      },
    });
  },
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const has = (name: string | null, types: readonly ColumnType[]) =>
      name !== null && columns.some((c) => c.name === name && types.includes(c.type));
    const causeKept = has(s.cause, COMPETING_CAUSE_TYPES);
    const next: CompetingCellSettings = {
      ...s,
      duration: has(s.duration, COMPETING_DURATION_TYPES) ? s.duration : null,
      cause: causeKept ? s.cause : null,
      censoredValue: causeKept ? s.censoredValue : null,
      compare: causeKept ? s.compare : null,
      group: has(s.group, COMPETING_GROUP_TYPES) ? s.group : null,
    };
    return JSON.stringify(next) === JSON.stringify(s) ? s : next;
  },
});
