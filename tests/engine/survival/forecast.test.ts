// Per-customer forecasts (src/lib/engine/survival/forecast.ts) against R:
// tests/fixtures/r/forecast-reference.json, written by
// tests/fixtures/r/make-forecast.R (R 4.2, survival 3.5-3), for eight
// customers (rossi rows 1–6 and two made up) of models fitted on all of rossi:
// - cox: coxph(Surv(week, arrest) ~ fin + age + prio + wexp, ties = "efron");
//   lp from predict(fit, newdata, type = "lp") and exp(lp); the hazard ratio
//   against the average customer as exp(sum(coef * (x - colMeans(model.matrix(fit)))))
//   (fit$means puts 0/1 columns at 0, so it is not exp(lp));
//   survival from summary(survfit(fit, newdata = row), times = c(a, a + h),
//   extend = TRUE)$surv, conditional as S(a + h) / S(a) (a = 0: S(h)); the
//   median residual life as min(time[surv / S(a) <= 0.5 & time > a]) − a on
//   that survfit curve, NA (here NaN) when it never gets there;
// - survreg(..., dist = "weibull" | "loglogistic"): median_time from
//   predict(type = "quantile", p = 0.5), survival from 1 − psurvreg(t, lp,
//   scale, dist), the median residual life by uniroot on S(a + m) / S(a) = ½.
// a is the customer's week (the tenure column) or 0 (no tenure column).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError, type Column, type DataTable } from '../../../src/lib/engine/data/table';
import { fitCoxTable } from '../../../src/lib/engine/survival/cox';
import { coxModel } from '../../../src/lib/engine/survival/coxPredict';
import { coxReport } from '../../../src/lib/engine/survival/coxReport';
import {
  forecastTable,
  survivalColumnName,
  type ForecastModel,
} from '../../../src/lib/engine/survival/forecast';
import { parametricReport } from '../../../src/lib/engine/survival/parametricReport';
import { fitSurvregTable } from '../../../src/lib/engine/survival/survreg';
import { readFixtureTable } from './fixtureTable';

interface RForecast {
  survival: number[];
  median_residual: number | null;
}
interface Reference {
  features: string[];
  horizons: number[];
  newdata: Record<string, number[]>;
  cox: {
    call: string;
    average: number[];
    rows: {
      lp: number;
      hazard_ratio: number;
      hazard_ratio_average: number;
      from_start: RForecast;
      at_tenure: RForecast;
    }[];
  };
  survreg: {
    distribution: 'weibull' | 'loglogistic';
    call: string;
    rows: { median_time: number; from_start: RForecast; at_tenure: RForecast }[];
  }[];
}

const ref = JSON.parse(
  readFileSync('tests/fixtures/r/forecast-reference.json', 'utf8'),
) as Reference;
const rossi = readFixtureTable('tests/fixtures/datasets/lifelines__rossi.csv');

function num(name: string, values: ArrayLike<number>): Column {
  return { kind: 'number', name, type: 'integer', values: Float64Array.from(values) };
}

/** R's newdata as a table: week (the tenure) and the features. */
const customers: DataTable = {
  rowCount: ref.newdata.week.length,
  columns: Object.entries(ref.newdata).map(([name, values]) => num(name, values)),
};

const formula = { duration: 'week', event: 'arrest', features: ref.features };
const cox = JSON.parse(
  JSON.stringify(
    coxModel(
      fitCoxTable(rossi, {
        ...formula,
        interactions: [],
        references: {},
        strata: [],
        ties: 'efron',
      }),
    ),
  ),
) as ForecastModel;
const survregModel = (distribution: 'weibull' | 'loglogistic') =>
  fitSurvregTable(rossi, { ...formula, distribution }).model;

/** Relative 1e-6 (absolute below 1e-12); a null from R is NaN here. */
function expectNear(actual: number, expected: number | null, label: string): void {
  if (expected === null) {
    expect(actual, label).toBeNaN();
    return;
  }
  const error = Math.abs(actual - expected);
  if (error > 1e-6 * Math.abs(expected) && error > 1e-12)
    throw new Error(`${label}: ${actual} vs R ${expected}`);
}

function values(table: DataTable, name: string): Float64Array {
  const column = table.columns.find((c) => c.name === name);
  if (!column || column.kind !== 'number') throw new Error(`no numeric column ${name}`);
  return column.values;
}

