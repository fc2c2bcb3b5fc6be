import { describe, expect, it } from 'vitest';
import { capOutliers, impute } from '../../../src/lib/engine/prepare';
import { col, json, readCsv, snapshot, table, values } from './helpers';

interface RRef {
  quantile: Record<string, { p: number[]; q: number[] }>;
  iqr: Record<string, { lower: number; upper: number; capped: number; sum: number }>;
  percentile: Record<string, { lower: number; upper: number; capped: number; sum: number }>;
  impute: Record<string, { median: number; mean: number; missing: number }>;
}
// Values from tests/fixtures/prepare/make-prepare.R.
const R = json<RRef>('r-reference.json');
const data = () => ({
  churn: readCsv('churn.csv', { CreditScore: 'integer', Age: 'integer', Balance: 'decimal' }),
  telco: readCsv('telco.csv', { MonthlyCharges: 'decimal', TotalCharges: 'decimal' }),
});

const small = () =>
  table(
    col('n', 'integer', [4, null, 1, 2, null, 3]),
    col('x', 'decimal', [1.5, null, 2.5, 4, 10, null]),
    col('s', 'categorical', ['b', null, 'a', 'b', 'a', null]),
    col('d', 'date', ['2024-01-01', null, '2024-01-03', '2024-01-02', '2024-01-04', null]),
  );

describe('impute', () => {
  it('fills by mean (integer becomes decimal), low median, mode and constant', () => {
    const t = small();
    const before = snapshot(t);
    const mean = impute(t, { columns: ['n', 'x'], method: 'mean' });
    expect(values(mean.table, 'n')).toEqual([4, 2.5, 1, 2, 2.5, 3]);
    expect(mean.table.columns[0].type).toBe('decimal');
    expect(values(mean.table, 'x')).toEqual([1.5, 4.5, 2.5, 4, 10, 4.5]);
    expect(mean.report).toMatchObject({ filled: 4, 'filled:n': 2, 'value:n': '2.5' });
    const median = impute(t, { columns: ['n', 'x', 'd'], method: 'median' });
    expect(values(median.table, 'n')[1]).toBe(2); // low median of 1 2 3 4 keeps an integer
    expect(median.table.columns[0].type).toBe('integer');
    expect(values(median.table, 'x')[1]).toBe(3.25); // R median(c(1.5, 2.5, 4, 10))
    expect(median.report['value:d']).toBe('2024-01-02');
    const mode = impute(t, { columns: ['s'], method: 'mode' });
    expect(values(mode.table, 's')).toEqual(['b', 'a', 'a', 'b', 'a', 'a']); // tie a/b → 'a'
    const constant = impute(t, { columns: ['s'], method: 'constant', value: 'unknown' });
    expect(values(constant.table, 's')).toEqual(['b', 'unknown', 'a', 'b', 'a', 'unknown']);
    const date = impute(t, { columns: ['d'], method: 'constant', value: '2020-02-29' });
    expect(values(date.table, 'd')[1]).toBe(Date.UTC(2020, 1, 29));
    expect(snapshot(t)).toEqual(before);
  });

  it('matches R median() and mean() on Telco TotalCharges', () => {
    const { telco } = data();
    const ref = R.impute['telco.TotalCharges'];
    const med = impute(telco, { columns: ['TotalCharges'], method: 'median' });
    expect(med.report['filled:TotalCharges']).toBe(ref.missing);
    expect(med.report['value:TotalCharges']).toBe(String(ref.median));
    const mean = impute(telco, { columns: ['TotalCharges'], method: 'mean' });
    expect(Number(mean.report['value:TotalCharges'])).toBeCloseTo(ref.mean, 9);
  });

  it('rejects mean/median on strings and empty columns', () => {
    expect(() => impute(small(), { columns: ['s'], method: 'mean' })).toThrow(
      'prepare.wrong-column-type',
    );
    expect(() => impute(small(), { columns: ['d'], method: 'mean' })).toThrow(
      'prepare.wrong-column-type',
    );
    const empty = table(col('e', 'decimal', [null, null]));
    expect(() => impute(empty, { columns: ['e'], method: 'median' })).toThrow('prepare.no-values');
    expect(() => impute(small(), { columns: ['n'], method: 'constant' })).toThrow(
      'prepare.invalid-setting',
    );
  });
});

describe('capOutliers', () => {
  it('clips to IQR fences with type-7 quartiles; missing stays missing', () => {
    // R: quantile(c(1, 2, 3, 4, 100), c(.25, .75)) = 2, 4 → fences -1, 7
    const t = table(col('v', 'integer', [1, 2, 3, 4, 100, null]));
    const out = capOutliers(t, { columns: ['v'], method: 'iqr' });
    expect(values(out.table, 'v')).toEqual([1, 2, 3, 4, 7, null]);
    expect(out.report).toMatchObject({ capped: 1, 'lower:v': -1, 'upper:v': 7 });
    expect(out.table.columns[0].type).toBe('integer');
    expect(values(t, 'v')[4]).toBe(100);
  });

  it('matches R quantile(type = 7) capping on Churn_Modelling and Telco', () => {
    const { churn, telco } = data();
    for (const method of ['iqr', 'percentile'] as const) {
      for (const [key, ref] of Object.entries(R[method])) {
        const [name, column] = key.split('.');
        const source = name === 'churn' ? churn : telco;
        const out = capOutliers(source, { columns: [column], method });
        expect(out.report[`lower:${column}`], key).toBeCloseTo(ref.lower, 9);
        expect(out.report[`upper:${column}`], key).toBeCloseTo(ref.upper, 9);
        expect(out.report[`capped:${column}`], key).toBe(ref.capped);
        const sum = (values(out.table, column) as (number | null)[]).reduce<number>(
          (a, v) => a + (v ?? 0),
          0,
        );
        expect(sum / ref.sum, key).toBeCloseTo(1, 12);
      }
    }
  });

  it('uses the given percentiles and rejects non-numeric columns', () => {
    const { churn } = data();
    const ref = R.quantile['churn.Age'];
    const out = capOutliers(churn, {
      columns: ['Age'],
      method: 'percentile',
      lower: 0.05,
      upper: 0.95,
    });
    expect(out.report['lower:Age']).toBe(ref.q[2]);
    expect(out.report['upper:Age']).toBe(ref.q[6]);
    expect(() => capOutliers(small(), { columns: ['s'], method: 'iqr' })).toThrow(
      'prepare.wrong-column-type',
    );
    expect(() =>
      capOutliers(small(), { columns: ['n'], method: 'percentile', lower: 0.9, upper: 0.1 }),
    ).toThrow('prepare.invalid-setting');
  });
});
