// Per-customer survival forecasts: a fitted Cox or parametric (survreg)
// model applied to a whole table — the book it was fitted on or a new
// month's file with the same columns — giving the new columns a Survival
// forecast cell stores with the table, and a report of what was scored.
// Pure; runs in Node and in the compute worker.
//
// Every forecast is conditional on the tenure a customer has already
// reached, a (a customer in force at month 40 has survived 40 months):
//   S(a + h | T > a, x) = S(a + h | x) / S(a | x) at each horizon h, and
//   the median residual life, the smallest m with S(a + m | x) / S(a | x) ≤ ½.
// Without a tenure column a = 0: S(h | x) and the median from the start.
//
// Cox (./coxPredict.ts): `lp` as R's predict(type = "lp"); `hazard_ratio`
// against the average customer, exp((x − x̄)·β) with x̄ every design column's
// mean over the fitted rows (`average`, the Cox report's, as the Cox cell
// shows it) — not exp(lp), whose R centre fit$means puts 0/1 columns at 0;
// without `average`, exp(lp); survival on survfit's step curve. The step curve ends at the
// stratum's last event time, so a median it does not reach by then is
// missing and counted (a parametric model forecasts the tail).
// Parametric (./survreg.ts): `median_time` as predict(type = "quantile",
// p = 0.5), the median residual life in closed form, survival from the
// fitted S. The mean residual life is not given: for a log-logistic with
// σ ≥ 1 it is infinite, and elsewhere it is an integral to infinity.
//
// A customer who has already lapsed has no remaining tenure: with a tenure
// column and `inForce`, a row whose event column (the model's, when the table
// has it) says the event happened keeps its lp and hazard ratio but gets no
// conditional forecast, and is counted. The events are read as the fit read
// them (the model's `outcome`: its event values, or non-zero); a column
// without any of those values has no one lapsed (a file of policies in
// force), and a missing event value counts as in force. A model stored before
// `outcome` was recorded reads non-zero / true or the two-valued text guess.

import {
  EngineError,
  getColumn,
  NO_PROGRESS,
  type Column,
  type DataTable,
  type NumericColumn,
  type Progress,
} from '../data/table';
import { designOf } from '../models/design';
import { eventReader } from './prepare';
import {
  coxConditionalSurvival,
  coxHazardRatio,
  coxLinearPredictor,
  coxResidualMedian,
  coxRisk,
  coxStratumOf,
  type CoxModel,
} from './coxPredict';
import {
  survregConditionalSurvival,
  survregQuantile,
  survregResidualLife,
  type SurvregDistribution,
  type SurvregModel,
} from './survreg';

/** The model a forecast applies: a Cox cell's CoxModel or one of a Parametric cell's fits. */
export type ForecastModel = CoxModel | SurvregModel;

export interface ForecastOptions {
  /** The column of tenure already reached, in the model's duration unit; null: from the start. */
  tenure: string | null;
  /** Horizons h (> 0) in the duration's unit, one survival column each. */
  horizons: readonly number[];
  /**
   * With a tenure column: forecast only rows still in force, by the model's
   * event column read as the fit read it (its outcome's event values, or
   * non-zero / true). Ignored when the table lacks that column.
   */
  inForce?: boolean;
  /** Cox: x̄, the design columns' means over the fitted rows (CoxReport.average), for the hazard ratio. */
  average?: readonly number[] | null;
  /** The new columns to add; default all that the model gives. */
  columns?: readonly ForecastColumn[];
}

/** The kinds of column a forecast can add (lp and hazard_ratio: Cox; median_time: parametric). */
export const FORECAST_COLUMNS = [
  'lp',
  'hazard_ratio',
  'median_time',
  'survival',
  'median_residual',
] as const;
export type ForecastColumn = (typeof FORECAST_COLUMNS)[number];

/** Bins of the median residual life's histogram (0 to its 99th percentile). */
export const HISTOGRAM_BINS = 20;

/** Rows scored between progress reports (and so between chances to cancel). */
export const FORECAST_CHUNK = 50_000;

