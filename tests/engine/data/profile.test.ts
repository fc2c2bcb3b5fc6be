import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ingestDelimited } from '../../../src/lib/engine/data/ingest';
import {
  profileColumn,
  profileTable,
  type TableProfile,
} from '../../../src/lib/engine/data/profile';
import { quantile7 as quantile } from '../../../src/lib/engine/stats/quantile';
import { NO_PROGRESS, type DataTable } from '../../../src/lib/engine/data/table';
import { DATASETS, readDataset } from '../datasets';

const FILES = new URL('../../fixtures/files/', import.meta.url);
// Produced by tests/fixtures/files/profile-reference.R (R read.csv/read.table;
// mean, sd, quantile(type = 7), length(unique())).
const reference = JSON.parse(
  readFileSync(new URL('profile-reference.json', FILES), 'utf8'),
) as Record<string, Record<string, number>>;

async function profileOf(file: string): Promise<TableProfile> {
  return profileTable(await readDataset(file), NO_PROGRESS);
}

function expectClose(actual: number | undefined, expected: number, what: string) {
  expect(actual, what).toBeDefined();
  const scale = Math.max(1, Math.abs(expected));
  expect(Math.abs(actual! - expected) / scale, `${what}: ${actual} vs ${expected}`).toBeLessThan(
    1e-12,
  );
}

describe('profileTable against R', () => {
  const cases: [string, string[]][] = [
    // SeniorCitizen, a 0/1 flag, is checked against the same reference below.
    ['ibm__Telco-Customer-Churn.csv', ['tenure', 'MonthlyCharges', 'TotalCharges']],
    ['stedy__insurance.csv', ['age', 'bmi', 'children', 'charges']],
    ['lifetimes__CDNOW_master.txt', ['number_of_cds', 'dollar_value', 'date']],
    ['lifelines__canadian_senators.csv', ['start_date', 'diff_days']],
  ];
  for (const [file, columns] of cases) {
    it(`${file}: ${columns.join(', ')}`, async () => {
      const profile = await profileOf(file);
      for (const name of columns) {
        const r = reference[`${file}/${name}`];
        const p = profile.columns.find((c) => c.name === name)!;
        expect(p.count, name).toBe(r.count);
        expect(p.missing, name).toBe(r.missing);
        expect(p.distinct, name).toBe(r.distinct);
        for (const stat of ['min', 'max', 'mean', 'std', 'q1', 'median', 'q3'] as const) {
          expectClose(p[stat], r[stat], `${name}.${stat}`);
        }
        const binned = p.histogram!.reduce((a, b) => a + b.count, 0);
        expect(binned, `${name} histogram total`).toBe(r.count);
      }
    });
  }

  it('Telco: missing percent, top values of strings and booleans, progress per column', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('ibm__Telco-Customer-Churn.csv', DATASETS)));
    async function* one() {
      yield bytes;
    }
    const { table } = await ingestDelimited(one(), bytes.length, {}, NO_PROGRESS);
    const calls: number[] = [];
    const profile = await profileTable(table, { report: async (done) => void calls.push(done) });
    // One step per column (21), then the duplicate-row check.
    expect(calls).toEqual(Array.from({ length: 23 }, (_, i) => i));
    const total = profile.columns.find((c) => c.name === 'TotalCharges')!;
    expect(total.missingPct).toBeCloseTo((100 * 11) / 7043, 12);
    const contract = profile.columns.find((c) => c.name === 'Contract')!;
    // table(telco$Contract) in R: Month-to-month 3875, One year 1473, Two year 1695.
    expect(contract.top).toEqual([
      { value: 'Month-to-month', count: 3875 },
      { value: 'Two year', count: 1695 },
      { value: 'One year', count: 1473 },
    ]);
    expect(contract.distinct).toBe(3);
    const churn = profile.columns.find((c) => c.name === 'Churn')!;
    expect(churn.top).toEqual([
      { value: 'false', count: 5174 },
      { value: 'true', count: 1869 },
    ]);
    const id = profile.columns.find((c) => c.name === 'customerID')!;
    expect(id.top).toHaveLength(10);
    expect(id.distinct).toBe(7043);
  });
});

