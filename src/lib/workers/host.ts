// A worker's message loop, generic over its RequestMap and apart from the
// worker global, so Node tests drive it in-process. Runs in a worker: each
// request runs as its own async task with its handler from a typed registry
// (one handler per request type, so there is no switch to forget a case in),
// a JobControl for pause / resume / step / adjust / stop / cancel, a
// throttled Progress and an unthrottled `emit` for events; it is answered
// with one `result` (posting exactly the buffers its handler marked for
// transfer) or one `error`.

import { CancelledError, EngineError } from '../engine/data/table';
import { DEFAULT_TIMING, JobControl, type ProgressTiming } from './job';
import { WorkerProgress } from './progress';
import {
  assertNever,
  type AdjustOf,
  type EventOf,
  type FromWorker,
  type ParamsOf,
  type RequestMap,
  type RequestMessage,
  type ResultOf,
  type ToWorker,
  type WorkerError,
} from './protocol';
import { unwrapReply, type Reply } from './transfer';

/** What a handler gets for its own request, besides the worker's shared context. */
export interface JobContext<E = never, A = never> {
  /**
   * Throttled progress; `report` is also a checkpoint (it yields, waits
   * while paused, throws once cancelled). Engine code takes it as a Progress.
   */
  progress: WorkerProgress;
  /** Aborted, with a CancelledError as reason, when the page cancels the request. */
  signal: AbortSignal;
  /**
   * True once the page asked to stop: finish early and return the result so
   * far (e.g. a model's weights). A handler that never looks runs to completion.
   */
  readonly stopped: boolean;
  /**
   * Between units of work that do not report: lets controls in, waits while
   * paused (unless `pausable` is false: the work pauses at its boundaries
   * only), throws once cancelled.
   */
  checkpoint(pausable?: boolean): Promise<void>;
  /** Posts one event to the page at once: never throttled, never dropped, in order. */
  emit(event: E): void;
  /**
   * A step boundary (an epoch ended): where a paused request asked to step
   * pauses again; otherwise as `checkpoint`.
   */
  boundary(): Promise<void>;
  /** New values the page sent for what may change while running (a learning rate), oldest first, each once. */
  adjustments(): A[];
}

/** Runs request K: its params and context in, its result (perhaps with buffers to transfer) out. */
export type Handler<R extends RequestMap, K extends keyof R, S = unknown> = (
  params: ParamsOf<R, K>,
  context: S & JobContext<EventOf<R, K>, AdjustOf<R, K>>,
) => Promise<Reply<ResultOf<R, K>>>;

/** One handler for every request type of R: a missing one does not compile. */
export type HandlerRegistry<R extends RequestMap, S = unknown> = {
  [K in keyof R]: Handler<R, K, S>;
};

export interface HostOptions<R extends RequestMap, S> {
  handlers: HandlerRegistry<R, S>;
  /** What lives as long as the worker (storage, caches), given to every handler. */
  context: S;
  post: (message: FromWorker<R>, transfer: Transferable[]) => void;
  /** Tests control the clock and the yield. */
  timing?: ProgressTiming;
}

export interface Host<R extends RequestMap> {
  handle(message: ToWorker<R>): void;
}

export function createHost<R extends RequestMap, S>(options: HostOptions<R, S>): Host<R> {
  const { handlers, post } = options;
  const timing = options.timing ?? DEFAULT_TIMING;
  const running = new Map<number, JobControl>();

  async function execute(message: RequestMessage<R>): Promise<void> {
    const { id } = message;
    const control = new JobControl(timing);
    running.set(id, control);
    try {
      // Own keys only: a request named 'constructor' or '__proto__' is unknown, not a crash.
      if (!Object.hasOwn(handlers, message.request)) {
        throw new Error(`unknown request type ${JSON.stringify(message.request)}`);
      }
      const handler = handlers[message.request] as Handler<R, keyof R, S>;
      // A literal, not a spread of a JobContext: spreading would freeze the `stopped` getter.
      const context: S & JobContext<EventOf<R, keyof R>, AdjustOf<R, keyof R>> = {
        ...options.context,
        progress: new WorkerProgress(id, (m) => post(m, []), control, timing),
        signal: control.signal,
        get stopped() {
          return control.stopped;
        },
        checkpoint: (pausable) => control.checkpoint(pausable),
        emit: (event) => {
          // An event emitted after the request ended (a leaked callback) has nobody to go to.
          if (running.get(id) === control) post({ id, type: 'event', event }, []);
        },
        boundary: () => control.boundary(),
        // The page's values are checked by the handler, as its params are.
        adjustments: () => control.takeAdjustments() as AdjustOf<R, keyof R>[],
      };
      const reply = await handler(message.params, context);
      const { value, transfer } = unwrapReply(reply);
      post({ id, type: 'result', result: value }, transfer);
    } catch (error) {
      post({ id, type: 'error', error: toWorkerError(error) }, []);
    } finally {
      running.delete(id);
    }
  }

  return {
    handle(message) {
      switch (message.type) {
        case 'request':
          void execute(message);
          return;
        // A control for a request not running (unknown, or already answered) is dropped.
        case 'pause':
          running.get(message.id)?.pause();
          return;
        case 'resume':
          running.get(message.id)?.resume();
          return;
        case 'step':
          running.get(message.id)?.step();
          return;
        case 'adjust':
          running.get(message.id)?.adjust(message.value);
          return;
        case 'stop':
          running.get(message.id)?.stop();
          return;
        case 'cancel':
          running.get(message.id)?.cancel();
          return;
        case 'ping':
          post({ id: message.id, type: 'pong' }, []);
          return;
        default:
          assertNever(message);
      }
    },
  };
}

/** Any thrown value as data the page can translate. */
export function toWorkerError(error: unknown): WorkerError {
  if (error instanceof CancelledError) return { code: 'cancelled', params: {} };
  if (error instanceof EngineError) {
    const detail = (error as { detail?: unknown }).detail;
    return {
      code: error.code,
      params: error.params,
      detail: typeof detail === 'string' ? detail : undefined,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'error.internal',
    params: { message },
    detail: error instanceof Error && error.stack ? error.stack : message,
  };
}
