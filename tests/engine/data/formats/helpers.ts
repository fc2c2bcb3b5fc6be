// Shared by the file-format tests: fixtures as Blobs, and column access.

import { readFileSync } from 'node:fs';
import { getColumn, type DataTable, type Progress } from '../../../../src/lib/engine/data/table';

export const FIXTURES = 'tests/fixtures/formats/';

export function fixture(name: string): Blob {
  return new Blob([readFileSync(FIXTURES + name)]);
}

/** What make_fixtures.py read back with openpyxl and pyarrow. */
export const expected = JSON.parse(readFileSync(FIXTURES + 'expected.json', 'utf-8')) as {
  xlsx: Record<string, unknown[][]> & { sheets: string[] };
  parquet: Record<string, (number | string | boolean | null)[]> & { _row_groups: number[] };
};

/** A numeric column's values with NaN as null, for toEqual against references. */
export function numbers(table: DataTable, name: string): (number | null)[] {
  const c = getColumn(table, name);
  if (c.kind !== 'number') throw new Error(`${name} is a ${c.type} column`);
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
}

/** A string column's values with missing as null. */
export function strings(table: DataTable, name: string): (string | null)[] {
  const c = getColumn(table, name);
  if (c.kind !== 'string') throw new Error(`${name} is a ${c.type} column`);
  return Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]));
}

export function types(table: DataTable): Record<string, string> {
  return Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
}

/** Records every report, to check progress is monotone and ends complete. */
export function recordingProgress(): Progress & { calls: [number, number][] } {
  const calls: [number, number][] = [];
  return {
    calls,
    report(done, total) {
      calls.push([done, total]);
      return Promise.resolve();
    },
  };
}

/** What a promise rejected with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as { code: string; params: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}
