// 'forecast': a Survival forecast cell's per-customer forecasts — a Cox or
// parametric model applied to a dataset, conditional on the tenure reached
// (engine/survival/forecast.ts) — stored as a derived dataset of the cell
// (the input's columns and the forecast columns), or the one stored for the
// same dataset, model and options reused, with its report and a preview.
// Runs in the compute worker.

import { forecastTable, type ForecastReport } from '../../engine/survival/forecast';
import { derivedDataset, derivedKey, loadTable, type ComputeHandler } from './common';
import { previewOf } from './preview';

/** Rows of the forecast dataset sent back for the cell's preview. */
export const FORECAST_PREVIEW_ROWS = 20;

export const forecast: ComputeHandler<'forecast'> = async (params, context) => {
  const { notebook, cell, datasetId, model, options } = params;
  const storage = await context.storage();
  const key = await derivedKey([datasetId], { model, options });
  const { meta, reused } = await derivedDataset({ notebook, cell, key }, context, async () => {
    const source = await storage.getDataset(datasetId);
    const table = await loadTable(datasetId, context);
    context.progress.stage('forecast');
    const made = await forecastTable(table, model, options, context.progress);
    return {
      table: made.table,
      name: `${source?.name ?? 'data'}_forecast`,
      // The report travels with the stored dataset, so a reused one still has it.
      report: { forecast: JSON.stringify(made.report) },
    };
  });
  const report = JSON.parse(
    String(meta.source.kind === 'derived' ? meta.source.report.forecast : 'null'),
  ) as ForecastReport;
  const preview = previewOf(await loadTable(meta.id, context), FORECAST_PREVIEW_ROWS);
  return { report, dataset: meta, reused, preview };
};
