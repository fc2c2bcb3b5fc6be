// 'fit-survreg': a Parametric survival cell's four accelerated failure time
// fits on a stored dataset (engine/survival/parametricReport.ts), progress
// reported per fit. Runs in the compute worker.

import { parametricReport } from '../../engine/survival/parametricReport';
import { transferring } from '../transfer';
import { loadTable, type ComputeHandler } from './common';

export const fitSurvreg: ComputeHandler<'fit-survreg'> = async (params, context) => {
  const table = await loadTable(params.datasetId, context);
  context.progress.stage('fit');
  const report = await parametricReport(table, params.settings, context.progress);
  // Every array here is made by the report (none is a view of the cached table).
  const km = report.km;
  const arrays = [
    km.time,
    km.nRisk,
    km.nEvent,
    km.nCensor,
    km.survival,
    km.stdErr,
    km.lower,
    km.upper,
    report.grid,
    ...report.fits.flatMap((f) => (f.status === 'fitted' ? [f.curve, f.fit.covariance] : [])),
  ];
  return transferring(report, arrays);
};
