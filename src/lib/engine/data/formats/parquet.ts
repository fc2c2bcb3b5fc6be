// Apache Parquet → typed DataTable. Runs in the ingest worker and in Node
// tests, with hyparquet (pure JS) and the decompressors of
// hyparquet-compressors (snappy, gzip, zstd, brotli, lz4).
//
// The file is read through an AsyncBuffer over the Blob, one row group at a
// time, so only the footer and the current row group's bytes are in memory
// beside the typed columns being filled.
//
// Types come from the schema, not from the values:
//   BOOLEAN → boolean; INT32/INT64 → integer; FLOAT/DOUBLE/FLOAT16 → decimal;
//   DECIMAL → decimal; DATE → date; TIMESTAMP (ms/µs/ns) and INT96 → datetime
//   (epoch ms, floored; wall-clock timestamps without a zone are read as UTC,
//   as in the CSV path); STRING/UTF8/ENUM/UUID → strings, classified as
//   categorical / identifier / text like CSV strings but never re-parsed as
//   numbers: the writer said they are strings.
// An INT64 column holding a value beyond ±2^53 cannot be a double without
// losing digits; such columns are large ids in practice, so they are read as
// strings with their exact digits (warning parquet.int64-as-text).
// Nested columns (LIST, MAP, STRUCT, repeated fields) are kept as their
// values' JSON text, as the JSON reader keeps objects and arrays, with one
// warning naming them (parquet.nested-as-text): the flat columns beside them
// load. TIME/INTERVAL/geometry are refused.
// hyparquet's own error text never reaches the user: a file it cannot read
// is parquet.invalid.

import {
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
  type SchemaElement,
  type SchemaTree,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { columnNames } from '../columnNames';
import type { IngestWarning } from '../ingestTypes';
import { WIDE_INTEGERS, type ColumnInference } from '../infer';
import {
  EngineError,
  type Column,
  type DataTable,
  type NumericColumnType,
  type Progress,
} from '../table';
import { StringColumnBuilder } from './cells';
import { DAY_MS } from '../../units';

export interface ParquetResult {
  table: DataTable;
  inference: ColumnInference[];
  warnings: IngestWarning[];
}

const MAX_EXACT = 2 ** 53;

/** Reads a whole file. Throws EngineError parquet.invalid, parquet.type-unsupported and file.no-rows. */
export async function readParquet(blob: Blob, progress: Progress): Promise<ParquetResult> {
  const file: AsyncBuffer = {
    byteLength: blob.size,
    slice: (start, end) => blob.slice(start, end).arrayBuffer(),
  };
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch {
    throw new EngineError('parquet.invalid');
  }
  const tree = parquetSchema(metadata);
  if (!chunksMatchSchema(metadata, tree)) throw new EngineError('parquet.invalid');
  const fields = tree.children;
  const rowCount = Number(metadata.num_rows);
  if (rowCount === 0) throw new EngineError('file.no-rows');

  const warnings: IngestWarning[] = [];
  const names = columnNames(
    fields.map((f) => f.element.name),
    warnings,
  );
  const sinks = fields.map((f, j) => sinkFor(f, names[j], rowCount));
  const byField = new Map(fields.map((f, j) => [f.element.name, sinks[j]]));

  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    try {
      await parquetRead({
        file,
        metadata,
        compressors,
        parsers: PARSERS,
        rowStart,
        rowEnd,
        onChunk: (chunk) => {
          const sink = byField.get(chunk.columnName)!;
          const from = Math.max(chunk.rowStart, rowStart);
          const to = Math.min(chunk.rowEnd, rowEnd);
          const data = chunk.columnData as ArrayLike<unknown>;
          for (let i = from; i < to; i++) sink.set(i, data[i - chunk.rowStart]);
        },
      });
    } catch (error) {
      if (error instanceof EngineError) throw error;
      throw new EngineError('parquet.invalid');
    }
    rowStart = rowEnd;
    await progress.report(rowStart, rowCount);
  }

  const nested = sinks.filter((s) => s instanceof NestedSink).map((s) => s.name);
  if (nested.length > 0) {
    warnings.push({ code: 'parquet.nested-as-text', params: { columns: nested.join(', ') } });
  }
  const columns: Column[] = [];
  const inference: ColumnInference[] = [];
  for (const sink of sinks) {
    const built = sink.build(warnings);
    columns.push(built.column);
    inference.push(built.inference);
  }
  return { table: { rowCount, columns }, inference, warnings };
}

