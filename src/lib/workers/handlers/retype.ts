// 'retype': store a copy of a dataset with some columns converted to
// user-chosen types. Runs in the compute worker.

import { retypeTable, type RetypeReport } from '../../engine/data/retype';
import { EngineError } from '../../engine/data/table';
import { loadTable, store, withFreeName, type ComputeHandler } from './common';

/**
 * Applies the overrides in order to the stored dataset and stores the result
 * as a new dataset (under a free name) that records where it came from; the
 * original is kept, so a later change of mind starts again from the file's
 * own values.
 */
export const retype: ComputeHandler<'retype'> = async (params, context) => {
  const storage = await context.storage();
  const base = await storage.getDataset(params.datasetId);
  if (!base) throw new EngineError('storage.not-found');
  let table = await loadTable(params.datasetId, context);
  context.progress.stage('retype');
  const reports: RetypeReport[] = [];
  for (const [i, override] of params.overrides.entries()) {
    await context.progress.report(i, params.overrides.length);
    const result = retypeTable(table, override);
    table = result.table;
    reports.push(result.report);
  }
  const overrides = Object.fromEntries(params.overrides.map((o) => [o.column, o.type]));
  const meta = await withFreeName(
    params.name,
    context,
    (name) =>
      store(
        table,
        {
          name,
          source: { kind: 'retyped', from: base.id, overrides, reports },
          ...(base.ingest ? { ingest: base.ingest } : {}),
        },
        context,
      ),
    params.replaces,
  );
  return { meta, reports };
};
