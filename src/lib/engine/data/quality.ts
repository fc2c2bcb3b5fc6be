// Data-quality warnings for a profiled table, and the statistics behind them
// (Tukey fences, duplicate rows, purity; the single-feature AUC and the
// correlations come from ../stats).
// Pure; runs in the compute worker as part of the profile request, and in
// Node tests.
//
// The rules, with their thresholds:
// - constant: one distinct non-missing value.
// - identifier: every non-missing value distinct, at least 20 of them, in an
//   integer or string column (distinct decimals and dates are normal).
// - mostly missing: at least 50 % of rows missing.
// - duplicate rows: rows equal in every column to an earlier row (pandas
//   `duplicated().sum()`; missing equals missing).
// - outliers: integer or decimal values outside Tukey's fences
//   Q1 − 1.5·IQR, Q3 + 1.5·IQR (R quantile type 7). Skipped for columns with
//   at most two distinct values (flags) and when IQR = 0 (the fences would
//   call every value but the dominant one an outlier).
// - mixed types: a string column that the ingest demoted from a numeric type,
//   or a categorical or text column where at least half of the non-missing
//   values (by rows) read as numbers or dates yet some do not. Identifier
//   columns are skipped: codes mix digits and letters by design.
// - leakage (only with a target column), a feature that predicts it almost
//   perfectly:
//   · binary target, numeric feature: single-feature AUC (Mann–Whitney, ties
//     averaged) ≥ 0.98 or ≤ 0.02 over rows where both are present;
//   · categorical or binary target: purity ≥ 0.98, where purity is the share
//     of rows in groups of at least 10 rows that are ≥ 99 % one class, and
//     those pure groups must hold at least two different classes (otherwise a
//     rare target makes every feature look pure). Groups are a string
//     feature's values with "missing" as a group of its own, or a numeric
//     feature's missing vs present (an end date that exists only for churned
//     customers is exactly such a leak);
//   · numeric target with more than two values, numeric feature:
//     |Pearson r| or |Spearman ρ| ≥ 0.98 over pairwise-complete rows (n ≥ 10).
//     String features are not checked against a numeric target.
// - future dates: date or date-time values after the as-of instant.

import { parseDate, parseNumber, type ColumnInference } from './infer';
import { rankSumAuc } from '../stats/rank';
import { pairwiseComplete, pearsonCorrelation, spearmanCorrelation } from '../stats/correlation';
import type { ColumnProfile } from './profile';
import { EngineError, type Column, type DataTable } from './table';
import { DAY_MS } from '../units';

export type QualityCode =
  | 'quality.constant'
  | 'quality.identifier'
  | 'quality.mostly-missing'
  | 'quality.duplicate-rows'
  | 'quality.outliers'
  | 'quality.mixed-types'
  | 'quality.leakage'
  | 'quality.future-dates';

export interface QualityWarning {
  /** A message-catalogue key. */
  code: QualityCode;
  severity: 'info' | 'warning';
  params: Record<string, string | number>;
}

/** How a leakage score was measured; the UI names it. */
export type LeakageMeasure = 'auc' | 'purity' | 'missing' | 'pearson' | 'spearman';

export interface QualityOptions {
  /** The column to check the others against for leakage. */
  target?: string | null;
  /** Epoch ms; date values after it are in the future. */
  asOf: number;
  /** Per column, in column order, what the ingest decided (when the dataset has it). */
  inference?: readonly (ColumnInference | undefined)[];
}

export const THRESHOLDS = {
  mostlyMissingPct: 50,
  identifierMinRows: 20,
  tukey: 1.5,
  mixedShare: 0.5,
  /** Dictionary entries parsed when looking for mixed types. */
  mixedSample: 5000,
  leakAuc: 0.98,
  leakCorrelation: 0.98,
  leakPurity: 0.98,
  pureGroupShare: 0.99,
  pureGroupMinRows: 10,
} as const;

