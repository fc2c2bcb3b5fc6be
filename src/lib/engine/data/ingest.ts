// Delimited text file → typed DataTable. Runs in the ingest worker (which
// passes a File's byte stream and a Progress) and in Node tests.
//
// Memory: bytes are decoded chunk by chunk and tokenized as they come; only a
// leading sample of rows (SAMPLE_ROWS) is held as strings, to infer the column
// types. Every later cell is parsed straight into a growable Float64Array
// (numbers, booleans, dates) or a dictionary + Int32Array of codes (strings).
//
// A later value that does not parse under the sampled type demotes its column
// to strings, so the type never depends on where in the file a stray value
// sits (as with pandas or R) and no value is dropped. Values that parse under
// the old type, before and after that point, are rendered canonically
// (numbers lose their formatting, "$1,234.50" → "1234.5"; dates become ISO;
// booleans keep the words first seen in the sample); the others are kept as
// written. A warning names the column, row and value, and the column's
// `invalid` counts the values that failed the sampled type.

import {
  EngineError,
  NO_PROGRESS,
  type Column,
  type DataTable,
  type NumericColumnType,
  type Progress,
} from './table';
import {
  classifyStrings,
  inferColumn,
  isMissing,
  parseBoolean,
  parseBooleanSpan,
  parseIsoDateSpan,
  parsePlainNumberSpan,
  valueParser,
  type ColumnInference,
} from './infer';
import {
  CsvTokenizer,
  DEFAULT_PARSE_OPTIONS,
  detectDialect,
  type Delimiter,
  type ParseOptions,
} from './csv';
import { decodeStream, detectEncoding, streamChunks } from './decode';
import { StringInterner } from './interner';

export interface IngestWarning {
  code: string;
  params: Record<string, string | number>;
}

export interface IngestResult {
  table: DataTable;
  inference: ColumnInference[];
  encoding: string;
  dialect: { delimiter: Delimiter; header: boolean };
  warnings: IngestWarning[];
  /**
   * Chunks of the table (and their bytes) that the parts' runner stored
   * itself (./parts.ts): present when they hold the table, for the caller to
   * commit; absent when the caller must store the table.
   */
  stored?: { chunks: number; bytes: number };
}

/** Rows kept as strings to infer types from. */
export const SAMPLE_ROWS = 10_000;
/** A deferred string column interns its values in batches of this many (see StringSink). */
const SETTLE_EVERY = 1 << 20;
const ENCODING_SAMPLE_BYTES = 64 * 1024;
const DIALECT_SAMPLE_CHARS = 64 * 1024;
/** Larger byte chunks are cut, so no decoded text chunk gets huge. */
const MAX_CHUNK_BYTES = 1024 * 1024;
const REPORT_EVERY_BYTES = 64 * 1024;

const DAY_MS = 86_400_000;

/** Parses a File / Blob (see ingestDelimited). */
export function ingestBlob(
  blob: Blob,
  options: Partial<ParseOptions>,
  progress: Progress,
): Promise<IngestResult> {
  return ingestDelimited(streamChunks(blob.stream()), blob.size, options, progress);
}

/**
 * Parses delimited text from a byte stream into a typed table. Reports
 * progress in bytes about every 64 KiB. Throws EngineError file.empty,
 * file.no-rows, file.binary, file.spreadsheet, encoding.unsupported,
 * csv.unterminated-quote and csv.ragged.
 */
export async function ingestDelimited(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number,
  options: Partial<ParseOptions>,
  progress: Progress,
): Promise<IngestResult> {
  const read = await readDelimited(chunks, totalBytes, options, progress, false);
  const { plan, part, warnings } = read;
  return {
    ...assembleParts(plan!, [part!], warnings),
    encoding: plan!.encoding,
    dialect: plan!.dialect,
  };
}

/**
 * What the first SAMPLE_ROWS records of a file decided — encoding, dialect,
 * column names and types — so that other parts of the same file can be read
 * apart (see ./parts.ts) exactly as one pass over the file would read them.
 * Plain data: it crosses to other workers.
 */
export interface DelimitedPlan {
  encoding: string;
  dialect: { delimiter: Delimiter; header: boolean };
  names: string[];
  /** Types inferred from the sample (with the sample's counts). */
  inference: ColumnInference[];
  /** Per column, the words the sample used for true and false (boolean columns). */
  booleanWords: [string, string][];
  /** Characters per record in the sample, to size column buffers. */
  charsPerRecord: number;
  /**
   * Per column: strings, and at least half of the sample's values distinct
   * (ids, e-mails, free text), so interned once a part is read (see StringSink).
   */
  mostlyDistinct: boolean[];
}

/**
 * The plan of a file (see DelimitedPlan) and the warnings of its head
 * (encoding guessed, column names), or null when the file ends before the
 * sample is complete (a small file: read it in one pass). Reads only the
 * head of the stream. Throws what ingestDelimited throws for the head.
 */
export async function planDelimited(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number,
  options: Partial<ParseOptions>,
): Promise<{ plan: DelimitedPlan; warnings: IngestWarning[] } | null> {
  const read = await readDelimited(chunks, totalBytes, options, NO_PROGRESS, true);
  return read.part === null ? { plan: read.plan!, warnings: read.warnings } : null;
}

