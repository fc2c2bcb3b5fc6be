// A churn model of either kind — a logistic regression (./types.ts) or a
// network (./network/types.ts) — as the cells that only use a model see it,
// and the one place that tells the kinds apart by their format tag. Pure and
// light (types and a guard only), so the page's cell definitions can read a
// model without loading the engine; ./predict.ts scores either kind.

import type { NetworkModel } from './network/types';
import type { LogisticModel } from './types';

export type ChurnModel = LogisticModel | NetworkModel;

/** The model a value holds (a cell's result's `model`), or null when it holds none. */
export function asChurnModel(value: unknown): ChurnModel | null {
  const format = (value as { format?: unknown } | null | undefined)?.format;
  return format === 'lifecycle-lab.logistic' || format === 'lifecycle-lab.network'
    ? (value as ChurnModel)
    : null;
}
