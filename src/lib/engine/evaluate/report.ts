// An Evaluate cell's whole job: the rows to evaluate on and each model's
// scores there, then every measure of ./roc, ./delong, ./precisionRecall,
// ./gains, ./calibration, ./threshold and ./profit for each model, and the
// paired DeLong tests between them. Pure; runs in the compute worker and in
// Node (the headless runner, tests).
//
// Models compared are scored on the same rows — the first model's held-out
// part, less any row another model cannot score (a feature it reads is
// missing there) — so their AUCs can be tested as paired (pROC's roc.test
// with paired = TRUE). A category level a model never saw is read as its
// reference level here, as the Score cell can; the rows so read are counted.

import { EngineError, getColumn, type DataTable, type Progress } from '../data/table';
import { designOf, targetValues } from '../models/design';
import { foldsOf, partsOf, PART, rowsWhere, type ModelDataSpec } from '../models/train';
import type { ChurnModel } from '../models/churnModel';
import { probabilities } from '../models/predict';
import { rocAuc, rocCurve, thin } from './roc';
import { delongCi, delongComparisons, type DelongComparison } from './delong';
import { averagePrecision, precisionRecallCurve, thinPrecisionRecall } from './precisionRecall';
import { gainsTable, ksStatistic, type GainsRow } from './gains';
import {
  brierScore,
  calibrationCurve,
  expectedCalibrationError,
  logLoss,
  type CalibrationBin,
} from './calibration';
import { thresholdTable, type ThresholdTable } from './threshold';
import { profitCurve, type ProfitResult } from './profit';
import { permutationImportance, type PermutationImportance } from './permutation';

/** Points kept of each curve sent to the page (the measures use every row). */
export const CURVE_POINTS = 400;

export interface CostSpec {
  contact: number;
  saved: number;
  /** A numeric column with the value kept per retained customer; null: `saved` for everyone. */
  valueColumn: string | null;
  success: number;
}

export type EvaluationSource =
  | {
      kind: 'models';
      /** The first model's dataset and split: the rows are its held-out part. */
      datasetId: string;
      spec: ModelDataSpec;
      rows: 'validation' | 'test' | 'folds';
      models: { datasetId: string; model: ChurnModel; folds: ChurnModel[] | null }[];
    }
  | { kind: 'scored'; datasetId: string; score: string; outcome: string; positive: string };

export interface EvaluationRequest {
  source: EvaluationSource;
  costs: CostSpec;
}

export interface ModelEvaluation {
  auc: number;
  /** DeLong 95 % interval; null with fewer than two positives or two negatives. */
  aucLower: number | null;
  aucUpper: number | null;
  roc: { fpr: number[]; tpr: number[] };
  pr: { recall: number[]; precision: number[] };
  averagePrecision: number;
  ks: number;
  ksThreshold: number;
  gains: GainsRow[];
  calibration: CalibrationBin[];
  /** Null (and calibration empty) when the scores are not probabilities (a scored dataset's own score). */
  brier: number | null;
  logLoss: number | null;
  ece: number | null;
  thresholds: ThresholdTable;
  profit: ProfitResult;
  /**
   * Permutation importance of the model's features on its validation rows
   * (./permutation.ts: the AUC lost when a feature is shuffled); null for a
   * scored dataset, a k-fold split, or a split without validation rows.
   */
  importance: PermutationImportance | null;
}

export interface EvaluationResult {
  rows: number;
  positives: number;
  /** Rows of the part that some model could not score (a missing feature), left out for all. */
  unscored: number;
  /** Rows read with an unseen level as its reference, per model. */
  unseen: number[];
  models: ModelEvaluation[];
  /** Paired DeLong tests, for every pair of models (a < b). */
  comparisons: DelongComparison[];
  /** Numeric columns of the evaluated dataset, which can hold a value per customer. */
  valueColumns: string[];
}

/** Scores of each model on the rows evaluated, their outcome, and each row's value. */
export interface ScoredRows {
  rows: Uint32Array;
  outcome: Uint8Array;
  scores: Float64Array[];
  unscored: number;
  unseen: number[];
}

