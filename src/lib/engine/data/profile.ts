// Column profiles of a DataTable: counts, missing, distinct, summary
// statistics, top values and histograms. Pure; runs in the compute worker
// (after ingest, or on request) and in Node tests.
//
// Statistics follow R: sd is the sample standard deviation (n − 1), median
// and quartiles are quantile(type = 7). Dates are in epoch ms, so their
// statistics are too (sd in ms).
//
// An integer column holding only 0 and 1 (missing aside; both present) is a
// flag — Exited, SeniorCitizen, lapse: it keeps its integer type, so models
// read it as 0/1, but its profile is a boolean's: the count of each value
// (`top`, for a bar chart) and the share of ones (`mean`), no median,
// quartiles, range or histogram, which say nothing about two values.
//
// Each profile also carries data-quality warnings (./quality.ts): per column,
// and for the table (duplicate rows).

import { daysFromCivil, type ColumnInference } from './infer';
import { columnWarnings, tableWarnings, type QualityWarning } from './quality';
import { type Column, type ColumnType, type DataTable, type Progress } from './table';
import { firstAtLeast, quantile7 } from '../stats/quantile';
import { DAY_MS } from '../units';

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Percent of rows missing, 0–100. */
  missingPct: number;
  /** Distinct non-missing values. */
  distinct: number;
  min?: number;
  max?: number;
  mean?: number;
  median?: number;
  /** First and third quartiles (R quantile type 7). */
  q1?: number;
  q3?: number;
  /** Sample standard deviation (n − 1). */
  std?: number;
  /**
   * Up to 10 most frequent values (strings, booleans and flags), ties by
   * first appearance (for booleans and flags: true or 1 first).
   */
  top?: { value: string; count: number }[];
  /**
   * An integer column of 0s and 1s (see the header): `top` counts '0' and
   * '1', `mean` is the share of ones, and there is no min, max, median,
   * quartile or histogram.
   */
  flag?: true;
  /** Numeric and date columns: about 20 bins [x0, x1), the last one closed. */
  histogram?: { x0: number; x1: number; count: number }[];
  /** Data-quality warnings about this column (set by profileTable). */
  warnings?: QualityWarning[];
}

export interface TableProfile {
  rowCount: number;
  columns: ColumnProfile[];
  /** Data-quality warnings about the whole table (duplicate rows). */
  warnings?: QualityWarning[];
  /** The target column the leakage check used, if any. */
  target?: string;
}

export interface ProfileOptions {
  /** Column to check every other column against for leakage. */
  target?: string | null;
  /** Epoch ms; dates after it are "in the future". Default: now. */
  asOf?: number;
  /** Per column, in column order, what the ingest decided (from the dataset's meta). */
  inference?: readonly (ColumnInference | undefined)[];
}

const TOP_N = 10;
const TARGET_BINS = 20;

/**
 * Profiles every column and checks it for quality problems, reporting
 * progress per column; the last step looks for duplicate rows.
 */
export async function profileTable(
  table: DataTable,
  progress: Progress,
  options: ProfileOptions = {},
): Promise<TableProfile> {
  const target =
    options.target && table.columns.some((c) => c.name === options.target) ? options.target : null;
  const quality = {
    target,
    asOf: options.asOf ?? Date.now(),
    inference: options.inference?.length === table.columns.length ? options.inference : undefined,
  };
  const steps = table.columns.length + 1;
  const columns: ColumnProfile[] = [];
  for (let j = 0; j < table.columns.length; j++) {
    await progress.report(j, steps);
    const profile = profileColumn(table.columns[j], table.rowCount);
    profile.warnings = columnWarnings(table, j, profile, quality);
    columns.push(profile);
  }
  await progress.report(table.columns.length, steps);
  const warnings = tableWarnings(table);
  await progress.report(steps, steps);
  return { rowCount: table.rowCount, columns, warnings, ...(target ? { target } : {}) };
}

export function profileColumn(column: Column, rowCount: number): ColumnProfile {
  return column.kind === 'number'
    ? profileNumbers(column, rowCount)
    : profileStrings(column, rowCount);
}

function base(column: Column, rowCount: number, count: number, distinct: number): ColumnProfile {
  const missing = rowCount - count;
  return {
    name: column.name,
    type: column.type,
    count,
    missing,
    missingPct: rowCount === 0 ? 0 : (100 * missing) / rowCount,
    distinct,
  };
}

function profileStrings(column: Column & { kind: 'string' }, rowCount: number): ColumnProfile {
  const counts = new Int32Array(column.dictionary.length);
  const firstSeen = new Int32Array(column.dictionary.length).fill(-1);
  let count = 0;
  for (let i = 0; i < rowCount; i++) {
    const code = column.codes[i];
    if (code < 0) continue;
    if (counts[code]++ === 0) firstSeen[code] = i;
    count++;
  }
  let distinct = 0;
  for (const c of counts) if (c > 0) distinct++;
  const profile = base(column, rowCount, count, distinct);
  profile.top = topCodes(counts, firstSeen).map((code) => ({
    value: column.dictionary[code],
    count: counts[code],
  }));
  return profile;
}

/** Codes of the TOP_N largest counts, ties broken by first appearance. */
function topCodes(counts: Int32Array, firstSeen: Int32Array): number[] {
  const codes: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c] > 0) codes.push(c);
  codes.sort((a, b) => counts[b] - counts[a] || firstSeen[a] - firstSeen[b]);
  return codes.slice(0, TOP_N);
}

