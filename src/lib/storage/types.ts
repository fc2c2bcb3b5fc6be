// Shapes of what storage keeps. Plain data: safe to import from any layer.

import type { ColumnType } from '../engine/data/table';
import type { ColumnInference } from '../engine/data/infer';
import type { IngestWarning } from '../engine/data/ingest';
import type { RetypeReport } from '../engine/data/retype';

/** Describes one stored dataset. Datasets are immutable: a change makes a new id. */
export interface DatasetMeta {
  id: string;
  name: string;
  /** Where it came from: a file name, or a built-in sample id. */
  source:
    | { kind: 'file'; fileName: string; bytes: number }
    | { kind: 'sample'; sample: string }
    /** The dataset `from` with the user's type overrides applied (engine/data/retype.ts). */
    | {
        kind: 'retyped';
        from: string;
        overrides: Record<string, ColumnType>;
        reports: RetypeReport[];
      }
    /**
     * The result of a Prepare cell: `key` is a hash of its input dataset ids
     * and step settings (workers/handlers/prepare.ts), so unchanged settings
     * reuse it; `report` is what the step reported when it ran.
     */
    | {
        kind: 'derived';
        notebook: string;
        cell: string;
        key: string;
        report: Record<string, number | string>;
      };
  rowCount: number;
  columns: { name: string; type: ColumnType }[];
  /** Number of Arrow IPC chunks holding its rows. */
  chunkCount: number;
  /** Approximate stored size in bytes. */
  bytes: number;
  createdAt: string;
  /** For an imported file: what parsing decided and noticed, for the Data cell to show. */
  ingest?: IngestReport;
}

export interface IngestReport {
  encoding: string;
  /** Delimited text only. */
  dialect?: { delimiter: string; header: boolean };
  /** The file's format (engine/data/read.ts); absent in reports stored before it was recorded. */
  format?: 'delimited' | 'xlsx' | 'parquet' | 'json' | 'ndjson';
  /** XLSX: every sheet's name, and the sheet that was read. */
  sheets?: string[];
  sheet?: string;
  /** Per column, in column order. */
  inference: ColumnInference[];
  /** At most MAX_STORED_WARNINGS; `warningCount` says how many there were. */
  warnings: IngestWarning[];
  warningCount: number;
}

export const MAX_STORED_WARNINGS = 100;

/** What the page supplies to store a dataset; storage assigns the rest. */
export type NewDataset = Omit<DatasetMeta, 'id' | 'chunkCount' | 'bytes' | 'createdAt'>;

/** A notebook as listed in the notebook picker, without its cells. */
export interface NotebookSummary {
  id: string;
  title: string;
  cellCount: number;
  updatedAt: string;
  /** False when the stored document fails to validate (it is kept, and can be exported). */
  valid: boolean;
}

/** Every setting and its type; `getSetting`/`setSetting` only accept these keys. */
export interface Settings {
  /** UI language, e.g. 'en' or 'zh-CN'. */
  locale: string;
  /** Id of the notebook opened at start. */
  currentNotebook: string;
}

/** navigator.storage.estimate(), in bytes; null where the browser has no estimate. */
export type StorageUsage = { usage: number; quota: number } | null;
