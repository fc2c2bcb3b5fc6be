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
  let used = 0;
  for (let i = 0; i < rows; i++) {
    const t = duration.values[i];
    if (!Number.isFinite(t) || t < 0) continue;
    const e = isEvent(i);
    if (e === null) continue;
    let g = 0;
    if (groupOf) {
      g = groupOf.code(i);
      if (g < 0) continue;
      rawGroups![used] = g;
    }
    time[used] = t;
    event[used] = e ? 1 : 0;
    used++;
  }
  const excluded = rows - used;
  if (used === 0) throw new EngineError('survival.no-usable-rows', { excluded });

  if (!groupOf || !rawGroups) {
    return {
      time: time.slice(0, used),
      event: event.slice(0, used),
      groupCodes: null,
      groupNames: [],
      excluded,
    };
  }

  // Renumber the groups that occur, in sorted name order.
  const present = new Set<number>();
  for (let i = 0; i < used; i++) present.add(rawGroups[i]);
  if (present.size > MAX_GROUPS) {
    throw new EngineError('survival.too-many-groups', {
      column: groupColumn!.name,
      count: present.size,
      max: MAX_GROUPS,
    });
  }
  const order = [...present].sort(groupOf.compare);
  const renumber = new Map(order.map((raw, index) => [raw, index]));
  const groupCodes = new Int32Array(used);
  for (let i = 0; i < used; i++) groupCodes[i] = renumber.get(rawGroups[i])!;
  return {
    time: time.slice(0, used),
    event: event.slice(0, used),
    groupCodes,
    groupNames: order.map(groupOf.name),
    excluded,
  };
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
  name(raw: number): string;
  compare(a: number, b: number): number;
}

function groupReader(column: Column): GroupReader {
  if (column.kind === 'string') {
    return {
      code: (i) => column.codes[i],
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
