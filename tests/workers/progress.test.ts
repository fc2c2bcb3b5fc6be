// WorkerProgress (workers/progress.ts): throttled progress messages, and
// reports as checkpoints of the request's JobControl. The clock is the test's.
import { describe, expect, it } from 'vitest';
import { WorkerProgress } from '../../src/lib/workers/progress';
import { JobControl, type ProgressTiming } from '../../src/lib/workers/job';
import { CancelledError } from '../../src/lib/engine/data/table';
import type { ProgressMessage } from '../../src/lib/workers/protocol';

function setup() {
  let t = 0;
  const posted: ProgressMessage[] = [];
  const timing: ProgressTiming = {
    postEveryMs: 100,
    yieldEveryMs: 30,
    now: () => t,
    // Node runs MessagePort messages before due timers; the test's cancel is a timer.
    yield: () => new Promise((r) => setTimeout(r, 0)),
  };
  const control = new JobControl(timing);
  const progress = new WorkerProgress(7, (m) => posted.push(m), control, timing);
  return { progress, posted, control, advance: (ms: number) => (t += ms) };
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

  it('throws CancelledError at the next report once cancelled, posting nothing', async () => {
    const { progress, posted, control, advance } = setup();
    await progress.report(0, 1);
    advance(200);
    control.cancel();
    await expect(progress.report(1, 2)).rejects.toBeInstanceOf(CancelledError);
    expect(posted).toHaveLength(1);
  });

  it('yields to the event loop after 30 ms, letting a cancel in', async () => {
    const { progress, advance, control } = setup();
    advance(31);
    // The cancel arrives as a task while report waits for its turn.
    setTimeout(() => control.cancel(), 0);
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

  it('waits while paused, and posts nothing until resumed', async () => {
    const { progress, posted, control, advance } = setup();
    control.pause();
    let returned = false;
    const report = progress.report(1, 2).then(() => (returned = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(returned).toBe(false);
    // The report was posted before it waited; the next cannot be while paused.
    expect(posted).toHaveLength(1);
    advance(200);
    control.resume();
    await report;
    await progress.report(2, 2);
    expect(posted.map((m) => m.done)).toEqual([1, 2]);
  });
});
