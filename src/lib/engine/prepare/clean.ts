// Cleaning transforms: fill missing values (impute) and cap outliers. Pure;
// runs in the compute worker and in Node tests.

import { EngineError, cellText, type Column, type DataTable } from '../data/table';
import { parseBoolean } from '../data/infer';
import {
  compareText,
  invalidSetting,
  numericColumn,
  parseIsoDate,
  quantile7,
  requireColumnList,
  requireNumeric,
  sortedValues,
  stringColumn,
  withColumns,
  wrongType,
  type Report,
  type TransformResult,
} from './common';

export interface ImputeSettings {
  columns: string[];
  method: 'mean' | 'median' | 'mode' | 'constant';
  /** For 'constant': a number, 'yyyy-mm-dd' for dates, true/false, or text. */
  value?: string | number | boolean;
}

/**
 * Fills missing values column by column.
 * - mean: integer and decimal columns; the column becomes decimal (a mean is
 *   rarely whole, and rounding it would bias the column).
 * - median: R's median() on decimal columns; on integer, date and datetime
 *   columns the lower of the two middle values, so the fill is an observed
 *   value and the type is kept.
 * - mode: the most frequent value of any column; ties go to the smallest
 *   number or the first text in code-unit order.
 * - constant: `value`, read in the column's type.
 * Report: `filled` (total) and per column `filled:<name>` and `value:<name>`.
 */
export function impute(table: DataTable, settings: ImputeSettings): TransformResult {
  const { method } = settings;
  if (!['mean', 'median', 'mode', 'constant'].includes(method)) {
    throw invalidSetting('method', method);
  }
  const columns = requireColumnList(table, settings.columns);
  const replacements = new Map<string, Column>();
  const report: Report = { filled: 0 };
  for (const column of columns) {
    const filled =
      column.kind === 'number' ? imputeNumeric(column, settings) : imputeString(column, settings);
    replacements.set(column.name, filled.column);
    report.filled = (report.filled as number) + filled.count;
    report[`filled:${column.name}`] = filled.count;
    report[`value:${column.name}`] = filled.text;
  }
  return { table: withColumns(table, replacements), report };
}

interface Filled {
  column: Column;
  count: number;
  text: string;
}

function imputeNumeric(column: Column & { kind: 'number' }, settings: ImputeSettings): Filled {
  const { method } = settings;
  const values = column.values;
  let type = column.type;
  let fill: number;
  if (method === 'mean') {
    if (type !== 'integer' && type !== 'decimal') throw wrongType(column, 'integer, decimal');
    let sum = 0;
    let k = 0;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isNaN(values[i])) {
        sum += values[i];
        k++;
      }
    }
    fill = sum / k;
    type = 'decimal';
  } else if (method === 'median') {
    if (type === 'boolean') throw wrongType(column, 'integer, decimal, date, datetime');
    const sorted = sortedValues(values);
    const n = sorted.length;
    if (n === 0) fill = NaN;
    else if (type === 'decimal') fill = quantile7(sorted, 0.5);
    else fill = sorted[(n - 1) >> 1];
  } else if (method === 'mode') {
    const counts = new Map<number, number>();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    fill = NaN;
    let best = 0;
    for (const [v, c] of counts) {
      if (c > best || (c === best && v < fill)) {
        best = c;
        fill = v;
      }
    }
  } else {
    fill = constantNumber(column, settings.value);
    if (type === 'integer' && !Number.isInteger(fill)) type = 'decimal';
  }
  if (Number.isNaN(fill)) {
    throw new EngineError('prepare.no-values', { column: column.name });
  }
  const out = new Float64Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      out[i] = fill;
      count++;
    } else out[i] = v;
  }
  const result = numericColumn(column.name, type, out);
  return {
    column: result,
    count,
    text: cellText(numericColumn('', type, new Float64Array([fill])), 0),
  };
}

function constantNumber(column: Column & { kind: 'number' }, value: unknown): number {
  if (value === undefined || value === null || value === '') throw invalidSetting('value', value);
  if (column.type === 'date' || column.type === 'datetime') return parseIsoDate(value, 'value');
  if (column.type === 'boolean') {
    const b = typeof value === 'boolean' ? (value ? 1 : 0) : parseBoolean(String(value));
    if (Number.isNaN(b)) throw invalidSetting('value', value);
    return b;
  }
  const x = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(x)) throw invalidSetting('value', value);
  return x;
}

