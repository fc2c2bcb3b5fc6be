// Standardisation and encoding transforms: scale, one-hot, ordinal codes and
// binning. Pure; runs in the compute worker and in Node tests.

import { EngineError, cellText, type Column, type DataTable } from '../data/table';
import { decimalText } from '../decimal';
import { firstAbove, firstAtLeast } from '../stats/quantile';
import {
  compareText,
  invalidSetting,
  numericColumn,
  quantile7,
  requireColumn,
  requireNumeric,
  sortedValues,
  stringColumn,
  withColumns,
  wrongType,
  type Report,
  type TransformResult,
} from './common';

export interface ScaleSettings {
  columns: string[];
  /** standardize: (x − mean) / sd with the n − 1 sd, as R's scale(); normalize: (x − min) / (max − min). */
  method: 'standardize' | 'normalize';
  /** When set, adds `<name><suffix>` columns; otherwise replaces the columns. */
  suffix?: string;
}

/** Report per column: `center:<name>` and `scale:<name>` (mean/sd or min/range). */
export function scale(table: DataTable, settings: ScaleSettings): TransformResult {
  const { method } = settings;
  if (method !== 'standardize' && method !== 'normalize') throw invalidSetting('method', method);
  if (!Array.isArray(settings.columns) || settings.columns.length === 0) {
    throw invalidSetting('columns', settings.columns);
  }
  const suffix = settings.suffix ?? '';
  const replacements = new Map<string, Column>();
  const added: Column[] = [];
  const report: Report = { columns: settings.columns.length };
  for (const name of settings.columns) {
    const column = requireNumeric(table, name, ['integer', 'decimal', 'boolean']);
    const values = column.values;
    let k = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      k++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (k === 0) throw new EngineError('prepare.no-values', { column: name });
    let center: number;
    let spread: number;
    if (method === 'standardize') {
      center = sum / k;
      // Two-pass sum of squared deviations: stable for large means (dates, ids).
      let ss = 0;
      for (let i = 0; i < values.length; i++) {
        const d = values[i] - center;
        if (!Number.isNaN(d)) ss += d * d;
      }
      spread = Math.sqrt(ss / (k - 1));
    } else {
      center = min;
      spread = max - min;
    }
    if (!(spread > 0)) throw new EngineError('prepare.constant-column', { column: name });
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = (values[i] - center) / spread;
    const result = numericColumn(suffix ? name + suffix : name, 'decimal', out);
    if (suffix) added.push(result);
    else replacements.set(name, result);
    report[`center:${name}`] = center;
    report[`scale:${name}`] = spread;
  }
  return { table: withColumns(table, replacements, added), report };
}

export interface OneHotSettings {
  column: string;
  /** Leave out the first level (the reference level of a regression). */
  dropFirst?: boolean;
  /** Refuse columns with more levels than this; default 50. */
  maxLevels?: number;
  /** Add a `<column>=NA` indicator of missing values. */
  missingIndicator?: boolean;
  /** Keep the source column; by default the indicators replace it. */
  keepOriginal?: boolean;
}

/**
 * 0/1 integer columns `<column>=<level>`, one per level, where the source
 * column stood. Levels are sorted (text by code units, numbers by value).
 * A missing value is 0 in every indicator.
 */
export function oneHot(table: DataTable, settings: OneHotSettings): TransformResult {
  const column = requireColumn(table, settings.column);
  if (column.kind === 'number' && column.type !== 'integer' && column.type !== 'boolean') {
    throw wrongType(column, 'categorical, identifier, text, integer, boolean');
  }
  const maxLevels = settings.maxLevels ?? 50;
  const { levels, codes } = levelCodes(column);
  if (levels.length > maxLevels) {
    throw new EngineError('prepare.too-many-levels', {
      column: column.name,
      levels: levels.length,
      max: maxLevels,
    });
  }
  const n = codes.length;
  const first = settings.dropFirst ? 1 : 0;
  const indicators: Column[] = [];
  for (let k = first; k < levels.length; k++) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = codes[i] === k ? 1 : 0;
    indicators.push(numericColumn(`${column.name}=${levels[k]}`, 'integer', values));
  }
  let missing = 0;
  if (settings.missingIndicator) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) if (codes[i] < 0) values[i] = 1;
    for (let i = 0; i < n; i++) missing += values[i];
    indicators.push(numericColumn(`${column.name}=NA`, 'integer', values));
  } else {
    for (let i = 0; i < n; i++) if (codes[i] < 0) missing++;
  }
  const columns: Column[] = [];
  for (const c of table.columns) {
    if (c !== column) columns.push(c);
    else columns.push(...(settings.keepOriginal ? [c] : []), ...indicators);
  }
  const names = new Set<string>();
  for (const c of columns) {
    if (names.has(c.name)) throw new EngineError('prepare.duplicate-column', { column: c.name });
    names.add(c.name);
  }
  return {
    table: { rowCount: table.rowCount, columns },
    report: { levels: levels.length, columns: indicators.length, missing },
  };
}

