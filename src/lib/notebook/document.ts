// The notebook document: what a notebook is, independent of how it is shown,
// stored or run. Pure data; see ./schema.ts for validation and versioning.
// A cell's settings are those of its kind (../cells/registry.ts); the
// document stores references (cell ids, dataset ids), never data or results.

import type { Cell } from '../cells/registry';

export type { Cell, CellKind, CellOf, SettingsOf } from '../cells/registry';
export type { PrepareStep, PrepareOp } from '../cells/prepare/steps';
export type { DataSettings as DataCellSettings } from '../cells/data/definition';
export type { ProfileSettings as ProfileCellSettings } from '../cells/profile/definition';
export type { SurvivalCellSettings } from '../cells/survival/definition';
export type { PrepareCellSettings } from '../cells/prepare/definition';

/** The current document format version; bump it and add a migration in ./schema.ts. */
export const NOTEBOOK_VERSION = 1;

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
