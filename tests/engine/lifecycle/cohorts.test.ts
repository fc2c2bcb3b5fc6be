// Cohort retention (engine/lifecycle/cohorts.ts): on the CDNOW log and the
// online-retail sample against tests/fixtures/lifecycle/make-cohorts.py
// (pandas 1.5; its outputs cohorts-cdnow.json and cohorts-retail.json hold,
// per period × counting × as-of, the cohorts, sizes, n-period, unbounded and
// bracket retained counts, cell states, revenue, and per-customer checksums
// plus 150 customers' full rows), then on small logs checked by hand, then
// bad input.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_PROGRESS, type Column, type DataTable } from '../../../src/lib/engine/data/table';
import {
  COMPLETE,
  FUTURE,
  PARTIAL,
  cohortRetention,
  periodCalendar,
  policyRetention,
  type CohortOptions,
  type CohortRetention,
} from '../../../src/lib/engine/lifecycle/cohorts';
import {
  isoDay,
  readTransactionLog,
  type LogColumns,
  type TransactionLog,
} from '../../../src/lib/engine/lifecycle/transactions';
import { readDataset } from '../datasets';

interface Run {
  period: CohortOptions['period'];
  counting: CohortOptions['counting'];
  asOf: string;
  periods: number;
  cohorts: string[];
  size: number[];
  nPeriod: number[][];
  unbounded: number[][];
  bracket: number[][];
  state: number[][];
  bracketState: number[][];
  revenue: number[][];
  customers: number;
  checksum: Record<string, number>;
  sample: Record<string, [number, string, number, number, number]>;
}
interface Reference {
  brackets: { from: number; to: number }[];
  runs: Run[];
}

