// Entry of the compute worker (started by src/main.ts). It only wires
// messages to the host in ./host.ts; the work is in ./handlers.ts.

import { createComputeHost, createSharedContext } from './host';
import type { ToWorker } from './protocol';

const host = createComputeHost({
  post: (message, transfer) => self.postMessage(message, { transfer }),
  context: createSharedContext(),
});

self.onmessage = (event: MessageEvent<ToWorker>) => host.handle(event.data);
