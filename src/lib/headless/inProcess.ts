// A worker in this thread: the real generic host (../workers/host.ts) and its
// handlers behind the WorkerLike interface a WorkerClient talks to, so code
// written for a worker runs unchanged where there is none (Node: the headless
// runner; tests). Messages are delivered as timer tasks and cloned both ways
// as between threads (a Blob in params passes as it is), so nothing is
// shared by accident; the host yields to timers so a control gets in.

import { createHost, type HostOptions } from '../workers/host';
import type { ProgressTiming } from '../workers/job';
import type { WorkerLike } from '../workers/client';
import type { FromWorker, RequestMap, ToWorker } from '../workers/protocol';

/** Messages arrive as timers here, so the host must yield to timers to see a control. */
export const IN_PROCESS_TIMING: ProgressTiming = {
  postEveryMs: 100,
  yieldEveryMs: 30,
  now: () => performance.now(),
  yield: () => new Promise((r) => setTimeout(r, 0)),
};

type Listener = (event: Event) => void;

export interface InProcessOptions<R extends RequestMap, S> extends Omit<HostOptions<R, S>, 'post'> {
  /** Sees every message the worker posts, with the buffers it transfers (tests). */
  onPost?: (message: FromWorker<R>, transfer: Transferable[]) => void;
}

export interface InProcessWorker<R extends RequestMap> extends WorkerLike<R> {
  /** Delivers an event to the page's listeners, e.g. an 'error' as a crashed worker would. */
  dispatch(type: 'message' | 'error' | 'messageerror', event: object): void;
  listenerCount(): number;
}

export function inProcessWorker<R extends RequestMap, S>(
  options: InProcessOptions<R, S>,
): InProcessWorker<R> {
  const { onPost, ...hostOptions } = options;
  const listeners = new Map<string, Set<Listener>>();
  const dispatch = (type: string, event: object) =>
    listeners.get(type)?.forEach((l) => l(event as Event));
  const host = createHost<R, S>({
    timing: IN_PROCESS_TIMING,
    ...hostOptions,
    post(message, transfer) {
      onPost?.(message, transfer);
      const data = structuredClone(message, { transfer });
      setTimeout(() => dispatch('message', { data }), 0);
    },
  });
  return {
    postMessage(message: ToWorker<R>, transfer: Transferable[]) {
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
    dispatch,
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}
