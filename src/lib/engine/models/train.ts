// A Model cell's whole job: from a table and the analyst's choices to a
// fitted logistic model, its inference, the rows it was fitted and held out
// on, and (k-fold) each fold's scores. Pure; runs in the compute worker and
// in Node (the headless runner, tests).
//
// The order matters and is the one analysts expect from SAS and scikit-learn:
//   1. the target's rows are split (stratified, seeded; or by a column; or
//      into k folds) before anything is learned from them;
//   2. levels, references and means are read from the training rows only;
//   3. imbalance treatment (weights or resampling) touches training rows only,
//      and the prior correction takes the fitted probabilities back to the
//      population's base rate;
//   4. stepwise selection (if asked) picks terms on the training rows, and the
//      chosen terms are refitted;
//   5. validation and test rows are never seen by 1–4; the Evaluate cell
//      scores them with the stored model.

import { rocAuc } from '../evaluate/roc';
import { brierScore, logLoss } from '../evaluate/calibration';
import { EngineError, getColumn, type DataTable, type Progress } from '../data/table';
import { buildPipeline, designOf, targetValues, type ModelChoices } from './design';
import { fitLogistic } from './logistic';
import { classWeights, oversample, priorOffset, smote, undersample } from './sampling';
import { kFolds, splitByColumn, splitParts } from './split';
import { stepwise, type StepwiseStep } from './stepwise';
import type { Design, InteractionSpec, LogisticFit, LogisticModel, Pipeline } from './types';

/** How rows are held out. Shares are of the rows with a target value. */
export type SplitSpec =
  | {
      kind: 'random';
      train: number;
      validation: number;
      test: number;
      seed: number;
      stratify: boolean;
    }
  /** By a number or date column: earlier rows train, later ones validate and test. */
  | { kind: 'column'; column: string; validationFrom: number; testFrom: number }
  | { kind: 'kfold'; k: number; seed: number };

/** Imbalance treatment of the training rows. `share`: the positive share resampling aims at. */
export interface BalanceSpec {
  method: 'none' | 'weights' | 'oversample' | 'undersample' | 'smote';
  share: number;
  /** Correct the intercept back to the population's base rate (King & Zeng). */
  correct: boolean;
  seed: number;
}

/** What every churn model is asked to learn, and from which rows: the logistic model's and the network's. */
export interface ModelDataSpec {
  target: string;
  positive: string;
  features: string[];
  interactions: InteractionSpec[];
  references: { column: string; level: string }[];
  split: SplitSpec;
  balance: BalanceSpec;
}

/** Everything a Model cell asks for, as its job receives it. */
export interface LogisticSpec extends ModelDataSpec {
  selection: 'none' | 'backward' | 'forward' | 'both';
  /** L2 penalty λ; null for the maximum-likelihood fit with full inference. */
  penalty: number | null;
  /** Profile-likelihood intervals (costs a constrained refit per bound). */
  profile: boolean;
}

/** Which part of the split a row is in. */
export const PART = { train: 0, validation: 1, test: 2, none: 255 } as const;

export interface PartCounts {
  rows: number;
  positives: number;
}

/** One fold of k-fold cross-validation: its held-out rows' metrics. */
export interface FoldReport {
  fold: number;
  rows: number;
  positives: number;
  auc: number;
  logLoss: number;
  brier: number;
  accuracy: number;
}

/** Which rows a model saw, held out and left out. */
export interface ModelRows {
  table: number;
  /** Rows without a target value, never used. */
  noTarget: number;
  /** Training rows left out for a missing feature (na.omit), by column. */
  dropped: number;
  missingBy: Record<string, number>;
  train: PartCounts;
  validation: PartCounts;
  test: PartCounts;
  /** Training rows after resampling (= train.rows without resampling). */
  fitted: PartCounts;
}

/** A Model cell's result: the model and what an analyst reads beside it. */
export interface TrainedLogistic {
  model: LogisticModel;
  fit: LogisticFit;
  datasetId: string;
  spec: LogisticSpec;
  rows: ModelRows;
  selection: StepwiseStep[] | null;
  /** K-fold: each fold's held-out metrics and the model fitted without it. */
  folds: { report: FoldReport; model: LogisticModel }[] | null;
}

