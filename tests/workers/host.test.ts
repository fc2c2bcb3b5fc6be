// The generic host and client (workers/host.ts, workers/client.ts) with a
// request map of the test's own — the shape a training worker would have —
// through the in-process fake worker: events, pause / resume / step / stop /
// cancel mid-job, adjustments, controls for ids not running, explicit
// transfer.
import { describe, expect, it } from 'vitest';
import { WorkerClient } from '../../src/lib/workers/client';
import type { HandlerRegistry } from '../../src/lib/workers/host';
import type { RequestMessage } from '../../src/lib/workers/protocol';
import { transferring } from '../../src/lib/workers/transfer';
import { fakeHostWorker } from './fakeWorker';

interface EpochEvent {
  epoch: number;
  loss: number;
}

type TestRequests = {
  /** Trains until `epochs` or a stop, one event per epoch. */
  train: {
    params: { epochs: number };
    result: { epochs: number; stopped: boolean };
    events: EpochEvent;
  };
  /** `count` events in a tight loop, reporting progress after each. */
  burst: { params: { count: number }; result: number; events: { i: number } };
  /** Epochs that pause only at their ends, taking a new rate there. */
  epochs: {
    params: { epochs: number };
    result: { rates: number[] };
    events: EpochEvent;
    adjust: { rate: number };
  };
  /** Runs `steps` steps and ignores stop. */
  steady: { params: { steps: number }; result: number };
  /** A fresh array it transfers, beside one it keeps. */
  arrays: { params: { size: number }; result: { kept: Float64Array; fresh: Float64Array } };
};

/** A buffer the worker keeps across requests, as a module-level cache would. */
const KEPT = Float64Array.from({ length: 16 }, (_, i) => i);

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until); // like real computation
}

/** The test worker; `state` is what its handlers did, seen from inside the worker. */
function setup() {
  const state = { epochs: 0, steps: 0, fresh: null as Float64Array | null };
  const handlers: HandlerRegistry<TestRequests> = {
    train: async ({ epochs }, context) => {
      let epoch = 0;
      while (epoch < epochs && !context.stopped) {
        busy(2);
        state.epochs = ++epoch;
        context.emit({ epoch, loss: 1 / epoch });
        if (epoch % 5 === 0) await context.progress.report(epoch, epochs);
        await context.checkpoint();
      }
      return { epochs: epoch, stopped: context.stopped };
    },
    epochs: async ({ epochs }, context) => {
      let rate = 1;
      const rates: number[] = [];
      for (let epoch = 1; epoch <= epochs && !context.stopped; epoch++) {
        for (const change of context.adjustments()) rate = change.rate;
        for (let batch = 0; batch < 3; batch++) {
          busy(1);
          await context.checkpoint(false);
        }
        state.epochs = epoch;
        rates.push(rate);
        context.emit({ epoch, loss: rate });
        await context.boundary();
      }
      return { rates };
    },
    burst: async ({ count }, context) => {
      for (let i = 0; i < count; i++) {
        context.emit({ i });
        await context.progress.report(i + 1, count);
      }
      return count;
    },
    steady: async ({ steps }, context) => {
      for (state.steps = 0; state.steps < steps; state.steps++) {
        busy(2);
        await context.checkpoint();
      }
      return state.steps;
    },
    arrays: async ({ size }) => {
      const fresh = new Float64Array(size).fill(1);
      state.fresh = fresh;
      return transferring({ kept: KEPT, fresh }, [fresh]);
    },
  };
  const worker = fakeHostWorker({ handlers, context: {} });
  return { worker, client: new WorkerClient<TestRequests>(worker), state };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > 10_000) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe('events', () => {
  it('delivers 1,000 events emitted in a tight loop, in order, none dropped, before the result', async () => {
    const { client, worker } = setup();
    const events: number[] = [];
    const progress: number[] = [];
    const result = client
      .request(
        'burst',
        { count: 1000 },
        {
          onEvent: (e) => events.push(e.i),
          onProgress: (p) => progress.push(p.done),
        },
      )
      .then((r) => ({ r, eventsAtResult: events.length }));
    expect(await result).toEqual({ r: 1000, eventsAtResult: 1000 });
    expect(events).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // Progress stayed throttled: one message per 100 ms, not one per report.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThan(50);
    const types = worker.received.map((r) => r.message.type);
    expect(types.filter((t) => t === 'event')).toHaveLength(1000);
    expect(types.at(-1)).toBe('result');
  });
});

