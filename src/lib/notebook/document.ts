// The notebook document: what a notebook is, independent of how it is shown,
// stored or run. Pure data; see ./schema.ts for validation and versioning.

import type {
  AggregateSettings,
  BinSettings,
  CapOutliersSettings,
  DeriveSettings,
  DropDuplicatesSettings,
  DurationSettings,
  FilterSettings,
  ImputeSettings,
  JoinSettings,
  OneHotSettings,
  OrdinalEncodeSettings,
  ScaleSettings,
  SelectColumnsSettings,
} from '../engine/prepare';

import type { ColumnType } from '../engine/data/table';

/** The current document format version; bump it and add a migration in ./schema.ts. */
export const NOTEBOOK_VERSION = 1;

export interface DataCellSettings {
  datasetId: string | null;
  /** Column types the user chose over the inferred ones (absent: none). */
  typeOverrides?: Record<string, ColumnType>;
}

export interface ProfileCellSettings {
  /** The id of the Data cell whose dataset is profiled. */
  input: string | null;
  /** Column checked against for leakage (absent in notebooks saved before the check). */
  target?: string | null;
  /** yyyy-mm-dd: dates after it are flagged as in the future; absent or null = today. */
  asOf?: string | null;
}

export interface SurvivalCellSettings {
  input: string | null;
  duration: string | null;
  event: string | null;
  eventValues: string[];
  group: string | null;
  confType: 'log' | 'log-log' | 'plain';
  confLevel: number;
}

/**
 * One Prepare step: `op` names the engine transform and the other fields are
 * that transform's settings as the engine takes them (see
 * ../engine/prepare). A column name left '' means "not chosen yet": the cell
 * waits (./prepare.ts stepReady).
 */
export type PrepareStep =
  | ({ op: 'drop-duplicates' } & DropDuplicatesSettings)
  | ({ op: 'filter' } & FilterSettings)
  | ({ op: 'select' } & SelectColumnsSettings)
  | ({ op: 'impute' } & ImputeSettings)
  | ({ op: 'cap-outliers' } & CapOutliersSettings)
  | ({ op: 'scale' } & ScaleSettings)
  | ({ op: 'one-hot' } & OneHotSettings)
  | ({ op: 'ordinal' } & OrdinalEncodeSettings)
  | ({ op: 'bin' } & BinSettings)
  | ({ op: 'derive' } & DeriveSettings)
  | ({ op: 'duration' } & DurationSettings)
  /** `right`: the id of the Data or Prepare cell joined to the input. */
  | ({ op: 'join'; right: string | null } & JoinSettings)
  | ({ op: 'aggregate' } & AggregateSettings);

export type PrepareOp = PrepareStep['op'];

export interface PrepareCellSettings {
  /** The id of the Data or Prepare cell whose dataset this step transforms. */
  input: string | null;
  step: PrepareStep;
}

export type Cell =
  | { id: string; kind: 'data'; settings: DataCellSettings }
  | { id: string; kind: 'profile'; settings: ProfileCellSettings }
  | { id: string; kind: 'survival'; settings: SurvivalCellSettings }
  | { id: string; kind: 'prepare'; settings: PrepareCellSettings };

export type CellKind = Cell['kind'];

export interface NotebookDocument {
  format: 'lifecycle-lab-notebook';
  version: typeof NOTEBOOK_VERSION;
  id: string;
  title: string;
  cells: Cell[];
  /** Names of the datasets the cells refer to, so an import can say which is missing. */
  datasets: { id: string; name: string }[];
  updatedAt: string;
}