/**
 * The instant after which dates count as in the future: the end of the
 * as-of day (yyyy-mm-dd, UTC), or `now` when none is given.
 */
export function asOfInstant(asOf: string | null | undefined, now: number): number {
  if (!asOf) return now;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? parseDate(asOf, 'ymd') : NaN;
  if (Number.isNaN(day)) throw new EngineError('quality.invalid-as-of', { value: asOf });
  return day + DAY_MS - 1;
}

/** Four significant digits: enough for a message, stable across platforms. */
function round(x: number): number {
  return Number(x.toPrecision(4));
}

// ---- per-column warnings ----------------------------------------------------

/** Warnings about one column (leakage included when options.target is set). */
export function columnWarnings(
  table: DataTable,
  index: number,
  profile: ColumnProfile,
  options: QualityOptions,
): QualityWarning[] {
  const column = table.columns[index];
  const warnings: QualityWarning[] = [];
  if (table.rowCount > 0 && profile.missingPct >= THRESHOLDS.mostlyMissingPct) {
    warnings.push({
      code: 'quality.mostly-missing',
      severity: 'warning',
      params: { pct: round(profile.missingPct) },
    });
  }
  if (profile.count === 0) return warnings;
  if (profile.distinct === 1 && table.rowCount > 1) {
    warnings.push({ code: 'quality.constant', severity: 'warning', params: {} });
  }
  const keyLike = column.kind === 'string' || column.type === 'integer';
  if (
    keyLike &&
    profile.distinct === profile.count &&
    profile.count >= THRESHOLDS.identifierMinRows
  ) {
    warnings.push({
      code: 'quality.identifier',
      severity: 'info',
      params: { count: profile.count },
    });
  }
  if (column.kind === 'number') {
    const outliers = tukeyOutliers(column, profile);
    if (outliers && outliers.count > 0) {
      warnings.push({
        code: 'quality.outliers',
        severity: 'info',
        params: {
          count: outliers.count,
          pct: round((100 * outliers.count) / profile.count),
          lower: round(outliers.lower),
          upper: round(outliers.upper),
        },
      });
    }
    if (column.type === 'date' || column.type === 'datetime') {
      const future = futureDates(column.values, options.asOf);
      if (future.count > 0) {
        warnings.push({
          code: 'quality.future-dates',
          severity: 'warning',
          params: {
            count: future.count,
            max: new Date(future.max)
              .toISOString()
              .slice(0, column.type === 'date' ? 10 : 16)
              .replace('T', ' '),
          },
        });
      }
    }
  } else {
    const demoted = options.inference?.[index]?.evidence === 'demoted';
    // Codes such as 85123A or C536642 mix digits and letters by design.
    const mixed = column.type !== 'identifier' || demoted ? mixedTypes(column, demoted) : null;
    if (mixed) {
      warnings.push({
        code: 'quality.mixed-types',
        severity: 'warning',
        params: { column: column.name, pct: round(mixed.pct), examples: mixed.examples },
      });
    }
  }
  if (options.target && options.target !== column.name) {
    const target = table.columns.find((c) => c.name === options.target);
    const leak = target ? leakage(column, target, table.rowCount) : null;
    if (leak) {
      warnings.push({
        code: 'quality.leakage',
        severity: 'warning',
        params: {
          column: column.name,
          target: target!.name,
          measure: leak.measure,
          score: round(leak.score),
        },
      });
    }
  }
  return warnings;
}

/** Warnings about the whole table. */
export function tableWarnings(table: DataTable): QualityWarning[] {
  const warnings: QualityWarning[] = [];
  const count = duplicateRowCount(table);
  if (count > 0) {
    warnings.push({
      code: 'quality.duplicate-rows',
      severity: 'warning',
      params: { count, pct: round((100 * count) / table.rowCount) },
    });
  }
  return warnings;
}

// ---- outliers and future dates ----------------------------------------------

