// The engine's in-memory table: columnar, typed and transferable.
// Runs anywhere (Node, worker, page). Every engine function takes and returns
// this shape; storage turns it into chunked Arrow IPC and back (see ./arrow.ts).
//
// Missing values are explicit and cheap: NaN in numeric columns, code -1 in
// string columns. Dates and datetimes are epoch milliseconds (UTC).

/** A column's inferred or user-chosen logical type. */
export type ColumnType =
  'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'categorical' | 'identifier' | 'text';

/** Every column type, in the order the UI lists them. */
export const COLUMN_TYPES = [
  'integer',
  'decimal',
  'boolean',
  'date',
  'datetime',
  'categorical',
  'identifier',
  'text',
] as const satisfies readonly ColumnType[];

export function isColumnType(value: unknown): value is ColumnType {
  return (COLUMN_TYPES as readonly unknown[]).includes(value);
}

export type NumericColumnType = 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime';
export type StringColumnType = 'categorical' | 'identifier' | 'text';

/** Numbers, booleans (0/1) and dates (epoch ms). NaN marks a missing value. */
export interface NumericColumn {
  readonly kind: 'number';
  readonly name: string;
  readonly type: NumericColumnType;
  readonly values: Float64Array;
}

/** Dictionary-encoded strings. Code -1 marks a missing value. */
export interface StringColumn {
  readonly kind: 'string';
  readonly name: string;
  readonly type: StringColumnType;
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type Column = NumericColumn | StringColumn;

export interface DataTable {
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

export const NUMERIC_TYPES: ReadonlySet<ColumnType> = new Set([
  'integer',
  'decimal',
  'boolean',
  'date',
  'datetime',
]);

export function isNumericType(type: ColumnType): type is NumericColumnType {
  return NUMERIC_TYPES.has(type);
}

/** The column called `name`, or an error naming the columns that exist. */
export function getColumn(table: DataTable, name: string): Column {
  const column = table.columns.find((c) => c.name === name);
  if (!column) throw new EngineError('column.not-found', { column: name });
  return column;
}

/** Value of row `i` as a display string ('' when missing). */
export function cellText(column: Column, i: number): string {
  if (column.kind === 'string') {
    const code = column.codes[i];
    return code < 0 ? '' : column.dictionary[code];
  }
  const v = column.values[i];
  if (Number.isNaN(v)) return '';
  if (column.type === 'date') return new Date(v).toISOString().slice(0, 10);
  if (column.type === 'datetime') return new Date(v).toISOString();
  if (column.type === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/**
 * An error the user can act on. `code` is a key of the message catalogue
 * (src/lib/i18n); `params` fill its placeholders (row, column, …). The worker
 * carries it back to the page unchanged, and the UI translates it.
 */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'EngineError';
  }
}

/** Thrown by long computations when their caller asked them to stop. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * How long computations report progress and learn they were cancelled, without
 * depending on the worker. A worker cannot see a cancel message while a
 * synchronous loop runs, so long computations are async and await `report`
 * between units of work (a parsed chunk, a group): the worker's implementation
 * yields to its event loop now and then and throws CancelledError once the
 * request was cancelled. Tests pass `NO_PROGRESS`.
 */
export interface Progress {
  report(done: number, total: number): Promise<void>;
}

export const NO_PROGRESS: Progress = { report: () => Promise.resolve() };
