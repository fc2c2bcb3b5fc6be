// The one entry point from a user's file to a typed DataTable, whatever its
// format. Runs in the ingest worker (the ingest-file handler) and in Node tests.
//
// The format is taken from the option when the user chose one; otherwise
// from the file's first bytes, which do not lie about binary formats:
//   PK\x03\x04 (a zip) → xlsx; 'PAR1' → parquet; the OLE2 signature of an
//   old binary .xls → refused with advice (file.xls-unsupported);
//   '[' followed by '{' or ']' → a JSON array of records (these in the
//   head's text: UTF-16 and UTF-32, by BOM or NUL pattern, decoded first);
//   '{' whose first line is a whole JSON object → NDJSON; '{"' or '{}' that
//   is not → a JSON document (refused later if it is not records).
// Then the extension (.xlsx/.xlsm, .parquet, .json, .ndjson/.jsonl); anything
// else is delimited text (./ingest.ts), which also refuses other binary
// content with file.binary. Text sniffing is deliberately strict, so a CSV
// whose first header starts with '[' or '{' is still read as CSV.
//
// Before any of that, containers are unpacked whatever the format chosen
// (./formats/archive.ts): a gzip stream (magic bytes 1f 8b, so a .csv that is
// gzip inside too) and a zip that is not a workbook, holding one data file,
// are replaced by what they hold, under its name; a warning says which file
// of a zip was read. A workbook is a zip too: it goes to the XLSX reader.

import { DEFAULT_PARSE_OPTIONS, type ParseOptions } from './csv';
import { ingestBlob } from './ingest';
import type { IngestResult } from './ingestTypes';
import { ingestInParts, type PartsOptions } from './parts';
import { EngineError, type Progress } from './table';
import { decodeSample, wideEncoding } from './decode';
import { readJsonArray, readNdjson } from './formats/json';
import {
  ARCHIVE_LIMITS,
  gunzip,
  isGzip,
  isWorkbook,
  isZip,
  unzipDataFile,
  zipEntries,
} from './formats/archive';
import type { IngestWarning } from './ingestTypes';

export type FileFormat = 'delimited' | 'xlsx' | 'parquet' | 'json' | 'ndjson';

export interface ReadOptions extends ParseOptions {
  format: 'auto' | FileFormat;
  /** XLSX: the sheet to read; default the first sheet with any cell. */
  sheet?: string;
}

/**
 * IngestResult for every format. `dialect` is only there for delimited text;
 * `encoding` is the text encoding the file was decoded with (UTF-8 for XLSX
 * and Parquet, whose specifications require it for strings).
 */
export type ReadResult = Omit<IngestResult, 'dialect'> & {
  dialect?: IngestResult['dialect'];
  format: FileFormat;
  /** XLSX: every sheet's name, and the one read. */
  sheets?: string[];
  sheet?: string;
};

/** Bytes looked at to decide the format. */
const SNIFF_BYTES = 64 * 1024;

const EXTENSIONS: Record<string, FileFormat> = {
  xlsx: 'xlsx',
  xlsm: 'xlsx',
  parquet: 'parquet',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
};

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const PARQUET = [0x50, 0x41, 0x52, 0x31]; // 'PAR1'
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * The format of a file from its first bytes (up to 64 KiB) and its name.
 * The JSON sniff reads the head as text: UTF-16 and UTF-32 (by their BOM or
 * NUL pattern, see wideEncoding) decoded as such, anything else as UTF-8
 * (its BOM dropped), so a JSON file saved as UTF-16 is JSON whatever its name.
 * Throws EngineError file.xls-unsupported for an old binary Excel file.
 */
export function detectFormat(head: Uint8Array, fileName: string): FileFormat {
  if (startsWith(head, OLE2)) throw new EngineError('file.xls-unsupported');
  if (startsWith(head, ZIP)) return 'xlsx';
  if (startsWith(head, PARQUET)) return 'parquet';
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const byName = EXTENSIONS[extension];

  const text = decodeSample(head, wideEncoding(head) ?? 'utf-8');
  let i = 0;
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  let next = i + 1;
  while (next < text.length && isJsonSpace(text.charCodeAt(next))) next++;
  const second = text.charCodeAt(next);
  if (first === 0x5b /* [ */ && (second === 0x7b /* { */ || second === 0x5d) /* ] */) return 'json';
  if (first === 0x7b /* { */) {
    if (byName === 'ndjson' || byName === 'json') return byName;
    if (firstLineIsObject(text.slice(i))) return 'ndjson';
    if (second === 0x22 /* " */ || second === 0x7d /* } */) return 'json';
  }
  return byName ?? 'delimited';
}