function imputeString(column: Column & { kind: 'string' }, settings: ImputeSettings): Filled {
  const { method } = settings;
  const codes = column.codes;
  let dictionary = column.dictionary;
  let fill: number;
  if (method === 'mode') {
    const counts = new Int32Array(dictionary.length);
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) counts[codes[i]]++;
    fill = -1;
    for (let k = 0; k < counts.length; k++) {
      if (counts[k] === 0) continue;
      if (
        fill < 0 ||
        counts[k] > counts[fill] ||
        (counts[k] === counts[fill] && compareText(dictionary[k], dictionary[fill]) < 0)
      ) {
        fill = k;
      }
    }
    if (fill < 0) throw new EngineError('prepare.no-values', { column: column.name });
  } else if (method === 'constant') {
    const value = settings.value;
    if (value === undefined || value === null || String(value) === '') {
      throw invalidSetting('value', value);
    }
    const text = String(value);
    fill = dictionary.indexOf(text);
    if (fill < 0) {
      fill = dictionary.length;
      dictionary = [...dictionary, text];
    }
  } else {
    throw wrongType(column, 'integer, decimal');
  }
  const out = new Int32Array(codes.length);
  let count = 0;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] < 0) {
      out[i] = fill;
      count++;
    } else out[i] = codes[i];
  }
  return {
    column: stringColumn(column.name, column.type, out, dictionary),
    count,
    text: dictionary[fill],
  };
}

export interface CapOutliersSettings {
  columns: string[];
  method: 'iqr' | 'percentile';
  /** IQR multiplier, default 1.5: bounds Q1 − k·IQR and Q3 + k·IQR. */
  k?: number;
  /** Percentile bounds as probabilities, default 0.01 and 0.99. */
  lower?: number;
  upper?: number;
}

/**
 * Clips values outside the bounds to the bounds (winsorising). Quartiles and
 * percentiles are R's quantile(type = 7), its default. An integer column
 * whose bound is fractional and was applied becomes decimal.
 * Report per column: `capped:<name>`, `lower:<name>`, `upper:<name>`; and `capped`.
 */
export function capOutliers(table: DataTable, settings: CapOutliersSettings): TransformResult {
  const { method } = settings;
  if (method !== 'iqr' && method !== 'percentile') throw invalidSetting('method', method);
  const k = settings.k ?? 1.5;
  const pLow = settings.lower ?? 0.01;
  const pHigh = settings.upper ?? 0.99;
  if (method === 'iqr' && !(k >= 0 && Number.isFinite(k))) throw invalidSetting('k', k);
  if (method === 'percentile' && !(pLow >= 0 && pLow < pHigh && pHigh <= 1)) {
    throw invalidSetting('lower', `${pLow}–${pHigh}`);
  }
  if (!Array.isArray(settings.columns) || settings.columns.length === 0) {
    throw invalidSetting('columns', settings.columns);
  }
  const replacements = new Map<string, Column>();
  const report: Report = { capped: 0 };
  for (const name of settings.columns) {
    const column = requireNumeric(table, name);
    const sorted = sortedValues(column.values);
    if (sorted.length === 0) throw new EngineError('prepare.no-values', { column: name });
    let lo: number;
    let hi: number;
    if (method === 'iqr') {
      const q1 = quantile7(sorted, 0.25);
      const q3 = quantile7(sorted, 0.75);
      lo = q1 - k * (q3 - q1);
      hi = q3 + k * (q3 - q1);
    } else {
      lo = quantile7(sorted, pLow);
      hi = quantile7(sorted, pHigh);
    }
    const values = column.values;
    const out = new Float64Array(values.length);
    let capped = 0;
    let fractional = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) {
        out[i] = lo;
        capped++;
        fractional ||= !Number.isInteger(lo);
      } else if (v > hi) {
        out[i] = hi;
        capped++;
        fractional ||= !Number.isInteger(hi);
      } else out[i] = v;
    }
    const type = column.type === 'integer' && fractional ? 'decimal' : column.type;
    replacements.set(name, numericColumn(name, type, out));
    report.capped = (report.capped as number) + capped;
    report[`capped:${name}`] = capped;
    report[`lower:${name}`] = lo;
    report[`upper:${name}`] = hi;
  }
  return { table: withColumns(table, replacements), report };
}
