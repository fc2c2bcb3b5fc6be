// The built-in insurance sample: a seeded, synthetic book of policies and its
// premium-payment log. Pure; runs in the worker (and in Node tests).
//
// Lapse times come from a stated Weibull proportional-hazards model
// (LAPSE_MODEL below; docs/sample-data.md explains it for teachers), so that a
// Cox or Weibull fit on the generated book recovers known coefficients. The
// behaviour counts that enter the model (late payments, complaints, claims)
// are drawn before the lapse time, so they cause lapse and never the reverse.
//
// Determinism: every draw comes from streams derived from the seed ('book',
// 'lapse', 'payments'), so the same seed gives byte-identical columns, and
// changing how payments are generated leaves the policies unchanged.

import { EngineError, type Column, type DataTable } from '../table';
import { Random, type Seed } from '../random';
import {
  DAY_MS,
  days,
  daysFromMonths,
  daysFromYears,
  money,
  months,
  monthsFromDays,
  probability,
  years,
  yearsFromDays,
  type Money,
  type Probability,
} from '../../units';

export interface InsuranceBookOptions {
  seed?: Seed;
  /** Number of policies (default 5,000). */
  policies?: number;
  /** The day the book is observed, ISO 'YYYY-MM-DD' (default '2025-12-31'). */
  asOf?: string;
}

export interface InsuranceBook {
  policies: DataTable;
  payments: DataTable;
}

export const DEFAULT_SEED = 2025;
export const DEFAULT_POLICIES = 5000;
export const DEFAULT_AS_OF = '2025-12-31';
export const MAX_POLICIES = 1_000_000;

// Category levels, in the order their dictionaries list them. The first level
// of each modelled factor is the model's reference level.
export const GENDERS = ['female', 'male'] as const;
export const REGIONS = ['North', 'South', 'East', 'West', 'Central'] as const;
export const INCOME_BANDS = ['<30k', '30k-60k', '60k-100k', '100k+'] as const;
export const OCCUPATION_CLASSES = ['office', 'skilled', 'manual', 'hazardous'] as const;
export const CHANNELS = ['agent', 'bancassurance', 'broker', 'online'] as const;
export const PRODUCTS = ['whole life', 'term life', 'health', 'motor'] as const;
export const FREQUENCIES = ['annual', 'quarterly', 'monthly'] as const;
export const METHODS = ['direct debit', 'card', 'bank transfer', 'cash'] as const;
export const LAPSE_REASONS = [
  'non-payment',
  'surrender',
  'switched provider',
  'affordability',
] as const;
export const PAYMENT_STATUSES = ['paid', 'late', 'missed'] as const;

const INSTALMENTS_PER_YEAR = [1, 4, 12] as const; // by FREQUENCIES index
const MONTHS_PER_INSTALMENT = [12, 3, 1] as const;

/**
 * The lapse model. Time t is in months since the policy start; the hazard is
 *
 *   h(t | x) = (k / lambda) (t / lambda)^(k - 1) · exp(beta · x)
 *
 * so S(t | x) = exp(-(t / lambda)^k · exp(beta · x)). `lambda` is the scale
 * for the reference policyholder (agent channel, annual payment, whole life,
 * age 40 at start, no late payments, complaints or denied claims, the
 * customer's only policy); k < 1 makes lapse most likely early in a policy's
 * life, as in real books.
 */
export const LAPSE_MODEL = {
  shape: 0.8,
  scaleMonths: months(300),
  /** Age enters as (age at start - 40), per year. */
  ageCentre: 40,
  beta: {
    'channel=bancassurance': 0.25,
    'channel=broker': 0.2,
    'channel=online': 0.5,
    'payment_frequency=quarterly': 0.15,
    'payment_frequency=monthly': 0.35,
    'product=term life': 0.3,
    'product=health': 0.15,
    'product=motor': 0.6,
    late_payments_12m: 0.2,
    complaints_12m: 0.35,
    claim_denied: 0.7,
    // A customer who holds several policies lapses less: leaving means undoing
    // more than one contract, bundles often carry a multi-policy discount, and
    // the customer has already chosen the insurer more than once; insurers
    // cross-sell for exactly this retention (DOMAIN.md: loyal customers get
    // cross-sell). -0.4 (hazard ratio 0.67) is the model's largest protective
    // effect, about the online channel's penalty in reverse: clearly visible in
    // a Kaplan–Meier plot, yet smaller than a denied claim. About a third of
    // the policies are multi-policy, so the default book estimates it to ±0.05
    // and the 50,000-policy test to ±0.02.
    multi_policy: -0.4,
    age: -0.01,
  },
} as const;

