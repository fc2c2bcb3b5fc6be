import { describe, expect, it } from 'vitest';
import { WorkerProgress, yieldToEventLoop } from '../../src/lib/workers/progress';
import { CancelledError } from '../../src/lib/engine/data/table';
import type { ProgressMessage } from '../../src/lib/workers/protocol';

function setup() {
  let t = 0;
  let cancelled = false;
  const posted: ProgressMessage[] = [];
  const progress = new WorkerProgress(
    7,
    (m) => posted.push(m),
    () => cancelled,
    {
      postEveryMs: 100,
      yieldEveryMs: 30,
      now: () => t,
      // Node runs MessagePort messages before due timers; the test's cancel is a timer.
      yield: () => new Promise((r) => setTimeout(r, 0)),
    },
  );
  return {
    progress,
    posted,
    advance: (ms: number) => (t += ms),
    cancel: () => (cancelled = true),
  };
}

describe('WorkerProgress', () => {
  it('posts at most one progress message per 100 ms', async () => {
    const { progress, posted, advance } = setup();
    for (let i = 0; i <= 50; i++) {
      await progress.report(i, 50);
      advance(10);
    }
    // 0, 100, 200, 300, 400, 500 ms.
    expect(posted.map((m) => m.done)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(posted[0]).toEqual({ id: 7, type: 'progress', done: 0, total: 50 });
  });

  it('posts the first report of a new stage at once, with its name', async () => {
    const { progress, posted } = setup();
    await progress.report(1, 10);
    progress.stage('store');
    await progress.report(0, 3);
    expect(posted).toEqual([
      { id: 7, type: 'progress', done: 1, total: 10 },
      { id: 7, type: 'progress', done: 0, total: 3, stage: 'store' },
    ]);
  });

  it('throws CancelledError at the next report once cancelled', async () => {
    const { progress, cancel } = setup();
    await progress.report(0, 1);
    cancel();
    await expect(progress.report(1, 2)).rejects.toBeInstanceOf(CancelledError);
  });

  it('yields to the event loop after 30 ms, letting a cancel in', async () => {
    const { progress, advance, cancel } = setup();
    advance(31);
    // The cancel arrives as a task while report waits for its turn.
    setTimeout(cancel, 0);
    await expect(progress.report(1, 2)).rejects.toBeInstanceOf(CancelledError);
  });

  it('does not yield before 30 ms have passed', async () => {
    const { progress, advance } = setup();
    advance(29);
    let ranBetween = false;
    setTimeout(() => (ranBetween = true), 0);
    await progress.report(1, 2);
    expect(ranBetween).toBe(false);
  });

  it('yieldToEventLoop lets a queued message in before it resolves', async () => {
    const order: string[] = [];
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => order.push('message');
    port2.postMessage(null);
    await yieldToEventLoop();
    order.push('resumed');
    port1.close();
    expect(order).toEqual(['message', 'resumed']);
  });
});