describe('pause, resume, stop, cancel', () => {
  it('pause holds the job (no events or progress), resume goes on, stop returns the result so far', async () => {
    const { client, state } = setup();
    const events: EpochEvent[] = [];
    const progress: number[] = [];
    const job = client.start(
      'train',
      { epochs: 1_000_000 },
      { onEvent: (e) => events.push(e), onProgress: (p) => progress.push(p.done) },
    );
    await until(() => events.length >= 20);
    job.pause();
    // The pause is handled by the next timer turn; from then on no epoch runs.
    await sleep(0);
    const atPause = state.epochs;
    await sleep(50); // what was posted before the pause arrives
    const seen = { events: events.length, progress: progress.length };
    await sleep(200);
    expect(state.epochs).toBe(atPause);
    expect({ events: events.length, progress: progress.length }).toEqual(seen);
    expect(events.length).toBe(atPause);

    job.resume();
    await until(() => events.length >= atPause + 20);
    job.stop();
    const result = await job.result;
    expect(result.stopped).toBe(true);
    expect(result.epochs).toBeGreaterThanOrEqual(atPause + 20);
    expect(result.epochs).toBeLessThan(1_000_000);
    // Every epoch's event, in order, before the result.
    expect(events.map((e) => e.epoch)).toEqual(
      Array.from({ length: result.epochs }, (_, i) => i + 1),
    );
    expect(events[1].loss).toBe(1 / 2);
  });

  it('step runs one unit to its boundary and pauses there; an adjustment is read at the next unit', async () => {
    const { client, state } = setup();
    const events: EpochEvent[] = [];
    const job = client.start('epochs', { epochs: 1_000_000 }, { onEvent: (e) => events.push(e) });
    await until(() => events.length >= 3);
    job.pause();
    // A pause waits for the end of the unit under way.
    await until(() => state.epochs === events.length);
    await sleep(50);
    const paused = state.epochs;
    await sleep(100);
    expect(state.epochs).toBe(paused);
    job.adjust({ rate: 0.5 });
    job.step();
    await until(() => events.length === paused + 1);
    await sleep(100);
    expect(state.epochs).toBe(paused + 1);
    expect(events.at(-1)).toEqual({ epoch: paused + 1, loss: 0.5 });
    job.step();
    await until(() => events.length === paused + 2);
    job.stop();
    const { rates } = await job.result;
    expect(rates).toHaveLength(paused + 2);
    expect(rates.slice(paused)).toEqual([0.5, 0.5]);
    expect(rates.slice(0, paused).every((r) => r === 1)).toBe(true);
  });

  it('liveness: a paused job still answers pings; a killed worker fails its requests once silent too long', async () => {
    const { worker } = setup();
    const client = new WorkerClient<TestRequests>(worker, { everyMs: 20, timeoutMs: 150 });
    const events: EpochEvent[] = [];
    const job = client.start('epochs', { epochs: 1_000_000 }, { onEvent: (e) => events.push(e) });
    await until(() => events.length >= 2);
    job.pause();
    // Paused, it emits nothing, but answers every ping: not taken for dead.
    await sleep(400);
    expect(client.crashed).toBe(false);
    expect(worker.sent.filter((m) => m.type === 'ping').length).toBeGreaterThan(5);
    expect(worker.received.some(({ message }) => message.type === 'pong')).toBe(true);
    worker.kill();
    await expect(job.result).rejects.toMatchObject({ code: 'error.worker-crashed' });
    expect(client.crashed).toBe(true);
  });

  it('liveness: no pings while nothing is pending', async () => {
    const { worker } = setup();
    const client = new WorkerClient<TestRequests>(worker, { everyMs: 10, timeoutMs: 1000 });
    await client.request('epochs', { epochs: 2 });
    const pings = worker.sent.filter((m) => m.type === 'ping').length;
    await sleep(100);
    expect(worker.sent.filter((m) => m.type === 'ping').length).toBe(pings);
  });

  it('stop while paused ends the job with its result so far', async () => {
    const { client, state } = setup();
    const job = client.start('train', { epochs: 1_000_000 });
    await until(() => state.epochs >= 10);
    job.pause();
    await sleep(0);
    const atPause = state.epochs;
    job.stop();
    expect(await job.result).toEqual({ epochs: atPause, stopped: true });
  });

  it('cancel while paused ends the job with cancelled, in the client and in the worker', async () => {
    const { client, worker, state } = setup();
    const job = client.start('train', { epochs: 1_000_000 });
    await until(() => state.epochs >= 10);
    job.pause();
    await sleep(0);
    const atPause = state.epochs;
    job.cancel();
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
    const final = () => worker.received.find((r) => r.message.type === 'error');
    await until(() => final() !== undefined);
    expect(final()!.message).toEqual({
      id: 1,
      type: 'error',
      error: { code: 'cancelled', params: {} },
    });
    expect(state.epochs).toBe(atPause);
  });

  it('an aborted signal cancels a paused job too', async () => {
    const { client, worker, state } = setup();
    const controller = new AbortController();
    const job = client.start('train', { epochs: 1_000_000 }, { signal: controller.signal });
    await until(() => state.epochs >= 10);
    job.pause();
    await sleep(0);
    const atPause = state.epochs;
    controller.abort();
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
    expect(worker.sent.map((m) => m.type)).toEqual(['request', 'pause', 'cancel']);
    await until(() => worker.received.some((r) => r.message.type === 'error'));
    expect(state.epochs).toBe(atPause);
  });

  it('a handler that ignores stop runs to completion', async () => {
    const { client, state } = setup();
    const job = client.start('steady', { steps: 60 });
    await until(() => state.steps >= 10);
    job.stop();
    expect(await job.result).toBe(60);
  });

  it('ignores controls for ids that are unknown or already answered', async () => {
    const { client, worker } = setup();
    expect(await client.request('steady', { steps: 1 })).toBe(1);
    const answered = worker.received.length;
    for (const id of [1, 99]) {
      for (const type of ['pause', 'resume', 'stop', 'cancel'] as const) {
        worker.postMessage({ id, type }, []);
      }
    }
    await sleep(20);
    expect(worker.received).toHaveLength(answered);
    // The worker still answers.
    expect(await client.request('steady', { steps: 2 })).toBe(2);
  });
});

