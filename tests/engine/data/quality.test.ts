import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { profileColumn, profileTable } from '../../../src/lib/engine/data/profile';
import {
  asOfInstant,
  columnWarnings,
  duplicateRowCount,
  groupPurity,
  leakage,
  mixedTypes,
  tableWarnings,
  tukeyOutliers,
  type QualityOptions,
} from '../../../src/lib/engine/data/quality';
import { generateInsuranceBook } from '../../../src/lib/engine/data/sample/insurance';
import {
  NO_PROGRESS,
  type Column,
  type DataTable,
  type NumericColumnType,
  type StringColumnType,
} from '../../../src/lib/engine/data/table';
import { readDataset } from '../datasets';

const FIXTURES = new URL('../../fixtures/quality/', import.meta.url);
// tests/fixtures/quality/quality-reference.R (R: quantile type 7, table()).
const R = JSON.parse(readFileSync(new URL('quality-reference.json', FIXTURES), 'utf8')) as Record<
  string,
  Record<string, number>
>;
// tests/fixtures/quality/duplicates-reference.py (pandas DataFrame.duplicated().sum()).
const PANDAS = JSON.parse(
  readFileSync(new URL('duplicates-reference.json', FIXTURES), 'utf8'),
) as Record<string, number>;

const OPTIONS: QualityOptions = { asOf: Date.UTC(2025, 0, 1) };

function num(name: string, values: number[], type: NumericColumnType = 'decimal'): Column {
  return { kind: 'number', name, type, values: Float64Array.from(values) };
}

/** A string column from values; null is missing. */
function str(
  name: string,
  values: (string | null)[],
  type: StringColumnType = 'categorical',
): Column {
  const dictionary: string[] = [];
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    let k = dictionary.indexOf(v);
    if (k < 0) k = dictionary.push(v) - 1;
    return k;
  });
  return { kind: 'string', name, type, codes, dictionary };
}

function table(...columns: Column[]): DataTable {
  const rowCount =
    columns[0].kind === 'number' ? columns[0].values.length : columns[0].codes.length;
  return { rowCount, columns };
}

/** The warning codes of column `index`. */
function codes(t: DataTable, index = 0, options: QualityOptions = OPTIONS): string[] {
  const profile = profileColumn(t.columns[index], t.rowCount);
  return columnWarnings(t, index, profile, options).map((w) => w.code);
}

