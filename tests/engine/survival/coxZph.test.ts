// cox.zph(fit, transform = "km") against R: tests/fixtures/r/cox-reference.json
// (tests/fixtures/r/make-cox.R, survival 3.5-3) records, per coxph call,
// zph$table (chisq, df, p per term and GLOBAL), zph$x, zph$time and zph$y.
import { describe, expect, it } from 'vitest';
import { fitCoxTable } from '../../../src/lib/engine/survival/cox';
import { coxZph } from '../../../src/lib/engine/survival/coxZph';
import { expectClose, fitCases, tableOf } from './coxFixture';

describe('coxZph against R cox.zph(fit, transform = "km")', () => {
  for (const rc of fitCases) {
    it(`cox.zph(${rc.call})`, () => {
      const result = fitCoxTable(tableOf(rc.file), {
        duration: 'time',
        event: 'status',
        features: rc.features,
        interactions: rc.interactions,
        references: rc.references,
        strata: rc.strata,
        ties: rc.ties,
      });
      const zph = coxZph(result.fit, result.input, result.pipeline);
      const rows = [...zph.terms, zph.global];
      expect(rows.map((r) => r.term)).toEqual(rc.zph.terms);
      expectClose(
        rows.map((r) => r.chisq),
        rc.zph.chisq,
        1e-8,
        1e-10,
        'chisq',
      );
      expect(rows.map((r) => r.df)).toEqual(rc.zph.df);
      expectClose(
        rows.map((r) => r.p),
        rc.zph.p,
        1e-7,
        1e-300,
        'p',
      );
      expectClose(zph.time, rc.zph.time, 0, 0, 'time');
      expectClose(zph.x, rc.zph.x, 1e-12, 1e-12, 'x');
      expect(zph.residuals.map((r) => r.term)).toEqual(rc.zph.ycols);
      const nt = zph.residuals.length;
      const ours: number[] = [];
      const theirs: number[] = [];
      rc.zph.y.forEach((v, k) => {
        const value = zph.residuals[k % nt].values[Math.floor(k / nt)];
        if (v === null) expect(value).toBeNaN();
        else {
          ours.push(value);
          theirs.push(v);
        }
      });
      expectClose(ours, theirs, 1e-7, 1e-6, 'y');
    });
  }
});
