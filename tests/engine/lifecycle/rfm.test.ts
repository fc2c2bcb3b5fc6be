// RFM (engine/lifecycle/rfm.ts): on the CDNOW log and the online-retail
// sample against tests/fixtures/lifecycle/make-rfm.py (pandas 1.5; its
// outputs rfm-cdnow.json and rfm-retail.json hold, per run — returns netted
// or dropped, frequency as transactions or days, monetary total or mean,
// quantile bins or thresholds, as-of — the customers per score, the
// per-segment summary, the R × F grid, checksums of the whole per-customer
// result and 120 customers' full rows), then small logs checked by hand,
// then bad input.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_PROGRESS, type Column, type DataTable } from '../../../src/lib/engine/data/table';
import {
  DEFAULT_RULES,
  rfm,
  type FrequencyMeasure,
  type Measure,
  type MonetaryMeasure,
  type RfmOptions,
  type RfmResult,
  type Scoring,
} from '../../../src/lib/engine/lifecycle/rfm';
import {
  asOfDayOf,
  readTransactionLog,
  type LogColumns,
  type Returns,
  type TransactionLog,
} from '../../../src/lib/engine/lifecycle/transactions';
import { readDataset } from '../datasets';

interface Run {
  returns: Returns;
  frequency: FrequencyMeasure;
  monetary: MonetaryMeasure;
  scoring: Record<Measure, Scoring>;
  asOf: string;
  customers: number;
  scoreCounts: { r: number[]; f: number[]; m: number[] };
  segments: {
    customers: number;
    revenue: number;
    revenueShare: number;
    meanRecency: number | null;
    meanFrequency: number | null;
    meanMonetary: number | null;
  }[];
  grid: [number, number | null][];
  checksum: Record<string, number>;
  sample: Record<string, [number, number, number, number, number, number, number]>;
}
interface Reference {
  rules: { name: string; r: [number, number]; fm: [number, number] }[];
  runs: Run[];
}

