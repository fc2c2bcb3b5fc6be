// Prepare steps: the shape of each operation's settings (a zod schema, from
// which the PrepareStep type is inferred), the operations offered, each
// one's starting settings, and whether a step has what it needs to run.
// Pure; the engine transforms are in ../../engine/prepare.

import { z } from 'zod';
import { FILTER_OPS } from '../../engine/prepare/rows';
import { AGGREGATE_FNS } from '../../engine/prepare/aggregate';
import { idText, LIMITS, text } from '../limits';

const id = idText;
const name = text;
// Prepare steps: the shape of each engine transform's settings. Values are
// checked here only as far as their type and size; the engine checks the rest
// (and says what is wrong) when the cell runs.
const names = z.array(name).max(LIMITS.stepList);
const keyNames = z.union([name, names]);
const finite = z.number().finite();
const scalar = z.union([name, finite, z.boolean()]);

export const prepareStep = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('drop-duplicates'),
    columns: names.optional(),
    keep: z.enum(['first', 'last']),
  }),
  z.strictObject({
    op: z.literal('filter'),
    conditions: z
      .array(
        z.strictObject({
          column: name,
          op: z.enum(FILTER_OPS),
          value: z.union([scalar, z.array(scalar).max(LIMITS.stepList)]).optional(),
        }),
      )
      .max(LIMITS.stepList),
    combine: z.enum(['and', 'or']),
  }),
  z.strictObject({
    op: z.literal('select'),
    columns: z.array(z.strictObject({ name, rename: name.optional() })).max(LIMITS.stepList),
  }),
  z.strictObject({
    op: z.literal('impute'),
    columns: names,
    method: z.enum(['mean', 'median', 'mode', 'constant']),
    value: scalar.optional(),
  }),
  z.strictObject({
    op: z.literal('cap-outliers'),
    columns: names,
    method: z.enum(['iqr', 'percentile']),
    k: finite.optional(),
    lower: finite.optional(),
    upper: finite.optional(),
  }),
  z.strictObject({
    op: z.literal('scale'),
    columns: names,
    method: z.enum(['standardize', 'normalize']),
    suffix: name.optional(),
  }),
  z.strictObject({
    op: z.literal('one-hot'),
    column: name,
    dropFirst: z.boolean().optional(),
    maxLevels: finite.optional(),
    missingIndicator: z.boolean().optional(),
    keepOriginal: z.boolean().optional(),
  }),
  z.strictObject({ op: z.literal('ordinal'), column: name, order: names.optional() }),
  z.strictObject({
    op: z.literal('bin'),
    column: name,
    method: z.enum(['equal-width', 'quantile', 'custom']),
    bins: finite.optional(),
    breaks: z.array(finite).max(LIMITS.stepList).optional(),
    labels: names.optional(),
    newColumn: name,
  }),
  z.strictObject({ op: z.literal('derive'), name, expression: name }),
  z.strictObject({
    op: z.literal('duration'),
    start: name,
    end: name.optional(),
    asOf: name.optional(),
    unit: z.enum(['days', 'weeks', 'months', 'years']),
    name,
    event: name.optional(),
  }),
  z.strictObject({
    op: z.literal('join'),
    right: id.nullable(),
    leftKey: keyNames,
    rightKey: keyNames,
    how: z.enum(['inner', 'left', 'right', 'full']),
    suffix: name.optional(),
  }),
  z.strictObject({
    op: z.literal('aggregate'),
    key: keyNames,
    measures: z
      .array(
        z.strictObject({
          column: name,
          fn: z.enum(AGGREGATE_FNS),
          name: name.optional(),
        }),
      )
      .max(LIMITS.stepList),
    orderBy: name.optional(),
  }),
]);

/**
 * One Prepare step: `op` names the engine transform and the other fields are
 * that transform's settings as the engine takes them. A column name left ''
 * means "not chosen yet": the cell waits (stepReady). A join's `right` is the
 * id of the Data or Prepare cell joined to the input.
 */
export type PrepareStep = z.infer<typeof prepareStep>;
export type PrepareOp = PrepareStep['op'];

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
