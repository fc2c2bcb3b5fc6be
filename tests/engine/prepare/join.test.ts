import { describe, expect, it } from 'vitest';
import { joinTables } from '../../../src/lib/engine/prepare';
import { col, json, readCsv, snapshot, table, values } from './helpers';
import type { DataTable } from '../../../src/lib/engine/data/table';

const policies = () =>
  table(
    col('policy', 'identifier', ['P1', 'P2', 'P3', null]),
    col('premium', 'decimal', [100, 200, 300, 400]),
  );
const claims = () =>
  table(
    col('policy_no', 'identifier', ['P2', 'P2', 'P9', 'P1', null]),
    col('premium', 'decimal', [5, 6, 7, 8, 9]),
  );

describe('joinTables', () => {
  it('inner, left, right and full joins; missing keys never match; clashing names get the suffix', () => {
    const l = policies();
    const before = snapshot(l);
    const settings = { leftKey: 'policy', rightKey: 'policy_no' };
    const inner = joinTables(l, claims(), { ...settings, how: 'inner' });
    expect(inner.table.columns.map((c) => c.name)).toEqual(['policy', 'premium', 'premium_right']);
    expect(values(inner.table, 'policy')).toEqual(['P1', 'P2', 'P2']);
    expect(values(inner.table, 'premium_right')).toEqual([8, 5, 6]);
    expect(inner.report).toEqual({ rows: 3, matchedLeft: 2, unmatchedLeft: 2, unmatchedRight: 2 });
    const left = joinTables(l, claims(), { ...settings, how: 'left' });
    expect(values(left.table, 'premium')).toEqual([100, 200, 200, 300, 400]);
    expect(values(left.table, 'premium_right')).toEqual([8, 5, 6, null, null]);
    const right = joinTables(l, claims(), { ...settings, how: 'right', suffix: '_c' });
    expect(values(right.table, 'policy')).toEqual(['P2', 'P2', 'P9', 'P1', null]);
    expect(values(right.table, 'premium')).toEqual([200, 200, null, 100, null]);
    expect(values(right.table, 'premium_c')).toEqual([5, 6, 7, 8, 9]);
    const full = joinTables(l, claims(), { ...settings, how: 'full' });
    expect(values(full.table, 'policy')).toEqual(['P1', 'P2', 'P2', 'P3', null, 'P9', null]);
    expect(full.report.rows).toBe(7);
    expect(snapshot(l)).toEqual(before);
  });

  it('matches a text key to a numeric key by the text of the number, on several keys', () => {
    const a = table(
      col('id', 'integer', [7, 8]),
      col('year', 'integer', [2020, 2021]),
      col('x', 'integer', [1, 2]),
    );
    const b = table(
      col('code', 'identifier', ['8', '7', '7']),
      col('yr', 'integer', [2021, 2020, 2021]),
      col('y', 'integer', [3, 4, 5]),
    );
    const out = joinTables(a, b, {
      leftKey: ['id', 'year'],
      rightKey: ['code', 'yr'],
      how: 'full',
    });
    expect(values(out.table, 'id')).toEqual(['7', '8', '7']); // mixed kinds: keys become text
    expect(values(out.table, 'y')).toEqual([4, 3, 5]);
    expect(values(out.table, 'x')).toEqual([1, 2, null]);
  });

  it('refuses blow-ups and bad settings', () => {
    const n = 4000;
    const big = table(col('k', 'integer', Array(n).fill(1)));
    expect(() => joinTables(big, big, { leftKey: 'k', rightKey: 'k', how: 'inner' })).toThrow(
      'prepare.join-too-large',
    );
    expect(() =>
      joinTables(policies(), claims(), { leftKey: 'nope', rightKey: 'policy_no', how: 'inner' }),
    ).toThrow('column.not-found');
    expect(() =>
      joinTables(policies(), claims(), {
        leftKey: ['policy', 'premium'],
        rightKey: 'policy_no',
        how: 'inner',
      }),
    ).toThrow('prepare.invalid-setting');
  });

  it('matches pandas merge on the retail sample (many-to-many on StockCode)', () => {
    // tests/fixtures/prepare/make-prepare.py: pd.merge(left, right, on='StockCode', how, suffixes=('', '_right'))
    type Ref = {
      columns: string[];
      rows: number;
      lid: (number | null)[];
      rid: (number | null)[];
      quantityRightSum: number;
    };
    const ref = json<{ merge: Record<string, Ref> }>('pandas-reference.json').merge;
    const retail = readCsv('retail.csv', {
      InvoiceNo: 'identifier',
      StockCode: 'categorical',
      Quantity: 'integer',
      UnitPrice: 'decimal',
    });
    const slice = (from: number, to: number, id: string, names: string[]): DataTable => {
      const index = Array.from({ length: to - from }, (_, i) => from + i);
      const cols = names.map((name) => {
        const v = values(retail, name);
        const c = retail.columns.find((c) => c.name === name)!;
        return col(
          name,
          c.type,
          index.map((i) => v[i]),
        );
      });
      return table(col(id, 'integer', index), ...cols);
    };
    const left = slice(0, 3000, 'lid', ['InvoiceNo', 'StockCode', 'Quantity']);
    const right = slice(3000, 6000, 'rid', ['StockCode', 'UnitPrice', 'Quantity']);
    for (const how of ['inner', 'left', 'right', 'full'] as const) {
      const r = ref[how === 'full' ? 'outer' : how];
      const out = joinTables(left, right, { leftKey: 'StockCode', rightKey: 'StockCode', how });
      expect(
        out.table.columns.map((c) => c.name),
        how,
      ).toEqual(r.columns);
      expect(out.table.rowCount, how).toBe(r.rows);
      const pairs = (lid: unknown[], rid: unknown[]) => lid.map((l, i) => `${l}:${rid[i]}`);
      const ours = pairs(values(out.table, 'lid'), values(out.table, 'rid'));
      const theirs = pairs(r.lid, r.rid);
      // pandas (1.5, Debian's) groups inner-join rows by key and sorts an outer join by key; our
      // order is documented (left row order, unmatched right rows last), so compare those as sets.
      if (how === 'full' || how === 'inner') expect(ours.sort(), how).toEqual(theirs.sort());
      else expect(ours, how).toEqual(theirs);
      const sum = (values(out.table, 'Quantity_right') as (number | null)[]).reduce<number>(
        (a, v) => a + (v ?? 0),
        0,
      );
      expect(sum, how).toBe(r.quantityRightSum);
    }
  });
});
