// Typed cells → one typed column, for the formats whose values already carry
// a type (XLSX cells, JSON values). Pure; runs in the ingest worker and in
// Node tests.
//
// The rule, shared by XLSX and JSON so a column reads the same whichever the
// file: cells of one kind (all numbers, all booleans, all dates) give that
// column type directly. As soon as strings take part, every cell is turned
// into text (numbers, booleans and dates canonically) and goes through the
// CSV inference (./../infer.ts), so '是/否', '¥1,200.50' and '2024-01-05'
// written as text read as they would in a CSV file. When the strings do not
// all parse under the kind of the typed cells, the column becomes strings
// and a warning names the first value that did not fit, as the CSV ingest's
// demotion does. Integers beyond ±(2^53 − 1) that arrive as text (XLSX and
// JSON readers keep them so) make their column strings with their digits,
// and a warning (ingest.integers-as-text), as in a CSV file. Unlike the CSV path, inference sees every value (not a
// leading sample): the values are in memory already.

import {
  classifyStrings,
  firstWideInteger,
  inferColumn,
  isMissing,
  parseBoolean,
  parseDate,
  parseNumber,
  valueParser,
  WIDE_INTEGERS,
  wideIntegersWarning,
  type ColumnInference,
} from '../infer';
import type { IngestWarning } from '../ingestTypes';
import { dictionaryEncode, StringInterner } from '../interner';
import type { Column, NumericColumnType } from '../table';
import { DAY_MS } from '../../units';

export type Cell = string | number | boolean | Date | null | undefined;

export interface BuiltColumn {
  column: Column;
  inference: ColumnInference;
}

type Kind = 'number' | 'boolean' | 'date';

/** A typed cell's kind; null for missing cells and strings. */
function kindOf(cell: Cell): Kind | null {
  if (typeof cell === 'number') return cell === cell ? 'number' : null;
  if (typeof cell === 'boolean') return 'boolean';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : 'date';
  return null;
}

function isMissingCell(cell: Cell): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === 'string') return isMissing(cell);
  return kindOf(cell) === null;
}

/** Epoch ms as the CSV ingest renders dates: '2024-01-05' or '2024-01-05 10:31:07'. */
export function renderDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  if (ms % DAY_MS === 0) return iso.slice(0, 10);
  return iso.replace('T', ' ').replace(/\.000Z$|Z$/, '');
}

/** A non-missing cell as text. */
export function cellToText(cell: Cell): string {
  if (cell instanceof Date) return renderDate(cell.getTime());
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return String(cell);
}

/** Does `s` parse as a value of `kind` in any of the CSV notations? */
function textFits(s: string, kind: Kind): boolean {
  switch (kind) {
    case 'number':
      return parseNumber(s) === parseNumber(s);
    case 'boolean':
      return parseBoolean(s) === parseBoolean(s);
    case 'date':
      return (['ymd', 'dmy', 'mdy', 'cjk', 'compact'] as const).some(
        (f) => !Number.isNaN(parseDate(s, f)),
      );
  }
}

/**
 * One column from its cells. `rowOf(i)` is the row number the user sees for
 * cell i (for warnings). `forceText`: store every value as text (JSON
 * columns holding objects or arrays).
 */