/**
 * Reads one part of a file with a plan: `first` is the part starting at the
 * file's first byte (it skips the header record, if any); any other part
 * must start at a record boundary, such as just after a line feed. Rows in
 * the result's warnings and in its errors count from the part's start.
 * The last part is flushed like a whole file (an open quote is an error);
 * any other one reports in `atRecordEnd` whether it ended between records,
 * which tells whether the next part started where a record starts.
 * `attached`: keep dictionary values as slices of the decoded text instead
 * of copies, for a caller that copies them out anyway (a helper packing its
 * part to send it, workers/partPool.ts); the part then holds its text.
 * `roomFor`: bytes of text to size the columns for, when more than the
 * part's: the first part of a file read in parts makes room for the whole
 * file, so that the others are appended to its columns in place
 * (PartsAssembler). `onRows`, if given, is awaited after each piece of text
 * and once more at the end, so that a caller can encode the rows read so
 * far (./parts.ts).
 */
export async function parsePart(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number,
  plan: DelimitedPlan,
  position: { first: boolean; last: boolean; attached?: boolean; roomFor?: number },
  progress: Progress,
  onRows?: RowsListener,
): Promise<PartResult> {
  const builder = new TableBuilder(
    { ...DEFAULT_PARSE_OPTIONS, delimiter: plan.dialect.delimiter, header: plan.dialect.header },
    [],
    totalBytes,
    () => 0,
    {
      plan,
      first: position.first,
      attached: position.attached ?? false,
      roomFor: Math.max(totalBytes, position.roomFor ?? 0),
    },
  );
  const counter = { bytes: 0 };
  const tokenizer = builder.start('', false);
  let replaced = 0;
  let reported = 0;
  const texts = decodeStream(countedChunks(chunks, counter), plan.encoding, !position.first);
  const columns = () => builder.columnsSoFar();
  for await (const text of texts) {
    replaced += countReplacements(text);
    tokenizer.push(text);
    if (onRows) await onRows(builder.records, columns, false);
    if (counter.bytes - reported >= REPORT_EVERY_BYTES) {
      reported = counter.bytes;
      await progress.report(counter.bytes, totalBytes);
    }
  }
  const atRecordEnd = tokenizer.atRecordEnd();
  if (position.last) tokenizer.finish();
  if (onRows) await onRows(builder.records, columns, true);
  await progress.report(totalBytes, totalBytes);
  return { ...builder.part(), atRecordEnd, replaced };
}

/**
 * Told the number of records a part has read so far (see parsePart);
 * `columns()` gives them as table columns (views, valid until more rows are
 * read). The values of rows already read never change, except that a column
 * demoted to strings later comes back with kind 'string'. `done`: the part
 * is read.
 */
export type RowsListener = (
  records: number,
  columns: () => Column[],
  done: boolean,
) => Promise<void>;

/**
 * The streaming loop shared by ingestDelimited and planDelimited: detects the
 * encoding and dialect, tokenizes and types. With `planOnly`, stops once the
 * sample has decided the plan (part is then null unless the file ended first).
 */
async function readDelimited(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number,
  options: Partial<ParseOptions>,
  progress: Progress,
  planOnly: boolean,
): Promise<{ plan: DelimitedPlan | null; part: PartResult | null; warnings: IngestWarning[] }> {
  const opts = { ...DEFAULT_PARSE_OPTIONS, ...options };
  const warnings: IngestWarning[] = [];
  const counter = { bytes: 0 };
  const source = countedChunks(chunks, counter)[Symbol.asyncIterator]();
  try {
    const head: Uint8Array[] = [];
    let headBytes = 0;
    while (headBytes < ENCODING_SAMPLE_BYTES) {
      const next = await source.next();
      if (next.done) break;
      head.push(next.value);
      headBytes += next.value.byteLength;
    }
    if (headBytes === 0) throw new EngineError('file.empty');
    let encoding = opts.encoding;
    if (encoding === 'auto') {
      const detected = detectEncoding(concatPieces(head, headBytes, Uint8Array));
      encoding = detected.encoding;
      if (detected.confidence === 'guess') {
        warnings.push({ code: 'encoding.guessed', params: { encoding } });
      }
    }

    // Planning keeps no more than the sample: size the columns for it alone.
    const sizeFor = planOnly ? 0 : totalBytes;
    const builder = new TableBuilder(opts, warnings, sizeFor, () => counter.bytes, null);
    builder.encoding = encoding;
    let tokenizer: CsvTokenizer | null = null;
    let pending = '';
    let replaced = 0;
    let reported = 0;
    for await (const text of decodeStream(chain(head, source), encoding)) {
      replaced += countReplacements(text);
      if (tokenizer) {
        tokenizer.push(text);
      } else {
        pending += text;
        if (pending.length >= DIALECT_SAMPLE_CHARS) {
          tokenizer = builder.start(pending, false);
          pending = '';
        }
      }
      if (planOnly && builder.plan) return { plan: builder.plan, part: null, warnings };
      if (counter.bytes - reported >= REPORT_EVERY_BYTES) {
        reported = counter.bytes;
        await progress.report(counter.bytes, totalBytes);
      }
    }
    if (!tokenizer) tokenizer = builder.start(pending, true);
    tokenizer.finish();
    const part = { ...builder.part(), atRecordEnd: true, replaced };
    await progress.report(totalBytes, totalBytes);
    return { plan: builder.plan, part, warnings };
  } finally {
    // planOnly leaves the rest of the file unread.
    await source.return?.(undefined);
  }
}