function expectForecast(
  table: DataTable,
  names: { medianResidual: string | null; survival: string[] },
  row: number,
  expected: RForecast,
  label: string,
): void {
  expectNear(
    values(table, names.medianResidual!)[row],
    expected.median_residual,
    `${label} median`,
  );
  names.survival.forEach((name, h) =>
    expectNear(values(table, name)[row], expected.survival[h], `${label} ${name}`),
  );
}

describe('forecastTable against R', () => {
  it(`Cox: ${ref.cox.call}`, async () => {
    for (const tenure of [null, 'week'] as const) {
      const { table, report } = await forecastTable(customers, cox, {
        tenure,
        horizons: ref.horizons,
        average: ref.cox.average,
      });
      expect(report.columns).toEqual({
        lp: 'lp',
        hazardRatio: 'hazard_ratio',
        medianTime: null,
        medianResidual: 'median_residual',
        survival: ['survival_4', 'survival_12', 'survival_26'],
      });
      ref.cox.rows.forEach((r, i) => {
        expectNear(values(table, 'lp')[i], r.lp, `lp ${i}`);
        expectNear(values(table, 'hazard_ratio')[i], r.hazard_ratio_average, `hazard ratio ${i}`);
        expectForecast(
          table,
          report.columns,
          i,
          tenure ? r.at_tenure : r.from_start,
          `row ${i} ${tenure}`,
        );
      });
      const beyond = ref.cox.rows.filter(
        (r) => (tenure ? r.at_tenure : r.from_start).median_residual === null,
      ).length;
      expect(report.medianBeyond).toBe(beyond);
      expect(report.scored).toBe(customers.rowCount);
      // Rossi's last arrest is in week 52.
      expect(report.followUp).toBe(52);
    }
    // Without x̄ the hazard ratio is exp(lp): predict(fit, type = "risk").
    const { table } = await forecastTable(customers, cox, { tenure: null, horizons: [4] });
    ref.cox.rows.forEach((r, i) =>
      expectNear(values(table, 'hazard_ratio')[i], r.hazard_ratio, `exp(lp) ${i}`),
    );
  });

  for (const fit of ref.survreg)
    it(fit.call, async () => {
      const model = survregModel(fit.distribution);
      for (const tenure of [null, 'week'] as const) {
        const { table, report } = await forecastTable(customers, model, {
          tenure,
          horizons: ref.horizons,
        });
        expect(report.model).toBe(fit.distribution);
        expect(report.columns.lp).toBeNull();
        expect(report.columns.medianTime).toBe('median_time');
        fit.rows.forEach((r, i) => {
          expectNear(values(table, 'median_time')[i], r.median_time, `median time ${i}`);
          expectForecast(
            table,
            report.columns,
            i,
            tenure ? r.at_tenure : r.from_start,
            `row ${i} ${tenure}`,
          );
        });
        expect(report.medianBeyond).toBe(0);
        expect(report.followUp).toBeNull();
      }
    });
});

