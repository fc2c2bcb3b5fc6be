// JobControl (workers/job.ts): what a running request hears of pause,
// resume, step, adjust, stop and cancel at its checkpoints and step
// boundaries, and the yield that lets those messages in. The clock is the
// test's.
import { describe, expect, it } from 'vitest';
import { JobControl, yieldToEventLoop } from '../../src/lib/workers/job';
import { CancelledError } from '../../src/lib/engine/data/table';

function setup() {
  let t = 0;
  const control = new JobControl({
    postEveryMs: 100,
    yieldEveryMs: 30,
    now: () => t,
    yield: () => new Promise((r) => setTimeout(r, 0)),
  });
  return { control, advance: (ms: number) => (t += ms) };
}

/** True if `promise` settles within a few timer turns. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  return settled;
}

describe('JobControl', () => {
  it('a checkpoint waits while paused and goes on when resumed', async () => {
    const { control } = setup();
    control.pause();
    expect(control.paused).toBe(true);
    const checkpoint = control.checkpoint();
    expect(await settlesSoon(checkpoint)).toBe(false);
    control.resume();
    expect(await settlesSoon(checkpoint)).toBe(true);
    expect(control.paused).toBe(false);
  });

  it('cancel aborts the signal with a CancelledError, and ends a paused checkpoint', async () => {
    const { control } = setup();
    control.pause();
    const checkpoint = control.checkpoint();
    control.cancel();
    await expect(checkpoint).rejects.toBeInstanceOf(CancelledError);
    expect(control.signal.aborted).toBe(true);
    expect(control.signal.reason).toBeInstanceOf(CancelledError);
    await expect(control.checkpoint()).rejects.toBeInstanceOf(CancelledError);
  });

  it('stop sets stopped and resumes; a pause after stop or cancel is ignored', async () => {
    const { control } = setup();
    control.pause();
    const checkpoint = control.checkpoint();
    control.stop();
    expect(control.stopped).toBe(true);
    await checkpoint;
    control.pause();
    expect(control.paused).toBe(false);
    expect(await settlesSoon(control.checkpoint())).toBe(true);
  });

  it('a step runs a paused request to its next boundary, where it pauses again', async () => {
    const { control } = setup();
    control.step();
    // Not paused: a step does nothing.
    expect(control.paused).toBe(false);
    expect(await settlesSoon(control.boundary())).toBe(true);
    control.pause();
    const waiting = control.checkpoint();
    control.step();
    expect(await settlesSoon(waiting)).toBe(true);
    expect(control.paused).toBe(false);
    // Checkpoints between boundaries go on; the boundary pauses.
    expect(await settlesSoon(control.checkpoint())).toBe(true);
    const boundary = control.boundary();
    expect(control.paused).toBe(true);
    expect(await settlesSoon(boundary)).toBe(false);
    control.resume();
    expect(await settlesSoon(boundary)).toBe(true);
    // Resumed, the next boundary does not pause.
    expect(await settlesSoon(control.boundary())).toBe(true);
  });

  it('a checkpoint that is not pausable goes on while paused, and still ends on cancel', async () => {
    const { control } = setup();
    control.pause();
    expect(await settlesSoon(control.checkpoint(false))).toBe(true);
    expect(await settlesSoon(control.checkpoint())).toBe(false);
    control.cancel();
    await expect(control.checkpoint(false)).rejects.toBeInstanceOf(CancelledError);
  });

  it('adjustments are kept in order and taken once; none after stop', () => {
    const { control } = setup();
    control.adjust({ learningRate: 0.1 });
    control.adjust({ learningRate: 0.2 });
    expect(control.takeAdjustments()).toEqual([{ learningRate: 0.1 }, { learningRate: 0.2 }]);
    expect(control.takeAdjustments()).toEqual([]);
    control.stop();
    control.adjust({ learningRate: 0.3 });
    expect(control.takeAdjustments()).toEqual([]);
  });

  it('yields once 30 ms have passed, letting a queued task in', async () => {
    const { control, advance } = setup();
    let ranBetween = false;
    setTimeout(() => (ranBetween = true), 0);
    await control.checkpoint();
    expect(ranBetween).toBe(false);
    advance(30);
    await control.checkpoint();
    expect(ranBetween).toBe(true);
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
