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
//
// Before the library sees the file, its XML parts are unpacked once with the
// bounds of ./archive.ts (size, ratio) and their element nesting measured
// (MAX_XML_DEPTH): a zip bomb — a small file whose sheet unpacks to hundreds
// of MB, or XML nested deep enough to exhaust the parser's stack — is refused
// in the time it takes to inflate it, with a message, not after the library
// has tried to hold it. Whatever the library still throws is xlsx.invalid
// (its own text is not for users).

import readXlsxFile from 'read-excel-file/universal';
import { columnNames } from '../columnNames';
import type { IngestWarning } from '../ingestTypes';
import {
  isWideInteger,
  missingMarkers,
  missingMarkersWarning,
  roundedWholeWarning,
  type ColumnInference,
} from '../infer';
import { EngineError, type Column, type DataTable, type Progress } from '../table';
import { ARCHIVE_LIMITS, unzipEntry, zipEntries, type ArchiveLimits } from './archive';
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
 * Element nesting allowed in a workbook's XML. A worksheet nests about six
 * deep (worksheet › sheetData › row › c › is › r › t); rich text and
 * extensions add a few.
 */
export const MAX_XML_DEPTH = 64;

/**
 * Reads one sheet of a workbook. Throws EngineError xlsx.invalid,
 * xlsx.sheet-not-found, file.empty, file.no-rows, and those of
 * checkWorkbook.
 */
export async function readXlsx(
  blob: Blob,
  options: XlsxOptions,
  progress: Progress,
): Promise<XlsxResult> {
  await checkWorkbook(blob, progress);
  let workbook: { sheet: string; data: unknown[][] }[];
  try {
    workbook = (await readXlsxFile(blob, { parseNumber: exactNumber })) as unknown as {
      sheet: string;
      data: unknown[][];
    }[];
  } catch {
    throw new EngineError('xlsx.invalid');
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
  const markers: { name: string; markers: string[] }[] = [];
  names.forEach((name, j) => {
    const cells = columnsCells[j];
    // String cells such as "None" or "NA" are missing, as in a CSV file: named in a warning.
    const texts = cells.filter((c): c is string => typeof c === 'string');
    markers.push({ name, markers: texts.length > 0 ? missingMarkers(texts) : [] });
    const built = columnFromCells(name, cells, warnings, rowOf);
    // A whole number beyond 2^53 (kept as text by exactNumber) in a decimal column is rounded: said.
    const rounded = roundedWholeWarning(name, built.inference, cells, rowOf);
    if (rounded) warnings.push(rounded);
    columns.push(built.column);
    inference.push(built.inference);
  });
  const markerWarning = missingMarkersWarning(markers);
  if (markerWarning) warnings.push(markerWarning);
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

/**
 * Unpacks the XML parts read-excel-file would read (*.xml, *.xml.rels), with
 * the archive bounds on each part and on their total, and measures their
 * element nesting. Throws EngineError xlsx.invalid (not a zip), archive.zip-invalid
 * (a damaged part), archive.too-large,
 * archive.ratio, archive.zip-encrypted, archive.zip-method-unsupported and
 * xlsx.too-deep.
 */
export async function checkWorkbook(
  blob: Blob,
  progress: Progress,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
  maxDepth = MAX_XML_DEPTH,
): Promise<void> {
  // A file with no zip directory is no workbook (the user may have chosen
  // the format): that is what the user needs to hear, not that a zip is damaged.
  const entries = await zipEntries(blob).catch((error: unknown) => {
    throw error instanceof EngineError && error.code === 'archive.zip-invalid'
      ? new EngineError('xlsx.invalid')
      : error;
  });
  const parts = entries.filter((e) => e.name.endsWith('.xml') || e.name.endsWith('.xml.rels'));
  const packed = parts.reduce((sum, e) => sum + e.packedSize, 0);
  let before = 0;
  let total = 0;
  for (const entry of parts) {
    const depth = new XmlDepth();
    const partProgress: Progress = {
      report: (done) => progress.report(before + done, packed),
    };
    await unzipEntry(
      blob,
      entry,
      partProgress,
      (piece) => {
        total += piece.byteLength;
        if (total > limits.maxUnpackedBytes) {
          throw new EngineError('archive.too-large', {
            entry: entry.name,
            limit: Math.round(limits.maxUnpackedBytes / (1024 * 1024)),
          });
        }
        if (depth.push(piece) > maxDepth) {
          throw new EngineError('xlsx.too-deep', { entry: entry.name, depth: maxDepth });
        }
      },
      limits,
    );
    before += entry.packedSize;
  }
}

/**
 * The deepest element nesting of XML fed in pieces: counts start tags
 * (not <?…?>, <!…>, or self-closing …/>) against end tags, skipping quoted
 * attribute values. Byte-wise, so pieces may split a tag anywhere.
 */
class XmlDepth {
  private depth = 0;
  private max = 0;
  /** 0 text, 1 just after '<', 2 in a start tag, 3 in an end tag or other markup. */
  private state = 0;
  private quote = 0;
  private previous = 0;

  push(bytes: Uint8Array): number {
    let { depth, max, state, quote, previous } = this;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (state === 0) {
        if (b === 0x3c /* < */) state = 1;
      } else if (state === 1) {
        if (b === 0x2f /* / */ || b === 0x3f /* ? */ || b === 0x21 /* ! */) state = 3;
        else {
          state = 2;
          depth++;
          if (depth > max) max = depth;
        }
        if (b === 0x2f) depth--;
      } else if (quote !== 0) {
        if (b === quote) quote = 0;
      } else if (b === 0x22 /* " */ || b === 0x27 /* ' */) {
        quote = state === 2 ? b : 0;
      } else if (b === 0x3e /* > */) {
        if (state === 2 && previous === 0x2f) depth--;
        state = 0;
      }
      previous = b;
    }
    Object.assign(this, { depth, max, state, quote, previous });
    return max;
  }
}
