import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/lib/engine/data/table';
import { delongCi, delongComparisons, delongTest } from '../../../src/lib/engine/evaluate/delong';
import { rocAuc } from '../../../src/lib/engine/evaluate/roc';
import { cases, close, delong, reference, synthetic, telco } from './fixtures';

// Reference: tests/fixtures/evaluate/make-delong.R (R 4.2.2, pROC 1.18.0),
// each ROC built as r <- roc(outcome, score, levels = c(0, 1), direction = "<"):
// ci.auc(r, method = "delong") for the CI, var(r, method = "delong") for the
// variance, and roc.test(r1, r2, method = "delong", paired = TRUE) for the
// test (statistic, p.value, estimate, conf.int).
describe('delongCi against pROC ci.auc(method = "delong")', () => {
  for (const m of ['a', 'b', 'c'] as const) {
    it(`telco ${m}`, () => {
      const ci = delongCi(telco[m], telco.outcome);
      const ref = delong.ci[m];
      close(ci.auc, ref.auc, 1e-12, 'auc');
      close(ci.variance, ref.var, 1e-12, 'var');
      close(ci.lower, ref.lower, 1e-12, 'lower');
      close(ci.upper, ref.upper, 1e-12, 'upper');
      // pROC's AUC is scikit-learn's roc_auc_score (make-evaluate.py).
      close(ci.auc, reference.telco[m].roc_auc_score, 1e-12, 'roc_auc_score');
    });
  }
  for (const name of Object.keys(delong.cases)) {
    it(`edge case ${name}`, () => {
      const ci = delongCi(cases[name].score, cases[name].outcome);
      const ref = delong.cases[name];
      close(ci.auc, ref.auc, 1e-12, 'auc');
      close(ci.variance, ref.var, 1e-12, 'var');
      close(ci.lower, ref.lower, 1e-12, 'lower');
      close(ci.upper, ref.upper, 1e-12, 'upper');
    });
  }
  it('two rows (pROC gives NA): evaluate.too-few-for-ci', () => {
    const { score, outcome } = cases['two-rows'];
    expect(() => delongCi(score, outcome)).toThrow(EngineError);
    try {
      delongCi(score, outcome);
    } catch (e) {
      expect((e as EngineError).code).toBe('evaluate.too-few-for-ci');
      expect((e as EngineError).params).toEqual({ positives: 1, negatives: 1 });
    }
  });
});

describe('delongTest against pROC roc.test(method = "delong", paired = TRUE)', () => {
  const pairs = { ab: ['a', 'b'], ac: ['a', 'c'], bc: ['b', 'c'] } as const;
  for (const [pair, [m1, m2]] of Object.entries(pairs)) {
    it(`telco ${m1} vs ${m2}`, () => {
      const t = delongTest(telco[m1], telco[m2], telco.outcome);
      const ref = delong.test[pair as keyof typeof pairs];
      close(t.z, ref.z, 1e-10, 'Z');
      close(t.p, ref.p, 1e-10, 'p');
      close(t.auc1, ref.auc1, 1e-12, 'AUC of roc1');
      close(t.auc2, ref.auc2, 1e-12, 'AUC of roc2');
      close(t.difference, ref.auc1 - ref.auc2, 1e-12, 'difference');
      close(t.lower, ref.lower, 1e-10, 'conf.int lower');
      close(t.upper, ref.upper, 1e-10, 'conf.int upper');
    });
  }
  it('edge case with ties (10 rows)', () => {
    const { score, score2, outcome } = cases.ties;
    const t = delongTest(score, score2!, outcome);
    const ref = delong.caseTests.ties;
    close(t.z, ref.z, 1e-10, 'Z');
    close(t.p, ref.p, 1e-10, 'p');
    close(t.lower, ref.lower, 1e-10, 'lower');
    close(t.upper, ref.upper, 1e-10, 'upper');
  });
  it('a score against itself: z = 0, p = 1 (pROC sets Z to 0 when d = 0 and sig = 0)', () => {
    const t = delongTest(telco.a, telco.a, telco.outcome);
    expect([t.z, t.p, t.difference]).toEqual([0, 1, 0]);
  });

  it('two different AUCs with no variance in their difference (pROC: Z = ±Inf): evaluate.delong-degenerate', () => {
    const { score, outcome } = cases.perfect;
    const reversed = score.map((s) => 1 - s);
    expect(() => delongTest(score, reversed, outcome)).toThrow('evaluate.delong-degenerate');
  });

  it('delongComparisons: every pair of three models, each equal to its delongTest', () => {
    const list = delongComparisons([telco.a, telco.b, telco.c], telco.outcome);
    expect(list.map((c) => [c.a, c.b])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    const refs = [delong.test.ab, delong.test.ac, delong.test.bc];
    list.forEach((c, k) => {
      close(c.z, refs[k].z, 1e-10, 'Z');
      close(c.p, refs[k].p, 1e-10, 'p');
    });
  });
});

describe('fast placements at scale', () => {
  it('1,000,000 rows with ties: the DeLong AUC equals the sort-based AUC; the variance is positive', () => {
    const { score, outcome } = synthetic(1_000_000, 'delong-1m', 3);
    const ci = delongCi(score, outcome);
    close(ci.auc, rocAuc(score, outcome), 1e-12, 'auc');
    expect(ci.variance).toBeGreaterThan(0);
    expect(ci.lower).toBeLessThan(ci.auc);
    expect(ci.upper).toBeGreaterThan(ci.auc);
  });
});
