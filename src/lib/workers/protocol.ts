// The one message contract between the page and its workers (the compute
// worker and the training worker, each with a request map of its own). Runs
// on both sides: types, the table of which worker serves which request, and
// assertNever.
//
// A worker's capabilities are a RequestMap: request type → params, result
// and, for a long job, the events it streams. Every request carries an id from
// the client; the worker answers with any number of `progress` (throttled)
// and `event` (every one, in order) messages, then exactly one `result` or
// `error`. The page may send `pause`, `resume`, `step`, `stop` or `cancel`
// for an id at any time, and `adjust` with new values for what a running
// request lets change (a training's learning rate); a control for an id the
// worker is not running is ignored. A cancelled request ends with an error
// whose code is 'cancelled'; a stopped one ends early with whatever result
// its handler makes of the work so far.
// Results cross by copy unless their handler names buffers to transfer.
//
// Adding a capability = one entry in a map and one handler in that worker's
// registry (./handlers/index.ts for the compute worker): the registry's type
// asks for a handler per entry, so the compiler finds a missing one.

import type { DatasetMeta } from '../storage/types';
import type { KaplanMeierOptions, KaplanMeierResult } from '../engine/survival/kaplanMeier';
import type { LogrankTableResult, PAdjustMethod } from '../engine/survival/logrank';
import type {
  NelsonAalenResult,
  RestrictedMean,
  SurvivalAtTimes,
} from '../engine/survival/summaries';
import type { TableProfile } from '../engine/data/profile';
import type { ReadOptions } from '../engine/data/read';
import type { PackedPart, PartParams } from './partPool';
import type { RetypeOptions, RetypeReport } from '../engine/data/retype';
import type { SampleId } from '../engine/data/samples';
import type { ColumnLevels } from '../engine/data/levels';
import type { PrepareStep } from '../notebook/document';
import type { LogisticSpec, TrainedLogistic } from '../engine/models/train';
import type { ChurnModel } from '../engine/models/churnModel';
import type { EvaluationRequest, EvaluationResult } from '../engine/evaluate/report';
import type { ScoreOptions, ScoreSummary } from '../engine/models/scoredTable';
import type { ParametricReport, ParametricSettings } from '../engine/survival/parametricReport';
import type { CoxReport, CoxReportSettings } from '../engine/survival/coxReport';
import type { ForecastModel, ForecastOptions, ForecastReport } from '../engine/survival/forecast';
import type { CompetingReport, CompetingReportSettings } from '../engine/survival/competingReport';
import type { PersonasSettings, PersonasSummary } from '../engine/models/personas';
import type {
  Bracket,
  CohortPeriod,
  CohortRetention,
  PeriodCounting,
  PolicyColumns,
  RetentionKind,
} from '../engine/lifecycle/cohorts';
import type { LogColumns, LogReport, Returns } from '../engine/lifecycle/transactions';
import type { StageRule, StagesResult, TableColumns } from '../engine/lifecycle/stages';
import type {
  FrequencyMeasure,
  Measure,
  MonetaryMeasure,
  RfmResult,
  Scoring,
  SegmentRule,
} from '../engine/lifecycle/rfm';
import type {
  NetworkSpec,
  TrainedNetwork,
  TrainingAdjust,
  TrainingEvent,
} from '../engine/models/network/trainNetwork';

/**
 * One request type: what the page sends, what a successful reply holds and,
 * if the request streams events (e.g. one per training epoch), their type.
 * A map entry that streams declares `events: TheEvent`; one whose settings
 * may change while it runs declares `adjust: TheChange`.
 */
export interface RequestSpec {
  params: unknown;
  result: unknown;
  events?: unknown;
  adjust?: unknown;
}

/** A worker's request types. Declare it as a `type` (an interface has no index signature). */
export type RequestMap = { [type: string]: RequestSpec };

export type ParamsOf<R extends RequestMap, K extends keyof R> = R[K]['params'];
export type ResultOf<R extends RequestMap, K extends keyof R> = R[K]['result'];
/** The events request K streams; never when it declares none. */
export type EventOf<R extends RequestMap, K extends keyof R> = R[K] extends { events: infer E }
  ? E
  : never;
