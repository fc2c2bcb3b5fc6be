// Numbers as decimal text without floating-point accumulation noise, for
// what the engine writes out: CSV and XLSX exports (./data/export.ts) and
// bin breaks and labels (./prepare/encode.ts); the page's number formatter
// (../i18n/format.ts) starts from the same value. Pure.
//
// The rule. A double carries 15 significant decimal digits faithfully
// (DBL_DIG): every decimal of at most 15 significant digits is read into a
// double and written back out unchanged. The 16th and 17th digits of a
// double's shortest form only tell it apart from its neighbours, and after
// arithmetic they are rounding noise: 0.1 + 0.2 is 0.30000000000000004,
// 100.5 summed and averaged is 100.50000000000001. So a number that is not a
// whole number is rounded to 15 significant digits and written in the
// shortest form that reads back as that value — 100.5, 0.3. A value that was
// read from a decimal of at most 15 significant digits (ordinary data in any
// CSV) comes out exactly as it was written; a computed value moves by at
// most half a unit in its 15th digit (a relative 5e-15). Whole numbers are
// not rounded (an id or a count beyond 10^15 is not noise: it is written as
// JavaScript writes it), nor are NaN and ±Infinity.

/** Significant decimal digits a double carries faithfully (DBL_DIG). */
export const FAITHFUL_DIGITS = 15;

/** `x` rounded to FAITHFUL_DIGITS significant digits unless it is a whole number (see the header). */
export function withoutNoise(x: number): number {
  if (Number.isInteger(x) || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(FAITHFUL_DIGITS));
}

/**
 * The shortest decimal text of `x` after withoutNoise, as JavaScript writes
 * numbers (`100.5`, `1e-7`, `-0` as `0`): what an export writes for a number.
 */
export function decimalText(x: number): string {
  return String(withoutNoise(x));
}