async function* countedChunks(
  chunks: AsyncIterable<Uint8Array>,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.byteLength; i += MAX_CHUNK_BYTES) {
      const part = chunk.subarray(i, Math.min(i + MAX_CHUNK_BYTES, chunk.byteLength));
      counter.bytes += part.byteLength;
      yield part;
    }
  }
}

async function* chain(
  head: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

function countReplacements(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) n++;
  return n;
}

/**
 * Trimmed names; blank → column_N; a repeated name gets the first free
 * suffix _2, _3 … that is not also a name in the file (with warnings).
 */
export function columnNames(raw: readonly string[], warnings: IngestWarning[]): string[] {
  const blanks: string[] = [];
  const trimmed = raw.map((r, j) => {
    const name = r.trim();
    if (name !== '') return name;
    blanks.push(`column_${j + 1}`);
    return `column_${j + 1}`;
  });
  const taken = new Set(trimmed);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const names = trimmed.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    duplicates.add(name);
    let k = 2;
    while (taken.has(`${name}_${k}`)) k++;
    const renamed = `${name}_${k}`;
    taken.add(renamed);
    return renamed;
  });
  if (blanks.length > 0) {
    warnings.push({ code: 'ingest.blank-column-names', params: { columns: blanks.join(', ') } });
  }
  if (duplicates.size > 0) {
    warnings.push({
      code: 'ingest.duplicate-column-names',
      params: { columns: [...duplicates].join(', ') },
    });
  }
  return names;
}

function growFloat(a: Float64Array, needed: number): Float64Array {
  if (needed <= a.length) return a;
  const b = new Float64Array(Math.max(needed, a.length * 2));
  b.set(a);
  return b;
}

function growInt(a: Int32Array, needed: number): Int32Array {
  if (needed <= a.length) return a;
  const b = new Int32Array(Math.max(needed, a.length * 2));
  b.set(a);
  return b;
}

/**
 * A column being filled. `add` returns false when a value does not parse;
 * `addSpan` is the same for `text.slice(start, end)`, mostly without slicing.
 */
interface Sink {
  add(s: string): boolean;
  addSpan(text: string, start: number, end: number): boolean;
}

/** A fast path reading a cell in place; NaN means "not taken" (see infer.ts). */
type SpanParser = (text: string, start: number, end: number) => number;

function spanParser(inference: ColumnInference): SpanParser | null {
  switch (inference.type) {
    case 'integer':
    case 'decimal':
      return (inference.numberStyle ?? 'dot') === 'dot' ? parsePlainNumberSpan : null;
    case 'date':
      return (inference.dateFormat ?? 'ymd') === 'ymd' ? parseIsoDateSpan : null;
    case 'boolean':
      return parseBooleanSpan;
    default:
      return null;
  }
}

class NumberSink implements Sink {
  values: Float64Array;
  length = 0;
  private readonly spanParse: SpanParser | null;
  constructor(
    capacity: number,
    readonly inference: ColumnInference,
    readonly parse: (s: string) => number,
    /** Words the sample used for true and false, to render a demoted boolean. */
    readonly booleanWords: [string, string],
  ) {
    this.values = new Float64Array(capacity);
    this.spanParse = spanParser(inference);
  }

  addSpan(text: string, start: number, end: number): boolean {
    // Empty cells are missing; plain cells parse in place; the rest (other
    // missing markers, formatted numbers, bad values) take the full parser.
    const v =
      start === end ? NaN : this.spanParse !== null ? this.spanParse(text, start, end) : NaN;
    if (v !== v && start !== end) return this.add(text.slice(start, end));
    if (this.length === this.values.length) this.values = growFloat(this.values, this.length + 1);
    this.values[this.length++] = v;
    return true;
  }

  add(s: string): boolean {
    let v = this.parse(s);
    if (v !== v) {
      if (!isMissing(s)) return false;
      v = NaN;
    }
    if (this.length === this.values.length) this.values = growFloat(this.values, this.length + 1);
    this.values[this.length++] = v;
    return true;
  }

  render(v: number): string {
    return renderValue(this.inference, this.booleanWords, v);
  }
}

/**
 * How a value of a numeric column reads once its column is demoted to
 * strings: numbers canonically, dates in ISO form, booleans in the sample's
 * own words.
 */
function renderValue(
  inference: ColumnInference,
  booleanWords: [string, string],
  v: number,
): string {
  switch (inference.type) {
    case 'boolean':
      return v ? booleanWords[0] : booleanWords[1];
    case 'date':
    case 'datetime': {
      const iso = new Date(v).toISOString();
      return v % DAY_MS === 0 ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/\.000Z$|Z$/, '');
    }
    default:
      return String(v);
  }
}

