// Records → typed columns, for one pass over a file or for one part of it
// (./ingest.ts drives it with the tokenizer's records). Without a plan it
// keeps the first SAMPLE_ROWS records as strings, decides the dialect,
// names and types from them (the plan), then moves them and every later
// record into typed sinks (./sinks.ts); with a plan it types from the first
// record. A value that does not parse under its column's type demotes the
// column to strings. Pure; runs in the compute worker and in Node tests.

import {
  DEFAULT_PARSE_OPTIONS,
  CsvTokenizer,
  detectDialect,
  sameRecord,
  separatorLine,
  type Delimiter,
  type ParseOptions,
} from './csv';
import { columnNames, MAX_COLUMNS } from './columnNames';
import {
  firstWideInteger,
  inferColumn,
  isMissing,
  missingMarkers,
  missingMarkersWarning,
  parseBoolean,
  valueParser,
  WIDE_INTEGERS,
  wideIntegersWarning,
  type ColumnInference,
} from './infer';
import {
  SAMPLE_ROWS,
  type DelimitedPlan,
  type IngestWarning,
  type PartColumn,
  type PartOptions,
  type PartResult,
} from './ingestTypes';
import { createSinks, NumberSink, StringSink } from './sinks';
import { EngineError, type Column, type NumericColumnType } from './table';

/** How a TableBuilder starts: from a sample of the file, or with a plan. */
export type BuilderOptions =
  | {
      /** Reading a file from its start: the sample decides dialect, names and types. */
      parse: ParseOptions;
      /** Where the head's warnings go (column names). */
      warnings: IngestWarning[];
      /** Bytes of the file, to size the columns once the sample is typed (0: the sample alone). */
      sizeFor: number;
      /** Bytes read from the file so far. */
      bytesRead: () => number;
    }
  | {
      /** A part of a file whose plan is known: typed from its first record. */
      plan: DelimitedPlan;
      part: PartOptions;
      /** Bytes of text the columns are sized for. */
      sizeFor: number;
    };

/** Collects records: a sample first (unless given a plan), then typed columns. */
export class TableBuilder {
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
  /** Records to skip at the start: a `sep=` line, and a planned part's header. */
  private skipLeading = 0;
  /** The header record as written, to drop its repeats; header0 is its first field. */
  private header: string[] | null = null;
  private header0 = '';
  private repeatedHeaders = 0;
  /** The file starts with a `sep=` line (see separatorLine). */
  private sepLine = false;
  /** The record being typed, and per decimal column its first rounded whole number (see watchRounding). */
  private currentRow = 0;
  private readonly rounded: ({ row: number; value: string } | undefined)[] = [];
  private firstRepeatedHeader = 0;

  private readonly parse: ParseOptions;
  private readonly warnings: IngestWarning[];
  private readonly sizeFor: number;
  private readonly bytesRead: () => number;
  private readonly planned: { plan: DelimitedPlan; part: PartOptions } | null;

  constructor(options: BuilderOptions) {
    this.sizeFor = options.sizeFor;
    if ('plan' in options) {
      // Typed from the plan: the parse options, head warnings and file
      // position only serve the sample, which a planned part has not.
      this.planned = { plan: options.plan, part: options.part };
      this.parse = DEFAULT_PARSE_OPTIONS;
      this.warnings = [];
      this.bytesRead = () => 0;
    } else {
      this.planned = null;
      this.parse = options.parse;
      this.warnings = options.warnings;
      this.bytesRead = options.bytesRead;
    }
  }

  /** Decides the dialect from the first text and returns the tokenizer. */
  start(text: string, complete: boolean): CsvTokenizer {
    if (this.planned) return this.startPlanned(this.planned.plan, this.planned.part);
    if (text.trim() === '') throw new EngineError('file.empty');
    // Excel's `sep=;` line names the delimiter; the tokenizer skips it as a
    // record (so rows are still lines of the file), detection never sees it.
    const sep = separatorLine(text);
    const rest = sep ? text.slice(sep.length) : text;
    if (sep) {
      this.skipLeading = 1;
      this.sepLine = true;
      const line = `sep=${sep.delimiter === '\t' ? '\\t' : sep.delimiter}`;
      this.warnings.push({ code: 'csv.sep-line', params: { line } });
    }
    const chosen = this.parse.delimiter !== 'auto' ? this.parse.delimiter : sep?.delimiter;
    const detected =
      chosen === undefined || this.parse.header === 'auto' ? detectDialect(rest, complete) : null;
    const delimiter = chosen ?? detected!.delimiter;
    let header: boolean;
    if (this.parse.header !== 'auto') header = this.parse.header;
    else if (delimiter === detected!.delimiter) header = detected!.header;
    else header = detectDialect(rest, complete, delimiter).header;
    this.dialect = { delimiter, header };
    // Excel hides its sep= line: rows are counted from the next one (see ./csv.ts).
    const tokenizer = new CsvTokenizer(
      delimiter,
      (fields, count, row) => this.record(fields, count, row),
      sep ? 1 : 0,
    );
    this.tokenizer = tokenizer;
    tokenizer.push(text);
    return tokenizer;
  }

  private startPlanned(plan: DelimitedPlan, part: PartOptions): CsvTokenizer {
    this.plan = plan;
    this.dialect = plan.dialect;
    this.names = plan.names;
    this.width = plan.names.length;
    const capacity = Math.ceil((1.1 * this.sizeFor) / Math.max(plan.charsPerRecord, 1)) + 16;
    this.sinks = createSinks(plan, capacity, { attached: part.attached });
    this.watchRounding();
    if (plan.header) this.setHeader(plan.header);
    if (part.first) this.skipLeading = (plan.sepLine ? 1 : 0) + (plan.dialect.header ? 1 : 0);
    const tokenizer = new CsvTokenizer(
      plan.dialect.delimiter,
      (fields, count, row) => this.record(fields, count, row),
      part.first && plan.sepLine ? 1 : 0,
    );
    this.tokenizer = tokenizer;
    if (this.skipLeading === 0) this.typedFromHere();
    return tokenizer;
  }