/** What request K lets change while it runs; never when nothing may. */
export type AdjustOf<R extends RequestMap, K extends keyof R> = R[K] extends { adjust: infer A }
  ? A
  : never;

// ---- the compute worker's requests ------------------------------------------

/** The compute worker (./compute.worker.ts): each request type, what it takes and gives. */
export type ComputeRequests = {
  /**
   * Parse a dropped or picked file and store it as a new dataset, named
   * `name`, or `name (2)`, `name (3)`… when a stored dataset has that name.
   */
  'ingest-file': {
    params: { file: Blob; name: string; options?: Partial<ReadOptions> };
    result: DatasetMeta;
  };
  /**
   * Create (or find, if already stored) one of the built-in samples. `url`:
   * where a file-based sample (telco) is served, resolved by the page against
   * its own base URL (the worker's URL is not the app's base).
   */
  'ingest-sample': { params: { sample: SampleId; url?: string }; result: DatasetMeta[] };
  /**
   * Column profiles with data-quality warnings. `target`: check the other
   * columns for leakage against it; `asOf` (yyyy-mm-dd): dates after that day
   * are "in the future" (default: now).
   */
  profile: {
    params: { datasetId: string; target?: string | null; asOf?: string | null };
    result: TableProfile;
  };
  /** The curves' arrays are transferred. */
  'kaplan-meier': {
    params: { datasetId: string; settings: SurvivalSettings };
    result: SurvivalResult;
  };
  /**
   * Store a copy of a dataset with some columns converted to user-chosen
   * types (engine/data/retype.ts); `name` is the new dataset's name (made
   * unique as for 'ingest-file'). `replaces`: the copy this one replaces (the
   * Data cell's previous one, deleted afterwards), whose name counts as free,
   * so a cell's copy keeps its name from one type change to the next.
   */
  retype: {
    params: { datasetId: string; overrides: RetypeOptions[]; name: string; replaces?: string };
    result: { meta: DatasetMeta; reports: RetypeReport[] };
  };
  /** The most frequent values of some columns (engine/data/levels.ts), at most `limit` each. */
  'column-levels': {
    params: { datasetId: string; columns: string[]; limit: number };
    result: ColumnLevels[];
  };
  /** First rows of a dataset, as display strings, for previews. */
  preview: { params: { datasetId: string; rows: number }; result: PreviewResult };
  /**
   * Run a Prepare cell's step on its input dataset(s) (a join: [left, right])
   * and store the result as a derived dataset of that cell, or reuse the one
   * stored for the same inputs and settings. The cell's other derived
   * datasets are deleted once the result is stored.
   */
  prepare: {
    params: { notebook: string; cell: string; inputs: string[]; step: PrepareStep };
    result: PrepareResult;
  };
  /**
   * Parse one part of a large delimited file with the plan its first rows
   * decided (engine/data/parts.ts). Sent by the compute worker to the
   * workers it reads parts with, not by the page. The part's arrays are
   * transferred.
   */
  'parse-part': { params: PartParams; result: PackedPart };
  /**
   * Fit a Model cell's logistic regression (engine/models/train.ts): split,
   * imbalance treatment, selection, the float64 IRLS fit and its inference,
   * and k-fold reports.
   */
  'fit-logistic': {
    params: { datasetId: string; spec: LogisticSpec };
    result: TrainedLogistic;
  };
  /**
   * Evaluate models on held-out rows, or a scored dataset's score column
   * against its outcome (engine/evaluate/report.ts): ROC with DeLong CIs and
   * tests, precision–recall, gains and lift, calibration, the threshold
   * table and the profit curve.
   */
  evaluate: { params: EvaluationRequest; result: EvaluationResult };
  /**
   * Score a dataset with a model and store the scored rows (probability,
   * decile, risk band, top reasons) as a derived dataset of the Score cell,
   * or reuse the one stored for the same dataset, model and options.
   */
  score: {
    params: {
      notebook: string;
      cell: string;
      datasetId: string;
      model: ChurnModel;
      options: ScoreOptions;
    };
    result: { dataset: DatasetMeta; summary: ScoreSummary; preview: PreviewResult };
  };
  /**
   * A model file read into a model: this app's logistic or network JSON,
   * PMML 4.4, or a TF.js Layers model.json with its weights.bin as base64
   * (`weights`, present only for that format).
   */
  'read-model': {
    params: { text: string; weights?: string; fileName: string };
    result: { model: ChurnModel; format: 'json' | 'pmml' | 'layers'; fileName: string };
  };
  /**
   * Fit a Parametric survival cell's accelerated failure time model with all
   * four distributions (engine/survival/parametricReport.ts): the fits, the
   * Kaplan–Meier curve of their rows, each fitted marginal curve, the AIC
   * comparison and a per-customer forecast preview. Arrays are transferred.
   */
  'fit-survreg': {
    params: { datasetId: string; settings: ParametricSettings };
    result: ParametricReport;
  };
  /**
   * Fit a Cox model cell's coxph (engine/survival/coxReport.ts): the fit, its
   * cox.zph check (a failed check recorded as data), the stored CoxModel, the
   * profiles' predicted survival curves and a per-customer preview. Arrays
   * are transferred.
   */
  'fit-cox': {
    params: { datasetId: string; settings: CoxReportSettings };
    result: CoxReport;
  };
  /**
   * A Competing risks cell's cumulative incidence per cause and group with
   * Gray's test, the naive 1 − KM of each cause beside it, and both read at
   * a few times (engine/survival/competingReport.ts). Curves' arrays are transferred.
   */
  'cumulative-incidence': {
    params: { datasetId: string; settings: CompetingReportSettings };
    result: CompetingReport;
  };
  /**
   * A Cohorts cell's retention grid (engine/lifecycle/cohorts.ts) of a
   * transaction log or a policy table: cohorts × periods since start, with
   * revenue, cell states and average rows; its per-customer dataset is
   * stored as a derived dataset of the cell, or the one stored for the same
   * dataset and settings reused. The grid's arrays are transferred.
   */
  'cohort-retention': {
    params: { notebook: string; cell: string; datasetId: string; settings: CohortJobSettings };
    result: {
      grid: Omit<CohortRetention, 'perMember'>;
      report: LogReport | null;
      dataset: DatasetMeta;
      reused: boolean;
    };
  };
  /**
   * A Personas cell's k-means (engine/models/personas.ts): the k sweep with
   * inertia and silhouette, the chosen k's fit and each cluster's profile;
   * the input with each row's persona name as a new column is stored as a
   * derived dataset of the cell (reused for the same inputs and settings).
   * The fit does not depend on `names`: a rename re-writes only the column.
   */
  'fit-personas': {
    params: {
      notebook: string;
      cell: string;
      datasetId: string;
      settings: PersonasSettings;
      names: string[];
    };
    result: {
      report: PersonasSummary;
      /** Persona i's name, as written in the column. */
      names: string[];
      column: string;
      dataset: DatasetMeta;
      reused: boolean;
      preview: PreviewResult;
    };
  };
  /**
   * An RFM cell's scores (engine/lifecycle/rfm.ts) of a transaction log: the
   * per-segment summary, the R × F grid and a preview; its per-customer
   * dataset (customer, recency, frequency, monetary, scores, code, total,
   * segment) is stored as a derived dataset of the cell, or the one stored
   * for the same dataset and settings reused.
   */
  rfm: {
    params: { notebook: string; cell: string; datasetId: string; settings: RfmJobSettings };
    result: {
      summary: RfmSummary;
      report: LogReport;
      dataset: DatasetMeta;
      reused: boolean;
      preview: PreviewResult;
    };
  };
  /**
   * A Survival forecast cell's per-customer forecasts (engine/survival/forecast.ts):
   * a Cox or parametric model applied to a dataset, conditional on the tenure
   * reached; the input with the forecast columns is stored as a derived
   * dataset of the cell (or the one stored for the same inputs reused), with
   * the report and a preview.
   */
  forecast: {
    params: {
      notebook: string;
      cell: string;
      datasetId: string;
      model: ForecastModel;
      options: ForecastOptions;
    };
    result: {
      report: ForecastReport;
      dataset: DatasetMeta;
      reused: boolean;
      preview: PreviewResult;
    };
  };
  /**
   * A Lifecycle stages cell's stages (engine/lifecycle/stages.ts) of a
   * transaction log or a customer / policy table at an as-of day: counts and
   * revenue per stage and, from a log, monthly snapshots, churn and win-back
   * rates and the transition matrix. The per-customer dataset (a log's
   * summary and stage; a table with its stage column) is stored as a derived
   * dataset of the cell, or the one stored for the same inputs reused.
   */
  'lifecycle-stages': {
    params: { notebook: string; cell: string; datasetId: string; settings: StagesJobSettings };
    result: {
      summary: Omit<StagesResult, 'perCustomer'>;
      report: LogReport | null;
      dataset: DatasetMeta;
      reused: boolean;
      preview: PreviewResult;
    };
  };
  /** A dataset as a CSV (UTF-8 with BOM, for Excel) or XLSX file; the bytes are transferred. */
  export: {
    params: { datasetId: string; format: 'csv' | 'xlsx' };
    result: { bytes: Uint8Array<ArrayBuffer>; mimeType: string; fileName: string };
  };
};

