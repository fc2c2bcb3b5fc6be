// Numbers as people read them, in the user's locale: the one number
// formatter of the page (formatNumber in ./index.ts delegates here). Pure;
// runs on the page and in Node tests.
//
// Rules, whichever function is used:
// - Floating-point noise never shows: values start from the engine's
//   noise-free form (../engine/decimal.ts), so 100.50000000000001 is 100.5.
// - "-0" never shows: a value that rounds to zero is written as zero.
// - NaN and ±∞ are words from the catalogue ('number.nan', …), not "NaN".
// - Thousands separators and the decimal mark follow the locale (Intl).
// Statistics (formatStatistic) keep a few significant digits, as R's
// summary() prints 4; whole numbers are written whole, every digit.

import { withoutNoise } from '../engine/decimal';
import { en } from './en';
import { zhCN } from './zh-CN';
import type { Locale } from './index';

/** Significant digits of a statistic, as R's summary() prints them. */
export const STATISTIC_DIGITS = 4;
/**
 * At most this many digits after the decimal point for a statistic: a
 * value smaller than that (the mean of a standardised column, ~1e-17) is
 * zero to a reader.
 */
export const STATISTIC_MAX_FRACTION_DIGITS = 6;
/** p-values below this are written "< 0.001". */
export const P_VALUE_FLOOR = 0.001;

const catalogues = { en, 'zh-CN': zhCN } as const;
const formats = new Map<string, Intl.NumberFormat>();

/** One Intl.NumberFormat per locale and options, made once. */
function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/** NaN and ±∞ as words, or null for a finite value. */
function nonFinite(locale: Locale, value: number): string | null {
  if (Number.isFinite(value)) return null;
  const words = catalogues[locale] ?? en;
  if (Number.isNaN(value)) return words['number.nan'];
  return value > 0 ? words['number.infinity'] : words['number.minus-infinity'];
}

/** `value` by `format`, except that -0 and a negative value that rounds to zero read as zero. */
function signed(format: Intl.NumberFormat, value: number): string {
  const zero = format.format(0);
  return value <= 0 && format.format(-value) === zero ? zero : format.format(value);
}

/** Digits after the point for `significant` significant digits of `value` (whole part kept). */
function fractionDigitsFor(value: number, significant: number): number {
  if (value === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  return Math.max(0, significant - 1 - magnitude);
}

/**
 * A statistic (mean, sd, a median survival time, a coefficient): whole
 * numbers whole with separators; others to `significantDigits` significant
 * digits, but never more than STATISTIC_MAX_FRACTION_DIGITS after the point
 * and never rounding the whole part (76485.89 → "76,486"; 0.20373 →
 * "0.2037"; -1e-17 → "0").
 */
export function formatStatistic(
  locale: Locale,
  value: number,
  significantDigits = STATISTIC_DIGITS,
): string {
  const word = nonFinite(locale, value);
  if (word !== null) return word;
  const clean = withoutNoise(value);
  if (Number.isInteger(clean)) return formatInteger(locale, clean);
  const digits = Math.min(
    fractionDigitsFor(clean, significantDigits),
    STATISTIC_MAX_FRACTION_DIGITS,
  );
  return signed(numberFormat(locale, { maximumFractionDigits: digits }), clean);
}

/** `value` with at most `maximumFractionDigits` digits after the point (trailing zeros dropped). */
export function formatDecimal(
  locale: Locale,
  value: number,
  maximumFractionDigits: number,
): string {
  const word = nonFinite(locale, value);
  if (word !== null) return word;
  const digits = Math.max(0, Math.min(20, Math.floor(maximumFractionDigits)));
  return signed(numberFormat(locale, { maximumFractionDigits: digits }), withoutNoise(value));
}

/** A count or other whole number, rounded to the nearest integer, with thousands separators. */
export function formatInteger(locale: Locale, value: number): string {
  const word = nonFinite(locale, value);
  if (word !== null) return word;
  return signed(numberFormat(locale, { maximumFractionDigits: 0 }), value);
}

/**
 * A share in [0, 1] as a percentage with at most `maximumFractionDigits`
 * decimals, the sign placed as the locale places it (0.2037 → "20.4%").
 */
export function formatPercent(locale: Locale, share: number, maximumFractionDigits = 1): string {
  const word = nonFinite(locale, share);
  if (word !== null) return word;
  const digits = Math.max(0, Math.min(20, Math.floor(maximumFractionDigits)));
  const format = numberFormat(locale, { style: 'percent', maximumFractionDigits: digits });
  return signed(format, withoutNoise(share));
}

/**
 * A p-value: "< 0.001" below P_VALUE_FLOOR, otherwise three decimals
 * ("0.042", "0.500"), as tables of tests print them. Anything outside
 * [0, 1] is not a p-value and reads as NaN does.
 */
export function formatPValue(locale: Locale, p: number): string {
  if (!(p >= 0 && p <= 1)) return nonFinite(locale, NaN)!;
  if (p < P_VALUE_FLOOR) {
    const floor = numberFormat(locale, { minimumFractionDigits: 3 }).format(P_VALUE_FLOOR);
    return `< ${floor}`;
  }
  return numberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(p);
}
