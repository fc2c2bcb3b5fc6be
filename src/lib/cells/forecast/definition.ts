// The Survival forecast cell: a fitted survival model — a Cox cell's or one
// of a Parametric cell's distributions — applied to a dataset (the book it
// was fitted on or a new month's file with the same columns), stored as a
// derived dataset with each customer's forecast conditional on the tenure
// already reached (engine/survival/forecast.ts). Pure declaration; the
// component is ./ForecastCell.svelte.
//
// Its model input is a 'survival-model' output; the cell's result hands the
// fitted model to the plan (a Cox report's `model`, a Parametric report's
// fit of the chosen distribution). Scoring is a pass over the rows, so it
// runs by itself. The tenure column defaults to the model's duration column
// (its `outcome`) when the dataset has it as a number; else, and for a model
// stored before the outcome was recorded, it is chosen as the Survival cell
// chooses a duration (by name and type). The analyst can pick another, or
// forecast from the start.

import { z } from 'zod';
import type { CoxReport } from '../../engine/survival/coxReport';
import {
  FORECAST_COLUMNS,
  type ForecastModel,
  type ForecastOptions,
} from '../../engine/survival/forecast';
import type { ParametricReport } from '../../engine/survival/parametricReport';
import type { SurvregDistribution } from '../../engine/survival/survreg';
import type { MessageKey } from '../../i18n/en';
import { defineCellKind, job, type Wait } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { datasetInput } from '../slots';
import { fitSurvivalColumns } from '../survival/columns';

export const FORECAST_DISTRIBUTIONS = [
  'best',
  'weibull',
  'exponential',
  'lognormal',
  'loglogistic',
] as const satisfies readonly ('best' | SurvregDistribution)[];

export const DEFAULT_HORIZONS = [12, 24, 36];

export const forecastSettings = z.strictObject({
  /** The Cox or Parametric survival cell whose model forecasts. */
  model: idText.nullable(),
  /** The Data or Prepare cell whose dataset is forecast. */
  input: idText.nullable(),
  /** Of a Parametric cell's fits, the one used: 'best' is the lowest AIC. Ignored for a Cox model. */
  distribution: z.enum(FORECAST_DISTRIBUTIONS),
  /** The column of tenure already reached (the duration's unit); chosen by name when null. */
  tenure: text.nullable(),
  /** Forecast from the start (tenure 0) instead of from the tenure reached. */
  fromStart: z.boolean(),
  /** With a tenure: forecast only customers still in force (by the model's event column). */
  inForce: z.boolean(),
  /** Horizons in the duration's unit: one survival column each. */
  horizons: z.array(z.number().positive().finite()).min(1).max(LIMITS.survivalTimes),
  /** The forecast columns added to the dataset. */
  columns: z
    .array(z.enum(FORECAST_COLUMNS))
    .min(1)
    .max(FORECAST_COLUMNS.length)
    .refine((c) => new Set(c).size === c.length, { message: 'a column is chosen twice' }),
});

export type ForecastSettings = z.infer<typeof forecastSettings>;

/**
 * The fitted model in a survival-model cell's result: a Cox report's model
 * with its x̄ (the average customer of its hazard ratios), or a Parametric
 * report's fit of `distribution` ('best': lowest AIC); a wait when that
 * distribution did not fit or the result is not a model's.
 */
export function forecastModelOf(
  result: unknown,
  distribution: ForecastSettings['distribution'],
): { model: ForecastModel; average?: number[] } | Wait {
  const cox = result as Partial<CoxReport> | null | undefined;
  if (cox?.model?.format === 'lifecycle-lab.cox') {
    const average = cox.average;
    // An x̄ of another length would make every hazard ratio NaN: exp(lp) then.
    return Array.isArray(average) && average.length === cox.model.coefficients.length
      ? { model: cox.model, average }
      : { model: cox.model };
  }
  const parametric = result as Partial<ParametricReport> | null | undefined;
  if (!Array.isArray(parametric?.fits)) return { wait: 'cell.waiting' };
  const wanted = distribution === 'best' ? parametric.best : distribution;
  const fit = parametric.fits.find((f) => f.distribution === wanted);
  if (fit?.status !== 'fitted')
    return {
      wait: 'forecast.not-fitted',
      params: { distribution: wanted ?? distribution },
    };
  return { model: fit.model };
}

/** The duration column the model in a survival-model cell's result was fitted on, if recorded. */
export function modelDurationOf(result: unknown): string | null {
  const cox = result as Partial<CoxReport> | null | undefined;
  if (cox?.model?.format === 'lifecycle-lab.cox') return cox.model.outcome?.duration ?? null;
  const parametric = result as Partial<ParametricReport> | null | undefined;
  if (!Array.isArray(parametric?.fits)) return null;
  // Every distribution is fitted on the same formula.
  for (const fit of parametric.fits)
    if (fit.status === 'fitted' && fit.model.outcome) return fit.model.outcome.duration;
  return null;
}

export const forecastKind = defineCellKind({
  kind: 'forecast',
  title: 'cell.kind.forecast',
  settings: forecastSettings,
  defaults: (inputs): ForecastSettings => ({
    model: inputs.model ?? null,
    input: inputs.input ?? null,
    distribution: 'best',
    tenure: null,
    fromStart: false,
    inForce: true,
    horizons: DEFAULT_HORIZONS,
    columns: [...FORECAST_COLUMNS],
  }),
  slots: [
    {
      name: 'model',
      accepts: ['survival-model'],
      label: 'forecast.model',
      get: (s) => s.model,
      set: (s, cellId) => ({ ...s, model: cellId }),
    },
    datasetInput<ForecastSettings>(),
  ],
  output: 'dataset',
  runs: 'auto',
  plan(s, { inputs, notebookId, cellId }) {
    const input = inputs.input;
    if (!inputs.model || !input) return { wait: 'cell.waiting' };
    const found = forecastModelOf(inputs.model.result, s.distribution);
    if ('wait' in found) return found;
    if (!s.fromStart && s.tenure === null) return { wait: 'forecast.choose-tenure' };
    const options: ForecastOptions = {
      tenure: s.fromStart ? null : s.tenure,
      horizons: s.horizons,
      inForce: s.inForce,
      columns: s.columns,
      ...(found.average ? { average: found.average } : {}),
    };
    return job('forecast', {
      notebook: notebookId,
      cell: cellId,
      datasetId: input.ref.id,
      model: found.model,
      options,
    });
  },
  outputOf: (result: { dataset: { id: string } }) => ({ type: 'dataset', id: result.dataset.id }),
  // The tenure column kept while the dataset has it as a number; else the
  // model's duration column, when the dataset has it, or one chosen by name.
  // Not chosen while the model is not ready (the plan waits for it anyway):
  // a name guess made first would be kept over the model's column later.
  // A dataset without the model's columns gets the job's message naming them.
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const fitted = (duration: string | null) =>
      fitSurvivalColumns({ duration, event: null, eventValues: [], group: null }, columns).duration;
    if (s.tenure !== null && fitted(s.tenure) === s.tenure) return s;
    if (!inputs.model) return s;
    const tenure = fitted(modelDurationOf(inputs.model.result));
    return tenure === s.tenure ? s : { ...s, tenure };
  },
});

/** The message key of a forecast column's name in the column chooser. */
export function columnLabel(column: (typeof FORECAST_COLUMNS)[number]): MessageKey {
  return `forecast.column.${column}`;
}
