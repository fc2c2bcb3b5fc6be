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
// Cox (./coxPredict.ts): `lp` as R's predict(type = "lp"), `hazard_ratio` =
// exp(lp) against the average customer (x = the fit's means, or the
// stratum's), survival on survfit's step curve. The step curve ends at the
// stratum's last event time, so a median it does not reach by then is
// missing and counted (a parametric model forecasts the tail).
// Parametric (./survreg.ts): `median_time` as predict(type = "quantile",
// p = 0.5), the median residual life in closed form, survival from the
// fitted S. The mean residual life is not given: for a log-logistic with
// σ ≥ 1 it is infinite, and elsewhere it is an integral to infinity.

import {
  EngineError,
  getColumn,
  NO_PROGRESS,
  type DataTable,
  type NumericColumn,
  type Progress,
} from '../data/table';
import { designOf } from '../models/design';
import {
  coxConditionalSurvival,
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
}

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

export interface ForecastReport {
  model: 'cox' | SurvregDistribution;
  tenure: string | null;
  horizons: number[];
  /** Names of the new columns, as written: survival[k] for horizons[k]. */
  columns: {
    lp: string | null;
    hazardRatio: string | null;
    medianTime: string | null;
    medianResidual: string;
    survival: string[];
  };
  rows: number;
  /** Rows with a forecast: the model's columns and the tenure present. */
  scored: number;
  /** Rows without a forecast: a feature (or a Cox stratum column) missing. */
  missingFeature: number;
  /** Rows with the model's columns but a missing or negative tenure: survival and residual life missing. */
  missingTenure: number;
  /** Cox: rows whose median residual life is beyond the follow-up (missing); 0 for a parametric model. */
  medianBeyond: number;
  /** Cox: the last event time of the baseline (the longest one over strata); null for a parametric model. */
  followUp: number | null;
  /** Per horizon, the mean forecast survival over the rows that have it (NaN when none do). */
  meanSurvival: number[];
  /** The median residual life's spread; null when no row has one. */
  residual: ResidualSpread | null;
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

function spread(values: Float64Array): ResidualSpread | null {
  const known = values.filter((v) => !Number.isNaN(v)).sort();
  const n = known.length;
  if (n === 0) return null;
  // Type 7 quantiles (R's default): linear between order statistics.
  const q = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return known[lo] + (h - lo) * (known[Math.min(lo + 1, n - 1)] - known[lo]);
  };
  return { rows: n, min: known[0], q1: q(0.25), median: q(0.5), q3: q(0.75), max: known[n - 1] };
}

/**
 * The model applied to every row of `table`: the table with the forecast
 * columns added, and the report. A column the model needs that is absent or
 * of another type, a category level or stratum the model does not know, a
 * tenure column that is not numeric or a horizon that is not positive is an
 * EngineError.
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
  const design = designOf(table, model.pipeline, { target: false });
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
        hazardRatio![r] = Math.exp(lp![r]);
        risk = coxRisk(model, x);
      } else medianTime![r] = survregQuantile(model, x, 0.5).estimate;
      const a = tenure ? tenure[r] : 0;
      if (!(Number.isFinite(a) && a >= 0)) {
        missingTenure++;
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
    lp: lp ? add('lp', lp) : null,
    hazardRatio: hazardRatio ? add('hazard_ratio', hazardRatio) : null,
    medianTime: medianTime ? add('median_time', medianTime) : null,
    medianResidual: add('median_residual', residual),
    survival: survival.map((values, h) => add(survivalColumnName(horizons[h]), values)),
  };
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
      medianBeyond,
      followUp,
      meanSurvival: horizons.map((_, h) => (counts[h] > 0 ? sums[h] / counts[h] : NaN)),
      residual: spread(residual),
    },
  };
}
