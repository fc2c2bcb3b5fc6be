// An in-process stand-in for the compute worker: the real host and handlers
// behind postMessage/addEventListener, with structured cloning (and transfer)
// on the way back as between threads. Test helper, not a test file.
import {
  createComputeHost,
  type HostOptions,
  type SharedContext,
} from '../../src/lib/workers/host';
import type { FromWorker, ToWorker } from '../../src/lib/workers/protocol';

type Listener = (event: Event) => void;

export interface FakeWorker {
  postMessage(message: ToWorker, transfer: Transferable[]): void;
  addEventListener(type: string, listener: Listener): void;
  removeEventListener(type: string, listener: Listener): void;
  /** Messages the page sent. */
  sent: ToWorker[];
  /** Messages the worker posted, with the buffers each one transferred. */
  received: { message: FromWorker; transfer: Transferable[] }[];
  listenerCount(): number;
  crash(message: string): void;
}

export function fakeWorker(
  context: SharedContext,
  options: Partial<Pick<HostOptions, 'dispatch' | 'timing'>> = {},
): FakeWorker {
  const listeners = new Map<string, Set<Listener>>();
  const emit = (type: string, event: object) =>
    listeners.get(type)?.forEach((l) => l(event as Event));
  const worker: FakeWorker = {
    sent: [],
    received: [],
    postMessage(message, transfer) {
      worker.sent.push(message);
      // Blobs are passed as they are; everything else crosses as a clone.
      const data =
        'params' in message && 'file' in message.params
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
  const host = createComputeHost({
    context,
    // The fake delivers messages as timers, so the worker must yield to timers to see a cancel.
    timing: {
      postEveryMs: 100,
      yieldEveryMs: 30,
      now: () => performance.now(),
      yield: () => new Promise((r) => setTimeout(r, 0)),
    },
    ...options,
    post(message, transfer) {
      worker.received.push({ message, transfer });
      const data = structuredClone(message, { transfer });
      setTimeout(() => emit('message', { data }), 0);
    },
  });
  return worker;
}
