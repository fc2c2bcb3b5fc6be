import { describe, expect, it } from 'vitest';
import { binColumn, oneHot, ordinalEncode, scale } from '../../../src/lib/engine/prepare';
import { col, json, readCsv, snapshot, table, values } from './helpers';

interface RRef {
  scale: Record<
    string,
    { center: number; scale: number; head: (number | null)[]; normalizedHead: (number | null)[] }
  >;
  cut: Record<
    string,
    { breaks: number[]; counts: number[]; codeSum: number; codesHead: (number | null)[] }
  >;
}
// Values from tests/fixtures/prepare/make-prepare.R.
const R = json<RRef>('r-reference.json');
const data = {
  churn: readCsv('churn.csv', {
    CreditScore: 'integer',
    Age: 'integer',
    Balance: 'decimal',
    Geography: 'categorical',
  }),
  telco: readCsv('telco.csv', { MonthlyCharges: 'decimal', TotalCharges: 'decimal' }),
};
const source = (key: string) => {
  const [name, column] = key.split('.');
  return { t: data[name as 'churn' | 'telco'], column };
};

describe('scale', () => {
  it('matches R scale() and min-max on real columns', () => {
    for (const [key, ref] of Object.entries(R.scale)) {
      const { t, column } = source(key);
      const z = scale(t, { columns: [column], method: 'standardize' });
      expect(z.report[`center:${column}`] as number, key).toBeCloseTo(ref.center, 8);
      expect((z.report[`scale:${column}`] as number) / ref.scale, key).toBeCloseTo(1, 13);
      const head = values(z.table, column).slice(0, 20) as (number | null)[];
      head.forEach((v, i) =>
        ref.head[i] === null ? expect(v).toBeNull() : expect(v).toBeCloseTo(ref.head[i]!, 12),
      );
      const m = scale(t, { columns: [column], method: 'normalize', suffix: '_01' });
      const mh = values(m.table, `${column}_01`).slice(0, 20) as (number | null)[];
      mh.forEach((v, i) =>
        ref.normalizedHead[i] === null
          ? expect(v).toBeNull()
          : expect(v).toBeCloseTo(ref.normalizedHead[i]!, 14),
      );
      expect(values(m.table, column)).toEqual(values(t, column)); // suffix keeps the source
    }
  });

  it('rejects constant and string columns', () => {
    const t = table(col('c', 'integer', [3, 3, null]), col('s', 'categorical', ['a', 'b', 'c']));
    expect(() => scale(t, { columns: ['c'], method: 'standardize' })).toThrow(
      'prepare.constant-column',
    );
    expect(() => scale(t, { columns: ['s'], method: 'normalize' })).toThrow(
      'prepare.wrong-column-type',
    );
  });
});

describe('oneHot and ordinalEncode', () => {
  const t = () =>
    table(
      col('plan', 'categorical', ['gold', 'basic', null, 'silver', 'basic']),
      col('kids', 'integer', [0, 2, 1, null, 0]),
    );

  it('makes sorted 0/1 columns in place of the source; missing is all zeros', () => {
    const input = t();
    const before = snapshot(input);
    const out = oneHot(input, { column: 'plan', missingIndicator: true });
    expect(out.table.columns.map((c) => c.name)).toEqual([
      'plan=basic',
      'plan=gold',
      'plan=silver',
      'plan=NA',
      'kids',
    ]);
    expect(values(out.table, 'plan=basic')).toEqual([0, 1, 0, 0, 1]);
    expect(values(out.table, 'plan=gold')).toEqual([1, 0, 0, 0, 0]);
    expect(values(out.table, 'plan=NA')).toEqual([0, 0, 1, 0, 0]);
    expect(out.report).toMatchObject({ levels: 3, missing: 1 });
    const drop = oneHot(input, { column: 'kids', dropFirst: true, keepOriginal: true });
    expect(drop.table.columns.map((c) => c.name)).toEqual(['plan', 'kids', 'kids=1', 'kids=2']);
    expect(values(drop.table, 'kids=2')).toEqual([0, 1, 0, 0, 0]);
    expect(snapshot(input)).toEqual(before);
    expect(() => oneHot(input, { column: 'plan', maxLevels: 2 })).toThrow(
      'prepare.too-many-levels',
    );
    expect(() => oneHot(data.churn, { column: 'Balance' })).toThrow('prepare.wrong-column-type');
  });

  it('codes levels 1..k in the given or sorted order', () => {
    const given = ordinalEncode(t(), { column: 'plan', order: ['basic', 'silver', 'gold'] });
    expect(values(given.table, 'plan')).toEqual([3, 1, null, 2, 1]);
    expect(given.table.columns[0].type).toBe('integer');
    const sorted = ordinalEncode(t(), { column: 'plan' });
    expect(values(sorted.table, 'plan')).toEqual([2, 1, null, 3, 1]);
    expect(() => ordinalEncode(t(), { column: 'plan', order: ['basic', 'gold'] })).toThrow(
      'prepare.level-not-in-order',
    );
    expect(() => ordinalEncode(t(), { column: 'kids' })).toThrow('prepare.wrong-column-type');
  });
});

