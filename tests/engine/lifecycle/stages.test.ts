// Lifecycle stages (engine/lifecycle/stages.ts): on the CDNOW log, the
// online-retail sample and the sample book's payment log against
// tests/fixtures/lifecycle/make-stages.py (pandas; its outputs
// stages-cdnow.json, stages-retail.json and stages-payments.json hold, per
// as-of day and rule set, the counts and revenue per stage, the monthly
// snapshots, churn and win-back counts, the transition matrix and 150
// customers' summaries), then on small logs and tables checked by hand,
// then bad input.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EngineError,
  NO_PROGRESS,
  type Column,
  type DataTable,
} from '../../../src/lib/engine/data/table';
import { generateInsuranceBook } from '../../../src/lib/engine/data/sample/insurance';
import {
  defaultRules,
  monthEnds,
  sixMonthsBefore,
  stagesOfLog,
  stagesOfTable,
  stagesTable,
  SUMMARY_FIELDS,
  UNMATCHED,
  withStageColumn,
  type StageRule,
  type StagesResult,
} from '../../../src/lib/engine/lifecycle/stages';
import {
  isoDay,
  readTransactionLog,
  type LogColumns,
  type TransactionLog,
} from '../../../src/lib/engine/lifecycle/transactions';
import { readDataset } from '../datasets';

interface Run {
  asOf: string;
  atRisk: number;
  stages: string[];
  customers: number;
  counts: number[];
  revenue: number[];
  months: string[];
  snapshots: number[][];
  churn: { base: number; churned: number; winBackBase: number; wonBack: number }[];
  from: string;
  transition: number[][];
  sample: {
    customer: string;
    stage: string;
    first: string | null;
    last: string | null;
    purchases: number;
    spend: number;
  }[];
}