/**
 * Dictionary-encoded strings. A column demoted from a numeric type keeps
 * rendering the values that still parse the old way, so "$1.50" reads "1.5"
 * before and after the demotion point alike; only failures are kept raw.
 *
 * A column of mostly distinct values is not interned cell by cell: its
 * values are deferred (StringInterner.defer), each code meanwhile being the
 * value's position in the dictionary, where it may repeat a value, and
 * interned in batches of up to SETTLE_EVERY values (settle()). Probing a
 * table of a million values in between the tokenizer's passes over the
 * text missed the cache on nearly every cell; the bench file's ids and
 * e-mails took ~1.0 s of a 3.4 s parse that way, ~0.5 s deferred (Node 20).
 * The batches bound what a column that repeats after a distinct sample
 * holds beyond its distinct values.
 */
class StringSink implements Sink {
  codes: Int32Array;
  length = 0;
  private readonly interner = new StringInterner();
  private readonly deferred: boolean;
  /** Rows before this one have their final codes (see settle). */
  private settledRows = 0;
  /** Values that failed the type this column had before demotion. */
  invalid = 0;
  /** Where a numeric column was demoted: the row and the value that did not parse. */
  demotion: { row: number; value: string } | null = null;
  constructor(
    capacity: number,
    readonly demotedFrom: NumberSink | null = null,
    /** Keep new values as slices of the text (see parsePart). */
    private readonly attached = false,
    /** Intern the values in batches (see above). */
    deferred = false,
  ) {
    this.codes = new Int32Array(capacity);
    this.deferred = deferred;
  }

  /**
   * Distinct values; index = code. Before settle(), a deferred column's
   * last values are there as they came, repeats included: codes still index
   * it, so the rows read so far can be encoded as they are.
   */
  get dictionary(): string[] {
    return this.interner.values;
  }

  addSpan(text: string, start: number, end: number): boolean {
    if (start === end) return this.push(-1);
    const first = text.charCodeAt(start);
    const last = text.charCodeAt(end - 1);
    // A cell that could be a missing marker (short and starting like one:
    // N n # < -, or with surrounding whitespace) or that a demoted column
    // re-renders takes the string path; the rest is interned in place.
    const maybeMarker =
      (end - start <= 4 &&
        (first === 78 || first === 110 || first === 35 || first === 60 || first === 45)) ||
      first <= 32 ||
      last <= 32 ||
      first === 0xa0 ||
      last === 0xa0;
    if (maybeMarker || this.demotedFrom) return this.add(text.slice(start, end));
    if (this.deferred)
      return this.pushDeferred(this.interner.defer(text, start, end, this.attached));
    return this.push(this.interner.intern(text, start, end, this.attached));
  }

  add(s: string): boolean {
    if (isMissing(s)) return this.put(null);
    if (!this.demotedFrom) return this.put(s);
    const v = this.demotedFrom.parse(s);
    if (v === v) return this.put(this.demotedFrom.render(v));
    this.invalid++;
    return this.put(s);
  }

  /** Interns a deferred column's values so far (see above); their codes become final. */
  settle(): void {
    if (this.interner.deferred === 0) return;
    const { base, codes: remap } = this.interner.settle();
    const codes = this.codes;
    // Every present code since the last settle is provisional.
    for (let i = this.settledRows; i < this.length; i++) {
      const c = codes[i];
      if (c >= 0) codes[i] = remap[c - base];
    }
    this.settledRows = this.length;
  }

  /** The interner's slot table, as it is, once settled (for merging parts, see StringInterner.merge). */
  table(): Int32Array {
    return this.interner.state().table;
  }

  /** Appends a value as is; null is missing. */
  put(text: string | null): boolean {
    if (text === null) return this.push(-1);
    if (this.deferred) return this.pushDeferred(this.interner.deferString(text));
    return this.push(this.interner.internString(text));
  }

  private pushDeferred(code: number): boolean {
    this.push(code);
    if (this.interner.deferred >= SETTLE_EVERY) this.settle();
    return true;
  }

  private push(code: number): boolean {
    if (this.length === this.codes.length) this.codes = growInt(this.codes, this.length + 1);
    this.codes[this.length++] = code;
    return true;
  }
}

/** A part's column as the sinks left it (see PartResult). */
export type PartColumn =
  | { kind: 'number'; values: Float64Array }
  | {
      kind: 'string';
      codes: Int32Array;
      dictionary: string[];
      /**
       * The dictionary's interner table (see StringInterner.state), so that
       * merging parts hashes no string again, and the first part's
       * dictionary is taken over as it is.
       */
      table: Int32Array;
      /** Values that failed the column's planned numeric type (when demoted). */
      invalid: number;
      /** Where the part demoted a planned numeric column (row within the part). */
      demotion: { row: number; value: string } | null;
    };

