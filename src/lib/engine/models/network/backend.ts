// The TF.js backend that networks train on: WebAssembly (XNNPACK kernels),
// or TF.js's plain-JavaScript cpu backend when wasm cannot start. Runs in the
// worker and in Node; no DOM or Node APIs — the caller says where the .wasm
// binaries are (the worker passes its bundled asset URLs, Node tests the
// node_modules dist directory).
//
// Why not WebGL: a churn network is small (tens of units, batches of ~1,000
// rows), so per-op dispatch dominates and a GPU round trip per batch costs
// more than the arithmetic; wasm is also deterministic on one machine, which
// the seeded training promises (decision 0018).
//
// A fallback is never silent: the status says why wasm is not in use. TF.js's
// engine catches a backend factory's error and only logs it
// (tfjs-core engine.ts initializeBackend: `log.warn(err.stack)`, returning
// false), so the wasm factory is re-registered once behind a wrapper that
// keeps the error for the status.

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendChoice = 'wasm' | 'cpu';

export interface BackendOptions {
  backend: BackendChoice;
  /**
   * Where tfjs-backend-wasm's binaries are: a directory prefix ending in '/',
   * or a map from each binary's file name ('tfjs-backend-wasm.wasm',
   * 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm') to
   * its URL. Only read before wasm first starts.
   */
  wasmPaths?: string | Record<string, string>;
  /** Give up on wasm (and use cpu) if it has not started after this long; default WASM_START_TIMEOUT_MS. */
  timeoutMs?: number;
}

export interface BackendStatus {
  /** The backend TF.js now runs on. */
  backend: string;
  /** Why the backend asked for is not the one in use; null when it is. */
  fallback: string | null;
}

/**
 * Long enough for a slow device to fetch and compile the ~2 MB binary from
 * the app's own origin; a start that takes longer is treated as failed so a
 * training job never hangs on it.
 */
export const WASM_START_TIMEOUT_MS = 30_000;

/** tfjs-backend-wasm's own priority (its base.ts WASM_PRIORITY), kept when the factory is wrapped. */
const WASM_PRIORITY = 2;

// Module state: one TF.js engine per worker or Node process.
let wasmFailure: string | null = null;
let factoryWrapped = false;
let lastInitError: unknown = null;

/**
 * Makes `options.backend` TF.js's backend, or cpu with the reason when wasm
 * cannot start. Idempotent: wasm is started at most once per process; after
 * a failure, later calls report the same reason without retrying
 * (tfjs-backend-wasm refuses new paths after an aborted start).
 */
export async function initBackend(options: BackendOptions): Promise<BackendStatus> {
  if (options.backend === 'cpu') return { backend: await use('cpu'), fallback: null };
  const failure = await startWasm(options);
  if (failure === null) return { backend: 'wasm', fallback: null };
  return { backend: await use('cpu'), fallback: failure };
}

async function use(name: string): Promise<string> {
  if (tf.getBackend() !== name || !(name in tf.engine().registry)) {
    if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} did not start`);
  }
  await tf.ready();
  return tf.getBackend();
}

async function startWasm(options: BackendOptions): Promise<string | null> {
  if (wasmFailure !== null) return wasmFailure;
  const started = 'wasm' in tf.engine().registry;
  if (!started) {
    if (typeof WebAssembly === 'undefined')
      return (wasmFailure = 'WebAssembly is not available here');
    if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
    wrapFactory();
  }
  lastInitError = null;
  const timeoutMs = options.timeoutMs ?? WASM_START_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let outcome: boolean | 'timeout';
  try {
    outcome = await Promise.race([tf.setBackend('wasm'), timeout]);
  } catch (error) {
    outcome = false;
    lastInitError ??= error;
  } finally {
    clearTimeout(timer);
  }
  if (outcome === true) {
    await tf.ready();
    return null;
  }
  // After a time-out TF.js's pending start is superseded by the switch to
  // cpu (its engine drops outdated backend promises), so it cannot take over later.
  wasmFailure =
    outcome === 'timeout'
      ? `the wasm backend did not start within ${timeoutMs} ms`
      : `the wasm backend did not start: ${messageOf(lastInitError)}${where(options.wasmPaths)}`;
  return wasmFailure;
}

function wrapFactory(): void {
  if (factoryWrapped) return;
  const factory = tf.findBackendFactory('wasm');
  if (!factory) throw new Error('tfjs-backend-wasm did not register its backend');
  // The kernels stay registered under 'wasm'; only the factory is replaced.
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        return await factory();
      } catch (error) {
        lastInitError = error;
        throw error;
      }
    },
    WASM_PRIORITY,
  );
  factoryWrapped = true;
}

function where(paths: BackendOptions['wasmPaths']): string {
  return typeof paths === 'string' ? ` (binaries looked for under ${paths})` : '';
}

function messageOf(error: unknown): string {
  if (error === null || error === undefined) return 'no reason given';
  if (error instanceof Error) return error.message;
  // tfjs-backend-wasm rejects with a plain { message } when the binary cannot be fetched.
  if (typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}

/**
 * Bytes of the wasm backend's linear memory, or null before wasm has started.
 * WebAssembly memory grows and never shrinks, so a leak shows as growth
 * across repeated training cycles (tf.memory() counts only live tensors).
 */
export function wasmMemoryBytes(): number | null {
  const backend = tf.engine().registry.wasm as unknown as
    { wasm: { HEAPU8: Uint8Array } } | undefined;
  return backend ? backend.wasm.HEAPU8.buffer.byteLength : null;
}
