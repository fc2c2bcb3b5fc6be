// Column type inference for delimited text, and the value parsers the ingest
// runs on every cell. Pure; runs in the ingest worker and in Node tests.
//
// The rules (restated for users in docs/decisions/0005-csv-parser.md):
// - Missing: empty or whitespace-only, pandas' default markers (NA, N/A,
//   n/a, NULL, null, NaN, nan, -NaN, -nan, None, #N/A, #N/A N/A, #NA, <NA>,
//   1.#IND, -1.#IND, 1.#QNAN, -1.#QNAN) and a lone '-'. They are missing in
//   every column type; the ingest names the markers it counted (see
//   missingMarkers).
// - Tried in this order; the first type that every non-missing sample value
//   parses as wins: boolean, yyyymmdd date, number, date / datetime, strings.
// - boolean: true/false, yes/no, y/n, 是/否 (any case). 0/1 stays an integer,
//   so a churn flag is usable both as a number and as an event indicator.
// - yyyymmdd: only when every value is a valid 8-digit date in 1900–2100.
// - number: plain, thousands-grouped (1,234.5), currency ($ ¥ € £ ￥) and
//   percent (12% → 0.12). Decimal comma (1.234,5) only when the delimiter is
//   not ',': chosen when values parse only that way, or when the delimiter is
//   ';' and some value holds a comma. Integers with a leading zero (007) are
//   codes, not numbers. integer = integral values written without a decimal
//   separator, exponent or percent; otherwise decimal. An integer beyond
//   ±(2^53 − 1) cannot be a double without losing digits (an account number
//   such as 123456789012345678901234567890): a column with one in its sample
//   is strings (evidence WIDE_INTEGERS), and an integer column does not parse
//   one later (valueParser), so the ingest demotes the column and keeps the
//   value as written. Nothing is rounded silently.
// - date: yyyy-mm-dd (also / and .), dd/mm/yyyy or mm/dd/yyyy (a first part
//   above 12 means day-first, a second part above 12 month-first; if neither
//   occurs we assume month-first, as pandas does, and say so), 2024年1月5日.
//   An optional time (hh:mm[:ss[.fff]] [AM/PM] [Z|±hh:mm]) may follow. All at
//   midnight → date, otherwise datetime. Times without a zone are read as UTC.
// - strings: see classifyStrings.

import type { IngestWarning } from './ingestTypes';
import type { ColumnType, StringColumnType } from './table';
import { DAY_MS } from '../units';

export type NumberStyle = 'dot' | 'comma';
/**
 * How a date column is written; 'compact' is yyyymmdd, 'cjk' is 2024年1月5日,
 * 'excel-serial' is Excel's day number (45296 = 2024-01-05).
 */
export type DateFormat = 'ymd' | 'dmy' | 'mdy' | 'compact' | 'cjk' | 'excel-serial';

export interface ColumnInference {
  type: ColumnType;
  /** Short english key saying why (e.g. 'boolean-tokens', 'date-dmy', 'demoted'). */
  evidence: string;
  missing: number;
  /** Non-missing values that did not parse as the column's first inferred type (see ingest). */
  invalid: number;
  dateOrder?: 'dmy' | 'mdy' | 'ymd';
  numberStyle?: NumberStyle;
  dateFormat?: DateFormat;
}

/**
 * Evidence of a column of integers too large for exact numbers, kept as
 * text. Every reader uses it (the key's "int64" is Parquet's, which had it
 * first); its catalogue text fits them all.
 */
export const WIDE_INTEGERS = 'int64-beyond-2^53';

