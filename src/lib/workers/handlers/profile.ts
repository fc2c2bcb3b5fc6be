// 'profile': column profiles with data-quality warnings. Runs in the compute
// worker; the result is small and plain, so it is copied.

import { profileTable } from '../../engine/data/profile';
import { asOfInstant } from '../../engine/data/quality';
import { loadTable, type ComputeHandler } from './common';

export const profile: ComputeHandler<'profile'> = async (params, context) => {
  const asOf = asOfInstant(params.asOf, Date.now());
  const table = await loadTable(params.datasetId, context);
  // The ingest's per-column inference tells a demoted (mixed-type) column.
  const meta = await (await context.storage()).getDataset(params.datasetId);
  return profileTable(table, context.progress, {
    target: params.target ?? null,
    asOf,
    inference: meta?.ingest?.inference,
  });
};
