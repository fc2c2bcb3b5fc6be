// The in-process worker (src/lib/headless/inProcess.ts) with what tests look
// at: the messages the page sent, the messages the worker posted with the
// buffers each transferred, and a crash. Test helper, not a test file.
import { COMPUTE_HANDLERS } from '../../src/lib/workers/handlers';
import type { SharedContext } from '../../src/lib/workers/handlers/common';
import type { HostOptions } from '../../src/lib/workers/host';
import { IN_PROCESS_TIMING, inProcessWorker } from '../../src/lib/headless/inProcess';
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
  /** From now on the worker hears nothing and says nothing, as one terminated or killed. */
  kill(): void;
}

/** The fake delivers messages as timers, so the worker must yield to timers to see a control. */
export const FAKE_TIMING = IN_PROCESS_TIMING;

/** A worker running `options.handlers` (default timing: FAKE_TIMING). */
export function fakeHostWorker<R extends RequestMap, S>(
  options: Omit<HostOptions<R, S>, 'post'>,
): FakeWorker<R> {
  const received: FakeWorker<R>['received'] = [];
  const inner = inProcessWorker<R, S>({
    ...options,
    onPost: (message, transfer) => received.push({ message, transfer }),
  });
  let killed = false;
  // The page's listener per event type → the one given to the inner worker.
  const wrapped = new Map<string, Listener>();
  const ids = new Map<Listener, number>();
  const listenerId = (l: Listener) => {
    if (!ids.has(l)) ids.set(l, ids.size);
    return ids.get(l)!;
  };
  const worker: FakeWorker<R> = {
    sent: [],
    received,
    postMessage(message, transfer) {
      worker.sent.push(message);
      if (!killed) inner.postMessage(message, transfer);
    },
    addEventListener(type, listener) {
      const heard: Listener = (event) => {
        if (!killed) listener(event);
      };
      wrapped.set(`${type} ${listenerId(listener)}`, heard);
      inner.addEventListener(type as 'message', heard);
    },
    removeEventListener: (type, listener) =>
      inner.removeEventListener(
        type as 'message',
        wrapped.get(`${type} ${listenerId(listener)}`) ?? listener,
      ),
    listenerCount: () => inner.listenerCount(),
    crash: (message) => inner.dispatch('error', { type: 'error', message }),
    kill: () => (killed = true),
  };
  return worker;
}

/** The compute worker: its handlers (or some replaced by a test's) over `context`. */
export function fakeWorker(
  context: SharedContext,
  options: Partial<Omit<HostOptions<ComputeRequests, SharedContext>, 'post' | 'context'>> = {},
): FakeWorker {
  return fakeHostWorker({ handlers: COMPUTE_HANDLERS, context, ...options });
}