/** A whole number beyond ±Number.MAX_SAFE_INTEGER: the double may not be the integer written. */
export function isWideInteger(v: number): boolean {
  return Number.isInteger(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER;
}

/**
 * The warning that a column holds integers beyond ±(2^53 − 1) and was kept
 * as text, naming the row and value of the first (every reader gives it).
 */
export function wideIntegersWarning(column: string, row: number, value: string): IngestWarning {
  return { code: 'ingest.integers-as-text', params: { column, row, value: value.slice(0, 50) } };
}

/**
 * A number beyond ±(2^53 − 1) written out in full (no exponent, which says
 * its writer rounded it already): every double that large is a whole
 * number, and not always the one written (nor its fraction), so a decimal
 * column that holds it says so (roundedWholeWarning).
 */
export function isWideWholeNumber(s: string, style: NumberStyle = 'dot'): boolean {
  return !/[eE]/.test(s) && isWideInteger(parseNumber(s, style));
}

/**
 * The warning that a decimal column holds a whole number beyond ±(2^53 − 1)
 * written in full, which it keeps as the nearest double (never silently):
 * null when none of `texts` is one. `rowOf(i)` is the row the user sees.
 */
export function roundedWholeWarning(
  column: string,
  inference: ColumnInference,
  texts: readonly unknown[],
  rowOf: (i: number) => number,
): IngestWarning | null {
  if (inference.type !== 'decimal') return null;
  const style = inference.numberStyle ?? 'dot';
  const i = texts.findIndex((t) => typeof t === 'string' && isWideWholeNumber(t, style));
  if (i < 0) return null;
  const value = (texts[i] as string).trim().slice(0, 50);
  return { code: 'ingest.decimal-rounded', params: { column, row: rowOf(i), value } };
}

/**
 * Index of the first value in `values` that reads as a whole number beyond
 * ±(2^53 − 1) (with '.' or ',' decimals), or -1: in a column inferred
 * WIDE_INTEGERS, the value to name in a warning.
 */
export function firstWideInteger(values: readonly string[]): number {
  return values.findIndex(
    (v) => isWideInteger(parseNumber(v, 'dot')) || isWideInteger(parseNumber(v, 'comma')),
  );
}

// pandas' default na_values (read_csv, pandas 2.x) and a lone '-'.
const MISSING_MARKERS = new Set([
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
  '-',
]);
/** The longest marker ('#N/A N/A', '-1.#QNAN'). */
const MARKER_MAX = 8;

/** True for the missing-value markers listed in the header. */
export function isMissing(s: string): boolean {
  const n = s.length;
  if (n === 0) return true;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(n - 1);
  // Hot path: no surrounding whitespace, so only short strings can be markers.
  if (first > 32 && first !== 0xa0 && last > 32 && last !== 0xa0) {
    return n <= MARKER_MAX && MISSING_MARKERS.has(s);
  }
  const t = s.trim();
  return t.length === 0 || (t.length <= MARKER_MAX && MISSING_MARKERS.has(t));
}

/**
 * The distinct missing markers among `values`, trimmed, in first-seen order;
 * empty and whitespace-only cells are not named.
 */
export function missingMarkers(values: readonly string[]): string[] {
  const seen: string[] = [];
  for (const v of values) {
    if (v.length === 0 || !isMissing(v)) continue;
    const t = v.trim();
    if (t.length > 0 && !seen.includes(t)) seen.push(t);
  }
  return seen;
}

/** Columns named in the missing-markers warning; the rest are counted. */
const MARKER_COLUMNS_SHOWN = 10;

/**
 * The one warning naming, per column, the markers read as missing (see
 * missingMarkers), or null when no column had any.
 */
export function missingMarkersWarning(
  columns: readonly { name: string; markers: readonly string[] }[],
): IngestWarning | null {
  const named = columns
    .filter((c) => c.markers.length > 0)
    .map((c) => `${c.name}: ${c.markers.map((m) => `“${m}”`).join(', ')}`);
  if (named.length === 0) return null;
  const shown = named.slice(0, MARKER_COLUMNS_SHOWN).join('; ');
  const more = named.length - MARKER_COLUMNS_SHOWN;
  return {
    code: 'ingest.missing-markers',
    params: { columns: more > 0 ? `${shown}; … (+${more})` : shown },
  };
}

/**
 * Whether `text.slice(start, end)` (not empty) may be a missing marker or
 * have surrounding whitespace, tested in place: false means it surely is
 * neither, so a string column can intern it without the slice isMissing
 * needs. Markers start with # - 1 < N n, and a '1' only as '1.#'.
 */
export function mayBeMissingSpan(text: string, start: number, end: number): boolean {
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end - 1);
  if (first <= 32 || last <= 32 || first === 0xa0 || last === 0xa0) return true;
  const n = end - start;
  if (n > MARKER_MAX) return false;
  // As tight as the markers allow, so that names such as "New York" still
  // take the in-place path.
  switch (first) {
    case 78: // N: NA N/A NULL NaN None
    case 110: // n: n/a nan null
    case 60: // <NA>
      return n <= 4;
    case 35: // #N/A #N/A N/A #NA
      return true;
    case 45: {
      // - -1.#IND -1.#QNAN -NaN -nan
      const second = text.charCodeAt(start + 1);
      return n === 1 || second === 49 || second === 78 || second === 110;
    }
    case 49: // 1.#IND 1.#QNAN
      return text.charCodeAt(start + 1) === 46 && text.charCodeAt(start + 2) === 35;
    default:
      return false;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x3000 || c === 0x202f;
}

function isCurrency(c: number): boolean {
  return c === 36 || c === 0xa5 || c === 0x20ac || c === 0xa3 || c === 0xffe5;
}

// Exact powers of ten: every 10^k with k <= 22 is a double.
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The number written in `s`, or NaN. Plain decimals of up to 15 digits take
 * Clinger's fast path: the digits as an exact integer divided by an exact
 * power of ten is correctly rounded, i.e. the same double Number(s) gives,
 * without allocating. Other plain numbers (exponents, long mantissas) go to
 * Number(); anything with grouping, currency or percent is validated by a
 * char loop and cleaned into a plain literal first.
 */
export function parseNumber(s: string, style: NumberStyle = 'dot'): number {
  const n = s.length;
  if (n === 0) return NaN;
  let i = 0;
  let c = s.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i = 1;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1; // digits after the point; -1 before the point
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0 && style === 'dot') {
      fraction = 0;
    } else break;
  }
  if (i === n && digits > 0 && digits <= 15) {
    const v = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
    return negative ? -v : v;
  }
  return parsePlainOrFormatted(s, style);
}

