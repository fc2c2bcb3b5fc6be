// The Parametric survival cell: accelerated failure time models (Weibull,
// exponential, log-normal, log-logistic) of a duration and an event on
// chosen features, as R survreg, compared by AIC and drawn over Kaplan–Meier,
// with a per-customer forecast at the tenure reached
// (engine/survival/parametricReport.ts). Pure declaration; the component is
// ./ParametricCell.svelte.
//
// Its job fits all four distributions, so `distribution` (the one shown) is
// display only and not in the job: switching it costs no run. It runs on
// click: four fits on a large book take seconds. When its input changes it
// chooses duration and event again as the Survival cell does, and drops
// features the new dataset lacks.

import { z } from 'zod';
import type { SurvregDistribution } from '../../engine/survival/survreg';
import { defineCellKind, job } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { MODEL_DATA_SETTINGS } from '../model/definition';
import { datasetInput } from '../slots';
import { fitSurvivalFormula } from '../survival/columns';

const column = text.nullable();

const distributions = [
  'weibull',
  'exponential',
  'lognormal',
  'loglogistic',
] as const satisfies readonly SurvregDistribution[];

export const parametricSettings = z.strictObject({
  input: idText.nullable(),
  duration: column,
  event: column,
  /** Values of the event column that mean "the event happened"; empty: non-zero / true. */
  eventValues: z.array(text).max(LIMITS.eventValues),
  features: MODEL_DATA_SETTINGS.features,
  interactions: MODEL_DATA_SETTINGS.interactions,
  references: MODEL_DATA_SETTINGS.references,
  /** The distribution shown; display only (every distribution is fitted). */
  distribution: z.enum(distributions),
  /** Forecast S(tenure + horizon | survived to tenure) per customer; null: none. */
  horizon: z.number().positive().finite().nullable(),
  /** Tenure already reached, for the conditional forecast; null: the duration column. */
  tenure: column,
});

export type ParametricCellSettings = z.infer<typeof parametricSettings>;

const NUMERIC = new Set(['integer', 'decimal']);

export const parametricKind = defineCellKind({
  kind: 'parametric',
  title: 'cell.kind.parametric',
  settings: parametricSettings,
  defaults: (inputs): ParametricCellSettings => ({
    input: inputs.input ?? null,
    duration: null,
    event: null,
    eventValues: [],
    features: [],
    interactions: [],
    references: [],
    distribution: 'weibull',
    horizon: null,
    tenure: null,
  }),
  slots: [datasetInput<ParametricCellSettings>()],
  output: 'survival-model',
  runs: 'on-click',
  plan(s, { inputs }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    if (!s.duration || !s.event) return { wait: 'survival.choose-columns' };
    return job('fit-survreg', {
      datasetId: input.ref.id,
      settings: {
        duration: s.duration,
        event: s.event,
        eventValues: s.eventValues,
        features: s.features,
        interactions: s.interactions,
        references: Object.fromEntries(s.references.map((r) => [r.column, r.level])),
        // The default written out, so choosing the duration as tenure is the same job.
        tenure: s.tenure ?? s.duration,
        horizon: s.horizon,
      },
    });
  },
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const next: ParametricCellSettings = {
      ...fitSurvivalFormula(s, columns),
      tenure:
        s.tenure !== null && columns.some((c) => c.name === s.tenure && NUMERIC.has(c.type))
          ? s.tenure
          : null,
    };
    return JSON.stringify(next) === JSON.stringify(s) ? s : next;
  },
});
