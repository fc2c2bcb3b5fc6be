// Delimited-text tokenizing and dialect detection. Pure; runs in the ingest
// worker (fed decoded text chunks by ./ingest.ts) and in Node tests.
//
// Row numbers in errors and warnings are spreadsheet rows: the 1-based
// position of the record in the file, counting the header and blank lines,
// with a quoted multi-line field counting once — the row number the user sees
// when opening the file in Excel. Excel's `sep=;` first line is not one: Excel
// hides it (it reads it as a setting, and shows the header as row 1), so a
// tokenizer told of it (hiddenRecords) does not count it, and a file's rows
// are numbered the same with and without it (docs/decisions/0005-csv-parser.md).

import { EngineError } from './table';
import { inferColumn, isMissing, parseDate, parseNumber, valueParser } from './infer';

export type Delimiter = ',' | '\t' | ';' | '|' | 'whitespace';

export interface ParseOptions {
  delimiter: 'auto' | Delimiter;
  header: 'auto' | boolean;
  /** 'auto' or a WHATWG encoding label ('utf-8', 'gb18030', 'big5', 'utf-16le', …). */
  encoding: 'auto' | string;
  /** Dates that fit both dd/mm and mm/dd: 'auto' reads month-first and says so. */
  dateOrder: 'auto' | 'dmy' | 'mdy';
}

export const DEFAULT_PARSE_OPTIONS: ParseOptions = {
  delimiter: 'auto',
  header: 'auto',
  encoding: 'auto',
  dateOrder: 'auto',
};

export interface Dialect {
  delimiter: Delimiter;
  header: boolean;
}

/**
 * Receives each record. `fields` is reused between calls: read fields
 * [0, count) before returning and keep no reference to the array.
 */
export type RecordSink = (fields: string[], count: number, row: number) => void;

/**
 * Receives each record without a string per field (the ingest's fast path):
 * field k is `text.slice(starts[k], ends[k])` when `starts[k] >= 0`, else
 * `fields[k]` (a quoted field, or one cut by a chunk boundary). All arrays
 * are reused between calls; read them before returning.
 */
export type SpanSink = (
  text: string,
  starts: Int32Array,
  ends: Int32Array,
  fields: string[],
  count: number,
  row: number,
) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

// Tokenizer states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // saw '"' inside a quoted field: closing, or the first of '""'
const AFTER_QUOTED = 4;

/** A quoted field longer than this is taken to be an unterminated quote. */
const MAX_QUOTED_CHARS = 8 * 1024 * 1024;

/**
 * Streaming RFC 4180 tokenizer, lenient where Excel is: a quote opens a
 * quoted field only at the start of a field (elsewhere it is a literal
 * character), text after a closing quote is appended, and CRLF, LF and lone
 * CR all end a record. Blank lines are skipped (but counted as rows). In
 * 'whitespace' mode a run of spaces/tabs separates fields and leading or
 * trailing whitespace on a line is ignored (R's read.table).
 *
 * Chunks may be split anywhere, including inside a quoted field or between
 * CR and LF: the state, the partial field text and the fields of the current
 * record carry over to the next push().
 */
export class CsvTokenizer {
  private readonly delimiter: number;
  private readonly whitespace: boolean;
  private readonly fields: string[] = [];
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private spanSink: SpanSink | null = null;
  private count = 0;
  private partial = '';
  private state = FIELD_START;
  private skipLF = false;
  private row: number;

  /**
   * `hiddenRecords`: leading records that are no row the user sees (Excel's
   * `sep=` line, see the file header): the record after them is row 1.
   */
  constructor(
    delimiter: Delimiter,
    private readonly onRecord: RecordSink,
    hiddenRecords = 0,
  ) {
    this.row = -hiddenRecords;
    this.whitespace = delimiter === 'whitespace';
    this.delimiter = this.whitespace ? SPACE : delimiter.charCodeAt(0);
  }

  /**
   * From the next record on, emits records as spans of the chunk (see
   * SpanSink) instead of strings. Call between records, e.g. from onRecord.
   */
  useSpans(sink: SpanSink): void {
    this.spanSink = sink;
  }

