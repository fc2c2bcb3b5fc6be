// Parametric survival regression against R. Every expected value comes from
// tests/fixtures/r/survreg-reference.json, written by
// tests/fixtures/r/make-survreg.R (R 4, survival 3.5-3); each case records its
// call, e.g. survreg(Surv(time, status) ~ trt + celltype + karno + age,
// data = veteran, dist = 'lognormal') with celltype releveled to 'large', and
// the predictions' calls: predict(fit, newdata, type = 'quantile', p =
// c(0.1, 0.5, 0.9), se.fit = TRUE), 1 - psurvreg(t, lp, scale, dist) and
// qsurvreg(1 - S(a) / 2, lp, scale, dist) - a.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError, type DataTable } from '../../../src/lib/engine/data/table';
import { generateInsuranceBook, LAPSE_MODEL } from '../../../src/lib/engine/data/sample/insurance';
import { designOf } from '../../../src/lib/engine/models/design';
import {
  fitSurvregTable,
  residualLifeTable,
  survreg,
  survregConditionalSurvival,
  survregQuantile,
  survregResidualLife,
  survregSurvival,
  type SurvregDistribution,
} from '../../../src/lib/engine/survival/survreg';
import { readFixtureTable } from './fixtureTable';

interface RCase {
  dataset: string;
  file: string;
  distribution: SurvregDistribution;
  call: string;
  features: string[];
  interactions: { a: string; b: string }[];
  references: Record<string, string>;
  n: number;
  names: string[];
  coefficients: number[];
  se: number[];
  z: number[];
  p: number[];
  scale: number;
  logScale: { estimate: number; se: number; z: number; p: number } | null;
  var: number[];
  loglik: [number, number];
  chisq: number;
  df: number;
  pValue: number;
  aic: number;
  iter: number;
  predict: {
    rows: number[];
    p: number[];
    lp: number[];
    quantile: number[];
    quantileSe: number[];
    times: number[];
    survival: number[];
    tenure: number;
    conditional: number[];
    medianResidual: number[];
  };
}

const dir = 'tests/fixtures/r';
const cases: RCase[] = JSON.parse(readFileSync(`${dir}/survreg-reference.json`, 'utf8'));
const tables = new Map<string, DataTable>();
const tableOf = (file: string): DataTable => {
  if (!tables.has(file)) tables.set(file, readFixtureTable(`${dir}/data/${file}`));
  return tables.get(file)!;
};

const REL = 1e-9;
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = REL): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    const tol = rel * Math.max(Math.abs(e), 1e-300) + 1e-300;
    if (!(Math.abs(a - e) <= tol)) expect.fail(`[${i}] ${a} vs R ${e} (rel ${(a - e) / e})`);
  }
}

/** Relative to the matrix's largest entry: off-diagonal covariances near 0 have no relative precision. */
function closeMatrix(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = REL): void {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++)
    if (!(Math.abs(actual[i] - expected[i]) <= rel * max))
      expect.fail(`[${i}] ${actual[i]} vs R ${expected[i]}`);
}

function fitCase(c: RCase) {
  return fitSurvregTable(tableOf(c.file), {
    duration: 'time',
    event: 'status',
    features: c.features,
    interactions: c.interactions,
    references: c.references,
    distribution: c.distribution,
  });
}

