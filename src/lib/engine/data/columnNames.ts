// Column names of a file as read (header cells or object keys) made usable:
// trimmed, never blank, never repeated. Shared by every format reader (CSV,
// XLSX, JSON, Parquet); pure.

import type { IngestWarning } from './ingestTypes';
import { EngineError } from './table';

/**
 * Columns a file may have: as many as an Excel sheet (XFD). A file of
 * 100,000 columns took 20–30 s to load and store, with one row; beyond what
 * Excel can open it is refused at once (file.too-many-columns).
 */
export const MAX_COLUMNS = 16_384;

/**
 * Trimmed names; blank → column_N; a repeated name gets the first free
 * suffix _2, _3 … that is not also a name in the file (with warnings).
 */
export function columnNames(raw: readonly string[], warnings: IngestWarning[]): string[] {
  if (raw.length > MAX_COLUMNS) {
    throw new EngineError('file.too-many-columns', { columns: raw.length, max: MAX_COLUMNS });
  }
  const blanks: string[] = [];
  const trimmed = raw.map((r, j) => {
    const name = r.trim();
    if (name !== '') return name;
    blanks.push(`column_${j + 1}`);
    return `column_${j + 1}`;
  });
  const taken = new Set(trimmed);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const names = trimmed.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    duplicates.add(name);
    let k = 2;
    while (taken.has(`${name}_${k}`)) k++;
    const renamed = `${name}_${k}`;
    taken.add(renamed);
    return renamed;
  });
  if (blanks.length > 0) {
    warnings.push({ code: 'ingest.blank-column-names', params: { columns: blanks.join(', ') } });
  }
  if (duplicates.size > 0) {
    warnings.push({
      code: 'ingest.duplicate-column-names',
      params: { columns: [...duplicates].join(', ') },
    });
  }
  return names;
}
