// Changing a column's type after import, when the user overrides what
// inference chose. Pure; runs in the compute worker (the `retype` request)
// and in Node tests.
//
// Rules (restated for users in tests/fixtures/retype/README.md):
// - Text → number, boolean, date: each distinct value is parsed once with
//   infer.ts's parsers. A value that does not parse becomes missing AND is
//   counted in `invalid`, with the first few shown as examples: never silently
//   dropped. Missing markers (NA, NULL, …) stay missing and are not invalid.
// - integer accepts whole numbers only; 2.5 is invalid rather than rounded.
//   boolean also accepts 0 and 1. date accepts values at midnight only (a
//   value with a time of day is invalid; choose date-time to keep it).
// - Between numeric types the value is kept when it means the same thing
//   (integer → decimal, boolean → integer, date → date-time, 0/1 → boolean);
//   date-time → date keeps the day (drops the time: that is the request).
//   Other pairs (a number ↔ a date) go through the value's text, so the
//   integer 20240105 becomes the date 2024-01-05, an Excel serial day such as
//   45296 becomes 2024-01-05 too, and a date is no number.
// - Anything → categorical, identifier or text: the value's text (numbers
//   as written by String(), dates as ISO), so nothing can be invalid.

import {
  isMissing,
  parseBoolean,
  parseDate,
  parseNumber,
  type DateFormat,
  type NumberStyle,
} from './infer';
import { dictionaryEncode } from './interner';
import {
  cellText,
  EngineError,
  isColumnType,
  isNumericType,
  type Column,
  type ColumnType,
  type DataTable,
  type NumericColumnType,
  type StringColumnType,
} from './table';
import { DAY_MS } from '../units';

export interface RetypeOptions {
  column: string;
  type: ColumnType;
  /** Text → date: how the dates are written; default the format most values parse in. */
  dateFormat?: DateFormat;
  /** Text → number: decimal point or decimal comma; default the style more values parse in. */
  numberStyle?: NumberStyle;
}

export interface RetypeReport {
  column: string;
  from: ColumnType;
  to: ColumnType;
  /** Non-missing values that have a value under the new type. */
  converted: number;
  /** Non-missing values that did not fit the new type and are now missing. */
  invalid: number;
  /** Up to MAX_EXAMPLES distinct invalid values, as text. */
  examples: string[];
}

export const MAX_EXAMPLES = 5;

/** The table with one column converted to `type`, and what the conversion did. */
export function retypeTable(
  table: DataTable,
  options: RetypeOptions,
): { table: DataTable; report: RetypeReport } {
  if (!isColumnType(options.type)) {
    throw new EngineError('retype.unknown-type', { type: String(options.type) });
  }
  const index = table.columns.findIndex((c) => c.name === options.column);
  if (index < 0) throw new EngineError('column.not-found', { column: options.column });
  const source = table.columns[index];
  const { column, report } = convert(source, options);
  const columns = table.columns.slice();
  columns[index] = column;
  return { table: { rowCount: table.rowCount, columns }, report };
}

function convert(source: Column, options: RetypeOptions): { column: Column; report: RetypeReport } {
  const to = options.type;
  const tally = new Tally(source, to);
  if (!isNumericType(to)) {
    return { column: toStrings(source, to, tally), report: tally.report() };
  }
  const values = new Float64Array(source.kind === 'string' ? source.codes.length : 0);
  if (source.kind === 'string') {
    const parse = textParser(to, source.dictionary, options);
    // One parse per distinct value, not per row.
    const parsed = source.dictionary.map((s) => (isMissing(s) ? NaN : parse(s)));
    const missingMarker = source.dictionary.map((s) => isMissing(s));
    for (let i = 0; i < source.codes.length; i++) {
      const code = source.codes[i];
      if (code < 0) {
        values[i] = NaN;
        continue;
      }
      const v = parsed[code];
      values[i] = v;
      if (!missingMarker[code]) tally.add(v, source.dictionary[code]);
    }
    return { column: numeric(source.name, to, values), report: tally.report() };
  }
  const step = numericStep(source.type, to);
  const out = new Float64Array(source.values.length);
  const cache = new Map<number, number>();
  for (let i = 0; i < source.values.length; i++) {
    const v = source.values[i];
    if (v !== v) {
      out[i] = NaN;
      continue;
    }
    let w = cache.get(v);
    if (w === undefined) {
      w = step(v, source);
      cache.set(v, w);
    }
    out[i] = w;
    tally.add(w, () => cellText(source, i));
  }
  return { column: numeric(source.name, to, out), report: tally.report() };
}

/** Counts converted and invalid values and keeps the first few invalid ones. */
class Tally {
  converted = 0;
  invalid = 0;
  readonly examples = new Set<string>();
  constructor(
    readonly source: Column,
    readonly to: ColumnType,
  ) {}

