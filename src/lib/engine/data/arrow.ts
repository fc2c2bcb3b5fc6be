// DataTable ⇄ Arrow IPC, in chunks. Pure; runs in the worker (and in Node tests).
// Storage keeps a dataset as a list of chunks, each a self-contained Arrow IPC
// stream of up to `rowsPerChunk` rows with its own schema and dictionaries, so
// that neither writing nor reading a large table needs one giant allocation
// and storage can write it piece by piece.
//
// Per chunk and column, the narrowest Arrow type that keeps every value
// exactly is chosen (Int32, Bool, Date32, Timestamp(ms)); when a value would
// not survive (a fraction in an 'integer' column, a 2 in a 'boolean' one), the
// chunk falls back to Float64 for that column. Decoding reads any of them back
// into Float64, so the declared column types, not the Arrow types, decide.

import {
  Column as ArrowColumn,
  DateUnit,
  Precision,
  Type,
  TimeUnit,
  batchType,
  bool,
  dateDay,
  dictionary,
  float64,
  int32,
  tableFromColumns,
  tableFromIPC,
  tableToIPC,
  timestamp,
  utf8,
} from '@uwdata/flechette';
import type { Batch, DataType } from '@uwdata/flechette';
import {
  EngineError,
  isNumericType,
  type Column as TableColumn,
  type ColumnType,
  type DataTable,
  type NumericColumn,
  type StringColumn,
} from './table';
import { StringInterner } from './interner';

export const DEFAULT_ROWS_PER_CHUNK = 65536;

const DAY_MS = 86_400_000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Encodes `table` as Arrow IPC streams of at most `rowsPerChunk` rows each (none for an empty table). */
export function tableToIpcChunks(
  table: DataTable,
  rowsPerChunk = DEFAULT_ROWS_PER_CHUNK,
): Uint8Array[] {
  return [...ipcChunks(table, rowsPerChunk)];
}

/**
 * The chunks of tableToIpcChunks, encoded one at a time as they are asked
 * for, so that a writer holds one encoded chunk at a time instead of a
 * second copy of the whole table.
 */
export function ipcChunks(
  table: DataTable,
  rowsPerChunk = DEFAULT_ROWS_PER_CHUNK,
): Generator<Uint8Array> {
  if (!(rowsPerChunk >= 1)) throw new RangeError(`rowsPerChunk must be >= 1, got ${rowsPerChunk}`);
  return encodeChunks(table, rowsPerChunk);
}

function* encodeChunks(table: DataTable, rowsPerChunk: number): Generator<Uint8Array> {
  const encoder = new ChunkEncoder();
  for (let start = 0; start < table.rowCount; start += rowsPerChunk) {
    yield encoder.encode(table.columns, start, Math.min(table.rowCount, start + rowsPerChunk));
  }
}

/**
 * Encodes rows [start, end) of a table's columns as one chunk, a range at a
 * time. The columns may grow between calls, as those of a part of a file
 * being read do (./parts.ts encodes its rows while it parses the next ones);
 * the rows already given must not change.
 */
export class ChunkEncoder {
  /** Per string column, scratch for encodeStrings: as long as its dictionary, all -1. */
  private readonly remaps: Int32Array[] = [];

  encode(columns: readonly TableColumn[], start: number, end: number): Uint8Array {
    const arrow = columns.map(
      (c, j) =>
        [
          c.name,
          c.kind === 'string'
            ? encodeStrings(c, start, end, this.remap(j, c.dictionary.length))
            : encodeNumbers(c, start, end),
        ] as [string, ArrowColumn<unknown>],
    );
    const ipc = tableToIPC(tableFromColumns(arrow), { format: 'stream' });
    if (!ipc) throw new Error('Arrow encoder returned no bytes');
    return ipc;
  }

  private remap(j: number, size: number): Int32Array {
    const old = this.remaps[j];
    if (old && old.length >= size) return old;
    // A growing dictionary: double, so a column of distinct values is not reallocated per chunk.
    return (this.remaps[j] = new Int32Array(Math.max(size, 2 * (old?.length ?? 0))).fill(-1));
  }
}

// The encoders below fill Arrow's buffers (validity bitmap, values, offsets)
// from our typed arrays and wrap them in flechette batches directly: its
// value-by-value builders hash every string and box every number, which was
// most of the time it took to store a large table.

/** One flechette batch (of the class Arrow's reader would make) over ready buffers. */
function batch(
  type: DataType,
  length: number,
  nullCount: number,
  validity: Uint8Array,
  values: ArrayBufferView,
  offsets?: Int32Array,
): Batch<unknown> {
  const BatchClass = batchType(type) as new (options: object) => Batch<unknown>;
  return new BatchClass({ length, nullCount, type, validity, values, offsets });
}