/** One part of a file, parsed (see parsePart). Plain data with transferable buffers. */
export interface PartResult {
  /** Spreadsheet rows the part spans: records, blank lines and the header. */
  rows: number;
  /** Data records. */
  records: number;
  /** The part ended between two records, outside any quote. */
  atRecordEnd: boolean;
  /** Bytes the decoder could not read (replaced by U+FFFD). */
  replaced: number;
  shortRows: number;
  /** First short row, within the part. */
  firstShortRow: number;
  columns: PartColumn[];
}

/** Collects records: a sample first (unless given a plan), then typed columns. */
class TableBuilder {
  dialect: { delimiter: Delimiter; header: boolean } | null = null;
  /** Set by the caller that detected it; part of the plan. */
  encoding = '';
  /** Decided once the sample is typed (or given). */
  plan: DelimitedPlan | null = null;
  private names: string[] | null = null;
  private width = 0;
  private sample: string[][] = [];
  private sampleRows: number[] = [];
  private sinks: (NumberSink | StringSink)[] | null = null;
  private rowCount = 0;
  private tokenizer: CsvTokenizer | null = null;
  private shortRows = 0;
  private firstShortRow = 0;
  /** A part of a planned file that must skip the header record. */
  private skipHeader = false;

  constructor(
    private readonly options: ParseOptions,
    private readonly warnings: IngestWarning[],
    private readonly totalBytes: number,
    /** Bytes read from the file so far. */
    private readonly bytesRead: () => number,
    /** A part of a file whose plan is known: typed from the first record. */
    private readonly planned: {
      plan: DelimitedPlan;
      first: boolean;
      attached: boolean;
      /** Bytes of text the columns are sized for. */
      roomFor: number;
    } | null,
  ) {}

  /** Decides the dialect from the first text and returns the tokenizer. */
  start(text: string, complete: boolean): CsvTokenizer {
    if (this.planned) return this.startPlanned(this.planned.plan, this.planned.first);
    if (text.trim() === '') throw new EngineError('file.empty');
    const detected =
      this.options.delimiter === 'auto' || this.options.header === 'auto'
        ? detectDialect(text, complete)
        : null;
    const delimiter =
      this.options.delimiter === 'auto' ? detected!.delimiter : this.options.delimiter;
    let header: boolean;
    if (this.options.header !== 'auto') header = this.options.header;
    else if (delimiter === detected!.delimiter) header = detected!.header;
    else header = detectDialect(text, complete).header;
    this.dialect = { delimiter, header };
    const tokenizer = new CsvTokenizer(delimiter, (fields, count, row) =>
      this.record(fields, count, row),
    );
    this.tokenizer = tokenizer;
    tokenizer.push(text);
    return tokenizer;
  }

  private startPlanned(plan: DelimitedPlan, first: boolean): CsvTokenizer {
    this.plan = plan;
    this.dialect = plan.dialect;
    this.names = plan.names;
    this.width = plan.names.length;
    const bytes = this.planned!.roomFor;
    const capacity = Math.ceil((1.1 * bytes) / Math.max(plan.charsPerRecord, 1)) + 16;
    this.sinks = createSinks(plan, capacity, this.planned!.attached);
    this.skipHeader = first && plan.dialect.header;
    const tokenizer = new CsvTokenizer(plan.dialect.delimiter, (fields, count, row) =>
      this.record(fields, count, row),
    );
    this.tokenizer = tokenizer;
    if (!this.skipHeader) this.typedFromHere();
    return tokenizer;
  }

  /** Later records come as spans of the text. */
  private typedFromHere(): void {
    this.tokenizer!.useSpans((text, starts, ends, strings, n, r) =>
      this.addSpans(text, starts, ends, strings, n, r),
    );
  }

  private record(fields: string[], count: number, row: number): void {
    if (this.skipHeader) {
      this.skipHeader = false;
      this.typedFromHere();
      return;
    }
    if (this.names === null && this.dialect!.header) {
      this.names = columnNames(fields.slice(0, count), this.warnings);
      this.width = count;
      return;
    }
    if (this.sinks === null) {
      this.sample.push(fields.slice(0, count));
      this.sampleRows.push(row);
      if (this.sample.length >= SAMPLE_ROWS) {
        this.build();
        this.typedFromHere();
      }
      return;
    }
    this.addRow(fields, count, row);
  }

  /** addRow for a record given as spans (see SpanSink). */
  private addSpans(
    text: string,
    starts: Int32Array,
    ends: Int32Array,
    fields: string[],
    count: number,
    row: number,
  ): void {
    const width = this.width;
    if (count > width) {
      // Extra fields: rare, so the string path checks them.
      const strings: string[] = [];
      for (let k = 0; k < count; k++) {
        strings.push(starts[k] >= 0 ? text.slice(starts[k], ends[k]) : fields[k]);
      }
      this.addRow(strings, count, row);
      return;
    }
    if (count < width) {
      if (this.shortRows++ === 0) this.firstShortRow = row;
    }
    const sinks = this.sinks!;
    for (let j = 0; j < width; j++) {
      const start = j < count ? starts[j] : -1;
      const ok =
        start >= 0
          ? sinks[j].addSpan(text, start, ends[j])
          : sinks[j].add(j < count ? fields[j] : '');
      if (!ok) {
        const value = start >= 0 ? text.slice(start, ends[j]) : j < count ? fields[j] : '';
        this.demote(j, value, row);
      }
    }
    this.rowCount++;
  }

