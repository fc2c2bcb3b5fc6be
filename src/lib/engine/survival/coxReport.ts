// A Cox model cell's job: one coxph fit (./cox.ts), its proportional-hazards
// check (./coxZph.ts), the model as it is stored (./coxPredict.ts), predicted
// survival curves for the profiles the analyst builds and a per-customer
// preview. Pure; runs in Node and in the compute worker.
//
// - A fit that fails (no events, a constant feature, a monotone likelihood,
//   no convergence) fails the job with its EngineError. The PH check is
//   secondary: when it fails its error is recorded as data and the fit is
//   shown all the same.
// - The "average customer" is x̄, the column means of the design rows used
//   (a dummy's mean is its level's share), so a customer's hazard ratio
//   against the average is exp((x − x̄)·β). The linear predictor is R's
//   predict(fit, type = "lp"), centred on fit$means (0 for 0/1 columns) or,
//   stratified, on the stratum's means: the two are different references.
// - A profile names values for some features (a number, or a category's
//   level); the others are at the average (numbers and 0/1 flags) or at the
//   reference level (categories). In a stratified fit its values of the
//   strata columns choose the stratum; absent, the first.
// - The scaled Schoenfeld residuals are kept for at most RESIDUAL_POINTS
//   events (every k-th, in zph's order), enough for a scatter plot.

import {
  EngineError,
  getColumn,
  NO_PROGRESS,
  type Column,
  type DataTable,
  type Progress,
} from '../data/table';
import { designOf } from '../models/design';
import { fitCoxTable, type CoxFit, type CoxSettings, type CoxStrata } from './cox';
import {
  coxLinearPredictor,
  coxModel,
  coxSurvivalAt,
  coxSurvivalCurve,
  type CoxModel,
} from './coxPredict';
import { coxZph, type CoxZphRow } from './coxZph';
import { survivalOutcome } from './prepare';

/** One value of a profile: a number (numeric, 0/1) or a category's level / a stratum's value as text. */
export interface CoxProfileValue {
  column: string;
  value: number | string;
}

export interface CoxProfile {
  name: string;
  values: readonly CoxProfileValue[];
}

export interface CoxReportSettings extends CoxSettings {
  /** Times at which each previewed customer's survival is read; [] for none. */
  horizons?: readonly number[];
  /** Profiles whose survival curves are predicted; [] or absent: none. */
  profiles?: readonly CoxProfile[];
}

/** Customers in the preview. */
export const PREVIEW_ROWS = 20;
/** Scaled Schoenfeld residuals kept per term. */
export const RESIDUAL_POINTS = 4000;

/** The fit as the result keeps it: without the per-row linear predictors. */
export type CoxFitSummary = Omit<CoxFit, 'linearPredictors'>;

export type CoxPhCheck =
  | {
      status: 'checked';
      terms: CoxZphRow[];
      global: CoxZphRow;
      /** Events kept for the plot (every `step`-th of zph's): time, km-transformed time. */
      time: Float64Array;
      x: Float64Array;
      step: number;
      residuals: { term: string; values: Float64Array }[];
    }
  | { status: 'failed'; error: { code: string; params: Record<string, string | number> } };

export type ProfileCurve =
  | {
      name: string;
      status: 'predicted';
      /** The stratum's display text (its columns' values), or null unstratified. */
      stratum: string | null;
      /** The profile's design row (the columns after the intercept). */
      x: number[];
      lp: number;
      /** exp((x − x̄)·β). */
      hazardRatio: number;
      /** survfit(fit, newdata = profile): S at the stratum's event times. */
      time: Float64Array;
      survival: Float64Array;
      /** S at each horizon. */
      atHorizons: number[];
    }
  | {
      name: string;
      status: 'failed';
      error: { code: string; params: Record<string, string | number> };
    };

export interface CustomerPrediction {
  /** The table row (0-based). */
  row: number;
  lp: number;
  hazardRatio: number;
  atHorizons: number[];
}

export interface CoxReport {
  fit: CoxFitSummary;
  /** Per coefficient (as fit.coefficients): the app's label ('channel = online vs agent') and its term. */
  labels: string[];
  terms: string[];
  model: CoxModel;
  strata: CoxStrata | null;
  excluded: number;
  missingBy: Record<string, number>;
  /** x̄: the design columns' means over the rows used. */
  average: number[];
  zph: CoxPhCheck;
  horizons: number[];
  profiles: ProfileCurve[];
  preview: CustomerPrediction[];
}

