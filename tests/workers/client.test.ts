// The compute worker's client (workers/client.ts) against the real host in
// the in-process fake worker, with 'preview' replaced by a handler for
// protocol tests: ids, progress, cancel, errors as data, crashes, disposal.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ComputeClient, isCancelled, WorkerRequestError } from '../../src/lib/workers/client';
import {
  createSharedContext,
  type ComputeHandler,
  type SharedContext,
} from '../../src/lib/workers/handlers/common';
import { COMPUTE_HANDLERS } from '../../src/lib/workers/handlers';
import { openStorage } from '../../src/lib/storage/db';
import { EngineError } from '../../src/lib/engine/data/table';
import { fakeWorker } from './fakeWorker';

function context(): SharedContext {
  const name = `test-${crypto.randomUUID()}`;
  return createSharedContext({ openStorage: () => openStorage({ name }) });
}

/** 'preview' for protocol tests: dataset 'slow' computes until cancelled, reporting as it goes. */
const testPreview: ComputeHandler<'preview'> = async ({ datasetId }, ctx) => {
  if (datasetId === 'engine-error') throw new EngineError('column.not-found', { column: 'x' });
  if (datasetId === 'bug') throw new TypeError('x is undefined');
  if (datasetId === 'slow') {
    const start = performance.now();
    for (let i = 0; ; i++) {
      const until = performance.now() + 2;
      while (performance.now() < until); // busy, like real computation
      await ctx.progress.report(i, 1000);
      if (performance.now() - start > 5000) throw new Error('never cancelled');
    }
  }
  return { columns: [], rows: [[datasetId]], rowCount: 1 };
};

const handlers = { ...COMPUTE_HANDLERS, preview: testPreview };

describe('ComputeClient', () => {
  it('gives every request its own id and resolves each with its own result', async () => {
    const worker = fakeWorker(context(), { handlers });
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
    const worker = fakeWorker(context(), { handlers });
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
    // Nothing reached the page after the abort. (How often progress is posted
    // is tested against the test's own clock in progress.test.ts: here it
    // would depend on how busy the machine is.)
    expect(seen.length).toBe(2);
    expect(seen[1]).toBeGreaterThan(seen[0]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const worker = fakeWorker(context(), { handlers });
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
    const client = new ComputeClient(fakeWorker(context(), { handlers }));
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
    const worker = fakeWorker(context(), { handlers });
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
    const worker = fakeWorker(context(), { handlers });
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
    const client = new ComputeClient(fakeWorker(context(), { handlers }));
    const params = { datasetId: 'a', rows: 1, f: () => 1 };
    await expect(client.request('preview', params)).rejects.toMatchObject({
      code: 'error.internal',
    });
    expect(client.inFlight).toBe(0);
  });
});

describe('WorkerClient.start', () => {
  it('resolves like request, and its controls send nothing once the request has settled', async () => {
    const worker = fakeWorker(context(), { handlers });
    const client = new ComputeClient(worker);
    const job = client.start('preview', { datasetId: 'a', rows: 1 });
    expect((await job.result).rows).toEqual([['a']]);
    job.pause();
    job.resume();
    job.stop();
    job.cancel();
    expect(worker.sent.map((m) => m.type)).toEqual(['request']);
    expect((await job.result).rows).toEqual([['a']]);
  });

  it('cancel() rejects at once with cancelled, and the worker ends the request', async () => {
    const worker = fakeWorker(context(), { handlers });
    const client = new ComputeClient(worker);
    const job = client.start('preview', { datasetId: 'slow', rows: 1 });
    await new Promise((r) => setTimeout(r, 50));
    job.cancel();
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
    expect(client.inFlight).toBe(0);
    const final = () => worker.received.find((r) => r.message.type === 'error');
    while (!final()) await new Promise((r) => setTimeout(r, 10));
    expect(final()!.message).toEqual({
      id: 1,
      type: 'error',
      error: { code: 'cancelled', params: {} },
    });
  });

  it('a job that cannot start rejects, and its controls do nothing', async () => {
    const worker = fakeWorker(context(), { handlers });
    const client = new ComputeClient(worker);
    const job = client.start(
      'preview',
      { datasetId: 'a', rows: 1 },
      { signal: AbortSignal.abort() },
    );
    job.pause();
    job.cancel();
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
    expect(worker.sent).toEqual([]);
  });
});
