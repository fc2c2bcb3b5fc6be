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
import { DAY_MS } from '../units';

export const DEFAULT_ROWS_PER_CHUNK = 65536;

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
  /** Per column, buffers reused by every chunk (see Scratch). */
  private readonly scratch: Scratch[] = [];

  encode(columns: readonly TableColumn[], start: number, end: number): Uint8Array {
    const arrow = columns.map((c, j) => {
      const scratch = (this.scratch[j] ??= new Scratch());
      const encoded =
        c.kind === 'string'
          ? encodeStrings(c, start, end, scratch)
          : encodeNumbers(c, start, end, scratch);
      return [c.name, encoded] as [string, ArrowColumn<unknown>];
    });
    const ipc = tableToIPC(tableFromColumns(arrow), { format: 'stream' });
    if (!ipc) throw new Error('Arrow encoder returned no bytes');
    return ipc;
  }
}

/**
 * One column's buffers for encoding a chunk, kept from chunk to chunk: the
 * IPC writer copies them into the chunk's bytes, so the next chunk may
 * overwrite them. Allocated per chunk, they were ~60 MB of short-lived
 * buffers for the bench file (keys of 7 string columns, Int32 values of 8
 * integer and date columns), and garbage collection was a fifth of the time
 * it took to encode it (Node 20).
 */
class Scratch {
  private validityBits = new Uint8Array(0);
  private int32 = new Int32Array(0);
  private bytes = new Uint8Array(0);
  private keyList = new Int32Array(0);
  /** Global code → chunk code, -1 = not yet: as long as the dictionary, left all -1. */
  private remapBuffer = new Int32Array(0);

  /** `bytes` bytes of validity bitmap, every bit set (present). */
  validity(bytes: number): Uint8Array {
    if (this.validityBits.length < bytes) this.validityBits = new Uint8Array(bytes);
    return this.validityBits.subarray(0, bytes).fill(0xff);
  }

  ints(n: number): Int32Array {
    if (this.int32.length < n) this.int32 = new Int32Array(n);
    return this.int32.subarray(0, n);
  }

  /** `n` zero bytes. */
  zeros(n: number): Uint8Array {
    if (this.bytes.length < n) this.bytes = new Uint8Array(n);
    return this.bytes.subarray(0, n).fill(0);
  }

  /** Room for the chunk codes in use (apart from ints(): both are needed at once). */
  used(n: number): Int32Array {
    if (this.keyList.length < n) this.keyList = new Int32Array(n);
    return this.keyList;
  }

  remap(size: number): Int32Array {
    const old = this.remapBuffer;
    if (old.length >= size) return old;
    // A growing dictionary: double, so a column of distinct values is not reallocated per chunk.
    return (this.remapBuffer = new Int32Array(Math.max(size, 2 * old.length)).fill(-1));
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
 * Validity bitmap (bit set = present) of numbers, or an empty one when none
 * is missing (NaN).
 */
function numbersValidity(values: Float64Array, scratch: Scratch): [Uint8Array, number] {
  let bits: Uint8Array | null = null;
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === values[i]) continue;
    // The first missing value sets up the bitmap with every bit set (present).
    bits ??= scratch.validity((values.length + 7) >> 3);
    bits[i >> 3] &= ~(1 << (i & 7));
    nullCount++;
  }
  return bits === null ? [new Uint8Array(0), 0] : [bits, nullCount];
}

/** The same for string codes (missing: negative); apart, so each loop sees one array type. */
function codesValidity(codes: Int32Array, scratch: Scratch): [Uint8Array, number] {
  let bits: Uint8Array | null = null;
  let nullCount = 0;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] >= 0) continue;
    bits ??= scratch.validity((codes.length + 7) >> 3);
    bits[i >> 3] &= ~(1 << (i & 7));
    nullCount++;
  }
  return bits === null ? [new Uint8Array(0), 0] : [bits, nullCount];
}

/**
 * Rows [start, end) of a numeric column in the narrowest Arrow type that
 * holds every value exactly: one pass checks each value and writes it in
 * that type, and gives up (Float64) at the first that does not fit.
 */
function encodeNumbers(
  column: NumericColumn,
  start: number,
  end: number,
  scratch: Scratch,
): ArrowColumn<unknown> {
  const values = column.values.subarray(start, end);
  const [validity, nullCount] = numbersValidity(values, scratch);
  const narrow = narrowed(column.type, values, scratch);
  // Float64: the column's own memory (the IPC writer copies it); NaN under a null bit.
  const [type, data] = narrow ?? [float64(), values];
  return new ArrowColumn([batch(type, values.length, nullCount, validity, data)], type);
}

