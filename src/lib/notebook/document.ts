// The notebook document: what a notebook is, independent of how it is shown,
// stored or run. Pure data; see ./schema.ts for validation and versioning.

/** The current document format version; bump it and add a migration in ./schema.ts. */
export const NOTEBOOK_VERSION = 1;

export interface DataCellSettings {
  datasetId: string | null;
}

export interface ProfileCellSettings {
  /** The id of the Data cell whose dataset is profiled. */
  input: string | null;
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

export type Cell =
  | { id: string; kind: 'data'; settings: DataCellSettings }
  | { id: string; kind: 'profile'; settings: ProfileCellSettings }
  | { id: string; kind: 'survival'; settings: SurvivalCellSettings };

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
