// Joining two tables on key columns (hash join). Pure; runs in the compute
// worker and in Node tests.

import { EngineError, cellText, type Column, type DataTable } from '../data/table';
import {
  encodeKeys,
  groupRows,
  invalidSetting,
  requireColumn,
  stringColumn,
  takeRows,
  type TransformResult,
} from './common';

export interface JoinSettings {
  leftKey: string | string[];
  rightKey: string | string[];
  how: 'inner' | 'left' | 'right' | 'full';
  /** Appended to right-hand column names that clash with left-hand ones; default '_right'. */
  suffix?: string;
}

/** Joins larger than this are refused before any row is built. */
export const MAX_JOIN_ROWS = 10_000_000;

/**
 * Rows of `left` matched with rows of `right` whose keys are equal (string
 * keys by text, numeric by value; a string key against a numeric one by the
 * text of the number, e.g. "42" = 42, dates as yyyy-mm-dd). Missing keys
 * never match, as in SQL. Many-to-many matches give every pair.
 *
 * Output: the left columns, then the right ones except its keys; the key
 * columns keep the left names and take the right value on right-only rows
 * (text when the two keys differ in kind). Row order: left rows in order with
 * their matches in right order; for right joins the other way round; full
 * joins append unmatched right rows at the end.
 * Report: rows, matchedLeft, unmatchedLeft, unmatchedRight.
 */
export function joinTables(
  left: DataTable,
  right: DataTable,
  settings: JoinSettings,
): TransformResult {
  const leftNames = keyList(settings.leftKey, 'leftKey');
  const rightNames = keyList(settings.rightKey, 'rightKey');
  if (leftNames.length !== rightNames.length)
    throw invalidSetting('rightKey', rightNames.join(', '));
  const { how } = settings;
  if (!['inner', 'left', 'right', 'full'].includes(how)) throw invalidSetting('how', how);
  const suffix = settings.suffix ?? '_right';
  const leftKeys = leftNames.map((n) => requireColumn(left, n));
  const rightKeys = rightNames.map((n) => requireColumn(right, n));

  const { ids, count } = encodeKeys([leftKeys, rightKeys], [left.rowCount, right.rowCount], false);
  const [leftIds, rightIds] = ids;
  const rightGroups = groupRows(rightIds, count);
  const leftGroups = groupRows(leftIds, count);
  const size = (g: Int32Array, id: number) => (id < 0 ? 0 : g[id + 1] - g[id]);

  // Count first, so a blow-up is refused before allocating it.
  let rows = 0;
  let matchedLeft = 0;
  let unmatchedLeft = 0;
  for (let i = 0; i < left.rowCount; i++) {
    const m = size(rightGroups.start, leftIds[i]);
    if (m > 0) matchedLeft++;
    else unmatchedLeft++;
    rows += m;
  }
  let unmatchedRight = 0;
  for (let j = 0; j < right.rowCount; j++)
    if (size(leftGroups.start, rightIds[j]) === 0) unmatchedRight++;
  if (how === 'left' || how === 'full') rows += unmatchedLeft;
  if (how === 'right' || how === 'full') rows += unmatchedRight;
  if (rows > MAX_JOIN_ROWS) {
    throw new EngineError('prepare.join-too-large', { rows, max: MAX_JOIN_ROWS });
  }

  const leftIndex = new Int32Array(rows);
  const rightIndex = new Int32Array(rows);
  let k = 0;
  if (how === 'right') {
    for (let j = 0; j < right.rowCount; j++) {
      const id = rightIds[j];
      const m = size(leftGroups.start, id);
      for (let t = 0; t < m; t++) {
        leftIndex[k] = leftGroups.order[leftGroups.start[id] + t];
        rightIndex[k++] = j;
      }
      if (m === 0) {
        leftIndex[k] = -1;
        rightIndex[k++] = j;
      }
    }
  } else {
    for (let i = 0; i < left.rowCount; i++) {
      const id = leftIds[i];
      const m = size(rightGroups.start, id);
      for (let t = 0; t < m; t++) {
        leftIndex[k] = i;
        rightIndex[k++] = rightGroups.order[rightGroups.start[id] + t];
      }
      if (m === 0 && how !== 'inner') {
        leftIndex[k] = i;
        rightIndex[k++] = -1;
      }
    }
    if (how === 'full') {
      for (let j = 0; j < right.rowCount; j++) {
        if (size(leftGroups.start, rightIds[j]) === 0) {
          leftIndex[k] = -1;
          rightIndex[k++] = j;
        }
      }
    }
  }

  const names = new Set(left.columns.map((c) => c.name));
  const columns: Column[] = left.columns.map((c) => {
    const key = leftKeys.indexOf(c);
    if (key < 0 || how === 'inner' || how === 'left') return takeRows(c, leftIndex);
    return coalesceKey(c, rightKeys[key], leftIndex, rightIndex);
  });
  for (const c of right.columns) {
    if (rightKeys.includes(c)) continue;
    const name = names.has(c.name) ? c.name + suffix : c.name;
    if (names.has(name)) throw new EngineError('prepare.duplicate-column', { column: name });
    names.add(name);
    const taken = takeRows(c, rightIndex);
    columns.push(name === c.name ? taken : { ...taken, name });
  }
  return {
    table: { rowCount: rows, columns },
    report: { rows, matchedLeft, unmatchedLeft, unmatchedRight },
  };
}

function keyList(key: unknown, setting: string): string[] {
  const list = typeof key === 'string' ? [key] : key;
  if (!Array.isArray(list) || list.length === 0 || list.some((k) => typeof k !== 'string')) {
    throw invalidSetting(setting, key);
  }
  return list;
}

/** The left key's value, or the right key's where the row has no left side. */
function coalesceKey(
  leftKey: Column,
  rightKey: Column,
  leftIndex: Int32Array,
  rightIndex: Int32Array,
): Column {
  const n = leftIndex.length;
  if (leftKey.kind === 'number' && rightKey.kind === 'number') {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = leftIndex[i] >= 0 ? leftKey.values[leftIndex[i]] : rightKey.values[rightIndex[i]];
    }
    return { ...leftKey, values };
  }
  // Mixed or string keys: by text, through a fresh dictionary.
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const fromLeft = leftIndex[i] >= 0;
    const column = fromLeft ? leftKey : rightKey;
    const row = fromLeft ? leftIndex[i] : rightIndex[i];
    const missing =
      column.kind === 'string' ? column.codes[row] < 0 : Number.isNaN(column.values[row]);
    if (missing) {
      codes[i] = -1;
      continue;
    }
    const text = cellText(column, row);
    let code = index.get(text);
    if (code === undefined) {
      code = dictionary.length;
      index.set(text, code);
      dictionary.push(text);
    }
    codes[i] = code;
  }
  return stringColumn(
    leftKey.name,
    leftKey.kind === 'string' ? leftKey.type : 'identifier',
    codes,
    dictionary,
  );
}