  /** Rows seen so far, as spreadsheet rows (see the file header). */
  get rows(): number {
    return Math.max(this.row, 0);
  }

  // The hot loop. It inlines the character-class tests (delimiter, CR/LF,
  // quote) and the scan to the end of a field, and a field start flows
  // straight into that scan, so an unquoted field costs one tight charCodeAt
  // loop and one slice (in span mode not even that: two offsets); only a
  // field that straddles a chunk boundary or contains quotes is concatenated.
  push(chunk: string): void {
    const n = chunk.length;
    const delim = this.delimiter;
    const ws = this.whitespace;
    let i = 0;
    if (this.skipLF && n > 0) {
      if (chunk.charCodeAt(0) === LF) i = 1;
      this.skipLF = false;
    }
    let state = this.state;
    let start = i;
    const spans = this.spanSink !== null;
    while (i < n) {
      let c = chunk.charCodeAt(i);
      if (state === FIELD_START) {
        if (c === QUOTE) {
          state = QUOTED;
          start = ++i;
          continue;
        }
        if (c === delim || (ws && c === TAB)) {
          // In whitespace mode separators collapse and never make empty fields.
          if (!ws) this.text('');
          i++;
          continue;
        }
        if (c === LF || c === CR) {
          if (this.count > 0 && !ws) this.text('');
          i = this.endRecord(chunk, i, c);
          continue;
        }
        state = UNQUOTED;
        start = i;
      }
      if (state === UNQUOTED) {
        while (c !== delim && c !== LF && c !== CR && !(ws && c === TAB)) {
          if (++i === n) break;
          c = chunk.charCodeAt(i);
        }
        if (i === n) {
          this.partial += chunk.slice(start, n);
          break;
        }
        if (this.partial.length > 0) {
          this.text(this.partial + chunk.slice(start, i));
          this.partial = '';
        } else if (spans) {
          // Fast path: no string per field, only its offsets in the chunk.
          const k = this.count++;
          if (k === this.starts.length) this.growSpans();
          this.starts[k] = start;
          this.ends[k] = i;
        } else {
          this.text(chunk.slice(start, i));
        }
        state = FIELD_START;
        if (c === LF || c === CR) i = this.endRecord(chunk, i, c);
        else i++;
      } else if (state === QUOTED) {
        while (c !== QUOTE) {
          if (++i === n) break;
          c = chunk.charCodeAt(i);
        }
        this.partial += chunk.slice(start, i);
        if (this.partial.length > MAX_QUOTED_CHARS) {
          throw new EngineError('csv.unterminated-quote', { row: this.row + 1 });
        }
        if (i < n) {
          state = QUOTE_IN_QUOTED;
          i++;
        }
      } else if (state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          this.partial += '"';
          state = QUOTED;
          start = ++i;
        } else {
          state = AFTER_QUOTED;
        }
      } else if (c === delim || c === LF || c === CR || (ws && c === TAB)) {
        // AFTER_QUOTED: the field ends here.
        this.text(this.partial);
        this.partial = '';
        state = FIELD_START;
        if (c === LF || c === CR) i = this.endRecord(chunk, i, c);
        else i++;
      } else {
        // Text after the closing quote: keep it, as Excel does.
        state = UNQUOTED;
        start = i;
      }
    }
    this.state = state;
    // A record continues in the next chunk: its spans would point into this one.
    if (this.spanSink !== null) this.materialize(chunk);
  }

  /** Appends a field given as a string. */
  private text(value: string): void {
    const k = this.count++;
    this.fields[k] = value;
    if (k >= this.starts.length) this.growSpans();
    this.starts[k] = -1;
  }

  private growSpans(): void {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }

  /** Turns the current record's spans into strings. */
  private materialize(chunk: string): void {
    for (let k = 0; k < this.count; k++) {
      if (this.starts[k] >= 0) {
        this.fields[k] = chunk.slice(this.starts[k], this.ends[k]);
        this.starts[k] = -1;
      }
    }
  }

  /** Emits the record ending at chunk[i] (CR or LF); returns the next index. */
  private endRecord(chunk: string, i: number, c: number): number {
    this.row++;
    if (this.count > 0) {
      if (this.spanSink !== null) {
        this.spanSink(chunk, this.starts, this.ends, this.fields, this.count, this.row);
      } else {
        this.onRecord(this.fields, this.count, this.row);
      }
      this.count = 0;
    }
    i++;
    if (c === CR) {
      if (i < chunk.length) {
        if (chunk.charCodeAt(i) === LF) i++;
      } else {
        this.skipLF = true;
      }
    }
    return i;
  }

  /**
   * Whether the text pushed so far ended a record and nothing of the next
   * one has begun: no open quote, no partial field, no pending line feed of a
   * CRLF. A part of a file cut after a line feed that is not inside quotes
   * ends like this (see ingest.ts, parsePart).
   */
  atRecordEnd(): boolean {
    return this.state === FIELD_START && this.count === 0 && this.partial === '' && !this.skipLF;
  }

  /** Flushes the last record (a file need not end with a newline). */
  finish(): void {
    switch (this.state) {
      case QUOTED:
        throw new EngineError('csv.unterminated-quote', { row: this.row + 1 });
      case UNQUOTED:
      case QUOTE_IN_QUOTED:
      case AFTER_QUOTED:
        this.text(this.partial);
        break;
      default:
        if (this.count > 0 && !this.whitespace) this.text('');
    }
    this.partial = '';
    this.state = FIELD_START;
    if (this.count > 0) {
      this.row++;
      // Every field is a string here (push() materialized the spans).
      if (this.spanSink !== null) {
        this.spanSink('', this.starts, this.ends, this.fields, this.count, this.row);
      } else {
        this.onRecord(this.fields, this.count, this.row);
      }
      this.count = 0;
    }
  }
}

