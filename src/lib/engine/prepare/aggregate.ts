// Group-by-key summaries, e.g. payments per policy: count, total amount,
// last payment date. Pure; runs in the compute worker and in Node tests.

import { EngineError, type Column, type DataTable, type NumericColumnType } from '../data/table';
import {
  encodeKeys,
  groupRows,
  invalidSetting,
  numericColumn,
  quantile7,
  requireColumn,
  requireNumeric,
  takeRows,
  wrongType,
  type TransformResult,
} from './common';

/** Every aggregate function, in the order the UI lists them. */
export const AGGREGATE_FNS = [
  'count',
  'count-distinct',
  'sum',
  'mean',
  'min',
  'max',
  'first',
  'last',
  'median',
] as const;

export type AggregateFn = (typeof AGGREGATE_FNS)[number];

export interface Measure {
  column: string;
  fn: AggregateFn;
  /** Output name; default `<column>_<fn>`. */
  name?: string;
}

export interface AggregateSettings {
  key: string | string[];
  measures: Measure[];
  /** Column that orders rows for first/last (e.g. a date); default: row order. */
  orderBy?: string;
}

const FNS: ReadonlySet<string> = new Set(AGGREGATE_FNS);

/**
 * One row per distinct key, in order of first appearance (pandas
 * groupby(sort=False)); a missing key is a group of its own. Every measure
 * skips missing values, as pandas does: count counts non-missing values;
 * sum of none is 0; mean, median, min, max of none are missing; first/last
 * are the first/last non-missing values by `orderBy` (rows with a missing
 * orderBy are skipped; ties keep row order), or by row order.
 * sum keeps integer type; mean and median are decimal; min, max, first, last
 * keep the column's type (min/max need a numeric or date column).
 */
export function aggregateByKey(table: DataTable, settings: AggregateSettings): TransformResult {
  const keyNames = typeof settings.key === 'string' ? [settings.key] : settings.key;
  if (!Array.isArray(keyNames) || keyNames.length === 0) throw invalidSetting('key', settings.key);
  const keys = keyNames.map((k) => requireColumn(table, k));
  if (!Array.isArray(settings.measures) || settings.measures.length === 0) {
    throw invalidSetting('measures', settings.measures);
  }
  const order = settings.orderBy
    ? requireNumeric(table, settings.orderBy, ['integer', 'decimal', 'date', 'datetime']).values
    : null;
  const n = table.rowCount;
  const { ids, count } = encodeKeys([keys], [n], true);
  const groupOf = ids[0];
  const { order: rows, start } = groupRows(groupOf, count);

  const firstRow = new Int32Array(count);
  for (let g = 0; g < count; g++) firstRow[g] = rows[start[g]];
  const columns: Column[] = keys.map((k) => takeRows(k, firstRow));
  const names = new Set(keyNames);
  for (const m of settings.measures) {
    if (!FNS.has(m.fn)) throw invalidSetting('fn', m.fn);
    const column = requireColumn(table, m.column);
    const name = m.name?.trim() || `${m.column}_${m.fn}`;
    if (names.has(name)) throw new EngineError('prepare.duplicate-column', { column: name });
    names.add(name);
    columns.push(measure(column, m.fn, name, rows, start, count, order));
  }
  return { table: { rowCount: count, columns }, report: { groups: count, rows: n } };
}

function measure(
  column: Column,
  fn: AggregateFn,
  name: string,
  rows: Int32Array,
  start: Int32Array,
  count: number,
  order: Float64Array | null,
): Column {
  const missing = (r: number) =>
    column.kind === 'string' ? column.codes[r] < 0 : Number.isNaN(column.values[r]);
  if (fn === 'count' || fn === 'count-distinct') {
    const out = new Float64Array(count);
    const seen = new Set<number>();
    for (let g = 0; g < count; g++) {
      let c = 0;
      seen.clear();
      for (let t = start[g]; t < start[g + 1]; t++) {
        const r = rows[t];
        if (missing(r)) continue;
        if (fn === 'count') c++;
        else seen.add(column.kind === 'string' ? column.codes[r] : column.values[r]);
      }
      out[g] = fn === 'count' ? c : seen.size;
    }
    return numericColumn(name, 'integer', out);
  }
  if (fn === 'first' || fn === 'last') {
    const pick = new Int32Array(count).fill(-1);
    for (let g = 0; g < count; g++) {
      let best = -1;
      for (let t = start[g]; t < start[g + 1]; t++) {
        const r = rows[t];
        if (missing(r) || (order && Number.isNaN(order[r]))) continue;
        if (best < 0) best = r;
        else if (order) {
          if (fn === 'first' ? order[r] < order[best] : order[r] >= order[best]) best = r;
        } else if (fn === 'last') best = r;
      }
      pick[g] = best;
    }
    return { ...takeRows(column, pick), name };
  }
  if (column.kind !== 'number')
    throw wrongType(column, 'integer, decimal, boolean, date, datetime');
  const values = column.values;
  const isDate = column.type === 'date' || column.type === 'datetime';
  if (isDate && (fn === 'sum' || fn === 'mean' || fn === 'median')) {
    throw wrongType(column, 'integer, decimal, boolean');
  }
  const out = new Float64Array(count);
  let type: NumericColumnType = column.type;
  if (fn === 'mean' || fn === 'median') type = 'decimal';
  if (fn === 'sum' && column.type === 'boolean') type = 'integer';
  const buffer = fn === 'median' ? new Float64Array(rows.length) : null;
  for (let g = 0; g < count; g++) {
    let acc = fn === 'min' ? Infinity : fn === 'max' ? -Infinity : 0;
    let k = 0;
    for (let t = start[g]; t < start[g + 1]; t++) {
      const v = values[rows[t]];
      if (Number.isNaN(v)) continue;
      if (fn === 'sum' || fn === 'mean') acc += v;
      else if (fn === 'min') acc = v < acc ? v : acc;
      else if (fn === 'max') acc = v > acc ? v : acc;
      else buffer![start[g] + k] = v;
      k++;
    }
    if (fn === 'median') {
      out[g] = k === 0 ? NaN : quantile7(buffer!.subarray(start[g], start[g] + k).sort(), 0.5);
    } else if (fn === 'sum') out[g] = acc;
    else out[g] = k === 0 ? NaN : fn === 'mean' ? acc / k : acc;
  }
  return numericColumn(name, type, out);
}