/**
 * The ingest's allocation-free fast path for `text.slice(start, end)` in a
 * 'dot' column: the same Clinger path as parseNumber, read straight from the
 * chunk. NaN means "not taken" (anything but an optional sign, digits and
 * one '.', or more than 15 digits): the caller then runs parseNumber on the
 * slice, which gives the same answer for every input.
 */
export function parsePlainNumberSpan(text: string, start: number, end: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) {
      fraction = 0;
    } else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
  return negative ? -v : v;
}

function parsePlainOrFormatted(s: string, style: NumberStyle): number {
  const n = s.length;
  let plain = true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // digits . - + e E; in comma style '.' groups thousands, so not plain.
    if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 101 || c === 69) continue;
    if (c === 46 && style === 'dot') continue;
    plain = false;
    break;
  }
  if (plain) {
    const c0 = s.charCodeAt(0);
    // Number('e5') is NaN already, but Number() also takes ' 5' and '' — not here.
    return c0 === 101 || c0 === 69 ? NaN : Number(s);
  }
  return parseFormattedNumber(s, style);
}

function parseFormattedNumber(s: string, style: NumberStyle): number {
  let i = 0;
  let end = s.length;
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  while (end > i && isSpace(s.charCodeAt(end - 1))) end--;
  let negative = false;
  let signed = false;
  let currency = false;
  // Prefix: sign and currency in either order ("-$12", "$-12", "¥ 12").
  for (let k = 0; k < 2 && i < end; k++) {
    const c = s.charCodeAt(i);
    if (!signed && (c === 45 || c === 43)) {
      signed = true;
      negative = c === 45;
      i++;
    } else if (!currency && isCurrency(c)) {
      currency = true;
      i++;
      while (i < end && isSpace(s.charCodeAt(i))) i++;
    }
  }
  // Suffix: percent and/or currency ("12 %", "12 €").
  let percent = false;
  for (let k = 0; k < 2 && end > i; k++) {
    const c = s.charCodeAt(end - 1);
    if (!percent && (c === 37 || c === 0xff05)) percent = true;
    else if (!currency && isCurrency(c)) currency = true;
    else break;
    end--;
    while (end > i && isSpace(s.charCodeAt(end - 1))) end--;
  }
  const decimal = style === 'dot' ? 46 : 44;
  const group = style === 'dot' ? 44 : 46;
  let out = negative ? '-' : '';
  let segment = i;
  let digits = 0;
  let groups = 0;
  let sawDigit = false;
  // Integer part with optional thousands groups (first 1–3 digits, then 3s).
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      sawDigit = true;
    } else if (c === group || (style === 'comma' && (c === 32 || c === 0xa0 || c === 0x202f))) {
      if (groups === 0 ? digits < 1 || digits > 3 : digits !== 3) return NaN;
      groups++;
      digits = 0;
      out += s.slice(segment, i);
      segment = i + 1;
    } else break;
  }
  if (groups > 0 && digits !== 3) return NaN;
  out += s.slice(segment, i);
  let exponent = false;
  if (i < end && s.charCodeAt(i) === decimal) {
    out += '.';
    i++;
    segment = i;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      sawDigit = true;
      i++;
    }
    out += s.slice(segment, i);
  }
  if (!sawDigit) return NaN;
  if (i < end && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) {
    segment = i;
    i++;
    if (i < end && (s.charCodeAt(i) === 45 || s.charCodeAt(i) === 43)) i++;
    const expStart = i;
    while (i < end && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    if (i === expStart) return NaN;
    out += s.slice(segment, i);
    exponent = true;
  }
  if (i !== end) return NaN;
  if (!percent) return Number(out);
  // Shift the decimal point in the literal so 0.1% is exactly Number('0.001').
  return exponent ? Number(out) / 100 : Number(out + 'e-2');
}