/**
 * Validity bitmap (bit set = present) of `length` values, or an empty one
 * when none is missing: NaN numbers, or negative string codes.
 */
function validityOf(values: Float64Array | Int32Array): [Uint8Array, number] {
  const strings = values instanceof Int32Array;
  let bits: Uint8Array | null = null;
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (strings ? v >= 0 : v === v) continue;
    // The first missing value allocates the bitmap with every bit set (present).
    bits ??= new Uint8Array((values.length + 7) >> 3).fill(0xff);
    bits[i >> 3] &= ~(1 << (i & 7));
    nullCount++;
  }
  return bits === null ? [new Uint8Array(0), 0] : [bits, nullCount];
}

function encodeNumbers(column: NumericColumn, start: number, end: number): ArrowColumn<unknown> {
  const values = column.values.subarray(start, end);
  const n = values.length;
  const type = arrowTypeFor(column.type, values);
  const [validity, nullCount] = validityOf(values);
  let data: ArrayBufferView;
  switch (type.typeId) {
    case Type.Int: {
      const ints = new Int32Array(n);
      for (let i = 0; i < n; i++) ints[i] = values[i] === values[i] ? values[i] : 0;
      data = ints;
      break;
    }
    case Type.Date: {
      const days = new Int32Array(n);
      for (let i = 0; i < n; i++) days[i] = values[i] === values[i] ? values[i] / DAY_MS : 0;
      data = days;
      break;
    }
    case Type.Timestamp: {
      const ms = new BigInt64Array(n);
      for (let i = 0; i < n; i++) if (values[i] === values[i]) ms[i] = BigInt(values[i]);
      data = ms;
      break;
    }
    case Type.Bool: {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (values[i] === 1) bits[i >> 3] |= 1 << (i & 7);
      data = bits;
      break;
    }
    default:
      // Float64: the column's own memory (the IPC writer copies it); NaN under a null bit.
      data = values;
  }
  return new ArrowColumn([batch(type, n, nullCount, validity, data)], type);
}

const utf8Encoder = new TextEncoder();

/**
 * A chunk of a string column as a dictionary batch holding only the strings
 * the chunk uses. `remap` (global code → chunk code, -1 = not yet) is
 * scratch shared by the chunks and left all -1 again on return.
 */
function encodeStrings(
  column: StringColumn,
  start: number,
  end: number,
  remap: Int32Array,
): ArrowColumn<unknown> {
  const { codes, dictionary: dict } = column;
  const n = end - start;
  const keys = new Int32Array(n);
  const used: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = codes[start + i];
    if (c < 0) continue;
    let k = remap[c];
    if (k < 0) {
      k = remap[c] = used.length;
      used.push(c);
    }
    keys[i] = k;
  }
  const [validity, nullCount] = validityOf(codes.subarray(start, end));
  const local = used.map((c) => dict[c]);
  for (const c of used) remap[c] = -1;

  const type = dictionary(utf8(), int32());
  const { offsets, bytes } = utf8Buffers(local);
  const values = new ArrowColumn([
    batch(type.dictionary, local.length, 0, new Uint8Array(0), bytes, offsets),
  ]);
  // setDictionary() builds the batch's value cache with dictionary.cache(),
  // which decodes every UTF-8 value back into a string: for an all-distinct
  // column that was most of the time it took to encode a chunk. The strings
  // are at hand, so seed that cache with them (it is the array cache() would
  // return). Should flechette rename the field, it decodes again: slower,
  // still correct.
  (values as unknown as { _cache?: string[] })._cache = local;
  const keyBatch = batch(type, n, nullCount, validity, keys) as Batch<unknown> & {
    setDictionary(d: ArrowColumn<unknown>): unknown;
  };
  keyBatch.setDictionary(values);
  return new ArrowColumn([keyBatch], type);
}

/** Arrow Utf8 buffers of `strings`: one encode of their concatenation when it is ASCII. */
function utf8Buffers(strings: readonly string[]): { offsets: Int32Array; bytes: Uint8Array } {
  const offsets = new Int32Array(strings.length + 1);
  const joined = strings.join('');
  let bytes = utf8Encoder.encode(joined);
  if (bytes.length === joined.length) {
    // ASCII only: byte offsets are character offsets.
    for (let k = 0; k < strings.length; k++) offsets[k + 1] = offsets[k] + strings[k].length;
    return { offsets, bytes };
  }
  let at = 0;
  const out = new Uint8Array(bytes.length);
  for (let k = 0; k < strings.length; k++) {
    at += utf8Encoder.encodeInto(strings[k], out.subarray(at)).written;
    offsets[k + 1] = at;
  }
  bytes = out;
  return { offsets, bytes };
}