/** Quartiles and extremes of the median residual life over the rows where it is known. */
export interface ResidualSpread {
  rows: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/** Equal-width bins from 0; rows above the last edge are counted in `beyond`. */
export interface ResidualHistogram {
  width: number;
  counts: number[];
  beyond: number;
}

export interface ForecastReport {
  model: 'cox' | SurvregDistribution;
  tenure: string | null;
  horizons: number[];
  /** Names of the new columns, as written: survival[k] for horizons[k]. */
  columns: {
    lp: string | null;
    hazardRatio: string | null;
    medianTime: string | null;
    /** Null when not chosen. */
    medianResidual: string | null;
    /** Empty when not chosen. */
    survival: string[];
  };
  rows: number;
  /** Rows with a forecast: the model's columns and the tenure present. */
  scored: number;
  /** Rows without a forecast: a feature (or a Cox stratum column) missing. */
  missingFeature: number;
  /** Rows with the model's columns but a missing or negative tenure: survival and residual life missing. */
  missingTenure: number;
  /** The event column read for `inForce`, or null when not read. */
  event: string | null;
  /** Rows already lapsed (the event happened): no conditional forecast. */
  lapsed: number;
  /** Cox: rows whose median residual life is beyond the follow-up (missing); 0 for a parametric model. */
  medianBeyond: number;
  /** Cox: the last event time of the baseline (the longest one over strata); null for a parametric model. */
  followUp: number | null;
  /** Per horizon, the mean forecast survival over the rows that have it (null when none do). */
  meanSurvival: (number | null)[];
  /** The median residual life's spread and histogram; null when no row has one. */
  residual: ResidualSpread | null;
  histogram: ResidualHistogram | null;
}

export interface Forecast {
  /** The table's columns and then the new ones. */
  table: DataTable;
  report: ForecastReport;
}

function isCox(model: ForecastModel): model is CoxModel {
  return (model as CoxModel).format === 'lifecycle-lab.cox';
}

/** `name`, or `name_2`, `name_3`… — the first the table does not have. */
function freeName(name: string, taken: Set<string>): string {
  let out = name;
  for (let n = 2; taken.has(out); n++) out = `${name}_${n}`;
  taken.add(out);
  return out;
}

/** The survival column's name for a horizon: survival_12, survival_1_5 for 1.5. */
export function survivalColumnName(horizon: number): string {
  return `survival_${String(horizon).replace(/[.\-+]/g, '_')}`;
}

/** Type 7 quantile (R's default) of sorted values: linear between order statistics. */
function quantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, n - 1)] - sorted[lo]);
}

function summarise(values: Float64Array): {
  spread: ResidualSpread | null;
  histogram: ResidualHistogram | null;
} {
  const known = values.filter((v) => !Number.isNaN(v)).sort();
  const n = known.length;
  if (n === 0) return { spread: null, histogram: null };
  const q = (p: number) => quantile(known, p);
  const spread = {
    rows: n,
    min: known[0],
    q1: q(0.25),
    median: q(0.5),
    q3: q(0.75),
    max: known[n - 1],
  };
  // To the 99th percentile: a log-logistic tail would otherwise squeeze every bar into the first.
  const top = q(0.99) > 0 ? q(0.99) : Math.max(known[n - 1], 1);
  const width = top / HISTOGRAM_BINS;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  let beyond = 0;
  for (const v of known) {
    if (v > top) beyond++;
    else counts[Math.min(HISTOGRAM_BINS - 1, Math.floor(v / width))]++;
  }
  return { spread, histogram: { width, counts, beyond } };
}

/**
 * The columns the model reads (features, Cox strata) that `table` lacks,
 * all named at once: a new month's file missing three columns says so once.
 */
function checkColumns(table: DataTable, model: ForecastModel): void {
  const has = new Set(table.columns.map((c) => c.name));
  const needed = [
    ...model.pipeline.features.map((f) => f.column),
    ...(isCox(model) && model.strata ? model.strata.columns : []),
  ];
  const missing = [...new Set(needed)].filter((name) => !has.has(name));
  if (missing.length > 0)
    throw new EngineError('forecast.columns-missing', {
      columns: missing.join(', '),
      count: missing.length,
    });
}

/**
 * Row r → the event happened (true), not (false) or missing (null), by the
 * model's event values: a column that has none of them has no one lapsed.
 */
function inForceReader(column: Column, model: ForecastModel): (r: number) => boolean | null {
  try {
    return eventReader(column, model.outcome?.eventValues);
  } catch (e) {
    if (e instanceof EngineError && e.code === 'survival.event-values-not-found')
      return () => false;
    throw e;
  }
}

/**
 * The model applied to every row of `table`: the table with the forecast
 * columns added, and the report. Columns the model needs that are absent
 * (named together), one of another type, a category level or stratum the
 * model does not know, a tenure column that is not numeric or a horizon
 * that is not positive is an EngineError.
 */