/** Tukey's fences from the profile's quartiles and the count of values outside them. */
export function tukeyOutliers(
  column: Column & { kind: 'number' },
  profile: ColumnProfile,
): { lower: number; upper: number; count: number } | null {
  if (column.type !== 'integer' && column.type !== 'decimal') return null;
  if (profile.distinct <= 2 || profile.q1 === undefined || profile.q3 === undefined) return null;
  const iqr = profile.q3 - profile.q1;
  if (!(iqr > 0)) return null;
  const lower = profile.q1 - THRESHOLDS.tukey * iqr;
  const upper = profile.q3 + THRESHOLDS.tukey * iqr;
  let count = 0;
  for (const v of column.values) if (v < lower || v > upper) count++;
  return { lower, upper, count };
}

/** Values after `asOf` (NaN never counts) and the latest of them. */
export function futureDates(values: Float64Array, asOf: number): { count: number; max: number } {
  let count = 0;
  let max = -Infinity;
  for (const v of values) {
    if (v > asOf) {
      count++;
      if (v > max) max = v;
    }
  }
  return { count, max };
}

// ---- mixed types --------------------------------------------------------------

/** Integer-looking with a leading zero ("007"): a code, not a number (as in infer.ts). */
function leadingZero(s: string): boolean {
  return /^[+-]?0\d/.test(s.trim());
}

function readsAsValue(s: string): boolean {
  if (!leadingZero(s) && !Number.isNaN(parseNumber(s, 'dot'))) return true;
  for (const f of ['ymd', 'dmy', 'mdy', 'cjk'] as const) {
    if (!Number.isNaN(parseDate(s, f))) return true;
  }
  return false;
}

/**
 * A string column whose values mostly read as numbers or dates, with up to
 * three that do not; null when the column is not mixed. `demoted`: the ingest
 * saw it start as numbers, so it is mixed whatever the share.
 */
export function mixedTypes(
  column: Column & { kind: 'string' },
  demoted = false,
): { pct: number; examples: string } | null {
  const { dictionary, codes } = column;
  if (dictionary.length === 0) return null;
  const counts = new Float64Array(dictionary.length);
  for (const c of codes) if (c >= 0) counts[c]++;
  // Parse at most mixedSample entries, spread evenly over the dictionary,
  // and weigh each by its rows.
  const step = Math.max(1, dictionary.length / THRESHOLDS.mixedSample);
  let rows = 0;
  let valueRows = 0;
  const examples: string[] = [];
  for (let k = 0; k < dictionary.length; k += step) {
    const code = Math.floor(k);
    if (counts[code] === 0) continue;
    rows += counts[code];
    if (readsAsValue(dictionary[code])) valueRows += counts[code];
    else if (examples.length < 3) examples.push(dictionary[code]);
  }
  if (rows === 0 || examples.length === 0) return null;
  const share = valueRows / rows;
  if (!demoted && share < THRESHOLDS.mixedShare) return null;
  return { pct: 100 * share, examples: examples.map((e) => `“${e}”`).join(', ') };
}

// ---- duplicate rows -----------------------------------------------------------

const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);

/** murmur3's finaliser: spreads every input bit over the word. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A string column's codes with equal strings mapped to one code, so rows
 * compare by code even if a dictionary repeats a string.
 */
function canonicalCodes(column: Column & { kind: 'string' }): Int32Array {
  const first = new Map<string, number>();
  const remap = Int32Array.from(column.dictionary, (s, k) => {
    const seen = first.get(s);
    if (seen !== undefined) return seen;
    first.set(s, k);
    return k;
  });
  return Int32Array.from(column.codes, (c) => (c < 0 ? -1 : remap[c]));
}

/**
 * Rows equal in every column to an earlier row, as pandas
 * `DataFrame.duplicated().sum()` counts them (missing equals missing, −0
 * equals 0). Rows are hashed column by column into two 32-bit words (no
 * per-row strings); equal keys are confirmed value by value, so a hash
 * collision never counts as a duplicate. `keyBits` (tests only) shortens the
 * key to force collisions.
 */
