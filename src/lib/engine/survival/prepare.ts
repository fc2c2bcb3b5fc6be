// Turns a table and the analyst's column choices into Kaplan–Meier inputs:
// durations, event flags and group codes, leaving out unusable rows.
// Pure; runs in Node and in the worker.

import { cellText, EngineError, getColumn, type Column, type DataTable } from '../data/table';

export interface SurvivalSettings {
  /** A numeric (integer or decimal) column of durations. */
  duration: string;
  /** Boolean, numeric (non-zero = event) or string column. */
  event: string;
  /**
   * The values of the event column that mean "the event happened", e.g. ['Yes'].
   * Absent or empty: non-zero / true, or a guess for a two-valued text column.
   */
  eventValues?: string[];
  group?: string | null;
}

export interface SurvivalInputs {
  time: Float64Array;
  event: Uint8Array;
  /** Index into groupNames per row; null without a group column. */
  groupCodes: Int32Array | null;
  /** Groups present in the usable rows, sorted. */
  groupNames: string[];
  /** Rows left out: missing, negative or non-finite duration, missing event or group. */
  excluded: number;
}

/**
 * What a fitted survival model records of its outcome (CoxModel.outcome,
 * SurvregModel.outcome), so a forecast finds the duration column and reads
 * events exactly as the fit did.
 */
export interface SurvivalOutcome {
  duration: string;
  event: string;
  /**
   * The values meaning "the event happened" as the fit read them: the
   * analyst's, or the two-valued text guess. Absent: non-zero / true.
   */
  eventValues?: string[];
}

export const MAX_GROUPS = 20;

// Lower-case values that, as one of exactly two in an event column, name the
// event rather than its absence.
const EVENT_WORDS = new Set([
  'yes',
  'y',
  '1',
  'true',
  't',
  'event',
  'churn',
  'churned',
  'lapse',
  'lapsed',
  'dead',
  'died',
  'death',
  'deceased',
  'exited',
  'left',
  'cancelled',
  'canceled',
  'surrendered',
  'terminated',
  'closed',
  'inactive',
  '是',
  '流失',
  '已流失',
  '死亡',
  '退保',
  '失效',
  '解约',
]);

const collator = new Intl.Collator('en', { numeric: true });

/** Durations, events and groups of the usable rows of `table`. */
export function survivalInputs(table: DataTable, settings: SurvivalSettings): SurvivalInputs {
  const duration = getColumn(table, settings.duration);
  if (duration.kind !== 'number' || (duration.type !== 'integer' && duration.type !== 'decimal')) {
    throw new EngineError('survival.duration-not-numeric', {
      column: duration.name,
      type: duration.type,
    });
  }
  const eventValues = settings.eventValues?.length ? settings.eventValues : undefined;
  const isEvent = eventReader(getColumn(table, settings.event), eventValues);
  const groupColumn = settings.group ? getColumn(table, settings.group) : null;
  const groupOf = groupColumn ? groupReader(groupColumn) : null;

  const rows = table.rowCount;
  const time = new Float64Array(rows);
  const event = new Uint8Array(rows);
  const rawGroups = groupOf ? new Int32Array(rows) : null;
  // The raw group codes that occur, in order of first use: raw codes are
  // small non-negative integers (dictionary indices, or numeric values
  // numbered as met), so a typed array indexed by them replaces a Set — a
  // hash lookup per row was a quarter of a million-row log-rank's time.
  const seen = groupOf ? new Uint8Array(groupOf.codeLimit) : null;
  const present: number[] = [];
  let used = 0;
  for (let i = 0; i < rows; i++) {
    const t = duration.values[i];
    if (!Number.isFinite(t) || t < 0) continue;
    const e = isEvent(i);
    if (e === null) continue;
    if (groupOf) {
      const g = groupOf.code(i);
      if (g < 0) continue;
      rawGroups![used] = g;
      if (seen![g] === 0) {
        seen![g] = 1;
        present.push(g);
      }
    }
    time[used] = t;
    event[used] = e ? 1 : 0;
    used++;
  }
  const excluded = rows - used;
  if (used === 0) throw new EngineError('survival.no-usable-rows', { excluded });
  // The arrays are this call's own: with every row used they are returned
  // as they are (a million rows' copies cost more than the renumbering).
  const usedPart = <A extends Float64Array | Uint8Array | Int32Array>(a: A): A =>
    used === rows ? a : (a.slice(0, used) as A);

  if (!groupOf || !rawGroups) {
    return {
      time: usedPart(time),
      event: usedPart(event),
      groupCodes: null,
      groupNames: [],
      excluded,
    };
  }

  // Renumber the groups that occur, in sorted name order (a typed array by
  // raw code, not a Map, for the same reason as `seen`).
  if (present.length > MAX_GROUPS) {
    throw new EngineError('survival.too-many-groups', {
      column: groupColumn!.name,
      count: present.length,
      max: MAX_GROUPS,
    });
  }
  const order = present.slice().sort(groupOf.compare);
  const renumber = new Int32Array(Math.max(...order) + 1);
  order.forEach((raw, index) => (renumber[raw] = index));
  // In place: the raw codes are not needed after.
  for (let i = 0; i < used; i++) rawGroups[i] = renumber[rawGroups[i]];
  return {
    time: usedPart(time),
    event: usedPart(event),
    groupCodes: usedPart(rawGroups),
    groupNames: order.map(groupOf.name),
    excluded,
  };
}

