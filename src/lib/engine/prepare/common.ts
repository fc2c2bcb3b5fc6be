// Shared pieces of the Prepare transforms (src/lib/engine/prepare): the result
// convention, settings checks, column builders and key encoding. Pure; runs in
// the compute worker and in Node tests.
//
// Convention: every transform is `(table, settings) => { table, report }`. It
// never mutates its input (new typed arrays are allocated for changed columns;
// unchanged columns are shared, which is safe because columns are immutable by
// contract). `report` holds small counts and values for the cell's summary line.

import {
  EngineError,
  getColumn,
  cellText,
  type Column,
  type DataTable,
  type NumericColumn,
  type NumericColumnType,
  type StringColumn,
  type StringColumnType,
} from '../data/table';
import { parseDate } from '../data/infer';

export type Report = Record<string, number | string>;

export interface TransformResult {
  table: DataTable;
  report: Report;
}

export function numericColumn(
  name: string,
  type: NumericColumnType,
  values: Float64Array,
): NumericColumn {
  return { kind: 'number', name, type, values };
}

export function stringColumn(
  name: string,
  type: StringColumnType,
  codes: Int32Array,
  dictionary: readonly string[],
): StringColumn {
  return { kind: 'string', name, type, codes, dictionary };
}

export function renamed(column: Column, name: string): Column {
  return { ...column, name };
}

/** A bad setting the UI should have prevented (e.g. an empty column list). */
export function invalidSetting(setting: string, value: unknown): EngineError {
  return new EngineError('prepare.invalid-setting', { setting, value: String(value) });
}

/** The column, or column.not-found. */
export function requireColumn(table: DataTable, name: unknown): Column {
  if (typeof name !== 'string' || name === '') throw invalidSetting('column', name);
  return getColumn(table, name);
}

/** A numeric column of one of `types`, or prepare.wrong-column-type. */
export function requireNumeric(
  table: DataTable,
  name: unknown,
  types: readonly NumericColumnType[] = ['integer', 'decimal'],
): NumericColumn {
  const column = requireColumn(table, name);
  if (column.kind !== 'number' || !types.includes(column.type)) {
    throw wrongType(column, types.join(', '));
  }
  return column;
}

export function wrongType(column: Column, expected: string): EngineError {
  return new EngineError('prepare.wrong-column-type', {
    column: column.name,
    type: column.type,
    expected,
  });
}

export function requireColumnList(table: DataTable, names: unknown, setting = 'columns'): Column[] {
  if (!Array.isArray(names) || names.length === 0) throw invalidSetting(setting, names);
  return names.map((n) => requireColumn(table, n));
}

/** The table with `replacements` swapped in by name and `added` appended. */
export function withColumns(
  table: DataTable,
  replacements: ReadonlyMap<string, Column>,
  added: readonly Column[] = [],
): DataTable {
  const columns = table.columns.map((c) => replacements.get(c.name) ?? c);
  const names = new Set(columns.map((c) => c.name));
  for (const c of added) {
    if (names.has(c.name)) throw new EngineError('prepare.duplicate-column', { column: c.name });
    names.add(c.name);
  }
  return { rowCount: table.rowCount, columns: [...columns, ...added] };
}

/** Epoch ms of a 'yyyy-mm-dd' setting value, or prepare.invalid-date. */
export function parseIsoDate(value: unknown, setting: string): number {
  const ms =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())
      ? parseDate(value, 'ymd')
      : NaN;
  if (Number.isNaN(ms)) {
    throw new EngineError('prepare.invalid-date', { setting, value: String(value) });
  }
  return ms;
}

/**
 * Gathers rows `index` of `column`; an index of -1 gives a missing value
 * (outer joins). String columns keep only the dictionary entries still used,
 * so levels that vanished with their rows do not reappear downstream.
 */
export function takeRows(column: Column, index: Int32Array): Column {
  const n = index.length;
  if (column.kind === 'number') {
    const src = column.values;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = index[i];
      values[i] = r < 0 ? NaN : src[r];
    }
    return numericColumn(column.name, column.type, values);
  }
  const src = column.codes;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = index[i];
    codes[i] = r < 0 ? -1 : src[r];
  }
  return compactDictionary(stringColumn(column.name, column.type, codes, column.dictionary));
}

