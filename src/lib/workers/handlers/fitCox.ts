// 'fit-cox': a Cox model cell's coxph fit on a stored dataset, with its PH
// check, stored model, profile curves and preview
// (engine/survival/coxReport.ts), progress reported per step. Runs in the
// compute worker.

import { coxReport } from '../../engine/survival/coxReport';
import { transferring } from '../transfer';
import { loadTable, type ComputeHandler } from './common';

export const fitCox: ComputeHandler<'fit-cox'> = async (params, context) => {
  const table = await loadTable(params.datasetId, context);
  context.progress.stage('fit');
  const report = await coxReport(table, params.settings, context.progress);
  // Every array here is made by the report (none is a view of the cached table).
  const { fit, zph } = report;
  const arrays = [
    fit.covariance,
    fit.means,
    ...(fit.ridge ? [fit.ridge.var2] : []),
    ...(zph.status === 'checked' ? [zph.time, zph.x, ...zph.residuals.map((r) => r.values)] : []),
    ...report.profiles.flatMap((c) => (c.status === 'predicted' ? [c.time, c.survival] : [])),
  ];
  return transferring(report, arrays);
};
