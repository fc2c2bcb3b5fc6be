// JSON records → typed DataTable: a JSON array of objects, or NDJSON (one
// object per line). Runs in the ingest worker and in Node tests.
//
// Columns are the union of the records' keys in first-seen order; a record
// without a key has a missing value there. Numbers, booleans and strings are
// typed as described in ./cells.ts (strings through the CSV inference, so
// dates and '是/否' written as text are recognised); null is missing. A value
// that is an object or array is kept as its JSON text, and its column becomes
// a text column (warning json.nested-as-text).
//
// Memory: a JSON array is decoded into one string and parsed with JSON.parse
// (a 100 MB file needs a few hundred MB while parsing, which browsers
// handle); NDJSON is decoded and parsed line by line as the bytes stream in,
// so only the values are held.
//
// JSON.parse would round an integer beyond ±(2^53 − 1) (an account number
// 123456789012345678901234567890) to the nearest double. Before parsing,
// such integer literals are turned into strings of their digits
// (quoteWideIntegers), so their column is read as strings with every digit
// and a warning (see ./cells.ts), as in a CSV file.

import {
  decodeStream,
  decodingWarnings,
  detectEncoding,
  InvalidText,
  streamChunks,
} from '../decode';
import { columnNames, MAX_COLUMNS } from '../columnNames';
import type { IngestWarning } from '../ingestTypes';
import {
  isWideInteger,
  missingMarkers,
  missingMarkersWarning,
  roundedWholeWarning,
  type ColumnInference,
} from '../infer';
import { EngineError, type Column, type DataTable, type Progress } from '../table';
import { columnFromCells, type Cell } from './cells';

export interface JsonResult {
  table: DataTable;
  inference: ColumnInference[];
  warnings: IngestWarning[];
  encoding: string;
}

const ENCODING_SAMPLE_BYTES = 64 * 1024;
const REPORT_EVERY_BYTES = 256 * 1024;

/** Values per key, filled record by record; shorter columns are padded with nulls. */
class Records {
  readonly keys: string[] = [];
  readonly cells: Cell[][] = [];
  /** Per column, the row number of its first object/array value, or -1. */
  readonly nestedAt: number[] = [];
  private readonly index = new Map<string, number>();
  readonly rows: number[] = [];

  add(record: Record<string, unknown>, row: number): void {
    const i = this.rows.length;
    this.rows.push(row);
    for (const key of Object.keys(record)) {
      let j = this.index.get(key);
      if (j === undefined) {
        j = this.keys.length;
        if (j === MAX_COLUMNS) {
          throw new EngineError('file.too-many-columns', {
            columns: `${MAX_COLUMNS + 1}+`,
            max: MAX_COLUMNS,
          });
        }
        this.index.set(key, j);
        this.keys.push(key);
        this.cells.push([]);
        this.nestedAt.push(-1);
      }
      const value = record[key];
      const column = this.cells[j];
      while (column.length < i) column.push(null);
      if (value !== null && typeof value === 'object') {
        if (this.nestedAt[j] < 0) this.nestedAt[j] = row;
        column.push(JSON.stringify(value));
      } else {
        column.push(value as Cell);
      }
    }
  }

