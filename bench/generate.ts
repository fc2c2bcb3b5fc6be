// Benchmark input: a realistic, seeded 20-column customer CSV of any size,
// produced in ~1 MiB text chunks so that 1,000,000 rows (~150 MB) never sit in
// memory as one string. Pure; imported by the bench runner, which streams the
// chunks to the browser under test and to disk for the pandas comparison.
//
// The text is ASCII only (so characters = bytes), uses LF line endings, and
// never needs quoting. Missing values are empty fields.

import { Random } from '../src/lib/engine/data/random';

export const BENCH_COLUMNS = [
  'customer_id',
  'email',
  'signup_date',
  'last_order_date',
  'birth_year',
  'gender',
  'region',
  'segment',
  'channel',
  'plan',
  'tenure_months',
  'monthly_fee',
  'total_spend',
  'orders_12m',
  'avg_order_value',
  'support_tickets',
  'satisfaction',
  'credit_score',
  'discount_rate',
  'churned',
] as const;

/** Target chunk size in characters (= bytes). */
export const CHUNK_CHARS = 1 << 20;

const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const SEGMENTS = ['consumer', 'small business', 'corporate'];
const CHANNELS = ['web', 'app', 'store', 'phone'];
const PLANS = ['basic', 'standard', 'premium'];
const PLAN_FEES = [19.99, 39.99, 79.99];

const MS_PER_DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2016, 0, 1) / MS_PER_DAY;
const AS_OF_DAY = Date.UTC(2025, 11, 31) / MS_PER_DAY;
const DAYS_PER_MONTH = 30.4375;

/**
 * `rows` data rows (after a header line) of a synthetic customer table, as CSV
 * text in chunks of about CHUNK_CHARS. The same (rows, seed) always yields the
 * same chunks.
 */
export function* generateBenchCsv(rows: number, seed = 1): Generator<string> {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  }
  const rng = new Random(`bench/${seed}`);
  // Formatting dates is the costliest part per row; there are only ~3,650 distinct days.
  const isoDays: string[] = [];
  for (let d = FIRST_DAY; d <= AS_OF_DAY; d++) {
    isoDays.push(new Date(d * MS_PER_DAY).toISOString().slice(0, 10));
  }
  const span = AS_OF_DAY - FIRST_DAY;
  const idWidth = Math.max(7, String(rows).length);

  let lines: string[] = [BENCH_COLUMNS.join(',')];
  let chars = lines[0].length + 1;
  for (let i = 0; i < rows; i++) {
    const id = String(i + 1).padStart(idWidth, '0');
    const signup = rng.int(span - 30);
    const tenure = Math.floor((span - signup) / DAYS_PER_MONTH);
    const plan = rng.categorical([0.5, 0.35, 0.15]);
    const segment = rng.categorical([0.7, 0.22, 0.08]);
    const discount = rng.bernoulli(0.3) ? Math.round(rng.uniform() * 30) / 100 : 0;
    const fee = PLAN_FEES[plan] * (1 - discount);
    const orders = rng.poisson(2 + 3 * plan + 4 * segment);
    const aov = orders > 0 ? 15 + rng.gamma(2, 20 + 15 * plan) : NaN;
    const tickets = rng.poisson(0.6 + 0.3 * plan);
    const satisfaction = rng.bernoulli(0.12)
      ? NaN
      : clamp(Math.round(rng.normal(4 - 0.4 * tickets, 0.9)), 1, 5);
    const lastOrder = orders > 0 || rng.bernoulli(0.5) ? signup + rng.int(span - signup + 1) : NaN;
    // Churn rises with tickets and low satisfaction, falls with tenure: a learnable signal.
    const logit =
      -1.2 +
      0.35 * tickets -
      0.5 * ((Number.isNaN(satisfaction) ? 3 : satisfaction) - 3) -
      0.02 * tenure;
    const churned = rng.bernoulli(1 / (1 + Math.exp(-logit)));
    const fields = [
      'CUST-' + id,
      'customer' + id + '@example.com',
      isoDays[signup],
      Number.isNaN(lastOrder) ? '' : isoDays[lastOrder],
      String(1945 + rng.int(62)),
      rng.bernoulli(0.02) ? '' : rng.bernoulli(0.5) ? 'female' : 'male',
      REGIONS[rng.categorical([0.22, 0.24, 0.2, 0.16, 0.18])],
      SEGMENTS[segment],
      CHANNELS[rng.categorical([0.35, 0.3, 0.25, 0.1])],
      PLANS[plan],
      String(tenure),
      fee.toFixed(2),
      rng.bernoulli(0.01) ? '' : (fee * tenure + (orders > 0 ? orders * aov : 0)).toFixed(2),
      String(orders),
      Number.isNaN(aov) ? '' : aov.toFixed(2),
      String(tickets),
      Number.isNaN(satisfaction) ? '' : String(satisfaction),
      rng.bernoulli(0.05) ? '' : String(clamp(Math.round(rng.normal(680, 70)), 300, 850)),
      discount.toFixed(2),
      churned ? 'yes' : 'no',
    ];
    const line = fields.join(',');
    lines.push(line);
    chars += line.length + 1;
    if (chars >= CHUNK_CHARS) {
      yield lines.join('\n') + '\n';
      lines = [];
      chars = 0;
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
