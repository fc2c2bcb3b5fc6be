// The Survival cell: Kaplan–Meier curves, one per group, of the dataset it
// reads (engine/survival). Pure declaration; the component is
// ./SurvivalCell.svelte. When its input changes it chooses the duration and
// event columns again by name and type (./columns.ts), so a newly loaded
// dataset shows curves instead of "column not found".

import { z } from 'zod';
import { defineCellKind, job } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { datasetInput } from '../slots';
import { fitSurvivalColumns } from './columns';

const column = text.nullable();

export const survivalSettings = z.strictObject({
  input: idText.nullable(),
  duration: column,
  event: column,
  /** Values of the event column that mean "the event happened"; empty: non-zero / true. */
  eventValues: z.array(text).max(LIMITS.eventValues),
  group: column,
  confType: z.enum(['log', 'log-log', 'plain']),
  confLevel: z.number().gt(0).lt(1),
});

export type SurvivalCellSettings = z.infer<typeof survivalSettings>;

export const survivalKind = defineCellKind({
  kind: 'survival',
  title: 'cell.kind.survival',
  settings: survivalSettings,
  defaults: (inputs) => ({
    input: inputs.input ?? null,
    duration: null,
    event: null,
    eventValues: [],
    group: null,
    confType: 'log' as const,
    confLevel: 0.95,
  }),
  slots: [datasetInput<SurvivalCellSettings>()],
  output: 'survival-curves',
  runs: 'auto',
  plan(s, { inputs }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    if (!s.duration || !s.event) return { wait: 'survival.choose-columns' };
    return job('kaplan-meier', {
      datasetId: input.ref.id,
      settings: {
        duration: s.duration,
        event: s.event,
        eventValues: s.eventValues,
        group: s.group,
        options: { confType: s.confType, confLevel: s.confLevel },
      },
    });
  },
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    return columns ? { ...s, ...fitSurvivalColumns(s, columns) } : s;
  },
});
