// The shapes every churn-model module shares: how a dataset's columns become
// a model's design matrix (the feature pipeline), the fitted logistic model
// as it is stored, scored, exported and imported, and the fit's inference
// table. Types only; pure. Runs in Node, the worker and the page.
//
// Who makes what:
//   ./design.ts       Pipeline from a table and the analyst's choices; Design from a table and a Pipeline
//   ./irls.ts         the float64 IRLS fit of a Design
//   ./logistic.ts     LogisticFit: the fit with its whole inference
//   ./stepwise.ts     AIC stepwise selection over a Pipeline's terms
//   ./split.ts        train / validation / test parts and k folds
//   ./sampling.ts     class weights, over/under-sampling, SMOTE(-NC), prior correction
//   ./score.ts        probabilities and the top reasons per row
//   ./pmml.ts, ./modelFile.ts  a LogisticModel as PMML 4.4 and as JSON, and back

/** How the target column's values become 1 (the event: lapsed, churned, left) and 0. */
export interface TargetSpec {
  column: string;
  /**
   * The positive class as the column's display text (engine/data/table.ts
   * cellText): 'Yes', 'lapsed', 'true' for a boolean, '1' for a 0/1 column.
   * Every other non-missing value is the negative class.
   */
  positive: string;
}

/**
 * One feature column as the model codes it. Means are of the training rows
 * (the rows the coefficients were fitted on, before any resampling); a
 * per-customer reason reads a row against them.
 */
export type FeatureSpec =
  /** A number (integer, decimal); dates enter as numbers only through a Prepare step. */
  | { kind: 'numeric'; column: string; mean: number }
  /** A boolean or 0/1 column: one coefficient, true (1) against false (0). */
  | { kind: 'boolean'; column: string; mean: number }
  /**
   * A category, dummy coded as R's treatment contrasts: one 0/1 column per
   * level except the reference. `levels` are the non-reference levels in
   * coefficient order (the dataset's level order, as R's factor() sorts them:
   * by code-point order of the text); `means[k]` is the share of training rows
   * at levels[k].
   */
  | { kind: 'categorical'; column: string; reference: string; levels: string[]; means: number[] };

/** A two-way interaction of two features (both also enter as main effects). */
export interface InteractionSpec {
  a: string;
  b: string;
}

/**
 * One column of the design matrix, i.e. one coefficient.
 *   name   R's name for it, as coef(glm(...)) prints it: '(Intercept)', 'age',
 *          'channelonline', 'claim_deniedTRUE', 'channelonline:age'
 *   label  how the app shows it: 'channel = online vs agent', 'age',
 *          'claim_denied = true', 'channel = online vs agent × age'
 *   term   the term it belongs to: '(Intercept)', 'age', 'channel', 'channel:age'
 */
export interface Coefficient {
  name: string;
  label: string;
  term: string;
}

/** Everything needed to turn a table's rows into a design matrix, the same way every time. */
export interface Pipeline {
  target: TargetSpec;
  features: FeatureSpec[];
  interactions: InteractionSpec[];
  /** Design columns in order: the intercept first, then R's model.matrix order. */
  coefficients: Coefficient[];
}

/**
 * A design matrix and its outcome. Row-major: X[i * p + j] is row i's value
 * of coefficient j (column 0 is the intercept, all ones).
 */
export interface Design {
  n: number;
  p: number;
  X: Float64Array;
  /** The outcome, 1 for the positive class; all 0 when the table has no target (scoring). */
  y: Uint8Array;
  /** The table row each design row came from. */
  rows: Uint32Array;
  /** Rows left out because the target or a feature was missing (R's na.omit). */
  dropped: number;
  /** Of those, how many lacked each column (a row can lack several). */
  missingBy: Record<string, number>;
  /** Category levels the pipeline does not know, with how many rows had them (scoring). */
  unseen: { column: string; level: string; rows: number }[];
}

/** A fitted logistic regression as it is stored, scored, exported and imported. */
export interface LogisticModel {
  format: 'lifecycle-lab.logistic';
  version: 1;
  pipeline: Pipeline;
  /** One per coefficient; null where aliased (R prints NA), scored as 0. */
  beta: (number | null)[];
  /**
   * King–Zeng prior correction, added to the linear predictor when scoring,
   * so probabilities describe the population although the model was fitted on
   * resampled or reweighted rows: ln[(τ / (1 − τ)) · ((1 − ȳ) / ȳ)], τ the
   * population's positive share, ȳ the (weighted) share the fit saw. 0 when
   * the training rows were not resampled.
   */
  offset: number;
  /** The L2 penalty the fit used (λ, on the log-likelihood scale), or null. */
  penalty: number | null;
}

/** One row of the coefficient table. Null where it does not apply (aliased, or a penalised fit). */
export interface CoefficientRow extends Coefficient {
  estimate: number | null;
  se: number | null;
  z: number | null;
  p: number | null;
  oddsRatio: number | null;
  /** 95 % Wald interval of the odds ratio, exp(β ± z·se) (R confint.default). */
  waldLower: number | null;
  waldUpper: number | null;
  /** 95 % profile-likelihood interval of the odds ratio (SAS CLODDS=PL); null when not computed. */
  profileLower: number | null;
  profileUpper: number | null;
  aliased: boolean;
}

/** A problem that did not stop the fit, for the analyst to read: a message key and its parameters. */
export interface FitWarning {
  code: string;
  params: Record<string, string | number>;
}

export interface HosmerLemeshow {
  chi2: number;
  df: number;
  p: number;
  /** Per group of fitted probability: rows, observed and expected events. */
  groups: { n: number; observed: number; expected: number }[];
}

/** Generalised VIF per term (Fox & Monette; car::vif): for a one-column term, the ordinary VIF. */
export interface VifRow {
  term: string;
  gvif: number;
  df: number;
  /** GVIF^(1/(2·df)), comparable across terms of different size. */
  adjusted: number;
}

/** A fit and its inference, as R's summary(glm(..., family = binomial)) and more. */
export interface LogisticFit {
  coefficients: CoefficientRow[];
  /** Rows fitted, and of them positives; `weight` sums the case weights (= n unweighted). */
  n: number;
  events: number;
  weight: number;
  nullDeviance: number;
  nullDf: number;
  deviance: number;
  residualDf: number;
  logLik: number;
  aic: number;
  bic: number;
  /** Likelihood-ratio test of the model against the intercept-only model. */
  lrTest: { chi2: number; df: number; p: number };
  mcfadden: number;
  nagelkerke: number;
  hosmerLemeshow: HosmerLemeshow | null;
  vif: VifRow[];
  iterations: number;
  converged: boolean;
  penalty: number | null;
  warnings: FitWarning[];
}
