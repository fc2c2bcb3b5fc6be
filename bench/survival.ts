// The survival scenarios of the benchmark page (bench/main.ts adds them to
// its own): each asks ./survival.worker.ts to time one engine call on its
// in-memory table and hands back the worker's timing. The worker starts on
// the first survival scenario, so that the other sections run without it.
import type { SurvivalBenchResult } from './survival.worker';

let survivalWorker: Worker | null = null;
let requests = 0;

function ask(name: string): Promise<SurvivalBenchResult> {
  survivalWorker ??= new Worker(new URL('./survival.worker.ts', import.meta.url), {
    type: 'module',
  });
  const w = survivalWorker;
  const id = ++requests;
  return new Promise((resolve, reject) => {
    const listener = (
      event: MessageEvent<{ id: number; result?: SurvivalBenchResult; error?: string }>,
    ) => {
      if (event.data.id !== id) return;
      w.removeEventListener('message', listener);
      if (event.data.error !== undefined) reject(new Error(event.data.error));
      else resolve(event.data.result as SurvivalBenchResult);
    };
    w.addEventListener('message', listener);
    w.postMessage({ id, name });
  });
}

const scenario = (name: string) => async () => {
  const r = await ask(name);
  return { ms: r.ms, detail: { ...r.detail, rows: r.rows, setupMs: r.setupMs } };
};

/** runScenario names: 'survival-logrank', 'survival-cox' (with cox.zph and the cell's job), 'survival-weibull'. */
export const survivalScenarios = {
  'survival-logrank': scenario('logrank'),
  'survival-cox': scenario('cox'),
  'survival-weibull': scenario('weibull'),
};