/** The rows a Model source is evaluated on, and every model's scores there. */
export function scoreModels(
  table: DataTable,
  source: Extract<EvaluationSource, { kind: 'models' }>,
): ScoredRows {
  const other = source.models.find((m) => m.datasetId !== source.datasetId);
  if (other) throw new EngineError('evaluate.different-data', {});
  const { spec } = source;
  const target = { column: spec.target, positive: spec.positive };
  for (const { model } of source.models) {
    const t = model.pipeline.target;
    if (t.column !== target.column || t.positive !== target.positive)
      throw new EngineError('evaluate.different-target', { column: t.column });
  }
  let candidates: Uint32Array;
  let foldOf: Uint8Array | null = null;
  if (source.rows === 'folds') {
    if (spec.split.kind !== 'kfold' || source.models.some((m) => !m.folds))
      throw new EngineError('evaluate.no-folds', {});
    foldOf = foldsOf(table, spec);
    candidates = rowsWhere(foldOf, (f) => f !== PART.none);
  } else {
    if (spec.split.kind === 'kfold') throw new EngineError('evaluate.no-held-out', {});
    const part = PART[source.rows];
    candidates = rowsWhere(partsOf(table, spec), (p) => p === part);
  }
  if (candidates.length === 0) throw new EngineError('evaluate.no-rows', { part: source.rows });

  // Rows every model can score: a feature missing for one model leaves the row out for all.
  const scorable = new Uint8Array(table.rowCount);
  for (const r of candidates) scorable[r] = 1;
  for (const { model } of source.models) {
    const design = designOf(table, model.pipeline, { rows: candidates, unseen: 'reference' });
    const kept = new Uint8Array(table.rowCount);
    for (const r of design.rows) kept[r] = 1;
    for (const r of candidates) if (!kept[r]) scorable[r] = 0;
  }
  const rows = candidates.filter((r) => scorable[r] === 1);
  if (rows.length === 0) throw new EngineError('evaluate.no-rows', { part: source.rows });
  const y = targetValues(table, target);
  const outcome = Uint8Array.from(rows, (r) => y[r]);

  const unseen: number[] = [];
  const scores = source.models.map(({ model, folds }) => {
    if (!foldOf) {
      const design = designOf(table, model.pipeline, { rows, unseen: 'reference' });
      unseen.push(design.unseen.reduce((s, u) => s + u.rows, 0));
      return probabilities(design, model);
    }
    // Each row by the model of the fold it was held out of.
    const out = new Float64Array(rows.length);
    let count = 0;
    folds!.forEach((foldModel, k) => {
      const at: number[] = [];
      rows.forEach((r, i) => foldOf![r] === k && at.push(i));
      const design = designOf(table, foldModel.pipeline, {
        rows: Uint32Array.from(at, (i) => rows[i]),
        unseen: 'reference',
      });
      count += design.unseen.reduce((s, u) => s + u.rows, 0);
      const p = probabilities(design, foldModel);
      at.forEach((i, j) => (out[i] = p[j]));
    });
    unseen.push(count);
    return out;
  });
  return { rows, outcome, scores, unscored: candidates.length - rows.length, unseen };
}

/** A scored dataset's score column against its outcome, on the rows holding both. */
export function scoredColumn(
  table: DataTable,
  source: Extract<EvaluationSource, { kind: 'scored' }>,
): ScoredRows {
  const column = getColumn(table, source.score);
  if (column.kind !== 'number' || column.type === 'date' || column.type === 'datetime')
    throw new EngineError('evaluate.score-not-numeric', { column: source.score });
  const y = targetValues(table, { column: source.outcome, positive: source.positive });
  const rows: number[] = [];
  for (let i = 0; i < table.rowCount; i++)
    if (y[i] !== 255 && Number.isFinite(column.values[i])) rows.push(i);
  if (rows.length === 0) throw new EngineError('evaluate.no-rows', { part: source.score });
  const picked = Uint32Array.from(rows);
  return {
    rows: picked,
    outcome: Uint8Array.from(rows, (r) => y[r]),
    scores: [Float64Array.from(rows, (r) => column.values[r])],
    unscored: table.rowCount - rows.length,
    unseen: [0],
  };
}

/** Each row's value kept if retained: the value column (missing: 0), or `saved` for all. */
function values(table: DataTable, rows: Uint32Array, costs: CostSpec): Float64Array {
  if (costs.valueColumn === null) return new Float64Array(rows.length).fill(costs.saved);
  const column = getColumn(table, costs.valueColumn);
  if (column.kind !== 'number')
    throw new EngineError('evaluate.value-not-numeric', { column: costs.valueColumn });
  return Float64Array.from(rows, (r) => {
    const v = column.values[r];
    return Number.isFinite(v) ? v : 0;
  });
}