  build(warnings: IngestWarning[]): { table: DataTable; inference: ColumnInference[] } {
    const n = this.rows.length;
    if (n === 0) throw new EngineError('file.no-rows');
    const names = columnNames(this.keys, warnings);
    const columns: Column[] = [];
    const inference: ColumnInference[] = [];
    const markers: { name: string; markers: string[] }[] = [];
    names.forEach((name, j) => {
      const cells = this.cells[j];
      while (cells.length < n) cells.push(null);
      // Strings such as "None" or "NA" are missing, as in a CSV file: named in a warning.
      const texts = cells.filter((c): c is string => typeof c === 'string');
      markers.push({ name, markers: texts.length > 0 ? missingMarkers(texts) : [] });
      const nested = this.nestedAt[j] >= 0;
      if (nested) {
        warnings.push({
          code: 'json.nested-as-text',
          params: { column: name, row: this.nestedAt[j] },
        });
      }
      const rowOf = (i: number) => this.rows[i];
      const built = columnFromCells(name, cells, warnings, rowOf, nested);
      // A whole number beyond 2^53 (kept as digits by quoteWideIntegers) in a decimal column is rounded: said.
      const rounded = roundedWholeWarning(name, built.inference, cells, rowOf);
      if (rounded) warnings.push(rounded);
      columns.push(built.column);
      inference.push(built.inference);
    });
    const markerWarning = missingMarkersWarning(markers);
    if (markerWarning) warnings.push(markerWarning);
    return { table: { rowCount: n, columns }, inference };
  }
}

/** A run of 16 digits: only then can the text hold an integer beyond 2^53 (16 digits). */
const LONG_DIGITS = /\d{16}/;

/**
 * `text` (JSON) with every integer literal beyond ±(2^53 − 1) in quotes, so
 * that JSON.parse keeps its digits as a string; other text is left alone,
 * and a text without a run of 16 digits is returned as it is without being
 * scanned. Outside strings, digits occur in JSON only in numbers.
 */
export function quoteWideIntegers(text: string): string {
  if (!LONG_DIGITS.test(text)) return text;
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c !== 45 && !isDigit(c)) continue;
    // A number: -? digits, then maybe a fraction and an exponent.
    const start = c === 45 ? i + 1 : i;
    let end = start;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    const next = text.charCodeAt(end);
    const integer = next !== 46 && next !== 101 && next !== 69; // . e E
    if (integer && end - start >= 16 && isWideInteger(Number(text.slice(i, end)))) {
      out += `${text.slice(from, i)}"${text.slice(i, end)}"`;
      from = end;
    }
    while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
    i = end - 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Digits, '.', 'e', 'E', '+', '-': the rest of a number literal. */