function firstLineIsObject(text: string): boolean {
  const end = text.indexOf('\n');
  if (end < 0) return false;
  try {
    const value: unknown = JSON.parse(text.slice(0, end));
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Reads a file of any supported format into a typed table, reporting
 * progress (bytes for text formats, rows for XLSX and row groups for
 * Parquet). Errors are EngineErrors from the format's reader. With `parts`,
 * large delimited files are read in parts at once (./parts.ts).
 */
export async function readFile(
  file: Blob,
  fileName: string,
  options: Partial<ReadOptions>,
  progress: Progress,
  parts: PartsOptions | null = null,
): Promise<ReadResult> {
  const { format: chosen = 'auto', sheet, ...parse } = options;
  const unpacked = await unpack(file, fileName, chosen, progress);
  const result = await readUnpacked(
    unpacked.blob,
    unpacked.name,
    chosen,
    sheet,
    parse,
    progress,
    parts,
  );
  result.warnings.unshift(...unpacked.warnings);
  return result;
}

/**
 * The data file inside any containers, with its name; the file itself when
 * it is in none. Throws EngineError archive.too-deep past the nesting limit,
 * and what ./formats/archive.ts throws.
 */
async function unpack(
  file: Blob,
  fileName: string,
  chosen: ReadOptions['format'],
  progress: Progress,
): Promise<{ blob: Blob; name: string; warnings: IngestWarning[] }> {
  let blob = file;
  let name = fileName;
  const warnings: IngestWarning[] = [];
  for (let depth = 0; ; depth++) {
    if (blob.size === 0) return { blob, name, warnings };
    const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
    const gzip = isGzip(head);
    if (!gzip && !(isZip(head) && chosen !== 'xlsx')) return { blob, name, warnings };
    let inner: { blob: Blob; name: string };
    if (gzip) {
      if (depth === ARCHIVE_LIMITS.maxDepth) throw tooDeep(name);
      inner = { blob: await gunzip(blob, name, progress), name: name.replace(/\.gz(ip)?$/i, '') };
    } else {
      const entries = await zipEntries(blob);
      if (isWorkbook(entries)) return { blob, name, warnings };
      if (depth === ARCHIVE_LIMITS.maxDepth) throw tooDeep(name);
      inner = await unzipDataFile(blob, entries, progress);
      warnings.push({ code: 'archive.read-entry', params: { entry: inner.name } });
    }
    blob = inner.blob;
    name = inner.name;
  }
}

function tooDeep(name: string): EngineError {
  return new EngineError('archive.too-deep', { entry: name, depth: ARCHIVE_LIMITS.maxDepth });
}

async function readUnpacked(
  file: Blob,
  fileName: string,
  chosen: ReadOptions['format'],
  sheet: string | undefined,
  parse: Partial<ParseOptions>,
  progress: Progress,
  parts: PartsOptions | null,
): Promise<ReadResult> {
  const parseOptions = { ...DEFAULT_PARSE_OPTIONS, ...parse };
  let format: FileFormat;
  if (chosen !== 'auto') format = chosen;
  else {
    if (file.size === 0) throw new EngineError('file.empty');
    const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
    format = detectFormat(head, fileName);
  }
  switch (format) {
    case 'delimited': {
      const result = parts
        ? await ingestInParts(file, parse, progress, parts)
        : await ingestBlob(file, parse, progress);
      return { ...result, format };
    }
    // The XLSX and Parquet readers (unzip, XML, decompressors: ~300 kB) are
    // loaded on first use, so the worker starts without them.
    case 'xlsx': {
      const { readXlsx } = await import('./formats/xlsx');
      const result = await readXlsx(file, { sheet, header: parseOptions.header }, progress);
      return { ...result, encoding: 'utf-8', format };
    }
    case 'parquet': {
      const { readParquet } = await import('./formats/parquet');
      const result = await readParquet(file, progress);
      return { ...result, encoding: 'utf-8', format };
    }
    case 'json':
      return { ...(await readJsonArray(file, parseOptions, progress)), format };
    case 'ndjson':
      return { ...(await readNdjson(file, parseOptions, progress)), format };
  }
}