describe('0/1 integer columns are flags', () => {
  it('Telco SeniorCitizen: counts of 0 and 1 and the share of ones, against R; no median or histogram', async () => {
    const profile = await profileOf('ibm__Telco-Customer-Churn.csv');
    const p = profile.columns.find((c) => c.name === 'SeniorCitizen')!;
    const r = reference['ibm__Telco-Customer-Churn.csv/SeniorCitizen'];
    expect(p).toMatchObject({ type: 'integer', flag: true, count: r.count, distinct: 2 });
    // R: sum(telco$SeniorCitizen) = 1142 ones of 7043.
    expect(p.top).toEqual([
      { value: '0', count: r.count - r.sum },
      { value: '1', count: r.sum },
    ]);
    expectClose(p.mean, r.mean, 'SeniorCitizen.mean');
    expectClose(p.std, r.std, 'SeniorCitizen.std');
    for (const stat of ['min', 'max', 'median', 'q1', 'q3', 'histogram'] as const) {
      expect(p[stat], stat).toBeUndefined();
    }
  });

  it.each([
    // Counted in the CSV files (Python csv.DictReader + collections.Counter).
    ['selva86__Churn_Modelling.csv', 'Exited', 7963, 2037],
    ['selva86__Churn_Modelling.csv', 'HasCrCard', 2945, 7055],
    ['casdatasets__eudirectlapse.csv', 'lapse', 20106, 2954],
  ])('%s %s: 0 × %i, 1 × %i', async (file, name, zeros, ones) => {
    const profile = await profileOf(file);
    const p = profile.columns.find((c) => c.name === name)!;
    expect(p.type).toBe('integer');
    expect(p.flag).toBe(true);
    const byValue = Object.fromEntries(p.top!.map((t) => [t.value, t.count]));
    expect(byValue).toEqual({ '0': zeros, '1': ones });
    expect(p.top![0].count).toBe(Math.max(zeros, ones));
    expect(p.mean).toBeCloseTo(ones / (zeros + ones), 14);
    expect(p.histogram).toBeUndefined();
    expect(p.median).toBeUndefined();
    // A count with more values is no flag.
    const products = profile.columns.find((c) => c.name === 'NumOfProducts');
    if (products) expect(products.flag).toBeUndefined();
  });

  it('missing values aside; not for one value, other integers, decimals or booleans', () => {
    const column = (type: 'integer' | 'decimal' | 'boolean', values: number[]) =>
      profileColumn(
        { kind: 'number', name: 'x', type, values: Float64Array.from(values) },
        values.length,
      );
    expect(column('integer', [1, NaN, 0, 1])).toMatchObject({
      flag: true,
      missing: 1,
      top: [
        { value: '1', count: 2 },
        { value: '0', count: 1 },
      ],
    });
    expect(column('integer', [0, 0, 0]).flag).toBeUndefined();
    expect(column('integer', [0, 1, 2]).flag).toBeUndefined();
    expect(column('integer', [1, 2, 1]).flag).toBeUndefined();
    expect(column('decimal', [0, 1, 1]).flag).toBeUndefined();
    expect(column('boolean', [0, 1, 1]).flag).toBeUndefined();
    expect(column('integer', [0, 1, 2]).histogram).toBeDefined();
  });
});

describe('histograms', () => {
  const numbers = (
    values: number[],
    type: 'integer' | 'decimal' | 'date' = 'decimal',
  ): DataTable => ({
    rowCount: values.length,
    columns: [{ kind: 'number', name: 'x', type, values: Float64Array.from(values) }],
  });

  it('uses nice steps, half-open bins and a closed last bin', () => {
    const p = profileColumn(numbers([0, 0.1, 0.2, 0.3, 1]).columns[0], 5);
    expect(p.histogram![0]).toEqual({ x0: 0, x1: 0.05, count: 1 });
    expect(p.histogram!.find((b) => b.x0 === 0.3)!.count).toBe(1);
    expect(p.histogram!.at(-1)).toEqual({ x0: 1, x1: 1.05, count: 1 });
    expect(p.histogram!.reduce((a, b) => a + b.count, 0)).toBe(5);
  });

  it('gives integers at least unit-wide bins', () => {
    const p = profileColumn(numbers([0, 1, 1, 2, 5], 'integer').columns[0], 5);
    expect(p.histogram!.map((b) => [b.x0, b.count])).toEqual([
      [0, 1],
      [1, 2],
      [2, 1],
      [3, 0],
      [4, 0],
      [5, 1],
    ]);
  });

  it('a constant column gets one bin around the value', () => {
    const p = profileColumn(numbers([7, 7, NaN]).columns[0], 3);
    expect(p.histogram).toEqual([{ x0: 6.5, x1: 7.5, count: 2 }]);
    expect(p).toMatchObject({ count: 2, missing: 1, distinct: 1, std: 0, median: 7 });
  });

  it('bins dates on calendar months', () => {
    const days = ['2024-01-15', '2024-02-01', '2024-03-31', '2024-12-31'].map((d) => Date.parse(d));
    const p = profileColumn(numbers(days, 'date').columns[0], 4);
    expect(new Date(p.histogram![0].x0).toISOString().slice(0, 10)).toBe('2024-01-01');
    expect(new Date(p.histogram![1].x0).toISOString().slice(0, 10)).toBe('2024-02-01');
    expect(p.histogram!.reduce((a, b) => a + b.count, 0)).toBe(4);
  });
});

describe('quantile', () => {
  it('matches R type 7: quantile(c(1, 2, 4, 8), c(.25, .5, .9)) = 1.75 3 6.8', () => {
    const sorted = Float64Array.from([1, 2, 4, 8]);
    expect(quantile(sorted, 0.25)).toBe(1.75);
    expect(quantile(sorted, 0.5)).toBe(3);
    expect(quantile(sorted, 0.9)).toBeCloseTo(6.8, 14);
  });
});
