// Test helpers: small tables from literal arrays, fixture CSVs with declared
// types, and reading columns back as plain values.
import { readFileSync } from 'node:fs';
import { parseDate } from '../../../src/lib/engine/data/infer';
import {
  getColumn,
  type Column,
  type ColumnType,
  type DataTable,
} from '../../../src/lib/engine/data/table';

type Cell = number | string | boolean | null;

/** A column from values; null is missing, dates are 'yyyy-mm-dd' strings. */
export function col(name: string, type: ColumnType, values: Cell[]): Column {
  if (type === 'categorical' || type === 'identifier' || type === 'text') {
    const dictionary: string[] = [];
    const codes = Int32Array.from(values, (v) => {
      if (v === null) return -1;
      const s = String(v);
      let k = dictionary.indexOf(s);
      if (k < 0) k = dictionary.push(s) - 1;
      return k;
    });
    return { kind: 'string', name, type, codes, dictionary };
  }
  const parse = (v: Cell) =>
    v === null
      ? NaN
      : type === 'date' || type === 'datetime'
        ? typeof v === 'string'
          ? parseDate(v, 'ymd')
          : Number(v)
        : typeof v === 'boolean'
          ? Number(v)
          : Number(v);
  return { kind: 'number', name, type, values: Float64Array.from(values, parse) };
}

export function table(...columns: Column[]): DataTable {
  const rowCount =
    columns[0].kind === 'string' ? columns[0].codes.length : columns[0].values.length;
  return { rowCount, columns };
}

/** Plain values of a column: numbers (null for NaN) or strings (null for missing). */
export function values(t: DataTable, name: string): (number | string | null)[] {
  const c = getColumn(t, name);
  if (c.kind === 'string') return Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]));
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
}

const FIXTURES = new URL('../../fixtures/prepare/', import.meta.url);

export function json<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

/** A fixture CSV written by the reference scripts (no quoted fields), with declared types. */
export function readCsv(name: string, types: Record<string, ColumnType>): DataTable {
  const lines = readFileSync(new URL(`data/${name}`, FIXTURES), 'utf8')
    .trimEnd()
    .split(/\r?\n/);
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const columns = Object.entries(types).map(([name, type]) => {
    const j = header.indexOf(name);
    if (j < 0) throw new Error(`no column ${name}`);
    const cells = rows.map((r) => {
      const s = r[j];
      if (s === '' || s === 'NA') return null;
      if (type === 'datetime') return Date.parse(s.replace(' ', 'T') + 'Z');
      return s;
    });
    return col(name, type, cells);
  });
  return table(...columns);
}

/** A deep copy of a table's arrays, to check that a transform left its input alone. */
export function snapshot(t: DataTable): unknown {
  return t.columns.map((c) =>
    c.kind === 'string'
      ? { name: c.name, codes: Array.from(c.codes), dictionary: [...c.dictionary] }
      : { name: c.name, type: c.type, values: Array.from(c.values) },
  );
}