/** Part of every table row: PART.train / validation / test, PART.none without a target. */
export function partsOf(table: DataTable, spec: ModelDataSpec): Uint8Array {
  const y = targetValues(table, { column: spec.target, positive: spec.positive });
  const eligible: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] !== 255) eligible.push(i);
  const parts = new Uint8Array(table.rowCount).fill(PART.none);
  if (eligible.length === 0) return parts;
  const outcome = Uint8Array.from(eligible, (i) => y[i]);
  let assigned: Uint8Array;
  switch (spec.split.kind) {
    case 'random':
      assigned = splitParts(
        outcome,
        { train: spec.split.train, validation: spec.split.validation, test: spec.split.test },
        spec.split.seed,
        spec.split.stratify,
      );
      break;
    case 'column': {
      const column = getColumn(table, spec.split.column);
      if (column.kind !== 'number')
        throw new EngineError('model.split-column-type', { column: column.name });
      const values = Float64Array.from(eligible, (i) => column.values[i]);
      assigned = splitByColumn(values, {
        validationFrom: spec.split.validationFrom,
        testFrom: spec.split.testFrom,
      });
      break;
    }
    case 'kfold':
      // Every row trains the final model; the folds are reported apart (foldsOf).
      assigned = new Uint8Array(outcome.length);
      break;
  }
  eligible.forEach((row, k) => (parts[row] = assigned[k]));
  return parts;
}

/** The fold of every row with a target (k-fold splits), PART.none for the others. */
export function foldsOf(table: DataTable, spec: ModelDataSpec): Uint8Array {
  if (spec.split.kind !== 'kfold') throw new Error('foldsOf: not a k-fold split');
  const y = targetValues(table, { column: spec.target, positive: spec.positive });
  const eligible: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] !== 255) eligible.push(i);
  const folds = new Uint8Array(table.rowCount).fill(PART.none);
  const assigned = kFolds(
    Uint8Array.from(eligible, (i) => y[i]),
    spec.split.k,
    spec.split.seed,
    true,
  );
  eligible.forEach((row, k) => (folds[row] = assigned[k]));
  return folds;
}

/** The indices of `values` (a part or a fold per row) that `keep` accepts. */
export function rowsWhere(values: Uint8Array, keep: (value: number) => boolean): Uint32Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (keep(values[i])) count++;
  const out = new Uint32Array(count);
  for (let i = 0, k = 0; i < values.length; i++) if (keep(values[i])) out[k++] = i;
  return out;
}

export function counts(y: Uint8Array, rows: Uint32Array): PartCounts {
  let positives = 0;
  for (const r of rows) positives += y[r] === 1 ? 1 : 0;
  return { rows: rows.length, positives };
}

export function choicesOf(spec: ModelDataSpec): ModelChoices {
  return {
    target: { column: spec.target, positive: spec.positive },
    features: spec.features,
    interactions: spec.interactions,
    references: Object.fromEntries(spec.references.map((r) => [r.column, r.level])),
  };
}

/** The rows and weights a fit sees after the imbalance treatment, with ȳ as the fit sees it. */
export function balanced(
  design: Design,
  pipeline: Pipeline,
  balance: BalanceSpec,
): { design: Design; weights: Float64Array | undefined; share: number } {
  let weights: Float64Array | undefined;
  let fitted = design;
  switch (balance.method) {
    case 'none':
      break;
    case 'weights':
      weights = classWeights(design.y, 'balanced');
      break;
    case 'oversample':
      fitted = subsetDesign(design, oversample(design.y, balance.seed, balance.share));
      break;
    case 'undersample':
      fitted = subsetDesign(design, undersample(design.y, balance.seed, balance.share));
      break;
    case 'smote':
      fitted = smote(design, pipeline, balance.seed, { share: balance.share });
      break;
  }
  let w = 0;
  let wy = 0;
  for (let i = 0; i < fitted.n; i++) {
    const wi = weights ? weights[i] : 1;
    w += wi;
    wy += wi * fitted.y[i];
  }
  return { design: fitted, weights, share: wy / w };
}

/** The design's rows at `picks` (repeats allowed), in that order. */
export function subsetDesign(design: Design, picks: Uint32Array): Design {
  const { p } = design;
  const X = new Float64Array(picks.length * p);
  const y = new Uint8Array(picks.length);
  const rows = new Uint32Array(picks.length);
  picks.forEach((k, i) => {
    X.set(design.X.subarray(k * p, (k + 1) * p), i * p);
    y[i] = design.y[k];
    rows[i] = design.rows[k];
  });
  return { ...design, n: picks.length, X, y, rows };
}

