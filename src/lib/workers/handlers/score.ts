// 'score': a Score cell's scored list — the dataset with each row's
// probability, risk decile, band and top reasons (engine/models/scoredTable.ts)
// — stored as a derived dataset of the cell, or the one stored for the same
// dataset, model and options reused. Runs in the compute worker.

import { scoredTable } from '../../engine/models/scoredTable';
import { derivedDataset, derivedKey, loadTable, type ComputeHandler } from './common';
import { previewOf } from './preview';

/** Rows of the scored list sent back with it, for its preview. */
export const SCORE_PREVIEW_ROWS = 20;

export const score: ComputeHandler<'score'> = async (params, context) => {
  const { notebook, cell, datasetId, model, options } = params;
  const storage = await context.storage();
  const key = await derivedKey([datasetId], { model, options });
  const { meta } = await derivedDataset({ notebook, cell, key }, context, async () => {
    const source = await storage.getDataset(datasetId);
    const table = await loadTable(datasetId, context);
    context.progress.stage('score');
    const scored = await scoredTable(table, model, options, context.progress);
    return {
      table: scored.table,
      name: `${source?.name ?? 'data'}_scored`,
      // The summary travels with the stored dataset, so a reused one still has it.
      report: { summary: JSON.stringify(scored.summary) },
    };
  });
  const table = await loadTable(meta.id, context);
  return {
    dataset: meta,
    summary: JSON.parse(String(meta.source.kind === 'derived' ? meta.source.report.summary : '{}')),
    preview: previewOf(table, SCORE_PREVIEW_ROWS),
  };
};