const reference = (name: string): Reference =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/lifecycle/rfm-${name}.json`, import.meta.url), 'utf8'),
  );

const close = (actual: number, expected: number | null) => {
  if (expected === null) expect(actual).toBeNaN();
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(expected)));
};

const WEIGHTS = { recency: 1, frequency: 1, monetary: 1 };

function options(log: TransactionLog, run: Run): RfmOptions {
  return {
    asOfDay: asOfDayOf(log, run.asOf),
    frequency: run.frequency,
    monetary: run.monetary,
    scoring: run.scoring,
    weights: WEIGHTS,
    rules: DEFAULT_RULES,
  };
}

function checkAgainst(table: () => DataTable, columns: LogColumns, ref: Reference) {
  it('uses the same segment rules as the reference', () => {
    expect(ref.rules).toEqual(DEFAULT_RULES);
  });
  for (const run of ref.runs) {
    const name = `${run.returns}, ${run.frequency}, ${run.monetary}, ${JSON.stringify(run.scoring)}, as of ${run.asOf}`;
    it(name, async () => {
      const log = readTransactionLog(table(), columns, run.returns);
      const result = await rfm(log, options(log, run), NO_PROGRESS);
      expect(result.customer.length).toBe(run.customers);
      const counts = (scores: Int32Array, q: number) => {
        const out = new Array(q).fill(0);
        scores.forEach((s) => out[s - 1]++);
        return out;
      };
      expect(counts(result.r, result.bins.recency)).toEqual(run.scoreCounts.r);
      expect(counts(result.f, result.bins.frequency)).toEqual(run.scoreCounts.f);
      expect(counts(result.m, result.bins.monetary)).toEqual(run.scoreCounts.m);
      expect(result.segments.length).toBe(run.segments.length);
      result.segments.forEach((s, k) => {
        const e = run.segments[k];
        expect(s.customers).toBe(e.customers);
        close(s.revenue, e.revenue);
        close(s.revenueShare, e.revenueShare);
        close(s.meanRecency, e.meanRecency);
        close(s.meanFrequency, e.meanFrequency);
        close(s.meanMonetary, e.meanMonetary);
      });
      expect(Array.from(result.grid.count)).toEqual(run.grid.map((g) => g[0]));
      result.grid.meanMonetary.forEach((v, g) => close(v, run.grid[g][1]));
      // Checksums of the whole per-customer result.
      const sum = (f: (i: number) => number) => {
        let s = 0;
        for (let i = 0; i < result.r.length; i++) s += f(i);
        return s;
      };
      const code = (i: number) => result.r[i] * 100 + result.f[i] * 10 + result.m[i];
      const c = run.checksum;
      expect(sum((i) => result.recency[i])).toBe(c.recency);
      expect(sum((i) => result.frequency[i])).toBe(c.frequency);
      close(
        sum((i) => result.monetary[i]),
        c.monetary,
      );
      expect(sum(code)).toBe(c.code);
      expect(sum((i) => code(i) ** 2)).toBe(c.codeSquares);
      expect(sum((i) => result.total[i])).toBe(c.total);
      expect(sum((i) => result.segment[i])).toBe(c.segment);
      expect(sum((i) => result.segment[i] * code(i))).toBe(c.segmentByCode);
      // Full rows of a deterministic sample of customers.
      const at = new Map<string, number>();
      result.customer.forEach((c, i) => at.set(log.customers[c], i));
      for (const [label, [rec, freq, mon, r, f, m, seg]] of Object.entries(run.sample)) {
        const i = at.get(label);
        expect(i, label).toBeDefined();
        expect([result.recency[i!], result.frequency[i!]]).toEqual([rec, freq]);
        close(result.monetary[i!], mon);
        expect([result.r[i!], result.f[i!], result.m[i!], result.segment[i!]]).toEqual([
          r,
          f,
          m,
          seg,
        ]);
      }
    });
  }
}

describe('rfm on CDNOW (make-rfm.py, rfm-cdnow.json)', () => {
  let table: DataTable;
  beforeAll(async () => {
    table = await readDataset('lifetimes__CDNOW_master.txt');
  });
  checkAgainst(
    () => table,
    {
      customer: 'customer_id',
      date: 'date',
      amount: 'dollar_value',
      quantity: null,
      transaction: null,
    },
    reference('cdnow'),
  );
});

describe('rfm on the online-retail sample (make-rfm.py, rfm-retail.json)', () => {
  let table: DataTable;
  beforeAll(async () => {
    table = await readDataset('uci_online_retail__sample_cust_mod5.csv');
  });
  checkAgainst(
    () => table,
    {
      customer: 'CustomerID',
      date: 'InvoiceDate',
      amount: 'UnitPrice',
      quantity: 'Quantity',
      transaction: 'InvoiceNo',
    },
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
const COLUMNS: LogColumns = {
  customer: 'customer',
  date: 'date',
  amount: 'amount',
  quantity: null,
  transaction: null,
};

function tinyTable(entries: [string | null, string | null, number][]): DataTable {
  return {
    rowCount: entries.length,
    columns: [
      str(
        'customer',
        entries.map((e) => e[0]),
      ),
      {
        kind: 'number',
        name: 'date',
        type: 'date',
        values: Float64Array.from(entries, (e) => (e[1] === null ? NaN : Date.parse(e[1]))),
      },
      {
        kind: 'number',
        name: 'amount',
        type: 'decimal',
        values: Float64Array.from(entries, (e) => e[2]),
      },
    ],
  };
}

const quantile = (bins: number): Record<Measure, Scoring> => ({
  recency: { method: 'quantile', bins },
  frequency: { method: 'quantile', bins },
  monetary: { method: 'quantile', bins },
});

async function tiny(
  entries: [string | null, string | null, number][],
  patch: Partial<RfmOptions> = {},
  returns: Returns = 'net',
): Promise<{ log: TransactionLog; result: RfmResult }> {
  const log = readTransactionLog(tinyTable(entries), COLUMNS, returns);
  const result = await rfm(
    log,
    {
      asOfDay: asOfDayOf(log, null),
      frequency: 'transactions',
      monetary: 'total',
      scoring: quantile(5),
      weights: WEIGHTS,
      rules: DEFAULT_RULES,
      ...patch,
    },
    NO_PROGRESS,
  );
  return { log, result };
}

// Five customers, by hand (as-of = 2024-01-11, the day after the last row):
//   a: 01-10 ×3 rows (10, 20, 30)  → recency 1, frequency 3, monetary 60
//   b: 01-08, 01-09 (5, 5)          → recency 2, frequency 2, monetary 10
//   c: 01-05 (100), return −40      → recency 6, frequency 1, monetary 60 (net)
//   d: 01-02 (1)                    → recency 9, frequency 1, monetary 1
//   e: 01-01 (50), 01-01 (50)       → recency 10, frequency 2, monetary 100
const FIVE: [string, string, number][] = [
  ['e', '2024-01-01', 50],
  ['e', '2024-01-01', 50],
  ['d', '2024-01-02', 1],
  ['c', '2024-01-05', 100],
  ['c', '2024-01-07', -40],
  ['b', '2024-01-08', 5],
  ['b', '2024-01-09', 5],
  ['a', '2024-01-10', 10],
  ['a', '2024-01-10', 20],
  ['a', '2024-01-10', 30],
];

describe('rfm on small logs checked by hand', () => {
  it('recency, frequency, monetary and quantile scores with ties sharing a score', async () => {
    const { log, result } = await tiny(FIVE);
    const by = (label: string) => result.customer.indexOf(log.customers.indexOf(label));
    const row = (label: string) => {
      const i = by(label);
      return [
        result.recency[i],
        result.frequency[i],
        result.monetary[i],
        result.r[i],
        result.f[i],
        result.m[i],
      ];
    };
    // N = 5, q = 5: score = 1 + ⌊5·k/5⌋ = 1 + k, k = customers strictly worse.
    // recency 1,2,6,9,10 → R 5,4,3,2,1. frequency 3,2,1,1,2 → worse-than
    // counts 4,2,0,0,2 → F 5,3,1,1,3. monetary 60,10,60,1,100 → 2,1,2,0,4 → M 3,2,3,1,5.
    expect(row('a')).toEqual([1, 3, 60, 5, 5, 3]);
    expect(row('b')).toEqual([2, 2, 10, 4, 3, 2]);
    expect(row('c')).toEqual([6, 1, 60, 3, 1, 3]);
    expect(row('d')).toEqual([9, 1, 1, 2, 1, 1]);
    expect(row('e')).toEqual([10, 2, 100, 1, 3, 5]);
    // Distinct days: e bought twice on one day, a three times on one day.
    const days = await tiny(FIVE, { frequency: 'days' });
    const fa = days.result.frequency[days.result.customer.indexOf(days.log.customers.indexOf('a'))];
    const fe = days.result.frequency[days.result.customer.indexOf(days.log.customers.indexOf('e'))];
    expect([fa, fe]).toEqual([1, 1]);
    // Mean spend per transaction: a 60 / 3 = 20.
    const mean = await tiny(FIVE, { monetary: 'mean' });
    expect(
      mean.result.monetary[mean.result.customer.indexOf(mean.log.customers.indexOf('a'))],
    ).toBe(20);
    // Segments (R, FM on 1–5): a R5, FM (5 + 3)/2 = 4 → champions;
    // e R1, FM (3 + 5)/2 = 4 → at-risk (can't lose needs FM ≥ 4.5);
    // d R2, FM 1 → hibernating (R 2–3 comes before lost's R 1–2); c R3, FM 2 → about-to-sleep; b R4, FM 2.5 → potential loyalist.
    const names = (label: string) => DEFAULT_RULES[result.segment[by(label)]].name;
    expect(['a', 'b', 'c', 'd', 'e'].map(names)).toEqual([
      'champions',
      'potential-loyalist',
      'about-to-sleep',
      'hibernating',
      'at-risk',
    ]);
    expect(result.total[by('a')]).toBe(13);
    // Net spend 60 + 10 + 60 + 1 + 100 = 231; champions hold a's 60.
    const champions = result.segments[0];
    expect(champions.customers).toBe(1);
    expect(champions.revenueShare).toBeCloseTo(60 / 231, 12);
    // The R × F grid: a at R5 × F5, mean M 60.
    expect(result.grid.count[4 * 5 + 4]).toBe(1);
    expect(result.grid.meanMonetary[4 * 5 + 4]).toBe(60);
    expect(result.tied).toEqual([]);
  });

  it('drops returns when asked: c spends 100', async () => {
    const { log, result } = await tiny(FIVE, {}, 'drop');
    expect(result.monetary[result.customer.indexOf(log.customers.indexOf('c'))]).toBe(100);
  });

  it('thresholds: recency at most t days, frequency and monetary at least t', async () => {
    const { log, result } = await tiny(FIVE, {
      scoring: {
        recency: { method: 'thresholds', thresholds: [2, 9] },
        frequency: { method: 'thresholds', thresholds: [2] },
        monetary: { method: 'thresholds', thresholds: [10, 60, 100] },
      },
      weights: { recency: 2, frequency: 1, monetary: 0.5 },
    });
    const i = (label: string) => result.customer.indexOf(log.customers.indexOf(label));
    // a: recency 1 ≤ 2 and ≤ 9 → 3; frequency 3 ≥ 2 → 2; monetary 60 ≥ 10, 60 → 3.
    expect([result.r[i('a')], result.f[i('a')], result.m[i('a')]]).toEqual([3, 2, 3]);
    // d: recency 9 ≤ 9 → 2; frequency 1 → 1; monetary 1 → 1.
    expect([result.r[i('d')], result.f[i('d')], result.m[i('d')]]).toEqual([2, 1, 1]);
    expect(result.total[i('a')]).toBe(2 * 3 + 2 + 0.5 * 3);
    expect(result.bins).toEqual({ recency: 3, frequency: 2, monetary: 4 });
  });

  it('all customers tied on frequency: every one scores 1, and it is reported', async () => {
    const { result } = await tiny([
      ['a', '2024-01-01', 5],
      ['b', '2024-01-02', 6],
      ['c', '2024-01-03', 7],
    ]);
    expect(Array.from(result.f)).toEqual([1, 1, 1]);
    expect(result.tied).toEqual(['frequency']);
  });

  it('rows after the as-of day are ignored; a customer who had not bought is not scored', async () => {
    const { log, result } = await tiny(FIVE, { asOfDay: Date.parse('2024-01-06') / 86_400_000 });
    expect(result.customer.length).toBe(3);
    const c = result.customer.indexOf(log.customers.indexOf('c'));
    expect([result.recency[c], result.monetary[c]]).toEqual([1, 100]);
  });
});

describe('rfm refuses bad input with a clear message', () => {
  it('a log with one customer', async () => {
    await expect(
      tiny([
        ['a', '2024-01-01', 5],
        ['a', '2024-01-02', 6],
      ]),
    ).rejects.toMatchObject({ code: 'rfm.one-customer' });
  });
  it('an as-of date before all data', async () => {
    await expect(
      tiny(FIVE, { asOfDay: Date.parse('2023-12-01') / 86_400_000 }),
    ).rejects.toMatchObject({ code: 'lifecycle.as-of-before-data' });
  });
  it('bins out of 2–9 and thresholds not increasing', async () => {
    await expect(tiny(FIVE, { scoring: quantile(10) })).rejects.toMatchObject({
      code: 'rfm.bad-bins',
    });
    await expect(
      tiny(FIVE, {
        scoring: { ...quantile(5), monetary: { method: 'thresholds', thresholds: [10, 5] } },
      }),
    ).rejects.toMatchObject({ code: 'rfm.bad-thresholds' });
  });
  it('no date column, a date column that is not a date, amounts not numeric', () => {
    const table = tinyTable(FIVE);
    expect(() => readTransactionLog(table, { ...COLUMNS, date: 'when' }, 'net')).toThrow();
    const text: DataTable = {
      ...table,
      columns: [
        table.columns[0],
        { ...table.columns[2], name: 'date', type: 'decimal' } as Column,
        table.columns[2],
      ],
    };
    expect(() => readTransactionLog(text, COLUMNS, 'net')).toThrow(
      expect.objectContaining({ code: 'lifecycle.date-not-date' }),
    );
    const words: DataTable = {
      ...table,
      columns: [
        table.columns[0],
        table.columns[1],
        str(
          'amount',
          FIVE.map(() => 'x'),
        ),
      ],
    };
    expect(() => readTransactionLog(words, COLUMNS, 'net')).toThrow(
      expect.objectContaining({ code: 'prepare.wrong-column-type' }),
    );
  });
  it('a customer missing in some rows: those rows are left out and counted', async () => {
    const { log, result } = await tiny([...FIVE, [null, '2024-01-03', 9]]);
    expect(log.report.missingCustomer).toBe(1);
    expect(result.customer.length).toBe(5);
  });
});
