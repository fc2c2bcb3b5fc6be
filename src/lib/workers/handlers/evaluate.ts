// 'evaluate': an Evaluate cell's measures of one or more models on held-out
// rows, or of a scored dataset's score column (engine/evaluate/report.ts).
// Runs in the compute worker.

import { evaluateOn } from '../../engine/evaluate/report';
import { loadTable, type ComputeHandler } from './common';

export const evaluate: ComputeHandler<'evaluate'> = async (params, context) => {
  const table = await loadTable(params.source.datasetId, context);
  context.progress.stage('evaluate');
  return evaluateOn(table, params, context.progress);
};