export function columnFromCells(
  name: string,
  cells: readonly Cell[],
  warnings: IngestWarning[],
  rowOf: (i: number) => number,
  forceText = false,
): BuiltColumn {
  const n = cells.length;
  const counts = { number: 0, boolean: 0, date: 0 };
  let strings = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const cell = cells[i];
    if (isMissingCell(cell)) missing++;
    else if (typeof cell === 'string') strings++;
    else counts[kindOf(cell)!]++;
  }
  const kinds = (Object.keys(counts) as Kind[]).filter((k) => counts[k] > 0);

  if (!forceText && strings === 0 && kinds.length <= 1) {
    return typedColumn(name, cells, kinds[0] ?? null, missing);
  }

  const texts = cells.map((c) => (isMissingCell(c) ? '' : cellToText(c)));
  let wide = false;
  if (!forceText) {
    const inference = inferColumn(name, texts);
    // Integers beyond ±(2^53 − 1) written as text (or kept as text by the
    // readers, see ./xlsx.ts and ./json.ts): strings, with a warning.
    wide = inference.evidence === WIDE_INTEGERS;
    const parse = valueParser(inference);
    if (parse) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = texts[i] === '' ? NaN : parse(texts[i]);
      const column = { kind: 'number', name, type: inference.type, values } as Column;
      return { column, inference: { ...inference, missing, invalid: 0 } };
    }
  }

  // Strings. If typed cells took part, the column was meant to be of their
  // (most frequent) kind: count and report the cells that did not fit it.
  let main: Kind | null = null;
  for (const k of kinds) if (main === null || counts[k] > counts[main]) main = k;
  let invalid = 0;
  let first = -1;
  if (main !== null && !forceText) {
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      if (isMissingCell(cell) || kindOf(cell) === main) continue;
      if (typeof cell === 'string' && textFits(cell, main)) continue;
      if (invalid++ === 0) first = i;
    }
  }
  const { codes, dictionary } = dictionaryEncode(n, (i) =>
    isMissingCell(cells[i]) ? null : texts[i],
  );
  const demoted = first >= 0;
  const classified = classifyStrings(name, dictionary, n - missing);
  let type = classified.type;
  // As in the CSV ingest: a demoted column held measurements, not keys.
  if (forceText || (demoted && type === 'identifier')) type = 'text';
  if (demoted) {
    const mainType = main === 'number' ? 'decimal' : main!;
    warnings.push({
      code: 'ingest.column-demoted',
      params: {
        column: name,
        row: rowOf(first),
        value: cellToText(cells[first]).slice(0, 50),
        type: mainType,
      },
    });
  }
  if (wide) {
    const k = firstWideInteger(texts);
    warnings.push(wideIntegersWarning(name, rowOf(k), texts[k]));
  }
  const evidence = forceText
    ? 'nested-values'
    : demoted
      ? 'demoted'
      : wide
        ? WIDE_INTEGERS
        : classified.evidence;
  return {
    column: { kind: 'string', name, type, codes, dictionary },
    inference: { type, evidence, missing, invalid },
  };
}

function typedColumn(
  name: string,
  cells: readonly Cell[],
  kind: Kind | null,
  missing: number,
): BuiltColumn {
  const n = cells.length;
  const values = new Float64Array(n);
  let integral = true;
  let midnight = true;
  for (let i = 0; i < n; i++) {
    const cell = cells[i];
    let v = NaN;
    if (typeof cell === 'number') {
      v = cell;
      if (v === v && !Number.isInteger(v)) integral = false;
    } else if (typeof cell === 'boolean') {
      v = cell ? 1 : 0;
    } else if (cell instanceof Date) {
      v = cell.getTime();
      if (v === v && v % DAY_MS !== 0) midnight = false;
    }
    values[i] = v;
  }
  let type: NumericColumnType;
  let evidence: string;
  switch (kind) {
    case null:
      [type, evidence] = ['decimal', 'all-missing'];
      break;
    case 'number':
      [type, evidence] = [integral ? 'integer' : 'decimal', 'typed-number'];
      break;
    case 'boolean':
      [type, evidence] = ['boolean', 'typed-boolean'];
      break;
    case 'date':
      [type, evidence] = [midnight ? 'date' : 'datetime', 'typed-date'];
      break;
  }
  return {
    column: { kind: 'number', name, type, values },
    inference: { type, evidence, missing, invalid: 0 },
  };
}

/**
 * Dictionary-encodes a column of strings that a typed format declared as
 * strings (Parquet UTF8): classified as categorical / identifier / text like
 * CSV strings, never re-parsed as numbers or dates. Blank strings are missing.
 */
export class StringColumnBuilder {
  private readonly interner = new StringInterner();
  readonly dictionary: string[] = this.interner.values;
  readonly codes: Int32Array;
  missing = 0;

  constructor(readonly rowCount: number) {
    this.codes = new Int32Array(rowCount);
  }

  set(i: number, text: string | null): void {
    if (text === null || text.trim() === '') {
      this.codes[i] = -1;
      this.missing++;
      return;
    }
    this.codes[i] = this.interner.internString(text);
  }

  build(name: string, evidence?: string): BuiltColumn {
    const classified = classifyStrings(name, this.dictionary, this.rowCount - this.missing);
    const type = classified.type;
    return {
      column: { kind: 'string', name, type, codes: this.codes, dictionary: this.dictionary },
      inference: {
        type,
        evidence: evidence ?? classified.evidence,
        missing: this.missing,
        invalid: 0,
      },
    };
  }
}
