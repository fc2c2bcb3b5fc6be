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
