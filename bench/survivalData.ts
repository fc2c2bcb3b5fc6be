// The survival rows' input: seeded tables with a known hazard, for the
// log-rank, Cox, cox.zph and Weibull rows. Pure; imported by the bench worker
// (./survival.worker.ts), which times the engine on the tables, and by the
// runner (./run.mjs), which writes the same rows as CSV for R (every value
// written is a whole number or has three decimals, so R's read.csv reads the
// very doubles the worker holds).

import { Random } from '../src/lib/engine/data/random';
import type { Column, DataTable } from '../src/lib/engine/data/table';

/** Rows of the log-rank row (the 1,000,000 × 3 groups). */
export const LOGRANK_ROWS = 1_000_000;
/** Rows of the Cox, cox.zph and Weibull rows (the 100,000 × 10 features). */
export const MODEL_ROWS = 100_000;

export const GROUPS = ['a', 'b', 'c'];
export const REGIONS = ['central', 'east', 'north', 'south', 'west'];
export const PLANS = ['basic', 'family', 'plus', 'premium'];
export const NUMERIC_FEATURES = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8'];
/** The model rows' 10 features: 8 numeric, then region (5 levels) and plan (4): 15 coefficients. */
export const MODEL_FEATURES = [...NUMERIC_FEATURES, 'region', 'plan'];
/** R's references (the first level in code-point order), so both code the same dummies. */
export const MODEL_REFERENCES = { region: 'central', plan: 'basic' };

/**
 * Weibull proportional hazards, shape 1.3: S(t | x) = exp(−(t / 365)^1.3 · e^η),
 * so the true Cox coefficients are the η weights below and the true Weibull
 * AFT ones −weight / 1.3 (σ = 1 / 1.3). Times in whole days (ceiling, so
 * ≥ 1 for survreg; about 2,000 distinct values, so Efron handles ties),
 * censored at a uniform day in (0, 1,000).
 */
const SHAPE = 1.3;
const SCALE_DAYS = 365;
const X_WEIGHTS = [0.4, -0.3, 0.2, -0.1, 0.05, 0, 0.1, -0.2];
const REGION_WEIGHTS = [0, 0.2, -0.1, 0.15, 0.3];
const PLAN_WEIGHTS = [0, -0.25, 0.1, -0.4];
/** Log-rank groups: the hazard of b and c is 1.1 and 1.25 times a's. */
const GROUP_LOG_HAZARDS = [0, Math.log(1.1), Math.log(1.25)];
const CENSOR_DAYS = 1000;

/** One Weibull-PH time at log relative hazard eta and its censoring: [days, event]. */
function survivalTime(random: Random, eta: number): [number, number] {
  const t = SCALE_DAYS * Math.pow(random.exponential() / Math.exp(eta), 1 / SHAPE);
  const c = random.uniform() * CENSOR_DAYS;
  return t <= c ? [Math.ceil(t), 1] : [Math.ceil(c), 0];
}

const integer = (name: string, values: Float64Array): Column => ({
  kind: 'number',
  name,
  type: 'integer',
  values,
});
const categorical = (name: string, codes: Int32Array, dictionary: string[]): Column => ({
  kind: 'string',
  name,
  type: 'categorical',
  codes,
  dictionary,
});

/** n rows of tenure_days, churned (0/1) and group (a, b, c). */
export function logrankTable(n = LOGRANK_ROWS, seed = 'bench/logrank'): DataTable {
  const random = new Random(seed);
  const days = new Float64Array(n);
  const churned = new Float64Array(n);
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    group[i] = random.int(3);
    [days[i], churned[i]] = survivalTime(random, GROUP_LOG_HAZARDS[group[i]]);
  }
  return {
    rowCount: n,
    columns: [
      integer('tenure_days', days),
      integer('churned', churned),
      categorical('group', group, GROUPS),
    ],
  };
}

/** n rows of tenure_days, churned (0/1), x1…x8 (normal, three decimals), region and plan. */
export function modelTable(n = MODEL_ROWS, seed = 'bench/cox'): DataTable {
  const random = new Random(seed);
  const days = new Float64Array(n);
  const churned = new Float64Array(n);
  const xs = NUMERIC_FEATURES.map(() => new Float64Array(n));
  const region = new Int32Array(n);
  const plan = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < xs.length; j++) {
      xs[j][i] = Math.round(random.normal() * 1000) / 1000;
      eta += X_WEIGHTS[j] * xs[j][i];
    }
    region[i] = random.int(REGIONS.length);
    plan[i] = random.int(PLANS.length);
    eta += REGION_WEIGHTS[region[i]] + PLAN_WEIGHTS[plan[i]];
    [days[i], churned[i]] = survivalTime(random, eta);
  }
  return {
    rowCount: n,
    columns: [
      integer('tenure_days', days),
      integer('churned', churned),
      ...xs.map((values, j): Column => ({
        kind: 'number',
        name: NUMERIC_FEATURES[j],
        type: 'decimal',
        values,
      })),
      categorical('region', region, REGIONS),
      categorical('plan', plan, PLANS),
    ],
  };
}

/** A table as CSV, in chunks of rows (numbers as JavaScript prints them: exact for these values). */
export function* tableCsv(table: DataTable, rowsPerChunk = 50_000): Generator<string> {
  yield table.columns.map((c) => c.name).join(',') + '\n';
  for (let start = 0; start < table.rowCount; start += rowsPerChunk) {
    const end = Math.min(table.rowCount, start + rowsPerChunk);
    const lines: string[] = [];
    for (let i = start; i < end; i++)
      lines.push(
        table.columns
          .map((c) => (c.kind === 'number' ? String(c.values[i]) : c.dictionary[c.codes[i]]))
          .join(','),
      );
    yield lines.join('\n') + '\n';
  }
}
