// The catalogue of cell kinds: every kind the app knows, in the order the
// "add cell" menu lists them. The notebook's schema, dependency graph,
// defaults and runner, and the page's menus, iterate over this list; nothing
// else names a kind. Pure (components are listed in ./components.ts).
//
// Adding a kind: a folder beside the others with its definition.ts and
// component, one entry here and one in ./components.ts, and its messages in
// both catalogues (docs/cells.md).

import type { z } from 'zod';
import type { CellKindDefinition, OutputType } from './kind';
import { dataKind } from './data/definition';
import { prepareKind } from './prepare/definition';
import { profileKind } from './profile/definition';
import { survivalKind } from './survival/definition';
import { modelKind } from './model/definition';
import { networkKind } from './network/definition';
import { evaluateKind } from './evaluate/definition';
import { scoreKind } from './score/definition';
import { modelFileKind } from './modelFile/definition';
import { parametricKind } from './parametric/definition';
import { coxKind } from './cox/definition';
import { competingKind } from './competing/definition';
import { personasKind } from './personas/definition';
import { cohortsKind } from './cohorts/definition';
import { stagesKind } from './stages/definition';
import { rfmKind } from './rfm/definition';
import { forecastKind } from './forecast/definition';

export const CELL_KINDS = [
  dataKind,
  prepareKind,
  profileKind,
  survivalKind,
  modelKind,
  networkKind,
  evaluateKind,
  scoreKind,
  modelFileKind,
  parametricKind,
  coxKind,
  competingKind,
  personasKind,
  cohortsKind,
  stagesKind,
  rfmKind,
  forecastKind,
] as const;

type Definitions = (typeof CELL_KINDS)[number];
export type CellKind = Definitions['kind'];
export type DefinitionOf<K extends CellKind> = Extract<Definitions, { kind: K }>;
export type SettingsOf<K extends CellKind> = z.infer<DefinitionOf<K>['settings']>;

/** A cell of the notebook document: its kind and that kind's settings. */
export type Cell = { [K in CellKind]: { id: string; kind: K; settings: SettingsOf<K> } }[CellKind];
export type CellOf<K extends CellKind> = Extract<Cell, { kind: K }>;

export const KIND_NAMES: readonly CellKind[] = CELL_KINDS.map((d) => d.kind);

const BY_KIND = new Map<string, Definitions>(CELL_KINDS.map((d) => [d.kind, d]));

export function isCellKind(kind: unknown): kind is CellKind {
  return typeof kind === 'string' && BY_KIND.has(kind);
}

/** A kind's definition, typed for that kind. */
export function definitionOf<K extends CellKind>(kind: K): DefinitionOf<K> {
  return BY_KIND.get(kind) as DefinitionOf<K>;
}

/**
 * The definition of a cell's kind, loosely typed so generic code (graph,
 * runner) can call it with the cell's own settings without a switch.
 */
export function definitionFor(cell: Cell): CellKindDefinition<
  string,
  z.ZodType<unknown>,
  unknown
> & {
  settings: z.ZodType<unknown>;
} {
  return BY_KIND.get(cell.kind) as never;
}

/** Input cells named by a cell's active slots, with each slot's name and accepted types. */
export function inputsOf(
  cell: Cell,
): { slot: string; cellId: string | null; accepts: readonly OutputType[] }[] {
  const def = definitionFor(cell);
  return def.slots
    .filter((slot) => slot.active?.(cell.settings) ?? true)
    .map((slot) => ({ slot: slot.name, cellId: slot.get(cell.settings), accepts: slot.accepts }));
}
