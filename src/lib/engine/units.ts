// Units that must not be confused, as branded number types: durations in
// days, weeks, months or years, probabilities, and money. Type-level only —
// a branded value is a plain number at run time, and the constructors below
// compile to nothing but the arithmetic they name — so the engine's hot
// loops pay nothing for them. Pure; used across src/lib/engine.
//
// The one calendar convention, used wherever a duration changes unit: a
// year is the Julian year of 365.25 days and a month a twelfth of it,
// 30.4375 days (a week is 7 days). These are average lengths, as lifelines'
// datetimes_to_durations and most actuarial exposure tables use; counting
// calendar months instead would make a duration depend on its start day.
// All three are exact in binary floating point, so converting a whole number
// of days is exact wherever the result is.

declare const unit: unique symbol;

/** A number that carries its unit `U` in its type (and nothing at run time). */
export type Quantity<U extends string> = number & { readonly [unit]: U };

export type Days = Quantity<'days'>;
export type Weeks = Quantity<'weeks'>;
export type Months = Quantity<'months'>;
export type Years = Quantity<'years'>;
/** A probability or share, in [0, 1] (not a percentage). */
export type Probability = Quantity<'probability'>;
/** An amount of money in the dataset's own currency (premiums, balances, charges). */
export type Money = Quantity<'money'>;

/** The units a duration can be given in (the Prepare cell's "dates → duration" choice). */
export type DurationUnit = 'days' | 'weeks' | 'months' | 'years';

/** The branded type of a duration in each unit. */
export interface DurationIn {
  days: Days;
  weeks: Weeks;
  months: Months;
  years: Years;
}

/** Milliseconds in a day: dates and datetimes are epoch milliseconds (UTC, ../data/table.ts). */
export const DAY_MS = 86_400_000;
export const DAYS_PER_WEEK = 7;
/** The Julian year (see the header). */
export const DAYS_PER_YEAR = 365.25;
/** A twelfth of the Julian year, 30.4375 days (see the header). */
export const DAYS_PER_MONTH = DAYS_PER_YEAR / 12;

/** Days per unit, by the convention in the header. */
export const DAYS_PER_UNIT: Readonly<Record<DurationUnit, number>> = {
  days: 1,
  weeks: DAYS_PER_WEEK,
  months: DAYS_PER_MONTH,
  years: DAYS_PER_YEAR,
};

export function isDurationUnit(value: unknown): value is DurationUnit {
  return typeof value === 'string' && Object.hasOwn(DAYS_PER_UNIT, value);
}

export const days = (n: number): Days => n as Days;
export const weeks = (n: number): Weeks => n as Weeks;
export const months = (n: number): Months => n as Months;
export const years = (n: number): Years => n as Years;
export const money = (n: number): Money => n as Money;

/**
 * `p` as a Probability. Throws a RangeError outside [0, 1] (NaN included):
 * a share above one or a percentage passed as a probability is a bug, not
 * data.
 */
export function probability(p: number): Probability {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`not a probability: ${p}`);
  return p as Probability;
}

/** Days from epoch milliseconds `startMs` to `endMs` (negative when the end comes first). */
export function daysBetween(startMs: number, endMs: number): Days {
  return ((endMs - startMs) / DAY_MS) as Days;
}

/** A duration in days expressed in `unit` (by the convention in the header). */
export function durationIn<U extends DurationUnit>(d: Days, unit: U): DurationIn[U] {
  return (d / DAYS_PER_UNIT[unit]) as DurationIn[U];
}

export function weeksFromDays(d: Days): Weeks {
  return (d / DAYS_PER_WEEK) as Weeks;
}

export function monthsFromDays(d: Days): Months {
  return (d / DAYS_PER_MONTH) as Months;
}

export function yearsFromDays(d: Days): Years {
  return (d / DAYS_PER_YEAR) as Years;
}

export function daysFromMonths(m: Months): Days {
  return (m * DAYS_PER_MONTH) as Days;
}

export function daysFromYears(y: Years): Days {
  return (y * DAYS_PER_YEAR) as Days;
}
