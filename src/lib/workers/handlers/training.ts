// The training worker's handler registry: one handler per request type of
// TrainingRequests, each in its own file here. Runs in the training worker
// (../training.worker.ts) and in Node (the headless runner). Handlers load
// on their first request, so TF.js is not loaded where nothing trains.

import type { HandlerRegistry } from '../host';
import type { TrainingRequests } from '../protocol';
import type { TrainingContext } from './trainingContext';

export const TRAINING_HANDLERS: HandlerRegistry<TrainingRequests, TrainingContext> = {
  'train-network': async (params, context) =>
    (await import('./trainNetwork')).trainNetworkHandler(params, context),
};
