// 'preview': the first rows of a stored dataset as display strings. Runs in
// the compute worker; the result is strings, so it is copied.

import { cellText, type Column, type DataTable } from '../../engine/data/table';
import { decimalText } from '../../engine/decimal';
import type { PreviewResult } from '../protocol';
import { loadTable, type ComputeHandler } from './common';

/** Previews show at most this many rows, whatever is asked. */
export const MAX_PREVIEW_ROWS = 1000;

export const preview: ComputeHandler<'preview'> = async (params, context) =>
  previewOf(await loadTable(params.datasetId, context), params.rows);

/** The first `rows` rows of `table` (at most MAX_PREVIEW_ROWS). */
export function previewOf(table: DataTable, rows: number): PreviewResult {
  const n = Math.max(0, Math.min(Math.floor(rows) || 0, MAX_PREVIEW_ROWS, table.rowCount));
  const shown: string[][] = [];
  for (let i = 0; i < n; i++) shown.push(table.columns.map((c) => shownText(c, i)));
  return {
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: shown,
    rowCount: table.rowCount,
  };
}

/**
 * A cell as the preview shows it: a decimal as an export writes it, without
 * the noise of its last bits (a sum of prices 2204.4, not 2204.4000000000024).
 */
function shownText(column: Column, i: number): string {
  if (column.kind === 'number' && column.type === 'decimal') {
    const v = column.values[i];
    return Number.isNaN(v) ? '' : decimalText(v);
  }
  return cellText(column, i);
}
