// Putting the parts of a delimited file together (one part for a file read
// in one pass): columns concatenated, dictionaries merged in file order, a
// column demoted everywhere when any part demoted it, types refined over all
// values, warnings with rows of the file. Pure; runs in the compute worker
// (./ingest.ts, ./parts.ts) and in Node tests.

import {
  classifyStrings,
  isWideInteger,
  parseNumber,
  valueParser,
  WIDE_INTEGERS,
  wideIntegersWarning,
  type ColumnInference,
} from './infer';
import { appendReport, decodingWarnings, emptyReport } from './decode';
import type { DelimitedPlan, IngestWarning, PartColumn, PartResult } from './ingestTypes';
import { StringInterner } from './interner';
import { renderValue } from './sinks';
import type { Column, DataTable } from './table';
import { DAY_MS } from '../units';

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
 * file's head (see planDelimited); finish() adds the demotions, short rows,
 * repeated headers and unreadable bytes.
 */
export class PartsAssembler {
  private readonly columns: ColumnAssembly[];
  private readonly demotions: { j: number; row: number; value: string }[] = [];
  /** Per column, its first whole number beyond 2^53 rounded by a decimal column (row of the file). */
  private readonly rounded: ({ row: number; value: string } | undefined)[] = [];
  private rows = 0;
  private records = 0;
  private shortRows = 0;
  private firstShortRow = 0;
  private repeatedHeaders = 0;
  private firstRepeatedHeader = 0;
  /** Where the parts added so far held bytes that could not be decoded. */
  private decoding = emptyReport();

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
      const rounded = part.rounded?.[j];
      if (rounded && this.rounded[j] === undefined) {
        this.rounded[j] = { row: offset + rounded.row, value: rounded.value };
      }
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
    if (part.repeatedHeaders > 0 && this.repeatedHeaders === 0) {
      this.firstRepeatedHeader = offset + part.firstRepeatedHeader;
    }
    this.repeatedHeaders += part.repeatedHeaders;
    if (part.decoding) this.decoding = appendReport(this.decoding, part.decoding);
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
      const sampled = plan.inference[j];
      // An integer column demoted by an integer too large to hold exactly says so.
      if (
        sampled.type === 'integer' &&
        isWideInteger(parseNumber(value, sampled.numberStyle ?? 'dot'))
      ) {
        warnings.push(wideIntegersWarning(plan.names[j], row, value));
        continue;
      }
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
    // A decimal column's number beyond 2^53, held rounded: said (also when a
    // later value made the column text, as its earlier values are rendered from the doubles).
    plan.names.forEach((name, j) => {
      const rounded = this.rounded[j];
      if (rounded) {
        warnings.push({
          code: 'ingest.decimal-rounded',
          params: {
            column: name,
            row: rounded.row,
            value: rounded.value.trim().slice(0, 50),
          },
        });
      }
    });
    if (this.shortRows > 0) {
      warnings.push({
        code: 'csv.short-rows',
        params: { count: this.shortRows, row: this.firstShortRow, expected: plan.names.length },
      });
    }
    if (this.repeatedHeaders > 0) {
      warnings.push({
        code: 'csv.repeated-header',
        params: { count: this.repeatedHeaders, row: this.firstRepeatedHeader },
      });
    }
    const said = this.headWarnings.some((w) => w.code === 'encoding.mixed');
    // Lines as rows: Excel's sep= line is not counted (see ./csv.ts).
    warnings.push(...decodingWarnings(plan.encoding, this.decoding, said, plan.sepLine ? 1 : 0));
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
        : {
            ...sampled,
            type,
            // The sample's reason to keep integers as text outlives the classification.
            evidence: sampled.evidence === WIDE_INTEGERS ? WIDE_INTEGERS : classified.evidence,
            missing,
            invalid: 0,
          },
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
 * for all of them (the first part of a file read in parts, see
 * PartOptions.roomFor), the others are appended to it in place.
 */
export function concatPieces<T extends Float64Array | Int32Array | Uint8Array>(
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