export type LapseCovariate = keyof typeof LAPSE_MODEL.beta;

/** One policy's inputs to the lapse model, by the columns of the policies table. */
export interface LapseModelInputs {
  channel: number; // index into CHANNELS
  frequency: number; // index into FREQUENCIES
  product: number; // index into PRODUCTS
  latePayments: number;
  complaints: number;
  claimDenied: number;
  /** 1 when the customer holds more than one policy in the book, else 0. */
  multiPolicy: number;
  age: number;
}

/** The linear predictor beta · x of LAPSE_MODEL for one policy. */
export function lapseLinearPredictor(x: LapseModelInputs): number {
  const b = LAPSE_MODEL.beta;
  const channel = [0, b['channel=bancassurance'], b['channel=broker'], b['channel=online']];
  const frequency = [0, b['payment_frequency=quarterly'], b['payment_frequency=monthly']];
  const product = [0, b['product=term life'], b['product=health'], b['product=motor']];
  return (
    channel[x.channel] +
    frequency[x.frequency] +
    product[x.product] +
    b.late_payments_12m * x.latePayments +
    b.complaints_12m * x.complaints +
    b.claim_denied * x.claimDenied +
    b.multi_policy * x.multiPolicy +
    b.age * (x.age - LAPSE_MODEL.ageCentre)
  );
}

interface Policy extends LapseModelInputs {
  order: number; // generation order, to break ties in start date
  customer: number;
  gender: number;
  region: number;
  income: number; // -1 when not disclosed
  occupation: number;
  dependants: number;
  sumAssured: Money;
  annualPremium: Money;
  method: number;
  /** Chance that one instalment is paid late (drives late_payments_12m and the log). */
  pLate: Probability;
  claims: number;
  startDay: number;
  endDay: number; // NaN while in force
  reason: number; // -1 while in force
}

function parseAsOf(asOf: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  const ms = match ? Date.UTC(+match[1], +match[2] - 1, +match[3]) : NaN;
  if (!match || new Date(ms).toISOString().slice(0, 10) !== asOf) {
    throw new EngineError('sample.invalid-as-of', { value: asOf });
  }
  return ms / DAY_MS;
}

/** The day `months` calendar months after `day`, clamped to the month's end (Jan 31 + 1 = Feb 28). */
function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)) / DAY_MS;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Generates the insurance sample: `policies` (one row per policy) and
 * `payments` (one row per premium instalment due up to the lapse or as-of day).
 */
export function generateInsuranceBook(options: InsuranceBookOptions = {}): InsuranceBook {
  const seed = options.seed ?? DEFAULT_SEED;
  const n = options.policies ?? DEFAULT_POLICIES;
  if (!Number.isInteger(n) || n < 1 || n > MAX_POLICIES) {
    throw new EngineError('sample.invalid-size', { value: n, max: MAX_POLICIES });
  }
  const asOfDay = parseAsOf(options.asOf ?? DEFAULT_AS_OF);
  const root = new Random(seed);

  const policies = drawBook(root.derive('book'), n, asOfDay);
  drawLapses(root.derive('lapse'), policies, asOfDay);

  // Ids follow the order in which policies were written, as in an admin system.
  policies.sort((a, b) => a.startDay - b.startDay || a.order - b.order);
  const customerIds = new Map<number, number>();
  for (const p of policies) {
    if (!customerIds.has(p.customer)) customerIds.set(p.customer, customerIds.size);
  }

  const policyIds = idList('P', policies.length);
  const customerDictionary = idList('C', customerIds.size);
  return {
    policies: policiesTable(policies, policyIds, customerIds, customerDictionary, asOfDay),
    payments: paymentsTable(
      root.derive('payments'),
      policies,
      policyIds,
      Int32Array.from(policies, (p) => customerIds.get(p.customer) ?? -1),
      customerDictionary,
      asOfDay,
    ),
  };
}