/** The narrowest Arrow type that holds every value of this slice exactly. */
function arrowTypeFor(type: NumericColumn['type'], values: Float64Array): DataType {
  const all = (ok: (v: number) => boolean) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isNaN(v) && !ok(v)) return false;
    }
    return true;
  };
  switch (type) {
    case 'integer':
      return all(
        (v) => Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX && !Object.is(v, -0),
      )
        ? int32()
        : float64();
    case 'boolean':
      return all((v) => v === 0 || v === 1) ? bool() : float64();
    case 'date':
      return all((v) => v % DAY_MS === 0 && Math.abs(v / DAY_MS) <= INT32_MAX && !Object.is(v, -0))
        ? dateDay()
        : float64();
    case 'datetime':
      return all((v) => Number.isSafeInteger(v) && !Object.is(v, -0))
        ? timestamp(TimeUnit.MILLISECOND)
        : float64();
    case 'decimal':
      return float64();
  }
}

/**
 * Decodes chunks written by `tableToIpcChunks` into one DataTable with the
 * given column names and types (from the dataset's metadata). String columns'
 * per-chunk dictionaries are merged into one, in order of first appearance.
 */
export function tableFromIpcChunks(
  chunks: readonly Uint8Array[],
  columns: readonly { name: string; type: ColumnType }[],
): DataTable {
  const decoded = withoutDictionaryCache(() => chunks.map((bytes) => tableFromIPC(bytes)));
  let rowCount = 0;
  for (const [k, t] of decoded.entries()) {
    const names = t.schema.fields.map((f) => f.name);
    if (names.length !== columns.length || names.some((n, j) => n !== columns[j].name)) {
      throw new EngineError('storage.corrupt', {
        chunk: k,
        detail: 'columns differ from metadata',
      });
    }
    rowCount += t.numRows;
  }

  const out = columns.map((spec, j): TableColumn => {
    const parts = decoded.map((t) => t.children[j]);
    return isNumericType(spec.type)
      ? decodeNumeric(spec.name, spec.type, parts, rowCount)
      : decodeStrings(spec.name, spec.type as StringColumn['type'], parts, rowCount);
  });
  return { rowCount, columns: out };
}

const NO_CACHE: readonly unknown[] = Object.freeze([]);

/**
 * Runs `decode` (synchronous) while flechette's `Column.cache()` returns an
 * empty array. flechette's IPC reader calls it on every dictionary it
 * attaches to a batch, which turns each dictionary value into a string with
 * its own `TextDecoder.decode` call: a million distinct ids or e-mails took
 * most of the re-open time in Chromium (it is ~3× slower per call than Node),
 * and we never read that cache (mergeDictionary reads the Utf8 buffers).
 * The original method is restored before returning, even on a throw.
 */
function withoutDictionaryCache<T>(decode: () => T): T {
  const proto = ArrowColumn.prototype as { cache(): unknown };
  const cache = proto.cache;
  proto.cache = () => NO_CACHE;
  try {
    return decode();
  } finally {
    proto.cache = cache;
  }
}

function decodeNumeric(
  name: string,
  type: NumericColumn['type'],
  parts: ArrowColumn<unknown>[],
  rowCount: number,
): NumericColumn {
  const values = new Float64Array(rowCount);
  let row = 0;
  for (const part of parts) {
    if (part.type.typeId === Type.Dictionary) {
      throw new EngineError('storage.corrupt', {
        column: name,
        detail: 'strings in a numeric column',
      });
    }
    for (const b of part.data) {
      decodeNumericBatch(b, values, row);
      row += b.length;
    }
  }
  return { kind: 'number', name, type, values };
}

/**
 * Copies one batch into `out` from `row` on, reading Arrow's buffers directly
 * for the types tableToIpcChunks writes (a value-by-value read boxes every
 * number); any other type goes through flechette's own accessor.
 */
function decodeNumericBatch(b: Batch<unknown>, out: Float64Array, row: number): void {
  const { type, length } = b;
  const raw = b.values as ArrayLike<number | bigint> | undefined;
  const isDay = type.typeId === Type.Date && (type as { unit: number }).unit === DateUnit.DAY;
  const direct =
    raw !== undefined &&
    ((type.typeId === Type.Float &&
      (type as { precision: number }).precision === Precision.DOUBLE) ||
      (type.typeId === Type.Int && (type as { bitWidth: number }).bitWidth === 32) ||
      isDay);
  if (direct) {
    // TypedArray.set converts Int32 to Float64 natively.
    out.set((raw as Float64Array | Int32Array).subarray(0, length), row);
    if (isDay) for (let i = row; i < row + length; i++) out[i] *= DAY_MS;
  } else if (type.typeId === Type.Timestamp && raw instanceof BigInt64Array) {
    const unit = (type as { unit: number }).unit;
    const perMs = unit === TimeUnit.SECOND ? 1000 : unit === TimeUnit.MILLISECOND ? 1 : NaN;
    if (perMs !== perMs) {
      for (let i = 0; i < length; i++) out[row + i] = toNumber(b.at(i));
    } else {
      for (let i = 0; i < length; i++) out[row + i] = Number(raw[i]) * perMs;
    }
  } else {
    for (let i = 0; i < length; i++) out[row + i] = toNumber(b.at(i));
    return;
  }
  // Missing values: the validity bitmap has a clear bit.
  const validity = b.validity;
  if (b.nullCount > 0 && validity && validity.length > 0) {
    for (let i = 0; i < length; i++) {
      if ((validity[i >> 3] & (1 << (i & 7))) === 0) out[row + i] = NaN;
    }
  }
}

