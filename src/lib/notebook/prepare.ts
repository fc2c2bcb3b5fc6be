// Prepare cells' steps: the operations offered, each one's starting settings,
// and whether a step has what it needs to run. Pure; used on the page.

import type { Cell, PrepareOp, PrepareStep } from './document';

/** The operations, in the order the operation menu lists them. */
export const PREPARE_OPS: readonly PrepareOp[] = [
  'drop-duplicates',
  'filter',
  'select',
  'impute',
  'cap-outliers',
  'scale',
  'one-hot',
  'ordinal',
  'bin',
  'derive',
  'duration',
  'join',
  'aggregate',
];

/** Cells whose result is a dataset another cell can read. */
export function isDatasetCell(cell: Cell): boolean {
  return cell.kind === 'data' || cell.kind === 'prepare';
}

/**
 * Starting settings for `op`. Columns start unchosen (''), except where an
 * empty list already means something (drop duplicates over all columns).
 */
export function defaultStep(op: PrepareOp): PrepareStep {
  switch (op) {
    case 'drop-duplicates':
      return { op, keep: 'first' };
    case 'filter':
      return { op, conditions: [], combine: 'and' };
    case 'select':
      return { op, columns: [] };
    case 'impute':
      return { op, columns: [], method: 'median' };
    case 'cap-outliers':
      return { op, columns: [], method: 'iqr', k: 1.5 };
    case 'scale':
      return { op, columns: [], method: 'standardize', suffix: '' };
    case 'one-hot':
      return { op, column: '', dropFirst: false, keepOriginal: false };
    case 'ordinal':
      return { op, column: '' };
    case 'bin':
      return { op, column: '', method: 'quantile', bins: 4, newColumn: '' };
    case 'derive':
      return { op, name: '', expression: '' };
    case 'duration':
      return { op, start: '', unit: 'months', name: 'tenure_months' };
    case 'join':
      return { op, right: null, leftKey: '', rightKey: '', how: 'left' };
    case 'aggregate':
      return { op, key: '', measures: [{ column: '', fn: 'count' }] };
  }
}

/**
 * Whether the step names everything it needs (columns chosen, a right-hand
 * cell for a join). An unready step makes the cell wait rather than fail:
 * the user is still filling the form in. Values that are present but wrong
 * are left to the engine, which says what is wrong.
 */
export function stepReady(step: PrepareStep): boolean {
  const chosen = (s: string | undefined) => s !== undefined && s.trim() !== '';
  const keys = (k: string | string[]) =>
    Array.isArray(k) ? k.length > 0 && k.every(chosen) : chosen(k);
  switch (step.op) {
    case 'drop-duplicates':
      return true;
    case 'filter':
      return step.conditions.every((c) => chosen(c.column));
    case 'select':
    case 'impute':
    case 'cap-outliers':
    case 'scale':
      return step.columns.length > 0;
    case 'one-hot':
    case 'ordinal':
      return chosen(step.column);
    case 'bin':
      return chosen(step.column) && chosen(step.newColumn);
    case 'derive':
      return chosen(step.name) && chosen(step.expression);
    case 'duration':
      return chosen(step.start) && chosen(step.name);
    case 'join':
      return step.right !== null && keys(step.leftKey) && keys(step.rightKey);
    case 'aggregate':
      return (
        keys(step.key) && step.measures.length > 0 && step.measures.every((m) => chosen(m.column))
      );
  }
}