  add(value: number, text: string | (() => string)): void {
    if (value === value) {
      this.converted++;
      return;
    }
    this.invalid++;
    if (this.examples.size < MAX_EXAMPLES) {
      this.examples.add(typeof text === 'string' ? text : text());
    }
  }

  report(): RetypeReport {
    return {
      column: this.source.name,
      from: this.source.type,
      to: this.to,
      converted: this.converted,
      invalid: this.invalid,
      examples: [...this.examples],
    };
  }
}

function numeric(name: string, type: NumericColumnType, values: Float64Array): Column {
  return { kind: 'number', name, type, values };
}

function toStrings(source: Column, to: StringColumnType, tally: Tally): Column {
  if (source.kind === 'string') {
    for (const code of source.codes) if (code >= 0) tally.add(0, '');
    return { ...source, type: to };
  }
  const { codes, dictionary } = dictionaryEncode(source.values.length, (i) => {
    if (source.values[i] !== source.values[i]) return null;
    const text = cellText(source, i);
    tally.add(0, text);
    return text;
  });
  return { kind: 'string', name: source.name, type: to, codes, dictionary };
}

/** The parser for text becoming `to`; NaN marks a value that does not fit. */
function textParser(
  to: NumericColumnType,
  dictionary: readonly string[],
  options: RetypeOptions,
): (s: string) => number {
  switch (to) {
    case 'integer':
    case 'decimal': {
      const style = options.numberStyle ?? mostParsing(dictionary, ['dot', 'comma'], parseNumber);
      return to === 'integer'
        ? (s) => wholeOrNaN(parseNumber(s, style))
        : (s) => parseNumber(s, style);
    }
    case 'boolean':
      return (s) => {
        const b = parseBoolean(s);
        if (b === b) return b;
        const t = s.trim();
        return t === '1' ? 1 : t === '0' ? 0 : NaN;
      };
    case 'date':
    case 'datetime': {
      const format =
        options.dateFormat ??
        mostParsing(dictionary, ['ymd', 'compact', 'cjk', 'dmy', 'mdy'], parseDate);
      return to === 'date'
        ? (s) => midnightOrNaN(parseDate(s, format))
        : (s) => parseDate(s, format);
    }
  }
}

/** The option under which most non-missing values parse; the first on a tie. */
function mostParsing<T>(
  dictionary: readonly string[],
  choices: readonly T[],
  parse: (s: string, choice: T) => number,
): T {
  let best = choices[0];
  let bestCount = -1;
  for (const choice of choices) {
    let count = 0;
    for (const s of dictionary) if (!isMissing(s) && parse(s, choice) === parse(s, choice)) count++;
    if (count > bestCount) [best, bestCount] = [choice, count];
  }
  return best;
}

function wholeOrNaN(v: number): number {
  return Number.isInteger(v) ? v : NaN;
}

function midnightOrNaN(v: number): number {
  return v % DAY_MS === 0 ? v : NaN;
}

/** Conversion of one non-missing value between numeric types. */
function numericStep(
  from: NumericColumnType,
  to: NumericColumnType,
): (v: number, source: Column) => number {
  const quantity = (t: NumericColumnType) => t === 'integer' || t === 'decimal' || t === 'boolean';
  const moment = (t: NumericColumnType) => t === 'date' || t === 'datetime';
  if (from === to) return (v) => v;
  if (quantity(from) && quantity(to)) {
    if (to === 'decimal') return (v) => v;
    if (to === 'integer') return wholeOrNaN;
    return (v) => (v === 0 || v === 1 ? v : NaN);
  }
  if (moment(from) && moment(to)) {
    return to === 'datetime' ? (v) => v : (v) => Math.floor(v / DAY_MS) * DAY_MS;
  }
  // A number becoming a date or the reverse: through the value's text. A
  // number that is no yyyymmdd date is read as an Excel serial day (45296 is
  // 2024-01-05); the two never overlap (yyyymmdd ≥ 19000101 > Excel's last day).
  const parse = textParser(to, [], {
    column: '',
    type: to,
    dateFormat: 'compact',
    numberStyle: 'dot',
  });
  const serial = moment(to)
    ? textParser(to, [], { column: '', type: to, dateFormat: 'excel-serial', numberStyle: 'dot' })
    : null;
  return (v, source) => {
    const text = source.kind === 'number' ? renderNumber(v, source.type) : '';
    const value = parse(text);
    return value === value || !serial ? value : serial(text);
  };
}

function renderNumber(v: number, type: NumericColumnType): string {
  if (type === 'date') return new Date(v).toISOString().slice(0, 10);
  if (type === 'datetime') return new Date(v).toISOString();
  return String(v);
}