const reference = (name: string): Run[] =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/lifecycle/stages-${name}.json`, import.meta.url), 'utf8'),
  ).runs;

const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(iso) / DAY;
const field = (name: (typeof SUMMARY_FIELDS)[number]) => SUMMARY_FIELDS.indexOf(name);

/** The default rules with At risk at `atRisk` days (the reference's 'edited' run). */
function rules(atRisk: number): StageRule[] {
  return defaultRules('log').map((r) =>
    r.key === 'at-risk'
      ? { ...r, conditions: [{ field: 'recency_days', op: '>', value: atRisk }] }
      : r,
  );
}

function checkAgainst(get: () => TransactionLog, runs: Run[], asOfDefault: string) {
  for (const r of runs) {
    it(`as of ${r.asOf}, At risk after ${r.atRisk} days: as make-stages.py`, async () => {
      const log = get();
      // The reference names its stages in the engine's default order.
      const got = await stagesOfLog(
        log,
        rules(r.atRisk),
        { asOfDay: dayOf(r.asOf), fromDay: null },
        NO_PROGRESS,
      );
      const order = got.stages.map((s) => r.stages.indexOf(s.name));
      expect(order.every((i) => i >= 0)).toBe(true);
      const byRef = (values: ArrayLike<number>) => r.stages.map((_, j) => values[order.indexOf(j)]);
      expect(got.customers).toBe(r.customers);
      expect(byRef(got.counts)).toEqual(r.counts);
      expect(got.counts[got.stages.length]).toBe(0); // the catch-all leaves none unmatched
      byRef(got.revenue).forEach((v, j) => expect(v).toBeCloseTo(r.revenue[j], 6));
      const snapshots = got.snapshots!;
      expect(snapshots.labels).toEqual(r.months);
      const W = got.stages.length + 1;
      r.snapshots.forEach((row, s) =>
        expect(byRef(snapshots.counts.subarray(s * W, s * W + W)), r.months[s]).toEqual(row),
      );
      const churn = snapshots.churn!;
      r.churn.forEach((c, i) => {
        const s = i + 1;
        expect(
          [churn.base[s], churn.churned[s], churn.winBackBase[s], churn.wonBack[s]],
          r.months[s],
        ).toEqual([c.base, c.churned, c.winBackBase, c.wonBack]);
        expect(churn.rate[s]).toBe(c.base > 0 ? c.churned / c.base : NaN);
      });
      const t = got.transition!;
      expect(isoDay(t.fromDay)).toBe(r.from);
      // Reference rows: the stages, then '(not yet)'; the engine's: the stages, unmatched, not yet.
      const K = got.stages.length;
      const cell = (a: number, b: number) => t.counts[a * W + b];
      r.transition.forEach((row, a) => {
        const from = a < K ? order.indexOf(a) : K + 1;
        expect(row.map((_, b) => cell(from, order.indexOf(b)))).toEqual(row);
      });
      // 150 customers' summaries.
      const at = new Map<string, number>();
      got.perCustomer.index.forEach((c, i) => at.set(log.customers[c], i));
      const per = got.perCustomer;
      for (const s of r.sample) {
        const i = at.get(s.customer)!;
        expect(i, s.customer).toBeDefined();
        const date = (v: number) => (Number.isNaN(v) ? null : isoDay(v));
        expect([
          got.stages[per.stage[i]].name,
          date(per.fields[field('first_purchase')][i]),
          date(per.fields[field('last_purchase')][i]),
          per.fields[field('purchases')][i],
        ]).toEqual([s.stage, s.first, s.last, s.purchases]);
        expect(per.fields[field('spend')][i]).toBeCloseTo(s.spend, 6);
      }
    });
  }
  it('takes the day after the last transaction as the as-of day by default', () => {
    expect(isoDay(get().lastDay + 1)).toBe(asOfDefault);
  });
}

const lazy = (load: () => Promise<TransactionLog>) => {
  let log: TransactionLog;
  beforeAll(async () => {
    log = await load();
  });
  return () => log;
};

describe('stagesOfLog on CDNOW (make-stages.py, stages-cdnow.json)', () => {
  const get = lazy(async () =>
    readTransactionLog(
      await readDataset('lifetimes__CDNOW_master.txt'),
      {
        customer: 'customer_id',
        date: 'date',
        amount: 'dollar_value',
        quantity: null,
        transaction: null,
      },
      'net',
    ),
  );
  checkAgainst(get, reference('cdnow'), '1998-07-01');
});

describe('stagesOfLog on the online-retail sample (make-stages.py, stages-retail.json)', () => {
  const get = lazy(async () =>
    readTransactionLog(
      await readDataset('uci_online_retail__sample_cust_mod5.csv'),
      {
        customer: 'CustomerID',
        date: 'InvoiceDate',
        amount: 'UnitPrice',
        quantity: 'Quantity',
        transaction: 'InvoiceNo',
      },
      'net',
    ),
  );
  checkAgainst(get, reference('retail'), '2011-12-10');
});

describe('stagesOfLog on the sample book’s payment log (make-stages.py, stages-payments.json)', () => {
  // The generated book itself; make-stages.py reads its dump (dump-payments.ts).
  const get = lazy(async () =>
    readTransactionLog(
      generateInsuranceBook().payments,
      {
        customer: 'customer_id',
        date: 'paid_date',
        amount: 'amount',
        quantity: null,
        transaction: null,
      },
      'net',
    ),
  );
  checkAgainst(get, reference('payments'), '2026-01-01');
});

// ---- small logs and tables checked by hand ------------------------------------

const str = (name: string, values: (string | null)[], type = 'identifier'): Column => {
  const dictionary = [...new Set(values.filter((v): v is string => v !== null))];
  return {
    kind: 'string',
    name,
    type: type as 'identifier',
    codes: Int32Array.from(values, (v) => (v === null ? -1 : dictionary.indexOf(v))),
    dictionary,
  };
};
const num = (name: string, type: 'decimal' | 'integer' | 'date' | 'boolean', values: number[]) =>
  ({ kind: 'number', name, type, values: Float64Array.from(values) }) as Column;
const dates = (name: string, values: (string | null)[]) =>
  num(
    name,
    'date',
    values.map((v) => (v === null ? NaN : Date.parse(v))),
  );

const LOG: LogColumns = {
  customer: 'c',
  date: 'd',
  amount: 'a',
  quantity: null,
  transaction: null,
};

function logOf(rows: [string | null, string | null, number][]): TransactionLog {
  const table: DataTable = {
    rowCount: rows.length,
    columns: [
      str(
        'c',
        rows.map((r) => r[0]),
      ),
      dates(
        'd',
        rows.map((r) => r[1]),
      ),
      num(
        'a',
        'decimal',
        rows.map((r) => r[2]),
      ),
    ],
  };
  return readTransactionLog(table, LOG, 'net');
}

const names = (result: StagesResult, log: TransactionLog) =>
  Object.fromEntries(
    Array.from(result.perCustomer.index, (c, i) => [
      log.customers[c],
      result.perCustomer.stage[i] === UNMATCHED
        ? null
        : result.stages[result.perCustomer.stage[i]].name,
    ]),
  );

describe('stagesOfLog on a small log checked by hand', () => {
  // As of 2024-12-31, with the default rules:
  // a: bought 2023-06-01 only → recency 579 > 365: Churned.
  // b: 2024-03-01 and 2024-05-01 → recency 244 > 180: At risk.
  // c: 2024-11-15 only (tenure 46) → New.
  // d: 2024-01-10, 2024-12-01 → recency 30, tenure 356, 2 purchases: Loyal.
  // e: only a return (−5) on 2024-06-01 → no purchase: Prospect.
  // f: first row 2025-01-05, after the as-of day → not yet known.
  const log = logOf([
    ['a', '2023-06-01', 10],
    ['b', '2024-03-01', 20],
    ['b', '2024-05-01', 30],
    ['c', '2024-11-15', 5],
    ['d', '2024-01-10', 7],
    ['d', '2024-12-01', 8],
    ['e', '2024-06-01', -5],
    ['f', '2025-01-05', 9],
  ]);
  const asOfDay = dayOf('2024-12-31');

  it('stages, counts, revenue, summary and the dataset', async () => {
    const got = await stagesOfLog(
      log,
      defaultRules('log'),
      { asOfDay, fromDay: null },
      NO_PROGRESS,
    );
    expect(names(got, log)).toEqual({
      a: 'Churned',
      b: 'At risk',
      c: 'New',
      d: 'Loyal',
      e: 'Prospect',
    });
    expect(got.customers).toBe(5);
    expect(got.excluded).toBe(1);
    // Order: Prospect, Churned, At risk, New, Loyal, unmatched.
    expect(Array.from(got.counts)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(Array.from(got.revenue)).toEqual([-5, 10, 50, 5, 15, 0]);
    const table = stagesTable(got, log.customers, 'customer');
    expect(table.columns.map((c) => c.name)).toEqual([
      'customer',
      'stage',
      'first_purchase',
      'last_purchase',
      'purchases',
      'spend',
      'tenure_days',
      'recency_days',
    ]);
    const b = log.customers.indexOf('b');
    const i = Array.from(got.perCustomer.index).indexOf(b);
    const values = table.columns.slice(2).map((c) => (c.kind === 'number' ? c.values[i] : NaN));
    expect(values).toEqual([dayOf('2024-03-01') * DAY, dayOf('2024-05-01') * DAY, 2, 50, 305, 244]);
  });

  it('snapshots by month, churn and win-back, and the transition from 2024-06-30', async () => {
    const got = await stagesOfLog(
      log,
      defaultRules('log'),
      { asOfDay, fromDay: dayOf('2024-06-30') },
      NO_PROGRESS,
    );
    const s = got.snapshots!;
    expect(s.labels[0]).toBe('2023-06');
    expect(s.labels.at(-1)).toBe('2024-12');
    expect(s.labels).toHaveLength(19);
    expect(isoDay(s.days[0])).toBe('2023-06-30');
    const W = 6;
    const at = (label: string) =>
      Array.from(s.counts.subarray(s.labels.indexOf(label) * W).slice(0, W));
    // 2024-05-31: a's recency is 365 (not > 365) → At risk; b: tenure 91, 2 purchases → Loyal;
    // d: tenure 142, 1 purchase → New.
    expect(at('2024-05')).toEqual([0, 0, 1, 1, 1, 0]);
    // 2024-06-30: a recency 395 → Churned; e's return makes her known: Prospect.
    expect(at('2024-06')).toEqual([1, 1, 0, 1, 1, 0]);
    const churn = s.churn!;
    const june = s.labels.indexOf('2024-06');
    // At 05-31 a, b, d were known and none churned; a churned in June.
    expect([churn.base[june], churn.churned[june], churn.rate[june]]).toEqual([3, 1, 1 / 3]);
    // December: d (At risk at 11-30, recency 325) bought again, but win-back counts only the
    // Churned at 11-30 (a), who did not come back.
    const dec = s.labels.indexOf('2024-12');
    expect([churn.winBackBase[dec], churn.wonBack[dec]]).toEqual([1, 0]);
    // The transition from 2024-06-30 (Prospect e, Churned a, New d, Loyal b) to the as-of day.
    const t = got.transition!;
    const cell = (from: number, to: number) => t.counts[from * W + to];
    expect(cell(0, 0)).toBe(1); // e stays a prospect
    expect(cell(1, 1)).toBe(1); // a stays churned
    expect(cell(4, 2)).toBe(1); // b: Loyal → At risk
    expect(cell(3, 4)).toBe(1); // d: New → Loyal
    expect(cell(6, 3)).toBe(1); // c: not yet a customer → New
    expect(t.counts.reduce((x, y) => x + y, 0)).toBe(5);
  });

  it('first match wins, all / any, in a set, missing, and unmatched customers', async () => {
    const custom: StageRule[] = [
      {
        name: 'Big',
        key: null,
        match: 'all',
        conditions: [{ field: 'spend', op: '>=', value: 50 }],
      },
      {
        name: 'Either',
        key: null,
        match: 'any',
        conditions: [
          { field: 'purchases', op: 'in', values: ['2'] },
          { field: 'recency_days', op: '<', value: 60 },
        ],
      },
      {
        name: 'Never',
        key: null,
        match: 'all',
        conditions: [{ field: 'last_purchase', op: 'missing' }],
      },
    ];
    const got = await stagesOfLog(log, custom, { asOfDay, fromDay: null }, NO_PROGRESS);
    // b has spend 50 and 2 purchases: Big wins. d: 2 purchases; c: recency 46. a matches none.
    expect(names(got, log)).toEqual({ a: null, b: 'Big', c: 'Either', d: 'Either', e: 'Never' });
    expect(Array.from(got.counts)).toEqual([1, 2, 1, 1]);
  });
});

describe('stagesOfTable', () => {
  // A policy table as of 2025-01-01: p1 in force since 2024-12-01 (tenure 31 → New); p2 ended
  // 2024-06-30 → Churned; p3 in force since 2020, 2 late payments → At risk; p4 in force since
  // 2019 → Loyal; p5 starts 2025-03-01 → Prospect; a row without an id is left out.
  const table: DataTable = {
    rowCount: 6,
    columns: [
      str('policy_id', ['p1', 'p2', 'p3', 'p4', 'p5', null]),
      dates('start_date', [
        '2024-12-01',
        '2022-01-01',
        '2020-01-01',
        '2019-05-01',
        '2025-03-01',
        '2020-01-01',
      ]),
      dates('end_date', [null, '2024-06-30', null, null, null, null]),
      num('premium', 'decimal', [100, 200, 300, 400, 500, 600]),
      num('late_payments_12m', 'integer', [0, 0, 2, 0, 0, 0]),
      str('region', ['N', 'S', 'N', 'E', 'N', 'S'], 'categorical'),
    ],
  };
  const columns = {
    id: 'policy_id',
    dates: 'policy' as const,
    first: 'start_date',
    last: 'end_date',
    purchases: null,
    spend: 'premium',
  };

  it('in force, tenure and recency from start and end, a column in the rules, the stage column', async () => {
    const got = await stagesOfTable(
      table,
      columns,
      defaultRules('policy', ['late_payments_12m']),
      dayOf('2025-01-01'),
      NO_PROGRESS,
    );
    expect(got.stages.map((s) => s.name)).toEqual([
      'Prospect',
      'Churned',
      'At risk',
      'New',
      'Loyal',
    ]);
    expect(Array.from(got.perCustomer.stage)).toEqual([3, 1, 2, 4, 0]);
    expect(got.excluded).toBe(1);
    expect(Array.from(got.revenue)).toEqual([500, 200, 300, 100, 400, 0]);
    const f = got.perCustomer.fields;
    expect(f[field('tenure_days')][1]).toBe(dayOf('2024-06-30') - dayOf('2022-01-01'));
    expect(f[field('recency_days')][1]).toBe(dayOf('2025-01-01') - dayOf('2024-06-30'));
    expect(Array.from(f[field('in_force')])).toEqual([1, 0, 1, 1, NaN]);
    const out = withStageColumn(table, got, 'stage');
    const stage = out.columns.at(-1)!;
    expect(stage.kind === 'string' && Array.from(stage.codes)).toEqual([3, 1, 2, 4, 0, -1]);
    // A category rule on any column.
    const byRegion = await stagesOfTable(
      table,
      columns,
      [
        {
          name: 'North',
          key: null,
          match: 'all',
          conditions: [{ field: 'region', op: 'in', values: ['N'] }],
        },
        {
          name: 'Not south',
          key: null,
          match: 'all',
          conditions: [{ field: 'region', op: 'not-in', values: ['S'] }],
        },
      ],
      dayOf('2025-01-01'),
      NO_PROGRESS,
    );
    expect(Array.from(byRegion.perCustomer.stage)).toEqual([0, UNMATCHED, 0, 1, 0]);
  });
});

describe('calendar helpers', () => {
  it('month ends and six months before', () => {
    const m = monthEnds(dayOf('2024-01-15'), dayOf('2024-03-10'));
    expect(m.labels).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(Array.from(m.days, isoDay)).toEqual(['2024-01-31', '2024-02-29', '2024-03-10']);
    expect(isoDay(sixMonthsBefore(dayOf('2024-08-31')))).toBe('2024-02-29');
    expect(isoDay(sixMonthsBefore(dayOf('1998-07-01')))).toBe('1998-01-01');
  });
});

describe('bad input', () => {
  const log = logOf([
    ['a', '2024-01-01', 1],
    ['b', '2024-02-01', 2],
  ]);
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      expect(e).toBeInstanceOf(EngineError);
      return (e as EngineError).code;
    }
    return 'no error';
  };
  const opts = { asOfDay: dayOf('2024-06-01'), fromDay: null };
  it('an as-of day before all data, one customer, a transition day out of range', async () => {
    expect(
      await code(
        stagesOfLog(
          log,
          defaultRules('log'),
          { asOfDay: dayOf('2023-01-01'), fromDay: null },
          NO_PROGRESS,
        ),
      ),
    ).toBe('lifecycle.as-of-before-data');
    const one = logOf([
      ['a', '2024-01-01', 1],
      ['a', '2024-03-01', 1],
      [null, '2024-03-01', 1],
    ]);
    expect(one.report.missingCustomer).toBe(1);
    expect(await code(stagesOfLog(one, defaultRules('log'), opts, NO_PROGRESS))).toBe(
      'stages.one-customer',
    );
    expect(
      await code(
        stagesOfLog(log, defaultRules('log'), { ...opts, fromDay: opts.asOfDay }, NO_PROGRESS),
      ),
    ).toBe('stages.from-not-before');
    expect(
      await code(
        stagesOfLog(
          log,
          defaultRules('log'),
          { ...opts, fromDay: dayOf('2023-01-01') },
          NO_PROGRESS,
        ),
      ),
    ).toBe('stages.from-before-data');
  });
  it('rules: none, a duplicate or empty name, an unknown field, a comparison without a number', async () => {
    const rule = (r: Partial<StageRule>): StageRule => ({
      name: 'x',
      key: null,
      match: 'all',
      conditions: [],
      ...r,
    });
    expect(await code(stagesOfLog(log, [], opts, NO_PROGRESS))).toBe('stages.no-rules');
    expect(await code(stagesOfLog(log, [rule({}), rule({})], opts, NO_PROGRESS))).toBe(
      'stages.bad-name',
    );
    expect(await code(stagesOfLog(log, [rule({ name: ' ' })], opts, NO_PROGRESS))).toBe(
      'stages.bad-name',
    );
    expect(
      await code(
        stagesOfLog(
          log,
          [rule({ conditions: [{ field: 'churn_p', op: '>', value: 1 }] })],
          opts,
          NO_PROGRESS,
        ),
      ),
    ).toBe('stages.unknown-field');
    expect(
      await code(
        stagesOfLog(log, [rule({ conditions: [{ field: 'spend', op: '>' }] })], opts, NO_PROGRESS),
      ),
    ).toBe('stages.bad-condition');
  });
  it('unparseable dates: a text date column is refused by name', () => {
    const table: DataTable = {
      rowCount: 2,
      columns: [
        str('c', ['a', 'b']),
        str('d', ['01/13/2024', 'soon'], 'text'),
        num('a', 'decimal', [1, 2]),
      ],
    };
    expect(() => readTransactionLog(table, LOG, 'net')).toThrow(EngineError);
  });
});
