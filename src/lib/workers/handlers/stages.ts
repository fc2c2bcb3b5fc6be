// 'lifecycle-stages': a Lifecycle stages cell's stages on a stored dataset —
// a transaction log (engine/lifecycle/transactions.ts) or a customer /
// policy table — at an as-of day (engine/lifecycle/stages.ts), and its
// per-customer dataset stored as a derived dataset of the cell (or the one
// already stored reused): a log's customers with their summary and stage,
// or the table with a stage column. Runs in the compute worker.

import {
  stagesOfLog,
  stagesOfTable,
  stagesTable,
  STAGE_COLUMN,
  tableAsOfDay,
  withStageColumn,
} from '../../engine/lifecycle/stages';
import { asOfDayOf, readTransactionLog } from '../../engine/lifecycle/transactions';
import { freeColumnName } from '../../engine/models/personas';
import { parseIsoDate } from '../../engine/prepare/common';
import { DAY_MS } from '../../engine/units';
import type { DataTable } from '../../engine/data/table';
import { transferring } from '../transfer';
import type { StagesJobSettings } from '../protocol';
import { derivedDataset, derivedKey, loadTable, type ComputeHandler } from './common';
import { previewOf } from './preview';

/** Rows of the per-customer dataset sent back for the cell's preview. */
export const STAGES_PREVIEW_ROWS = 20;

const dayOf = (iso: string) => Math.floor(parseIsoDate(iso, 'asOf') / DAY_MS);

export const lifecycleStages: ComputeHandler<'lifecycle-stages'> = async (params, context) => {
  const { notebook, cell, datasetId, settings } = params;
  const table = await loadTable(datasetId, context);
  context.progress.stage('stages');
  const { result, report, output } = await compute(table, settings, context.progress);
  const storage = await context.storage();
  const key = await derivedKey([datasetId], settings);
  const { meta, reused } = await derivedDataset({ notebook, cell, key }, context, async () => {
    const source = await storage.getDataset(datasetId);
    return {
      table: output(),
      name: `${source?.name ?? 'dataset'}_stages`,
      report: { customers: result.customers, excluded: result.excluded },
    };
  });
  const preview = previewOf(await loadTable(meta.id, context), STAGES_PREVIEW_ROWS);
  const { perCustomer: _, ...summary } = result;
  const arrays: ArrayBufferView[] = [summary.counts, summary.revenue];
  if (summary.snapshots) {
    const { days, counts, churn } = summary.snapshots;
    arrays.push(days, counts, ...(churn ? Object.values(churn) : []));
  }
  if (summary.transition) arrays.push(summary.transition.counts);
  return transferring({ summary, report, dataset: meta, reused, preview }, arrays);
};

async function compute(
  table: DataTable,
  settings: StagesJobSettings,
  progress: Parameters<typeof stagesOfLog>[3],
) {
  const fromDay = settings.from === null ? null : dayOf(settings.from);
  if (settings.source.mode === 'log') {
    const job = settings.source.log;
    const log = readTransactionLog(table, job.columns, job.returns);
    const asOfDay = asOfDayOf(log, job.asOf);
    const result = await stagesOfLog(log, settings.rules, { asOfDay, fromDay }, progress);
    return {
      result,
      report: log.report,
      output: () => stagesTable(result, log.customers, job.columns.customer),
    };
  }
  const { columns, asOf } = settings.source.table;
  const asOfDay = asOf === null ? tableAsOfDay(table, columns) : dayOf(asOf);
  const result = await stagesOfTable(table, columns, settings.rules, asOfDay, progress);
  return {
    result,
    report: null,
    output: () => withStageColumn(table, result, freeColumnName(table, STAGE_COLUMN)),
  };
}
