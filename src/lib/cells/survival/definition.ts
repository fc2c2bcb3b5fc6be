// The Survival cell: Kaplan–Meier curves, one per group, of the dataset it
// reads (engine/survival), with the test comparing the groups, survival at
// chosen times, the restricted mean and the Nelson–Aalen cumulative hazard. Pure declaration; the component is
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
  // The fields below came after the first notebooks were saved: their
  // defaults fill them in when an older notebook is read.
  /** With a group: the G-rho test (ρ 0: log-rank, 1: Peto–Peto), by strata, pairwise, for trend. */
  test: z
    .strictObject({
      rho: z.number().min(0).max(10),
      strata: column,
      pairwise: z.enum(['none', 'holm', 'BH']),
      trend: z.boolean(),
    })
    .default({ rho: 0, strata: null, pairwise: 'none', trend: false }),
  /** Each curve read at these times (as R's summary(fit, times)). */
  times: z.array(z.number().min(0).finite()).max(LIMITS.survivalTimes).default([]),
  /** The restricted mean survival time up to τ; null: not asked for. */
  tau: z.number().positive().finite().nullable().default(null),
  /** What the chart draws (display only: the job computes both). */
  view: z.enum(['survival', 'cumulative-hazard']).default('survival'),
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
    test: { rho: 0, strata: null, pairwise: 'none' as const, trend: false },
    times: [],
    tau: null,
    view: 'survival' as const,
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
        test: s.group
          ? {
              rho: s.test.rho,
              strata: s.test.strata,
              pairwise: s.test.pairwise === 'none' ? null : s.test.pairwise,
              trend: s.test.trend,
            }
          : null,
        times: s.times,
        tau: s.tau,
      },
    });
  },
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    return columns ? { ...s, ...fitSurvivalColumns(s, columns) } : s;
  },
});
