// 'cohort-retention': a Cohorts cell's retention grid on a stored dataset —
// a transaction log (engine/lifecycle/transactions.ts) or a policy table —
// by cohort and period since start, with revenue (engine/lifecycle/cohorts.ts),
// and its per-customer dataset (cohort, start, periods active …) stored as a
// derived dataset of the cell, or the one already stored reused. Runs in
// the compute worker.

import {
  cohortRetention as retentionOfLog,
  memberTable,
  policyAsOfDay,
  policyRetention,
  type CohortRetention,
} from '../../engine/lifecycle/cohorts';
import { asOfDayOf, readTransactionLog, type LogReport } from '../../engine/lifecycle/transactions';
import { parseIsoDate } from '../../engine/prepare/common';
import { DAY_MS } from '../../engine/units';
import type { DataTable } from '../../engine/data/table';
import { transferring } from '../transfer';
import type { CohortJobSettings } from '../protocol';
import { derivedDataset, derivedKey, loadTable, type ComputeHandler } from './common';

/** The grid as the page receives it: the per-customer arrays stay in the stored dataset. */
export type CohortGrid = Omit<CohortRetention, 'perMember'>;

export const cohortRetention: ComputeHandler<'cohort-retention'> = async (params, context) => {
  const { notebook, cell, datasetId, settings } = params;
  const table = await loadTable(datasetId, context);
  context.progress.stage('cohorts');
  const { retention, labels, idName, report } = await compute(table, settings, context.progress);
  const storage = await context.storage();
  const key = await derivedKey([datasetId], settings);
  const { meta, reused } = await derivedDataset({ notebook, cell, key }, context, async () => {
    const source = await storage.getDataset(datasetId);
    return {
      table: memberTable(retention, labels, idName),
      name: `${source?.name ?? 'dataset'}_cohorts`,
      report: { members: retention.members, excluded: retention.excluded },
    };
  });
  const { perMember: _, ...grid } = retention;
  const result = { grid: grid as CohortGrid, report, dataset: meta, reused };
  return transferring(result, [
    grid.cohortStart,
    grid.size,
    grid.retained,
    grid.state,
    grid.average,
    grid.revenue,
    grid.periodState,
    grid.averageRevenue,
  ]);
};

async function compute(
  table: DataTable,
  settings: CohortJobSettings,
  progress: Parameters<typeof retentionOfLog>[2],
) {
  const options = {
    period: settings.period,
    counting: settings.counting,
    kind: settings.kind,
    brackets: settings.brackets,
  };
  if (settings.source.mode === 'log') {
    const { log: job } = settings.source;
    const log = readTransactionLog(table, job.columns, job.returns);
    const asOfDay = asOfDayOf(log, job.asOf);
    const retention = await retentionOfLog(log, { ...options, asOfDay }, progress);
    return {
      retention,
      labels: log.customers,
      idName: job.columns.customer,
      report: log.report as LogReport | null,
    };
  }
  const { policy } = settings.source;
  const asOfDay =
    policy.asOf === null
      ? policyAsOfDay(table, policy.columns)
      : Math.floor(parseIsoDate(policy.asOf, 'asOf') / DAY_MS);
  const { retention, ids } = await policyRetention(
    table,
    policy.columns,
    { ...options, kind: 'n-period', asOfDay },
    progress,
  );
  // memberTable reads labels by each member's table row.
  const labels: string[] = new Array(table.rowCount);
  retention.perMember.index.forEach((row, i) => (labels[row] = ids[i]));
  return { retention, labels, idName: policy.columns.id, report: null };
}
