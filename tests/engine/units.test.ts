import { describe, expect, it } from 'vitest';
import {
  DAYS_PER_MONTH,
  DAYS_PER_UNIT,
  daysBetween,
  days,
  daysFromMonths,
  durationIn,
  isDurationUnit,
  months,
  monthsFromDays,
  probability,
  yearsFromDays,
  type Days,
  type Months,
  type Probability,
} from '../../src/lib/engine/units';

describe('units', () => {
  it('converts durations by one convention: Julian year, month = year / 12', () => {
    expect(DAYS_PER_MONTH).toBe(30.4375);
    expect(DAYS_PER_UNIT).toEqual({ days: 1, weeks: 7, months: 30.4375, years: 365.25 });
    expect(monthsFromDays(days(365.25))).toBe(12);
    expect(yearsFromDays(days(730.5))).toBe(2);
    expect(daysFromMonths(months(2))).toBe(60.875);
    expect(durationIn(days(14), 'weeks')).toBe(2);
    expect(durationIn(days(14), 'days')).toBe(14);
  });

  it('measures days between epoch milliseconds, negative when the end comes first', () => {
    expect(daysBetween(Date.UTC(2024, 0, 1), Date.UTC(2024, 2, 1))).toBe(60);
    expect(daysBetween(Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 1, 12))).toBe(-0.5);
  });

  it('accepts probabilities in [0, 1] only', () => {
    expect(probability(0)).toBe(0);
    expect(probability(1)).toBe(1);
    expect(() => probability(1.5)).toThrow(RangeError);
    expect(() => probability(-0.1)).toThrow(RangeError);
    expect(() => probability(NaN)).toThrow(RangeError);
  });

  it('knows its duration units', () => {
    expect(['days', 'weeks', 'months', 'years'].every(isDurationUnit)).toBe(true);
    expect(isDurationUnit('hours')).toBe(false);
    expect(isDurationUnit('toString')).toBe(false);
  });

  it('keeps units apart in the type checker (checked by tsc, not at run time)', () => {
    const d: Days = days(30);
    // @ts-expect-error days are not months
    const m: Months = d;
    // @ts-expect-error a bare number is not a probability
    const p: Probability = 0.5;
    expect([m, p]).toEqual([30, 0.5]);
  });
});
