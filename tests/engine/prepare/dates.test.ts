import { describe, expect, it } from 'vitest';
import { datesToDuration } from '../../../src/lib/engine/prepare';
import { col, readCsv, snapshot, table, values } from './helpers';

describe('datesToDuration', () => {
  const t = () =>
    table(
      col('start', 'date', ['2020-01-01', '2020-01-01', null, '2021-06-30']),
      col('end', 'date', ['2020-12-31', null, '2020-05-01', '2021-01-01']),
    );

  it('measures to the end date, or to the as-of date when it is missing', () => {
    const input = t();
    const before = snapshot(input);
    const out = datesToDuration(input, {
      start: 'start',
      end: 'end',
      asOf: '2021-01-01',
      unit: 'days',
      name: 'days',
      event: 'lapsed',
    });
    expect(values(out.table, 'days')).toEqual([365, 366, null, -180]);
    expect(values(out.table, 'lapsed')).toEqual([1, 0, null, 1]);
    expect(out.table.columns.at(-2)!.type).toBe('integer');
    expect(out.report).toEqual({ events: 2, censored: 1, negative: 1, missing: 1 });
    expect(snapshot(input)).toEqual(before);
  });

  it('uses 7, 30.4375 and 365.25 days per week, month and year', () => {
    for (const [unit, per] of [
      ['weeks', 7],
      ['months', 30.4375],
      ['years', 365.25],
    ] as const) {
      const out = datesToDuration(t(), { start: 'start', asOf: '2021-01-01', unit, name: 'd' });
      expect(values(out.table, 'd')).toEqual([366 / per, 366 / per, null, -180 / per]);
      expect(out.table.columns.at(-1)!.type).toBe('decimal');
    }
  });

  it('reproduces diff_days of the Canadian senators data', () => {
    const senators = readCsv('senators.csv', {
      start_date: 'date',
      end_date: 'date',
      diff_days: 'integer',
    });
    const out = datesToDuration(senators, {
      start: 'start_date',
      end: 'end_date',
      unit: 'days',
      name: 'days',
    });
    expect(values(out.table, 'days')).toEqual(values(senators, 'diff_days'));
  });

  it('asks for an as-of date when an end is missing, and checks types', () => {
    expect(() =>
      datesToDuration(t(), { start: 'start', end: 'end', unit: 'days', name: 'd' }),
    ).toThrow('prepare.as-of-required');
    const bad = table(col('n', 'integer', [1]));
    expect(() =>
      datesToDuration(bad, { start: 'n', asOf: '2020-01-01', unit: 'days', name: 'd' }),
    ).toThrow('prepare.wrong-column-type');
    expect(() =>
      datesToDuration(t(), { start: 'start', asOf: '1/1/2020', unit: 'days', name: 'd' }),
    ).toThrow('prepare.invalid-date');
    expect(() =>
      datesToDuration(t(), {
        start: 'start',
        end: 'end',
        asOf: '2021-01-01',
        unit: 'days',
        name: 'start',
      }),
    ).toThrow('prepare.duplicate-column');
  });
});
