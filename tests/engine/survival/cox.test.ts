// Cox proportional hazards against R. Every expected value comes from
// tests/fixtures/r/cox-reference.json, written by tests/fixtures/r/make-cox.R
// (R 4, survival 3.5-3); each case records its call, e.g.
// coxph(Surv(time, status) ~ trt + celltype + karno + age, data = veteran,
// ties = 'efron') with celltype releveled to 'large', and the extra calls:
// summary(fit)$coefficients, concordance(fit), fit$concordance.
import { describe, expect, it } from 'vitest';
import { fitCoxTable } from '../../../src/lib/engine/survival/cox';
import { aliasedCase, expectClose, fitCases, tableOf } from './coxFixture';

describe('fitCoxTable against R coxph', () => {
  for (const rc of fitCases) {
    it(rc.call, () => {
      const { fit } = fitCoxTable(tableOf(rc.file), {
        duration: 'time',
        event: 'status',
        features: rc.features,
        interactions: rc.interactions,
        references: rc.references,
        strata: rc.strata,
        ties: rc.ties,
      });
      expect(fit.n).toBe(rc.n);
      expect(fit.events).toBe(rc.nevent);
      expect(fit.coefficients.map((c) => c.name)).toEqual(rc.names);
      const est = fit.coefficients.map((c) => c.estimate!);
      expectClose(est, rc.coefficients, 1e-10, 1e-10, 'coef');
      expectClose(
        fit.coefficients.map((c) => c.se!),
        rc.se,
        1e-8,
        1e-8,
        'se',
      );
      expectClose(
        fit.coefficients.map((c) => c.z!),
        rc.z,
        1e-8,
        1e-8,
        'z',
      );
      expectClose(
        fit.coefficients.map((c) => c.p!),
        rc.p,
        1e-7,
        1e-300,
        'p',
      );
      expectClose(fit.covariance, rc.var, 1e-9, 1e-10, 'var');
      expectClose(fit.means, rc.means, 1e-12, 1e-12, 'means');
      expectClose([fit.loglik.null, fit.loglik.model], rc.loglik, 1e-10, 1e-10, 'loglik');
      expectClose(
        [fit.lrTest.statistic, fit.lrTest.df, fit.lrTest.p],
        [rc.lr.test, rc.lr.df, rc.lr.p],
        1e-8,
        1e-300,
        'lr',
      );
      expectClose(
        [fit.waldTest!.statistic, fit.waldTest!.p],
        [rc.wald.test, rc.wald.p],
        1e-8,
        1e-300,
        'wald',
      );
      expectClose(
        [fit.scoreTest!.statistic, fit.scoreTest!.p],
        [rc.score.test, rc.score.p],
        1e-8,
        1e-300,
        'score',
      );
      expectClose([fit.aic], [rc.aic], 1e-10, 1e-10, 'aic');
      expect(fit.iterations).toBe(rc.iter);
      expect(fit.converged).toBe(true);
      // summary(fit)$conf.int: exp(coef), exp(coef ∓ qnorm(0.975)·se).
      fit.coefficients.forEach((c, j) => {
        expect(c.hazardRatio).toBeCloseTo(Math.exp(rc.coefficients[j]), 10);
        expect(Math.log(c.lower!)).toBeCloseTo(
          rc.coefficients[j] - 1.959963984540054 * rc.se[j],
          7,
        );
      });
      const k = fit.concordance;
      expect([k.concordant, k.discordant, k.tiedX, k.tiedY, k.tiedXY]).toEqual(
        rc.concordance.counts,
      );
      expectClose(
        [k.concordance, k.se],
        [rc.concordance.concordance, rc.concordance.std],
        1e-9,
        1e-12,
        'concordance',
      );
      expectClose([k.se * k.se], [rc.concordance.var], 1e-9, 1e-12, 'concordance var');
    });
  }
});

describe('aliasing, as coxph prints NA', () => {
  it(aliasedCase.call, () => {
    const table = tableOf('cox-rossi.csv');
    const age = table.columns.find((c) => c.name === 'age')!;
    const older = {
      ...age,
      name: 'older',
      values: (age as { values: Float64Array }).values.map((v) => v + 10),
    };
    const { fit } = fitCoxTable({ ...table, columns: [...table.columns, older] } as typeof table, {
      duration: 'time',
      event: 'status',
      features: ['fin', 'age', 'older', 'prio'],
    });
    expect(fit.coefficients.map((c) => c.name)).toEqual(aliasedCase.names);
    fit.coefficients.forEach((c, j) => {
      const r = aliasedCase.coefficients[j];
      if (r === null) expect(c.estimate).toBeNull();
      else expectClose([c.estimate!, c.se!], [r, aliasedCase.se[j]!], 1e-7, 1e-8, c.name);
    });
    expect(fit.warnings).toEqual([{ code: 'cox.collinear-feature', params: { column: 'older' } }]);
    expectClose([fit.loglik.model], [aliasedCase.loglik[1]], 1e-10, 1e-10, 'loglik');
  });
});
