// 'rfm': an RFM cell's scores of a transaction log on a stored dataset
// (engine/lifecycle/transactions.ts, engine/lifecycle/rfm.ts): the
// per-segment summary and R × F grid for the page, and the per-customer
// dataset stored as a derived dataset of the cell (or the one already stored
// reused), with a preview of its first rows. Runs in the compute worker.

import { rfm as scoreRfm, rfmTable } from '../../engine/lifecycle/rfm';
import { asOfDayOf, readTransactionLog } from '../../engine/lifecycle/transactions';
import { transferring } from '../transfer';
import type { RfmSummary } from '../protocol';
import { derivedDataset, derivedKey, loadTable, type ComputeHandler } from './common';
import { previewOf } from './preview';

/** Rows of the per-customer dataset sent back for the cell's preview. */
export const RFM_PREVIEW_ROWS = 20;

export const rfm: ComputeHandler<'rfm'> = async (params, context) => {
  const { notebook, cell, datasetId, settings } = params;
  const table = await loadTable(datasetId, context);
  context.progress.stage('rfm');
  const log = readTransactionLog(table, settings.log.columns, settings.log.returns);
  const result = await scoreRfm(
    log,
    {
      asOfDay: asOfDayOf(log, settings.log.asOf),
      frequency: settings.frequency,
      monetary: settings.monetary,
      scoring: settings.scoring,
      weights: settings.weights,
      rules: settings.rules,
    },
    context.progress,
  );
  const storage = await context.storage();
  const key = await derivedKey([datasetId], settings);
  const { meta, reused } = await derivedDataset({ notebook, cell, key }, context, async () => {
    const source = await storage.getDataset(datasetId);
    return {
      table: rfmTable(result, log.customers, settings.log.columns.customer, settings.segmentNames),
      name: `${source?.name ?? 'dataset'}_rfm`,
      report: { customers: result.customer.length },
    };
  });
  const summary: RfmSummary = {
    asOfDay: result.asOfDay,
    bins: result.bins,
    tied: result.tied,
    hasAmount: result.hasAmount,
    segments: result.segments,
    grid: result.grid,
    customers: result.customer.length,
    names: settings.segmentNames,
  };
  const preview = previewOf(await loadTable(meta.id, context), RFM_PREVIEW_ROWS);
  return transferring({ summary, report: log.report, dataset: meta, reused, preview }, [
    summary.grid.count,
    summary.grid.meanMonetary,
  ]);
};