/** Tokenizes a whole string (tests, small samples). */
export function parseRecords(text: string, delimiter: Delimiter): string[][] {
  const records: string[][] = [];
  const tokenizer = new CsvTokenizer(delimiter, (fields, count) => {
    records.push(fields.slice(0, count));
  });
  tokenizer.push(text);
  tokenizer.finish();
  return records;
}

const CANDIDATES: readonly Delimiter[] = [',', '\t', ';', '|'];
const DIALECT_RECORDS = 200;

/**
 * First records of a sample. Unless `complete`, the sample may end mid-record,
 * so the unterminated last record is left out (when there is another).
 */
function sampleRecords(text: string, delimiter: Delimiter, complete: boolean): string[][] {
  const records: string[][] = [];
  const tokenizer = new CsvTokenizer(delimiter, (fields, count) => {
    if (records.length < DIALECT_RECORDS) records.push(fields.slice(0, count));
  });
  try {
    tokenizer.push(text);
    if (complete || records.length === 0) tokenizer.finish();
  } catch {
    // An unterminated quote in the sample: judge by the records before it.
  }
  return records;
}

/** The most common field count and the share of records that have it. */
function consistency(records: readonly string[][]): { fields: number; share: number } {
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let fields = 0;
  let best = 0;
  for (const [k, v] of counts) {
    if (v > best || (v === best && k > fields)) [fields, best] = [k, v];
  }
  return { fields, share: records.length ? best / records.length : 0 };
}

/**
 * The delimiter giving the most consistent field count (> 1) over the
 * sample's records (quote-aware; ties go to more fields, then to the order
 * , tab ; |). Whitespace separation is chosen only when no delimiter gives
 * two or more fields on at least half of the records, and runs of
 * spaces/tabs do.
 */
export function detectDelimiter(sampleText: string, complete = false): Delimiter {
  let best: { delimiter: Delimiter; fields: number; share: number } | null = null;
  for (const delimiter of CANDIDATES) {
    const { fields, share } = consistency(sampleRecords(sampleText, delimiter, complete));
    if (fields < 2) continue;
    if (!best || share > best.share || (share === best.share && fields > best.fields)) {
      best = { delimiter, fields, share };
    }
  }
  if (best && best.share >= 0.5) return best.delimiter;
  const ws = consistency(sampleRecords(sampleText, 'whitespace', complete));
  if (ws.fields >= 2 && ws.share >= 0.5) return 'whitespace';
  return best?.delimiter ?? ',';
}