export function duplicateRowCount(table: DataTable, keyBits = 53): number {
  const n = table.rowCount;
  if (n < 2 || table.columns.length === 0) return 0;
  const h1 = new Int32Array(n).fill(0x9747b28c);
  const h2 = new Int32Array(n).fill(0x5bd1e995);
  const columns: (Float64Array | Int32Array)[] = table.columns.map((c) =>
    c.kind === 'string' ? canonicalCodes(c) : c.values,
  );
  for (const values of columns) {
    const floats = values instanceof Float64Array;
    for (let i = 0; i < n; i++) {
      let lo: number;
      let hi: number;
      if (floats) {
        const v = values[i];
        // One NaN for every missing value; 0 for −0.
        FLOAT[0] = v !== v ? NaN : v === 0 ? 0 : v;
        lo = WORDS[0];
        hi = WORDS[1];
      } else {
        lo = values[i];
        hi = 0x2545f491;
      }
      h1[i] = fmix(Math.imul(h1[i] ^ lo, 0xcc9e2d51) + hi);
      h2[i] = fmix(Math.imul(h2[i] ^ hi, 0x1b873593) + lo);
    }
  }
  const equal = (a: number, b: number): boolean => {
    for (const values of columns) {
      const x = values[a];
      const y = values[b];
      if (x !== y && !(x !== x && y !== y)) return false;
    }
    return true;
  };
  const modulus = 2 ** keyBits;
  const first = new Map<number, number>();
  // Rows whose key matched an earlier, different row (a true collision).
  const others = new Map<number, number[]>();
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    const key = ((h1[i] >>> 0) * 2 ** 21 + (h2[i] >>> 11)) % modulus;
    const j = first.get(key);
    if (j === undefined) {
      first.set(key, i);
    } else if (equal(j, i)) {
      duplicates++;
    } else {
      const list = others.get(key);
      if (!list) others.set(key, [i]);
      else if (list.some((r) => equal(r, i))) duplicates++;
      else list.push(i);
    }
  }
  return duplicates;
}

// ---- leakage --------------------------------------------------------------------

/**
 * Purity of a grouping for predicting a class: the share of rows in groups of
 * at least pureGroupMinRows rows that are at least pureGroupShare one class.
 * `groups` and `classes` are codes (rows with class −1 are skipped; group −1
 * is a group of its own). `classesCovered` counts the different majority
 * classes among the pure groups.
 */
export function groupPurity(
  groups: Int32Array,
  classes: Int32Array,
  groupCount: number,
  classCount: number,
): { purity: number; classesCovered: number } {
  // Row g + 1 of the table counts group g (row 0: missing).
  const counts = new Float64Array((groupCount + 1) * classCount);
  let n = 0;
  for (let i = 0; i < groups.length; i++) {
    const c = classes[i];
    if (c < 0) continue;
    counts[(groups[i] + 1) * classCount + c]++;
    n++;
  }
  let pure = 0;
  const covered = new Set<number>();
  for (let g = 0; g <= groupCount; g++) {
    let size = 0;
    let best = 0;
    let bestClass = -1;
    for (let c = 0; c < classCount; c++) {
      const k = counts[g * classCount + c];
      size += k;
      if (k > best) [best, bestClass] = [k, c];
    }
    if (size >= THRESHOLDS.pureGroupMinRows && best >= THRESHOLDS.pureGroupShare * size) {
      pure += size;
      covered.add(bestClass);
    }
  }
  return { purity: n === 0 ? 0 : pure / n, classesCovered: covered.size };
}

/** A target as classes (binary or categorical) or as a numeric variable. */
type TargetCoding =
  | { kind: 'classes'; classes: Int32Array; classCount: number; binary: boolean }
  | { kind: 'numeric'; values: Float64Array };

