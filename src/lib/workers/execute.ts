// Where a cell's job runs: a training request (TRAINING_REQUESTS) in the
// training worker, every other in the compute worker. Runs on the page and in
// Node (the headless runner, with in-process workers). The runner's options
// reach the worker's contract: its signal cancels, its events arrive in
// order, and the job's controls (pause, resume, step, stop, adjust) are
// handed back to the runner once the request is sent. A crashed training
// worker fails its job with a message of its own; the owner's `training()`
// starts a new worker for the next one.

import type { JobOptions } from '../notebook/runner';
import { WorkerRequestError, type WorkerClient } from './client';
import {
  isTrainingRequest,
  type ComputeRequests,
  type RequestType,
  type TrainingRequests,
} from './protocol';

export interface JobWorkers {
  compute: WorkerClient<ComputeRequests>;
  /** The training worker's client, started on first use (TF.js loads only when a network trains). */
  training: () => WorkerClient<TrainingRequests>;
}

export function executeJob(
  workers: JobWorkers,
  job: { request: RequestType; params: unknown },
  options: JobOptions,
): Promise<unknown> {
  const { signal, onProgress, onEvent } = options;
  // The params were typed by the cell kind's job() for this request; the
  // union of two maps is more than the compiler can follow here.
  const started = isTrainingRequest(job.request)
    ? workers
        .training()
        .start(job.request, job.params as never, { signal, onProgress, onEvent: onEvent as never })
    : workers.compute.start(job.request as keyof ComputeRequests, job.params as never, {
        signal,
        onProgress,
      });
  options.attach(started);
  if (!isTrainingRequest(job.request)) return started.result;
  // Said in the training's own words: what was lost, and that Run starts a new worker.
  return started.result.catch((error: unknown) => {
    if (error instanceof WorkerRequestError && error.code === 'error.worker-crashed')
      throw new WorkerRequestError('training.worker-crashed', {}, error.detail);
    throw error;
  });
}
