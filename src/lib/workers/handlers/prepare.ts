// 'prepare': run a Prepare cell's step on its input dataset(s) and store the
// result as a derived dataset of that cell, or reuse the one already stored.
// Runs in the compute worker.

import * as prep from '../../engine/prepare';
import { EngineError, type DataTable } from '../../engine/data/table';
import type { PrepareStep } from '../../notebook/document';
import { derivedDataset, derivedKey, loadTable, type ComputeHandler } from './common';
import { previewOf } from './preview';

/** Rows of a Prepare cell's result sent back with it, for its preview. */
export const PREPARE_PREVIEW_ROWS = 20;

/**
 * Runs a Prepare step, or reuses its stored result. The stored result is found
 * by the cell (notebook + cell id) and a key hashed from the inputs and the
 * step, so a reload or an unchanged re-run costs one load, not a recompute.
 * Results of the cell's earlier settings are deleted only after the new one is
 * stored, so a failure leaves the last good result in place.
 */
export const prepare: ComputeHandler<'prepare'> = async (params, context) => {
  const { notebook, cell, inputs, step } = params;
  const wanted = step.op === 'join' ? 2 : 1;
  if (inputs.length !== wanted) {
    throw new EngineError('prepare.invalid-setting', { setting: 'inputs', value: inputs.length });
  }
  const storage = await context.storage();
  const key = await derivedKey(inputs, step);
  const { meta, reused } = await derivedDataset({ notebook, cell, key }, context, async () => {
    const metas = await Promise.all(inputs.map((id) => storage.getDataset(id)));
    const missing = inputs.find((_, i) => !metas[i]);
    if (missing !== undefined) throw new EngineError('storage.not-found', { datasetId: missing });
    const tables = await Promise.all(inputs.map((id) => loadTable(id, context)));
    context.progress.stage('prepare');
    await context.progress.report(0, 1);
    const result = runStep(step, tables);
    await context.progress.report(1, 1);
    return { table: result.table, name: `${metas[0]!.name}_${step.op}`, report: result.report };
  });
  const report = meta.source.kind === 'derived' ? meta.source.report : {};
  const shown = previewOf(await loadTable(meta.id, context), PREPARE_PREVIEW_ROWS);
  return { dataset: meta, report, reused, preview: shown };
};

/** The engine transform for a step; the step's fields other than `op` are its settings. */
export function runStep(step: PrepareStep, tables: DataTable[]): prep.TransformResult {
  const [table] = tables;
  switch (step.op) {
    case 'drop-duplicates': {
      const { op: _, ...settings } = step;
      return prep.dropDuplicates(table, settings);
    }
    case 'filter': {
      const { op: _, ...settings } = step;
      return prep.filterRows(table, settings);
    }
    case 'select': {
      const { op: _, ...settings } = step;
      return prep.selectColumns(table, settings);
    }
    case 'impute': {
      const { op: _, ...settings } = step;
      return prep.impute(table, settings);
    }
    case 'cap-outliers': {
      const { op: _, ...settings } = step;
      return prep.capOutliers(table, settings);
    }
    case 'scale': {
      const { op: _, ...settings } = step;
      return prep.scale(table, settings);
    }
    case 'one-hot': {
      const { op: _, ...settings } = step;
      return prep.oneHot(table, settings);
    }
    case 'ordinal': {
      const { op: _, ...settings } = step;
      return prep.ordinalEncode(table, settings);
    }
    case 'bin': {
      const { op: _, ...settings } = step;
      return prep.binColumn(table, settings);
    }
    case 'derive': {
      const { op: _, ...settings } = step;
      return prep.deriveColumn(table, settings);
    }
    case 'duration': {
      const { op: _, ...settings } = step;
      return prep.datesToDuration(table, settings);
    }
    case 'join': {
      const { op: _, right: _right, ...settings } = step;
      return prep.joinTables(table, tables[1], settings);
    }
    case 'aggregate': {
      const { op: _, ...settings } = step;
      return prep.aggregateByKey(table, settings);
    }
    default:
      throw new EngineError('prepare.invalid-setting', {
        setting: 'op',
        value: String((step as { op: unknown }).op),
      });
  }
}