describe('survreg against R survival 3.5', () => {
  for (const c of cases) {
    describe(c.call, () => {
      const { fit, model, rows } = fitCase(c);
      it('coefficients, summary table, scale and covariance', () => {
        expect(fit.n).toBe(c.n);
        expect(fit.coefficients.map((r) => r.name)).toEqual(c.names);
        close(
          fit.coefficients.map((r) => r.estimate),
          c.coefficients,
        );
        close(
          fit.coefficients.map((r) => r.se),
          c.se,
        );
        close(
          fit.coefficients.map((r) => r.z),
          c.z,
        );
        close(
          fit.coefficients.map((r) => r.p),
          c.p,
          1e-7,
        );
        close([fit.scale], [c.scale]);
        if (c.logScale) {
          const ls = fit.logScale!;
          close([ls.estimate, ls.se, ls.z], [c.logScale.estimate, c.logScale.se, c.logScale.z]);
          close([ls.p], [c.logScale.p], 1e-7);
        } else expect(fit.logScale).toBeNull();
        closeMatrix(fit.covariance, c.var);
      });
      it('log-likelihoods, LR chi-square, AIC, iterations', () => {
        close([fit.loglik.null, fit.loglik.model], c.loglik);
        close([fit.chisq, fit.aic], [c.chisq, c.aic]);
        expect(fit.df).toBe(c.df);
        close([fit.pValue], [c.pValue], 1e-7);
        expect(fit.iterations).toBe(c.iter);
        expect(fit.converged).toBe(true);
      });
      it('quantiles with SE, S(t | x), conditional survival and median residual life', () => {
        const pr = c.predict;
        const design = designOf(tableOf(c.file), model.pipeline, { target: false });
        const p = design.p;
        pr.rows.forEach((row, k) => {
          const i = Array.from(design.rows).indexOf(row);
          const x = design.X.slice(i * p, (i + 1) * p);
          const q = pr.p.map((pp) => survregQuantile(model, x, pp));
          const nq = pr.p.length;
          close(
            q.map((v) => v.estimate),
            pr.quantile.slice(k * nq, (k + 1) * nq),
          );
          close(
            q.map((v) => v.se),
            pr.quantileSe.slice(k * nq, (k + 1) * nq),
          );
          const nt = pr.times.length;
          close(survregSurvival(model, x, pr.times), pr.survival.slice(k * nt, (k + 1) * nt));
          close(
            survregConditionalSurvival(model, x, pr.tenure, pr.times),
            pr.conditional
              .slice(k * nt, (k + 1) * nt)
              .map((v, j) => (pr.times[j] <= pr.tenure ? 1 : v)),
          );
          close([survregResidualLife(model, x, pr.tenure)], [pr.medianResidual[k]], 1e-8);
        });
        expect(rows.length).toBe(c.n);
      });
    });
  }
});

/** A table of numeric columns, for the error cases. */
function numbers(cols: Record<string, number[]>): DataTable {
  const names = Object.keys(cols);
  return {
    rowCount: cols[names[0]].length,
    columns: names.map((name) => ({
      kind: 'number' as const,
      name,
      type: 'decimal' as const,
      values: Float64Array.from(cols[name]),
    })),
  };
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (error instanceof EngineError) return `${error.code} ${JSON.stringify(error.params)}`;
    throw error;
  }
  return 'no error';
}

describe('survreg trouble as EngineError', () => {
  const base = {
    time: [5, 8, 3, 12, 7, 9, 4, 11],
    status: [1, 0, 1, 1, 0, 1, 1, 0],
    x: [1, 2, 3, 4, 5, 6, 7, 8],
  };
  const settings = (over: object) => ({
    duration: 'time',
    event: 'status',
    features: ['x'],
    distribution: 'weibull' as const,
    ...over,
  });
  it('no events', () => {
    const t = numbers({ ...base, status: base.status.map(() => 0) });
    expect(code(() => fitSurvregTable(t, settings({})))).toBe('survreg.no-events {"rows":8}');
  });
  it('zero or negative durations, with the column and how many', () => {
    const t = numbers({ ...base, time: [0, 8, 3, -1, 7, 9, 4, 11] });
    expect(code(() => fitSurvregTable(t, settings({})))).toBe(
      'survreg.time-not-positive {"column":"time","rows":2}',
    );
  });
  it('a constant feature, named', () => {
    const t = numbers({ ...base, c: base.x.map(() => 2) });
    expect(code(() => fitSurvregTable(t, settings({ features: ['x', 'c'] })))).toBe(
      'survreg.constant-feature {"column":"c"}',
    );
  });
  it('a collinear feature, named', () => {
    const t = numbers({ ...base, x2: base.x.map((v) => 3 * v - 1) });
    expect(code(() => fitSurvregTable(t, settings({ features: ['x', 'x2'] })))).toBe(
      'survreg.collinear-feature {"column":"x2"}',
    );
  });
  it('non-convergence within maxiter', () => {
    const t = numbers(base);
    expect(code(() => fitSurvregTable(t, settings({}), { maxiter: 1 }))).toBe(
      'survreg.not-converged {"iterations":1}',
    );
  });
  it('the outcome as a feature', () => {
    expect(code(() => fitSurvregTable(numbers(base), settings({ features: ['time'] })))).toBe(
      'survreg.outcome-as-feature {"column":"time"}',
    );
  });
  it('an unknown distribution', () => {
    const d = { n: 1, p: 1, X: Float64Array.of(1), names: ['(Intercept)'] };
    expect(
      code(() => survreg(d, Float64Array.of(1), Uint8Array.of(1), 'gamma' as SurvregDistribution)),
    ).toBe('survreg.distribution-invalid {"value":"gamma"}');
  });
});

