// Splits: exact stratified part sizes, determinism per seed, parts by a
// column's values, and k folds of near-equal size per class.
import { describe, expect, it } from 'vitest';
import {
  apportion,
  kFolds,
  NO_PART,
  splitByColumn,
  splitParts,
  TEST,
  TRAIN,
  VALIDATION,
} from '../../../src/lib/engine/models/split';

/** 1,000 rows, 137 positives, scattered. */
const outcome = Uint8Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000 < 137 ? 1 : 0));
const count = (parts: Uint8Array, part: number, y?: number) =>
  parts.reduce((s, p, i) => s + (p === part && (y === undefined || outcome[i] === y) ? 1 : 0), 0);

describe('splitParts', () => {
  it('cuts each class in the shares exactly, by largest remainder', () => {
    const parts = splitParts(outcome, { train: 0.6, validation: 0.2, test: 0.2 }, 42);
    // 137 positives: 82.2 / 27.4 / 27.4 → 82 + 28 + 27 (remainders .2 .4 .4, ties to the earlier part).
    expect([TRAIN, VALIDATION, TEST].map((p) => count(parts, p, 1))).toEqual([82, 28, 27]);
    // 863 negatives: 517.8 / 172.6 / 172.6 → 518 + 173 + 172.
    expect([TRAIN, VALIDATION, TEST].map((p) => count(parts, p, 0))).toEqual([518, 173, 172]);
    expect(apportion(10, [1 / 3, 1 / 3, 1 / 3])).toEqual([4, 3, 3]);
  });

  it('is the same for the same seed, another for another seed', () => {
    const shares = { train: 0.7, validation: 0, test: 0.3 };
    const a = splitParts(outcome, shares, 7);
    expect(splitParts(outcome, shares, 7)).toEqual(a);
    expect(splitParts(outcome, shares, 8)).not.toEqual(a);
    expect(count(a, VALIDATION)).toBe(0);
  });

  it('unstratified, the whole table is cut in the shares', () => {
    const parts = splitParts(outcome, { train: 0.5, validation: 0.25, test: 0.25 }, 1, false);
    expect([TRAIN, VALIDATION, TEST].map((p) => count(parts, p))).toEqual([500, 250, 250]);
  });

  it('refuses shares that do not add up or leave nothing to train on', () => {
    expect(() => splitParts(outcome, { train: 0.5, validation: 0.3, test: 0.3 }, 1)).toThrow(
      /model.invalid-split/,
    );
    expect(() => splitParts(outcome, { train: 0, validation: 0.5, test: 0.5 }, 1)).toThrow(
      /model.invalid-split/,
    );
  });
});

describe('splitByColumn', () => {
  it('trains on earlier values, tests on later ones; a missing value is in no part', () => {
    const day = 86_400_000;
    const dates = Float64Array.from([0, 10, 20, 30, NaN, 25], (d) => d * day);
    expect(
      Array.from(splitByColumn(dates, { validationFrom: 20 * day, testFrom: 25 * day })),
    ).toEqual([TRAIN, TRAIN, VALIDATION, TEST, NO_PART, TEST]);
    expect(() => splitByColumn(dates, { validationFrom: 2, testFrom: 1 })).toThrow(/invalid-cuts/);
  });
});

describe('kFolds', () => {
  it('deals each class to the folds in turn: sizes differ by at most one', () => {
    for (const k of [5, 10]) {
      const folds = kFolds(outcome, k, 3);
      for (const y of [0, 1]) {
        const sizes = Array.from({ length: k }, (_, f) =>
          folds.reduce((s, v, i) => s + (v === f && outcome[i] === y ? 1 : 0), 0),
        );
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
      const totals = Array.from({ length: k }, (_, f) => folds.filter((v) => v === f).length);
      expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(1);
    }
    expect(kFolds(outcome, 5, 3)).toEqual(kFolds(outcome, 5, 3));
    expect(() => kFolds(outcome, 1, 3)).toThrow(/model.invalid-folds/);
    expect(() => kFolds(outcome, 21, 3)).toThrow(/model.invalid-folds/);
    expect(() => kFolds(outcome.subarray(0, 4), 5, 3)).toThrow(/model.too-few-rows/);
  });

  it('any k from 2 to 20 uses every fold; unstratified folds are near-equal too', () => {
    for (const k of [2, 3, 7, 20]) {
      const folds = kFolds(outcome, k, 11, false);
      const totals = Array.from({ length: k }, (_, f) => folds.filter((v) => v === f).length);
      expect(Math.min(...totals)).toBe(Math.floor(outcome.length / k));
      expect(Math.max(...totals)).toBe(Math.ceil(outcome.length / k));
    }
  });
});