function warning(t: DataTable, index: number, code: string, options: QualityOptions = OPTIONS) {
  const profile = profileColumn(t.columns[index], t.rowCount);
  return columnWarnings(t, index, profile, options).find((w) => w.code === code);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('column warnings on small tables', () => {
  it('constant: one distinct value, missing values aside', () => {
    expect(codes(table(num('x', [5, 5, 5, NaN])))).toEqual(['quality.constant']);
    expect(codes(table(str('s', ['a', 'a', null])))).toEqual(['quality.constant']);
    expect(codes(table(num('x', [5, 6])))).toEqual([]);
    expect(codes(table(num('x', [5])))).toEqual([]);
  });

  it('identifier: every value distinct, at least 20, integers or strings only', () => {
    const ids = range(20).map((i) => `P${i}`);
    expect(warning(table(str('id', ids, 'identifier')), 0, 'quality.identifier')).toEqual({
      code: 'quality.identifier',
      severity: 'info',
      params: { count: 20 },
    });
    expect(codes(table(num('n', range(20), 'integer')))).toEqual(['quality.identifier']);
    expect(codes(table(str('id', ids.slice(0, 19), 'identifier')))).toEqual([]);
    expect(
      codes(
        table(
          num(
            'x',
            range(20).map((i) => i + 0.5),
          ),
        ),
      ),
    ).toEqual([]);
    expect(codes(table(str('id', [...ids.slice(0, 19), 'P0'], 'identifier')))).toEqual([]);
  });

  it('mostly missing: at least half the rows', () => {
    expect(warning(table(num('x', [1, NaN, NaN, 2, NaN])), 0, 'quality.mostly-missing')).toEqual({
      code: 'quality.mostly-missing',
      severity: 'warning',
      params: { pct: 60 },
    });
    expect(codes(table(num('x', [1, NaN, 3, 2, NaN])))).toEqual([]);
    // All missing: no other warning can be told.
    expect(codes(table(str('s', [null, null])))).toEqual(['quality.mostly-missing']);
  });

  it('outliers: Tukey fences with R type-7 quartiles', () => {
    // R: quantile(c(1:9, 100), c(.25, .75), type = 7) = 3.25 7.75 → fences -3.5, 14.5.
    const w = warning(table(num('x', [...range(9).map((i) => i + 1), 100])), 0, 'quality.outliers');
    expect(w).toEqual({
      code: 'quality.outliers',
      severity: 'info',
      params: { count: 1, pct: 10, lower: -3.5, upper: 14.5 },
    });
    // Flags (two values) and IQR 0 are not checked.
    expect(codes(table(num('f', [0, 0, 0, 0, 0, 0, 0, 1], 'integer')))).toEqual([]);
    expect(codes(table(num('c', [0, 0, 0, 0, 0, 0, 0, 0, 1, 9], 'integer')))).toEqual([]);
  });

  it('future dates: after the as-of instant, with the latest', () => {
    const dates = ['2024-06-01', '2025-01-01', '2025-01-02', '2026-03-04'].map(Date.parse);
    expect(warning(table(num('d', dates, 'date')), 0, 'quality.future-dates')).toEqual({
      code: 'quality.future-dates',
      severity: 'warning',
      params: { count: 2, max: '2026-03-04' },
    });
    expect(codes(table(num('d', dates, 'date')), 0, { asOf: Date.parse('2026-03-04') })).toEqual(
      [],
    );
    // Numbers are not dates.
    expect(codes(table(num('x', [1e15, 2e15])), 0, { asOf: 0 })).toEqual([]);
  });

  it('as-of: the end of the given day (UTC), or now; a bad date is an error', () => {
    expect(asOfInstant('2025-03-01', 123)).toBe(Date.UTC(2025, 2, 2) - 1);
    expect(asOfInstant(null, 123)).toBe(123);
    expect(asOfInstant('', 123)).toBe(123);
    expect(() => asOfInstant('2025-13-01', 0)).toThrow(/quality.invalid-as-of/);
    expect(() => asOfInstant('1/3/2025', 0)).toThrow(/quality.invalid-as-of/);
  });

  it('mixed types: text mostly numbers or dates, with examples of the rest', () => {
    const dependants = ['0', '1', '2', '3+', '0', '1', '2024-01-05', 'none'];
    const w = warning(table(str('dependants', dependants)), 0, 'quality.mixed-types');
    expect(w?.params).toEqual({ column: 'dependants', pct: 75, examples: '“3+”, “none”' });
    expect(mixedTypes(str('s', ['a', 'b', '1']) as Column & { kind: 'string' })).toBeNull();
    // Leading-zero codes are not numbers.
    expect(mixedTypes(str('s', ['007', '008', 'x']) as Column & { kind: 'string' })).toBeNull();
    // Identifiers mix digits and letters by design, unless the ingest demoted them.
    const ids = table(str('code', ['1', '2', '3A'], 'identifier'));
    expect(codes(ids)).toEqual([]);
    const demoted = {
      ...OPTIONS,
      inference: [{ type: 'text' as const, evidence: 'demoted', missing: 0, invalid: 2 }],
    };
    expect(codes(table(str('amount', ['1', 'n/k', 'n/k'])), 0, demoted)).toEqual([
      'quality.mixed-types',
    ]);
  });
});

describe('duplicate rows', () => {
  const t = table(
    str('s', ['a', 'a', 'b', 'b', 'a', 'a', null, null]),
    num('x', [1, 1, NaN, NaN, 2, 1, 0, -0]),
  );

  it('counts rows equal to an earlier one; missing equals missing, −0 equals 0', () => {
    // Rows 1 (= 0), 3 (= 2), 5 (= 0) and 7 (= 6).
    expect(duplicateRowCount(t)).toBe(4);
    expect(tableWarnings(t)).toEqual([
      { code: 'quality.duplicate-rows', severity: 'warning', params: { count: 4, pct: 50 } },
    ]);
    expect(tableWarnings(table(num('x', [1, 2, 3])))).toEqual([]);
  });

  it('confirms hash matches value by value, so collisions never count', () => {
    // With 1- and 2-bit keys nearly every row collides with a different one.
    expect(duplicateRowCount(t, 1)).toBe(4);
    expect(duplicateRowCount(t, 2)).toBe(4);
    const distinct = table(num('x', range(100)), str('s', range(100).map(String)));
    expect(duplicateRowCount(distinct, 1)).toBe(0);
  });

  it('equal strings under different codes are equal', () => {
    const repeated: Column = {
      kind: 'string',
      name: 's',
      type: 'categorical',
      codes: Int32Array.from([0, 1]),
      dictionary: ['x', 'x'],
    };
    expect(duplicateRowCount(table(repeated))).toBe(1);
  });

  it.each([
    ['uci_online_retail__sample_cust_mod5.csv', 'retail', [] as string[]],
    ['ibm__Telco-Customer-Churn.csv', 'telco', []],
    ['ibm__Telco-Customer-Churn.csv', 'telco without customerID', ['customerID']],
    ['stedy__insurance.csv', 'stedy insurance', []],
    [
      'selva86__Churn_Modelling.csv',
      'bank without RowNumber, CustomerId, Surname',
      ['RowNumber', 'CustomerId', 'Surname'],
    ],
  ])('%s (%s) matches pandas', async (file, key, drop) => {
    const full = await readDataset(file);
    const kept = { ...full, columns: full.columns.filter((c) => !drop.includes(c.name)) };
    expect(duplicateRowCount(kept)).toBe(PANDAS[key]);
  });
});

describe('leakage statistics', () => {
  it('purity: pure groups of at least 10 rows, and the classes they cover', () => {
    // Group 0: 10 rows all class 1; group 1: 9 rows all class 0 (too small);
    // missing: 20 rows, 19 class 0 (95 %, not pure).
    const groups = Int32Array.from([
      ...Array(10).fill(0),
      ...Array(9).fill(1),
      ...Array(20).fill(-1),
    ]);
    const classes = Int32Array.from([
      ...Array(10).fill(1),
      ...Array(9).fill(0),
      ...Array(19).fill(0),
      1,
    ]);
    expect(groupPurity(groups, classes, 2, 2)).toEqual({ purity: 10 / 39, classesCovered: 1 });
  });

  const target = num('churned', [...Array(15).fill(0), ...Array(15).fill(1)], 'boolean');
  const n = 30;

  it('flags a numeric feature that separates a binary target (AUC ≥ 0.98 or ≤ 0.02)', () => {
    expect(leakage(num('x', range(n)), target, n)).toEqual({ measure: 'auc', score: 1 });
    expect(
      leakage(
        num(
          'x',
          range(n).map((i) => -i),
        ),
        target,
        n,
      ),
    ).toEqual({
      measure: 'auc',
      score: 0,
    });
    // Swap one pair across the classes: AUC = 1 − 2/225 ≈ 0.991, still flagged.
    const swapped = range(n);
    [swapped[14], swapped[15]] = [swapped[15], swapped[14]];
    expect(leakage(num('x', swapped), target, n)?.score).toBeCloseTo(1 - 1 / 225, 12);
    expect(
      leakage(
        num(
          'x',
          range(n).map((i) => i % 2),
        ),
        target,
        n,
      ),
    ).toBeNull();
  });

  it('flags a numeric feature present only for one class (an end date)', () => {
    const end = range(n).map((i) => (i < 15 ? NaN : 20_000 + i));
    expect(leakage(num('end', end, 'date'), target, n)).toEqual({ measure: 'missing', score: 1 });
  });

  it('flags a categorical feature by purity, not an all-distinct one or a rare target', () => {
    const reason = range(n).map((i) => (i < 15 ? null : i % 2 ? 'price' : 'moved'));
    // Group "missing" (15 rows, all 0) is pure; "price" and "moved" (8 and 7 rows) are too small.
    expect(leakage(str('reason', reason), target, n)).toBeNull();
    const big = range(n).map((i) => (i < 15 ? null : 'lapsed'));
    expect(leakage(str('reason', big), target, n)).toEqual({ measure: 'purity', score: 1 });
    expect(leakage(str('id', range(n).map(String)), target, n)).toBeNull();
    // 1 positive in 30: every group is ≥ 99 % negative only if it lacks it; covers one class.
    const rare = num('rare', [...Array(29).fill(0), 1], 'integer');
    expect(
      leakage(
        str(
          'g',
          range(n).map((i) => (i < 15 ? 'a' : 'b')),
        ),
        rare,
        n,
      ),
    ).toBeNull();
  });

  it('uses Pearson or Spearman for a numeric target', () => {
    const y = num(
      'y',
      range(n).map((i) => i * i),
    );
    expect(leakage(num('x', range(n)), y, n)?.measure).toBe('spearman');
    expect(leakage(num('x', range(n)), y, n)?.score).toBeCloseTo(1, 12);
    expect(
      leakage(
        num(
          'x',
          range(n).map((i) => (i * 7) % 30),
        ),
        y,
        n,
      ),
    ).toBeNull();
    expect(leakage(str('s', range(n).map(String)), y, n)).toBeNull();
  });
});

describe('against R on real data', () => {
  it.each([
    ['ibm__Telco-Customer-Churn.csv', 'telco', ['tenure', 'MonthlyCharges', 'TotalCharges']],
    [
      'selva86__Churn_Modelling.csv',
      'bank',
      ['CreditScore', 'Age', 'Balance', 'NumOfProducts', 'EstimatedSalary'],
    ],
  ])('%s: Tukey fences and outlier counts', async (file, key, names) => {
    // The single-feature AUCs of the same columns: tests/engine/stats/rank.test.ts.
    const t = await readDataset(file);
    for (const name of names) {
      const column = t.columns.find((c) => c.name === name)! as Column & { kind: 'number' };
      const fences = tukeyOutliers(column, profileColumn(column, t.rowCount))!;
      const r = R[`fences/${key}/${name}`];
      expect(fences.lower, name).toBeCloseTo(r.lower, 9);
      expect(fences.upper, name).toBeCloseTo(r.upper, 9);
      expect(fences.count, name).toBe(r.count);
    }
  });

  // Pearson and Spearman against R: tests/engine/stats/correlation.test.ts.

  it('purity of real groupings', async () => {
    const telco = await readDataset('ibm__Telco-Customer-Churn.csv');
    const bank = await readDataset('selva86__Churn_Modelling.csv');
    const codesOf = (t: DataTable, name: string): { codes: Int32Array; count: number } => {
      const c = t.columns.find((col) => col.name === name)!;
      if (c.kind === 'string') return { codes: c.codes, count: c.dictionary.length };
      const levels = [...new Set(c.values)].sort((p, q) => p - q);
      return { codes: Int32Array.from(c.values, (v) => levels.indexOf(v)), count: levels.length };
    };
    const cases: [DataTable, string, string, string][] = [
      [telco, 'Contract', 'Churn', 'telco/Contract~Churn'],
      [telco, 'InternetService', 'OnlineSecurity', 'telco/InternetService~OnlineSecurity'],
      [bank, 'NumOfProducts', 'Exited', 'bank/NumOfProducts~Exited'],
      [bank, 'Geography', 'Exited', 'bank/Geography~Exited'],
    ];
    for (const [t, g, c, key] of cases) {
      const groups = codesOf(t, g);
      const classes = codesOf(t, c);
      const p = groupPurity(groups.codes, classes.codes, groups.count, classes.count);
      expect(p.purity, key).toBeCloseTo(R[`purity/${key}`].purity, 12);
      expect(p.classesCovered, key).toBe(R[`purity/${key}`].covered);
    }
  });
});

describe('profileTable with quality checks', () => {
  it('insurance sample, target lapsed: end_date and lapse_reason leak; policy_id is an identifier', async () => {
    const { policies } = generateInsuranceBook();
    const profile = await profileTable(policies, NO_PROGRESS, {
      target: 'lapsed',
      asOf: Date.UTC(2026, 0, 1),
    });
    expect(profile.target).toBe('lapsed');
    const leaks = profile.columns.flatMap((c) =>
      (c.warnings ?? []).filter((w) => w.code === 'quality.leakage').map((w) => w.params),
    );
    expect(leaks).toEqual([
      { column: 'end_date', target: 'lapsed', measure: 'missing', score: 1 },
      { column: 'lapse_reason', target: 'lapsed', measure: 'purity', score: 1 },
    ]);
    const ids = profile.columns.filter((c) =>
      c.warnings?.some((w) => w.code === 'quality.identifier'),
    );
    expect(ids.map((c) => c.name)).toEqual(['policy_id']);
    // The book is observed to 2025-12-31: nothing after 2026-01-01.
    expect(profile.columns.flatMap((c) => c.warnings ?? []).map((w) => w.code)).not.toContain(
      'quality.future-dates',
    );
    expect(profile.warnings).toEqual([]);
  });

  it('ignores a target that is not a column, and reports progress to the end', async () => {
    const t = table(num('x', [1, 2, 3]), num('y', [1, 2, 3]));
    const calls: [number, number][] = [];
    const profile = await profileTable(
      t,
      { report: async (done, total) => void calls.push([done, total]) },
      { target: 'nope', asOf: 0 },
    );
    expect(profile.target).toBeUndefined();
    expect(calls).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });
});
