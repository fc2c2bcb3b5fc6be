// Durations between two date columns, ready for survival analysis (time and
// event), in the unit asked for (../units.ts has the calendar convention).
// Pure; runs in the compute worker and in Node tests.

import { EngineError, type DataTable } from '../data/table';
import { daysBetween, durationIn, isDurationUnit, type DurationUnit } from '../units';
import {
  invalidSetting,
  numericColumn,
  parseIsoDate,
  requireNumeric,
  withColumns,
  type TransformResult,
} from './common';

// Part of this transform's settings, as before the units had a module of their own.
export { DAYS_PER_UNIT, type DurationUnit } from '../units';

export interface DurationSettings {
  start: string;
  /** End date column; where it is missing (or absent) the duration runs to `asOf`. */
  end?: string;
  /** 'yyyy-mm-dd': the censoring date; required when some end is missing. */
  asOf?: string;
  /** The new column's unit; months and years are average lengths (see ../units.ts). */
  unit: DurationUnit;
  /** Name of the new duration column. */
  name: string;
  /** Also add this 0/1 column: 1 where the end date is present (the event happened). */
  event?: string;
}

/**
 * Adds (end − start) in `unit`, with end = asOf where the end is missing.
 * A missing start gives a missing duration (and event). Negative durations are
 * kept, and counted in the report as `negative` so the cell can warn.
 */
export function datesToDuration(table: DataTable, settings: DurationSettings): TransformResult {
  const dateTypes = ['date', 'datetime'] as const;
  const start = requireNumeric(table, settings.start, [...dateTypes]);
  const end = settings.end ? requireNumeric(table, settings.end, [...dateTypes]) : null;
  const unit = settings.unit;
  if (!isDurationUnit(unit)) throw invalidSetting('unit', unit);
  const name = typeof settings.name === 'string' ? settings.name.trim() : '';
  if (!name) throw invalidSetting('name', settings.name);
  const asOf = settings.asOf ? parseIsoDate(settings.asOf, 'asOf') : NaN;
  const n = table.rowCount;
  const s = start.values;
  const e = end?.values;
  const duration = new Float64Array(n);
  const event = new Float64Array(n);
  let censored = 0;
  let negative = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const endValue = e ? e[i] : NaN;
    const observed = !Number.isNaN(endValue);
    if (Number.isNaN(s[i])) {
      duration[i] = NaN;
      event[i] = NaN;
      missing++;
      continue;
    }
    if (!observed && Number.isNaN(asOf)) {
      throw new EngineError('prepare.as-of-required', { column: settings.end ?? '' });
    }
    const d = durationIn(daysBetween(s[i], observed ? endValue : asOf), unit);
    duration[i] = d;
    event[i] = observed ? 1 : 0;
    if (!observed) censored++;
    if (d < 0) negative++;
  }
  const whole = unit === 'days' && start.type === 'date' && (end === null || end.type === 'date');
  const added = [numericColumn(name, whole ? 'integer' : 'decimal', duration)];
  if (settings.event) added.push(numericColumn(settings.event.trim(), 'integer', event));
  return {
    table: withColumns(table, new Map(), added),
    report: { events: n - censored - missing, censored, negative, missing },
  };
}
