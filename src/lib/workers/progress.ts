// The worker's Progress: throttled progress messages, and the yields that let
// a `cancel` message in. Runs in the compute worker (and in Node tests).
//
// A worker handles one message at a time, so a cancel sent while a request
// computes is only seen when that computation gives the event loop a turn.
// Computations call `report` between units of work; every ~30 ms it yields a
// turn, and afterwards throws CancelledError if the request was cancelled.
// Cooperative cancelling needs no SharedArrayBuffer, which would require
// cross-origin isolation headers a plain static host cannot promise.

import { CancelledError, type Progress } from '../engine/data/table';
import type { ProgressMessage } from './protocol';

export interface ProgressTiming {
  /** Least time between two progress messages. */
  postEveryMs: number;
  /** Most time between two yields to the event loop. */
  yieldEveryMs: number;
  now: () => number;
  /** Gives the event loop a turn. */
  yield: () => Promise<void>;
}

export const DEFAULT_TIMING: ProgressTiming = {
  postEveryMs: 100,
  yieldEveryMs: 30,
  now: () => performance.now(),
  yield: () => yieldToEventLoop(),
};

export class WorkerProgress implements Progress {
  private lastPost = -Infinity;
  private lastYield: number;
  private stageName: string | undefined;

  constructor(
    private readonly id: number,
    private readonly post: (message: ProgressMessage) => void,
    private readonly isCancelled: () => boolean,
    private readonly timing: ProgressTiming = DEFAULT_TIMING,
  ) {
    this.lastYield = timing.now();
  }

  /** Names the step now running (e.g. 'parse', 'store'); the next report is posted at once. */
  stage(name: string): void {
    this.stageName = name;
    this.lastPost = -Infinity;
  }

  async report(done: number, total: number): Promise<void> {
    this.throwIfCancelled();
    const now = this.timing.now();
    if (now - this.lastPost >= this.timing.postEveryMs) {
      this.lastPost = now;
      const message: ProgressMessage = { id: this.id, type: 'progress', done, total };
      if (this.stageName !== undefined) message.stage = this.stageName;
      this.post(message);
    }
    if (now - this.lastYield >= this.timing.yieldEveryMs) {
      await this.timing.yield();
      this.lastYield = this.timing.now();
      this.throwIfCancelled();
    }
  }

  throwIfCancelled(): void {
    if (this.isCancelled()) throw new CancelledError();
  }
}

let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

/**
 * Resolves after the event loop has run the tasks already queued, such as an
 * incoming cancel. In a browser, a message to ourselves through a
 * MessageChannel is queued on the same task source (posted messages) as the
 * page's messages to the worker, so one that is already waiting runs first;
 * and unlike setTimeout(0) it is not clamped to 4 ms when nested, so frequent
 * yields stay cheap. (Node orders these differently; tests inject a yield.)
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    // Node only: an open port must not keep a test process alive.
    (channel.port1 as { unref?: () => void }).unref?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}