function codeTarget(target: Column): TargetCoding | null {
  if (target.kind === 'string') {
    const classes = canonicalCodes(target);
    const counts = new Float64Array(target.dictionary.length);
    for (const c of classes) if (c >= 0) counts[c]++;
    const used: number[] = [];
    counts.forEach((k, c) => k > 0 && used.push(c));
    if (used.length < 2) return null;
    if (used.length > 2) {
      return { kind: 'classes', classes, classCount: target.dictionary.length, binary: false };
    }
    // Binary: class 1 is the rarer value (the event, usually), ties the later code.
    const positive = counts[used[0]] < counts[used[1]] ? used[0] : used[1];
    const binary = Int32Array.from(classes, (c) => (c < 0 ? -1 : c === positive ? 1 : 0));
    return { kind: 'classes', classes: binary, classCount: 2, binary: true };
  }
  let low = Infinity;
  let high = -Infinity;
  let third = false;
  for (const v of target.values) {
    if (v !== v) continue;
    if (low === Infinity) low = v;
    else if (v !== low && high === -Infinity) high = v;
    else if (v !== low && v !== high) {
      third = true;
      break;
    }
  }
  if (high === -Infinity) return null;
  if (third) return { kind: 'numeric', values: target.values };
  // Binary: class 1 is the larger value (1 of a 0/1 flag, true of a boolean).
  const positive = Math.max(low, high);
  const classes = Int32Array.from(target.values, (v) => (v !== v ? -1 : v === positive ? 1 : 0));
  return { kind: 'classes', classes, classCount: 2, binary: true };
}

function purityLeak(
  groups: Int32Array,
  groupCount: number,
  target: TargetCoding & { kind: 'classes' },
): number | null {
  const { purity, classesCovered } = groupPurity(
    groups,
    target.classes,
    groupCount,
    target.classCount,
  );
  return purity >= THRESHOLDS.leakPurity && classesCovered >= 2 ? purity : null;
}

/**
 * How well `feature` predicts `target` when it does so almost perfectly (see
 * the rules in the header); null when it does not, or cannot be measured.
 */
export function leakage(
  feature: Column,
  target: Column,
  rowCount: number,
): { measure: LeakageMeasure; score: number } | null {
  const coded = codeTarget(target);
  if (!coded) return null;
  if (feature.kind === 'string') {
    if (coded.kind !== 'classes') return null;
    const score = purityLeak(canonicalCodes(feature), feature.dictionary.length, coded);
    return score === null ? null : { measure: 'purity', score };
  }
  const values = feature.values;
  if (coded.kind === 'numeric') {
    const pairs = pairwiseComplete(values, coded.values, rowCount);
    if (pairs.x.length < THRESHOLDS.pureGroupMinRows) return null;
    const r = pearsonCorrelation(pairs.x, pairs.y);
    const rho = spearmanCorrelation(pairs.x, pairs.y);
    const pick: { measure: LeakageMeasure; score: number } =
      Math.abs(rho) > Math.abs(r)
        ? { measure: 'spearman', score: rho }
        : { measure: 'pearson', score: r };
    return Math.abs(pick.score) >= THRESHOLDS.leakCorrelation ? pick : null;
  }
  if (coded.binary) {
    const x: number[] = [];
    const positive: number[] = [];
    for (let i = 0; i < rowCount; i++) {
      const c = coded.classes[i];
      if (c < 0 || values[i] !== values[i]) continue;
      x.push(values[i]);
      positive.push(c);
    }
    if (x.length >= THRESHOLDS.pureGroupMinRows) {
      const auc = rankSumAuc(Float64Array.from(x), Uint8Array.from(positive));
      if (auc >= THRESHOLDS.leakAuc || auc <= 1 - THRESHOLDS.leakAuc) {
        return { measure: 'auc', score: auc };
      }
    }
  }
  // Missing vs present as the two groups.
  const groups = Int32Array.from(values, (v) => (v !== v ? -1 : 0));
  const score = purityLeak(groups, 1, coded);
  return score === null ? null : { measure: 'missing', score };
}
