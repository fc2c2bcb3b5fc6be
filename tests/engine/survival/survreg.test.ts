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
