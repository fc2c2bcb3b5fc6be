// 'fit-logistic': a Model cell's logistic regression on a stored dataset
// (engine/models/train.ts). Runs in the compute worker.

import { trainLogistic } from '../../engine/models/train';
import { loadTable, type ComputeHandler } from './common';

export const fitLogistic: ComputeHandler<'fit-logistic'> = async (params, context) => {
  const table = await loadTable(params.datasetId, context);
  context.progress.stage('fit');
  return trainLogistic(table, params.datasetId, params.spec, context.progress);
};
