// A Parametric survival cell's job: the four accelerated failure time fits of
// one survreg formula (./survreg.ts), compared by AIC, with what shows how
// well each fits and what each predicts. Pure; runs in Node and in the
// compute worker.
//
// - Every distribution of SURVREG_DISTRIBUTIONS is fitted, so the cell can
//   switch the one it shows without a new job. A distribution whose fit fails
//   (an EngineError: no convergence, say) records its code and params and the
//   others go on; when all four fail the job fails with the first one's
//   error, which is then a fault of the data or choices (no events, a
//   constant feature), the same for every distribution.
// - The fits share their rows (na.omit depends on the formula, not the
//   distribution): the Kaplan–Meier curve is of exactly those rows, and each
//   fitted curve is the marginal one, the mean over them of S(t | xᵢ), the
//   curve to set against Kaplan–Meier (plotting S at the mean x would not be
//   comparable: S is not linear in x). The grid reaches GRID_REACH × the
//   longest follow-up, so the tail the model extrapolates shows.
// - The forecast is a preview, the first FORECAST_ROWS customers used, each
//   at the tenure already reached (a customer at month 40 has survived 40
//   months): median survival, the median residual life, and the survival
//   over the next `horizon` given that tenure.

import {
  EngineError,
  getColumn,
  NO_PROGRESS,
  type Column,
  type DataTable,
  type Progress,
} from '../data/table';
import { designOf } from '../models/design';
import { kaplanMeier, type KaplanMeierResult } from './kaplanMeier';
import { survivalInputs } from './prepare';
import { qnorm } from './qnorm';
import {
  fitSurvregTable,
  SURVREG_DISTRIBUTIONS,
  survregConditionalSurvival,
  survregQuantile,
  survregResidualLife,
  survregSurvival,
  type SurvregDistribution,
  type SurvregFit,
  type SurvregModel,
  type SurvregOptions,
  type SurvregSettings,
  type SurvregTableResult,
} from './survreg';

/** The survreg formula without its distribution, and the forecast's choices. */
export interface ParametricSettings extends Omit<SurvregSettings, 'distribution'> {
  /** The column of tenure already reached, in the durations' unit; null or absent: the duration. */
  tenure?: string | null;
  /** Forecast S(a + horizon | T > a) per customer; null or absent: none. */
  horizon?: number | null;
}

/** Customers in the forecast preview. */
export const FORECAST_ROWS = 20;
/** Points of the fitted curves' time grid, from 0. */
export const GRID_POINTS = 121;
/** The grid ends at this multiple of the longest follow-up. */
export const GRID_REACH = 1.5;
/** The time ratios' interval. */
export const CONF_LEVEL = 0.95;

/** A coefficient's time ratio exp(β) with its Wald interval exp(β ± z·se): > 1 lengthens survival. */
export interface TimeRatio {
  name: string;
  ratio: number;
  lower: number;
  upper: number;
}

/** A fit as the result keeps it: survreg's numbers without the per-row linear predictors. */
export type FitSummary = Omit<SurvregFit, 'linearPredictors'>;

export type DistributionReport =
  | {
      distribution: SurvregDistribution;
      status: 'fitted';
      fit: FitSummary;
      model: SurvregModel;
      /** exp(β) per coefficient, the intercept's included (its baseline time scale). */
      timeRatios: TimeRatio[];
      /** Mean over the rows used of S(t | xᵢ), at each time of the report's grid. */
      curve: Float64Array;
      /** AIC − the lowest AIC of the fitted distributions. */
      deltaAic: number;
    }
  | {
      distribution: SurvregDistribution;
      status: 'failed';
      error: { code: string; params: Record<string, string | number> };
    };

export interface CustomerPrediction {
  /** predict(type = 'quantile', p = 0.5): the median survival time from the start, and its SE. */
  median: number;
  medianSe: number;
  /** The median residual life at the customer's tenure; NaN where the tenure is missing. */
  residualMedian: number;
  /** S(a + horizon | T > a); null without a horizon, NaN where the tenure is missing. */
  survivalAtHorizon: number | null;
}

