// What a running request hears from the page: cancel, stop, pause, resume,
// step and adjust, and the cooperative yields that let those messages in. Runs in a
// worker (and in Node tests); the host keeps one JobControl per request.
//
// A worker handles one message at a time, so a control sent while a request
// computes is only seen when that computation gives the event loop a turn.
// Handlers call `checkpoint()` (or `progress.report`, which calls it) between
// units of work: every ~30 ms it yields a turn; then, if the request was
// paused, it waits until resumed; and it throws CancelledError once the
// request was cancelled. Cooperative control needs no SharedArrayBuffer,
// which would require cross-origin isolation headers a plain static host
// cannot promise.

import { CancelledError } from '../engine/data/table';

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

export class JobControl {
  private readonly cancelling = new AbortController();
  private stopRequested = false;
  /** A step was asked for: the next step boundary pauses. */
  private stepping = false;
  private readonly adjusted: unknown[] = [];
  /** Set while paused; resolved (and cleared) by resume, step, stop or cancel. */
  private pauseGate: { promise: Promise<void>; release: () => void } | null = null;
  private lastYield: number;

  constructor(private readonly timing: ProgressTiming = DEFAULT_TIMING) {
    this.lastYield = timing.now();
  }

  /** Aborted (with a CancelledError as reason) when the request is cancelled. */
  get signal(): AbortSignal {
    return this.cancelling.signal;
  }

  get cancelled(): boolean {
    return this.cancelling.signal.aborted;
  }

  get stopped(): boolean {
    return this.stopRequested;
  }

  get paused(): boolean {
    return this.pauseGate !== null;
  }

  /** Ignored once stopped or cancelled: the request is already on its way out. */
  pause(): void {
    if (this.pauseGate || this.stopRequested || this.cancelled) return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.pauseGate = { promise, release };
  }

  resume(): void {
    this.stepping = false;
    this.release();
  }

  /** A paused request runs on to its next step boundary and pauses there; ignored unless paused. */
  step(): void {
    if (!this.pauseGate) return;
    this.stepping = true;
    this.release();
  }

  /** Keeps new values for the handler to read at its next step boundary. */
  adjust(value: unknown): void {
    if (!this.stopRequested && !this.cancelled) this.adjusted.push(value);
  }

  /** Values adjusted since the last call, oldest first. */
  takeAdjustments(): unknown[] {
    return this.adjusted.splice(0);
  }

  /**
   * A step boundary (a training's epoch ended): a requested step pauses here;
   * then as `checkpoint`.
   */
  async boundary(): Promise<void> {
    if (this.stepping) {
      this.stepping = false;
      this.pause();
    }
    await this.checkpoint();
  }

  private release(): void {
    this.pauseGate?.release();
    this.pauseGate = null;
  }

  /** Also resumes: a paused request must run to return its result so far. */
  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  /** Also resumes, so a paused request ends at once. */
  cancel(): void {
    this.cancelling.abort(new CancelledError());
    this.resume();
  }

  throwIfCancelled(): void {
    if (this.cancelled) throw new CancelledError();
  }

  /**
   * Between units of work: yields to the event loop when one is due, waits
   * while paused (unless `pausable` is false: work that pauses only at its
   * step boundaries, as a training between epochs), and throws
   * CancelledError if the request was cancelled.
   */
  async checkpoint(pausable = true): Promise<void> {
    this.throwIfCancelled();
    if (this.timing.now() - this.lastYield >= this.timing.yieldEveryMs) {
      await this.timing.yield();
      this.lastYield = this.timing.now();
    }
    while (pausable && this.pauseGate) {
      await this.pauseGate.promise;
      // Time spent paused is not time spent computing.
      this.lastYield = this.timing.now();
    }
    this.throwIfCancelled();
  }
}

let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

/**
 * Resolves after the event loop has run the tasks already queued, such as an
 * incoming control message. In a browser, a message to ourselves through a
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
