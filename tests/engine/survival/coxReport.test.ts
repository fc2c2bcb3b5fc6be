// The Cox model cell's job (coxReport): its fit, PH check and predictions
// are cox.ts's, coxZph.ts's and coxPredict.ts's, which cox.test.ts,
// coxZph.test.ts and coxPredict.test.ts check against R survival 3.5-3
// (tests/fixtures/r/cox-reference.json, from make-cox.R); here, that the
// report is built from them faithfully, that a failing PH check is recorded
// without failing the fit, and how profiles become design rows.
import { describe, expect, it, vi } from 'vitest';
import { EngineError } from '../../../src/lib/engine/data/table';
import { fitCoxTable } from '../../../src/lib/engine/survival/cox';
import {
  coxLinearPredictor,
  coxModel,
  coxSurvivalAt,
  coxSurvivalCurve,
} from '../../../src/lib/engine/survival/coxPredict';
import { coxZph } from '../../../src/lib/engine/survival/coxZph';
import {
  coxReport,
  PREVIEW_ROWS,
  type CoxReportSettings,
} from '../../../src/lib/engine/survival/coxReport';
import { tableOf } from './coxFixture';

// A switch for the one test that makes cox.zph fail.
const zphFails = vi.hoisted(() => ({ on: false }));
vi.mock('../../../src/lib/engine/survival/coxZph', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/lib/engine/survival/coxZph')>();
  return {
    ...original,
    coxZph: (...args: Parameters<typeof original.coxZph>) => {
      if (zphFails.on) throw new EngineError('cox.no-features', {});
      return original.coxZph(...args);
    },
  };
});

const rossi = tableOf('cox-rossi.csv');
const veteran = tableOf('cox-veteran.csv');
// R: coxph(Surv(time, status) ~ fin + age + prio + fin:age + strata(wexp), data = rossi)
const ROSSI: CoxReportSettings = {
  duration: 'time',
  event: 'status',
  features: ['fin', 'age', 'prio'],
  interactions: [{ a: 'fin', b: 'age' }],
  strata: ['wexp'],
  horizons: [10, 52],
  profiles: [
    { name: 'average', values: [] },
    {
      name: 'young, financial aid, work experience',
      values: [
        { column: 'age', value: 20 },
        { column: 'fin', value: 1 },
        { column: 'wexp', value: 1 },
      ],
    },
  ],
};
// R: coxph(Surv(time, status) ~ trt + celltype + karno + age, data = veteran)
const VETERAN: CoxReportSettings = {
  duration: 'time',
  event: 'status',
  features: ['trt', 'celltype', 'karno', 'age'],
  references: { celltype: 'large' },
  ties: 'breslow',
  horizons: [100],
  profiles: [
    {
      name: 'squamous, karno 60',
      values: [
        { column: 'celltype', value: 'squamous' },
        { column: 'karno', value: 60 },
      ],
    },
    { name: 'unknown level', values: [{ column: 'celltype', value: 'giant' }] },
    { name: 'not a number', values: [{ column: 'karno', value: 'high' }] },
  ],
};