export interface CustomerForecast {
  /** The table row (0-based). */
  row: number;
  /** Tenure reached; NaN where missing or negative. */
  tenure: number;
  /** Per fitted distribution. */
  predictions: Partial<Record<SurvregDistribution, CustomerPrediction>>;
}

export interface ParametricReport {
  /** Rows the fits used, and their events. */
  n: number;
  events: number;
  /** Rows left out: unusable duration or event, or a missing feature. */
  excluded: number;
  missingBy: Record<string, number>;
  /** Kaplan–Meier (log, 95 %) of the rows the fits used. */
  km: KaplanMeierResult;
  /** Times of the fitted curves: 0 to GRID_REACH × the longest follow-up. */
  grid: Float64Array;
  /** In SURVREG_DISTRIBUTIONS order. */
  fits: DistributionReport[];
  /** The fitted distribution with the lowest AIC. */
  best: SurvregDistribution;
  tenure: string;
  horizon: number | null;
  forecast: CustomerForecast[];
}

/** The four fits, KM of their rows, the marginal fitted curves, the AIC comparison and the forecast preview. */
export async function parametricReport(
  table: DataTable,
  settings: ParametricSettings,
  progress: Progress = NO_PROGRESS,
  /** survreg.control, for every fit. */
  options: SurvregOptions = {},
): Promise<ParametricReport> {
  const tenure = settings.tenure ?? settings.duration;
  const tenureColumn = getColumn(table, tenure);
  if (tenureColumn.kind !== 'number')
    throw new EngineError('survival.duration-not-numeric', {
      column: tenure,
      type: tenureColumn.type,
    });
  const horizon = settings.horizon ?? null;
  const total = SURVREG_DISTRIBUTIONS.length + 1;
  await progress.report(0, total);

  const results: (SurvregTableResult | EngineError)[] = [];
  for (const distribution of SURVREG_DISTRIBUTIONS) {
    try {
      results.push(fitSurvregTable(table, { ...settings, distribution }, options));
    } catch (error) {
      // Anything else (a bug, a cancel) fails the job.
      if (!(error instanceof EngineError)) throw error;
      results.push(error);
    }
    await progress.report(results.length, total);
  }
  const fitted = results.filter((r): r is SurvregTableResult => !(r instanceof EngineError));
  if (fitted.length === 0) throw results[0] as EngineError;

  const first = fitted[0];
  const rows = first.rows;
  const km = kaplanMeierOfRows(table, settings, rows);
  const longest = km.time.length > 0 ? km.time[km.time.length - 1] : 0;
  const grid = new Float64Array(GRID_POINTS);
  for (let i = 0; i < GRID_POINTS; i++) grid[i] = (GRID_REACH * longest * i) / (GRID_POINTS - 1);

  const bestAic = Math.min(...fitted.map((r) => r.fit.aic));
  const z = qnorm(1 - (1 - CONF_LEVEL) / 2);
  const fits: DistributionReport[] = results.map((r, k) => {
    const distribution = SURVREG_DISTRIBUTIONS[k];
    if (r instanceof EngineError)
      return { distribution, status: 'failed', error: { code: r.code, params: r.params } };
    const { linearPredictors, ...fit } = r.fit;
    return {
      distribution,
      status: 'fitted',
      fit,
      model: r.model,
      timeRatios: fit.coefficients.map((c) => ({
        name: c.name,
        ratio: Math.exp(c.estimate),
        lower: Math.exp(c.estimate - z * c.se),
        upper: Math.exp(c.estimate + z * c.se),
      })),
      curve: marginalSurvival(r.model, linearPredictors, grid),
      deltaAic: fit.aic - bestAic,
    };
  });
  const best = fitted.find((r) => r.fit.aic === bestAic)!.model.distribution;
  const forecast = forecastPreview(table, fits, rows, tenureColumn, horizon);
  await progress.report(total, total);
  return {
    n: first.fit.n,
    events: first.fit.events,
    excluded: first.excluded,
    missingBy: first.missingBy,
    km,
    grid,
    fits,
    best,
    tenure,
    horizon,
    forecast,
  };
}