function toNumber(v: unknown): number {
  return v == null ? NaN : Number(v);
}

/** The parts of a flechette DictionaryBatch we read: its keys and its own dictionary. */
interface DictionaryBatchView {
  length: number;
  nullCount: number;
  validity: Uint8Array | undefined;
  /** The keys. */
  values: ArrayLike<number>;
  dictionary: ArrowColumn<string>;
}

function decodeStrings(
  name: string,
  type: StringColumn['type'],
  parts: ArrowColumn<unknown>[],
  rowCount: number,
): StringColumn {
  const codes = new Int32Array(rowCount);
  // Distinct values are at most the chunk dictionaries' total length.
  let dictionaryLengths = 0;
  for (const part of parts) {
    for (const b of part.data) {
      dictionaryLengths += (b as unknown as Partial<DictionaryBatchView>).dictionary?.length ?? 0;
    }
  }
  const merged = new StringInterner(dictionaryLengths);
  let row = 0;
  for (const part of parts) {
    if (part.type.typeId !== Type.Dictionary) {
      throw new EngineError('storage.corrupt', {
        column: name,
        detail: 'numbers in a string column',
      });
    }
    for (const b of part.data) {
      const batch = b as unknown as DictionaryBatchView;
      // Map this chunk's dictionary onto the merged one once, then rows are array lookups.
      const remap = mergeDictionary(batch.dictionary, merged);
      // The keys buffer and validity bitmap, read directly (see decodeNumericBatch).
      remapKeys(batch, remap, codes, row);
      row += batch.length;
    }
  }
  return { kind: 'string', name, type, codes, dictionary: merged.values };
}

/**
 * Writes one batch's merged codes into `codes` from `row` on (-1 = missing).
 * Two plain loops over typed arrays, so the common case (no missing value)
 * tests nothing per row.
 */
function remapKeys(batch: DictionaryBatchView, remap: Int32Array, codes: Int32Array, row: number) {
  const n = batch.length;
  const keys = batch.values;
  const out = codes.subarray(row, row + n);
  for (let i = 0; i < n; i++) out[i] = remap[keys[i]];
  const validity = batch.validity;
  if (batch.nullCount > 0 && validity && validity.length > 0) {
    // A missing value's key is whatever the writer left there (0 for ours): overwrite it.
    for (let i = 0; i < n; i++) if ((validity[i >> 3] & (1 << (i & 7))) === 0) out[i] = -1;
  }
}

const utf8Decoder = new TextDecoder();

/**
 * Interns a chunk's dictionary into `merged`; returns chunk code → merged
 * code. An all-ASCII Utf8 buffer is decoded with one TextDecoder call and
 * interned by offsets, so a value already known costs no string at all and
 * a new one is a slice of that text (kept attached: the text is the chunk's
 * dictionary, so it holds nothing the table does not need, and copying each
 * value out cost more than the rest of the merge); anything else goes value
 * by value through flechette.
 */
function mergeDictionary(dict: ArrowColumn<string>, merged: StringInterner): Int32Array {
  const remap = new Int32Array(dict.length);
  const only = dict.data.length === 1 ? (dict.data[0] as Batch<string>) : null;
  const offsets = only?.offsets as Int32Array | undefined;
  const bytes = only?.values as Uint8Array | undefined;
  if (
    only &&
    only.nullCount === 0 &&
    offsets instanceof Int32Array &&
    bytes instanceof Uint8Array
  ) {
    const first = offsets[0];
    const last = offsets[dict.length];
    const text = utf8Decoder.decode(bytes.subarray(first, last));
    if (text.length === last - first) {
      for (let k = 0; k < dict.length; k++) {
        remap[k] = merged.intern(text, offsets[k] - first, offsets[k + 1] - first, true);
      }
      return remap;
    }
  }
  const local = dict.toArray() as ArrayLike<string | null>;
  for (let k = 0; k < local.length; k++) remap[k] = merged.internString(local[k] ?? '');
  return remap;
}
