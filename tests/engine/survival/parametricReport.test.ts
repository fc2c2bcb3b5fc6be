// The Parametric survival cell's job (parametricReport): its fits are
// fitSurvregTable's, which survreg.test.ts checks against R survival 3.5
// (tests/fixtures/r/survreg-reference.json, from make-survreg.R); here, that
// the report is built from them faithfully. The AIC order is R's: e.g. for
// survreg(Surv(time, status) ~ trt + celltype + karno + age, veteran),
// AIC(fit) is 1440.12 (loglogistic) < 1445.61 (lognormal) < 1446.39
// (exponential) < 1447.17 (weibull). lung has two rows with a missing ecog or
// karno, which na.omit leaves out of every fit and so of the KM curve.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CancelledError, EngineError, type DataTable } from '../../../src/lib/engine/data/table';
import { designOf } from '../../../src/lib/engine/models/design';
import { kaplanMeier } from '../../../src/lib/engine/survival/kaplanMeier';
import {
  FORECAST_ROWS,
  GRID_POINTS,
  GRID_REACH,
  parametricReport,
  type ParametricSettings,
} from '../../../src/lib/engine/survival/parametricReport';
import {
  fitSurvregTable,
  SURVREG_DISTRIBUTIONS,
  survregConditionalSurvival,
  survregQuantile,
  survregResidualLife,
  survregSurvival,
} from '../../../src/lib/engine/survival/survreg';
import { readFixtureTable } from './fixtureTable';

const dir = 'tests/fixtures/r';
const reference: { dataset: string; distribution: string; aic: number }[] = JSON.parse(
  readFileSync(`${dir}/survreg-reference.json`, 'utf8'),
);

const veteran = readFixtureTable(`${dir}/data/survreg-veteran.csv`);
const lung = readFixtureTable(`${dir}/data/survreg-lung.csv`);
const VETERAN: ParametricSettings = {
  duration: 'time',
  event: 'status',
  features: ['trt', 'celltype', 'karno', 'age'],
  references: { celltype: 'large' },
};
const LUNG: ParametricSettings = {
  duration: 'time',
  event: 'status',
  features: ['age', 'sex', 'ecog', 'karno'],
};

function numbers(table: DataTable, name: string): Float64Array {
  return (table.columns.find((c) => c.name === name) as { values: Float64Array }).values;
}

