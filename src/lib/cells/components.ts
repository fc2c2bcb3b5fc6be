// The component of each cell kind, for the cell frame to render. Runs on the
// page only; the pure definitions are in ./registry.ts. The mapped type makes
// a kind without a component a compile error.
//
// Each component is its own chunk, loaded the first time a cell of its kind
// is shown (and kept), so the page's first load carries only the kinds its
// notebook holds: the entry chunk does not grow with every kind added.
// `preloadComponents` starts the downloads early (main.ts does so for the
// kinds of the notebook being opened).

import type { Component } from 'svelte';
import type { CellKind, CellOf } from './registry';
import type { CellRun } from '../state/cellRun.svelte';

export type CellComponent<K extends CellKind> = Component<{ cell: CellOf<K>; run: CellRun }>;

type Loader<K extends CellKind> = () => Promise<{ default: CellComponent<K> }>;

export const CELL_COMPONENTS: { [K in CellKind]: Loader<K> } = {
  data: () => import('./data/DataCell.svelte'),
  prepare: () => import('./prepare/PrepareCell.svelte'),
  profile: () => import('./profile/ProfileCell.svelte'),
  survival: () => import('./survival/SurvivalCell.svelte'),
  model: () => import('./model/ModelCell.svelte'),
  network: () => import('./network/NetworkCell.svelte'),
  evaluate: () => import('./evaluate/EvaluateCell.svelte'),
  score: () => import('./score/ScoreCell.svelte'),
  'model-file': () => import('./modelFile/ModelFileCell.svelte'),
  parametric: () => import('./parametric/ParametricCell.svelte'),
  cox: () => import('./cox/CoxCell.svelte'),
  competing: () => import('./competing/CompetingCell.svelte'),
  personas: () => import('./personas/PersonasCell.svelte'),
  cohorts: () => import('./cohorts/CohortsCell.svelte'),
  stages: () => import('./stages/StagesCell.svelte'),
  rfm: () => import('./rfm/RfmCell.svelte'),
  forecast: () => import('./forecast/ForecastCell.svelte'),
};

const loading = new Map<CellKind, Promise<CellComponent<CellKind>>>();

/** The kind's component, loaded once. */
export function loadComponent<K extends CellKind>(kind: K): Promise<CellComponent<K>> {
  let component = loading.get(kind);
  if (!component) {
    component = (CELL_COMPONENTS[kind] as Loader<CellKind>)().then((m) => m.default);
    // A failed download (the app was updated on the server meanwhile) is tried again next time.
    component.catch(() => loading.delete(kind));
    loading.set(kind, component);
  }
  return component as Promise<CellComponent<K>>;
}

/** Starts loading these kinds' components, so their cells need not wait for them. */
export function preloadComponents(kinds: Iterable<CellKind>): void {
  for (const kind of new Set(kinds)) void loadComponent(kind).catch(() => undefined);
}
