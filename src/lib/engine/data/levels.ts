// The values a column takes and how often, most frequent first: what a model's
// target (its positive class) and a categorical feature (its reference level)
// are chosen from. Pure; runs in the compute worker and in Node.

import { cellText, getColumn, type DataTable } from './table';

export interface ColumnLevels {
  column: string;
  /** The most frequent values (display text) with their counts, at most `limit`. */
  levels: { value: string; count: number }[];
  /** Distinct non-missing values in the column; more than `levels` holds when over the limit. */
  distinct: number;
  missing: number;
}

/** Levels of one column; a numeric column counts its distinct values' display text. */
export function columnLevels(table: DataTable, name: string, limit: number): ColumnLevels {
  const column = getColumn(table, name);
  let missing = 0;
  let counted: { value: string; count: number }[];
  if (column.kind === 'string') {
    const counts = new Float64Array(column.dictionary.length);
    for (const code of column.codes) {
      if (code < 0) missing++;
      else counts[code]++;
    }
    counted = column.dictionary
      .map((value, code) => ({ value, count: counts[code] }))
      .filter((l) => l.count > 0);
  } else {
    const counts = new Map<number, number>();
    for (const v of column.values) {
      if (Number.isNaN(v)) missing++;
      else counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // Display text of a value through cellText, from a one-row view of the column.
    const one = { ...column, values: new Float64Array(1) };
    counted = [...counts].map(([v, count]) => {
      one.values[0] = v;
      return { value: cellText(one, 0), count };
    });
  }
  counted.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  return { column: name, levels: counted.slice(0, limit), distinct: counted.length, missing };
}
