// Every model evaluated in a notebook, side by side: one row per model of
// every Evaluate cell that has a result, with the rows it was evaluated on
// and its headline metrics. The page shows it under the cells
// (./NotebookMetrics.svelte) and the headless runner writes it to
// index.json, from this one function. Pure.
//
// Rows of different Evaluate cells are not always comparable (validation vs
// test rows, another split): each row says which rows it was measured on.

import type { EvaluationResult, ModelEvaluation } from '../../engine/evaluate/report';
import { definitionFor, type Cell, type CellKind } from '../registry';

/** The metrics a comparison shows; null where a metric does not apply (see ModelEvaluation). */
export interface HeadlineMetrics {
  auc: number;
  aucLower: number | null;
  aucUpper: number | null;
  averagePrecision: number;
  ks: number;
  brier: number | null;
  logLoss: number | null;
  ece: number | null;
  /** Lift of the first decile of the gains table (the tenth scored highest). */
  topDecileLift: number | null;
}

export interface ComparedModel {
  /** The cell that produced the scores: a model cell, or a cell whose dataset holds a score. */
  model: { cell: string; position: number; kind: CellKind };
  /** The score column, for an evaluation of a scored dataset. */
  scoreColumn: string | null;
  /** The Evaluate cell, and the rows it evaluated on. */
  evaluation: { cell: string; position: number; rows: 'validation' | 'test' | 'folds' | 'scored' };
  rows: number;
  positives: number;
  metrics: HeadlineMetrics;
}

export function headlineMetrics(m: ModelEvaluation): HeadlineMetrics {
  return {
    auc: m.auc,
    aucLower: m.aucLower,
    aucUpper: m.aucUpper,
    averagePrecision: m.averagePrecision,
    ks: m.ks,
    brier: m.brier,
    logLoss: m.logLoss,
    ece: m.ece,
    topDecileLift: m.gains[0]?.lift ?? null,
  };
}

/**
 * The comparison of a notebook's cells, in notebook order. `resultOf` gives
 * an Evaluate cell's current result (null while it has none); a result whose
 * models no longer match the cell's inputs (it is being re-run) is skipped.
 */
export function modelComparison(
  cells: readonly Cell[],
  resultOf: (cellId: string) => EvaluationResult | null,
): ComparedModel[] {
  const position = new Map(cells.map((c, i) => [c.id, i + 1]));
  const rows: ComparedModel[] = [];
  cells.forEach((cell, i) => {
    if (cell.kind !== 'evaluate') return;
    const result = resultOf(cell.id);
    if (!result) return;
    const s = cell.settings;
    const ids = [s.model, ...s.compare];
    if (ids.length !== result.models.length) return;
    const first = cells.find((c) => c.id === s.model);
    // As the cell itself tells them apart: a dataset input is a scored dataset.
    const scored = first !== undefined && definitionFor(first).output === 'dataset';
    result.models.forEach((m, j) => {
      const id = ids[j];
      const source = id === null ? undefined : cells.find((c) => c.id === id);
      if (!source) return;
      rows.push({
        model: { cell: source.id, position: position.get(source.id)!, kind: source.kind },
        scoreColumn: scored ? s.score : null,
        evaluation: { cell: cell.id, position: i + 1, rows: scored ? 'scored' : s.rows },
        rows: result.rows,
        positives: result.positives,
        metrics: headlineMetrics(m),
      });
    });
  });
  return rows;
}