/** Sorted level texts of a column, and each row's index into them (-1 missing). */
function levelCodes(
  column: Column,
  order?: readonly string[],
): { levels: string[]; codes: Int32Array } {
  const n = column.kind === 'string' ? column.codes.length : column.values.length;
  const codes = new Int32Array(n);
  if (column.kind === 'string') {
    const used = new Uint8Array(column.dictionary.length);
    for (let i = 0; i < n; i++) if (column.codes[i] >= 0) used[column.codes[i]] = 1;
    const present = column.dictionary.filter((_, k) => used[k]);
    const levels = order ? [...order] : present.sort(compareText);
    const position = new Map(levels.map((l, k) => [l, k]));
    const remap = column.dictionary.map((v) => position.get(v) ?? -2);
    for (let k = 0; k < remap.length; k++) {
      if (used[k] && remap[k] === -2) {
        throw new EngineError('prepare.level-not-in-order', {
          column: column.name,
          value: column.dictionary[k],
        });
      }
    }
    for (let i = 0; i < n; i++) codes[i] = column.codes[i] < 0 ? -1 : remap[column.codes[i]];
    return { levels, codes };
  }
  const distinct = Array.from(new Set(sortedValues(column.values)));
  const texts = distinct.map((v) =>
    cellText(numericColumn('', column.type, new Float64Array([v])), 0),
  );
  const levels = order ? [...order] : texts;
  const position = new Map(levels.map((l, k) => [l, k]));
  const byValue = new Map(
    distinct.map((v, k) => {
      const p = position.get(texts[k]);
      if (p === undefined) {
        throw new EngineError('prepare.level-not-in-order', {
          column: column.name,
          value: texts[k],
        });
      }
      return [v, p];
    }),
  );
  for (let i = 0; i < n; i++) {
    const v = column.values[i];
    codes[i] = Number.isNaN(v) ? -1 : byValue.get(v)!;
  }
  return { levels, codes };
}

export interface OrdinalEncodeSettings {
  column: string;
  /** Levels from lowest to highest; default: sorted. Every present value must be listed. */
  order?: string[];
}

/** Replaces a string column by integer codes 1..k in level order; missing stays missing. */
export function ordinalEncode(table: DataTable, settings: OrdinalEncodeSettings): TransformResult {
  const column = requireColumn(table, settings.column);
  if (column.kind !== 'string') throw wrongType(column, 'categorical, identifier, text');
  const order = settings.order;
  if (order !== undefined) {
    if (!Array.isArray(order) || order.length === 0) throw invalidSetting('order', order);
    if (new Set(order).size !== order.length) throw invalidSetting('order', order.join(', '));
  }
  const { levels, codes } = levelCodes(column, order);
  const values = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) values[i] = codes[i] < 0 ? NaN : codes[i] + 1;
  const encoded = numericColumn(column.name, 'integer', values);
  const report: Report = { levels: levels.length };
  levels.forEach((l, k) => (report[`code:${l}`] = k + 1));
  return { table: withColumns(table, new Map([[column.name, encoded]])), report };
}

export interface BinSettings {
  column: string;
  method: 'equal-width' | 'quantile' | 'custom';
  /** Number of bins for equal-width and quantile. */
  bins?: number;
  /** Ascending break points for custom. */
  breaks?: number[];
  /** One label per bin instead of the interval text. */
  labels?: string[];
  newColumn: string;
}

/**
 * A categorical column of intervals closed on the left, [a, b), with the last
 * one closed on both sides, [a, b] — R's cut(x, breaks, right = FALSE,
 * include.lowest = TRUE). Equal-width breaks run from min to max; quantile
 * breaks are quantile(type = 7) at seq(0, 1, length.out = bins + 1) (k · (1/bins),
 * as R's seq computes them), with repeated breaks
 * merged (reported as `merged`). Values outside custom breaks are missing.
 * The dictionary lists the bins in order, so codes follow the intervals.
 * Values are binned by the breaks as computed, as R bins them; the labels and
 * the reported breaks write them without floating-point noise (decimalText,
 * ../decimal.ts: 62.400000000000006 reads 62.4), except a break that a value
 * of the column lies between (or on) its two forms, which the shorter text
 * would put on the wrong side of the label: that one is written in full
 * (telco's MonthlyCharges holds 78.55, below the equal-width break
 * 78.55000000000001 R computes).
 */
