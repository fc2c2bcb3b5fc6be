// previewOf (workers/handlers/preview.ts): the first rows as display text.
// A decimal is shown to 12 significant digits, so a sum of prices does not
// show its rounding errors; whole numbers, dates and missing values as
// cellText writes them.
import { describe, expect, it } from 'vitest';
import { previewOf } from '../../../src/lib/workers/handlers/preview';
import type { DataTable } from '../../../src/lib/engine/data/table';

const table: DataTable = {
  rowCount: 4,
  columns: [
    {
      kind: 'number',
      name: 'spend',
      type: 'decimal',
      values: Float64Array.of(0.1 + 0.2, 2204.4000000000024, 5288.63000000001, 2 ** 60),
    },
    {
      kind: 'number',
      name: 'id',
      type: 'integer',
      values: Float64Array.of(2 ** 53, 7, 8, NaN),
    },
    {
      kind: 'number',
      name: 'day',
      type: 'date',
      values: Float64Array.of(Date.UTC(2026, 11, 4), NaN, 0, 0),
    },
  ],
};

describe('previewOf', () => {
  it('shows decimals without float noise, other cells as they are', () => {
    const p = previewOf(table, 10);
    expect(p.rowCount).toBe(4);
    expect(p.columns).toEqual([
      { name: 'spend', type: 'decimal' },
      { name: 'id', type: 'integer' },
      { name: 'day', type: 'date' },
    ]);
    expect(String(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(p.rows).toEqual([
      ['0.3', '9007199254740992', '2026-12-04'],
      ['2204.4', '7', ''],
      ['5288.63', '8', '1970-01-01'],
      [String(2 ** 60), '', '1970-01-01'],
    ]);
  });
});
