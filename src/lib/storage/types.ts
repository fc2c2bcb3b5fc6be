// Shapes of what storage keeps. Plain data: safe to import from any layer.

import type { ColumnType } from '../engine/data/table';

/** Describes one stored dataset. Datasets are immutable: a change makes a new id. */
export interface DatasetMeta {
  id: string;
  name: string;
  /** Where it came from: a file name, or a built-in sample id. */
  source: { kind: 'file'; fileName: string; bytes: number } | { kind: 'sample'; sample: string };
  rowCount: number;
  columns: { name: string; type: ColumnType }[];
  /** Number of Arrow IPC chunks holding its rows. */
  chunkCount: number;
  /** Approximate stored size in bytes. */
  bytes: number;
  createdAt: string;
}

/** What the page supplies to store a dataset; storage assigns the rest. */
export type NewDataset = Omit<DatasetMeta, 'id' | 'chunkCount' | 'bytes' | 'createdAt'>;

/** A notebook as listed in the notebook picker, without its cells. */
export interface NotebookSummary {
  id: string;
  title: string;
  cellCount: number;
  updatedAt: string;
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
