// 'train-network': a Network cell's network on a stored dataset
// (engine/models/network/trainNetwork.ts), with one event per epoch. Runs in
// the training worker.

import { trainNetwork } from '../../engine/models/network/trainNetwork';
import type { Handler } from '../host';
import type { TrainingRequests } from '../protocol';
import { loadTable } from './common';
import type { TrainingContext } from './trainingContext';

export const trainNetworkHandler: Handler<
  TrainingRequests,
  'train-network',
  TrainingContext
> = async (params, context) => {
  const backend = await context.backend();
  const table = await loadTable(params.datasetId, context);
  context.progress.stage('train');
  return trainNetwork(table, params.datasetId, params.spec, {
    progress: context.progress,
    emit: (event) => context.emit(event),
    // A pause waits for the epoch's end (a step is then one whole epoch); a cancel gets in between batches.
    checkpoint: () => context.checkpoint(false),
    boundary: () => context.boundary(),
    adjustments: () => context.adjustments(),
    get stopped() {
      return context.stopped;
    },
    backend,
  });
};
