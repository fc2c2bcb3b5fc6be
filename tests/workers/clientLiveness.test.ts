// The client's liveness watchdog (workers/client.ts) when its timer fires
// far apart, as in a background tab: Chromium's intensive wake-up throttling
// lets a hidden page's timers run once a minute after 5 minutes, and a
// paused training then says nothing but its pongs. Found by
// e2e/networks-lifecycle.spec's probe: a paused training in a hidden tab was
// failed as "The training stopped unexpectedly" after about 4 minutes. The
// clock is the test's own: every ping's wake-up comes a minute after the last.
import { describe, expect, it } from 'vitest';
import { WorkerClient, type WorkerLike } from '../../src/lib/workers/client';
import type { FromWorker, ToWorker } from '../../src/lib/workers/protocol';

type Requests = { train: { params: { epochs: number }; result: number } };

/** A paused training: it never answers the request, and answers each ping unless killed. */
function pausedWorker(clock: { now: number }) {
  const listeners = new Set<(event: Event) => void>();
  const state = { killed: false, pings: 0 };
  const worker: WorkerLike<Requests> = {
    postMessage(message: ToWorker<Requests>) {
      if (message.type !== 'ping') return;
      state.pings++;
      setTimeout(() => {
        if (!state.killed) {
          const pong: FromWorker<Requests> = { id: message.id, type: 'pong' };
          for (const l of listeners) l(new MessageEvent('message', { data: pong }));
        }
        // The page's next wake-up, a minute later.
        clock.now += 60_000;
      });
    },
    addEventListener: (type, listener) => {
      if (type === 'message') listeners.add(listener);
    },
    removeEventListener: (type, listener) => {
      listeners.delete(listener);
    },
  };
  return { worker, state };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > 10_000) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe('liveness with wake-ups a minute apart', () => {
  it('a worker that answers every ping is not taken for dead, however late the pings', async () => {
    const clock = { now: 0 };
    const { worker, state } = pausedWorker(clock);
    const client = new WorkerClient<Requests>(worker, {
      everyMs: 10,
      timeoutMs: 30_000,
      now: () => clock.now,
    });
    const job = client.start('train', { epochs: 1_000_000 });
    let failed = false;
    job.result.catch(() => (failed = true));
    // Ten "minutes" of pings, each answered at once.
    await until(() => state.pings >= 10);
    await sleep(30);
    expect(client.crashed).toBe(false);
    expect(failed).toBe(false);
    job.cancel();
    await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('a killed worker still fails its request once a ping goes unanswered too long', async () => {
    const clock = { now: 0 };
    const { worker, state } = pausedWorker(clock);
    const client = new WorkerClient<Requests>(worker, {
      everyMs: 10,
      timeoutMs: 30_000,
      now: () => clock.now,
    });
    const job = client.start('train', { epochs: 1_000_000 });
    await until(() => state.pings >= 3);
    expect(client.crashed).toBe(false);
    state.killed = true;
    await expect(job.result).rejects.toMatchObject({ code: 'error.worker-crashed' });
    expect(client.crashed).toBe(true);
  });
});
