// 'cumulative-incidence': a Competing risks cell's report on a stored
// dataset — cumulative incidence per cause and group with Gray's test, the
// naive 1 − KM of each cause beside it, both read at a few times
// (engine/survival/competingReport.ts). Runs in the compute worker.

import { competingReport } from '../../engine/survival/competingReport';
import { transferring } from '../transfer';
import { loadTable, type ComputeHandler } from './common';

export const cumulativeIncidence: ComputeHandler<'cumulative-incidence'> = async (
  params,
  context,
) => {
  const table = await loadTable(params.datasetId, context);
  await context.progress.report(0, 1);
  const report = competingReport(table, params.settings);
  await context.progress.report(1, 1);
  // Every curve's arrays are made for it (none is a view of the cached table).
  const arrays = [
    ...report.curves.flatMap((c) => [c.time, c.estimate, c.variance]),
    ...report.naive.flatMap((c) => [c.time, c.estimate]),
  ];
  return transferring(report, arrays);
};