/** 'P000001', 'P000002', …: six digits, more when the count needs them. */
function idList(prefix: string, count: number): string[] {
  const width = Math.max(6, String(count).length);
  return Array.from({ length: count }, (_, i) => prefix + String(i + 1).padStart(width, '0'));
}

/** Customers and their policies' covariates: everything except the lapse. */
function drawBook(rng: Random, n: number, asOfDay: number): Policy[] {
  const asOfYear = new Date(asOfDay * DAY_MS).getUTCFullYear();
  // Policies start from 1 January ten years before the as-of year until a
  // month before the as-of day, uniformly: a book written at a steady pace.
  const firstDay = Date.UTC(asOfYear - 10, 0, 1) / DAY_MS;
  const lastDay = asOfDay - 30;
  const startDay = (from: number) => from + Math.floor(rng.uniform() * (lastDay - from + 1));

  const policies: Policy[] = [];
  for (let customer = 0; policies.length < n; customer++) {
    // The customer: shared by all their policies.
    const gender = rng.categorical([0.49, 0.51]);
    const region = rng.categorical([0.22, 0.24, 0.2, 0.16, 0.18]);
    const firstStart = startDay(firstDay);
    const firstAge = Math.round(clamp(rng.normal(42, 12), 18, 75));
    const birthDay = firstStart - Math.floor(daysFromYears(years(firstAge + rng.uniform())));
    const incomeWeights =
      firstAge < 30
        ? [0.4, 0.4, 0.15, 0.05]
        : firstAge < 55
          ? [0.2, 0.35, 0.3, 0.15]
          : [0.3, 0.35, 0.25, 0.1];
    // About 5% do not disclose their income: a column to clean, outside the lapse model.
    const income = rng.bernoulli(0.05) ? -1 : rng.categorical(incomeWeights);
    const occupation = rng.categorical([0.45, 0.3, 0.2, 0.05]);
    const dependants = Math.min(6, rng.poisson(firstAge >= 28 && firstAge < 55 ? 1.3 : 0.4));
    const count = Math.min(n - policies.length, 1 + rng.categorical([0.8, 0.15, 0.05]));
    // Counted from the policies this customer really has in the book: the last
    // customer can be cut short by the requested size. Not a draw, so the
    // 'book' stream is unchanged.
    const multiPolicy = count > 1 ? 1 : 0;

    for (let j = 0; j < count; j++) {
      const start = j === 0 ? firstStart : startDay(firstStart);
      const age = Math.floor(yearsFromDays(days(start - birthDay)));
      const channel = rng.categorical(
        age < 35
          ? [0.3, 0.2, 0.15, 0.35]
          : age < 55
            ? [0.4, 0.27, 0.15, 0.18]
            : [0.5, 0.3, 0.14, 0.06],
      );
      const product = rng.categorical(
        [
          [0.3, 0.3, 0.25, 0.15], // agent
          [0.4, 0.25, 0.2, 0.15], // bancassurance
          [0.15, 0.2, 0.25, 0.4], // broker
          [0.05, 0.35, 0.2, 0.4], // online
        ][channel],
      );
      const sumAssured = drawSumAssured(rng, product, income);
      const annualPremium = drawPremium(rng, product, sumAssured, age, occupation);
      const frequency = rng.categorical(
        product === 3 ? [0.6, 0.1, 0.3] : income === 0 ? [0.15, 0.2, 0.65] : [0.25, 0.2, 0.55],
      );
      const method = rng.categorical(
        [
          [0.5, 0.1, 0.15, 0.25], // agent
          [0.8, 0.05, 0.15, 0], // bancassurance
          [0.55, 0.2, 0.2, 0.05], // broker
          [0.3, 0.55, 0.1, 0.05], // online
        ][channel],
      );
      // Chance that one instalment is paid late: payment method and income
      // drive it, so they act on lapse only through late payments.
      const pLate = probability(
        Math.min(
          0.6,
          0.05 *
            [0.5, 1, 1.6, 2.5][method] *
            (income < 0 ? 1.2 : [2, 1.3, 1, 0.7][income]) *
            (age < 30 ? 1.3 : 1),
        ),
      );
      const latePayments = rng.binomial(INSTALMENTS_PER_YEAR[frequency], pLate);
      const claims = rng.poisson([0.01, 0.005, 0.45, 0.2][product]);
      const claimDenied = claims > 0 ? rng.bernoulli(1 - Math.pow(0.85, claims)) : 0;
      const complaints = rng.poisson(
        0.08 * [0.8, 1, 1, 1.4][channel] * (claims > 0 ? 2 : 1) * (claimDenied ? 2 : 1),
      );
      policies.push({
        order: policies.length,
        customer,
        gender,
        region,
        income,
        occupation,
        dependants,
        age,
        channel,
        product,
        sumAssured,
        annualPremium,
        frequency,
        method,
        pLate,
        latePayments,
        complaints,
        claims,
        claimDenied,
        multiPolicy,
        startDay: start,
        endDay: NaN,
        reason: -1,
      });
    }
  }
  return policies;
}