describe('requests', () => {
  it('answers a request type it has no handler for with error.internal', async () => {
    const { worker } = setup();
    for (const request of ['nope', '__proto__', 'constructor']) {
      worker.postMessage(
        { id: 7, type: 'request', request, params: {} } as unknown as RequestMessage<TestRequests>,
        [],
      );
    }
    await until(() => worker.received.length === 3);
    for (const { message } of worker.received) {
      expect(message).toMatchObject({ id: 7, type: 'error', error: { code: 'error.internal' } });
    }
  });
});

describe('explicit transfer', () => {
  it('transfers exactly the buffers the handler names; a buffer the worker keeps stays whole', async () => {
    const { client, worker, state } = setup();
    const result = await client.request('arrays', { size: 1024 });
    expect(Array.from(result.kept)).toEqual(Array.from(KEPT));
    expect(result.fresh).toHaveLength(1024);
    const [answer] = worker.received;
    expect(answer.transfer).toHaveLength(1);
    expect(answer.transfer[0]).toBe(state.fresh!.buffer);
    // The transferred one is detached in the worker; the kept one is not.
    expect(state.fresh!.byteLength).toBe(0);
    expect(KEPT.byteLength).toBe(16 * 8);
    // Asking again still finds the kept buffer usable.
    expect(Array.from((await client.request('arrays', { size: 1 })).kept)).toEqual(
      Array.from(KEPT),
    );
  });
});