/** Fits the chosen terms on training rows: imbalance treatment, selection, prior correction. */
async function fitOn(
  table: DataTable,
  spec: LogisticSpec,
  trainRows: Uint32Array,
  progress: Progress,
): Promise<{
  model: LogisticModel;
  fit: LogisticFit;
  design: Design;
  fitted: Design;
  selection: StepwiseStep[] | null;
}> {
  let choices = choicesOf(spec);
  let pipeline = buildPipeline(table, choices, trainRows);
  let design = designOf(table, pipeline, { rows: trainRows });
  let treated = balanced(design, pipeline, spec.balance);
  let selection: StepwiseStep[] | null = null;
  if (spec.selection !== 'none') {
    const chosen = await stepwise(
      treated.design,
      pipeline,
      spec.selection,
      { weights: treated.weights, penalty: spec.penalty },
      progress,
    );
    selection = chosen.path;
    const keep = new Set(chosen.terms);
    choices = {
      ...choices,
      features: choices.features.filter((f) => keep.has(f)),
      interactions: (choices.interactions ?? []).filter(
        ({ a, b }) => keep.has(`${a}:${b}`) || keep.has(`${b}:${a}`),
      ),
    };
    pipeline = buildPipeline(table, choices, trainRows);
    design = designOf(table, pipeline, { rows: trainRows });
    treated = balanced(design, pipeline, spec.balance);
  }
  const { fit, model } = await fitLogistic(
    treated.design,
    pipeline,
    { weights: treated.weights, penalty: spec.penalty, profile: spec.profile },
    progress,
  );
  if (spec.balance.method !== 'none' && spec.balance.correct) {
    const population = design.y.reduce((s, v) => s + v, 0) / design.n;
    model.offset = priorOffset(population, treated.share);
  }
  return { model, fit, design, fitted: treated.design, selection };
}

/** Probabilities of a design's rows under a model (its offset included). */
export function predict(design: Design, model: LogisticModel): Float64Array {
  const { n, p, X } = design;
  const beta = model.beta.map((b) => b ?? 0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = model.offset;
    const base = i * p;
    for (let j = 0; j < p; j++) eta += X[base + j] * beta[j];
    out[i] = 1 / (1 + Math.exp(-eta));
  }
  return out;
}

/** A held-out fold's measures, by the Evaluate cell's own functions (engine/evaluate). */
export function foldReport(fold: number, score: Float64Array, y: Uint8Array): FoldReport {
  let positives = 0;
  let correct = 0;
  for (let i = 0; i < score.length; i++) {
    positives += y[i];
    correct += (score[i] >= 0.5 ? 1 : 0) === y[i] ? 1 : 0;
  }
  const n = score.length;
  return {
    fold,
    rows: n,
    positives,
    auc: positives > 0 && positives < n ? rocAuc(score, y) : NaN,
    logLoss: logLoss(score, y),
    brier: brierScore(score, y),
    accuracy: correct / n,
  };
}

/** The Model cell's job. */
export async function trainLogistic(
  table: DataTable,
  datasetId: string,
  spec: LogisticSpec,
  progress: Progress,
): Promise<TrainedLogistic> {
  const parts = partsOf(table, spec);
  const y = targetValues(table, { column: spec.target, positive: spec.positive });
  const train = rowsWhere(parts, (p) => p === PART.train);
  const validation = rowsWhere(parts, (p) => p === PART.validation);
  const test = rowsWhere(parts, (p) => p === PART.test);
  const noTarget = rowsWhere(parts, (p) => p === PART.none).length;
  if (train.length === 0) throw new EngineError('model.no-rows', {});

  let folds: TrainedLogistic['folds'] = null;
  if (spec.split.kind === 'kfold') {
    const foldOf = foldsOf(table, spec);
    folds = [];
    for (let k = 0; k < spec.split.k; k++) {
      const inFold = rowsWhere(foldOf, (f) => f === k);
      const outside = train.filter((r) => foldOf[r] !== k);
      const { model } = await fitOn(table, { ...spec, profile: false }, outside, progress);
      const held = designOf(table, model.pipeline, { rows: inFold, unseen: 'reference' });
      folds.push({ report: foldReport(k + 1, predict(held, model), held.y), model });
    }
  }

  const { model, fit, design, fitted, selection } = await fitOn(table, spec, train, progress);
  return {
    model,
    fit,
    datasetId,
    spec,
    rows: {
      table: table.rowCount,
      noTarget,
      dropped: design.dropped,
      missingBy: design.missingBy,
      train: counts(y, train),
      validation: counts(y, validation),
      test: counts(y, test),
      fitted: { rows: fitted.n, positives: fitted.y.reduce((s, v) => s + v, 0) },
    },
    selection,
    folds,
  };
}
