// Writing a DataTable out as CSV (chunked text) or XLSX. Pure; runs in the
// compute worker (the page turns the chunks or the Blob into a download) and
// in Node tests.
//
// Numbers keep their precision but not their floating-point noise: each is
// written as its shortest decimal after rounding a non-integer to 15
// significant digits (../decimal.ts states the rule and why it loses nothing
// that was in the data), so a mean of 100.5 is written 100.5, not
// 100.50000000000001.

import writeXlsxFile, { type Cell, type Row } from 'write-excel-file/universal';
import { decimalText, withoutNoise } from '../decimal';
import { EngineError, cellText, type Column, type DataTable } from './table';

export interface CsvOptions {
  /** Field separator; default ','. */
  delimiter?: ',' | ';' | '\t' | '|';
  /** Start with a UTF-8 byte-order mark, so Excel reads non-ASCII text correctly. */
  bom?: boolean;
}

/** Characters per yielded chunk, roughly: large enough to be cheap, small enough to stream. */
const CHUNK_CHARS = 1 << 16;

/**
 * The table as RFC 4180 CSV, in chunks: header row, CRLF line ends, a field
 * quoted (quotes doubled) when it holds the delimiter, a quote, CR or LF, or
 * starts or ends with a space. Missing values are empty; dates are
 * yyyy-mm-dd and datetimes ISO 8601 UTC; booleans true/false; numbers as
 * decimalText writes them (shortest form, without noise; Infinity as is).
 */
export function* tableToCsv(table: DataTable, options: CsvOptions = {}): Generator<string> {
  const delimiter = options.delimiter ?? ',';
  const quote = (s: string) =>
    s.includes(delimiter) ||
    s.includes('"') ||
    s.includes('\n') ||
    s.includes('\r') ||
    s.startsWith(' ') ||
    s.endsWith(' ')
      ? `"${s.replaceAll('"', '""')}"`
      : s;
  // Quote each dictionary entry once rather than per row.
  const fields = table.columns.map((c): ((i: number) => string) => {
    if (c.kind === 'string') {
      const quoted = c.dictionary.map(quote);
      return (i) => (c.codes[i] < 0 ? '' : quoted[c.codes[i]]);
    }
    if (c.type === 'integer' || c.type === 'decimal') {
      return (i) => (Number.isNaN(c.values[i]) ? '' : decimalText(c.values[i]));
    }
    return (i) => cellText(c, i);
  });
  let chunk =
    (options.bom ? '\uFEFF' : '') +
    table.columns.map((c) => quote(c.name)).join(delimiter) +
    '\r\n';
  const width = fields.length;
  for (let i = 0; i < table.rowCount; i++) {
    let line = '';
    for (let j = 0; j < width; j++) line += (j === 0 ? '' : delimiter) + fields[j](i);
    chunk += line + '\r\n';
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Excel's sheet limits (rows include the header row). */
export const XLSX_MAX_ROWS = 1_048_576;
export const XLSX_MAX_COLUMNS = 16_384;

/**
 * The table as an .xlsx workbook with one sheet: a header row, numbers as
 * numbers (without noise, see the header; ±Infinity, which a spreadsheet
 * number cannot hold, as the text the CSV export writes), dates as Excel
 * dates (yyyy-mm-dd, datetimes yyyy-mm-dd hh:mm:ss, in UTC), booleans as
 * booleans, missing as empty cells. Throws
 * export.too-many-rows / export.too-many-columns beyond Excel's limits.
 */
export async function tableToXlsx(table: DataTable, sheet = 'Data'): Promise<Blob> {
  if (table.rowCount + 1 > XLSX_MAX_ROWS) {
    throw new EngineError('export.too-many-rows', { rows: table.rowCount, max: XLSX_MAX_ROWS - 1 });
  }
  if (table.columns.length > XLSX_MAX_COLUMNS) {
    throw new EngineError('export.too-many-columns', {
      columns: table.columns.length,
      max: XLSX_MAX_COLUMNS,
    });
  }
  const header: Row = table.columns.map((c) => ({
    value: c.name,
    type: String,
    fontWeight: 'bold',
  }));
  const cells = table.columns.map(cellWriter);
  const data: Row[] = [header];
  for (let i = 0; i < table.rowCount; i++) data.push(cells.map((cell) => cell(i)));
  return writeXlsxFile(data, { sheet: sheet.slice(0, 31), stickyRowsCount: 1 }).toBlob();
}

function cellWriter(column: Column): (i: number) => Cell {
  if (column.kind === 'string') {
    const { codes, dictionary } = column;
    return (i) => (codes[i] < 0 ? null : { value: dictionary[codes[i]], type: String });
  }
  const { values, type } = column;
  if (type === 'date' || type === 'datetime') {
    const format = type === 'date' ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm:ss';
    return (i) =>
      Number.isNaN(values[i]) ? null : { value: new Date(values[i]), type: Date, format };
  }
  if (type === 'boolean') {
    return (i) => (Number.isNaN(values[i]) ? null : { value: values[i] !== 0, type: Boolean });
  }
  return (i) => {
    const v = values[i];
    if (Number.isNaN(v)) return null;
    if (!Number.isFinite(v)) return { value: String(v), type: String };
    return { value: withoutNoise(v), type: Number };
  };
}
