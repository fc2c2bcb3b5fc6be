// The page's side of a worker: typed requests that resolve with the worker's
// result, generic over the worker's RequestMap (see ./protocol.ts for the
// contract). Runs on the page, or in a worker that starts helper workers
// (./partPool.ts).
//
// One listener per event is attached in the constructor and pending requests
// are kept by id, so nothing is added per call. `start` gives a Job with its
// controls; `request` is its result alone. Cancelling (or aborting the
// request's signal) sends `cancel` and rejects at once with code 'cancelled';
// whatever still arrives for it is ignored. Events reach `onEvent` in the
// order they were emitted, all before the result resolves.

import {
  assertNever,
  type AdjustOf,
  type ComputeRequests,
  type Control,
  type EventOf,
  type FromWorker,
  type ParamsOf,
  type RequestMap,
  type RequestMessage,
  type ResultOf,
  type ToWorker,
  type TrainingRequests,
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

export interface RequestOptions<E = never> {
  signal?: AbortSignal;
  /** Throttled: a report may be skipped. */
  onProgress?: (progress: RequestProgress) => void;
  /** Every event the handler emits, in order, before the result resolves. */
  onEvent?: (event: E) => void;
  /** Buffers in `params` to hand over rather than copy (they become unusable here). */
  transfer?: Transferable[];
}

/** A running request and its controls; each control does nothing once the request has settled. */
export interface Job<T, A = never> {
  readonly result: Promise<T>;
  /** Holds the request at its next report or checkpoint (a pause takes effect there, not at once). */
  pause(): void;
  resume(): void;
  /** A paused request runs to its next step boundary (an epoch) and pauses again. */
  step(): void;
  /** New values for what the request lets change while it runs (its handler reads them at a step boundary). */
  adjust(value: A): void;
  /** Asks the handler to finish early; `result` then holds what it made of the work so far. */
  stop(): void;
  /** Rejects `result` at once with code 'cancelled', and ends the request in the worker. */
  cancel(): void;
}

/** The part of Worker the client uses; tests pass an in-process fake. */
export interface WorkerLike<R extends RequestMap = ComputeRequests> {
  postMessage(message: ToWorker<R>, transfer: Transferable[]): void;
  addEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: Event) => void,
  ): void;
  removeEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: Event) => void,
  ): void;
}

/** How often a client pings its worker, and how long a silence means it is gone. */
export interface Liveness {
  everyMs: number;
  timeoutMs: number;
  /** Tests give their clock. */
  now?: () => number;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: WorkerRequestError): void;
  onProgress?: (progress: RequestProgress) => void;
  onEvent?: (event: unknown) => void;
}

