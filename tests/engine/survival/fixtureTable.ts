// A tiny CSV reader for the R fixtures in tests/fixtures/r/data (written by
// the make-*.R scripts: comma-separated, unquoted, NA as an empty field):
// a column whose values all parse as numbers is numeric ('integer' when all
// are whole, else 'decimal'; 0/1 columns stay numbers, as R reads them),
// anything else categorical.
import { readFileSync } from 'node:fs';
import type { Column, DataTable } from '../../../src/lib/engine/data/table';

export function readFixtureTable(path: string): DataTable {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((line) => line.split(','));
  const columns: Column[] = header.map((name, c) => {
    const cells = rows.map((r) => r[c] ?? '');
    const numeric = cells.every((v) => v === '' || v === 'NA' || Number.isFinite(Number(v)));
    if (numeric) {
      const values = Float64Array.from(cells, (v) => (v === '' || v === 'NA' ? NaN : Number(v)));
      const whole = values.every((v) => Number.isNaN(v) || Number.isInteger(v));
      return { kind: 'number', name, type: whole ? 'integer' : 'decimal', values };
    }
    const dictionary = [...new Set(cells.filter((v) => v !== '' && v !== 'NA'))];
    const index = new Map(dictionary.map((v, i) => [v, i]));
    const codes = Int32Array.from(cells, (v) => index.get(v) ?? -1);
    return { kind: 'string', name, type: 'categorical', codes, dictionary };
  });
  return { rowCount: rows.length, columns };
}