function drawSumAssured(rng: Random, product: number, income: number): Money {
  const incomeFactor = income < 0 ? 1 : [0.6, 1, 1.5, 2.5][income];
  let amount: number;
  switch (product) {
    case 0: // whole life
      amount = Math.max(
        20_000,
        Math.round((120_000 * incomeFactor * Math.exp(rng.normal(0, 0.5))) / 5000) * 5000,
      );
      break;
    case 1: // term life
      amount = Math.max(
        50_000,
        Math.round((250_000 * incomeFactor * Math.exp(rng.normal(0, 0.5))) / 10_000) * 10_000,
      );
      break;
    case 2: // health: an annual benefit limit from a short menu
      amount = [50_000, 100_000, 200_000, 500_000][rng.categorical([0.3, 0.4, 0.2, 0.1])];
      break;
    default: // motor: the insured vehicle's value
      amount = Math.max(
        3000,
        Math.round((22_000 * Math.sqrt(incomeFactor) * Math.exp(rng.normal(0, 0.45))) / 500) * 500,
      );
  }
  return money(amount);
}

function drawPremium(
  rng: Random,
  product: number,
  sumAssured: Money,
  age: number,
  occupation: number,
): Money {
  const noise = Math.exp(rng.normal(0, 0.08));
  const occupationLoading = [1, 1.1, 1.3, 1.6][occupation];
  let premium: number;
  switch (product) {
    case 0: // whole life: level premium, rising with entry age
      premium = sumAssured * 0.018 * Math.exp(0.035 * (age - 40));
      break;
    case 1: // term life: mortality cost, steep in age
      premium = sumAssured * 0.0012 * Math.exp(0.075 * (age - 40)) * occupationLoading;
      break;
    case 2: // health
      premium =
        900 *
        Math.pow(sumAssured / 100_000, 0.4) *
        Math.exp(0.035 * (age - 40)) *
        occupationLoading;
      break;
    default: // motor: young and very old drivers pay more
      premium = sumAssured * 0.035 * (age < 25 ? 1.8 : age < 30 ? 1.3 : age >= 70 ? 1.3 : 1);
  }
  return money(Math.max(60, round2(premium * noise)));
}

/** Lapse times from LAPSE_MODEL, administrative censoring at the as-of day, and reasons. */
function drawLapses(rng: Random, policies: Policy[], asOfDay: number): void {
  const { shape, scaleMonths } = LAPSE_MODEL;
  for (const p of policies) {
    // S(t | x) = exp(-(t / lambda)^k e^eta) is a Weibull with scale lambda e^(-eta / k).
    const eta = lapseLinearPredictor(p);
    const lapseAfter = months(rng.weibull(shape, scaleMonths * Math.exp(-eta / shape)));
    // Dates are whole days: the lapse falls on the day it happens, at least a day after the start.
    const endDay = p.startDay + Math.max(1, Math.ceil(daysFromMonths(lapseAfter)));
    // The reason is drawn for every policy so that the stream does not depend on censoring.
    const reason = rng.categorical(
      p.product === 3
        ? [0.25, 0.05, 0.55, 0.15]
        : p.latePayments > 0
          ? [0.55, 0.2, 0.1, 0.15]
          : [0.3, 0.35, 0.15, 0.2],
    );
    if (endDay > asOfDay) continue; // in force on the as-of day: censored
    p.endDay = endDay;
    // Non-payment needs a missed instalment after the first, which opened the policy.
    const instalments = countDue(p.startDay, MONTHS_PER_INSTALMENT[p.frequency], endDay, false);
    p.reason = reason === 0 && instalments < 2 ? 1 : reason;
  }
}

