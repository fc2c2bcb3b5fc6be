// The one message contract between the page and its workers (the compute
// worker, and any later worker with a request map of its own). Runs on both
// sides: types only, and assertNever.
//
// A worker's capabilities are a RequestMap: request type → params, result
// and, for a long job, the events it streams. Every request carries an id from
// the client; the worker answers with any number of `progress` (throttled)
// and `event` (every one, in order) messages, then exactly one `result` or
// `error`. The page may send `pause`, `resume`, `stop` or `cancel` for an id
// at any time; a control for an id the worker is not running is ignored. A
// cancelled request ends with an error whose code is 'cancelled'; a stopped
// one ends early with whatever result its handler makes of the work so far.
// Results cross by copy unless their handler names buffers to transfer.
//
// Adding a capability = one entry in a map and one handler in that worker's
// registry (./handlers/index.ts for the compute worker): the registry's type
// asks for a handler per entry, so the compiler finds a missing one.

import type { DatasetMeta } from '../storage/types';
import type { KaplanMeierOptions, KaplanMeierResult } from '../engine/survival/kaplanMeier';
import type { TableProfile } from '../engine/data/profile';
import type { ReadOptions } from '../engine/data/read';
import type { PackedPart, PartParams } from './partPool';
import type { RetypeOptions, RetypeReport } from '../engine/data/retype';
import type { SampleId } from '../engine/data/samples';
import type { ColumnLevels } from '../engine/data/levels';
import type { PrepareStep } from '../notebook/document';
import type { LogisticSpec, TrainedLogistic } from '../engine/models/train';
import type { LogisticModel } from '../engine/models/types';
import type { EvaluationRequest, EvaluationResult } from '../engine/evaluate/report';
import type { ScoreOptions, ScoreSummary } from '../engine/models/scoredTable';

/**
 * One request type: what the page sends, what a successful reply holds and,
 * if the request streams events (e.g. one per training epoch), their type.
 * A map entry that streams declares `events: TheEvent`.
 */
export interface RequestSpec {
  params: unknown;
  result: unknown;
  events?: unknown;
}

/** A worker's request types. Declare it as a `type` (an interface has no index signature). */
export type RequestMap = { [type: string]: RequestSpec };

export type ParamsOf<R extends RequestMap, K extends keyof R> = R[K]['params'];
export type ResultOf<R extends RequestMap, K extends keyof R> = R[K]['result'];
/** The events request K streams; never when it declares none. */
export type EventOf<R extends RequestMap, K extends keyof R> = R[K] extends { events: infer E }
  ? E
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
      model: LogisticModel;
      options: ScoreOptions;
    };
    result: { dataset: DatasetMeta; summary: ScoreSummary; preview: PreviewResult };
  };
  /** A model file's text (this app's JSON or PMML 4.4) read into a model. */
  'read-model': {
    params: { text: string; fileName: string };
    result: { model: LogisticModel; format: 'json' | 'pmml'; fileName: string };
  };
  /** A dataset as a CSV (UTF-8 with BOM, for Excel) or XLSX file; the bytes are transferred. */
  export: {
    params: { datasetId: string; format: 'csv' | 'xlsx' };
    result: { bytes: Uint8Array<ArrayBuffer>; mimeType: string; fileName: string };
  };
};

/** The name callers used before the map had siblings. */
export type Requests = ComputeRequests;
export type RequestType = keyof ComputeRequests;

/** Settings of a Survival cell; column names refer to the input dataset. */
export interface SurvivalSettings {
  duration: string;
  event: string;
  /** Values of the event column that mean "the event happened" (e.g. 'Yes', '1'). Empty: non-zero / true. */
  eventValues?: string[];
  group?: string | null;
  options?: Partial<KaplanMeierOptions>;
}

export interface SurvivalResult {
  curves: KaplanMeierResult[];
  /** Rows dropped because duration or event was missing or invalid. */
  excluded: number;
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
 * report or checkpoint until `resume`; `stop` asks it to finish early with
 * the result so far; `cancel` ends it with the error 'cancelled'.
 */
export type Control = 'pause' | 'resume' | 'stop' | 'cancel';

export interface ControlMessage {
  id: number;
  type: Control;
}

export type ToWorker<R extends RequestMap = ComputeRequests> = RequestMessage<R> | ControlMessage;

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

export type FromWorker<R extends RequestMap = ComputeRequests> =
  ProgressMessage | EventMessage<R> | ResultMessage | ErrorMessage;

export function assertNever(x: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(x)}`);
}
