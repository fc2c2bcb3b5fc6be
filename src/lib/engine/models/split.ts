// Which rows a model learns from and which it is judged on: seeded train /
// validation / test parts, parts by a column's value (train on earlier
// policies, test on later ones), and k cross-validation folds. Pure; runs in
// the compute worker and in Node.
//
// Every function returns one small integer per row of the arrays it is given
// (the caller keeps the mapping to table rows), so a split costs one typed
// array and never an object per row.
//
// Determinism: each split draws from its own stream, `new Random(seed)
// .derive('split')` or `.derive('folds')`, so draws added elsewhere (SMOTE, a
// bootstrap) never move a row from one part to another, and a seed gives the
// same parts in Node, the worker and every browser.

import { EngineError } from '../data/table';
import { Random, type Seed } from '../data/random';

/** Part codes, as train.ts's PART: 0 train, 1 validation, 2 test, 255 in no part. */
export const TRAIN = 0;
export const VALIDATION = 1;
export const TEST = 2;
export const NO_PART = 255;

export interface Shares {
  train: number;
  validation: number;
  test: number;
}

export const DEFAULT_SHARES: Shares = { train: 0.6, validation: 0.2, test: 0.2 };

/** The largest k kFolds accepts: a fold code fits a byte, and more folds than this is not cross-validation anyone reads. */
export const MAX_FOLDS = 20;

/**
 * Part of each row: 0 train, 1 validation, 2 test.
 *
 * Shares are fractions adding up to 1, training's above 0. With
 * `stratify`, each outcome class is split on its own, so every part has the
 * class's share of the rows exactly up to rounding; without it, all rows are
 * one group. Within a group of n rows, part k gets ⌊n·sₖ⌋ rows and the rows
 * left over go, one each, to the parts with the largest remainders n·sₖ −
 * ⌊n·sₖ⌋ (Hamilton's largest-remainder rounding; a tie goes to the earlier
 * part: train, then validation, then test). So each part's count is within
 * one row of its exact share in every class, and the counts add up to n.
 * Which rows go where is a Fisher–Yates shuffle of the group.
 */
export function splitParts(
  outcome: Uint8Array,
  shares: Shares = DEFAULT_SHARES,
  seed: Seed = 0,
  stratify = true,
): Uint8Array {
  const s = checkedShares(shares);
  const random = new Random(seed).derive('split');
  const parts = new Uint8Array(outcome.length);
  for (const group of groupsOf(outcome, stratify)) {
    shuffle(group, random);
    const counts = apportion(group.length, s);
    let k = 0;
    for (let part = 0; part < counts.length; part++)
      for (let c = 0; c < counts[part]; c++) parts[group[k++]] = part;
  }
  return parts;
}

/**
 * Part of each row by its value (a number, or a date as epoch milliseconds):
 * below `validationFrom` → train, from `validationFrom` up to but not
 * including `testFrom` → validation, from `testFrom` on → test. Equal bounds
 * leave no validation part. A missing value (NaN) cannot be placed in time,
 * so its row is in no part (255) and is neither fitted nor evaluated; the
 * caller counts those rows.
 */
export function splitByColumn(
  values: Float64Array,
  bounds: { validationFrom: number; testFrom: number },
): Uint8Array {
  const { validationFrom, testFrom } = bounds;
  if (Number.isNaN(validationFrom) || Number.isNaN(testFrom) || validationFrom > testFrom)
    throw new EngineError('model.invalid-cuts', {
      validationFrom: String(validationFrom),
      testFrom: String(testFrom),
    });
  const parts = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] = Number.isNaN(v)
      ? NO_PART
      : v < validationFrom
        ? TRAIN
        : v < testFrom
          ? VALIDATION
          : TEST;
  }
  return parts;
}

/**
 * Fold (0 … k−1) of each row for k-fold cross-validation.
 *
 * As scikit-learn's StratifiedKFold(shuffle=True) in spirit: with `stratify`
 * each class is shuffled (Fisher–Yates) and dealt to the folds in turn, so
 * every fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ rows of class c. The deal of each class
 * starts at the fold where the previous class's ended, so the folds' total
 * sizes differ by at most one row as well. (scikit-learn assigns counts per
 * class differently; the folds are not the same rows as its folds, and need
 * not be.)
 */
export function kFolds(
  outcome: Uint8Array,
  k: number,
  seed: Seed = 0,
  stratify = true,
): Uint8Array {
  if (!Number.isInteger(k) || k < 2 || k > MAX_FOLDS)
    throw new EngineError('model.invalid-folds', { k: String(k), max: MAX_FOLDS });
  if (outcome.length < k) throw new EngineError('model.too-few-rows', { k, rows: outcome.length });
  const random = new Random(seed).derive('folds');
  const folds = new Uint8Array(outcome.length);
  let next = 0;
  for (const group of groupsOf(outcome, stratify)) {
    shuffle(group, random);
    for (let i = 0; i < group.length; i++) {
      folds[group[i]] = next;
      next = next + 1 === k ? 0 : next + 1;
    }
  }
  return folds;
}

/** How far the shares' sum may be from 1: what typing 0.6 / 0.2 / 0.2 in decimals leaves. */
const SHARE_TOLERANCE = 1e-9;

/**
 * The shares as given, or an error: each at least 0, a positive training
 * share (a model needs rows to learn from), and a sum of 1 — a sum of 1.1 is
 * a typing slip the analyst should see, not something to rescale silently.
 */
function checkedShares(shares: Shares): number[] {
  const s = [shares.train, shares.validation, shares.test];
  const total = s[0] + s[1] + s[2];
  if (
    s.some((v) => !Number.isFinite(v) || v < 0) ||
    !(shares.train > 0) ||
    !(Math.abs(total - 1) <= SHARE_TOLERANCE)
  )
    throw new EngineError('model.invalid-split', {
      train: String(shares.train),
      validation: String(shares.validation),
      test: String(shares.test),
    });
  return s.map((v) => v / total);
}

/** Row indices per outcome value in ascending value order (one group when not stratified). */
function groupsOf(outcome: Uint8Array, stratify: boolean): Uint32Array[] {
  if (!stratify) {
    const all = new Uint32Array(outcome.length);
    for (let i = 0; i < all.length; i++) all[i] = i;
    return [all];
  }
  const counts = new Uint32Array(256);
  for (let i = 0; i < outcome.length; i++) counts[outcome[i]]++;
  const groups: Uint32Array[] = [];
  const groupOf = new Int32Array(256).fill(-1);
  for (let v = 0; v < 256; v++)
    if (counts[v] > 0) {
      groupOf[v] = groups.length;
      groups.push(new Uint32Array(counts[v]));
    }
  const filled = new Uint32Array(groups.length);
  for (let i = 0; i < outcome.length; i++) {
    const g = groupOf[outcome[i]];
    groups[g][filled[g]++] = i;
  }
  return groups;
}

/** Fisher–Yates (Durstenfeld's in-place form), from the last element down. */
function shuffle(items: Uint32Array, random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

/** n split by `shares` (adding to 1) in whole rows by largest remainder; ties to the earlier part. */
export function apportion(n: number, shares: readonly number[]): number[] {
  const exact = shares.map((s) => n * s);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = shares
    .map((_, k) => k)
    .sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (let i = 0; left > 0; i = (i + 1) % order.length, left--) counts[order[i]]++;
  return counts;
}