/**
 * The outcome of a fit on `table` with `settings`: the event values resolved
 * as eventReader resolves them (so a table with other values, or only one,
 * is read the same way later).
 */
export function survivalOutcome(
  table: DataTable,
  settings: Pick<SurvivalSettings, 'duration' | 'event' | 'eventValues'>,
): SurvivalOutcome {
  const { duration, event } = settings;
  const column = getColumn(table, event);
  const eventValues = settings.eventValues?.length
    ? [...settings.eventValues]
    : column.kind === 'string'
      ? [guessEventValue(column)]
      : undefined;
  return eventValues ? { duration, event, eventValues } : { duration, event };
}

/** Row i → event (true), censored (false) or missing (null). */
export function eventReader(
  column: Column,
  eventValues: string[] | undefined,
): (i: number) => boolean | null {
  if (column.kind === 'string') {
    const chosen = eventValues ?? [guessEventValue(column)];
    const isEventCode = column.dictionary.map((value) => chosen.includes(value));
    if (!isEventCode.includes(true)) {
      throw new EngineError('survival.event-values-not-found', {
        column: column.name,
        values: chosen.join(', '),
      });
    }
    return (i) => {
      const code = column.codes[i];
      return code < 0 ? null : isEventCode[code];
    };
  }
  if (column.type === 'date' || column.type === 'datetime') {
    throw new EngineError('survival.event-type-invalid', {
      column: column.name,
      type: column.type,
    });
  }
  const values = column.values;
  if (eventValues) {
    const chosen = new Set(eventValues);
    const found = eventValues.length > 0 && hasAny(column, chosen);
    if (!found) {
      throw new EngineError('survival.event-values-not-found', {
        column: column.name,
        values: eventValues.join(', '),
      });
    }
    return (i) => (Number.isNaN(values[i]) ? null : chosen.has(cellText(column, i)));
  }
  return (i) => (Number.isNaN(values[i]) ? null : values[i] !== 0);
}

function hasAny(column: Column, chosen: Set<string>): boolean {
  const rows = column.kind === 'string' ? column.codes.length : column.values.length;
  for (let i = 0; i < rows; i++) if (chosen.has(cellText(column, i))) return true;
  return false;
}

/** The event value of a two-valued string column, when one value reads as an event. */
function guessEventValue(column: Column & { kind: 'string' }): string {
  const used = new Set<number>();
  for (const code of column.codes) if (code >= 0) used.add(code);
  const values = [...used].map((code) => column.dictionary[code]);
  if (values.length === 2) {
    const looksLikeEvent = values.filter((v) => EVENT_WORDS.has(v.trim().toLowerCase()));
    if (looksLikeEvent.length === 1) return looksLikeEvent[0];
  }
  throw new EngineError('survival.event-values-required', {
    column: column.name,
    values: values.slice(0, 10).join(', '),
    count: values.length,
  });
}

interface GroupReader {
  /** A raw group code for row i, -1 when missing. */
  code(i: number): number;
  /** Every raw code is below this. */
  codeLimit: number;
  name(raw: number): string;
  compare(a: number, b: number): number;
}

function groupReader(column: Column): GroupReader {
  if (column.kind === 'string') {
    return {
      code: (i) => column.codes[i],
      codeLimit: column.dictionary.length,
      name: (raw) => column.dictionary[raw],
      compare: (a, b) => collator.compare(column.dictionary[a], column.dictionary[b]),
    };
  }
  // Numeric groups: one code per distinct value, ordered by value.
  const values = column.values;
  const codes = new Map<number, number>();
  const distinct: number[] = [];
  const firstRow: number[] = [];
  return {
    // Codes are numbered from 0 as values are met, at most one per row.
    codeLimit: values.length,
    code(i) {
      const v = values[i];
      if (Number.isNaN(v)) return -1;
      let code = codes.get(v);
      if (code === undefined) {
        code = distinct.length;
        codes.set(v, code);
        distinct.push(v);
        firstRow.push(i);
      }
      return code;
    },
    name: (raw) => cellText(column, firstRow[raw]),
    compare: (a, b) => distinct[a] - distinct[b],
  };
}