export class WorkerClient<R extends RequestMap> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  private hasCrashed = false;
  private heard = 0;
  /** When the ping not answered yet was sent; null: none is waiting. */
  private pinged: number | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  /**
   * `liveness`: while requests are pending, ping the worker every `everyMs`
   * and count it as crashed when nothing at all has come from it for
   * `timeoutMs` after a ping — a worker that was terminated or killed sends
   * no 'error' event, and its requests would wait for ever. For a worker
   * whose handlers yield often (the training worker's yield between
   * batches), so that a ping is answered within milliseconds even while it
   * computes.
   */
  constructor(
    private readonly worker: WorkerLike<R>,
    private readonly liveness: Liveness | null = null,
  ) {
    worker.addEventListener('message', this.onMessage);
    worker.addEventListener('error', this.onCrash);
    worker.addEventListener('messageerror', this.onCrash);
  }

  /** Sends a request; its Job resolves with the result and can pause, resume, stop or cancel it. */
  start<K extends keyof R & string>(
    type: K,
    params: ParamsOf<R, K>,
    options: RequestOptions<EventOf<R, K>> = {},
  ): Job<ResultOf<R, K>, AdjustOf<R, K>> {
    const { signal, onProgress, onEvent, transfer = [] } = options;
    if (this.disposed)
      return settledJob(new WorkerRequestError('cancelled', {}, 'client disposed'));
    if (signal?.aborted) return settledJob(new WorkerRequestError('cancelled'));
    const id = this.nextId++;
    this.watch();
    const control = (type: Control) => {
      if (this.pending.has(id)) this.worker.postMessage({ id, type }, []);
    };
    const cancel = () => {
      control('cancel');
      this.settle(id)?.reject(new WorkerRequestError('cancelled'));
    };
    const result = new Promise<ResultOf<R, K>>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener('abort', cancel);
          resolve(r as ResultOf<R, K>);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', cancel);
          reject(e);
        },
        onProgress,
        onEvent: onEvent as ((event: unknown) => void) | undefined,
      });
      signal?.addEventListener('abort', cancel, { once: true });
      try {
        // A correlated union (K with its params) the compiler cannot follow through a generic R.
        const message = { id, type: 'request', request: type, params } as RequestMessage<R>;
        this.worker.postMessage(message, transfer);
      } catch (error) {
        // E.g. DataCloneError: params that cannot cross to the worker.
        const message = error instanceof Error ? error.message : String(error);
        this.settle(id)?.reject(new WorkerRequestError('error.internal', { message }, message));
      }
    });
    return {
      result,
      pause: () => control('pause'),
      resume: () => control('resume'),
      step: () => control('step'),
      adjust: (value) => {
        if (this.pending.has(id)) this.worker.postMessage({ id, type: 'adjust', value }, []);
      },
      stop: () => control('stop'),
      cancel,
    };
  }

  /** A request's result: `start(type, params, options).result`. */
  request<K extends keyof R & string>(
    type: K,
    params: ParamsOf<R, K>,
    options: RequestOptions<EventOf<R, K>> = {},
  ): Promise<ResultOf<R, K>> {
    return this.start(type, params, options).result;
  }

  /** The worker failed (an 'error' event): its owner starts another before the next request. */
  get crashed(): boolean {
    return this.hasCrashed;
  }

  /** Number of requests awaiting an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Detaches from the worker and cancels what is pending; the owner terminates the worker. */
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
    if (this.pending.size === 0) this.unwatch();
    return p;
  }

  /** Starts pinging while requests are pending (with liveness). */
  private watch(): void {
    const l = this.liveness;
    if (!l || this.watchdog !== null) return;
    const now = l.now ?? (() => performance.now());
    this.heard = now();
    this.pinged = null;
    this.watchdog = setInterval(() => {
      // Silence counts from a ping left unanswered, not from the last
      // message: a hidden tab's timers may fire a minute apart (Chromium's
      // intensive wake-up throttling, after 5 minutes in the background), and
      // a paused training says nothing between pings.
      if (this.pinged !== null && this.heard < this.pinged) {
        const silent = now() - this.pinged;
        if (silent > l.timeoutMs) this.crash(`no answer for ${Math.round(silent)} ms`);
        return;
      }
      this.pinged = now();
      this.worker.postMessage({ id: 0, type: 'ping' }, []);
    }, l.everyMs);
  }

  private unwatch(): void {
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
    this.pinged = null;
  }

  /** Nothing pending will be answered: each fails with 'error.worker-crashed'. */
  private crash(detail: string): void {
    this.hasCrashed = true;
    this.unwatch();
    for (const id of [...this.pending.keys()]) {
      this.settle(id)?.reject(new WorkerRequestError('error.worker-crashed', {}, detail));
    }
  }

  private readonly onMessage = (event: Event): void => {
    const message = (event as MessageEvent<FromWorker<R>>).data;
    this.heard = this.liveness?.now?.() ?? performance.now();
    if (message.type === 'pong') return;
    const p = this.pending.get(message.id);
    if (!p) return; // cancelled or superseded: its answer is dropped
    switch (message.type) {
      case 'progress':
        p.onProgress?.({ done: message.done, total: message.total, stage: message.stage });
        return;
      case 'event':
        p.onEvent?.(message.event);
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
    this.crash((event as ErrorEvent).message || event.type);
  };
}

/** The compute worker's client (./compute.worker.ts). */
export class ComputeClient extends WorkerClient<ComputeRequests> {}

/** The training worker's client (./training.worker.ts). */
export class TrainingClient extends WorkerClient<TrainingRequests> {}

/** A job that never reached the worker: its result is `error`, its controls do nothing. */
function settledJob(error: WorkerRequestError): Job<never> {
  const nothing = () => undefined;
  return {
    result: Promise.reject(error),
    pause: nothing,
    resume: nothing,
    step: nothing,
    adjust: nothing,
    stop: nothing,
    cancel: nothing,
  };
}