  /** Infers the types from the sample and moves it into typed columns. */
  private build(): void {
    if (this.names === null) {
      let width = 0;
      for (const r of this.sample) width = Math.max(width, trimmedLength(r, r.length));
      this.width = width;
      this.names = Array.from({ length: width }, (_, j) => `column_${j + 1}`);
    }
    const delimiter = this.dialect!.delimiter;
    const inference: ColumnInference[] = [];
    const booleanWords: [string, string][] = [];
    const mostlyDistinct: boolean[] = [];
    this.names.forEach((name, j) => {
      const values = this.sample.map((r) => (j < r.length ? r[j] : ''));
      const inferred = inferColumn(name, values, { delimiter, dateOrder: this.options.dateOrder });
      inference.push(inferred);
      mostlyDistinct.push(valueParser(inferred) === null && isMostlyDistinct(values));
      const words: [string, string] = ['true', 'false'];
      if (inferred.type === 'boolean') {
        words[0] = values.find((v) => parseBoolean(v) === 1)?.trim() ?? 'true';
        words[1] = values.find((v) => parseBoolean(v) === 0)?.trim() ?? 'false';
      }
      booleanWords.push(words);
    });
    let chars = 0;
    for (const r of this.sample) {
      chars += r.length; // delimiters and the line end
      for (const f of r) chars += f.length;
    }
    this.plan = {
      encoding: this.encoding,
      dialect: this.dialect!,
      names: this.names,
      inference,
      booleanWords,
      charsPerRecord: chars / Math.max(this.sample.length, 1),
      mostlyDistinct,
    };
    this.sinks = createSinks(this.plan, this.expectedRows());
    const sample = this.sample;
    const rows = this.sampleRows;
    this.sample = [];
    this.sampleRows = [];
    for (let i = 0; i < sample.length; i++) this.addRow(sample[i], sample[i].length, rows[i]);
  }

  /**
   * Rows the whole file will have, extrapolated from the size of the sample's
   * text (plus 10 %), so column buffers rarely need to grow. The sample's
   * characters, not the bytes read so far: the reader runs ahead of the
   * tokenizer by up to a chunk, which made the old estimate too small.
   * Multi-byte text overestimates; assembleParts trims the buffers anyway.
   */
  private expectedRows(): number {
    const rows = this.sample.length;
    if (rows < SAMPLE_ROWS || this.bytesRead() >= this.totalBytes) return Math.max(rows, 16);
    return Math.ceil((1.1 * this.totalBytes) / Math.max(this.plan!.charsPerRecord, 1));
  }

  private addRow(fields: string[], count: number, row: number): void {
    const width = this.width;
    if (count > width && trimmedLength(fields, count) > width) {
      throw new EngineError('csv.ragged', { row, expected: width, found: count });
    }
    if (count < width) {
      if (this.shortRows++ === 0) this.firstShortRow = row;
    }
    const sinks = this.sinks!;
    for (let j = 0; j < width; j++) {
      const s = j < count ? fields[j] : '';
      if (!sinks[j].add(s)) this.demote(j, s, row);
    }
    this.rowCount++;
  }

  private demote(j: number, value: string, row: number): void {
    const old = this.sinks![j] as NumberSink;
    const sink = new StringSink(old.values.length, old);
    for (let i = 0; i < old.length; i++) {
      const v = old.values[i];
      sink.put(Number.isNaN(v) ? null : old.render(v));
    }
    sink.add(value);
    sink.demotion = { row, value };
    this.sinks![j] = sink;
  }

  /** Data records typed so far. */
  get records(): number {
    return this.rowCount;
  }

  /**
   * The typed columns so far, as views of the sinks' buffers (valid until
   * the next record). String columns are typed 'text' (what storage keeps of
   * them, see ./parts.ts), numeric ones as planned.
   */
  columnsSoFar(): Column[] {
    const { names, inference } = this.plan!;
    const n = this.rowCount;
    return this.sinks!.map((sink, j): Column => {
      const name = names[j];
      if (sink instanceof NumberSink) {
        const type = inference[j].type as NumericColumnType;
        return { kind: 'number', name, type, values: sink.values.subarray(0, n) };
      }
      return {
        kind: 'string',
        name,
        type: 'text',
        codes: sink.codes.subarray(0, n),
        dictionary: sink.dictionary,
      };
    });
  }

  /**
   * The columns as parsed so far, as views of the rows read (see
   * trimmed()); the builder lets go of them.
   */
  part(): Omit<PartResult, 'atRecordEnd' | 'replaced'> {
    if (this.sinks === null) {
      if (this.sample.length === 0) {
        throw new EngineError(this.names ? 'file.no-rows' : 'file.empty');
      }
      this.build();
    }
    const n = this.rowCount;
    const columns = this.sinks!.map((sink): PartColumn => {
      // Views, not copies: the parts of a file are concatenated anyway, and
      // a file of one part is trimmed when it is assembled.
      if (sink instanceof NumberSink) {
        const values = sink.values.subarray(0, n);
        sink.values = new Float64Array(0);
        return { kind: 'number', values };
      }
      sink.settle();
      const codes = sink.codes.subarray(0, n);
      sink.codes = new Int32Array(0);
      const { dictionary, invalid, demotion } = sink;
      return { kind: 'string', codes, dictionary, table: sink.table(), invalid, demotion };
    });
    return {
      rows: this.tokenizer?.rows ?? 0,
      records: n,
      shortRows: this.shortRows,
      firstShortRow: this.firstShortRow,
      columns,
    };
  }
}