describe('binColumn', () => {
  it('writes breaks and labels without float noise, in full only where a value straddles them', () => {
    // R: seq(18.25, 118.75, length.out = 6) gives 38.35, 58.45, 78.55000000000001
    // and 98.65; telco's MonthlyCharges holds 78.55 (four rows), which R's cut
    // puts below that break, so that break is written in full.
    const out = binColumn(data.telco, {
      column: 'MonthlyCharges',
      method: 'equal-width',
      bins: 5,
      newColumn: 'band',
    });
    expect(out.report.breaks).toBe('18.25, 38.35, 58.45, 78.55000000000001, 98.65, 118.75');
    const band = out.table.columns.at(-1)!;
    if (band.kind !== 'string') throw new Error('string column expected');
    expect(band.dictionary).toEqual([
      '[18.25, 38.35)',
      '[38.35, 58.45)',
      '[58.45, 78.55000000000001)',
      '[78.55000000000001, 98.65)',
      '[98.65, 118.75]',
    ]);
    // No value at a noisy break: the short forms stand (R: 62.400000000000006).
    const ages = table(col('age', 'decimal', [18, 25, 40, 62, 63, 92]));
    const five = binColumn(ages, { column: 'age', method: 'equal-width', bins: 5, newColumn: 'b' });
    expect(five.report.breaks).toBe('18, 32.8, 47.6, 62.4, 77.2, 92');
  });

  it('labels [a, b) intervals with the last closed, as cut(right = FALSE, include.lowest = TRUE)', () => {
    const t = table(col('age', 'integer', [18, 25, 30, 40, null, 60]));
    const out = binColumn(t, {
      column: 'age',
      method: 'custom',
      breaks: [18, 30, 40, 60],
      newColumn: 'band',
    });
    expect(values(out.table, 'band')).toEqual([
      '[18, 30)',
      '[18, 30)',
      '[30, 40)',
      '[40, 60]',
      null,
      '[40, 60]',
    ]);
    const labelled = binColumn(t, {
      column: 'age',
      method: 'custom',
      breaks: [20, 50],
      labels: ['20-49'],
      newColumn: 'band',
    });
    expect(values(labelled.table, 'band')).toEqual([null, '20-49', '20-49', '20-49', null, null]);
    expect(labelled.report.outside).toBe(2);
    expect(() =>
      binColumn(t, { column: 'age', method: 'custom', breaks: [5, 1], newColumn: 'b' }),
    ).toThrow('prepare.invalid-setting');
    expect(() =>
      binColumn(t, {
        column: 'age',
        method: 'custom',
        breaks: [0, 1, 2],
        labels: ['x'],
        newColumn: 'b',
      }),
    ).toThrow('prepare.labels-mismatch');
  });

  it('matches R cut() with quantile(type = 7) and equal-width breaks', () => {
    for (const [key, ref] of Object.entries(R.cut)) {
      const [name, method, bins] = key.split('|');
      const { t, column } = source(name);
      const out = binColumn(t, {
        column,
        method: method as 'quantile' | 'equal-width',
        bins: Number(bins),
        newColumn: 'bin',
      });
      // The report writes each of R's breaks either without its noise digits
      // (15 significant digits, src/lib/engine/decimal.ts: 598.7000000000003
      // reads 598.7) or, where a value lies between the two, in full.
      const reported = (out.report.breaks as string).split(', ').map(Number);
      expect(reported.length, key).toBe(ref.breaks.length);
      reported.forEach((b, k) =>
        expect([ref.breaks[k], Number(ref.breaks[k].toPrecision(15))], key).toContain(b),
      );
      const c = out.table.columns.at(-1)!;
      if (c.kind !== 'string') throw new Error('string column expected');
      const codes = Array.from(c.codes, (k) => (k < 0 ? null : k + 1)); // R's factor codes are 1-based
      expect(codes.slice(0, 50), key).toEqual(ref.codesHead);
      expect(
        codes.reduce<number>((a, k) => a + (k ?? 0), 0),
        key,
      ).toBe(ref.codeSum);
      const counts = c.dictionary.map((_, k) => c.codes.filter((x) => x === k).length);
      expect(counts, key).toEqual(ref.counts);
    }
  });
});
