// Bench worker for the survival rows: the engine's table entries —
// logrankTable, fitCoxTable, coxZph, coxReport and fitSurvregTable — timed
// inside a worker, as the app's compute worker runs them, on the seeded
// tables of ./survivalData.ts, generated here once and kept in memory. Its
// own worker rather than the app's compute worker because the issue's
// targets are for the computations on data already loaded (as R's are timed
// after read.csv), not for a cell's IndexedDB read and Arrow decode.
//
// Messages: { id, name } in; { id, result } or { id, error } out. Each
// request is timed here, so the page's postMessage round trip is not.

import type { DataTable } from '../src/lib/engine/data/table';
import { coxFit, fitCoxTable, type CoxSettings } from '../src/lib/engine/survival/cox';
import { coxReport } from '../src/lib/engine/survival/coxReport';
import { coxZph } from '../src/lib/engine/survival/coxZph';
import { logrankTable } from '../src/lib/engine/survival/logrank';
import { fitSurvregTable } from '../src/lib/engine/survival/survreg';
import {
  logrankTable as logrankRows,
  MODEL_FEATURES,
  MODEL_REFERENCES,
  modelTable,
} from './survivalData';

/** What each request returns: its time and the statistics the runner checks against R's. */
export interface SurvivalBenchResult {
  ms: number;
  /** ms to generate the table, on the request that first needed it (else 0). */
  setupMs: number;
  rows: number;
  detail: Record<string, number | number[]>;
}

let logrankData: DataTable | null = null;
let modelData: DataTable | null = null;

function timedTable(make: () => DataTable): [DataTable, number] {
  const t0 = performance.now();
  const table = make();
  return [table, performance.now() - t0];
}

const COX: CoxSettings = {
  duration: 'tenure_days',
  event: 'churned',
  features: MODEL_FEATURES,
  references: MODEL_REFERENCES,
  ties: 'efron',
};

const requests: Record<string, () => Promise<SurvivalBenchResult>> = {
  /** survdiff(Surv(tenure_days, churned) ~ group): logrankTable reads the columns, sorts, tests. */
  async logrank() {
    let setupMs = 0;
    if (!logrankData) [logrankData, setupMs] = timedTable(() => logrankRows());
    const table = logrankData;
    const t0 = performance.now();
    const r = logrankTable(table, {
      duration: 'tenure_days',
      event: 'churned',
      group: 'group',
      rho: 0,
    });
    const ms = performance.now() - t0;
    return {
      ms,
      setupMs,
      rows: table.rowCount,
      detail: { chisq: r.chisq, observed: r.groups.map((g) => g.observed) },
    };
  },
  /**
   * coxph(Surv(tenure_days, churned) ~ ., ties = "efron"): fitCoxTable (the
   * columns read, the design coded, Newton–Raphson, the tests, the
   * concordance); then coxZph on that fit; then coxReport, the Cox cell's
   * whole job (the same fit, the PH check, the stored model, the preview).
   */
  async cox() {
    let setupMs = 0;
    if (!modelData) [modelData, setupMs] = timedTable(() => modelTable());
    const table = modelData;
    const t0 = performance.now();
    const result = fitCoxTable(table, COX);
    const t1 = performance.now();
    const zph = coxZph(result.fit, result.input, result.pipeline);
    const t2 = performance.now();
    coxFit(result.input, { ties: 'efron' });
    const t3 = performance.now();
    await coxReport(table, COX);
    const t4 = performance.now();
    return {
      ms: t1 - t0,
      setupMs,
      rows: table.rowCount,
      detail: {
        zphMs: t2 - t1,
        coxFitMs: t3 - t2,
        reportMs: t4 - t3,
        iterations: result.fit.iterations,
        events: result.fit.events,
        loglik: result.fit.loglik.model,
        coefficients: result.fit.coefficients.map((c) => c.estimate ?? NaN),
        zphGlobal: zph.global.chisq,
      },
    };
  },
  /** survreg(Surv(tenure_days, churned) ~ ., dist = "weibull"): fitSurvregTable, design to fit. */
  async weibull() {
    let setupMs = 0;
    if (!modelData) [modelData, setupMs] = timedTable(() => modelTable());
    const table = modelData;
    const t0 = performance.now();
    const { fit } = fitSurvregTable(table, {
      duration: 'tenure_days',
      event: 'churned',
      features: MODEL_FEATURES,
      references: MODEL_REFERENCES,
      distribution: 'weibull',
    });
    const ms = performance.now() - t0;
    return {
      ms,
      setupMs,
      rows: table.rowCount,
      detail: {
        iterations: fit.iterations,
        loglik: fit.loglik.model,
        scale: fit.scale,
        coefficients: fit.coefficients.map((c) => c.estimate),
      },
    };
  },
};

self.onmessage = async (event: MessageEvent<{ id: number; name: string }>) => {
  const { id, name } = event.data;
  try {
    const run = requests[name];
    if (!run) throw new Error(`no survival bench request ${name}`);
    self.postMessage({ id, result: await run() });
  } catch (error) {
    self.postMessage({ id, error: String(error instanceof Error ? error.stack : error) });
  }
};
