// New cells and the first notebook, with sensible settings. Pure; used on the
// page when the user adds a cell and at first start.

import { SAMPLES } from '../engine/data/samples';
import { NOTEBOOK_VERSION, type Cell, type CellKind, type NotebookDocument } from './document';
import { NOTEBOOK_FORMAT } from './schema';
import { definitionFor, definitionOf } from '../cells/registry';

/** What the default notebook needs to know of a stored dataset (DatasetMeta fits). */
export interface DatasetRef {
  id: string;
  name: string;
  source?: { kind: string; sample?: string };
}

/** The `source.sample` of the insurance sample's policy table. */
export const INSURANCE_POLICIES = SAMPLES.find((s) => s.id === 'insurance')!.datasets[0].name;

export interface NewCellOptions {
  /** Where the cell will be inserted (default: at the end); inputs are sought above it. */
  at?: number;
  id?: string;
}

/**
 * A cell of `kind` with its kind's default settings. Each input slot reads
 * the nearest cell above where the cell is inserted whose output it takes,
 * passing over cells whose dataset summarises their input (an RFM cell's
 * scores) while another fits (the log they summarise).
 */
export function newCell(
  kind: CellKind,
  existing: readonly Cell[],
  options: NewCellOptions = {},
): Cell {
  const id = options.id ?? newId(existing);
  const at = Math.max(0, Math.min(options.at ?? existing.length, existing.length));
  const above = existing.slice(0, at).reverse();
  const def = definitionOf(kind);
  const inputs = Object.fromEntries(
    def.slots.map((slot) => {
      const fits = (c: Cell) => {
        const output = definitionFor(c).output;
        return output !== null && slot.accepts.includes(output);
      };
      const found = above.find((c) => fits(c) && !definitionFor(c).summarises) ?? above.find(fits);
      return [slot.name, found?.id ?? null];
    }),
  );
  return { id, kind, settings: def.defaults(inputs) } as Cell;
}

export interface DefaultNotebookOptions {
  id?: string;
  now?: Date;
  title?: string;
}

/**
 * The notebook shown at first start: the insurance sample's policies in a
 * Data cell, its profile, and lapse over tenure by sales channel. Without
 * that dataset the cells are there but wait for data.
 */
export function defaultNotebook(
  datasets: readonly DatasetRef[],
  options: DefaultNotebookOptions = {},
): NotebookDocument {
  const policies =
    datasets.find((d) => d.source?.kind === 'sample' && d.source.sample === INSURANCE_POLICIES) ??
    datasets[0];
  const data: Cell = { id: 'data-1', kind: 'data', settings: { datasetId: policies?.id ?? null } };
  const profile: Cell = { id: 'profile-1', kind: 'profile', settings: { input: data.id } };
  const survival: Cell = {
    id: 'survival-1',
    kind: 'survival',
    settings: {
      ...definitionOf('survival').defaults({ input: data.id }),
      duration: 'tenure_months',
      event: 'lapsed',
      group: 'channel',
    },
  };
  return {
    format: NOTEBOOK_FORMAT,
    version: NOTEBOOK_VERSION,
    id: options.id ?? crypto.randomUUID(),
    title: options.title ?? 'Lapse analysis',
    cells: [data, profile, survival],
    datasets: policies ? [{ id: policies.id, name: policies.name }] : [],
    updatedAt: (options.now ?? new Date()).toISOString(),
  };
}

/** A short id unique within the notebook, readable in exported files. */
function newId(existing: readonly Cell[]): string {
  const taken = new Set(existing.map((c) => c.id));
  for (;;) {
    const id = `cell-${crypto.randomUUID().slice(0, 8)}`;
    if (!taken.has(id)) return id;
  }
}
