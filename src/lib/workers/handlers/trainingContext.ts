// What the training worker's handlers share: the compute worker's context
// (storage, the table cache: datasets are read from the one storage module)
// and the TF.js backend, initialised on the first request and then kept.
// TF.js itself is imported only then, so code that merely could train (the
// headless runner) does not load it. Runs in the training worker and in
// Node (the headless runner, tests).

import type { BackendOptions } from '../../engine/models/network/backend';
import { createSharedContext, type SharedContext } from './common';

export interface TrainingContext extends SharedContext {
  /** The backend in use, and why not the preferred one (null when it is). */
  backend(): Promise<{ name: string; fallback: string | null }>;
}

export function createTrainingContext(
  backend: BackendOptions,
  shared: Parameters<typeof createSharedContext>[0] = {},
): TrainingContext {
  let ready: Promise<{ name: string; fallback: string | null }> | null = null;
  return {
    ...createSharedContext(shared),
    backend: () =>
      (ready ??= import('../../engine/models/network/backend').then(async ({ initBackend }) => {
        const b = await initBackend(backend);
        return { name: b.backend, fallback: b.fallback };
      })),
  };
}
