// qnorm against R: expected values printed by
// Rscript -e 'cat(sprintf("%.17g", qnorm(c(0.975, 0.95, 0.995, 0.5, 0.001, 1e-10, 0.3))))'
// (R 4, Debian), covering the central region and both tails of AS 241.
import { describe, expect, it } from 'vitest';
import { qnorm } from '../../../src/lib/engine/survival/qnorm';

const R: [number, number][] = [
  [0.975, 1.9599639845400536],
  [0.95, 1.6448536269514715],
  [0.995, 2.5758293035488999],
  [0.5, 0],
  [0.001, -3.0902323061678132],
  [1e-10, -6.3613409024040557],
  [0.3, -0.52440051270804067],
];

describe('qnorm', () => {
  it('matches R to about machine precision', () => {
    for (const [p, want] of R) {
      expect(Math.abs(qnorm(p) - want), `qnorm(${p})`).toBeLessThanOrEqual(
        4e-16 * Math.max(1, Math.abs(want)),
      );
    }
  });

  it('returns the limits and NaN outside [0, 1]', () => {
    expect(qnorm(0)).toBe(-Infinity);
    expect(qnorm(1)).toBe(Infinity);
    expect(qnorm(1.5)).toBeNaN();
    expect(qnorm(NaN)).toBeNaN();
  });
});