export async function forecastTable(
  table: DataTable,
  model: ForecastModel,
  options: ForecastOptions,
  progress: Progress = NO_PROGRESS,
): Promise<Forecast> {
  const horizons = [...options.horizons];
  if (horizons.length === 0) throw new EngineError('forecast.no-horizons', {});
  for (const h of horizons)
    if (!(Number.isFinite(h) && h > 0))
      throw new EngineError('forecast.bad-horizon', { horizon: h });
  let tenure: Float64Array | null = null;
  if (options.tenure !== null) {
    const column = getColumn(table, options.tenure);
    if (column.kind !== 'number' || (column.type !== 'integer' && column.type !== 'decimal'))
      throw new EngineError('forecast.tenure-not-numeric', {
        column: column.name,
        type: column.type,
      });
    tenure = column.values;
  }
  const cox = isCox(model);
  // An x̄ that does not fit the model's columns would make every ratio NaN: exp(lp) instead.
  const average =
    cox && options.average?.length === model.coefficients.length ? options.average : null;
  checkColumns(table, model);
  const eventName = model.outcome?.event ?? model.pipeline.target.column;
  const readEvent =
    tenure && options.inForce && table.columns.some((c) => c.name === eventName)
      ? inForceReader(getColumn(table, eventName), model)
      : null;
  let design;
  try {
    design = designOf(table, model.pipeline, { target: false });
  } catch (e) {
    // The Score cell's message offers its own way out; a forecast's is another.
    if (e instanceof EngineError && e.code === 'model.unseen-level')
      throw new EngineError('forecast.unseen-level', e.params);
    throw e;
  }
  const stratumOf = cox ? coxStratumOf(model, table) : null;
  const rows = table.rowCount;
  const H = horizons.length;
  const column = () => new Float64Array(rows).fill(NaN);
  const lp = cox ? column() : null;
  const hazardRatio = cox ? column() : null;
  const medianTime = cox ? null : column();
  const residual = column();
  const survival = horizons.map(column);
  const sums = new Float64Array(H);
  const counts = new Float64Array(H);

  // Cox design rows drop the intercept; survreg's keep it.
  const p = cox ? design.p - 1 : design.p;
  const offset = cox ? 1 : 0;
  const x = new Float64Array(p);
  const sv = new Float64Array(H);
  const times = new Float64Array(H);
  let featured = 0;
  let missingTenure = 0;
  let lapsed = 0;
  let medianBeyond = 0;
  let scored = 0;
  const chunks = Math.ceil(design.n / FORECAST_CHUNK);
  for (let c = 0; c < chunks; c++) {
    await progress.report(c, chunks);
    const end = Math.min(design.n, (c + 1) * FORECAST_CHUNK);
    for (let i = c * FORECAST_CHUNK; i < end; i++) {
      const r = design.rows[i];
      const s = stratumOf ? stratumOf(r) : null;
      if (s === -1) continue;
      featured++;
      for (let j = 0; j < p; j++) x[j] = design.X[i * design.p + j + offset];
      let risk = 0;
      if (cox) {
        lp![r] = coxLinearPredictor(model, x, s);
        hazardRatio![r] = average ? coxHazardRatio(model, x, average) : Math.exp(lp![r]);
        risk = coxRisk(model, x);
      } else medianTime![r] = survregQuantile(model, x, 0.5).estimate;
      const a = tenure ? tenure[r] : 0;
      if (!(Number.isFinite(a) && a >= 0)) {
        missingTenure++;
        continue;
      }
      if (readEvent?.(r) === true) {
        lapsed++;
        continue;
      }
      if (cox) {
        coxConditionalSurvival(model, risk, s, a, horizons, sv);
        residual[r] = coxResidualMedian(model, risk, s, a);
        if (Number.isNaN(residual[r])) medianBeyond++;
      } else {
        for (let h = 0; h < H; h++) times[h] = a + horizons[h];
        sv.set(survregConditionalSurvival(model, x, a, times));
        residual[r] = survregResidualLife(model, x, a, 0.5);
      }
      scored++;
      for (let h = 0; h < H; h++) {
        // S(a | x) can underflow to 0 far in a parametric tail: that 0 / 0 stays missing.
        if (Number.isNaN(sv[h])) continue;
        survival[h][r] = sv[h];
        sums[h] += sv[h];
        counts[h]++;
      }
    }
  }
  await progress.report(chunks, chunks);

  const taken = new Set(table.columns.map((col) => col.name));
  const added: NumericColumn[] = [];
  const chosen = new Set(options.columns ?? FORECAST_COLUMNS);
  const add = (name: string, values: Float64Array) => {
    const col: NumericColumn = {
      kind: 'number',
      name: freeName(name, taken),
      type: 'decimal',
      values,
    };
    added.push(col);
    return col.name;
  };
  const names = {
    lp: lp && chosen.has('lp') ? add('lp', lp) : null,
    hazardRatio:
      hazardRatio && chosen.has('hazard_ratio') ? add('hazard_ratio', hazardRatio) : null,
    medianTime: medianTime && chosen.has('median_time') ? add('median_time', medianTime) : null,
    medianResidual: chosen.has('median_residual') ? add('median_residual', residual) : null,
    survival: chosen.has('survival')
      ? survival.map((values, h) => add(survivalColumnName(horizons[h]), values))
      : [],
  };
  const { spread, histogram } = summarise(residual);
  const followUp = cox ? Math.max(0, ...model.baseline.map((b) => b.time.at(-1) ?? 0)) : null;
  return {
    table: { rowCount: rows, columns: [...table.columns, ...added] },
    report: {
      model: cox ? 'cox' : model.distribution,
      tenure: options.tenure,
      horizons,
      columns: names,
      rows,
      scored,
      missingFeature: rows - featured,
      missingTenure,
      event: readEvent ? eventName : null,
      lapsed,
      medianBeyond,
      followUp,
      meanSurvival: horizons.map((_, h) => (counts[h] > 0 ? sums[h] / counts[h] : null)),
      residual: spread,
      histogram,
    },
  };
}
