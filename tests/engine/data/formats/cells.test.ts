// columnFromCells: the typed-cell rule shared by XLSX and JSON. Expected
// values are worked out by hand from the rule in src/lib/engine/data/formats/cells.ts
// and the CSV inference it defers to.

import { describe, expect, it } from 'vitest';
import {
  columnFromCells,
  renderDate,
  type Cell,
} from '../../../../src/lib/engine/data/formats/cells';
import type { IngestWarning } from '../../../../src/lib/engine/data/ingest';
import type { Column } from '../../../../src/lib/engine/data/table';

function build(name: string, cells: Cell[]) {
  const warnings: IngestWarning[] = [];
  const built = columnFromCells(name, cells, warnings, (i) => i + 2);
  return { ...built, warnings };
}

function values(column: Column): (number | string | null)[] {
  if (column.kind === 'number')
    return Array.from(column.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(column.codes, (k) => (k < 0 ? null : column.dictionary[k]));
}

describe('columnFromCells', () => {
  it('types one kind of cell directly', () => {
    expect(build('n', [1, 2, null]).column.type).toBe('integer');
    expect(build('n', [1, 2.5]).column.type).toBe('decimal');
    expect(build('b', [true, null, false]).column).toMatchObject({ type: 'boolean' });
    const d = build('d', [new Date(Date.UTC(2024, 0, 5)), null]);
    expect(d.column.type).toBe('date');
    expect(values(d.column)).toEqual([Date.UTC(2024, 0, 5), null]);
    expect(build('t', [new Date(Date.UTC(2024, 0, 5, 8))]).column.type).toBe('datetime');
    expect(build('e', [null, undefined, '', 'NA']).inference).toMatchObject({
      type: 'decimal',
      evidence: 'all-missing',
      missing: 4,
    });
  });

  it('leaves typed integer keys as numbers (Excel said number)', () => {
    expect(build('customer_id', [1, 2, 3]).column.type).toBe('integer');
  });

  it('reads numbers mixed with number-like text as numbers', () => {
    const r = build('amount', [1200, '¥1,300.50', 'N/A', '12%']);
    expect(r.column.type).toBe('decimal');
    expect(values(r.column)).toEqual([1200, 1300.5, null, 0.12]);
    expect(r.warnings).toEqual([]);
  });

  it('reads booleans mixed with 是/否 as booleans, and dates mixed with ISO text as dates', () => {
    expect(values(build('flag', [true, '否', '是']).column)).toEqual([1, 0, 1]);
    const r = build('day', [new Date(Date.UTC(2024, 1, 29)), '2024-03-01']);
    expect(r.column.type).toBe('date');
    expect(values(r.column)).toEqual([Date.UTC(2024, 1, 29), Date.UTC(2024, 2, 1)]);
  });

  it('demotes to strings when text does not fit the typed kind, rendering typed cells canonically', () => {
    const r = build('score', [1.5, 2, 'high', null, new Date(Date.UTC(2024, 0, 5)), true]);
    expect(values(r.column)).toEqual(['1.5', '2', 'high', null, '2024-01-05', 'true']);
    expect(r.inference).toMatchObject({ evidence: 'demoted', missing: 1, invalid: 3 });
    expect(r.warnings).toEqual([
      {
        code: 'ingest.column-demoted',
        params: { column: 'score', row: 4, value: 'high', type: 'decimal' },
      },
    ]);
  });

  it('never calls a demoted column an identifier', () => {
    const r = build('policy_no', [1, 2, 3, 'A-4']);
    expect(r.column.kind).toBe('string');
    expect(r.column.type).toBe('text');
  });

  it('classifies all-text columns as CSV does', () => {
    expect(build('zip', ['007', '012']).column.type).toBe('identifier');
    expect(build('segment', ['gold', 'silver', 'gold']).column.type).toBe('categorical');
  });

  it('renders datetimes as the CSV ingest does', () => {
    expect(renderDate(Date.UTC(2024, 0, 5))).toBe('2024-01-05');
    expect(renderDate(Date.UTC(2024, 0, 5, 10, 31, 7))).toBe('2024-01-05 10:31:07');
    expect(renderDate(Date.UTC(2024, 0, 5, 10, 31, 7, 250))).toBe('2024-01-05 10:31:07.250');
  });
});