describe('forecastTable: columns, counts and summaries', () => {
  it('keeps the input columns and suffixes a new name the input already has', async () => {
    const input: DataTable = {
      rowCount: customers.rowCount,
      columns: [...customers.columns, num('survival_4', new Array(customers.rowCount).fill(7))],
    };
    const { table, report } = await forecastTable(input, cox, { tenure: null, horizons: [4] });
    expect(table.columns.map((c) => c.name)).toEqual([
      ...input.columns.map((c) => c.name),
      'lp',
      'hazard_ratio',
      'median_residual',
      'survival_4_2',
    ]);
    expect(report.columns.survival).toEqual(['survival_4_2']);
    expect(values(table, 'survival_4')[0]).toBe(7);
    expect(survivalColumnName(1.5)).toBe('survival_1_5');
  });

  it('counts rows with a missing feature or tenure and leaves their forecasts missing', async () => {
    const week = Float64Array.from(ref.newdata.week);
    week[1] = NaN;
    week[2] = -1;
    const age = Float64Array.from(ref.newdata.age);
    age[3] = NaN;
    const input: DataTable = {
      rowCount: customers.rowCount,
      columns: customers.columns.map((c) =>
        c.name === 'week' ? num('week', week) : c.name === 'age' ? num('age', age) : c,
      ),
    };
    const model = survregModel('weibull');
    const { table, report } = await forecastTable(input, model, {
      tenure: 'week',
      horizons: [12],
    });
    expect(report.missingFeature).toBe(1);
    expect(report.missingTenure).toBe(2);
    expect(report.scored).toBe(customers.rowCount - 3);
    // The median from the start needs no tenure; the conditional forecasts do.
    expectNear(values(table, 'median_time')[1], ref.survreg[0].rows[1].median_time, 'median');
    expect(values(table, 'median_residual')[1]).toBeNaN();
    expect(values(table, 'survival_12')[2]).toBeNaN();
    expect(values(table, 'median_time')[3]).toBeNaN();
    // The mean over the rows forecast, and type-7 quartiles of the median residual life.
    const kept = [0, 4, 5, 6, 7];
    const s12 = kept.map((i) => ref.survreg[0].rows[i].at_tenure.survival[1]);
    expectNear(report.meanSurvival[0]!, s12.reduce((a, b) => a + b) / s12.length, 'mean');
    const m = kept
      .map((i) => ref.survreg[0].rows[i].at_tenure.median_residual!)
      .sort((a, b) => a - b);
    expect(report.residual!.rows).toBe(5);
    expectNear(report.residual!.min, m[0], 'min');
    expectNear(report.residual!.q1, m[1], 'q1');
    expectNear(report.residual!.median, m[2], 'median');
    expectNear(report.residual!.max, m[4], 'max');
  });

  it('reports progress per chunk of rows and ends at done = total', async () => {
    const calls: [number, number][] = [];
    await forecastTable(
      rossi,
      cox,
      { tenure: 'week', horizons: [12] },
      {
        report: async (done, total) => {
          calls.push([done, total]);
        },
      },
    );
    expect(calls.at(-1)).toEqual([1, 1]);
  });
});

async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    if (e instanceof EngineError) return `${e.code} ${JSON.stringify(e.params)}`;
    throw e;
  }
  return 'no error';
}

describe('forecastTable: bad input', () => {
  it('refuses no horizons, a horizon ≤ 0, a tenure that is not numeric, a missing or retyped feature', async () => {
    const options = { tenure: null, horizons: [12] };
    expect(await code(() => forecastTable(customers, cox, { ...options, horizons: [] }))).toBe(
      'forecast.no-horizons {}',
    );
    expect(await code(() => forecastTable(customers, cox, { ...options, horizons: [0] }))).toBe(
      'forecast.bad-horizon {"horizon":0}',
    );
    const label: Column = {
      kind: 'string',
      name: 'segment',
      type: 'categorical',
      codes: new Int32Array(customers.rowCount),
      dictionary: ['a'],
    };
    const withLabel: DataTable = { ...customers, columns: [...customers.columns, label] };
    expect(await code(() => forecastTable(withLabel, cox, { ...options, tenure: 'segment' }))).toBe(
      'forecast.tenure-not-numeric {"column":"segment","type":"categorical"}',
    );
    const noAge: DataTable = {
      ...customers,
      columns: customers.columns.filter((c) => c.name !== 'age'),
    };
    expect(await code(() => forecastTable(noAge, cox, options))).toBe(
      'forecast.columns-missing {"columns":"age","count":1}',
    );
    const onlyWeek: DataTable = {
      ...customers,
      columns: customers.columns.filter((c) => c.name === 'week' || c.name === 'prio'),
    };
    expect(await code(() => forecastTable(onlyWeek, survregModel('weibull'), options))).toBe(
      'forecast.columns-missing {"columns":"fin, age, wexp","count":3}',
    );
    const ageAsText: DataTable = {
      ...customers,
      columns: customers.columns.map((c) => (c.name === 'age' ? { ...label, name: 'age' } : c)),
    };
    expect(await code(() => forecastTable(ageAsText, survregModel('weibull'), options))).toBe(
      'model.column-type {"column":"age","expected":"numeric"}',
    );
  });
});

