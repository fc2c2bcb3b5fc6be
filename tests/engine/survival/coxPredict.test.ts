// survfit(fit, newdata) and predict(fit, newdata, type = "lp" / "risk")
// against R: tests/fixtures/r/cox-reference.json (tests/fixtures/r/make-cox.R,
// survival 3.5-3) records, per coxph call, for its first three complete rows
// predict(fit, newdata = rows, type = "lp" | "risk") and, one row at a time,
// survfit(fit, newdata = row) (time, surv, cumhaz) with
// summary(that, times = horizons, extend = TRUE)$surv.
import { describe, expect, it } from 'vitest';
import { fitCoxTable } from '../../../src/lib/engine/survival/cox';
import {
  coxLinearPredictor,
  coxModel,
  coxSurvivalAt,
  coxSurvivalCurve,
} from '../../../src/lib/engine/survival/coxPredict';
import { forecastTable } from '../../../src/lib/engine/survival/forecast';
import { expectClose, fitCases, tableOf } from './coxFixture';

describe('Cox predictions against R survfit.coxph and predict.coxph', () => {
  for (const rc of fitCases) {
    it(`survfit(${rc.call}, newdata)`, async () => {
      const table = tableOf(rc.file);
      const result = fitCoxTable(table, {
        duration: 'time',
        event: 'status',
        features: rc.features,
        interactions: rc.interactions,
        references: rc.references,
        strata: rc.strata,
        ties: rc.ties,
      });
      // Stored as plain JSON and read back.
      const model = JSON.parse(JSON.stringify(coxModel(result)));
      const { input } = result;
      rc.predict.rows.forEach((row, k) => {
        const i = result.rows.indexOf(row);
        const x = input.X.subarray(i * input.p, (i + 1) * input.p);
        const s = input.strata ? input.strata[i] : null;
        const lp = coxLinearPredictor(model, x, s);
        expectClose([lp, Math.exp(lp)], [rc.predict.lp[k], rc.predict.risk[k]], 1e-9, 1e-9, 'lp');
        const curve = coxSurvivalCurve(model, x, s);
        const rcurve = rc.predict.curves[k];
        // R's curve has a point at every time of the stratum; ours at its event times.
        const H = rcurve.time.map((t) => {
          let h = 0;
          curve.time.forEach((u, j) => {
            if (u <= t) h = curve.cumhaz[j];
          });
          return h;
        });
        expectClose(H, rcurve.cumhaz, 1e-9, 1e-12, 'cumhaz');
        expectClose(
          H.map((h) => Math.exp(-h)),
          rcurve.surv,
          1e-9,
          1e-12,
          'surv',
        );
        expectClose(
          coxSurvivalAt(model, x, s, rcurve.horizons),
          rcurve.atHorizons,
          1e-9,
          1e-12,
          'horizons',
        );
      });
      // The whole table scored as a forecast from the start (tenure 0) gives
      // R's predict and summary(survfit) per row; without x̄ the hazard ratio
      // is exp(lp), predict's "risk".
      const { table: scored, report } = await forecastTable(table, model, {
        tenure: null,
        horizons: rc.predict.curves[0].horizons,
      });
      const scoredColumn = (name: string) =>
        (scored.columns.find((c) => c.name === name) as { values: Float64Array }).values;
      rc.predict.rows.forEach((row, k) => {
        expectClose(
          [scoredColumn('lp')[row], scoredColumn('hazard_ratio')[row]],
          [rc.predict.lp[k], rc.predict.risk[k]],
          1e-9,
          1e-9,
          'scored lp',
        );
        expectClose(
          report.columns.survival.map((name) => scoredColumn(name)[row]),
          rc.predict.curves[k].atHorizons,
          1e-9,
          1e-12,
          'scored survival',
        );
      });
      expect(report.missingFeature).toBe(table.rowCount - result.fit.n);
    });
  }
});
