import { describe, expect, it } from 'vitest';
import { decimalText, withoutNoise } from '../../src/lib/engine/decimal';

describe('decimalText', () => {
  it('drops accumulation noise beyond the 15th significant digit', () => {
    expect(decimalText(100.50000000000001)).toBe('100.5');
    expect(decimalText(59.92400000000001)).toBe('59.924');
    expect(decimalText(0.1 + 0.2)).toBe('0.3');
    expect(decimalText(0.7999999999999999)).toBe('0.8');
    expect(decimalText(-62.400000000000006)).toBe('-62.4');
    expect(decimalText(1e-7)).toBe('1e-7');
  });

  it('keeps values that need all 15 digits, and does not round whole numbers', () => {
    expect(decimalText(1 / 3)).toBe('0.333333333333333');
    expect(decimalText(123456.789012345)).toBe('123456.789012345');
    // A whole number beyond 10^15 is not rounded to 15 digits (1152921504606850000).
    expect(decimalText(2 ** 60)).toBe('1152921504606847000');
    expect(decimalText(-0)).toBe('0');
    expect(decimalText(NaN)).toBe('NaN');
    expect(decimalText(-Infinity)).toBe('-Infinity');
  });

  it('gives back every decimal of up to 15 significant digits exactly as written', () => {
    // A seeded LCG: the same 10,000 decimals every run, 1 to 15 digits, 1e-20 to 1e9.
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    for (let k = 0; k < 10_000; k++) {
      const digits = 1 + (next() % 15);
      let mantissa = String(1 + (next() % 9));
      for (let d = 1; d < digits; d++) mantissa += String(next() % 10);
      const x = Number(`${mantissa}e${(next() % 30) - 20}`);
      expect(withoutNoise(x), mantissa).toBe(x);
      expect(decimalText(x), mantissa).toBe(String(x));
    }
  });
});