/** How many instalments fall due from `startDay`, every `step` months, before (or on) `untilDay`. */
function countDue(startDay: number, step: number, untilDay: number, inclusive: boolean): number {
  let i = 0;
  for (;;) {
    const due = addMonths(startDay, i * step);
    if (inclusive ? due > untilDay : due >= untilDay) return i;
    i++;
  }
}

function policiesTable(
  policies: Policy[],
  policyIds: readonly string[],
  customerIds: Map<number, number>,
  customerDictionary: readonly string[],
  asOfDay: number,
): DataTable {
  const n = policies.length;

  const num = (
    name: string,
    type: 'integer' | 'decimal' | 'boolean' | 'date',
    f: (p: Policy) => number,
  ): Column => ({
    kind: 'number',
    name,
    type,
    values: Float64Array.from(policies, f),
  });
  const cat = (name: string, dictionary: readonly string[], f: (p: Policy) => number): Column => ({
    kind: 'string',
    name,
    type: 'categorical',
    codes: Int32Array.from(policies, f),
    dictionary,
  });
  const observedUntil = (p: Policy) => (Number.isNaN(p.endDay) ? asOfDay : p.endDay);

  return {
    rowCount: n,
    columns: [
      {
        kind: 'string',
        name: 'policy_id',
        type: 'identifier',
        codes: Int32Array.from(policies, (_, i) => i),
        dictionary: policyIds,
      },
      {
        kind: 'string',
        name: 'customer_id',
        type: 'identifier',
        codes: Int32Array.from(policies, (p) => customerIds.get(p.customer) ?? -1),
        dictionary: customerDictionary,
      },
      // Beside customer_id because it summarises that key (does another row
      // share it?): a fact about the customer, the same on all their policies,
      // not one of the per-policy 12-month behaviour counts further on.
      num('multi_policy', 'boolean', (p) => p.multiPolicy),
      cat('gender', GENDERS, (p) => p.gender),
      num('age', 'integer', (p) => p.age),
      cat('region', REGIONS, (p) => p.region),
      cat('income_band', INCOME_BANDS, (p) => p.income),
      cat('occupation_class', OCCUPATION_CLASSES, (p) => p.occupation),
      num('dependants', 'integer', (p) => p.dependants),
      cat('channel', CHANNELS, (p) => p.channel),
      cat('product', PRODUCTS, (p) => p.product),
      num('sum_assured', 'integer', (p) => p.sumAssured),
      num('annual_premium', 'decimal', (p) => p.annualPremium),
      cat('payment_frequency', FREQUENCIES, (p) => p.frequency),
      cat('payment_method', METHODS, (p) => p.method),
      num('late_payments_12m', 'integer', (p) => p.latePayments),
      num('complaints_12m', 'integer', (p) => p.complaints),
      num('claims_12m', 'integer', (p) => p.claims),
      num('claim_denied', 'boolean', (p) => p.claimDenied),
      num('start_date', 'date', (p) => p.startDay * DAY_MS),
      num('end_date', 'date', (p) => p.endDay * DAY_MS),
      num('tenure_months', 'decimal', (p) =>
        round2(monthsFromDays(days(observedUntil(p) - p.startDay))),
      ),
      num('lapsed', 'boolean', (p) => (Number.isNaN(p.endDay) ? 0 : 1)),
      cat('lapse_reason', LAPSE_REASONS, (p) => p.reason),
    ],
  };
}

/**
 * The premium log. Instalments fall due every 1, 3 or 12 calendar months from
 * the start, strictly before the lapse day (or up to the as-of day when in
 * force). The first opens the policy and is paid on time. Within the last 12
 * months of observation exactly late_payments_12m instalments are late (fewer
 * only when fewer payable instalments fell due there, mostly for policies
 * observed less than a year); earlier ones are late at the policy's own rate. A
 * non-payment lapse leaves its last instalment missed. Late payments arrive
 * 1–60 days late, and never after the end of observation.
 */
