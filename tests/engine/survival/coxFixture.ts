// The R references of tests/fixtures/r/cox-reference.json (written by
// tests/fixtures/r/make-cox.R, R 4 and survival 3.5-3) and the tables they
// were computed on.
import { readFileSync } from 'node:fs';
import type { DataTable } from '../../../src/lib/engine/data/table';
import { readFixtureTable } from './fixtureTable';

export interface RCurve {
  time: number[];
  surv: number[];
  cumhaz: number[];
  horizons: number[];
  atHorizons: number[];
}

export interface RFitCase {
  kind: 'fit';
  dataset: string;
  file: string;
  features: string[];
  interactions: { a: string; b: string }[];
  references: Record<string, string>;
  strata: string[];
  ties: 'efron' | 'breslow';
  call: string;
  n: number;
  nevent: number;
  names: string[];
  coefficients: number[];
  se: number[];
  z: number[];
  p: number[];
  var: number[];
  means: number[];
  loglik: [number, number];
  lr: { test: number; df: number; p: number };
  wald: { test: number; df: number; p: number };
  score: { test: number; df: number; p: number };
  aic: number;
  iter: number;
  concordance: { counts: number[]; concordance: number; var: number; std: number };
  zph: {
    terms: string[];
    chisq: number[];
    df: number[];
    p: number[];
    x: number[];
    time: number[];
    y: (number | null)[];
    ycols: string[];
  };
  predict: { rows: number[]; lp: number[]; risk: number[]; curves: RCurve[] };
}

export interface RAliasedCase {
  kind: 'aliased';
  call: string;
  names: string[];
  coefficients: (number | null)[];
  se: (number | null)[];
  loglik: [number, number];
}

export interface RRidgeCase {
  kind: 'ridge';
  dataset: string;
  file: string;
  call: string;
  features: string[];
  strata: string[];
  theta: number;
  ties: 'efron' | 'breslow';
  coefficients: number[];
  var: number[];
  var2: number[];
  loglik: [number, number];
  penalty: number[];
  df: number;
  iter: number[];
}

export type RCase = RFitCase | RAliasedCase | RRidgeCase;

const dir = 'tests/fixtures/r';
export const cases: RCase[] = JSON.parse(readFileSync(`${dir}/cox-reference.json`, 'utf8'));
export const fitCases = cases.filter((c): c is RFitCase => c.kind === 'fit');
export const ridgeCases = cases.filter((c): c is RRidgeCase => c.kind === 'ridge');
export const aliasedCase = cases.find((c): c is RAliasedCase => c.kind === 'aliased')!;

const tables = new Map<string, DataTable>();
export function tableOf(file: string): DataTable {
  let t = tables.get(file);
  if (!t) {
    t = readFixtureTable(`${dir}/data/${file}`);
    tables.set(file, t);
  }
  return t;
}

/** |a − b| ≤ tol·max(|b|, floor): relative, with an absolute floor for values near 0. */
export function close(a: number, b: number, tol = 1e-8, floor = 1e-6): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(b), floor);
}

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-8,
  floor = 1e-6,
  label = '',
): void {
  if (actual.length !== expected.length)
    throw new Error(`${label}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++)
    if (!close(actual[i], expected[i], tol, floor))
      throw new Error(
        `${label}[${i}]: ${actual[i]} vs R ${expected[i]} (rel ${Math.abs(actual[i] - expected[i]) / Math.abs(expected[i])})`,
      );
}
