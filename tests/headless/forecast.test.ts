// The Survival forecast cell runs headless: the sample notebook with a
// Parametric survival cell and a Cox cell on the insurance book, and a
// forecast cell under each, run in Node by the same runner and handlers as
// the app. The forecasts must agree with what the model cells themselves
// report for their first customers (the Parametric cell's forecast at the
// tenure reached, the Cox cell's lp, hazard ratio and survival from the
// start, each tested against R in tests/engine/survival); the in-force count
// is tallied from the generated book.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { generateInsuranceBook } from '../../src/lib/engine/data/sample/insurance';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import type { Cell, NotebookDocument } from '../../src/lib/notebook/document';
import type { ParametricReport } from '../../src/lib/engine/survival/parametricReport';
import type { CoxReport } from '../../src/lib/engine/survival/coxReport';
import type { ComputeRequests } from '../../src/lib/workers/protocol';

type ForecastResult = ComputeRequests['forecast']['result'];

const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));

const FEATURES = ['age', 'channel', 'late_payments_12m'];

function add<K extends Cell['kind']>(
  doc: NotebookDocument,
  kind: K,
  id: string,
  settings: object,
): void {
  const cell = newCell(kind, doc.cells, { id });
  cell.settings = { ...cell.settings, ...settings } as never;
  doc.cells.push(cell);
}

function forecastNotebook(): NotebookDocument {
  const doc = defaultNotebook(
    [
      {
        id: 'stored-in-some-browser',
        name: 'insurance_policies',
        source: { kind: 'sample', sample: 'insurance_policies' },
      },
    ],
    { id: 'nb', now: new Date('2026-01-01T00:00:00Z') },
  );
  // Every cell reads the book itself (by default a cell takes the nearest
  // dataset above, which for the Cox cell would be the Weibull forecast).
  const input = doc.cells[0].id;
  const survival = { input, duration: 'tenure_months', event: 'lapsed', features: FEATURES };
  add(doc, 'parametric', 'weibull', { ...survival, horizon: 12 });
  add(doc, 'forecast', 'weibull-forecast', { input, model: 'weibull', distribution: 'weibull' });
  add(doc, 'cox', 'cox', { ...survival, horizons: [12, 24, 36] });
  add(doc, 'forecast', 'cox-forecast', { input, model: 'cox', fromStart: true });
  add(doc, 'forecast', 'cox-in-force', { input, model: 'cox' });
  return doc;
}

function column(result: ForecastResult, name: string): number[] {
  const j = result.preview.columns.findIndex((c) => c.name === name);
  if (j < 0) throw new Error(`no column ${name}`);
  return result.preview.rows.map((row) => (row[j] === '' ? NaN : Number(row[j])));
}

function near(actual: number, expected: number, label: string): void {
  if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected)))
    throw new Error(`${label}: ${actual} vs ${expected}`);
}

describe('survival forecast headless', () => {
  it('forecasts the book from a Weibull fit and from a Cox fit', async () => {
    const report = await runNotebook(forecastNotebook(), { files: new Map(), readAppFile });
    const outcome = (id: string) => report.cells.find((c) => c.cell === id)!;
    for (const id of ['weibull', 'weibull-forecast', 'cox', 'cox-forecast', 'cox-in-force'])
      expect(outcome(id).status, id).toBe('done');

    const book = generateInsuranceBook();
    const lapsedColumn = book.policies.columns.find((c) => c.name === 'lapsed')!;
    const lapsedFlags = Array.from((lapsedColumn as { values: Float64Array }).values);
    const lapsed = lapsedFlags.filter((v) => v === 1).length;

    // Weibull, conditional on tenure_months (the model's duration column, by
    // default), in-force policies only.
    const parametric = outcome('weibull').result as ParametricReport;
    const weibull = outcome('weibull-forecast').result as ForecastResult;
    expect(outcome('weibull-forecast').output?.type).toBe('dataset');
    expect(weibull.report).toMatchObject({
      model: 'weibull',
      tenure: 'tenure_months',
      event: 'lapsed',
      rows: 5000,
      lapsed,
      scored: 5000 - lapsed,
      medianBeyond: 0,
    });
    const median = column(weibull, 'median_time');
    const residual = column(weibull, 'median_residual');
    const at12 = column(weibull, 'survival_12');
    for (const customer of parametric.forecast) {
      const p = customer.predictions.weibull!;
      const i = customer.row;
      near(median[i], p.median, `median ${i}`);
      if (lapsedFlags[i] === 1) {
        expect(residual[i]).toBeNaN();
        expect(at12[i]).toBeNaN();
      } else {
        near(residual[i], p.residualMedian, `residual ${i}`);
        near(at12[i], p.survivalAtHorizon!, `S(a + 12 | a) ${i}`);
      }
    }

    // Cox from the start: every policy has lp, the hazard ratio and S(h).
    const cox = outcome('cox').result as CoxReport;
    const coxForecast = outcome('cox-forecast').result as ForecastResult;
    expect(coxForecast.report).toMatchObject({
      model: 'cox',
      tenure: null,
      lapsed: 0,
      scored: 5000,
    });
    const lp = column(coxForecast, 'lp');
    const hr = column(coxForecast, 'hazard_ratio');
    const survival = [12, 24, 36].map((h) => column(coxForecast, `survival_${h}`));
    for (const customer of cox.preview) {
      const i = customer.row;
      near(lp[i], customer.lp, `lp ${i}`);
      near(hr[i], customer.hazardRatio, `hazard ratio ${i}`);
      customer.atHorizons.forEach((s, k) => near(survival[k][i], s, `S(${k}) ${i}`));
    }

    // Cox at the tenure reached: the model's duration column by default, and
    // its event column read as the fit read it.
    expect((outcome('cox-in-force').result as ForecastResult).report).toMatchObject({
      model: 'cox',
      tenure: 'tenure_months',
      event: 'lapsed',
      lapsed,
      scored: 5000 - lapsed,
    });
  }, 180_000);
});