function looksLikeValue(s: string): boolean {
  return (
    !Number.isNaN(parseNumber(s, 'dot')) ||
    !Number.isNaN(parseNumber(s, 'comma')) ||
    !Number.isNaN(parseDate(s, 'ymd')) ||
    !Number.isNaN(parseDate(s, 'dmy')) ||
    !Number.isNaN(parseDate(s, 'mdy')) ||
    !Number.isNaN(parseDate(s, 'cjk'))
  );
}

/**
 * Whether the first record is a header (records equal to it, repeats of a
 * header, are left out of the rest):
 * - no, if any of its fields is a number or a date;
 * - yes, if it is the only record;
 * - yes, if some column is typed (number, date, boolean) below the first
 *   record and its first-row field does not parse as that type;
 * - otherwise (all columns are strings): yes when the first-row fields are
 *   distinct and none of them occurs again in its column.
 */
export function detectHeader(records: readonly string[][], delimiter: Delimiter): boolean {
  if (records.length === 0) return false;
  const first = records[0];
  if (first.some((f) => !isMissing(f) && looksLikeValue(f))) return false;
  // Repeats of the first record (a header on every page of a printout) are
  // left out, so they neither hide the types below it nor repeat its names.
  const rest = records.slice(1).filter((r) => !sameRecord(r, r.length, first));
  if (rest.length === 0) return true;
  for (let j = 0; j < first.length; j++) {
    if (isMissing(first[j])) continue;
    const column = rest.map((r) => r[j] ?? '');
    const inference = inferColumn('', column, { delimiter });
    const parse = inference.evidence === 'all-missing' ? null : valueParser(inference);
    if (parse && Number.isNaN(parse(first[j]))) return true;
  }
  const named = first.filter((f) => !isMissing(f));
  if (named.length === 0 || new Set(named).size !== named.length) return false;
  return first.every((f, j) => isMissing(f) || !rest.some((r) => r[j] === f));
}

/**
 * Delimiter and header of a text sample (see detectDelimiter, detectHeader);
 * with `delimiter`, only the header is detected, under that delimiter.
 */
export function detectDialect(sampleText: string, complete = false, known?: Delimiter): Dialect {
  const delimiter = known ?? detectDelimiter(sampleText, complete);
  const header = detectHeader(sampleRecords(sampleText, delimiter, complete), delimiter);
  return { delimiter, header };
}

/**
 * Whether fields [0, count) are the same as `header`, ignoring trailing
 * empty fields on either side and a byte-order mark before the first (two
 * exports concatenated, each with its BOM): a header row repeated as data.
 */
export function sameRecord(
  fields: readonly string[],
  count: number,
  header: readonly string[],
): boolean {
  let n = count;
  while (n > 0 && fields[n - 1] === '') n--;
  let h = header.length;
  while (h > 0 && header[h - 1] === '') h--;
  if (n !== h || n === 0) return false;
  const first = fields[0].charCodeAt(0) === 0xfeff ? fields[0].slice(1) : fields[0];
  if (first !== header[0]) return false;
  for (let k = 1; k < n; k++) if (fields[k] !== header[k]) return false;
  return true;
}

/** Delimiters a `sep=` line may name. */
const SEP_LINE = /^\uFEFF?(?:"sep=([,;|\t])"|sep=([,;|\t]))[,;|\t]*(?:\r\n|\n|\r|$)/i;

/**
 * Excel's first line `sep=;` (also `sep=,`, `sep=|`, `sep=` and a tab, any
 * case, in quotes or followed by delimiters, as Excel writes and reads it):
 * the delimiter it names and the length of the line with its line end, or
 * null. The line is not data: the ingest skips it.
 */
export function separatorLine(text: string): { delimiter: Delimiter; length: number } | null {
  const m = SEP_LINE.exec(text);
  if (!m) return null;
  return { delimiter: (m[1] ?? m[2]) as Delimiter, length: m[0].length };
}
