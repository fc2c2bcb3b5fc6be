// Entry of the compute worker (started by src/main.ts, and by itself: a
// compute worker reads parts of a large file with other compute workers, see
// ./partPool.ts). It only wires messages to the host in ./host.ts; the work
// is in ./handlers.ts.

import { createComputeHost, createSharedContext } from './host';
import { createPartPool } from './partPool';
import type { ToWorker } from './protocol';

const parts = createPartPool(
  navigator.hardwareConcurrency,
  () => new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' }),
);

const host = createComputeHost({
  post: (message, transfer) => self.postMessage(message, { transfer }),
  context: createSharedContext({ parts }),
});

self.onmessage = (event: MessageEvent<ToWorker>) => host.handle(event.data);
