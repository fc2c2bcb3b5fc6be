// Row and column selection transforms: drop duplicates, filter rows, select
// and rename columns. Pure; runs in the compute worker and in Node tests.

import { EngineError, type Column, type DataTable } from '../data/table';
import { parseBoolean } from '../data/infer';
import {
  encodeKeys,
  invalidSetting,
  parseIsoDate,
  renamed,
  requireColumn,
  requireColumnList,
  selectRows,
  wrongType,
  type TransformResult,
} from './common';

export interface DropDuplicatesSettings {
  /** Columns that define a duplicate; default all. Missing equals missing here. */
  columns?: string[];
  keep: 'first' | 'last';
}

/** Keeps one row per distinct key, in the original row order (pandas drop_duplicates). */
export function dropDuplicates(
  table: DataTable,
  settings: DropDuplicatesSettings,
): TransformResult {
  if (settings.keep !== 'first' && settings.keep !== 'last') {
    throw invalidSetting('keep', settings.keep);
  }
  const columns =
    settings.columns === undefined
      ? [...table.columns]
      : requireColumnList(table, settings.columns);
  const n = table.rowCount;
  if (columns.length === 0 || n === 0) {
    return { table, report: { rows: n, removed: 0 } };
  }
  const { ids, count } = encodeKeys([columns], [n], true);
  const key = ids[0];
  const chosen = new Int32Array(count).fill(-1);
  if (settings.keep === 'first') {
    for (let i = n - 1; i >= 0; i--) chosen[key[i]] = i;
  } else {
    for (let i = 0; i < n; i++) chosen[key[i]] = i;
  }
  const keepRow = new Uint8Array(n);
  for (let g = 0; g < count; g++) keepRow[chosen[g]] = 1;
  const index = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (keepRow[i]) index[k++] = i;
  return { table: selectRows(table, index), report: { rows: count, removed: n - count } };
}

/** Every filter operator, in the order the UI lists them. */
export const FILTER_OPS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not-in',
  'is-missing',
  'not-missing',
  'contains',
] as const;

export type FilterOp = (typeof FILTER_OPS)[number];

/**
 * `value` is a number for number columns, 'yyyy-mm-dd' (or an ISO datetime)
 * for dates, true/false for booleans and text for string columns; an array of
 * those for in / not-in.
 */
export interface FilterCondition {
  column: string;
  op: FilterOp;
  value?: string | number | boolean | (string | number | boolean)[];
}

export interface FilterSettings {
  conditions: FilterCondition[];
  combine: 'and' | 'or';
}

const ORDER_OPS = new Set<FilterOp>(['<', '<=', '>', '>=']);

/**
 * Keeps the rows that meet all (and) or any (or) conditions. A missing value
 * meets no comparison, not even != or not-in (as in SQL and R's subset());
 * only is-missing selects it. `contains` is a case-insensitive substring test
 * on string columns. No condition keeps every row.
 */
export function filterRows(table: DataTable, settings: FilterSettings): TransformResult {
  const { conditions, combine } = settings;
  if (!Array.isArray(conditions)) throw invalidSetting('conditions', conditions);
  if (combine !== 'and' && combine !== 'or') throw invalidSetting('combine', combine);
  const n = table.rowCount;
  if (conditions.length === 0) return { table, report: { rows: n, removed: 0 } };
  const keep = new Uint8Array(n).fill(combine === 'and' ? 1 : 0);
  for (const condition of conditions) {
    const mask = conditionMask(table, condition);
    if (combine === 'and') for (let i = 0; i < n; i++) keep[i] &= mask[i];
    else for (let i = 0; i < n; i++) keep[i] |= mask[i];
  }
  let kept = 0;
  for (let i = 0; i < n; i++) kept += keep[i];
  const index = new Int32Array(kept);
  for (let i = 0, k = 0; i < n; i++) if (keep[i]) index[k++] = i;
  return { table: selectRows(table, index), report: { rows: kept, removed: n - kept } };
}