export function binColumn(table: DataTable, settings: BinSettings): TransformResult {
  const column = requireNumeric(table, settings.column, ['integer', 'decimal']);
  const name = typeof settings.newColumn === 'string' ? settings.newColumn.trim() : '';
  if (!name) throw invalidSetting('newColumn', settings.newColumn);
  const sorted = sortedValues(column.values);
  let breaks: number[];
  if (settings.method === 'custom') {
    breaks = settings.breaks ?? [];
    if (
      breaks.length < 2 ||
      breaks.some((b, k) => !Number.isFinite(b) || (k > 0 && b <= breaks[k - 1]))
    ) {
      throw invalidSetting('breaks', breaks.join(', '));
    }
  } else if (settings.method === 'equal-width' || settings.method === 'quantile') {
    const bins = settings.bins ?? 0;
    if (!Number.isInteger(bins) || bins < 1 || bins > 1000) throw invalidSetting('bins', bins);
    if (sorted.length === 0) throw new EngineError('prepare.no-values', { column: column.name });
    const lo = sorted[0];
    const hi = sorted[sorted.length - 1];
    if (!(hi > lo)) throw new EngineError('prepare.constant-column', { column: column.name });
    breaks = [];
    for (let k = 0; k <= bins; k++) {
      breaks.push(
        k === bins
          ? hi
          : settings.method === 'quantile'
            ? quantile7(sorted, k * (1 / bins))
            : lo + k * ((hi - lo) / bins),
      );
    }
    breaks = breaks.filter((b, k) => k === 0 || b > breaks[k - 1]);
  } else {
    throw invalidSetting('method', settings.method);
  }
  const bins = breaks.length - 1;
  const shortest = breakTexts(breaks, sorted);
  // Two breaks that differ only in their noise digits: write them all in full.
  const texts = new Set(shortest).size === breaks.length ? shortest : breaks.map(String);
  let labels: string[];
  if (settings.labels !== undefined) {
    if (settings.labels.length !== bins || new Set(settings.labels).size !== bins) {
      throw new EngineError('prepare.labels-mismatch', { labels: settings.labels.length, bins });
    }
    labels = settings.labels.map(String);
  } else {
    labels = intervalLabels(texts);
  }
  const values = column.values;
  const codes = new Int32Array(values.length);
  const last = breaks[bins];
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      codes[i] = -1;
      continue;
    }
    if (v < breaks[0] || v > last) {
      codes[i] = -1;
      outside++;
      continue;
    }
    // Binary search for the last break <= v; v == last goes to the last bin.
    let lo = 0;
    let hi = bins;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (breaks[mid] <= v) lo = mid;
      else hi = mid;
    }
    codes[i] = lo;
  }
  const binned = stringColumn(name, 'categorical', codes, labels);
  const replacements = new Map<string, Column>();
  const added: Column[] = [];
  if (name === column.name) replacements.set(name, binned);
  else added.push(binned);
  return {
    table: withColumns(table, replacements, added),
    report: {
      bins,
      outside,
      merged: settings.method === 'custom' ? 0 : (settings.bins ?? 0) - bins,
      breaks: texts.join(', '),
    },
  };
}

/**
 * Each break as decimalText writes it, or in full when some value lies
 * between (or on) the two forms: there the texts would disagree on which
 * side of the break the value is (`sorted`: the column's values, ascending).
 */
function breakTexts(breaks: readonly number[], sorted: Float64Array): string[] {
  return breaks.map((b) => {
    const clean = decimalText(b);
    const shown = Number(clean);
    if (shown === b) return clean;
    const straddled =
      firstAbove(sorted, Math.max(b, shown)) > firstAtLeast(sorted, Math.min(b, shown));
    return straddled ? String(b) : clean;
  });
}

/** '[a, b)' for each bin of consecutive break texts, '[a, b]' for the last. */
function intervalLabels(texts: readonly string[]): string[] {
  const bins = texts.length - 1;
  return texts.slice(0, bins).map((a, k) => `[${a}, ${texts[k + 1]}${k === bins - 1 ? ']' : ')'}`);
}