// ---- the training worker's requests -----------------------------------------

/**
 * The training worker (./training.worker.ts): TensorFlow.js, apart from the
 * compute worker so that minutes of training neither hold up nor share a
 * heap with the notebook's other jobs, and a crash there loses only the
 * training.
 */
export type TrainingRequests = {
  /**
   * Train a Network cell's network (engine/models/network/trainNetwork.ts):
   * split, pipeline, standardisation and imbalance treatment as the Model
   * cell's, then epoch by epoch, one event per epoch. Pauses, steps and
   * takes a new learning rate at epoch boundaries; a stop ends it with the
   * weights so far.
   */
  'train-network': {
    params: { datasetId: string; spec: NetworkSpec };
    result: TrainedNetwork;
    events: TrainingEvent;
    adjust: TrainingAdjust;
  };
};

/** Which requests the training worker serves; the compiler asks for every one. Any other goes to the compute worker. */
export const TRAINING_REQUESTS: { readonly [K in keyof TrainingRequests]: true } = {
  'train-network': true,
};

/** Every request a cell's job can name, whichever worker serves it. */
export type Requests = ComputeRequests & TrainingRequests;
export type RequestType = keyof Requests;

export function isTrainingRequest(type: string): type is keyof TrainingRequests {
  return Object.hasOwn(TRAINING_REQUESTS, type);
}

