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
  Type,
  TimeUnit,
  bool,
  columnFromValues,
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
import type { Column as ArrowColumn, DataType } from '@uwdata/flechette';
import {
  EngineError,
  isNumericType,
  type Column,
  type ColumnType,
  type DataTable,
  type NumericColumn,
  type StringColumn,
} from './table';

export const DEFAULT_ROWS_PER_CHUNK = 65536;

const DAY_MS = 86_400_000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Encodes `table` as Arrow IPC streams of at most `rowsPerChunk` rows each (none for an empty table). */
export function tableToIpcChunks(
  table: DataTable,
  rowsPerChunk = DEFAULT_ROWS_PER_CHUNK,
): Uint8Array[] {
  if (!(rowsPerChunk >= 1)) throw new RangeError(`rowsPerChunk must be >= 1, got ${rowsPerChunk}`);
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < table.rowCount; start += rowsPerChunk) {
    const end = Math.min(table.rowCount, start + rowsPerChunk);
    const columns = table.columns.map(
      (c) => [c.name, encodeColumn(c, start, end)] as [string, ArrowColumn<unknown>],
    );
    const ipc = tableToIPC(tableFromColumns(columns), { format: 'stream' });
    if (!ipc) throw new Error('Arrow encoder returned no bytes');
    chunks.push(ipc);
  }
  return chunks;
}

function encodeColumn(column: Column, start: number, end: number): ArrowColumn<unknown> {
  if (column.kind === 'string') {
    const { codes, dictionary: dict } = column;
    // Each chunk carries only the strings it uses: the builder dictionary-encodes anew.
    return columnFromValues(
      (visit) => {
        for (let i = start; i < end; i++) visit(codes[i] < 0 ? null : dict[codes[i]]);
      },
      dictionary(utf8(), int32()),
    );
  }
  const values = column.values.subarray(start, end);
  return columnFromValues(
    (visit) => {
      for (let i = 0; i < values.length; i++) visit(Number.isNaN(values[i]) ? null : values[i]);
    },
    arrowTypeFor(column.type, values),
  );
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
  const decoded = chunks.map((bytes) => tableFromIPC(bytes));
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

  const out = columns.map((spec, j): Column => {
    const parts = decoded.map((t) => t.children[j]);
    return isNumericType(spec.type)
      ? decodeNumeric(spec.name, spec.type, parts, rowCount)
      : decodeStrings(spec.name, spec.type as StringColumn['type'], parts, rowCount);
  });
  return { rowCount, columns: out };
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
    for (const batch of part.data) {
      for (let i = 0; i < batch.length; i++) {
        const v = batch.at(i);
        values[row++] = v == null ? NaN : Number(v);
      }
    }
  }
  return { kind: 'number', name, type, values };
}

/** The parts of a flechette DictionaryBatch we read: its keys and its own dictionary. */
interface DictionaryBatchView {
  length: number;
  isValid(index: number): boolean;
  key(index: number): number;
  dictionary: ArrowColumn<string>;
}

function decodeStrings(
  name: string,
  type: StringColumn['type'],
  parts: ArrowColumn<unknown>[],
  rowCount: number,
): StringColumn {
  const codes = new Int32Array(rowCount);
  const dictionary: string[] = [];
  const codeOf = new Map<string, number>();
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
      const local = batch.dictionary.toArray() as ArrayLike<string | null>;
      const remap = new Int32Array(local.length);
      for (let k = 0; k < local.length; k++) {
        const s = local[k] ?? '';
        let code = codeOf.get(s);
        if (code === undefined) {
          code = dictionary.length;
          dictionary.push(s);
          codeOf.set(s, code);
        }
        remap[k] = code;
      }
      const nullable = (b as { nullCount: number }).nullCount > 0;
      for (let i = 0; i < batch.length; i++) {
        codes[row++] = nullable && !batch.isValid(i) ? -1 : remap[batch.key(i)];
      }
    }
  }
  return { kind: 'string', name, type, codes, dictionary };
}