function paymentsTable(
  rng: Random,
  policies: Policy[],
  policyIds: readonly string[],
  customerOf: Int32Array,
  customerDictionary: readonly string[],
  asOfDay: number,
): DataTable {
  const policyCodes: number[] = [];
  const instalmentNo: number[] = [];
  const dueDays: number[] = [];
  const paidDays: number[] = [];
  const amounts: number[] = [];
  const daysLate: number[] = [];
  const statuses: number[] = [];

  policies.forEach((p, code) => {
    const lapsed = !Number.isNaN(p.endDay);
    const until = lapsed ? p.endDay : asOfDay;
    const step = MONTHS_PER_INSTALMENT[p.frequency];
    const count = countDue(p.startDay, step, until, !lapsed);
    const amount = round2(p.annualPremium / INSTALMENTS_PER_YEAR[p.frequency]);
    const windowStart = addMonths(until, -12); // the last 12 months: (windowStart, until]
    const missedLast = p.reason === 0;

    const due: number[] = [];
    for (let i = 0; i < count; i++) due.push(addMonths(p.startDay, i * step));
    // Which instalments can be late: not the opening one, not the missed one,
    // and due at least a day before observation ends.
    const canBeLate = (i: number) => i > 0 && !(missedLast && i === count - 1) && due[i] < until;
    const late = new Uint8Array(count);
    const inWindow: number[] = [];
    for (let i = 0; i < count; i++) {
      if (!canBeLate(i)) continue;
      if (due[i] > windowStart) inWindow.push(i);
      else late[i] = rng.bernoulli(p.pLate);
    }
    // Exactly late_payments_12m of the window's instalments, chosen at random
    // (a partial Fisher–Yates shuffle).
    const k = Math.min(p.latePayments, inWindow.length);
    for (let j = 0; j < k; j++) {
      const r = j + rng.int(inWindow.length - j);
      [inWindow[j], inWindow[r]] = [inWindow[r], inWindow[j]];
      late[inWindow[j]] = 1;
    }

    for (let i = 0; i < count; i++) {
      policyCodes.push(code);
      instalmentNo.push(i + 1);
      dueDays.push(due[i]);
      amounts.push(amount);
      if (missedLast && i === count - 1) {
        paidDays.push(NaN);
        daysLate.push(NaN);
        statuses.push(2);
      } else if (late[i]) {
        const d = Math.min(until - due[i], 1 + Math.min(59, Math.floor(rng.exponential(1 / 10))));
        paidDays.push(due[i] + d);
        daysLate.push(d);
        statuses.push(1);
      } else {
        paidDays.push(due[i]);
        daysLate.push(0);
        statuses.push(0);
      }
    }
  });

  const n = policyCodes.length;
  const days = (xs: number[]) => Float64Array.from(xs, (d) => d * DAY_MS);
  return {
    rowCount: n,
    columns: [
      {
        kind: 'string',
        name: 'policy_id',
        type: 'identifier',
        codes: Int32Array.from(policyCodes),
        dictionary: policyIds,
      },
      // The policy holder, so that the log is a customer's transaction log
      // (customer, date, amount) without a join. Drawn from no random stream.
      {
        kind: 'string',
        name: 'customer_id',
        type: 'identifier',
        codes: Int32Array.from(policyCodes, (code) => customerOf[code]),
        dictionary: customerDictionary,
      },
      {
        kind: 'number',
        name: 'instalment',
        type: 'integer',
        values: Float64Array.from(instalmentNo),
      },
      { kind: 'number', name: 'due_date', type: 'date', values: days(dueDays) },
      { kind: 'number', name: 'paid_date', type: 'date', values: days(paidDays) },
      { kind: 'number', name: 'amount', type: 'decimal', values: Float64Array.from(amounts) },
      { kind: 'number', name: 'days_late', type: 'integer', values: Float64Array.from(daysLate) },
      {
        kind: 'string',
        name: 'status',
        type: 'categorical',
        codes: Int32Array.from(statuses),
        dictionary: PAYMENT_STATUSES,
      },
    ],
  };
}