describe('parametricReport', () => {
  it('fits all four distributions exactly as fitSurvregTable does', async () => {
    const report = await parametricReport(veteran, VETERAN);
    expect(report.fits.map((f) => f.distribution)).toEqual(SURVREG_DISTRIBUTIONS);
    for (const f of report.fits) {
      if (f.status !== 'fitted') throw new Error(`${f.distribution} failed`);
      const alone = fitSurvregTable(veteran, { ...VETERAN, distribution: f.distribution });
      const { linearPredictors: _, ...fit } = alone.fit;
      expect(f.fit).toEqual(fit);
      expect(f.model).toEqual(alone.model);
      expect(f.timeRatios.map((t) => t.ratio)).toEqual(
        fit.coefficients.map((c) => Math.exp(c.estimate)),
      );
      // exp(β ± 1.959964·se), as exp(confint(fit)).
      const c = fit.coefficients[1];
      expect(f.timeRatios[1].lower).toBeCloseTo(
        Math.exp(c.estimate - 1.959963984540054 * c.se),
        12,
      );
    }
    expect(report.n).toBe(137);
  });

  it('orders the distributions by AIC as R does, the best at Δ 0', async () => {
    const report = await parametricReport(veteran, VETERAN);
    const r = reference.filter((c) => c.dataset === 'veteran');
    const byR = [...r].sort((a, b) => a.aic - b.aic).map((c) => c.distribution);
    const byUs = report.fits
      .filter((f) => f.status === 'fitted')
      .sort((a, b) => a.deltaAic - b.deltaAic)
      .map((f) => f.distribution);
    expect(byUs).toEqual(byR);
    expect(report.best).toBe('loglogistic');
    for (const f of report.fits) {
      if (f.status !== 'fitted') continue;
      const aic = r.find((c) => c.distribution === f.distribution)!.aic;
      expect(f.deltaAic).toBeCloseTo(aic - 1440.1201415711837, 6);
    }
  });

  it('draws each fitted curve as the mean over the rows used of S(t | x)', async () => {
    const report = await parametricReport(lung, LUNG);
    const longest = Math.max(...report.km.time);
    expect(report.grid).toHaveLength(GRID_POINTS);
    expect(report.grid[0]).toBe(0);
    expect(report.grid[GRID_POINTS - 1]).toBeCloseTo(GRID_REACH * longest, 9);
    for (const f of report.fits) {
      if (f.status !== 'fitted') throw new Error(`${f.distribution} failed`);
      const design = designOf(lung, f.model.pipeline, { target: false });
      expect(design.n).toBe(226);
      const mean = new Float64Array(GRID_POINTS);
      for (let i = 0; i < design.n; i++) {
        const s = survregSurvival(
          f.model,
          design.X.subarray(i * design.p, (i + 1) * design.p),
          report.grid,
        );
        for (let j = 0; j < GRID_POINTS; j++) mean[j] += s[j] / design.n;
      }
      expect(f.curve[0]).toBe(1);
      for (let j = 0; j < GRID_POINTS; j++) expect(f.curve[j]).toBeCloseTo(mean[j], 12);
    }
  });

  it('takes the Kaplan–Meier curve of the rows the fits used', async () => {
    const report = await parametricReport(lung, LUNG);
    const { rows } = fitSurvregTable(lung, { ...LUNG, distribution: 'weibull' });
    expect(rows).toHaveLength(226);
    const time = numbers(lung, 'time');
    const status = numbers(lung, 'status');
    const expected = kaplanMeier(
      Float64Array.from(rows, (r) => time[r]),
      Uint8Array.from(rows, (r) => status[r]),
    );
    expect(report.km).toEqual(expected);
    expect(report.km.n).toBe(226);
    expect(report.excluded).toBe(2);
    // Not the curve of all 228 rows.
    expect(kaplanMeier(time, Uint8Array.from(status)).n).toBe(228);
  });

  it('records a failing distribution and fits the others', async () => {
    // R needs 6 iterations for the Weibull fit, at most 5 for the others.
    const report = await parametricReport(veteran, VETERAN, undefined, { maxiter: 5 });
    const weibull = report.fits.find((f) => f.distribution === 'weibull')!;
    expect(weibull).toEqual({
      distribution: 'weibull',
      status: 'failed',
      error: { code: 'survreg.not-converged', params: { iterations: 5 } },
    });
    expect(report.fits.filter((f) => f.status === 'fitted')).toHaveLength(3);
    expect(report.best).toBe('loglogistic');
  });

  it('fails with the error when every distribution fails', async () => {
    const settings = { ...VETERAN, features: ['time'] };
    await expect(parametricReport(veteran, settings)).rejects.toThrow(EngineError);
    await expect(parametricReport(veteran, settings)).rejects.toMatchObject({
      code: 'survreg.outcome-as-feature',
    });
  });

  it('forecasts the first customers at the tenure reached', async () => {
    const report = await parametricReport(veteran, { ...VETERAN, horizon: 30 });
    expect(report.tenure).toBe('time');
    expect(report.forecast).toHaveLength(FORECAST_ROWS);
    const time = numbers(veteran, 'time');
    const f = report.fits.find((d) => d.distribution === 'lognormal')!;
    if (f.status !== 'fitted') throw new Error('lognormal failed');
    const design = designOf(veteran, f.model.pipeline, { target: false });
    for (let i = 0; i < FORECAST_ROWS; i++) {
      const customer = report.forecast[i];
      expect(customer.row).toBe(design.rows[i]);
      const x = design.X.subarray(i * design.p, (i + 1) * design.p);
      const a = time[customer.row];
      const p = customer.predictions.lognormal!;
      expect(customer.tenure).toBe(a);
      expect(p.median).toBe(survregQuantile(f.model, x, 0.5).estimate);
      expect(p.residualMedian).toBe(survregResidualLife(f.model, x, a));
      expect(p.survivalAtHorizon).toBe(survregConditionalSurvival(f.model, x, a, [a + 30])[0]);
    }
  });

  it('reports progress per fit, and a cancel ends it', async () => {
    const seen: [number, number][] = [];
    await parametricReport(veteran, VETERAN, {
      report: (done, total) => {
        seen.push([done, total]);
        return Promise.resolve();
      },
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5].map((d) => [d, 5]));
    const cancelled = parametricReport(veteran, VETERAN, {
      report: (done) => (done === 2 ? Promise.reject(new CancelledError()) : Promise.resolve()),
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
  });
});
