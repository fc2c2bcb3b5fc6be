// The plain-data shapes of reading delimited text (./ingest.ts): its result
// and warnings, the plan that lets parts of a file be read apart, the parts'
// results, and the options a part is read with. Types and one constant only;
// they cross between workers (see ./parts.ts and ../../workers/partPool.ts).

import type { ColumnInference } from './infer';
import type { Delimiter } from './csv';
import type { Column, DataTable } from './table';
import type { DecodingReport } from './decode';

/** Rows kept as strings to infer types from. */
export const SAMPLE_ROWS = 10_000;

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
   * (ids, e-mails, free text), so interned in batches (see StringSink in ./sinks.ts).
   */
  mostlyDistinct: boolean[];
  /** The file's first line is Excel's `sep=` line, skipped with the header (see separatorLine in ./csv.ts). */
  sepLine?: boolean;
  /** The header record as written, so that every part drops its repeats. */
  header?: string[];
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

/** One part of a file, parsed (see parsePart in ./ingest.ts). Plain data with transferable buffers. */
export interface PartResult {
  /** Spreadsheet rows the part spans: records, blank lines and the header. */
  rows: number;
  /** Data records. */
  records: number;
  /** The part ended between two records, outside any quote. */
  atRecordEnd: boolean;
  /** Bytes the decoder could not read (replaced by U+FFFD). */
  replaced: number;
  /** The part's lines, and those holding a U+FFFD (lines count from the part's start). */
  decoding?: DecodingReport;
  shortRows: number;
  /** First short row, within the part. */
  firstShortRow: number;
  /** Records equal to the header (a header repeated as data), dropped. */
  repeatedHeaders: number;
  /** The first of them, within the part. */
  firstRepeatedHeader: number;
  /** Per column, a decimal column's first number beyond 2^53, held rounded (row within the part; see NumberSink.onRounded). */
  rounded?: ({ row: number; value: string } | null)[];
  columns: PartColumn[];
}

/** How one part of a planned file is read (see parsePart in ./ingest.ts). */
export interface PartOptions {
  /**
   * The part starts at the file's first byte: it skips the header record, if
   * any, and drops a byte-order mark. Any other part must start at a record
   * boundary, such as just after a line feed.
   */
  first: boolean;
  /**
   * The part ends at the file's end: it is flushed like a whole file (an
   * open quote is an error). Any other part reports in `atRecordEnd` whether
   * it ended between records.
   */
  last: boolean;
  /**
   * Keep dictionary values as slices of the decoded text instead of copies,
   * for a caller that copies them out anyway (a helper packing its part to
   * send it, workers/partPool.ts); the part then holds its text.
   */
  attached?: boolean;
  /**
   * Bytes of text to size the columns for, when more than the part's: the
   * first part of a file read in parts makes room for the whole file, so
   * that the others are appended to its columns in place (PartsAssembler).
   */
  roomFor?: number;
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
