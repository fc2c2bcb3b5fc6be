// Ridge Cox fits against R: tests/fixtures/r/cox-reference.json
// (tests/fixtures/r/make-cox.R, survival 3.5-3) records, per call such as
// coxph(Surv(time, status) ~ ridge(fin, age, race, wexp, mar, paro, prio,
// theta = 1), data = rossi, ties = 'efron'), coef, var (the SE R prints as
// se(coef)), var2 (R's se2), loglik, penalty and sum(fit$df).
import { describe, expect, it } from 'vitest';
import { fitCoxTable } from '../../../src/lib/engine/survival/cox';
import { expectClose, ridgeCases, tableOf } from './coxFixture';

describe('ridge Cox against R coxph(... ~ ridge(..., theta))', () => {
  for (const rc of ridgeCases) {
    it(rc.call, () => {
      const { fit } = fitCoxTable(tableOf(rc.file), {
        duration: 'time',
        event: 'status',
        features: rc.features,
        strata: rc.strata,
        ties: rc.ties,
        penalty: rc.theta,
      });
      expectClose(
        fit.coefficients.map((c) => c.estimate!),
        rc.coefficients,
        1e-9,
        1e-10,
        'coef',
      );
      expectClose(fit.covariance, rc.var, 1e-9, 1e-10, 'var');
      expectClose(fit.ridge!.var2, rc.var2, 1e-9, 1e-10, 'var2');
      expectClose(
        fit.coefficients.map((c) => c.se!),
        rc.var.filter((_, k) => k % (rc.features.length + 1) === 0).map(Math.sqrt),
        1e-6,
        1e-8,
        'se',
      );
      expectClose([fit.loglik.null, fit.loglik.model], rc.loglik, 1e-9, 1e-9, 'loglik');
      expectClose([fit.ridge!.penalty], [rc.penalty[rc.penalty.length - 1]], 1e-6, 1e-9, 'penalty');
      expectClose([fit.ridge!.df], [rc.df], 1e-6, 1e-9, 'df');
      expect(fit.waldTest).toBeNull();
    });
  }
});
