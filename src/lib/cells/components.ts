// The component of each cell kind, for the cell frame to render. Runs on the
// page only; the pure definitions are in ./registry.ts. The mapped type makes
// a kind without a component a compile error.

import type { Component } from 'svelte';
import type { CellKind, CellOf } from './registry';
import type { CellRun } from '../state/cellRun.svelte';
import DataCell from './data/DataCell.svelte';
import PrepareCell from './prepare/PrepareCell.svelte';
import ProfileCell from './profile/ProfileCell.svelte';
import SurvivalCell from './survival/SurvivalCell.svelte';
import ModelCell from './model/ModelCell.svelte';
import EvaluateCell from './evaluate/EvaluateCell.svelte';
import ScoreCell from './score/ScoreCell.svelte';
import ModelFileCell from './modelFile/ModelFileCell.svelte';

export type CellComponent<K extends CellKind> = Component<{ cell: CellOf<K>; run: CellRun }>;

export const CELL_COMPONENTS: { [K in CellKind]: CellComponent<K> } = {
  data: DataCell,
  prepare: PrepareCell,
  profile: ProfileCell,
  survival: SurvivalCell,
  model: ModelCell,
  evaluate: EvaluateCell,
  score: ScoreCell,
  'model-file': ModelFileCell,
};