/** A type narrower than Float64 and the values in it, or null when some value does not fit. */
function narrowed(
  type: NumericColumn['type'],
  values: Float64Array,
  scratch: Scratch,
): [DataType, ArrayBufferView] | null {
  const n = values.length;
  switch (type) {
    case 'integer': {
      const ints = scratch.ints(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== v) ints[i] = 0;
        else if ((v | 0) === v && !isNegativeZero(v)) ints[i] = v;
        else return null;
      }
      return [int32(), ints];
    }
    case 'date': {
      const days = scratch.ints(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== v) {
          days[i] = 0;
          continue;
        }
        const d = v / DAY_MS;
        if (v % DAY_MS === 0 && (d | 0) === d && !isNegativeZero(v)) days[i] = d;
        else return null;
      }
      return [dateDay(), days];
    }
    case 'boolean': {
      const bits = scratch.zeros((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === 1) bits[i >> 3] |= 1 << (i & 7);
        else if (v !== 0 && v === v) return null;
      }
      return [bool(), bits];
    }
    case 'datetime': {
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === v && (!Number.isSafeInteger(v) || isNegativeZero(v))) return null;
      }
      const ms = new BigInt64Array(n);
      for (let i = 0; i < n; i++) if (values[i] === values[i]) ms[i] = BigInt(values[i]);
      return [timestamp(TimeUnit.MILLISECOND), ms];
    }
    case 'decimal':
      return null;
  }
}

/** -0: only Float64 keeps its sign, so such a chunk stays Float64. */
function isNegativeZero(v: number): boolean {
  return v === 0 && 1 / v < 0;
}

const utf8Encoder = new TextEncoder();

/**
 * A chunk of a string column as a dictionary batch holding only the strings
 * the chunk uses, in order of first use.
 */
function encodeStrings(
  column: StringColumn,
  start: number,
  end: number,
  scratch: Scratch,
): ArrowColumn<unknown> {
  const { codes, dictionary: dict } = column;
  const n = end - start;
  const remap = scratch.remap(dict.length);
  const keys = scratch.ints(n);
  const used = scratch.used(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[start + i];
    if (c < 0) {
      keys[i] = 0;
      continue;
    }
    let k = remap[c];
    if (k < 0) {
      k = remap[c] = count;
      used[count++] = c;
    }
    keys[i] = k;
  }
  const [validity, nullCount] = codesValidity(codes.subarray(start, end), scratch);
  const local = new Array<string>(count);
  for (let k = 0; k < count; k++) {
    local[k] = dict[used[k]];
    remap[used[k]] = -1;
  }

  const type = dictionary(utf8(), int32());
  const { offsets, bytes } = utf8Buffers(local);
  const values = new ArrowColumn([
    batch(type.dictionary, local.length, 0, new Uint8Array(0), bytes, offsets),
  ]);
  // Workaround for flechette (2.6.0): DictionaryBatch.setDictionary() builds
  // the batch's value cache eagerly with dictionary.cache(), i.e.
  // Column.toArray(), which decodes every UTF-8 value back into a string with
  // one TextDecoder.decode call each: for an all-distinct column that was
  // most of the time it took to encode a chunk. The strings are at hand, so
  // seed that cache (Column._cache, the array cache() would return) with
  // them. It can go when flechette builds the cache lazily, on the first
  // value() of the batch, or lets setDictionary() take the decoded values; no
  // upstream issue asks for that yet (none found in uwdata/flechette). Should
  // flechette rename the field, it decodes again: slower, still correct
  // (arrow.test.ts counts the decode calls).
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
 * empty array. Workaround for flechette (2.6.0): its IPC reader
 * (decode/table-from-ipc.js) attaches every dictionary to its batch with
 * DictionaryBatch.setDictionary(), which calls cache() → toArray() at once
 * and so turns each dictionary value into a string with its own
 * `TextDecoder.decode` call: a million distinct ids or e-mails took most of
 * the re-open time in Chromium (it is ~3× slower per call than Node), and we
 * never read that cache (mergeDictionary reads the Utf8 buffers). It can go
 * when setDictionary() leaves the cache to be built on the first value()
 * (or tableFromIPC has an option not to build it); no upstream issue asks
 * for that yet (none found in uwdata/flechette). The original method is
 * restored before returning, even on a throw; arrow.test.ts fails if the
 * patch stops working after an upgrade (it counts TextDecoder calls).
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