  /** Later records come as spans of the text. */
  private typedFromHere(): void {
    this.tokenizer!.useSpans((text, starts, ends, strings, n, r) =>
      this.addSpans(text, starts, ends, strings, n, r),
    );
  }

  private setHeader(header: string[]): void {
    this.header = header;
    this.header0 = header[0] ?? '';
  }

  /** A header row repeated as data: dropped and counted. */
  private isRepeatedHeader(fields: string[], count: number, row: number): boolean {
    if (this.header === null || !sameRecord(fields, count, this.header)) return false;
    if (this.repeatedHeaders++ === 0) this.firstRepeatedHeader = row;
    return true;
  }

  private record(fields: string[], count: number, row: number): void {
    if (this.skipLeading > 0) {
      if (--this.skipLeading === 0 && this.planned) this.typedFromHere();
      return;
    }
    // Refused before anything is made of its columns (see MAX_COLUMNS).
    if (count > MAX_COLUMNS) {
      throw new EngineError('file.too-many-columns', { columns: count, max: MAX_COLUMNS });
    }
    if (this.names === null && this.dialect!.header) {
      this.setHeader(fields.slice(0, count));
      this.names = columnNames(this.header!, this.warnings);
      this.width = count;
      return;
    }
    if (this.isRepeatedHeader(fields, count, row)) return;
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
    // A repeated header: its first field is the header's (checked in place,
    // after a BOM if any), then the rest.
    if (this.header !== null && count > 0) {
      const h0 = this.header0;
      let s0 = starts[0];
      if (s0 >= 0 && s0 < ends[0] && text.charCodeAt(s0) === 0xfeff) s0++;
      if (
        s0 >= 0
          ? ends[0] - s0 === h0.length && text.startsWith(h0, s0)
          : fields[0].replace(/^\uFEFF/, '') === h0
      ) {
        const strings: string[] = [];
        for (let k = 0; k < count; k++) {
          strings.push(starts[k] >= 0 ? text.slice(starts[k], ends[k]) : fields[k]);
        }
        if (this.isRepeatedHeader(strings, count, row)) return;
      }
    }
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
    this.currentRow = row;
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
    const markers: { name: string; markers: string[] }[] = [];
    this.names.forEach((name, j) => {
      const values = this.sample.map((r) => (j < r.length ? r[j] : ''));
      const inferred = inferColumn(name, values, { delimiter, dateOrder: this.parse.dateOrder });
      inference.push(inferred);
      markers.push({ name, markers: missingMarkers(values) });
      if (inferred.evidence === WIDE_INTEGERS) {
        const k = firstWideInteger(values);
        this.warnings.push(wideIntegersWarning(name, this.sampleRows[k], values[k]));
      }
      mostlyDistinct.push(valueParser(inferred) === null && isMostlyDistinct(values));
      const words: [string, string] = ['true', 'false'];
      if (inferred.type === 'boolean') {
        words[0] = values.find((v) => parseBoolean(v) === 1)?.trim() ?? 'true';
        words[1] = values.find((v) => parseBoolean(v) === 0)?.trim() ?? 'false';
      }
      booleanWords.push(words);
    });
    // The sample's markers: a file's first SAMPLE_ROWS rows show its habits.
    const markerWarning = missingMarkersWarning(markers);
    if (markerWarning) this.warnings.push(markerWarning);
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
      sepLine: this.sepLine,
      ...(this.header ? { header: this.header } : {}),
    };
    this.sinks = createSinks(this.plan, this.expectedRows());
    this.watchRounding();
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
    if (rows < SAMPLE_ROWS || this.bytesRead() >= this.sizeFor) return Math.max(rows, 16);
    return Math.ceil((1.1 * this.sizeFor) / Math.max(this.plan!.charsPerRecord, 1));
  }

  private addRow(fields: string[], count: number, row: number): void {
    this.currentRow = row;
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

  /**
   * Decimal columns note their first whole number beyond 2^53 and its row
   * (the record being added, currentRow), for ingest.decimal-rounded.
   */
  private watchRounding(): void {
    this.sinks!.forEach((sink, j) => {
      if (!(sink instanceof NumberSink) || sink.inference.type !== 'decimal') return;
      sink.onRounded = (value) => {
        this.rounded[j] = { row: this.currentRow, value };
      };
    });
  }

  private demote(j: number, value: string, row: number): void {
    const old = this.sinks![j] as NumberSink;
    const sink = new StringSink(old.values.length, { demotedFrom: old });
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
   * The columns as parsed so far, as views of the rows read (trimmed
   * when assembled, see concatPieces in ./assemble.ts); the builder lets
   * go of them.
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
      repeatedHeaders: this.repeatedHeaders,
      firstRepeatedHeader: this.firstRepeatedHeader,
      rounded: this.plan!.names.map((_, j) => this.rounded[j] ?? null),
      columns,
    };
  }
}

/** At least half of the values that are not missing are distinct (and some are present). */
function isMostlyDistinct(values: readonly string[]): boolean {
  const present = values.filter((v) => !isMissing(v));
  return present.length > 0 && 2 * new Set(present).size >= present.length;
}

/** Count without trailing empty fields (trailing delimiters are not extra columns). */
export function trimmedLength(fields: readonly string[], count: number): number {
  let k = count;
  while (k > 0 && fields[k - 1].trim() === '') k--;
  return k;
}
