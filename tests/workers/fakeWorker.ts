// An in-process stand-in for a worker: the real generic host (with the
// compute handlers, or a test's own request map and handlers) behind
// postMessage/addEventListener, with structured cloning (and transfer) both
// ways as between threads. Test helper, not a test file.
import { COMPUTE_HANDLERS } from '../../src/lib/workers/handlers';
import type { SharedContext } from '../../src/lib/workers/handlers/common';
import { createHost, type HostOptions } from '../../src/lib/workers/host';
import type { ProgressTiming } from '../../src/lib/workers/job';
import type {
  ComputeRequests,
  FromWorker,
  RequestMap,
  ToWorker,
} from '../../src/lib/workers/protocol';

type Listener = (event: Event) => void;

export interface FakeWorker<R extends RequestMap = ComputeRequests> {
  postMessage(message: ToWorker<R>, transfer: Transferable[]): void;
  addEventListener(type: string, listener: Listener): void;
  removeEventListener(type: string, listener: Listener): void;
  /** Messages the page sent. */
  sent: ToWorker<R>[];
  /** Messages the worker posted, with the buffers each one transferred. */
  received: { message: FromWorker<R>; transfer: Transferable[] }[];
  listenerCount(): number;
  crash(message: string): void;
}

/** The fake delivers messages as timers, so the worker must yield to timers to see a control. */
export const FAKE_TIMING: ProgressTiming = {
  postEveryMs: 100,
  yieldEveryMs: 30,
  now: () => performance.now(),
  yield: () => new Promise((r) => setTimeout(r, 0)),
};

/** A worker running `options.handlers` (default timing: FAKE_TIMING). */
export function fakeHostWorker<R extends RequestMap, S>(
  options: Omit<HostOptions<R, S>, 'post'>,
): FakeWorker<R> {
  const listeners = new Map<string, Set<Listener>>();
  const emit = (type: string, event: object) =>
    listeners.get(type)?.forEach((l) => l(event as Event));
  const worker: FakeWorker<R> = {
    sent: [],
    received: [],
    postMessage(message, transfer) {
      worker.sent.push(message);
      // Blobs are passed as they are; everything else crosses as a clone.
      const params = 'params' in message ? (message.params as object | null) : null;
      const data =
        params !== null && typeof params === 'object' && 'file' in params
          ? message
          : structuredClone(message, { transfer });
      setTimeout(() => host.handle(data), 0);
    },
    addEventListener(type, listener) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(listener);
    },
    removeEventListener(type, listener) {
      listeners.get(type)?.delete(listener);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    crash(message) {
      emit('error', { type: 'error', message });
    },
  };
  const host = createHost<R, S>({
    timing: FAKE_TIMING,
    ...options,
    post(message, transfer) {
      worker.received.push({ message, transfer });
      const data = structuredClone(message, { transfer });
      setTimeout(() => emit('message', { data }), 0);
    },
  });
  return worker;
}

/** The compute worker: its handlers (or some replaced by a test's) over `context`. */
export function fakeWorker(
  context: SharedContext,
  options: Partial<Omit<HostOptions<ComputeRequests, SharedContext>, 'post' | 'context'>> = {},
): FakeWorker {
  return fakeHostWorker({ handlers: COMPUTE_HANDLERS, context, ...options });
}
