// The lifecycle scenarios of the benchmark page (bench/main.ts adds them to
// its own): each asks ./lifecycle.worker.ts for one timed job and returns
// the worker's timings, with the main thread's long tasks (over 50 ms, the
// Long Tasks API) seen while the job ran, so the runner can report that the
// page stayed free.

interface LifecycleResult {
  ms: number;
  detail: Record<string, unknown>;
}

// Every long task of this page since it loaded.
const longTasks: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: 'longtask', buffered: true });

let worker: Worker | null = null;
let requests = 0;

function job(name: string): Promise<Record<string, unknown> & { ms: number }> {
  worker ??= new Worker(new URL('./lifecycle.worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  const id = ++requests;
  return new Promise((resolve, reject) => {
    const listener = (
      event: MessageEvent<{ id: number; result?: Record<string, unknown>; error?: string }>,
    ) => {
      if (event.data.id !== id) return;
      w.removeEventListener('message', listener);
      if (event.data.error !== undefined) reject(new Error(event.data.error));
      else resolve(event.data.result as Record<string, unknown> & { ms: number });
    };
    w.addEventListener('message', listener);
    w.postMessage({ id, name });
  });
}

async function timed(name: string): Promise<LifecycleResult> {
  const t0 = performance.now();
  const result = await job(name);
  // A long task is reported after it ends: let the observer's callback run.
  await new Promise((r) => setTimeout(r, 100));
  const t1 = performance.now();
  const during = longTasks.filter((t) => t.start >= t0 && t.start <= t1);
  return {
    ms: result.ms,
    detail: {
      ...result,
      wallMs: t1 - t0,
      longTasks: during.length,
      longestTask: Math.max(0, ...during.map((t) => t.duration)),
    },
  };
}

export const lifecycleScenarios: Record<string, () => Promise<LifecycleResult>> = {
  'lifecycle-rfm': () => timed('rfm'),
  'lifecycle-cohorts': () => timed('cohorts'),
  'lifecycle-kmeans': () => timed('kmeans'),
  'lifecycle-silhouette': () => timed('silhouette'),
};