/**
 * Whether every row group holds exactly one chunk per leaf column of the
 * schema, under the leaf's path, and the top-level names are distinct. A
 * damaged footer can break this; hyparquet would then decode a chunk no
 * column awaits, and its failure would escape as an unhandled rejection.
 */
function chunksMatchSchema(metadata: FileMetaData, tree: SchemaTree): boolean {
  const leaves = new Set<string>();
  const collect = (node: SchemaTree) => {
    if (node.children.length === 0) leaves.add(node.path.join('.'));
    else for (const child of node.children) collect(child);
  };
  for (const child of tree.children) collect(child);
  const names = new Set(tree.children.map((c) => c.element.name));
  if (names.size !== tree.children.length) return false;
  return metadata.row_groups.every((group) => {
    const paths = new Set<string>();
    for (const chunk of group.columns) {
      const path = chunk.meta_data?.path_in_schema.join('.');
      if (path === undefined || !leaves.has(path) || paths.has(path)) return false;
      paths.add(path);
    }
    return paths.size === leaves.size;
  });
}

/**
 * Dates and timestamps as epoch ms numbers rather than Date objects. Integer
 * division by 10^3 / 10^6 is floored, so an instant before 1970 is not
 * rounded towards the epoch.
 */
const PARSERS = {
  timestampFromMilliseconds: (ms: bigint) => Number(ms),
  timestampFromMicroseconds: (us: bigint) => Number(floorDiv(us, 1000n)),
  timestampFromNanoseconds: (ns: bigint) => Number(floorDiv(ns, 1_000_000n)),
  dateFromDays: (days: number) => days * DAY_MS,
};

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

interface Sink {
  set(i: number, value: unknown): void;
  build(warnings: IngestWarning[]): { column: Column; inference: ColumnInference };
}

/** The column sink for one top-level field, or an error for what we cannot hold. */
function sinkFor(field: SchemaTree, name: string, rowCount: number): Sink {
  const e = field.element;
  if (field.children.length > 0 || e.repetition_type === 'REPEATED') {
    return new NestedSink(name, rowCount);
  }
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  const unsupported = () =>
    new EngineError('parquet.type-unsupported', {
      column: name,
      type: logical ?? converted ?? e.type ?? '?',
    });
  if (logical === 'DECIMAL' || converted === 'DECIMAL') return new DecimalSink(name, rowCount, e);
  if (logical === 'DATE' || converted === 'DATE')
    return new NumberSink(name, rowCount, 'date', 'parquet-date');
  if (
    logical === 'TIMESTAMP' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    e.type === 'INT96'
  ) {
    return new NumberSink(name, rowCount, 'datetime', 'parquet-timestamp');
  }
  if (logical === 'TIME' || converted === 'TIME_MILLIS' || converted === 'TIME_MICROS')
    throw unsupported();
  if (
    logical === 'STRING' ||
    logical === 'ENUM' ||
    logical === 'UUID' ||
    converted === 'UTF8' ||
    converted === 'ENUM'
  ) {
    return new TextSink(name, rowCount);
  }
  switch (e.type) {
    case 'BOOLEAN':
      return new NumberSink(name, rowCount, 'boolean', 'parquet-boolean');
    case 'INT32':
    case 'INT64':
      if (logical !== undefined && logical !== 'INTEGER') throw unsupported();
      if (converted !== undefined && !/^U?INT_/.test(converted)) throw unsupported();
      return new IntegerSink(name, rowCount);
    case 'FLOAT':
    case 'DOUBLE':
      return new NumberSink(name, rowCount, 'decimal', 'parquet-float');
    case 'FIXED_LEN_BYTE_ARRAY':
      if (logical === 'FLOAT16') return new NumberSink(name, rowCount, 'decimal', 'parquet-float');
      throw unsupported();
    case 'BYTE_ARRAY':
      // Plain BYTE_ARRAY without a logical type: hyparquet decodes it as UTF-8.
      if (logical === undefined && converted === undefined) return new TextSink(name, rowCount);
      throw unsupported();
    default:
      throw unsupported();
  }
}

class NumberSink implements Sink {
  readonly values: Float64Array;
  constructor(
    readonly name: string,
    rowCount: number,
    readonly type: NumericColumnType,
    readonly evidence: string,
  ) {
    this.values = new Float64Array(rowCount);
  }

  set(i: number, value: unknown): void {
    this.values[i] = value === null || value === undefined ? NaN : Number(value);
  }