describe('forecastTable: customers in force, columns chosen, unseen levels', () => {
  // rossi rows 1–3 were arrested (arrest = 1); rows 4–6 and the two made up were not.
  const arrest = num('arrest', [1, 1, 1, 0, 0, 0, 0, 0]);
  const withEvent: DataTable = { ...customers, columns: [...customers.columns, arrest] };

  it('leaves those already lapsed without a conditional forecast, and counts them', async () => {
    const { table, report } = await forecastTable(withEvent, cox, {
      tenure: 'week',
      horizons: ref.horizons,
      inForce: true,
    });
    expect(report.event).toBe('arrest');
    expect(report.lapsed).toBe(3);
    expect(report.scored).toBe(5);
    ref.cox.rows.forEach((r, i) => {
      // lp and the hazard ratio do not depend on the tenure: every row keeps them.
      expectNear(values(table, 'lp')[i], r.lp, `lp ${i}`);
      if (i < 3) {
        expect(values(table, 'survival_12')[i]).toBeNaN();
        expect(values(table, 'median_residual')[i]).toBeNaN();
      } else expectForecast(table, report.columns, i, r.at_tenure, `row ${i}`);
    });
    // From the start (no tenure) every row is forecast: the in-force rule needs a tenure.
    const fromStart = await forecastTable(withEvent, cox, {
      tenure: null,
      horizons: ref.horizons,
      inForce: true,
    });
    expect(fromStart.report.lapsed).toBe(0);
    expect(fromStart.report.event).toBeNull();
    // A table without the model's event column (a new month's file): all in force.
    const noEvent = await forecastTable(customers, cox, {
      tenure: 'week',
      horizons: ref.horizons,
      inForce: true,
    });
    expect(noEvent.report.event).toBeNull();
    expect(noEvent.report.scored).toBe(customers.rowCount);
  });

  it('adds only the columns chosen', async () => {
    const { table, report } = await forecastTable(customers, survregModel('weibull'), {
      tenure: 'week',
      horizons: [4, 12],
      columns: ['median_residual', 'lp'],
    });
    // lp is a Cox column: a parametric model has none to add.
    expect(table.columns.map((c) => c.name)).toEqual([
      ...customers.columns.map((c) => c.name),
      'median_residual',
    ]);
    expect(report.columns).toEqual({
      lp: null,
      hazardRatio: null,
      medianTime: null,
      medianResidual: 'median_residual',
      survival: [],
    });
    // The report's summaries do not depend on the columns kept.
    expectNear(
      report.meanSurvival[1]!,
      mean(ref.survreg[0].rows.map((r) => r.at_tenure.survival[1])),
      'mean',
    );
  });

  it('bins the median residual life from 0 to its 99th percentile', async () => {
    const { report } = await forecastTable(customers, survregModel('loglogistic'), {
      tenure: 'week',
      horizons: [12],
    });
    const m = ref.survreg[1].rows.map((r) => r.at_tenure.median_residual!).sort((a, b) => a - b);
    // Type 7: h = 7 × 0.99 = 6.93, between the 7th and 8th order statistics.
    const p99 = m[6] + 0.93 * (m[7] - m[6]);
    const h = report.histogram!;
    expectNear(h.width, p99 / 20, 'width');
    expect(h.counts).toHaveLength(20);
    expect(h.beyond).toBe(1);
    expect(h.counts.reduce((a, b) => a + b) + h.beyond).toBe(8);
    for (const v of m.slice(0, 7))
      expect(h.counts[Math.min(19, Math.floor(v / h.width))]).toBeGreaterThan(0);
  });

  it('names a level the model never saw', async () => {
    const fin = (t: DataTable, levels: string[]): DataTable => ({
      ...t,
      columns: t.columns.map((c) =>
        c.name === 'fin' && c.kind === 'number'
          ? {
              kind: 'string',
              name: 'fin',
              type: 'categorical',
              codes: Int32Array.from(c.values, (v) => (v === 1 && levels.length > 2 ? 2 : v)),
              dictionary: levels,
            }
          : c,
      ),
    });
    const model = fitSurvregTable(fin(rossi, ['no', 'yes']), {
      ...formula,
      distribution: 'weibull',
    }).model;
    expect(
      await code(() =>
        forecastTable(fin(customers, ['no', 'yes', 'maybe']), model, {
          tenure: null,
          horizons: [12],
        }),
      ),
    ).toBe('forecast.unseen-level {"column":"fin","level":"maybe"}');
  });
});

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b) / xs.length;
}

