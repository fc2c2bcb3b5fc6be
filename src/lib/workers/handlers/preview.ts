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

/** Significant digits a preview shows of a decimal. */
export const PREVIEW_DIGITS = 12;

/**
 * A cell as the preview shows it: a decimal to PREVIEW_DIGITS significant
 * digits, so a sum of thousands of prices reads 5288.63, not the
 * 5288.63000000001 its rounding errors add up to (an export keeps every
 * faithful digit: engine/decimal.ts). Whole numbers are written whole.
 */
function shownText(column: Column, i: number): string {
  if (column.kind === 'number' && column.type === 'decimal') {
    const v = column.values[i];
    if (Number.isNaN(v)) return '';
    return Number.isInteger(v) || !Number.isFinite(v)
      ? decimalText(v)
      : decimalText(Number(v.toPrecision(PREVIEW_DIGITS)));
  }
  return cellText(column, i);
}
