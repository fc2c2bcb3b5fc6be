// initBackend's fallback: wasm that cannot start leaves TF.js on cpu with the
// reason, never silently. Its own file: a failed wasm start is final for the
// process (tfjs-backend-wasm refuses new paths after an aborted start), and
// Vitest runs each test file in its own process.
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('initBackend', () => {
  it('without WebAssembly: cpu, saying so', async () => {
    vi.resetModules();
    const { initBackend, wasmMemoryBytes } =
      await import('../../../../src/lib/engine/models/network/backend');
    vi.stubGlobal('WebAssembly', undefined);
    expect(await initBackend({ backend: 'wasm', wasmPaths: '/unused/' })).toEqual({
      backend: 'cpu',
      fallback: 'WebAssembly is not available here',
    });
    expect(tf.getBackend()).toBe('cpu');
    expect(wasmMemoryBytes()).toBeNull();
  });

  it('a binary that cannot be loaded: cpu, with the reason and where it looked; asked again, the same', async () => {
    vi.resetModules();
    const { initBackend } = await import('../../../../src/lib/engine/models/network/backend');
    const first = await initBackend({ backend: 'wasm', wasmPaths: '/nonexistent/' });
    expect(first.backend).toBe('cpu');
    expect(first.fallback).toMatch(/^the wasm backend did not start: .*\.wasm/);
    expect(first.fallback).toContain('(binaries looked for under /nonexistent/)');
    expect(tf.getBackend()).toBe('cpu');
    // Not retried: the same answer at once, and cpu keeps working.
    expect(await initBackend({ backend: 'wasm', wasmPaths: '/nonexistent/' })).toEqual(first);
    expect(await initBackend({ backend: 'cpu' })).toEqual({ backend: 'cpu', fallback: null });
    expect(tf.tidy(() => tf.add(1, 2).dataSync()[0])).toBe(3);
  });
});