function conditionMask(table: DataTable, condition: FilterCondition): Uint8Array {
  const column = requireColumn(table, condition.column);
  const { op } = condition;
  const n = table.rowCount;
  const mask = new Uint8Array(n);
  if (op === 'is-missing' || op === 'not-missing') {
    const want = op === 'is-missing' ? 1 : 0;
    for (let i = 0; i < n; i++) mask[i] = isMissingAt(column, i) === !!want ? 1 : 0;
    return mask;
  }
  const raw = condition.value;
  if (op === 'in' || op === 'not-in') {
    if (!Array.isArray(raw)) throw invalidSetting('value', raw);
  } else if (raw === undefined || raw === null || Array.isArray(raw)) {
    throw invalidSetting('value', raw);
  }
  const list = Array.isArray(raw) ? raw : [raw];

  if (column.kind === 'string') {
    if (ORDER_OPS.has(op)) throw wrongType(column, 'integer, decimal, date, datetime');
    // Decide once per dictionary entry, then look codes up.
    const texts = list.map(String);
    const needle = op === 'contains' ? texts[0].toLowerCase() : '';
    const set = new Set(texts);
    const byCode = column.dictionary.map((v) => {
      switch (op) {
        case '=':
          return v === texts[0];
        case '!=':
          return v !== texts[0];
        case 'in':
          return set.has(v);
        case 'not-in':
          return !set.has(v);
        case 'contains':
          return v.toLowerCase().includes(needle);
        default:
          throw invalidSetting('op', op);
      }
    });
    const codes = column.codes;
    for (let i = 0; i < n; i++) mask[i] = codes[i] >= 0 && byCode[codes[i]] ? 1 : 0;
    return mask;
  }

  if (op === 'contains') throw wrongType(column, 'categorical, identifier, text');
  const targets = list.map((v) => filterValue(column, v));
  const values = column.values;
  const t = targets[0];
  const set = new Set(targets);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    let hit: boolean;
    switch (op) {
      case '=':
        hit = v === t;
        break;
      case '!=':
        hit = v !== t;
        break;
      case '<':
        hit = v < t;
        break;
      case '<=':
        hit = v <= t;
        break;
      case '>':
        hit = v > t;
        break;
      case '>=':
        hit = v >= t;
        break;
      case 'in':
        hit = set.has(v);
        break;
      case 'not-in':
        hit = !set.has(v);
        break;
      default:
        throw invalidSetting('op', op);
    }
    mask[i] = hit ? 1 : 0;
  }
  return mask;
}

/** The setting value as this numeric column stores it (epoch ms, 0/1, number). */
function filterValue(column: Column & { kind: 'number' }, value: unknown): number {
  if (column.type === 'date' || column.type === 'datetime') {
    if (typeof value === 'string' && value.length > 10) {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms)) return ms;
    }
    return parseIsoDate(value, 'value');
  }
  if (column.type === 'boolean') {
    const b = typeof value === 'boolean' ? (value ? 1 : 0) : parseBoolean(String(value));
    if (Number.isNaN(b) && value !== 0 && value !== 1) throw invalidSetting('value', value);
    return Number.isNaN(b) ? Number(value) : b;
  }
  const x = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(x) || (typeof value === 'string' && value.trim() === '')) {
    throw invalidSetting('value', value);
  }
  return x;
}

function isMissingAt(column: Column, i: number): boolean {
  return column.kind === 'string' ? column.codes[i] < 0 : Number.isNaN(column.values[i]);
}

export interface SelectColumnsSettings {
  columns: { name: string; rename?: string }[];
}

/** The listed columns in the listed order, optionally renamed. */
export function selectColumns(table: DataTable, settings: SelectColumnsSettings): TransformResult {
  if (!Array.isArray(settings.columns) || settings.columns.length === 0) {
    throw invalidSetting('columns', settings.columns);
  }
  const seen = new Set<string>();
  const columns = settings.columns.map(({ name, rename }) => {
    const column = requireColumn(table, name);
    const out = rename === undefined || rename.trim() === '' ? name : rename.trim();
    if (seen.has(out)) throw new EngineError('prepare.duplicate-column', { column: out });
    seen.add(out);
    return out === name ? column : renamed(column, out);
  });
  return {
    table: { rowCount: table.rowCount, columns },
    report: { columns: columns.length, dropped: table.columns.length - columns.length },
  };
}