function isNumberChar(c: number): boolean {
  return isDigit(c) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The encoding chosen, or detected from the first 64 KiB (warnings
 * encoding.guessed and, for a sample whose lines fit no single encoding,
 * encoding.mixed, as for a CSV file).
 */
async function chooseEncoding(
  blob: Blob,
  encoding: string,
  warnings: IngestWarning[],
): Promise<string> {
  if (encoding !== 'auto') return encoding;
  const head = new Uint8Array(await blob.slice(0, ENCODING_SAMPLE_BYTES).arrayBuffer());
  if (head.byteLength === 0) throw new EngineError('file.empty');
  const detected = detectEncoding(head);
  if (detected.confidence === 'guess') {
    warnings.push({ code: 'encoding.guessed', params: { encoding: detected.encoding } });
  }
  if (detected.mixed?.other) {
    warnings.push({
      code: 'encoding.mixed',
      params: { encoding: detected.encoding, other: detected.mixed.other },
    });
  }
  return detected.encoding;
}

/**
 * The file's text, piece by piece, with `invalid` counting the characters
 * that could not be decoded (U+FFFD) and their lines, as the CSV ingest does.
 */
async function* decodedText(
  chunks: AsyncIterable<Uint8Array>,
  encoding: string,
  invalid: InvalidText,
): AsyncGenerator<string> {
  for await (const text of decodeStream(invalid.bytes(chunks), encoding)) {
    invalid.push(text);
    yield text;
  }
}

/** The decoding warnings (encoding.invalid-bytes, and which encoding those lines look like if not said yet). */
function pushDecodingWarnings(
  warnings: IngestWarning[],
  encoding: string,
  invalid: InvalidText,
): void {
  const said = warnings.some((w) => w.code === 'encoding.mixed');
  warnings.push(...decodingWarnings(encoding, invalid.finish(), said));
}

/**
 * A JSON array of objects; record i (0-based) is reported as row i + 1.
 * Throws EngineError json.invalid, json.truncated (the file ends inside the
 * JSON), json.not-records (not an array),
 * json.record-not-object, file.empty, file.no-rows.
 */
export async function readJsonArray(
  blob: Blob,
  options: { encoding: string },
  progress: Progress,
): Promise<JsonResult> {
  const warnings: IngestWarning[] = [];
  const encoding = await chooseEncoding(blob, options.encoding, warnings);
  const invalid = new InvalidText(encoding);
  let text = '';
  for await (const chunk of decodedText(streamChunks(blob.stream()), encoding, invalid)) {
    text += chunk;
  }
  if (text.trim() === '') throw new EngineError('file.empty');
  let parsed: unknown;
  const source = quoteWideIntegers(text);
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    const at = jsonErrorOffset(source);
    if (at === source.length) {
      throw new EngineError('json.truncated', { line: lineCount(source) });
    }
    throw new EngineError('json.invalid', {
      line: at >= 0 ? lineAt(source, at) : errorLine(error, source),
    });
  }
  // Decoding and parsing are done; building the columns is the other half.
  await progress.report(Math.floor(blob.size / 2), blob.size);
  if (!Array.isArray(parsed)) throw new EngineError('json.not-records');
  const records = new Records();
  parsed.forEach((value, i) => {
    if (!isRecord(value)) throw new EngineError('json.record-not-object', { row: i + 1 });
    records.add(value, i + 1);
  });
  const { table, inference } = records.build(warnings);
  pushDecodingWarnings(warnings, encoding, invalid);
  await progress.report(blob.size, blob.size);
  return { table, inference, warnings, encoding };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * Where `text` stops being JSON: the offset of the first character that
 * cannot continue it, `text.length` when the text ends before the JSON does,
 * or -1 when it is JSON. JSON.parse's messages say neither the same way in
 * every browser nor always where (V8's "Unexpected token" has no position),
 * so the place is found here, by a scan that keeps a stack of the open
 * arrays and objects instead of recursing (no depth limit).
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const open: number[] = []; // '[' or '{'
  // What may come next: a value (first in an array: or its end), a key (first: or '}'), or what follows a value.
  let expect: 'value' | 'first-value' | 'key' | 'first-key' | 'after' = 'value';
  const string = (): boolean => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = text.charCodeAt(++i);
        if (i >= n) return false;
        if (e === 117) {
          HEX4.lastIndex = i + 1;
          if (!HEX4.test(text)) {
            // A \u cut by the end of the text is the text ending early.
            if (n - i - 1 < 4 && /^[0-9a-fA-F]*$/.test(text.slice(i + 1))) i = n;
            return false;
          }
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i])) return false;
      }
    }
    return false;
  };
  const word = (w: string): boolean => {
    if (text.startsWith(w, i)) {
      i += w.length;
      return true;
    }
    // 'tr' at the very end: cut short.
    if (w.startsWith(text.slice(i))) i = n;
    return false;
  };
  for (;;) {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
    if (i >= n) return expect === 'after' && open.length === 0 ? -1 : n;
    const c = text.charCodeAt(i);
    if (expect === 'after') {
      const top = open[open.length - 1];
      if (top === undefined) return i;
      if (c === 44) expect = top === 91 ? 'value' : 'key';
      else if ((c === 93 && top === 91) || (c === 125 && top === 123)) open.pop();
      else return i;
      i++;
      continue;
    }
    if (expect === 'first-key' || expect === 'key') {
      if (expect === 'first-key' && c === 125) {
        open.pop();
        i++;
        expect = 'after';
        continue;
      }
      if (c !== 34 || !string()) return i;
      while (i < n && /\s/.test(text[i])) i++;
      if (i >= n) return n;
      if (text.charCodeAt(i) !== 58) return i;
      i++;
      expect = 'value';
      continue;
    }
    // A value.
    if (expect === 'first-value' && c === 93) {
      open.pop();
      i++;
      expect = 'after';
      continue;
    }
    if (c === 91 || c === 123) {
      open.push(c);
      i++;
      expect = c === 91 ? 'first-value' : 'first-key';
      continue;
    }
    let ok: boolean;
    if (c === 34) ok = string();
    else if (c === 116) ok = word('true');
    else if (c === 102) ok = word('false');
    else if (c === 110) ok = word('null');
    else {
      // A number the end of the text cuts ('-', '1e', '2.') is the text ending early.
      let k = i;
      while (k < n && isNumberChar(text.charCodeAt(k))) k++;
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (k === n && (m === null || i + m[0].length < n)) return n;
      ok = m !== null;
      if (m) i += m[0].length;
    }
    if (!ok) return i;
    expect = 'after';
  }
}

