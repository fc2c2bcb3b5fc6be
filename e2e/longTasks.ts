// The main thread's long tasks, as the page's PerformanceObserver saw them,
// and the one check every "the page never freezes" test makes of them.
//
// The app's budget is 50 ms per task while a worker computes. A test cannot
// assert that budget exactly: on a busy two-core CI machine a garbage
// collection or another process stretches an ordinary task past 50 ms now
// and then. What freezing work on the main thread would break, and a busy
// machine would not, is checked instead: no task anywhere near a frozen
// page's (FREEZE_MS), and a total blocking time (Lighthouse's measure: the
// part of each long task beyond 50 ms, when input would wait) under a tenth
// of the time the work took — or, for work shorter than a second, under
// 100 ms (what a reader perceives as an immediate response). Two ordinary
// 56 ms tasks block input for 6 ms each, not 56. Each test prints the tasks it saw.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export interface LongTask {
  start: number;
  duration: number;
}

/** A task this long is a frozen page, whatever else the machine is doing. */
export const FREEZE_MS = 250;

/** The part of a task beyond this blocks input (a long task's threshold). */
export const BLOCKING_MS = 50;

/** Work shorter than this is allowed a tenth of it in long tasks (100 ms), as the header says. */
export const SHORT_WORK_MS = 1000;

/** Records every long task of the page from its start (buffered), into window.longTasks. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { longTasks: typeof tasks }).longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** Every long task recorded so far. */
export function longTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => (window as unknown as { longTasks: LongTask[] }).longTasks);
}

/** The page's clock (performance.now()), to bound a window of work. */
export function now(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Long tasks that started between t0 and t1 (page clock), checked as the header says. */
export async function expectPageFree(
  page: Page,
  t0: number,
  t1: number,
  what: string,
): Promise<void> {
  const during = (await longTasks(page)).filter((t) => t.start >= t0 && t.start <= t1);
  console.log(
    `${what}: long tasks over ${(t1 - t0).toFixed(0)} ms (ms): ${
      during.map((t) => t.duration.toFixed(0)).join(', ') || 'none'
    }`,
  );
  expect(
    during.filter((t) => t.duration > FREEZE_MS),
    `${what}: no task over ${FREEZE_MS} ms`,
  ).toEqual([]);
  const blocking = during.reduce((sum, t) => sum + Math.max(0, t.duration - BLOCKING_MS), 0);
  expect(blocking, `${what}: main thread blocked by long tasks`).toBeLessThan(
    0.1 * Math.max(t1 - t0, SHORT_WORK_MS),
  );
}