/** What a Cohorts cell's job needs: the source (a log or a policy table) and the grid's choices. */
export interface CohortJobSettings {
  source:
    | { mode: 'log'; log: { columns: LogColumns; returns: Returns; asOf: string | null } }
    | { mode: 'policy'; policy: { columns: PolicyColumns; asOf: string | null } };
  period: CohortPeriod;
  counting: PeriodCounting;
  kind: RetentionKind;
  brackets: Bracket[];
}

/** What an RFM cell's job needs: the log, the measures, scoring, weights and segment rules. */
export interface RfmJobSettings {
  log: { columns: LogColumns; returns: Returns; asOf: string | null };
  frequency: FrequencyMeasure;
  monetary: MonetaryMeasure;
  scoring: Record<Measure, Scoring>;
  weights: Record<Measure, number>;
  rules: SegmentRule[];
  /** The segment column's label per rule, then for customers no rule holds. */
  segmentNames: string[];
}

/** An RFM result as the page receives it: the per-customer arrays stay in the stored dataset. */
export type RfmSummary = Pick<
  RfmResult,
  'asOfDay' | 'bins' | 'tied' | 'hasAmount' | 'segments' | 'grid'
> & {
  customers: number;
  /** The segments' names as the job had them (its settings' segmentNames). */
  names: string[];
};

/** What a Lifecycle stages cell's job needs: the source, the ordered rules and the transition's first day. */
export interface StagesJobSettings {
  source:
    | { mode: 'log'; log: { columns: LogColumns; returns: Returns; asOf: string | null } }
    | { mode: 'table'; table: { columns: TableColumns; asOf: string | null } };
  rules: StageRule[];
  /** yyyy-mm-dd; null: six months before the as-of date. */
  from: string | null;
}