function profileNumbers(column: Column & { kind: 'number' }, rowCount: number): ColumnProfile {
  const sorted = new Float64Array(rowCount);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < rowCount; i++) {
    const v = column.values[i];
    if (v !== v) continue;
    sorted[count++] = v;
    sum += v;
  }
  const values = sorted.subarray(0, count).sort();
  let distinct = 0;
  for (let i = 0; i < count; i++) if (i === 0 || values[i] !== values[i - 1]) distinct++;
  const profile = base(column, rowCount, count, distinct);
  if (count === 0) return profile;
  const mean = sum / count;
  // Second pass about the mean: the textbook one-pass formula loses digits.
  let ss = 0;
  let correction = 0;
  for (let i = 0; i < count; i++) {
    const d = values[i] - mean;
    ss += d * d;
    correction += d;
  }
  const flag =
    column.type === 'integer' && distinct === 2 && values[0] === 0 && values[count - 1] === 1;
  profile.mean = mean + correction / count;
  profile.std = count > 1 ? Math.sqrt((ss - (correction * correction) / count) / (count - 1)) : NaN;
  if (flag) {
    const ones = count - firstAtLeast(values, 0.5);
    profile.flag = true;
    // The share of ones, exactly (the correction pass above would add ~1e-14).
    profile.mean = ones / count;
    profile.top = byCount([
      { value: '1', count: ones },
      { value: '0', count: count - ones },
    ]);
    return profile;
  }
  profile.min = values[0];
  profile.max = values[count - 1];
  profile.median = quantile7(values, 0.5);
  profile.q1 = quantile7(values, 0.25);
  profile.q3 = quantile7(values, 0.75);
  if (column.type === 'boolean') {
    const trues = count - firstAtLeast(values, 0.5);
    profile.top = byCount(
      [
        { value: 'true', count: trues },
        { value: 'false', count: count - trues },
      ].filter((t) => t.count > 0),
    );
  } else {
    profile.histogram = histogram(
      values,
      column.type === 'date' || column.type === 'datetime' ? 'date' : column.type,
    );
  }
  return profile;
}

/** The two values of a boolean or flag, the more frequent first (ties: as given). */
function byCount(top: { value: string; count: number }[]): { value: string; count: number }[] {
  return top.sort((a, b) => b.count - a.count);
}

/** 1, 2 or 5 × 10^k, the smallest not below `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** Rounds away float noise from k × step (0.30000000000000004 → 0.3). */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

function numberEdges(min: number, max: number, integer: boolean): number[] {
  let step = niceStep((max - min) / TARGET_BINS);
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step);
  const edges: number[] = [];
  for (let k = first; ; k++) {
    edges.push(clean(k * step));
    if (k * step > max) break;
  }
  return edges;
}

const DAY_STEPS = [1, 2, 7, 14];
const MONTH_STEPS = [1, 2, 3, 6];
const YEAR_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** Calendar-aligned edges: whole days, weeks, months or years (UTC). */
function dateEdges(min: number, max: number): number[] {
  const span = max - min;
  for (const days of DAY_STEPS) {
    if (span / (days * DAY_MS) <= TARGET_BINS) {
      const step = days * DAY_MS;
      const edges: number[] = [];
      for (let x = Math.floor(min / step) * step; ; x += step) {
        edges.push(x);
        if (x > max) return edges;
      }
    }
  }
  const start = new Date(min);
  const end = new Date(max);
  const y0 = start.getUTCFullYear();
  const m0 = start.getUTCMonth();
  const months = (end.getUTCFullYear() - y0) * 12 + end.getUTCMonth() - m0 + 1;
  // Month m counted from January of y0 (may exceed 11); daysFromCivil, unlike
  // Date.UTC, also gets years 0–99 right.
  const monthStart = (m: number) =>
    daysFromCivil(y0 + Math.floor(m / 12), (((m % 12) + 12) % 12) + 1, 1) * DAY_MS;
  for (const step of MONTH_STEPS) {
    if (months / step <= TARGET_BINS) {
      const edges: number[] = [];
      for (let m = m0 - (m0 % step); ; m += step) {
        edges.push(monthStart(m));
        if (edges[edges.length - 1] > max) return edges;
      }
    }
  }
  for (const step of YEAR_STEPS) {
    if (months / 12 / step <= TARGET_BINS - 1) {
      const edges: number[] = [];
      for (let y = Math.floor(y0 / step) * step; ; y += step) {
        edges.push(daysFromCivil(y, 1, 1) * DAY_MS);
        if (edges[edges.length - 1] > max) return edges;
      }
    }
  }
  return [min, max];
}

/** Counts sorted values into nice bins; bins are [x0, x1), the last one closed. */
function histogram(
  sorted: Float64Array,
  kind: 'integer' | 'decimal' | 'date',
): { x0: number; x1: number; count: number }[] {
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  if (min === max) {
    const half = kind === 'date' ? DAY_MS / 2 : 0.5;
    return [{ x0: min - half, x1: max + half, count: sorted.length }];
  }
  const edges = kind === 'date' ? dateEdges(min, max) : numberEdges(min, max, kind === 'integer');
  const bins: { x0: number; x1: number; count: number }[] = [];
  let from = 0;
  for (let b = 0; b < edges.length - 1; b++) {
    const last = b === edges.length - 2;
    const to = last ? sorted.length : firstAtLeast(sorted, edges[b + 1]);
    bins.push({ x0: edges[b], x1: edges[b + 1], count: to - from });
    from = to;
  }
  return bins;
}
