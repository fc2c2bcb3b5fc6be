// 'fit-personas': a Personas cell's k sweep, fit and profile
// (engine/models/personas.ts) on a stored dataset, and the input with each
// row's persona name as a new column stored as a derived dataset of the cell.
// Runs in the compute worker.
//
// Renaming a persona must not refit: the fit depends on the dataset and the
// fit settings only, so the last few fits are kept here, in the worker's
// memory, under a key of those alone. A rename is a new job (the names are in
// its params, so the result and the dataset are keyed by them) that finds
// its fit here and only writes the column again. After a reload the fit is
// recomputed once (the same seed gives the same clusters).

import { contentKey } from '../../notebook/key';
import {
  freeColumnName,
  personaNames,
  personasReport,
  withPersonaColumn,
  type PersonasReport,
} from '../../engine/models/personas';
import { derivedDataset, derivedKey, loadTable, type ComputeHandler } from './common';
import { previewOf } from './preview';

/** Rows of the new dataset sent back for the cell's preview. */
export const PERSONAS_PREVIEW_ROWS = 20;
/** Fits kept for renames (each holds an Int32Array of the table's rows). */
const KEPT_FITS = 4;
const fits = new Map<string, PersonasReport>();

export const fitPersonas: ComputeHandler<'fit-personas'> = async (params, context) => {
  const { notebook, cell, datasetId, settings } = params;
  const table = await loadTable(datasetId, context);
  const fitKey = await contentKey({ datasetId, settings });
  let report = fits.get(fitKey);
  if (!report) {
    context.progress.stage('fit');
    report = await personasReport(table, settings, context.progress);
    fits.set(fitKey, report);
    while (fits.size > KEPT_FITS) fits.delete(fits.keys().next().value!);
  }
  const names = personaNames(report.k, params.names);
  const column = freeColumnName(table, 'persona');
  const key = await derivedKey([datasetId], { settings, names });
  const storage = await context.storage();
  const { meta, reused } = await derivedDataset({ notebook, cell, key }, context, async () => {
    const input = await storage.getDataset(datasetId);
    return {
      table: withPersonaColumn(table, report.labels, names, column),
      name: `${input?.name ?? datasetId}_personas`,
      report: { k: report.k, rows: report.rows, excluded: report.excluded },
    };
  });
  const { labels: _, ...summary } = report;
  const preview = previewOf(await loadTable(meta.id, context), PERSONAS_PREVIEW_ROWS);
  return { report: summary, names, column, dataset: meta, reused, preview };
};
