// The page's side of the compute worker: typed requests that resolve with the
// worker's result. Runs on the page (see ./protocol.ts for the contract).
//
// One listener per event is attached in the constructor and pending requests
// are kept by id, so nothing is added per call. Aborting a request's signal
// sends `cancel` and rejects it at once with code 'cancelled'; a reply that
// still arrives for it is ignored.

import {
  assertNever,
  type FromWorker,
  type Requests,
  type RequestType,
  type ToWorker,
} from './protocol';

/** A failed request: `code` is a message-catalogue key (or 'cancelled'), `params` fill it. */
export class WorkerRequestError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'WorkerRequestError';
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof WorkerRequestError && error.code === 'cancelled';
}

export interface RequestProgress {
  done: number;
  total: number;
  stage?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RequestProgress) => void;
  /** Buffers in `params` to hand over rather than copy (they become unusable here). */
  transfer?: Transferable[];
}

/** The part of Worker the client uses; tests pass an in-process fake. */
export interface WorkerLike {
  postMessage(message: ToWorker, transfer: Transferable[]): void;
  addEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: Event) => void,
  ): void;
  removeEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: Event) => void,
  ): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: WorkerRequestError): void;
  onProgress?: (progress: RequestProgress) => void;
}

export class ComputeClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(private readonly worker: WorkerLike) {
    worker.addEventListener('message', this.onMessage);
    worker.addEventListener('error', this.onCrash);
    worker.addEventListener('messageerror', this.onCrash);
  }

  request<K extends RequestType>(
    type: K,
    params: Requests[K]['params'],
    options: RequestOptions = {},
  ): Promise<Requests[K]['result']> {
    const { signal, onProgress, transfer = [] } = options;
    if (this.disposed)
      return Promise.reject(new WorkerRequestError('cancelled', {}, 'client disposed'));
    if (signal?.aborted) return Promise.reject(new WorkerRequestError('cancelled'));
    const id = this.nextId++;
    return new Promise<Requests[K]['result']>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.has(id)) return;
        this.worker.postMessage({ id, type: 'cancel' }, []);
        this.settle(id)?.reject(new WorkerRequestError('cancelled'));
      };
      this.pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r as Requests[K]['result']);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
        onProgress,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.worker.postMessage({ id, type, params } as ToWorker, transfer);
      } catch (error) {
        // E.g. DataCloneError: params that cannot cross to the worker.
        const message = error instanceof Error ? error.message : String(error);
        this.settle(id)?.reject(new WorkerRequestError('error.internal', { message }, message));
      }
    });
  }

  /** Number of requests awaiting an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Detaches from the worker and rejects what is pending; the owner terminates the worker. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker.removeEventListener('message', this.onMessage);
    this.worker.removeEventListener('error', this.onCrash);
    this.worker.removeEventListener('messageerror', this.onCrash);
    for (const id of [...this.pending.keys()]) {
      this.worker.postMessage({ id, type: 'cancel' }, []);
      this.settle(id)?.reject(new WorkerRequestError('cancelled', {}, 'client disposed'));
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }

  private readonly onMessage = (event: Event): void => {
    const message = (event as MessageEvent<FromWorker>).data;
    const p = this.pending.get(message.id);
    if (!p) return; // cancelled or superseded: its answer is dropped
    switch (message.type) {
      case 'progress':
        p.onProgress?.({ done: message.done, total: message.total, stage: message.stage });
        return;
      case 'result':
        this.settle(message.id)?.resolve(message.result);
        return;
      case 'error': {
        const { code, params, detail } = message.error;
        this.settle(message.id)?.reject(new WorkerRequestError(code, params, detail));
        return;
      }
      default:
        assertNever(message);
    }
  };

  /** The worker failed to load or threw outside a request: nothing pending will be answered. */
  private readonly onCrash = (event: Event): void => {
    const detail = (event as ErrorEvent).message || event.type;
    for (const id of [...this.pending.keys()]) {
      this.settle(id)?.reject(new WorkerRequestError('error.worker-crashed', {}, detail));
    }
  };
}

/**
 * "Latest run wins" per key: starting a run aborts the key's previous run,
 * whose promise then rejects with code 'cancelled' even if its work finished.
 */
export function createLatestRunner() {
  const current = new Map<string, AbortController>();
  return {
    async run<T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      current.get(key)?.abort();
      const controller = new AbortController();
      current.set(key, controller);
      try {
        const result = await work(controller.signal);
        if (controller.signal.aborted) throw new WorkerRequestError('cancelled');
        return result;
      } catch (error) {
        if (controller.signal.aborted) throw new WorkerRequestError('cancelled');
        throw error;
      } finally {
        if (current.get(key) === controller) current.delete(key);
      }
    },
    cancel(key: string): void {
      current.get(key)?.abort();
      current.delete(key);
    },
    cancelAll(): void {
      for (const c of current.values()) c.abort();
      current.clear();
    },
  };
}