/**
 * The mean over the rows of S(t | xᵢ), from each row's linear predictor ηᵢ:
 * survregSurvival of a one-coefficient model (β = 1) at x = (ηᵢ), so the
 * curve is survreg.ts's own S, without the design matrix again.
 */
function marginalSurvival(
  model: SurvregModel,
  linearPredictors: Float64Array,
  grid: Float64Array,
): Float64Array {
  const unit: SurvregModel = { ...model, coefficients: [1] };
  const sum = new Float64Array(grid.length);
  const x = new Float64Array(1);
  for (let i = 0; i < linearPredictors.length; i++) {
    x[0] = linearPredictors[i];
    const s = survregSurvival(unit, x, grid);
    for (let j = 0; j < grid.length; j++) sum[j] += s[j];
  }
  for (let j = 0; j < grid.length; j++) sum[j] /= linearPredictors.length;
  return sum;
}

/**
 * Kaplan–Meier of the table rows `rows`, their events read as
 * fitSurvregTable reads them: survivalInputs' flags, one per row with a
 * finite duration ≥ 0 and an event value, in row order.
 */
function kaplanMeierOfRows(
  table: DataTable,
  settings: ParametricSettings,
  rows: Uint32Array,
): KaplanMeierResult {
  const duration = getColumn(table, settings.duration);
  const eventColumn = getColumn(table, settings.event);
  const inputs = survivalInputs(table, {
    duration: settings.duration,
    event: settings.event,
    eventValues: settings.eventValues,
  });
  const values = (duration as { values: Float64Array }).values;
  const flags = new Uint8Array(table.rowCount);
  let k = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const t = values[i];
    if (!Number.isFinite(t) || t < 0 || !present(eventColumn, i)) continue;
    flags[i] = inputs.event[k++];
  }
  const time = new Float64Array(rows.length);
  const event = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    time[i] = values[rows[i]];
    event[i] = flags[rows[i]];
  }
  return kaplanMeier(time, event);
}

function present(column: Column, i: number): boolean {
  return column.kind === 'string' ? column.codes[i] >= 0 : !Number.isNaN(column.values[i]);
}

function forecastPreview(
  table: DataTable,
  fits: readonly DistributionReport[],
  rows: Uint32Array,
  tenureColumn: Column,
  horizon: number | null,
): CustomerForecast[] {
  const preview = rows.slice(0, FORECAST_ROWS);
  const tenures = (tenureColumn as { values: Float64Array }).values;
  const forecast: CustomerForecast[] = Array.from(preview, (row) => {
    const a = tenures[row];
    return { row, tenure: Number.isFinite(a) && a >= 0 ? a : NaN, predictions: {} };
  });
  const byRow = new Map(forecast.map((f) => [f.row, f]));
  for (const report of fits) {
    if (report.status !== 'fitted') continue;
    const { model } = report;
    // The preview rows were used by the fit, so every one has a design row.
    const design = designOf(table, model.pipeline, { target: false, rows: preview });
    for (let i = 0; i < design.n; i++) {
      const x = design.X.subarray(i * design.p, (i + 1) * design.p);
      const customer = byRow.get(design.rows[i])!;
      const a = customer.tenure;
      const median = survregQuantile(model, x, 0.5);
      const known = !Number.isNaN(a);
      customer.predictions[model.distribution] = {
        median: median.estimate,
        medianSe: median.se,
        residualMedian: known ? survregResidualLife(model, x, a) : NaN,
        survivalAtHorizon:
          horizon === null
            ? null
            : known
              ? survregConditionalSurvival(model, x, a, [a + horizon])[0]
              : NaN,
      };
    }
  }
  return forecast;
}
