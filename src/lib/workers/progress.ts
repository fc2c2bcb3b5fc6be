// A request's Progress: throttled progress messages to the page. Runs in a
// worker (and in Node tests).
//
// Computations report between units of work (a parsed chunk, a column); at
// most one message per `postEveryMs` is posted, the rest are dropped — the
// page shows a bar, not a log (events, which must all arrive, are posted by
// the host's `emit`). Each report is also a checkpoint of the request's
// JobControl (./job.ts): it yields now and then, waits while paused and
// throws CancelledError once cancelled.

import type { Progress } from '../engine/data/table';
import { DEFAULT_TIMING, type JobControl, type ProgressTiming } from './job';
import type { ProgressMessage } from './protocol';

export class WorkerProgress implements Progress {
  private lastPost = -Infinity;
  private stageName: string | undefined;

  constructor(
    private readonly id: number,
    private readonly post: (message: ProgressMessage) => void,
    private readonly control: JobControl,
    private readonly timing: ProgressTiming = DEFAULT_TIMING,
  ) {}

  /** Names the step now running (e.g. 'parse', 'store'); the next report is posted at once. */
  stage(name: string): void {
    this.stageName = name;
    this.lastPost = -Infinity;
  }

  async report(done: number, total: number): Promise<void> {
    this.control.throwIfCancelled();
    const now = this.timing.now();
    if (now - this.lastPost >= this.timing.postEveryMs) {
      this.lastPost = now;
      const message: ProgressMessage = { id: this.id, type: 'progress', done, total };
      if (this.stageName !== undefined) message.stage = this.stageName;
      this.post(message);
    }
    await this.control.checkpoint();
  }
}
