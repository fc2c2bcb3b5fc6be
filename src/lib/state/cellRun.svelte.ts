// The run state of one cell: status, progress, result or error.
// Latest run wins: starting a run aborts the previous one, and a superseded
// run's result or error is dropped.

import type { WorkerError } from '../workers/protocol';

export type RunStatus = 'idle' | 'waiting' | 'running' | 'done' | 'error';

export class CellRun {
  status = $state<RunStatus>('idle');
  progress = $state<{ done: number; total: number } | null>(null);
  result = $state.raw<unknown>(null);
  error = $state.raw<WorkerError | null>(null);
  #controller: AbortController | null = null;

  /** Start a run; `work` gets an AbortSignal and a progress callback. */
  async run<T>(
    work: (
      signal: AbortSignal,
      onProgress: (p: { done: number; total: number }) => void,
    ) => Promise<T>,
  ): Promise<T | undefined> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = 'running';
    this.progress = null;
    this.error = null;
    try {
      const result = await work(controller.signal, (p) => {
        if (this.#controller === controller) this.progress = { done: p.done, total: p.total };
      });
      if (this.#controller !== controller) return undefined;
      this.result = result;
      this.status = 'done';
      return result;
    } catch (error) {
      if (this.#controller !== controller) return undefined;
      this.error = asWorkerError(error);
      this.status = 'error';
      return undefined;
    } finally {
      if (this.#controller === controller) {
        this.#controller = null;
        this.progress = null;
      }
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }

  /** The cell cannot run yet (no input); forget any earlier result. */
  wait(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.status = 'waiting';
    this.result = null;
    this.error = null;
    this.progress = null;
  }
}

/** Any thrown value as an error the UI can translate. */
export function asWorkerError(error: unknown): WorkerError {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    const params =
      'params' in error && error.params && typeof error.params === 'object'
        ? (error.params as Record<string, string | number>)
        : {};
    const detail = 'detail' in error && typeof error.detail === 'string' ? error.detail : undefined;
    return { code: error.code, params, detail };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'error.internal', params: { message }, detail: message };
}