/**
 * The ingest's fast path for a boolean cell: the ASCII words of parseBoolean
 * compared in place (any case). NaN means "not taken" (whitespace, 是/否,
 * anything else): the caller runs parseBoolean on the slice.
 */
export function parseBooleanSpan(text: string, start: number, end: number): number {
  switch (end - start) {
    case 1: {
      const c = text.charCodeAt(start) | 0x20; // ASCII letters to lower case
      return c === 121 ? 1 : c === 110 ? 0 : NaN; // y n
    }
    case 2:
      return lowerWordAt(text, start, 'no') ? 0 : NaN;
    case 3:
      return lowerWordAt(text, start, 'yes') ? 1 : NaN;
    case 4:
      return lowerWordAt(text, start, 'true') ? 1 : NaN;
    case 5:
      return lowerWordAt(text, start, 'false') ? 0 : NaN;
    default:
      return NaN;
  }
}

/** Whether text at `start` spells the lower-case ASCII `word` in any case. */
function lowerWordAt(text: string, start: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    // For a letter target, c | 0x20 matches exactly its two cases.
    if ((text.charCodeAt(start + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** 1 for true/yes/y/是, 0 for false/no/n/否 (any case, trimmed), else NaN. */
export function parseBoolean(s: string): number {
  let t = s;
  if (t.length > 0 && (isSpace(t.charCodeAt(0)) || isSpace(t.charCodeAt(t.length - 1)))) {
    t = t.trim();
  }
  switch (t.length) {
    case 1: {
      const c = t.charCodeAt(0);
      if (c === 89 || c === 121 || c === 0x662f) return 1; // Y y 是
      if (c === 78 || c === 110 || c === 0x5426) return 0; // N n 否
      return NaN;
    }
    case 2:
      return t.toLowerCase() === 'no' ? 0 : NaN;
    case 3:
      return t.toLowerCase() === 'yes' ? 1 : NaN;
    case 4:
      return t.toLowerCase() === 'true' ? 1 : NaN;
    case 5:
      return t.toLowerCase() === 'false' ? 0 : NaN;
    default:
      return NaN;
  }
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Cursor shared by the date reader below; a module variable avoids allocating
// a result object per digit group in the hot path.
let pos = 0;

/** Reads min..max digits at `pos`; -1 when fewer than min are there. */
function readDigits(s: string, min: number, max: number): number {
  let v = 0;
  let k = 0;
  while (k < max && pos < s.length) {
    const c = s.charCodeAt(pos);
    if (c < 48 || c > 57) break;
    v = v * 10 + c - 48;
    pos++;
    k++;
  }
  return k >= min ? v : -1;
}

function isDateSeparator(c: number): boolean {
  return c === 45 || c === 47 || c === 46; // - / .
}

function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -100_000;
}

/**
 * The ingest's fast path for a 'ymd' date cell written exactly yyyy-mm-dd
 * (or with / or .), read straight from the chunk; NaN means "not taken"
 * and the caller runs parseDate on the slice (same answer for every input).
 */
export function parseIsoDateSpan(text: string, start: number, end: number): number {
  if (end - start !== 10) return NaN;
  const sep = text.charCodeAt(start + 4);
  if (!isDateSeparator(sep) || text.charCodeAt(start + 7) !== sep) return NaN;
  const y =
    digitAt(text, start) * 1000 +
    digitAt(text, start + 1) * 100 +
    digitAt(text, start + 2) * 10 +
    digitAt(text, start + 3);
  const m = digitAt(text, start + 5) * 10 + digitAt(text, start + 6);
  const d = digitAt(text, start + 8) * 10 + digitAt(text, start + 9);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
  return daysFromCivil(y, m, d) * DAY_MS;
}

/**
 * Epoch milliseconds (UTC) of the date, with optional time, written in `s`
 * in the given format; NaN when it is not such a date.
 */
export function parseDate(s: string, format: DateFormat): number {
  if (format === 'excel-serial') return excelSerialToMs(parseNumber(s, 'dot'));
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  const t = start === 0 && end === s.length ? s : s.slice(start, end);
  pos = 0;
  let y: number;
  let m: number;
  let d: number;
  if (format === 'compact') {
    if (t.length !== 8) return NaN;
    y = readDigits(t, 4, 4);
    m = readDigits(t, 2, 2);
    d = readDigits(t, 2, 2);
    if (y < 1900 || y > 2100) return NaN;
  } else if (format === 'ymd' || format === 'cjk') {
    y = readDigits(t, 4, 4);
    const sep = t.charCodeAt(pos);
    if (format === 'ymd' ? !isDateSeparator(sep) : sep !== 0x5e74) return NaN; // 年
    pos++;
    m = readDigits(t, 1, 2);
    if (t.charCodeAt(pos) !== (format === 'ymd' ? sep : 0x6708)) return NaN; // 月
    pos++;
    d = readDigits(t, 1, 2);
    if (format === 'cjk') {
      if (t.charCodeAt(pos) !== 0x65e5) return NaN; // 日
      pos++;
    }
  } else {
    const a = readDigits(t, 1, 2);
    const sep = t.charCodeAt(pos);
    if (!isDateSeparator(sep)) return NaN;
    pos++;
    const b = readDigits(t, 1, 2);
    if (t.charCodeAt(pos) !== sep) return NaN;
    pos++;
    y = readDigits(t, 4, 4);
    d = format === 'dmy' ? a : b;
    m = format === 'dmy' ? b : a;
  }
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
  const dayMs = daysFromCivil(y, m, d) * DAY_MS;
  if (pos === t.length) return dayMs;
  if (format === 'compact') return NaN;
  return readTime(t, dayMs);
}

// Excel's serial day 25569 is 1970-01-01. Serials below 61 are skipped: Excel
// counts a 29 February 1900 that never was, so they would be a day off.
const EXCEL_EPOCH_SERIAL = 25569;
const EXCEL_MAX_SERIAL = 2958465; // 9999-12-31

/** Epoch ms (UTC) of an Excel serial date-time; NaN outside Excel's range. */
export function excelSerialToMs(serial: number): number {
  if (!(serial >= 61 && serial <= EXCEL_MAX_SERIAL)) return NaN;
  return Math.round((serial - EXCEL_EPOCH_SERIAL) * DAY_MS);
}

/** The time part after a date: [T| +]hh:mm[:ss[.fff]][ AM|PM][Z|±hh[:]mm]. */
function readTime(t: string, dayMs: number): number {
  const c = t.charCodeAt(pos);
  if (c === 84) pos++;
  else if (c === 32) while (t.charCodeAt(pos) === 32) pos++;
  else return NaN;
  let hh = readDigits(t, 1, 2);
  if (hh < 0 || t.charCodeAt(pos) !== 58) return NaN;
  pos++;
  const mm = readDigits(t, 2, 2);
  if (mm < 0 || mm > 59) return NaN;
  let ss = 0;
  let ms = 0;
  if (t.charCodeAt(pos) === 58) {
    pos++;
    ss = readDigits(t, 2, 2);
    if (ss < 0 || ss > 59) return NaN;
    if (t.charCodeAt(pos) === 46 || t.charCodeAt(pos) === 44) {
      pos++;
      let scale = 100;
      const fracStart = pos;
      while (pos < t.length && t.charCodeAt(pos) >= 48 && t.charCodeAt(pos) <= 57) {
        ms += (t.charCodeAt(pos) - 48) * scale;
        scale /= 10;
        pos++;
      }
      if (pos === fracStart) return NaN;
      ms = Math.round(ms);
    }
  }
  let p = pos;
  while (t.charCodeAt(p) === 32) p++;
  const meridiem = t.slice(p, p + 2).toUpperCase();
  if (meridiem === 'AM' || meridiem === 'PM') {
    if (hh < 1 || hh > 12) return NaN;
    hh = (hh % 12) + (meridiem === 'PM' ? 12 : 0);
    pos = p + 2;
  }
  if (hh > 23) return NaN;
  let offsetMinutes = 0;
  const z = t.charCodeAt(pos);
  if (z === 90) pos++;
  else if (z === 43 || z === 45) {
    pos++;
    const oh = readDigits(t, 2, 2);
    if (t.charCodeAt(pos) === 58) pos++;
    const om = readDigits(t, 2, 2);
    if (oh < 0 || oh > 14 || om < 0 || om > 59) return NaN;
    offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
  }
  if (pos !== t.length) return NaN;
  return dayMs + ((hh * 60 + mm) * 60 + ss) * 1000 + ms - offsetMinutes * 60_000;
}

// Names that mark a key column: "customer_id", "Policy No", "customerID",
// "RowNumber", "客户编号".
const ID_WORD = /(?:^|[^a-z0-9])(?:id|no|nr|number|code|key)$/i;
const ID_CAMEL = /[a-z](?:ID|Id|No|Number|Code|Key)$/;
const ID_CJK = /编号|代码|号码|账号|帐号|单号|证号|序号|客户号/;

export function nameLooksLikeId(name: string): boolean {
  const n = name.trim();
  return ID_WORD.test(n) || ID_CAMEL.test(n) || ID_CJK.test(n);
}

/** Categorical: at most this many distinct values, or few relative to rows. */
export const CATEGORICAL_MAX = 50;
const CATEGORICAL_SHARE = 0.05;
const CATEGORICAL_CAP = 1000;

/**
 * Subtype of a string column from its distinct values (`dictionary`) and its
 * count of non-missing cells. In order:
 * identifier — all digits with some leading zero (codes such as 00042); or a
 *   key-like name (id, no, code, 编号 …) with mostly distinct values (at least
 *   half) or more than CATEGORICAL_MAX;
 * categorical — at most 50 distinct, or at most 5 % of the values and 1000;
 * identifier — every value distinct, no whitespace, at most 64 characters;
 * text — the rest.
 */
export function classifyStrings(
  name: string,
  dictionary: readonly string[],
  nonMissing: number,
): { type: StringColumnType; evidence: string } {
  const distinct = dictionary.length;
  if (distinct > 0 && codesWithLeadingZeros(dictionary)) {
    return { type: 'identifier', evidence: 'leading-zeros' };
  }
  if (
    distinct > 1 &&
    nameLooksLikeId(name) &&
    (2 * distinct >= nonMissing || distinct > CATEGORICAL_MAX)
  ) {
    return { type: 'identifier', evidence: 'id-name' };
  }
  if (
    distinct <= CATEGORICAL_MAX ||
    (distinct <= CATEGORICAL_SHARE * nonMissing && distinct <= CATEGORICAL_CAP)
  ) {
    return { type: 'categorical', evidence: 'few-distinct' };
  }
  if (distinct === nonMissing && shortAndUnspaced(dictionary)) {
    return { type: 'identifier', evidence: 'all-distinct' };
  }
  return { type: 'text', evidence: 'free-text' };
}

/**
 * Whether every value has at most 64 characters and none a character that
 * /\s/ matches. The expression runs on a few thousand values joined at a
 * time: this checks every value of an all-distinct column (a million e-mail
 * addresses), where calling it once per value cost ~200 ms.
 */
function shortAndUnspaced(values: readonly string[]): boolean {
  for (const v of values) if (v.length > 64) return false;
  const block = 4096;
  for (let i = 0; i < values.length; i += block) {
    if (/\s/.test(values.slice(i, i + block).join(''))) return false;
  }
  return true;
}

function codesWithLeadingZeros(values: readonly string[]): boolean {
  let leadingZero = false;
  for (const v of values) {
    if (!/^\d+$/.test(v)) return false;
    if (v.length > 1 && v.charCodeAt(0) === 48) leadingZero = true;
  }
  return leadingZero;
}

/** Integer-looking with a leading zero, after an optional sign: "007", "-01". */
function hasLeadingZero(s: string): boolean {
  const t = s.trim();
  const i = t.charCodeAt(0) === 45 || t.charCodeAt(0) === 43 ? 1 : 0;
  const next = t.charCodeAt(i + 1);
  return t.charCodeAt(i) === 48 && next >= 48 && next <= 57;
}

export interface InferOptions {
  /** The file's delimiter; decimal commas are only considered when it is not ','. */
  delimiter?: string;
  /**
   * How to read dates that fit both dd/mm/yyyy and mm/dd/yyyy (the user's
   * answer when the data cannot tell); 'auto' reads them month-first, as
   * pandas does, and marks the column 'date-order-ambiguous'.
   */
  dateOrder?: 'auto' | 'dmy' | 'mdy';
}

// A column named like a date whose numbers are all in Excel's serial range for
// 1950–2099 holds Excel dates exported as numbers. Both conditions are needed:
// premiums and counts in that range are common, date-named durations rare.
const DATE_NAME = /(?:^|[^a-z])(?:date|dt)(?:$|[^a-z])|date$|^date|日期/i;
const EXCEL_SERIAL_MIN = 18264; // 1950-01-01
const EXCEL_SERIAL_MAX = 73050; // 2099-12-31

function inferExcelSerial(
  name: string,
  present: readonly string[],
): Pick<ColumnInference, 'type' | 'evidence' | 'dateFormat' | 'dateOrder'> | null {
  if (!DATE_NAME.test(name)) return null;
  let timed = false;
  for (const v of present) {
    const n = parseNumber(v, 'dot');
    if (!(n >= EXCEL_SERIAL_MIN && n <= EXCEL_SERIAL_MAX)) return null;
    if (!Number.isInteger(n)) timed = true;
  }
  return {
    type: timed ? 'datetime' : 'date',
    evidence: 'date-excel-serial',
    dateFormat: 'excel-serial',
    dateOrder: 'ymd',
  };
}

/**
 * Infers a column's type from its (sample) values. For string types the
 * ingest re-classifies over the whole column once parsed (classifyStrings).
 */
export function inferColumn(
  name: string,
  values: readonly string[],
  options: InferOptions = {},
): ColumnInference {
  const present: string[] = [];
  let missing = 0;
  for (const v of values) {
    if (isMissing(v)) missing++;
    else present.push(v);
  }
  const base = { missing, invalid: 0 };
  if (present.length === 0) {
    return { type: 'decimal', evidence: 'all-missing', numberStyle: 'dot', ...base };
  }
  if (present.every((v) => !Number.isNaN(parseBoolean(v)))) {
    return { type: 'boolean', evidence: 'boolean-tokens', ...base };
  }
  if (present.every((v) => !Number.isNaN(parseDate(v, 'compact')))) {
    return {
      type: 'date',
      evidence: 'date-yyyymmdd',
      dateFormat: 'compact',
      dateOrder: 'ymd',
      ...base,
    };
  }
  const serial = inferExcelSerial(name, present);
  if (serial) return { ...serial, ...base };
  const number = inferNumber(name, present, options.delimiter ?? ',');
  if (number === WIDE_INTEGERS) {
    const distinct = [...new Set(present)];
    return { ...classifyStrings(name, distinct, present.length), evidence: WIDE_INTEGERS, ...base };
  }
  if (number) return { ...number, ...base };
  const date = inferDate(present, options.dateOrder ?? 'auto');
  if (date) return { ...date, ...base };
  const distinct = [...new Set(present)];
  return { ...classifyStrings(name, distinct, present.length), ...base };
}

function inferNumber(
  name: string,
  present: readonly string[],
  delimiter: string,
): Pick<ColumnInference, 'type' | 'evidence' | 'numberStyle'> | typeof WIDE_INTEGERS | null {
  if (present.some(hasLeadingZero)) return null;
  const dotOk = present.every((v) => !Number.isNaN(parseNumber(v, 'dot')));
  const commaOk = delimiter !== ',' && present.every((v) => !Number.isNaN(parseNumber(v, 'comma')));
  if (!dotOk && !commaOk) return null;
  const style: NumberStyle =
    !dotOk || (commaOk && delimiter === ';' && present.some((v) => v.includes(',')))
      ? 'comma'
      : 'dot';
  const separator = style === 'dot' ? '.' : ',';
  const integer = present.every(
    (v) => Number.isInteger(parseNumber(v, style)) && !v.includes(separator) && !/[eE%％]/.test(v),
  );
  if (integer && present.some((v) => isWideInteger(parseNumber(v, style)))) return WIDE_INTEGERS;
  // An integer key (customer number 1..n) is a label, not a quantity.
  if (integer && nameLooksLikeId(name) && present.length > 1) {
    if (new Set(present).size === present.length) return null;
  }
  return {
    type: integer ? 'integer' : 'decimal',
    evidence: style === 'comma' ? 'decimal-comma' : integer ? 'integer-values' : 'decimal-values',
    numberStyle: style,
  };
}

function inferDate(
  present: readonly string[],
  preferredOrder: 'auto' | 'dmy' | 'mdy',
): Pick<ColumnInference, 'type' | 'evidence' | 'dateFormat' | 'dateOrder'> | null {
  let format: DateFormat | null = null;
  let evidence = '';
  for (const f of ['ymd', 'cjk'] as const) {
    if (present.every((v) => !Number.isNaN(parseDate(v, f)))) {
      format = f;
      evidence = f === 'ymd' ? 'date-ymd' : 'date-cjk';
      break;
    }
  }
  if (!format) {
    const dmy = present.every((v) => !Number.isNaN(parseDate(v, 'dmy')));
    const mdy = present.every((v) => !Number.isNaN(parseDate(v, 'mdy')));
    if (dmy && !mdy) [format, evidence] = ['dmy', 'date-dmy'];
    else if (mdy && !dmy) [format, evidence] = ['mdy', 'date-mdy'];
    else if (mdy && dmy && preferredOrder !== 'auto')
      [format, evidence] = [preferredOrder, 'date-order-chosen'];
    else if (mdy && dmy) [format, evidence] = ['mdy', 'date-order-ambiguous'];
  }
  if (!format) return null;
  const f = format;
  const timed = present.some((v) => parseDate(v, f) % DAY_MS !== 0);
  return {
    type: timed ? 'datetime' : 'date',
    evidence,
    dateFormat: format,
    dateOrder: format === 'dmy' || format === 'mdy' ? format : 'ymd',
  };
}

/**
 * The per-cell parser for a numeric inference (NaN = not parseable), or null
 * when the column is stored as strings.
 */
export function valueParser(inference: ColumnInference): ((s: string) => number) | null {
  switch (inference.type) {
    case 'integer': {
      // An integer beyond ±(2^53 − 1) would be rounded: it does not parse (see the header).
      const style = inference.numberStyle ?? 'dot';
      return (s) => {
        const v = parseNumber(s, style);
        return isWideInteger(v) ? NaN : v;
      };
    }
    case 'decimal': {
      const style = inference.numberStyle ?? 'dot';
      return style === 'dot' ? (s) => parseNumber(s, 'dot') : (s) => parseNumber(s, 'comma');
    }
    case 'boolean':
      return parseBoolean;
    case 'date':
    case 'datetime': {
      const format = inference.dateFormat ?? 'ymd';
      return (s) => parseDate(s, format);
    }
    default:
      return null;
  }
}