/** Drops unused dictionary entries, keeping the order of the rest. */
export function compactDictionary(column: StringColumn): StringColumn {
  const used = new Uint8Array(column.dictionary.length);
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) used[codes[i]] = 1;
  if (used.every((u) => u === 1)) return column;
  const remap = new Int32Array(used.length).fill(-1);
  const dictionary: string[] = [];
  for (let k = 0; k < used.length; k++) {
    if (used[k]) {
      remap[k] = dictionary.length;
      dictionary.push(column.dictionary[k]);
    }
  }
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? -1 : remap[codes[i]];
  return stringColumn(column.name, column.type, out, dictionary);
}

export function selectRows(table: DataTable, index: Int32Array): DataTable {
  return { rowCount: index.length, columns: table.columns.map((c) => takeRows(c, index)) };
}

/**
 * Dense key ids (0..count-1) for the rows of one or more tables, over one or
 * more key columns per table; equal keys get equal ids across tables.
 * Per key position: string columns match by text, numeric ones by value, and a
 * string column against a numeric one by the text of the number (cellText:
 * "42", dates as yyyy-mm-dd). With `missingMatches` false, a row with any
 * missing key part gets id -1 (SQL join semantics); otherwise missing is one
 * more key value (duplicates, groups).
 */
export function encodeKeys(
  sides: readonly (readonly Column[])[],
  rowCounts: readonly number[],
  missingMatches: boolean,
): { ids: Int32Array[]; count: number } {
  const ids = rowCounts.map((n) => new Int32Array(n));
  const width = sides[0].length;
  let count = 1;
  for (let j = 0; j < width; j++) {
    const columns = sides.map((s) => s[j]);
    const mode = columns.every((c) => c.kind === 'string')
      ? 'string'
      : columns.every((c) => c.kind === 'number')
        ? 'number'
        : 'text';
    const lookup = new Map<string | number, number>();
    const part = columns.map((c, s) => partIds(c, rowCounts[s], mode, lookup));
    const partCount = lookup.size + 1; // +1: id 0 stands for missing
    // Combine with the ids so far; the product stays below 2^53 for any table
    // that fits in memory, so numbers serve as exact map keys.
    const combined = new Map<number, number>();
    for (let s = 0; s < sides.length; s++) {
      const out = ids[s];
      const p = part[s];
      for (let i = 0; i < out.length; i++) {
        if (out[i] < 0) continue;
        if (p[i] === 0 && !missingMatches) {
          out[i] = -1;
          continue;
        }
        const key = out[i] * partCount + p[i];
        let id = combined.get(key);
        if (id === undefined) {
          id = combined.size;
          combined.set(key, id);
        }
        out[i] = id;
      }
    }
    count = combined.size;
  }
  return { ids, count };
}

/** Ids 1.. of one key column's values in the shared `lookup`; 0 = missing. */
function partIds(
  column: Column,
  n: number,
  mode: 'string' | 'number' | 'text',
  lookup: Map<string | number, number>,
): Int32Array {
  const out = new Int32Array(n);
  const idOf = (key: string | number) => {
    let id = lookup.get(key);
    if (id === undefined) {
      id = lookup.size + 1;
      lookup.set(key, id);
    }
    return id;
  };
  if (column.kind === 'string') {
    // One map lookup per dictionary entry, not per row.
    const byCode = column.dictionary.map((v) => idOf(v));
    const codes = column.codes;
    for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? 0 : byCode[codes[i]];
    return out;
  }
  const values = column.values;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) out[i] = 0;
    else out[i] = idOf(mode === 'number' ? v : cellText(column, i));
  }
  return out;
}

/** Rows grouped by id: `order` lists row indices group by group, `start` the offsets. */
export function groupRows(
  ids: Int32Array,
  count: number,
): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(count + 1);
  for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) start[ids[i] + 1]++;
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  const fill = start.slice(0, count);
  const order = new Int32Array(start[count]);
  for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) order[fill[ids[i]]++] = i;
  return { order, start };
}

/** Text compare by UTF-16 code units: stable and locale-free, like R's sort(method = "radix"). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export { quantile7, sortedValues } from '../stats/quantile';
