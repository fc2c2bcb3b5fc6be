// Choosing a Survival cell's columns for a dataset: keep the analyst's
// choices that the dataset has, and for those it lacks, pick the likeliest
// column by name and type (tenure / duration for time; churn / lapse /
// status for the event). Pure.

import type { ColumnType } from '../../engine/data/table';

interface ColumnInfo {
  name: string;
  type: ColumnType;
}

interface Choice {
  duration: string | null;
  event: string | null;
  eventValues: string[];
  group: string | null;
}

const DURATION_TYPES: readonly ColumnType[] = ['integer', 'decimal'];
const EVENT_TYPES: readonly ColumnType[] = ['boolean', 'integer', 'categorical'];
const GROUP_TYPES: readonly ColumnType[] = ['categorical', 'boolean', 'integer'];

// Name patterns, likeliest first.
const DURATION_NAMES = [/tenure/i, /duration/i, /^(time|t|week|weeks|months?|days?)$/i, /time/i];
const EVENT_NAMES = [
  /churn/i,
  /lapse/i,
  /exited|attrit|cancel|surrender/i,
  /^(event|e|status|death|dead|observed|arrest)$/i,
  /event|status/i,
];

function pick(
  columns: readonly ColumnInfo[],
  types: readonly ColumnType[],
  patterns: readonly RegExp[],
): string | null {
  for (const pattern of patterns) {
    const found = columns.find((c) => types.includes(c.type) && pattern.test(c.name));
    if (found) return found.name;
  }
  return null;
}

/** The choice refitted to `columns`: unchanged where the columns exist with a usable type. */
export function fitSurvivalColumns(current: Choice, columns: readonly ColumnInfo[]): Choice {
  const has = (name: string | null, types: readonly ColumnType[]) =>
    name !== null && columns.some((c) => c.name === name && types.includes(c.type));
  const eventKept = has(current.event, [...EVENT_TYPES, 'text']);
  return {
    duration: has(current.duration, DURATION_TYPES)
      ? current.duration
      : pick(columns, DURATION_TYPES, DURATION_NAMES),
    event: eventKept ? current.event : pick(columns, EVENT_TYPES, EVENT_NAMES),
    // Values of another column mean nothing for the new one.
    eventValues: eventKept ? current.eventValues : [],
    group: has(current.group, GROUP_TYPES) ? current.group : null,
  };
}

/** A survival regression's formula as the Parametric and Cox cells hold it. */
export interface SurvivalFormulaChoice {
  duration: string | null;
  event: string | null;
  eventValues: string[];
  features: string[];
  interactions: { a: string; b: string }[];
  references: { column: string; level: string }[];
}

/**
 * A survival regression's formula fitted to a new input's columns: duration
 * and event chosen again as the Survival cell chooses them, and features,
 * interactions and references the new dataset lacks dropped.
 */
export function fitSurvivalFormula<S extends SurvivalFormulaChoice>(
  s: S,
  columns: readonly ColumnInfo[],
): S {
  const has = new Set(columns.map((c) => c.name));
  const chosen = fitSurvivalColumns({ ...s, group: null }, columns);
  return {
    ...s,
    duration: chosen.duration,
    event: chosen.event,
    eventValues: chosen.eventValues,
    features: s.features.filter((f) => has.has(f)),
    interactions: s.interactions.filter((i) => has.has(i.a) && has.has(i.b)),
    references: s.references.filter((r) => has.has(r.column)),
  };
}
