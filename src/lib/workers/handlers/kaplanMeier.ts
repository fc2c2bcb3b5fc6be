// 'kaplan-meier': Kaplan–Meier curves of a stored dataset, one per group.
// Runs in the compute worker.

import { kaplanMeierByGroup } from '../../engine/survival/kaplanMeier';
import { survivalInputs } from '../../engine/survival/prepare';
import type { SurvivalResult } from '../protocol';
import { transferring } from '../transfer';
import { loadTable, type ComputeHandler } from './common';

export const kaplanMeier: ComputeHandler<'kaplan-meier'> = async (params, context) => {
  const table = await loadTable(params.datasetId, context);
  await context.progress.report(0, 1);
  const inputs = survivalInputs(table, params.settings);
  const curves = kaplanMeierByGroup(
    inputs.time,
    inputs.event,
    inputs.groupCodes,
    inputs.groupNames,
    params.settings.options,
  );
  await context.progress.report(1, 1);
  const result: SurvivalResult = { curves, excluded: inputs.excluded };
  // Each curve's arrays are made for it (never views of the cached table's
  // columns, which `inputs` may be), so they can move; a curve has as many
  // rows as distinct times, up to the table's row count.
  const arrays = curves.flatMap((c) => [
    c.time,
    c.nRisk,
    c.nEvent,
    c.nCensor,
    c.survival,
    c.stdErr,
    c.lower,
    c.upper,
  ]);
  return transferring(result, arrays);
};