describe('forecastTable: events read as the fit read them (the model’s outcome)', () => {
  // status is rossi's arrest coded as lung codes its status: 1 censored, 2
  // the event; with event values ['2'] the fits are R's Surv(week, arrest)
  // ones, so the same reference applies. The old rule (non-zero) would call
  // every row lapsed.
  const status = (t: DataTable): Column => {
    const arrest = t.columns.find((c) => c.name === 'arrest') as { values: Float64Array };
    return num(
      'status',
      Array.from(arrest.values, (v) => v + 1),
    );
  };
  const rossiStatus: DataTable = { ...rossi, columns: [...rossi.columns, status(rossi)] };
  const customersStatus: DataTable = {
    ...customers,
    columns: [...customers.columns, num('status', [2, 2, 2, 1, 1, 1, 1, 1])],
  };
  const settings = { ...formula, event: 'status', eventValues: ['2'] };

  it('records the duration column and the event values in the Cox and survreg models', async () => {
    const cox = await coxReport(rossiStatus, { ...settings, ties: 'efron' });
    expect(cox.model.outcome).toEqual({ duration: 'week', event: 'status', eventValues: ['2'] });
    expect(fitSurvregTable(rossi, { ...formula, distribution: 'weibull' }).model.outcome).toEqual({
      duration: 'week',
      event: 'arrest',
    });
    const parametric = await parametricReport(rossiStatus, settings);
    for (const fit of parametric.fits)
      if (fit.status === 'fitted')
        expect(fit.model.outcome).toEqual({
          duration: 'week',
          event: 'status',
          eventValues: ['2'],
        });
  });

  it('counts as lapsed only the rows with the model’s event values', async () => {
    const model = (await coxReport(rossiStatus, { ...settings, ties: 'efron' })).model;
    const { table, report } = await forecastTable(customersStatus, model, {
      tenure: 'week',
      horizons: ref.horizons,
      inForce: true,
    });
    expect(report.event).toBe('status');
    expect(report.lapsed).toBe(3);
    expect(report.scored).toBe(5);
    ref.cox.rows.forEach((r, i) => {
      expectNear(values(table, 'lp')[i], r.lp, `lp ${i}`);
      if (i < 3) expect(values(table, 'median_residual')[i]).toBeNaN();
      else expectForecast(table, report.columns, i, r.at_tenure, `row ${i}`);
    });
    const weibull = fitSurvregTable(rossiStatus, { ...settings, distribution: 'weibull' }).model;
    const w = await forecastTable(customersStatus, weibull, {
      tenure: 'week',
      horizons: ref.horizons,
      inForce: true,
    });
    expect([w.report.lapsed, w.report.scored]).toEqual([3, 5]);
    ref.survreg[0].rows.forEach((r, i) => {
      if (i >= 3) expectForecast(w.table, w.report.columns, i, r.at_tenure, `weibull row ${i}`);
    });
  });

  it('reads a text event column by the guessed value, also in a file where no one has lapsed', async () => {
    const text = (t: DataTable, flags: ArrayLike<number>): DataTable => ({
      ...t,
      columns: [
        ...t.columns,
        {
          kind: 'string',
          name: 'arrested',
          type: 'categorical',
          codes: Int32Array.from(flags),
          dictionary: ['no', 'yes'],
        },
      ],
    });
    const arrest = rossi.columns.find((c) => c.name === 'arrest') as { values: Float64Array };
    const model = fitSurvregTable(text(rossi, arrest.values), {
      ...formula,
      event: 'arrested',
      distribution: 'weibull',
    }).model;
    // 'yes' is the two-valued guess, recorded as the fit read it.
    expect(model.outcome).toEqual({ duration: 'week', event: 'arrested', eventValues: ['yes'] });
    const book = await forecastTable(text(customers, [1, 1, 1, 0, 0, 0, 0, 0]), model, {
      tenure: 'week',
      horizons: ref.horizons,
      inForce: true,
    });
    expect([book.report.lapsed, book.report.scored]).toEqual([3, 5]);
    // A new month's file of policies in force: only 'no' (a guess would have no two values to read).
    const inForce = await forecastTable(text(customers, new Array(8).fill(0)), model, {
      tenure: 'week',
      horizons: ref.horizons,
      inForce: true,
    });
    expect(inForce.report).toMatchObject({ event: 'arrested', lapsed: 0, scored: 8 });
    ref.survreg[0].rows.forEach((r, i) =>
      expectForecast(inForce.table, inForce.report.columns, i, r.at_tenure, `row ${i}`),
    );
  });
});