/** The Evaluate cell's job on a loaded table. */
export async function evaluateOn(
  table: DataTable,
  request: EvaluationRequest,
  progress: Progress,
): Promise<EvaluationResult> {
  const { source, costs } = request;
  const scored =
    source.kind === 'models' ? scoreModels(table, source) : scoredColumn(table, source);
  const { outcome } = scored;
  let positives = 0;
  for (const v of outcome) positives += v;
  if (positives === 0 || positives === outcome.length)
    throw new EngineError('evaluate.single-class', { rows: outcome.length });
  const value = values(table, scored.rows, costs);

  const models: ModelEvaluation[] = [];
  for (const [i, score] of scored.scores.entries()) {
    await progress.report(i, scored.scores.length + 1);
    const importance =
      source.kind === 'models' ? await importanceOn(table, source, i, progress) : null;
    models.push({ ...measures(score, outcome, value, costs), importance });
  }
  // A comparison without sampling variance (one model perfect, one reversed) has no test.
  const comparisons =
    scored.scores.length > 1
      ? (optional(() => delongComparisons(scored.scores, outcome)) ?? [])
      : [];
  await progress.report(1, 1);
  return {
    rows: outcome.length,
    positives,
    unscored: scored.unscored,
    unseen: scored.unseen,
    models,
    comparisons,
    valueColumns: table.columns
      .filter((c) => c.kind === 'number' && (c.type === 'integer' || c.type === 'decimal'))
      .map((c) => c.name),
  };
}

/** Shuffles per feature for the importance: scikit-learn's default. */
export const IMPORTANCE_REPEATS = 5;

/**
 * Permutation importance of model i on the validation rows of the first
 * model's split (the rows a model is tuned on, not the test rows it is judged
 * on), seeded; null without validation rows or with one class there.
 */
async function importanceOn(
  table: DataTable,
  source: Extract<EvaluationSource, { kind: 'models' }>,
  i: number,
  progress: Progress,
): Promise<PermutationImportance | null> {
  if (source.spec.split.kind === 'kfold') return null;
  const rows = rowsWhere(partsOf(table, source.spec), (p) => p === PART.validation);
  if (rows.length === 0) return null;
  const { model } = source.models[i];
  const design = designOf(table, model.pipeline, { rows, unseen: 'reference' });
  let positives = 0;
  for (let r = 0; r < design.n; r++) positives += design.y[r];
  if (positives === 0 || positives === design.n) return null;
  return permutationImportance(
    (d) => probabilities(d, model),
    design,
    model.pipeline,
    { metric: 'auc', repeats: IMPORTANCE_REPEATS, seed: 1 },
    progress,
  );
}

/** The measure, or null where the data cannot give it (EngineError: too few rows of a class). */
function optional<T>(measure: () => T): T | null {
  try {
    return measure();
  } catch (e) {
    if (e instanceof EngineError) return null;
    throw e;
  }
}

function measures(
  score: Float64Array,
  outcome: Uint8Array,
  value: Float64Array,
  costs: CostSpec,
): Omit<ModelEvaluation, 'importance'> {
  const ci = optional(() => delongCi(score, outcome));
  const probabilities = score.every((v) => v >= 0 && v <= 1);
  const roc = thin(rocCurve(score, outcome), CURVE_POINTS);
  const pr = thinPrecisionRecall(precisionRecallCurve(score, outcome), CURVE_POINTS);
  const ks = ksStatistic(score, outcome);
  const profit = profitCurve(score, outcome, {
    contactCost: costs.contact,
    value,
    success: costs.success,
    maxPoints: CURVE_POINTS,
  });
  return {
    auc: rocAuc(score, outcome),
    aucLower: ci?.lower ?? null,
    aucUpper: ci?.upper ?? null,
    roc: { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr) },
    pr: { recall: Array.from(pr.recall), precision: Array.from(pr.precision) },
    averagePrecision: averagePrecision(score, outcome),
    ks: ks.statistic,
    ksThreshold: ks.threshold,
    gains: gainsTable(score, outcome),
    calibration: probabilities ? calibrationCurve(score, outcome) : [],
    brier: probabilities ? brierScore(score, outcome) : null,
    logLoss: probabilities ? logLoss(score, outcome) : null,
    ece: probabilities ? expectedCalibrationError(score, outcome) : null,
    thresholds: thresholdTable(score, outcome),
    profit,
  };
}