/** The fit, its PH check, the stored model, the profiles' curves and the preview. */
export async function coxReport(
  table: DataTable,
  settings: CoxReportSettings,
  progress: Progress = NO_PROGRESS,
): Promise<CoxReport> {
  await progress.report(0, 3);
  const result = fitCoxTable(table, settings);
  await progress.report(1, 3);
  const { fit, input, pipeline } = result;

  let zph: CoxPhCheck;
  try {
    const z = coxZph(fit, input, pipeline);
    const events = z.time.length;
    const step = Math.max(1, Math.ceil(events / RESIDUAL_POINTS));
    const pick = (a: Float64Array) =>
      step === 1
        ? a
        : Float64Array.from({ length: Math.ceil(a.length / step) }, (_, k) => a[k * step]);
    zph = {
      status: 'checked',
      terms: z.terms,
      global: z.global,
      time: pick(z.time),
      x: pick(z.x),
      step,
      residuals: z.residuals.map((r) => ({ term: r.term, values: pick(r.values) })),
    };
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    zph = { status: 'failed', error: { code: error.code, params: error.params } };
  }
  await progress.report(2, 3);

  const model = coxModel(result, survivalOutcome(table, settings));
  const { n, p, X } = input;
  const average = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) average[j] += X[i * p + j];
  for (let j = 0; j < p; j++) average[j] /= n;
  const relative = (x: ArrayLike<number>) => {
    let s = 0;
    model.coefficients.forEach((b, j) => {
      if (b !== null) s += b * (x[j] - average[j]);
    });
    return Math.exp(s);
  };
  const horizons = [...(settings.horizons ?? [])];

  const profiles = (settings.profiles ?? []).map((profile): ProfileCurve => {
    try {
      const { x, stratum } = profileRow(table, result.rows, model, profile);
      const curve = coxSurvivalCurve(model, x, stratum);
      return {
        name: profile.name,
        status: 'predicted',
        stratum: stratum === null ? null : model.strata!.levels[stratum].join(', '),
        x: Array.from(x),
        lp: coxLinearPredictor(model, x, stratum),
        hazardRatio: relative(x),
        time: Float64Array.from(curve.time),
        survival: Float64Array.from(curve.survival),
        atHorizons: Array.from(coxSurvivalAt(model, x, stratum, horizons)),
      };
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      return {
        name: profile.name,
        status: 'failed',
        error: { code: error.code, params: error.params },
      };
    }
  });

  const preview: CustomerPrediction[] = [];
  for (let i = 0; i < Math.min(PREVIEW_ROWS, n); i++) {
    const x = X.subarray(i * p, (i + 1) * p);
    const s = input.strata ? input.strata[i] : null;
    preview.push({
      row: result.rows[i],
      lp: coxLinearPredictor(model, x, s),
      hazardRatio: relative(x),
      atHorizons: Array.from(coxSurvivalAt(model, x, s, horizons)),
    });
  }
  await progress.report(3, 3);

  const { linearPredictors: _, ...summary } = fit;
  const coefficients = pipeline.coefficients.slice(1);
  return {
    fit: summary,
    labels: coefficients.map((c) => c.label),
    terms: coefficients.map((c) => c.term),
    model,
    strata: result.strata,
    excluded: result.excluded,
    missingBy: result.missingBy,
    average,
    zph,
    horizons,
    profiles,
    preview,
  };
}

/**
 * A profile's design row: a one-row table of the model's features (the
 * profile's values; else the mean of the rows used, or the reference level)
 * through the model's pipeline, so interactions are coded as the fit's; and
 * its stratum.
 */
function profileRow(
  table: DataTable,
  rows: Uint32Array,
  model: CoxModel,
  profile: CoxProfile,
): { x: Float64Array; stratum: number | null } {
  const given = new Map(profile.values.map((v) => [v.column, v.value]));
  const columns: Column[] = model.pipeline.features.map((feature): Column => {
    const value = given.get(feature.column);
    if (feature.kind === 'categorical') {
      const level = value === undefined ? feature.reference : String(value);
      if (level !== feature.reference && !feature.levels.includes(level))
        throw new EngineError('cox.profile-level', { column: feature.column, level });
      return {
        kind: 'string',
        name: feature.column,
        type: 'categorical',
        codes: Int32Array.of(0),
        dictionary: [level],
      };
    }
    let number = typeof value === 'number' ? value : value === undefined ? NaN : Number(value);
    if (value === 'true') number = 1;
    if (value === 'false') number = 0;
    if (value !== undefined && !Number.isFinite(number))
      throw new EngineError('cox.profile-value', {
        column: feature.column,
        value: String(value),
      });
    if (value === undefined) number = meanOf(getColumn(table, feature.column), rows);
    return {
      kind: 'number',
      name: feature.column,
      type: feature.kind === 'boolean' ? 'boolean' : 'decimal',
      values: Float64Array.of(number),
    };
  });
  const design = designOf({ rowCount: 1, columns }, model.pipeline, { target: false });
  const x = design.X.slice(1, design.p);

  let stratum: number | null = null;
  if (model.strata) {
    const values = model.strata.columns.map((c) => given.get(c));
    if (values.every((v) => v === undefined)) stratum = 0;
    else {
      const key = values.map((v) => (v === undefined ? null : String(v)));
      stratum = model.strata.levels.findIndex((level) =>
        level.every((text, k) => key[k] === null || key[k] === text),
      );
      if (stratum < 0)
        throw new EngineError('cox.stratum-unknown', {
          stratum: key.filter((v) => v !== null).join(', '),
        });
    }
  }
  return { x, stratum };
}

/** The mean of a numeric column over the rows used. */
function meanOf(column: Column, rows: Uint32Array): number {
  if (column.kind !== 'number') return NaN;
  let sum = 0;
  for (const r of rows) sum += column.values[r];
  return sum / rows.length;
}
