// Excel workbooks (.xlsx) → typed DataTable. Runs in the ingest worker and in
// Node tests, through read-excel-file's `universal` build (no Node or DOM
// APIs: its unzip and SAX XML parser are plain JavaScript).
//
// Cells keep the type Excel gave them: numbers, booleans, and dates (cells
// whose number format is a date format arrive as Date objects, in UTC);
// except that an integer beyond ±(2^53 − 1) written in full stays text
// (exactNumber), so its column keeps every digit.
// String cells go through the CSV inference; see ./cells.ts for how a column
// of mixed kinds is decided. Excel error values (#N/A, #DIV/0!) are missing.
//
// Memory: an .xlsx is a zip of XML, so the library unzips the whole file and
// holds every sheet's rows as JS values before we type them. That costs far
// more than the file's size (roughly 50–100 bytes per cell); a sheet at
// Excel's own limit of 1,048,576 rows × 20 columns needs about 2 GB, more
// than a browser tab gets. We add no row limit of our own: the practical
// limit is memory, and users with such sheets should save them as CSV.

import readXlsxFile from 'read-excel-file/universal';
import { columnNames } from '../columnNames';
import type { IngestWarning } from '../ingestTypes';
import { isWideInteger, type ColumnInference } from '../infer';
import { EngineError, type Column, type DataTable, type Progress } from '../table';
import { cellToText, columnFromCells, type Cell } from './cells';

export interface XlsxOptions {
  /** Sheet name; default the first sheet with any cell. */
  sheet?: string;
  /** Whether the first row holds the column names; 'auto' means yes. */
  header?: 'auto' | boolean;
}

export interface XlsxResult {
  table: DataTable;
  inference: ColumnInference[];
  warnings: IngestWarning[];
  /** Every sheet's name, in workbook order. */
  sheets: string[];
  /** The sheet that was read. */
  sheet: string;
}

const REPORT_EVERY_ROWS = 10_000;

/**
 * Reads one sheet of a workbook. Throws EngineError xlsx.invalid,
 * xlsx.sheet-not-found, file.empty and file.no-rows.
 */
export async function readXlsx(
  blob: Blob,
  options: XlsxOptions,
  progress: Progress,
): Promise<XlsxResult> {
  let workbook: { sheet: string; data: unknown[][] }[];
  try {
    workbook = (await readXlsxFile(blob, { parseNumber: exactNumber })) as unknown as {
      sheet: string;
      data: unknown[][];
    }[];
  } catch (error) {
    throw new EngineError('xlsx.invalid', {
      reason: error instanceof Error ? error.message.slice(0, 200) : String(error),
    });
  }
  const sheets = workbook.map((s) => s.sheet);
  const chosen =
    options.sheet === undefined
      ? workbook.find((s) => s.data.some((row) => row.some((c) => !blank(c as Cell))))
      : workbook.find((s) => s.sheet === options.sheet);
  if (!chosen) {
    if (options.sheet !== undefined) {
      throw new EngineError('xlsx.sheet-not-found', {
        sheet: options.sheet,
        sheets: sheets.join(', '),
      });
    }
    throw new EngineError('file.empty');
  }

  // Rows that are wholly empty (spacing rows) are skipped; `sourceRows` keeps
  // the sheet row number (1-based, as Excel shows it) of each kept row.
  const rows: Cell[][] = [];
  const sourceRows: number[] = [];
  let width = 0;
  chosen.data.forEach((row, r) => {
    const cells = (row as Cell[]).map(fixDate);
    let w = cells.length;
    while (w > 0 && blank(cells[w - 1])) w--;
    if (w === 0) return;
    width = Math.max(width, w);
    rows.push(cells);
    sourceRows.push(r + 1);
  });
  if (rows.length === 0) throw new EngineError('file.empty');

  const warnings: IngestWarning[] = [];
  const header = options.header !== false;
  let names: string[];
  let first = 0;
  if (header) {
    const raw = Array.from({ length: width }, (_, j) => {
      const c = rows[0][j];
      return blank(c) ? '' : cellToText(c);
    });
    names = columnNames(raw, warnings);
    first = 1;
  } else {
    names = Array.from({ length: width }, (_, j) => `column_${j + 1}`);
  }
  const rowCount = rows.length - first;
  if (rowCount === 0) throw new EngineError('file.no-rows');

  const columnsCells: Cell[][] = names.map(() => new Array<Cell>(rowCount));
  for (let i = 0; i < rowCount; i++) {
    const row = rows[first + i];
    for (let j = 0; j < width; j++) columnsCells[j][i] = j < row.length ? row[j] : null;
    if ((i + 1) % REPORT_EVERY_ROWS === 0) await progress.report(i + 1, rowCount);
  }
  const rowOf = (i: number) => sourceRows[first + i];
  const columns: Column[] = [];
  const inference: ColumnInference[] = [];
  names.forEach((name, j) => {
    const built = columnFromCells(name, columnsCells[j], warnings, rowOf);
    columns.push(built.column);
    inference.push(built.inference);
  });
  await progress.report(rowCount, rowCount);
  return { table: { rowCount, columns }, inference, warnings, sheets, sheet: chosen.sheet };
}

/**
 * A number cell's text, as read-excel-file hands it to a parseNumber
 * option: a whole number beyond ±(2^53 − 1) written out in full (openpyxl
 * and pandas write Python integers so) stays text, so that its digits
 * survive (./cells.ts keeps such a column as strings, with a warning); any
 * other is the number. (Excel itself stores at most 15 digits: its long
 * numbers are already rounded in the file, and read as numbers.)
 */
function exactNumber(text: string): number | string {
  const v = Number(text);
  return /^-?\d+$/.test(text) && isWideInteger(v) ? text : v;
}

function blank(cell: Cell): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

/**
 * read-excel-file converts a date serial with Math.floor((serial − epoch) ×
 * 86 400 000), so a time such as 23:59:59, whose serial is not exact in
 * binary, comes out as 23:59:58.999. Excel shows times to the second unless
 * formatted otherwise: a value within 1 ms of a whole second is that second.
 */
function fixDate(cell: Cell): Cell {
  if (!(cell instanceof Date)) return cell;
  const ms = cell.getTime();
  const second = Math.round(ms / 1000) * 1000;
  return Math.abs(ms - second) <= 1 && ms !== second ? new Date(second) : cell;
}
