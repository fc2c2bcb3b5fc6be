// The one message contract between the page and the compute worker.
// Every request carries an id; the worker answers with any number of
// `progress` messages and then exactly one `result` or `error`. The page may
// send `cancel` for an id at any time; the worker then ends that request with
// an error whose code is 'cancelled'. Large results cross by transfer.
//
// Adding a capability = adding one entry to `Requests` and one case to the
// worker's switch (which ends in assertNever, so the compiler finds it).

import type { DatasetMeta } from '../storage/types';
import type { KaplanMeierOptions, KaplanMeierResult } from '../engine/survival/kaplanMeier';
import type { TableProfile } from '../engine/data/profile';
import type { ReadOptions } from '../engine/data/read';
import type { PackedPart, PartParams } from './partPool';
import type { RetypeOptions, RetypeReport } from '../engine/data/retype';
import type { SampleId } from '../engine/data/samples';
import type { PrepareStep } from '../notebook/document';

/** Each request kind: what the page sends, and what a successful reply holds. */
export interface Requests {
  /** Parse a dropped or picked file and store it as a new dataset. */
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
  'kaplan-meier': {
    params: { datasetId: string; settings: SurvivalSettings };
    result: SurvivalResult;
  };
  /**
   * Store a copy of a dataset with some columns converted to user-chosen
   * types (engine/data/retype.ts); `name` is the new dataset's name.
   */
  retype: {
    params: { datasetId: string; overrides: RetypeOptions[]; name: string };
    result: { meta: DatasetMeta; reports: RetypeReport[] };
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
   * workers it reads parts with, not by the page.
   */
  'parse-part': { params: PartParams; result: PackedPart };
  /** A dataset as a CSV (UTF-8 with BOM, for Excel) or XLSX file; the bytes are transferred. */
  export: {
    params: { datasetId: string; format: 'csv' | 'xlsx' };
    result: { bytes: Uint8Array<ArrayBuffer>; mimeType: string; fileName: string };
  };
}

export type RequestType = keyof Requests;

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

export type RequestMessage = {
  [K in RequestType]: { id: number; type: K; params: Requests[K]['params'] };
}[RequestType];

export interface CancelMessage {
  id: number;
  type: 'cancel';
}

export type ToWorker = RequestMessage | CancelMessage;

export interface ProgressMessage {
  id: number;
  type: 'progress';
  /** Units done and total (bytes, rows…); total 0 when unknown. */
  done: number;
  total: number;
  stage?: string;
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

export type FromWorker = ProgressMessage | ResultMessage | ErrorMessage;

export function assertNever(x: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(x)}`);
}