/** At least half of the values that are not missing are distinct (and some are present). */
function isMostlyDistinct(values: readonly string[]): boolean {
  const present = values.filter((v) => !isMissing(v));
  return present.length > 0 && 2 * new Set(present).size >= present.length;
}

function createSinks(
  plan: DelimitedPlan,
  capacity: number,
  attached = false,
): (NumberSink | StringSink)[] {
  return plan.inference.map((inference, j) => {
    const parse = valueParser(inference);
    return parse
      ? new NumberSink(capacity, inference, parse, plan.booleanWords[j])
      : new StringSink(capacity, null, attached, plan.mostlyDistinct[j]);
  });
}

/**
 * The table of a file read in parts (in file order; one part for a file read
 * in one pass): see PartsAssembler.
 */
export function assembleParts(
  plan: DelimitedPlan,
  parts: readonly PartResult[],
  headWarnings: readonly IngestWarning[],
): { table: DataTable; inference: ColumnInference[]; warnings: IngestWarning[] } {
  const assembler = new PartsAssembler(plan, headWarnings);
  for (const part of parts) assembler.add(part);
  return assembler.finish();
}

/**
 * Puts the parts of a file together, given one at a time in file order, so
 * that a caller can add the parts already read while others are still being
 * read. Concatenates the columns, demotes a column everywhere when any part
 * demoted it, merges the parts' dictionaries (codes stay in order of first
 * appearance in the file), and types the columns over all their values. Rows
 * in warnings become rows of the file. `headWarnings` are those of the
 * file's head (see planDelimited); finish() adds the demotions, short rows
 * and unreadable bytes.
 */
export class PartsAssembler {
  private readonly columns: ColumnAssembly[];
  private readonly demotions: { j: number; row: number; value: string }[] = [];
  private rows = 0;
  private records = 0;
  private shortRows = 0;
  private firstShortRow = 0;
  private replaced = 0;

  constructor(
    private readonly plan: DelimitedPlan,
    private readonly headWarnings: readonly IngestWarning[],
  ) {
    this.columns = plan.names.map((_, j) => new ColumnAssembly(plan, j));
  }

  add(part: PartResult): void {
    const offset = this.rows;
    part.columns.forEach((piece, j) => {
      const column = this.columns[j];
      if (piece.kind === 'string' && piece.demotion && !column.demotionSeen) {
        column.demotionSeen = true;
        this.demotions.push({ j, row: offset + piece.demotion.row, value: piece.demotion.value });
      }
      column.add(piece);
    });
    if (part.shortRows > 0 && this.shortRows === 0) {
      this.firstShortRow = offset + part.firstShortRow;
    }
    this.shortRows += part.shortRows;
    this.replaced += part.replaced;
    this.rows += part.rows;
    this.records += part.records;
  }

  finish(): { table: DataTable; inference: ColumnInference[]; warnings: IngestWarning[] } {
    const { plan } = this;
    const n = this.records;
    const warnings = [...this.headWarnings];
    const finished = this.columns.map((c) => c.finish(n));
    this.demotions.sort((a, b) => a.row - b.row || a.j - b.j);
    for (const { j, row, value } of this.demotions) {
      warnings.push({
        code: 'ingest.column-demoted',
        params: {
          column: plan.names[j],
          row,
          value: value.slice(0, 50),
          type: plan.inference[j].type,
        },
      });
    }
    if (this.shortRows > 0) {
      warnings.push({
        code: 'csv.short-rows',
        params: { count: this.shortRows, row: this.firstShortRow, expected: plan.names.length },
      });
    }
    if (this.replaced > 0) {
      warnings.push({
        code: 'encoding.invalid-bytes',
        params: { count: this.replaced, encoding: plan.encoding },
      });
    }
    return {
      table: { rowCount: n, columns: finished.map((f) => f.column) },
      inference: finished.map((f) => f.inference),
      warnings,
    };
  }
}

type StringPiece = Extract<PartColumn, { kind: 'string' }>;

/**
 * One column of PartsAssembler. Numbers are kept as pieces until the end;
 * strings are merged into one dictionary as they come, and a numeric column
 * that a part demoted has its earlier pieces rendered as a one-pass demotion
 * renders them. The first piece's dictionary, when strings, is taken over
 * as it is (for a file of one part, the whole dictionary).
 */
class ColumnAssembly {
  demotionSeen = false;
  private numbers: Float64Array[] = [];
  private codes: Int32Array[] = [];
  private interner: StringInterner | null = null;
  private invalid = 0;

