import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  ComputeClient,
  createLatestRunner,
  isCancelled,
  WorkerRequestError,
} from '../../src/lib/workers/client';
import { createSharedContext, type SharedContext } from '../../src/lib/workers/host';
import type { HandlerContext } from '../../src/lib/workers/handlers';
import type { RequestMessage } from '../../src/lib/workers/protocol';
import { openStorage } from '../../src/lib/storage/db';
import { EngineError } from '../../src/lib/engine/data/table';
import { fakeWorker } from './fakeWorker';

function context(): SharedContext {
  const name = `test-${crypto.randomUUID()}`;
  return createSharedContext({ openStorage: () => openStorage({ name }) });
}

/** Handlers for protocol tests: 'preview' of dataset 'slow' computes until cancelled, reporting as it goes. */
async function testDispatch(message: RequestMessage, ctx: HandlerContext): Promise<unknown> {
  if (message.type !== 'preview') throw new Error(`unexpected ${message.type}`);
  const { datasetId } = message.params;
  if (datasetId === 'engine-error') throw new EngineError('column.not-found', { column: 'x' });
  if (datasetId === 'bug') throw new TypeError('x is undefined');
  if (datasetId === 'slow') {
    const start = performance.now();
    for (let i = 0; ; i++) {
      const until = performance.now() + 2;
      while (performance.now() < until); // busy, like real computation
      await ctx.progress.report(i, 1000);
      if (performance.now() - start > 5000) return 'never cancelled';
    }
  }
  return { columns: [], rows: [[datasetId]], rowCount: 1 };
}

describe('ComputeClient', () => {
  it('gives every request its own id and resolves each with its own result', async () => {
    const worker = fakeWorker(context(), { dispatch: testDispatch });
    const client = new ComputeClient(worker);
    const results = await Promise.all(
      ['a', 'b', 'c'].map((id) => client.request('preview', { datasetId: id, rows: 1 })),
    );
    expect(results.map((r) => r.rows[0][0])).toEqual(['a', 'b', 'c']);
    expect(worker.sent.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(client.inFlight).toBe(0);
    // One listener per event type, however many requests were made.
    expect(worker.listenerCount()).toBe(3);
  });

  it('reports progress, and cancels through an AbortSignal', async () => {
    const worker = fakeWorker(context(), { dispatch: testDispatch });
    const client = new ComputeClient(worker);
    const controller = new AbortController();
    const seen: number[] = [];
    const request = client.request(
      'preview',
      { datasetId: 'slow', rows: 1 },
      {
        signal: controller.signal,
        onProgress: (p) => {
          seen.push(p.done);
          if (seen.length === 2) controller.abort();
        },
      },
    );
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerRequestError);
    expect(isCancelled(error)).toBe(true);
    expect(worker.sent.at(-1)).toEqual({ id: 1, type: 'cancel' });
    // The worker really stopped: it ended the request with 'cancelled', which the client dropped.
    await new Promise((r) => setTimeout(r, 200));
    const last = worker.received.at(-1)!.message;
    expect(last).toEqual({ id: 1, type: 'error', error: { code: 'cancelled', params: {} } });
    // Throttled: reports every ~2 ms, posts at most every 100 ms.
    expect(seen.length).toBe(2);
    expect(seen[1]).toBeGreaterThan(20);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const worker = fakeWorker(context(), { dispatch: testDispatch });
    const client = new ComputeClient(worker);
    const controller = new AbortController();
    controller.abort();
    await expect(
      client.request('preview', { datasetId: 'a', rows: 1 }, { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(worker.sent).toEqual([]);
  });

  it('rejects with the code and params of an EngineError, and error.internal for anything else', async () => {
    const client = new ComputeClient(fakeWorker(context(), { dispatch: testDispatch }));
    await expect(
      client.request('preview', { datasetId: 'engine-error', rows: 1 }),
    ).rejects.toMatchObject({
      code: 'column.not-found',
      params: { column: 'x' },
    });
    const bug = await client
      .request('preview', { datasetId: 'bug', rows: 1 })
      .catch((e: unknown) => e);
    expect(bug).toMatchObject({ code: 'error.internal', params: { message: 'x is undefined' } });
    expect((bug as WorkerRequestError).detail).toMatch(/TypeError: x is undefined/);
  });

  it('rejects every pending request when the worker crashes', async () => {
    const worker = fakeWorker(context(), { dispatch: testDispatch });
    const client = new ComputeClient(worker);
    const a = client.request('preview', { datasetId: 'slow', rows: 1 });
    const b = client.request('preview', { datasetId: 'slow', rows: 1 });
    worker.crash('Uncaught RangeError');
    await expect(a).rejects.toMatchObject({
      code: 'error.worker-crashed',
      detail: 'Uncaught RangeError',
    });
    await expect(b).rejects.toMatchObject({ code: 'error.worker-crashed' });
    client.dispose(); // also cancels the worker-side tasks of this test
  });

  it('dispose detaches its listeners and cancels what is pending', async () => {
    const worker = fakeWorker(context(), { dispatch: testDispatch });
    const client = new ComputeClient(worker);
    const pending = client.request('preview', { datasetId: 'slow', rows: 1 });
    client.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    expect(worker.listenerCount()).toBe(0);
    await expect(client.request('preview', { datasetId: 'a', rows: 1 })).rejects.toMatchObject({
      code: 'cancelled',
    });
  });

  it('rejects a request whose params cannot be cloned', async () => {
    const client = new ComputeClient(fakeWorker(context(), { dispatch: testDispatch }));
    const params = { datasetId: 'a', rows: 1, f: () => 1 };
    await expect(client.request('preview', params)).rejects.toMatchObject({
      code: 'error.internal',
    });
    expect(client.inFlight).toBe(0);
  });
});

describe('createLatestRunner', () => {
  it('lets the latest run of a key win: the previous one is aborted and its result dropped', async () => {
    const latest = createLatestRunner();
    const signals: AbortSignal[] = [];
    // The first run ignores its signal and finishes anyway.
    const slowWork = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((r) => setTimeout(() => r('old'), 20));
    };
    const first = latest.run('cell-1', slowWork);
    const second = latest.run('cell-1', async () => 'new');
    const other = latest.run('cell-2', async () => 'other');
    await expect(first).rejects.toMatchObject({ code: 'cancelled' });
    expect(signals[0].aborted).toBe(true);
    expect(await second).toBe('new');
    expect(await other).toBe('other');
  });

  it('with a client: a superseded request is cancelled in the worker', async () => {
    const worker = fakeWorker(context(), { dispatch: testDispatch });
    const client = new ComputeClient(worker);
    const latest = createLatestRunner();
    const first = latest.run('cell', (signal) =>
      client.request('preview', { datasetId: 'slow', rows: 1 }, { signal }),
    );
    await new Promise((r) => setTimeout(r, 20));
    const second = latest.run('cell', (signal) =>
      client.request('preview', { datasetId: 'b', rows: 1 }, { signal }),
    );
    await expect(first).rejects.toMatchObject({ code: 'cancelled' });
    expect((await second).rows).toEqual([['b']]);
    expect(worker.sent.map((m) => m.type)).toEqual(['preview', 'cancel', 'preview']);
  });

  it('cancel and cancelAll abort running work', async () => {
    const latest = createLatestRunner();
    const never = (signal: AbortSignal) =>
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const a = latest.run('a', never);
    const b = latest.run('b', never);
    latest.cancel('a');
    await expect(a).rejects.toMatchObject({ code: 'cancelled' });
    latest.cancelAll();
    await expect(b).rejects.toMatchObject({ code: 'cancelled' });
  });
});