describe('median residual life per customer (closed forms)', () => {
  const { model } = fitCase(
    cases.find((c) => c.dataset === 'veteran' && c.distribution === 'weibull')!,
  );
  const table = tableOf('survreg-veteran.csv');
  it('S(a + m | x) / S(a | x) = 1/2 at the residual life m, for every row', () => {
    const m = residualLifeTable(model, table, 'time');
    const design = designOf(table, model.pipeline, { target: false });
    const time = (table.columns.find((c) => c.name === 'time')! as { values: Float64Array }).values;
    for (let i = 0; i < design.n; i++) {
      const r = design.rows[i];
      const x = design.X.slice(i * design.p, (i + 1) * design.p);
      const a = time[r];
      const [ratio] = survregConditionalSurvival(model, x, a, [a + m[r]]);
      expect(ratio).toBeCloseTo(0.5, 12);
      // Weibull in closed form: m = λ_x (t_a^k... ) i.e. exp(η)·((a/e^η)^{1/σ} + log 2)^σ − a.
      const eta = x.reduce((s, v, j) => s + v * model.coefficients[j], 0);
      const k = 1 / model.scale;
      const closed = Math.exp(eta) * Math.pow(Math.pow(a / Math.exp(eta), k) + Math.LN2, 1 / k) - a;
      expect(Math.abs(m[r] - closed)).toBeLessThanOrEqual(1e-9 * closed);
    }
  });
  it('at tenure 0 the residual median is the median, predict(type = "quantile", p = 0.5)', () => {
    const design = designOf(table, model.pipeline, { target: false });
    const x = design.X.slice(0, design.p);
    const median = survregQuantile(model, x, 0.5).estimate;
    expect(Math.abs(survregResidualLife(model, x, 0) - median)).toBeLessThanOrEqual(1e-12 * median);
  });
});

describe('teaching: a Weibull fit on the sample insurance book recovers the lapse model', () => {
  // The generator (src/lib/engine/data/sample/insurance.ts, docs/sample-data.md)
  // draws lapse times from a Weibull proportional-hazards model,
  //   S(t | x) = exp(−(t/λ)^k · exp(βx)),  k = 0.8, λ = 300 months,
  // with age entering as (age − 40). Written as an accelerated failure time,
  //   log T = log λ − βx/k + (1/k)·W,  W standard extreme value,
  // so survreg's scale is σ = 1/k, each slope is −β_j/k (β_j = −slope·k), and
  // the intercept is log λ + 40·β_age/k (the centring moved into it). Times
  // are rounded to whole days and 2 dp of months, far below the estimates' SE.
  const { policies } = generateInsuranceBook();
  const { fit } = fitSurvregTable(policies, {
    duration: 'tenure_months',
    event: 'lapsed',
    features: [
      'channel',
      'payment_frequency',
      'product',
      'late_payments_12m',
      'complaints_12m',
      'claim_denied',
      'multi_policy',
      'age',
    ],
    references: { channel: 'agent', payment_frequency: 'annual', product: 'whole life' },
    distribution: 'weibull',
  });
  const k = LAPSE_MODEL.shape;
  const b = LAPSE_MODEL.beta;
  const expected: Record<string, number> = {
    '(Intercept)': Math.log(LAPSE_MODEL.scaleMonths) + (LAPSE_MODEL.ageCentre * b.age) / k,
    channelbancassurance: -b['channel=bancassurance'] / k,
    channelbroker: -b['channel=broker'] / k,
    channelonline: -b['channel=online'] / k,
    payment_frequencymonthly: -b['payment_frequency=monthly'] / k,
    payment_frequencyquarterly: -b['payment_frequency=quarterly'] / k,
    productmotor: -b['product=motor'] / k,
    'productterm life': -b['product=term life'] / k,
    producthealth: -b['product=health'] / k,
    late_payments_12m: -b.late_payments_12m / k,
    complaints_12m: -b.complaints_12m / k,
    claim_deniedTRUE: -b.claim_denied / k,
    multi_policyTRUE: -b.multi_policy / k,
    age: -b.age / k,
  };
  it('every coefficient and log(scale) within its 99.7% interval (±3 SE: 15 intervals at once)', () => {
    const names = fit.coefficients.map((c) => c.name).sort();
    expect(names).toEqual(Object.keys(expected).sort());
    for (const c of fit.coefficients) {
      const off = Math.abs(c.estimate - expected[c.name]) / c.se;
      if (!(off <= 3)) expect.fail(`${c.name}: ${c.estimate} vs ${expected[c.name]} (${off} SE)`);
    }
    const ls = fit.logScale!;
    expect(Math.abs(ls.estimate - Math.log(1 / k)) / ls.se).toBeLessThanOrEqual(3);
  });
});
