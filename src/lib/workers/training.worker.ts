// Entry of the training worker (started by the page on the first training
// job, and again after a crash). TF.js runs here on its wasm backend, whose
// .wasm files Vite bundles beside the app (no CDN): their URLs are handed to
// setWasmPaths, without which TF.js would look for them elsewhere and fall
// back to its slow cpu backend without a word. The messages go to the
// generic host (./host.ts) with the training handler registry.

import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { TRAINING_HANDLERS } from './handlers/training';
import { createTrainingContext } from './handlers/trainingContext';
import { createHost } from './host';
import type { ToWorker, TrainingRequests } from './protocol';

const host = createHost({
  handlers: TRAINING_HANDLERS,
  context: createTrainingContext({
    backend: 'wasm',
    wasmPaths: {
      'tfjs-backend-wasm.wasm': wasm,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
    },
  }),
  post: (message, transfer) => self.postMessage(message, { transfer }),
});

self.onmessage = (event: MessageEvent<ToWorker<TrainingRequests>>) => host.handle(event.data);
