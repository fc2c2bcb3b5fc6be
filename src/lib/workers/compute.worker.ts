// Entry of the compute worker (started by src/main.ts, and by itself: a
// compute worker reads parts of a large file with other compute workers, see
// ./partPool.ts). It only wires messages to the generic host in ./host.ts
// with the compute handler registry in ./handlers/.

import { createSharedContext } from './handlers/common';
import { COMPUTE_HANDLERS } from './handlers';
import { createHost } from './host';
import { createPartPool } from './partPool';
import type { ComputeRequests, ToWorker } from './protocol';

const parts = createPartPool(
  navigator.hardwareConcurrency,
  () => new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module' }),
);

const host = createHost({
  handlers: COMPUTE_HANDLERS,
  context: createSharedContext({ parts }),
  post: (message, transfer) => self.postMessage(message, { transfer }),
});

self.onmessage = (event: MessageEvent<ToWorker<ComputeRequests>>) => host.handle(event.data);
