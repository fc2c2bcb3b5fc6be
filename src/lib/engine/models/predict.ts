// Probabilities of either kind of churn model (./churnModel.ts) for a design
// matrix: the Evaluate cell's scores on held-out rows, k-fold reports.
// Pure; runs in Node and the workers.

import type { ChurnModel } from './churnModel';
import { probabilities as networkProbabilities } from './network/forward';
import { predict } from './train';
import type { Design } from './types';

/** P(positive) of each design row, the model's prior correction included. */
export function probabilities(design: Design, model: ChurnModel): Float64Array {
  return model.format === 'lifecycle-lab.logistic'
    ? predict(design, model)
    : networkProbabilities(design, model);
}
