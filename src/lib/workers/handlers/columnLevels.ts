// 'column-levels': the most frequent values of some columns of a stored
// dataset, for the menus that choose a target's positive class and a
// feature's reference level. Runs in the compute worker.

import { columnLevels as levelsOf } from '../../engine/data/levels';
import { loadTable, type ComputeHandler } from './common';

export const columnLevels: ComputeHandler<'column-levels'> = async (params, context) => {
  const table = await loadTable(params.datasetId, context);
  return params.columns.map((column) => levelsOf(table, column, params.limit));
};
