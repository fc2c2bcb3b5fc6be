import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  gammaBoth,
  logGamma,
  pchisq,
  pchisqUpper,
  pnorm,
  pnormUpper,
  qnorm,
  zTestP,
} from '../../../src/lib/engine/stats/distributions';

// Reference: tests/fixtures/models/make-logistic.R (R 4.2.2): pnorm(x) and
// pnorm(x, lower.tail = FALSE) from −40 to 37.5; pchisq(x, df) and
// pchisq(x, df, lower.tail = FALSE) on a grid of x in [1e-8, 1500], df 1 to 99.
const R = JSON.parse(
  readFileSync(
    new URL('../../fixtures/models/distributions-reference.json', import.meta.url),
    'utf8',
  ),
) as {
  pnorm: { x: number; lower: number; upper: number }[];
  pchisq: { x: number; df: number; lower: number; upper: number }[];
};

function relative(actual: number, expected: number): number {
  if (expected === 0) return Math.abs(actual);
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('pnorm', () => {
  it.each(R.pnorm.map((r) => [r.x, r]))('both tails at %s equal R to 1e-14 relative', (_, r) => {
    expect(relative(pnorm(r.x), r.lower)).toBeLessThan(1e-14);
    expect(relative(pnormUpper(r.x), r.upper)).toBeLessThan(1e-14);
  });

  it('gives the two-sided z-test p-value as R summary.glm: 2 * pnorm(-abs(z))', () => {
    const r = R.pnorm.find((v) => v.x === -10)!;
    expect(relative(zTestP(10), 2 * r.lower)).toBeLessThan(1e-14);
    expect(zTestP(-10)).toBe(zTestP(10));
    expect(zTestP(0)).toBe(1);
    // qnorm is the survival code's AS 241; R: print(qnorm(0.975), digits = 17).
    expect(qnorm(0.975)).toBe(1.9599639845400536);
  });
});

describe('pchisq', () => {
  it.each(R.pchisq.map((r) => [r.x, r.df, r]))(
    'both tails at x = %s, df = %s equal R to 1e-12 relative',
    (_, __, r) => {
      expect(relative(pchisq(r.x, r.df), r.lower)).toBeLessThan(1e-12);
      expect(relative(pchisqUpper(r.x, r.df), r.upper)).toBeLessThan(1e-12);
    },
  );

  it('edges: 0 and infinity, invalid shape', () => {
    expect(gammaBoth(2, 0)).toEqual([0, 1]);
    expect(gammaBoth(2, Infinity)).toEqual([1, 0]);
    expect(gammaBoth(0, 1)).toEqual([NaN, NaN]);
  });

  it('logGamma: exact at integers and halves, Lanczos elsewhere (R: lgamma)', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 14);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 15);
    // R: print(lgamma(c(3.7, 0.2)), digits = 17): 1.4280723266653881 1.5240638224307845
    expect(relative(logGamma(3.7), 1.4280723266653881)).toBeLessThan(1e-14);
    expect(relative(logGamma(0.2), 1.5240638224307845)).toBeLessThan(1e-14);
  });
});