/** Whether `text` (JSON that did not parse) ends before its JSON does. */
export function endsEarly(text: string): boolean {
  return jsonErrorOffset(text) === text.length;
}

/** The 1-based line of offset `at` in `text`. */
function lineAt(text: string, at: number): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Lines of `text`: the last line's number. */
function lineCount(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  // A final line end ends the last line; it starts none.
  return text.endsWith('\n') && count > 1 ? count - 1 : count;
}

/**
 * The line of a JSON.parse error: V8 says "at position N" (newer versions
 * also "(line L column C)"), SpiderMonkey "at line L column C"; Safari gives
 * neither, and we say '?'.
 */
function errorLine(error: unknown, text: string): number | string {
  const m = error instanceof Error ? error.message : '';
  const line = /line (\d+)/.exec(m);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(m);
  if (!position) return '?';
  let count = 1;
  const end = Math.min(Number(position[1]), text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * NDJSON / JSON Lines: one object per line, blank lines skipped, lines
 * numbered from 1. Throws EngineError json.invalid (a line that is not
 * JSON), json.truncated (the last line is cut short), json.record-not-object (a line that is not an object), file.empty,
 * file.no-rows.
 */
export async function readNdjson(
  blob: Blob,
  options: { encoding: string },
  progress: Progress,
): Promise<JsonResult> {
  const warnings: IngestWarning[] = [];
  const encoding = await chooseEncoding(blob, options.encoding, warnings);
  const records = new Records();
  const counter = { bytes: 0 };
  let line = 0;
  let pending = '';
  let reported = 0;
  // A line that is not JSON is an error once a later line has text; the
  // last line cut short (an export or download that stopped) says so instead.
  let failed: { line: number; text: string } | null = null;
  const take = (text: string) => {
    line++;
    if (text.trim() === '') return;
    if (failed) throw new EngineError('json.invalid', { line: failed.line });
    let value: unknown;
    try {
      value = JSON.parse(quoteWideIntegers(text));
    } catch {
      failed = { line, text };
      return;
    }
    if (!isRecord(value)) throw new EngineError('json.record-not-object', { row: line });
    records.add(value, line);
  };
  const invalid = new InvalidText(encoding);
  const chunks = counted(streamChunks(blob.stream()), counter);
  for await (const chunk of decodedText(chunks, encoding, invalid)) {
    pending += chunk;
    let start = 0;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
      take(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
    if (counter.bytes - reported >= REPORT_EVERY_BYTES) {
      reported = counter.bytes;
      await progress.report(counter.bytes, blob.size);
    }
  }
  if (pending !== '') take(pending);
  if (failed) {
    const { line: at, text } = failed as { line: number; text: string };
    throw new EngineError(endsEarly(text) ? 'json.truncated' : 'json.invalid', { line: at });
  }
  if (line === 0) throw new EngineError('file.empty');
  const { table, inference } = records.build(warnings);
  pushDecodingWarnings(warnings, encoding, invalid);
  await progress.report(blob.size, blob.size);
  return { table, inference, warnings, encoding };
}

async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    counter.bytes += chunk.byteLength;
    yield chunk;
  }
}