describe('coxReport', () => {
  it('is fitCoxTable, coxZph and coxModel of the same settings', async () => {
    for (const settings of [ROSSI, VETERAN]) {
      const table = settings === ROSSI ? rossi : veteran;
      const report = await coxReport(table, settings);
      const alone = fitCoxTable(table, settings);
      const { linearPredictors: _, ...fit } = alone.fit;
      expect(report.fit).toEqual(fit);
      // The stored model also records its outcome (status is numeric: no event values).
      expect(report.model).toEqual(coxModel(alone, { duration: 'time', event: 'status' }));
      expect(report.labels).toEqual(alone.pipeline.coefficients.slice(1).map((c) => c.label));
      expect(report.excluded).toBe(alone.excluded);
      const zph = coxZph(alone.fit, alone.input, alone.pipeline);
      if (report.zph.status !== 'checked') throw new Error('PH check failed');
      expect(report.zph.terms).toEqual(zph.terms);
      expect(report.zph.global).toEqual(zph.global);
      expect(report.zph.step).toBe(1);
      expect(Array.from(report.zph.x)).toEqual(Array.from(zph.x));
      expect(report.zph.residuals.map((r) => Array.from(r.values))).toEqual(
        zph.residuals.map((r) => Array.from(r.values)),
      );
    }
  });

  it('previews the first customers: predict(type = "lp"), HR against the average, survival at the horizons', async () => {
    const report = await coxReport(rossi, ROSSI);
    const alone = fitCoxTable(rossi, ROSSI);
    const model = coxModel(alone);
    const { X, p, n, strata } = alone.input;
    const average = Array.from({ length: p }, (_, j) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[i * p + j];
      return s / n;
    });
    expect(report.average).toEqual(average);
    expect(report.preview).toHaveLength(PREVIEW_ROWS);
    report.preview.forEach((c, i) => {
      const x = X.subarray(i * p, (i + 1) * p);
      expect(c.row).toBe(alone.rows[i]);
      expect(c.lp).toBe(coxLinearPredictor(model, x, strata![i]));
      const lp = model.coefficients.reduce((s: number, b, j) => s + b! * (x[j] - average[j]), 0);
      expect(c.hazardRatio).toBeCloseTo(Math.exp(lp), 12);
      expect(c.atHorizons).toEqual(Array.from(coxSurvivalAt(model, x, strata![i], [10, 52])));
    });
  });

  it('predicts each profile’s curve: empty values at the average, named values set, the stratum chosen', async () => {
    const report = await coxReport(rossi, ROSSI);
    const model = coxModel(fitCoxTable(rossi, ROSSI));
    const [average, young] = report.profiles;
    if (average.status !== 'predicted' || young.status !== 'predicted')
      throw new Error('not predicted');
    // The average profile: every feature at its mean (fin:age is the mean of fin × the mean of age, not of the product).
    const [fin, age] = [report.average[0], report.average[1]];
    expect(average.x[0]).toBeCloseTo(fin, 12);
    expect(average.x[1]).toBeCloseTo(age, 12);
    expect(average.x[3]).toBeCloseTo(fin * age, 10);
    expect(average.stratum).toBe('0');
    // Young: fin 1, age 20, prio at its mean, fin:age = 20; stratum wexp = 1.
    expect(young.x).toEqual([1, 20, report.average[2], 20]);
    expect(young.stratum).toBe('1');
    const curve = coxSurvivalCurve(model, young.x, 1);
    expect(Array.from(young.time)).toEqual(curve.time);
    expect(Array.from(young.survival)).toEqual(curve.survival);
    expect(young.lp).toBe(coxLinearPredictor(model, young.x, 1));
    expect(young.atHorizons).toEqual(Array.from(coxSurvivalAt(model, young.x, 1, [10, 52])));
    // Survival falls from below 1 to the last event time.
    expect(young.survival[0]).toBeLessThan(1);
    for (let i = 1; i < young.survival.length; i++)
      expect(young.survival[i]).toBeLessThanOrEqual(young.survival[i - 1]);
  });

  it('codes a profile’s category as treatment contrasts, and records a bad profile without failing the others', async () => {
    const report = await coxReport(veteran, VETERAN);
    const [squamous, unknown, notNumber] = report.profiles;
    if (squamous.status !== 'predicted') throw new Error('not predicted');
    // trt, celltype = adeno / smallcell / squamous vs large, karno, age.
    expect(report.labels).toEqual([
      'trt',
      'celltype = adeno vs large',
      'celltype = smallcell vs large',
      'celltype = squamous vs large',
      'karno',
      'age',
    ]);
    expect(squamous.x.slice(1, 5)).toEqual([0, 0, 1, 60]);
    expect(squamous.stratum).toBeNull();
    expect(unknown).toEqual({
      name: 'unknown level',
      status: 'failed',
      error: { code: 'cox.profile-level', params: { column: 'celltype', level: 'giant' } },
    });
    expect(notNumber).toMatchObject({ status: 'failed', error: { code: 'cox.profile-value' } });
  });

  it('records a failed PH check as data and keeps the fit', async () => {
    zphFails.on = true;
    try {
      const report = await coxReport(rossi, ROSSI);
      expect(report.zph).toEqual({
        status: 'failed',
        error: { code: 'cox.no-features', params: {} },
      });
      expect(report.fit.coefficients).toHaveLength(4);
      expect(report.profiles.every((p) => p.status === 'predicted')).toBe(true);
    } finally {
      zphFails.on = false;
    }
  });

  it('fails with the fit’s error: no events, a monotone likelihood', async () => {
    const noEvents = {
      rowCount: 4,
      columns: [
        { kind: 'number', name: 'time', type: 'decimal', values: Float64Array.of(1, 2, 3, 4) },
        { kind: 'number', name: 'status', type: 'integer', values: Float64Array.of(0, 0, 0, 0) },
        { kind: 'number', name: 'x', type: 'decimal', values: Float64Array.of(1, 3, 2, 4) },
      ],
    } as const;
    await expect(
      coxReport(noEvents, { duration: 'time', event: 'status', features: ['x'] }),
    ).rejects.toMatchObject({ code: 'cox.no-events' });
    // x separates the events: the earliest times have the largest x.
    const separated = {
      rowCount: 6,
      columns: [
        {
          kind: 'number',
          name: 'time',
          type: 'decimal',
          values: Float64Array.of(1, 2, 3, 4, 5, 6),
        },
        {
          kind: 'number',
          name: 'status',
          type: 'integer',
          values: Float64Array.of(1, 1, 1, 0, 1, 0),
        },
        { kind: 'number', name: 'x', type: 'decimal', values: Float64Array.of(6, 5, 4, 3, 2, 1) },
      ],
    } as const;
    await expect(
      coxReport(separated, { duration: 'time', event: 'status', features: ['x'] }),
    ).rejects.toMatchObject({ code: 'cox.monotone-likelihood' });
    // The ridge penalty the cell offers then fits.
    const ridged = await coxReport(separated, {
      duration: 'time',
      event: 'status',
      features: ['x'],
      penalty: 1,
    });
    expect(ridged.fit.ridge?.theta).toBe(1);
  });
});