  build(): { column: Column; inference: ColumnInference } {
    let missing = 0;
    for (const v of this.values) if (v !== v) missing++;
    return {
      column: { kind: 'number', name: this.name, type: this.type, values: this.values },
      inference: { type: this.type, evidence: this.evidence, missing, invalid: 0 },
    };
  }
}

/**
 * hyparquet scales a DECIMAL's unscaled integer by multiplying with 10^-scale,
 * which is not correctly rounded (1200.50 may come out as 1200.5000000000002).
 * Recovering the integer and dividing by the exact power of ten gives the
 * double nearest to the written decimal whenever the unscaled value has at
 * most 15 digits (precision ≤ 15, the usual money columns).
 */
class DecimalSink extends NumberSink {
  private readonly power: number;
  constructor(name: string, rowCount: number, element: SchemaElement) {
    super(name, rowCount, 'decimal', 'parquet-decimal');
    this.power = 10 ** (element.scale ?? 0);
  }

  override set(i: number, value: unknown): void {
    if (value === null || value === undefined) {
      this.values[i] = NaN;
      return;
    }
    const v = Number(value);
    const unscaled = Math.round(v * this.power);
    this.values[i] = Math.abs(unscaled) < MAX_EXACT ? unscaled / this.power : v;
  }
}

class TextSink implements Sink {
  private readonly builder: StringColumnBuilder;
  constructor(
    readonly name: string,
    rowCount: number,
  ) {
    this.builder = new StringColumnBuilder(rowCount);
  }

  set(i: number, value: unknown): void {
    if (value === null || value === undefined) this.builder.set(i, null);
    else this.builder.set(i, typeof value === 'string' ? value : JSON.stringify(value));
  }

  build(): { column: Column; inference: ColumnInference } {
    return this.builder.build(this.name);
  }
}

/**
 * A LIST, MAP or STRUCT column (hyparquet assembles each row's value as
 * arrays and objects): its JSON text, in a text column. INT64 inside come as
 * bigint, which JSON.stringify refuses: a safe one is written as a number,
 * a wider one as its digits in quotes, so none is rounded.
 */
class NestedSink extends TextSink {
  override set(i: number, value: unknown): void {
    super.set(i, value === null || value === undefined ? null : JSON.stringify(value, jsonValue));
  }

  override build(): { column: Column; inference: ColumnInference } {
    const built = super.build();
    return {
      column: { ...built.column, type: 'text' } as Column,
      inference: { ...built.inference, type: 'text', evidence: 'parquet-nested' },
    };
  }
}

function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : String(value);
  }
  if (value instanceof Uint8Array) return Array.from(value);
  return value;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** INT32/INT64; switches to exact-digit strings at the first value beyond ±2^53. */
class IntegerSink implements Sink {
  private readonly values: Float64Array;
  private text: StringColumnBuilder | null = null;
  private firstWide = -1;
  constructor(
    readonly name: string,
    private readonly rowCount: number,
  ) {
    this.values = new Float64Array(rowCount);
  }

  set(i: number, value: unknown): void {
    if (value === null || value === undefined) {
      if (this.text) this.text.set(i, null);
      else this.values[i] = NaN;
      return;
    }
    if (this.text) {
      this.text.set(i, String(value));
      return;
    }
    const v = Number(value);
    if (Math.abs(v) > MAX_EXACT || (typeof value === 'bigint' && BigInt(v) !== value)) {
      this.toText(i);
      this.text!.set(i, String(value));
      return;
    }
    this.values[i] = v;
  }

  /** Rows before `i` held exact integers: render them as digits. */
  private toText(i: number): void {
    this.firstWide = i;
    this.text = new StringColumnBuilder(this.rowCount);
    for (let k = 0; k < i; k++) {
      const v = this.values[k];
      this.text.set(k, v === v ? String(v) : null);
    }
  }

  build(warnings: IngestWarning[]): { column: Column; inference: ColumnInference } {
    if (this.text) {
      warnings.push({
        code: 'parquet.int64-as-text',
        params: { column: this.name, row: this.firstWide + 1 },
      });
      return this.text.build(this.name, WIDE_INTEGERS);
    }
    let missing = 0;
    for (const v of this.values) if (v !== v) missing++;
    return {
      column: { kind: 'number', name: this.name, type: 'integer', values: this.values },
      inference: { type: 'integer', evidence: 'parquet-integer', missing, invalid: 0 },
    };
  }
}