  constructor(
    private readonly plan: DelimitedPlan,
    private readonly j: number,
  ) {}

  add(piece: PartColumn): void {
    if (piece.kind === 'number') {
      if (this.interner === null) this.numbers.push(piece.values);
      else this.codes.push(this.rendered(this.interner, piece.values));
      return;
    }
    this.invalid += piece.invalid;
    if (this.interner === null && this.numbers.length === 0) {
      // The first piece, and strings: its dictionary and codes are taken over as they are.
      this.interner = new StringInterner({ values: piece.dictionary, table: piece.table });
      this.codes.push(piece.codes);
      return;
    }
    this.codes.push(remapped(this.strings(), piece));
  }

  /** The merged dictionary, once any piece is strings (earlier number pieces rendered into it). */
  private strings(): StringInterner {
    if (this.interner) return this.interner;
    const rows = this.numbers.reduce((n, v) => n + v.length, 0);
    const interner = (this.interner = new StringInterner(rows));
    for (const values of this.numbers) this.codes.push(this.rendered(interner, values));
    this.numbers = [];
    return interner;
  }

  private rendered(interner: StringInterner, values: Float64Array): Int32Array {
    const { inference, booleanWords } = this.plan;
    const codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      codes[i] =
        v === v
          ? interner.internString(renderValue(inference[this.j], booleanWords[this.j], v))
          : -1;
    }
    return codes;
  }

  finish(n: number): { column: Column; inference: ColumnInference } {
    const name = this.plan.names[this.j];
    const sampled = this.plan.inference[this.j];
    if (this.interner === null) {
      const values = concatPieces(this.numbers, n, Float64Array);
      let missing = 0;
      for (let i = 0; i < n; i++) if (values[i] !== values[i]) missing++;
      const type = refineNumericType(sampled.type, values);
      return {
        column: { kind: 'number', name, type, values } as Column,
        inference: { ...sampled, type, missing, invalid: 0 },
      };
    }
    const codes = concatPieces(this.codes, n, Int32Array);
    const dictionary = this.interner.values;
    let missing = 0;
    for (let i = 0; i < n; i++) if (codes[i] < 0) missing++;
    const demoted = valueParser(sampled) !== null;
    const classified = classifyStrings(name, dictionary, n - missing);
    // A demoted column held measurements, not keys: never an identifier.
    const type = demoted && classified.type === 'identifier' ? 'text' : classified.type;
    return {
      column: { kind: 'string', name, type, codes, dictionary },
      inference: demoted
        ? { type, evidence: 'demoted', missing, invalid: this.invalid }
        : { ...sampled, type, evidence: classified.evidence, missing, invalid: 0 },
    };
  }
}

/** A piece's codes in the merged dictionary (its values added by their hashes, see StringInterner.merge). */
function remapped(interner: StringInterner, piece: StringPiece): Int32Array {
  // Into an empty dictionary, a piece's codes stay what they are.
  const same = interner.values.length === 0;
  const remap = interner.merge({ values: piece.dictionary, table: piece.table });
  if (same) return piece.codes;
  const codes = new Int32Array(piece.codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = piece.codes[i];
    codes[i] = c < 0 ? -1 : remap[c];
  }
  return codes;
}

/**
 * The pieces one after the other in an array of length `n` (the piece
 * itself, trimmed, if only one). When the first piece's buffer has room
 * for all of them (the first part of a file read in parts, see parsePart's
 * `roomFor`), the others are appended to it in place.
 */
function concatPieces<T extends Float64Array | Int32Array | Uint8Array>(
  pieces: readonly T[],
  n: number,
  make: { new (length: number): T; new (buffer: ArrayBuffer, offset: number, length: number): T },
): T {
  const first = pieces[0];
  if (pieces.length === 1) return trimmed(first);
  const room = (first.buffer.byteLength - first.byteOffset) / first.BYTES_PER_ELEMENT;
  const inPlace = first.buffer instanceof ArrayBuffer && room >= n;
  const out = inPlace ? new make(first.buffer as ArrayBuffer, first.byteOffset, n) : new make(n);
  let offset = inPlace ? first.length : 0;
  for (const p of inPlace ? pieces.slice(1) : pieces) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * `a` with a buffer of its own length: a view of a column's growth buffer
 * (which has room for more rows) is copied out, so the buffer can go.
 */
function trimmed<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  return a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

/** Count without trailing empty fields (trailing delimiters are not extra columns). */
function trimmedLength(fields: readonly string[], count: number): number {
  let k = count;
  while (k > 0 && fields[k - 1].trim() === '') k--;
  return k;
}

/**
 * Labels that depend on values seen after the sample: an integer column with
 * a fraction becomes decimal; a date column with a time of day, datetime.
 */
function refineNumericType(
  type: ColumnInference['type'],
  values: Float64Array,
): 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' {
  // Indexed loops: for…of over a typed array was a visible cost at 1 M rows.
  if (type === 'integer') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === v && !Number.isInteger(v)) return 'decimal';
    }
  }
  if (type === 'date') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === v && v % DAY_MS !== 0) return 'datetime';
    }
  }
  return type as 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime';
}