/** Settings of a Survival cell; column names refer to the input dataset. */
export interface SurvivalSettings {
  duration: string;
  event: string;
  /** Values of the event column that mean "the event happened" (e.g. 'Yes', '1'). Empty: non-zero / true. */
  eventValues?: string[];
  group?: string | null;
  options?: Partial<KaplanMeierOptions>;
  /** With a group: compare the curves (engine/survival/logrank.ts, as R survdiff). */
  test?: {
    rho: number;
    strata: string | null;
    pairwise: PAdjustMethod | null;
    trend: boolean;
  } | null;
  /** Read every curve at these times (as summary(fit, times)). */
  times?: number[];
  /** The restricted mean survival time up to τ (as print(fit, rmean = τ)); null: none. */
  tau?: number | null;
}

export interface SurvivalResult {
  curves: KaplanMeierResult[];
  /** Rows dropped because duration or event was missing or invalid. */
  excluded: number;
  /** The comparison of the groups, or why there is none (an error as data); null without a group. */
  test?: LogrankTableResult | { error: WorkerError } | null;
  /** Per curve, its values at the times asked for; null when none were. */
  atTimes?: SurvivalAtTimes[] | null;
  /** Per curve, the restricted mean up to τ; null without τ. */
  restrictedMeans?: RestrictedMean[] | null;
  /** Per curve, the Nelson–Aalen cumulative hazard (the arrays are transferred). */
  cumulativeHazards?: NelsonAalenResult[];
}

export interface PrepareResult {
  dataset: DatasetMeta;
  report: Record<string, number | string>;
  /** True when a stored result was reused instead of recomputed. */
  reused: boolean;
  preview: PreviewResult;
}

export interface PreviewResult {
  columns: { name: string; type: string }[];
  rows: string[][];
  rowCount: number;
}

// ---- messages -------------------------------------------------------------

export type RequestMessage<R extends RequestMap = ComputeRequests> = {
  [K in keyof R & string]: { id: number; type: 'request'; request: K; params: R[K]['params'] };
}[keyof R & string];

/**
 * What the page may ask of a running request. `pause` holds it at its next
 * report or checkpoint until `resume`; `step` lets a paused request run to
 * its next step boundary (a training's next epoch) and pause there again;
 * `stop` asks it to finish early with the result so far; `cancel` ends it
 * with the error 'cancelled'.
 */
export type Control = 'pause' | 'resume' | 'step' | 'stop' | 'cancel';

export interface ControlMessage {
  id: number;
  type: Control;
}

/** New values for what a running request lets change; its handler reads them at its next step boundary. */
export interface AdjustMessage {
  id: number;
  type: 'adjust';
  value: unknown;
}

/**
 * "Are you there?": answered at once with a `pong` of the same id, even while
 * a request is paused, so the page can tell a silent worker from a dead one.
 */
export interface PingMessage {
  id: number;
  type: 'ping';
}

export type ToWorker<R extends RequestMap = ComputeRequests> =
  RequestMessage<R> | ControlMessage | AdjustMessage | PingMessage;

export interface ProgressMessage {
  id: number;
  type: 'progress';
  /** Units done and total (bytes, rows…); total 0 when unknown. */
  done: number;
  total: number;
  stage?: string;
}

/** One event a handler emitted; posted at once, never throttled or dropped. */
export interface EventMessage<R extends RequestMap = ComputeRequests> {
  id: number;
  type: 'event';
  event: { [K in keyof R]: EventOf<R, K> }[keyof R];
}

export interface ResultMessage {
  id: number;
  type: 'result';
  result: unknown;
}

/** An error as data: `code` is a message-catalogue key, `params` fill it. */
export interface WorkerError {
  code: string;
  params: Record<string, string | number>;
  /** Developer detail (stack or original message) for the console, never shown alone. */
  detail?: string;
}

export interface ErrorMessage {
  id: number;
  type: 'error';
  error: WorkerError;
}

export interface PongMessage {
  id: number;
  type: 'pong';
}

export type FromWorker<R extends RequestMap = ComputeRequests> =
  ProgressMessage | EventMessage<R> | ResultMessage | ErrorMessage | PongMessage;

export function assertNever(x: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(x)}`);
}