const reference = (name: string): Reference =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/lifecycle/cohorts-${name}.json`, import.meta.url), 'utf8'),
  );

const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(iso) / DAY;

const rows = <T>(flat: ArrayLike<T>, width: number): T[][] =>
  Array.from({ length: flat.length / width }, (_, i) =>
    Array.from(flat).slice(i * width, (i + 1) * width),
  );

function closeRows(actual: number[][], expected: number[][]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) =>
    row.forEach((v, k) =>
      expect(Math.abs(v - expected[i][k])).toBeLessThanOrEqual(
        1e-9 * (1 + Math.abs(expected[i][k])),
      ),
    ),
  );
}

async function run(
  log: TransactionLog,
  r: Run,
  kind: CohortOptions['kind'],
  brackets: CohortOptions['brackets'] = [],
): Promise<CohortRetention> {
  return cohortRetention(
    log,
    { period: r.period, counting: r.counting, kind, brackets, asOfDay: dayOf(r.asOf) },
    NO_PROGRESS,
  );
}

function checkAgainst(log: TransactionLog, ref: Reference) {
  for (const r of ref.runs) {
    const name = `${r.period}, ${r.counting}, as of ${r.asOf}`;
    it(`${name}: cohorts, sizes, n-period retention, states and revenue as make-cohorts.py`, async () => {
      const got = await run(log, r, 'n-period');
      expect(got.cohorts).toEqual(r.cohorts);
      expect(Array.from(got.size)).toEqual(r.size);
      expect(got.periods).toBe(r.periods);
      expect(rows(got.retained, r.periods)).toEqual(r.nPeriod);
      expect(rows(got.state, r.periods)).toEqual(r.state);
      closeRows(rows(got.revenue, r.periods), r.revenue);
      // The per-customer result: checksums over every customer, and the sample's rows.
      const per = got.perMember;
      expect(got.members).toBe(r.customers);
      const sum = (f: (i: number) => number) => {
        let s = 0;
        for (let i = 0; i < got.members; i++) s += f(i);
        return s;
      };
      expect(sum((i) => per.cohort[i])).toBe(r.checksum.cohort);
      expect(sum((i) => per.periodsActive[i])).toBe(r.checksum.periodsActive);
      expect(sum((i) => per.periodsActive[i] ** 2)).toBe(r.checksum.periodsActiveSquares);
      expect(sum((i) => per.lastPeriod[i])).toBe(r.checksum.lastPeriod);
      expect(sum((i) => per.lastPeriod[i] * (per.cohort[i] + 1))).toBe(
        r.checksum.lastPeriodByCohort,
      );
      expect(sum((i) => per.revenue[i])).toBeCloseTo(r.checksum.revenue, 6);
      expect(sum((i) => per.revenue[i] ** 2) / r.checksum.revenueSquares).toBeCloseTo(1, 12);
      const at = new Map<string, number>();
      for (let i = 0; i < got.members; i++) at.set(log.customers[per.index[i]], i);
      for (const [customer, [cohort, first, active, last, revenue]] of Object.entries(r.sample)) {
        const i = at.get(customer)!;
        expect(i, customer).toBeDefined();
        expect([
          per.cohort[i],
          isoDay(per.first[i]),
          per.periodsActive[i],
          per.lastPeriod[i],
        ]).toEqual([cohort, first, active, last]);
        expect(per.revenue[i]).toBeCloseTo(revenue, 5);
      }
    });
    it(`${name}: unbounded and bracket retention as make-cohorts.py`, async () => {
      const unbounded = await run(log, r, 'unbounded');
      expect(rows(unbounded.retained, r.periods)).toEqual(r.unbounded);
      const bracket = await run(log, r, 'bracket', ref.brackets);
      const B = ref.brackets.length;
      expect(rows(bracket.retained, B)).toEqual(r.bracket);
      expect(rows(bracket.state, B)).toEqual(r.bracketState);
    });
  }
}

describe('cohortRetention on CDNOW (make-cohorts.py, cohorts-cdnow.json)', () => {
  let log: TransactionLog;
  beforeAll(async () => {
    const table = await readDataset('lifetimes__CDNOW_master.txt');
    log = readTransactionLog(
      table,
      {
        customer: 'customer_id',
        date: 'date',
        amount: 'dollar_value',
        quantity: null,
        transaction: null,
      },
      'net',
    );
  });
  const ref = reference('cdnow');
  // `log` is read before the tests run; checkAgainst reads it lazily.
  checkAgainst(
    new Proxy({} as TransactionLog, { get: (_, key) => log[key as keyof TransactionLog] }),
    ref,
  );
});

describe('cohortRetention on the online-retail sample (make-cohorts.py, cohorts-retail.json)', () => {
  let log: TransactionLog;
  beforeAll(async () => {
    const table = await readDataset('uci_online_retail__sample_cust_mod5.csv');
    log = readTransactionLog(
      table,
      {
        customer: 'CustomerID',
        date: 'InvoiceDate',
        amount: 'UnitPrice',
        quantity: 'Quantity',
        transaction: 'InvoiceNo',
      },
      'net',
    );
  });
  checkAgainst(
    new Proxy({} as TransactionLog, { get: (_, key) => log[key as keyof TransactionLog] }),
    reference('retail'),
  );
});

// ---- small logs checked by hand ---------------------------------------------

const str = (name: string, values: (string | null)[]): Column => {
  const dictionary = [...new Set(values.filter((v): v is string => v !== null))];
  return {
    kind: 'string',
    name,
    type: 'identifier',
    codes: Int32Array.from(values, (v) => (v === null ? -1 : dictionary.indexOf(v))),
    dictionary,
  };
};
const num = (name: string, type: 'decimal' | 'date' | 'text', values: number[]) =>
  ({ kind: 'number', name, type, values: Float64Array.from(values) }) as Column;
const dates = (values: (string | null)[]) => values.map((v) => (v === null ? NaN : Date.parse(v)));
const COLUMNS: LogColumns = {
  customer: 'customer',
  date: 'date',
  amount: 'amount',
  quantity: null,
  transaction: null,
};

function tinyLog(entries: [string | null, string | null, number][]): TransactionLog {
  const table: DataTable = {
    rowCount: entries.length,
    columns: [
      str(
        'customer',
        entries.map((e) => e[0]),
      ),
      num('date', 'date', dates(entries.map((e) => e[1]))),
      num(
        'amount',
        'decimal',
        entries.map((e) => e[2]),
      ),
    ],
  };
  return readTransactionLog(table, COLUMNS, 'net');
}

const monthly = (asOf: string, patch: Partial<CohortOptions> = {}): CohortOptions => ({
  period: 'month',
  counting: 'calendar',
  kind: 'n-period',
  brackets: [],
  asOfDay: dayOf(asOf),
  ...patch,
});

describe('cohortRetention by hand', () => {
  // A: Jan 31, Feb 1 (calendar period 1, relative period 0), Apr 10.
  // B: Jan 5, a return on Mar 3, Mar 20. C: Feb 14 only.
  const log = tinyLog([
    ['A', '2024-01-31', 10],
    ['A', '2024-02-01', 20],
    ['B', '2024-01-05', 5],
    ['B', '2024-03-03', -2],
    ['B', '2024-03-20', 8],
    ['C', '2024-02-14', 40],
    ['A', '2024-04-10', 1],
  ]);

  it('counts calendar months: the 31st’s customer is in period 1 the next day', async () => {
    const r = await cohortRetention(log, monthly('2024-04-15'), NO_PROGRESS);
    expect(r.cohorts).toEqual(['2024-01', '2024-02']);
    expect(Array.from(r.size)).toEqual([2, 1]);
    expect(r.periods).toBe(4); // Jan … Apr
    // Jan cohort: k0 A,B; k1 A (Feb 1); k2 B (Mar 20); k3 A (Apr 10).
    // Feb cohort: k0 C; then nothing.
    expect(rows(r.retained, 4)).toEqual([
      [2, 1, 1, 1],
      [1, 0, 0, 0],
    ]);
    // As of Apr 15: Jan cohort's Jan–Mar are complete, April partial; Feb's
    // k2 is April (partial), k3 May (future).
    expect(rows(r.state, 4)).toEqual([
      [COMPLETE, COMPLETE, COMPLETE, PARTIAL],
      [COMPLETE, COMPLETE, PARTIAL, FUTURE],
    ]);
    // Revenue: Jan cohort k0 10 + 5, k1 20, k2 −2 + 8, k3 1.
    expect(rows(r.revenue, 4)).toEqual([
      [15, 20, 6, 1],
      [40, 0, 0, 0],
    ]);
    // Average at k1 over both complete cells: (1 + 0) / 3; at k2 only Jan's: 1 / 2.
    expect(Array.from(r.average)).toEqual([1, 1 / 3, 1 / 2, NaN]);
    // Revenue retention average at k1: (20 + 0) / (15 + 40).
    expect(r.averageRevenue[1]).toBeCloseTo(20 / 55, 15);
    const a = r.perMember.index.indexOf(log.customers.indexOf('A'));
    expect([
      r.perMember.periodsActive[a],
      r.perMember.lastPeriod[a],
      r.perMember.revenue[a],
    ]).toEqual([3, 3, 31]);
  });

  it('counts relative months from each customer’s own first purchase', async () => {
    const r = await cohortRetention(
      log,
      monthly('2024-04-15', { counting: 'relative' }),
      NO_PROGRESS,
    );
    // A: Jan 31 → Feb 1 is day 1 (k0), Apr 10 is day 70 → floor(70 / 30.4375) = 2.
    // B: Jan 5 → Mar 20 is day 75 → 2. Periods: floor((Apr 15 − Jan 5) / 30.4375) + 1 = 4.
    expect(r.periods).toBe(4);
    expect(rows(r.retained, 4)).toEqual([
      [2, 0, 2, 0],
      [1, 0, 0, 0],
    ]);
    // Jan cohort, latest first Jan 31: k0 ends Jan 31 + ceil(30.4375) − 1 = Mar 1 ≤ Apr 15;
    // k1 ends Jan 31 + 61 − 1 = Mar 31: complete; k2 ends Jan 31 + 92 − 1 = May 1: partial.
    expect(rows(r.state, 4).slice(0, 1)).toEqual([[COMPLETE, COMPLETE, PARTIAL, PARTIAL]]);
  });

  it('unbounded retention is monotone; brackets count a purchase anywhere in them', async () => {
    const u = await cohortRetention(log, monthly('2024-04-15', { kind: 'unbounded' }), NO_PROGRESS);
    // Jan cohort: A's last purchase in k3, B's in k2.
    expect(rows(u.retained, 4)[0]).toEqual([2, 2, 2, 1]);
    const b = await cohortRetention(
      log,
      monthly('2024-04-15', {
        kind: 'bracket',
        brackets: [
          { from: 0, to: 0 },
          { from: 1, to: 2 },
          { from: 3, to: 5 },
        ],
      }),
      NO_PROGRESS,
    );
    expect(rows(b.retained, 3)).toEqual([
      [2, 2, 1],
      [1, 0, 0],
    ]);
    expect(rows(b.state, 3)[0]).toEqual([COMPLETE, COMPLETE, PARTIAL]);
  });

  it('labels ISO weeks by the year of their Thursday', () => {
    const weeks = periodCalendar('week', 0, 0);
    // 2024-12-30 (a Monday) begins ISO week 1 of 2025; 2021-01-03 (a Sunday) is 2020-W53.
    expect(weeks.label(weeks.of(dayOf('2024-12-30')))).toBe('2025-W01');
    expect(weeks.label(weeks.of(dayOf('2021-01-03')))).toBe('2020-W53');
    expect(isoDay(weeks.start(weeks.of(dayOf('2024-06-13'))))).toBe('2024-06-10');
  });

  it('leaves out rows after the as-of day and customers who have not bought by then', async () => {
    const r = await cohortRetention(log, monthly('2024-02-10'), NO_PROGRESS);
    expect(r.cohorts).toEqual(['2024-01']);
    expect(Array.from(r.size)).toEqual([2]);
    expect(r.excluded).toBe(1); // C buys on Feb 14
  });
});

describe('policyRetention', () => {
  // P1 Jan 10 – Mar 31 (ends on March's last day: not in force at its end);
  // P2 Jan 20, in force; P3 Feb 2 – Feb 20; P4 Jan 15, ends after the as-of day.
  const table: DataTable = {
    rowCount: 4,
    columns: [
      str('policy', ['P1', 'P2', 'P3', 'P4']),
      num('start', 'date', dates(['2024-01-10', '2024-01-20', '2024-02-02', '2024-01-15'])),
      num('end', 'date', dates(['2024-03-31', null, '2024-02-20', '2024-06-01'])),
    ],
  };
  it('counts a policy in force at the end of each period, censored at the as-of date', async () => {
    const { retention: r, ids } = await policyRetention(
      table,
      { id: 'policy', start: 'start', end: 'end' },
      monthly('2024-04-20'),
      NO_PROGRESS,
    );
    expect(ids).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(r.cohorts).toEqual(['2024-01', '2024-02']);
    // Jan cohort (P1, P2, P4): end of Jan 3, Feb 3, Mar 2 (P1 ended Mar 31), Apr 2 (partial).
    // Feb cohort (P3): ended in Feb, its period 0.
    expect(rows(r.retained, 4)).toEqual([
      [3, 3, 2, 2],
      [0, 0, 0, 0],
    ]);
    expect(rows(r.state, 4)[0]).toEqual([COMPLETE, COMPLETE, COMPLETE, PARTIAL]);
    expect(r.hasRevenue).toBe(false);
  });
  it('refuses an end before its start', async () => {
    const bad: DataTable = {
      ...table,
      columns: [
        table.columns[0],
        table.columns[1],
        num('end', 'date', dates(['2023-12-31', null, null, null])),
      ],
    };
    await expect(
      policyRetention(
        bad,
        { id: 'policy', start: 'start', end: 'end' },
        monthly('2024-04-20'),
        NO_PROGRESS,
      ),
    ).rejects.toMatchObject({ code: 'cohorts.end-before-start', params: { row: 1 } });
  });
});

describe('bad input', () => {
  it('names an as-of date before all data', async () => {
    const log = tinyLog([
      ['A', '2024-01-31', 10],
      ['B', '2024-02-01', 20],
    ]);
    await expect(cohortRetention(log, monthly('2023-12-01'), NO_PROGRESS)).rejects.toMatchObject({
      code: 'lifecycle.as-of-before-data',
      params: { asOf: '2023-12-01', first: '2024-01-31' },
    });
  });
  it('refuses a log with one customer', async () => {
    const log = tinyLog([
      ['A', '2024-01-31', 10],
      ['A', '2024-02-01', 20],
      [null, '2024-02-01', 20],
    ]);
    await expect(cohortRetention(log, monthly('2024-03-01'), NO_PROGRESS)).rejects.toMatchObject({
      code: 'cohorts.one-member',
    });
  });
  it('refuses brackets out of order', async () => {
    const log = tinyLog([
      ['A', '2024-01-31', 10],
      ['B', '2024-02-01', 20],
    ]);
    const brackets = [
      { from: 0, to: 2 },
      { from: 1, to: 3 },
    ];
    await expect(
      cohortRetention(log, monthly('2024-03-01', { kind: 'bracket', brackets }), NO_PROGRESS),
    ).rejects.toMatchObject({ code: 'cohorts.bad-brackets', params: { brackets: '0–2 | 1–3' } });
  });
  it('refuses a grid of more periods than can be shown', async () => {
    const log = tinyLog([
      ['A', '2000-01-03', 10],
      ['B', '2024-02-01', 20],
    ]);
    await expect(
      cohortRetention(log, monthly('2024-03-01', { period: 'week' }), NO_PROGRESS),
    ).rejects.toMatchObject({ code: 'cohorts.too-many-periods' });
  });
  it('names a date column that is not a date, and a non-numeric amount (the shared reader)', () => {
    const table: DataTable = {
      rowCount: 1,
      columns: [str('customer', ['A']), str('date', ['x']), str('amount', ['y'])],
    };
    expect(() => readTransactionLog(table, COLUMNS, 'net')).toThrow(
      expect.objectContaining({ code: 'lifecycle.date-not-date' }),
    );
    const dated = {
      ...table,
      columns: [table.columns[0], num('date', 'date', [0]), table.columns[2]],
    };
    expect(() => readTransactionLog(dated, COLUMNS, 'net')).toThrow(
      expect.objectContaining({
        code: 'prepare.wrong-column-type',
        params: expect.objectContaining({ column: 'amount' }),
      }),
    );
  });
});
