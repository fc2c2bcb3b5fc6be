// The rfm request end to end through the fake worker, with fake-indexeddb
// storage, on the sample book's payment log. Reference values: recency,
// frequency and monetary per customer tallied directly from the generated
// book (below, without the lifecycle engine); the scores themselves are the
// engine's, tested against pandas in tests/engine/lifecycle/rfm.test.ts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../../src/lib/engine/lifecycle/rfm';
import { isMessageKey } from '../../../src/lib/i18n';
import type { DataTable } from '../../../src/lib/engine/data/table';
import { RFM_PREVIEW_ROWS } from '../../../src/lib/workers/handlers/rfm';
import type { RfmJobSettings } from '../../../src/lib/workers/protocol';
import { book, column } from './insuranceTally';
import { setup } from './setup';

const DAY = 86_400_000;
const NAMES = [...DEFAULT_RULES.map((r) => r.name), 'other'];
const quantile = { method: 'quantile', bins: 5 } as const;
const settings: RfmJobSettings = {
  log: {
    columns: {
      customer: 'customer_id',
      date: 'paid_date',
      amount: 'amount',
      quantity: null,
      transaction: null,
    },
    returns: 'net',
    asOf: null,
  },
  frequency: 'transactions',
  monetary: 'total',
  scoring: { recency: quantile, frequency: quantile, monetary: quantile },
  weights: { recency: 1, frequency: 1, monetary: 1 },
  rules: DEFAULT_RULES.map((r) => ({ ...r })),
  segmentNames: NAMES,
};

/** Per customer, from the book's rows with a customer, a paid date and an amount. */
function tally() {
  const ids = column('customer_id', book.payments.columns);
  const paid = column('paid_date', book.payments.columns);
  const amount = column('amount', book.payments.columns);
  if (ids.kind !== 'string' || paid.kind !== 'number' || amount.kind !== 'number')
    throw new Error('unexpected types');
  const per = new Map<string, { last: number; count: number; spend: number }>();
  let lastDay = -Infinity;
  for (let i = 0; i < book.payments.rowCount; i++) {
    if (ids.codes[i] < 0 || Number.isNaN(paid.values[i]) || Number.isNaN(amount.values[i]))
      continue;
    const day = Math.floor(paid.values[i] / DAY);
    const a = amount.values[i];
    lastDay = Math.max(lastDay, day);
    const t = per.get(ids.dictionary[ids.codes[i]]) ?? { last: -Infinity, count: 0, spend: 0 };
    t.spend += a;
    if (a >= 0) {
      t.count++;
      t.last = Math.max(t.last, day);
    }
    per.set(ids.dictionary[ids.codes[i]], t);
  }
  return { per, asOfDay: lastDay + 1 };
}

function values(table: DataTable, name: string): Float64Array {
  const c = column(name, table.columns);
  if (c.kind !== 'number') throw new Error(`${name} is not numeric`);
  return c.values;
}
function labels(table: DataTable, name: string): string[] {
  const c = column(name, table.columns);
  if (c.kind !== 'string') throw new Error(`${name} is not a string column`);
  return Array.from(c.codes, (k) => c.dictionary[k]);
}

describe('rfm request', () => {
  it('scores the payment log and stores the per-customer dataset, joinable on customer_id', async () => {
    const { client, storage } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const result = await client.request('rfm', {
      notebook: 'nb',
      cell: 'rfm',
      datasetId: payments.id,
      settings,
    });
    const { per, asOfDay } = tally();
    expect(result.reused).toBe(false);
    expect(result.summary.asOfDay).toBe(asOfDay);
    expect(result.summary.customers).toBe(per.size);
    expect(result.summary.names).toEqual(NAMES);
    expect(result.summary.bins).toEqual({ recency: 5, frequency: 5, monetary: 5 });
    expect(result.summary.hasAmount).toBe(true);
    expect(result.dataset.rowCount).toBe(per.size);
    expect(result.dataset.name).toBe('insurance_payments_rfm');
    expect(result.dataset.source).toMatchObject({ kind: 'derived', notebook: 'nb', cell: 'rfm' });
    expect(result.dataset.columns).toEqual([
      expect.objectContaining({ name: 'customer_id', type: 'identifier' }),
      expect.objectContaining({ name: 'recency', type: 'integer' }),
      expect.objectContaining({ name: 'frequency', type: 'integer' }),
      expect.objectContaining({ name: 'monetary', type: 'decimal' }),
      expect.objectContaining({ name: 'r_score', type: 'integer' }),
      expect.objectContaining({ name: 'f_score', type: 'integer' }),
      expect.objectContaining({ name: 'm_score', type: 'integer' }),
      expect.objectContaining({ name: 'rfm_code', type: 'categorical' }),
      expect.objectContaining({ name: 'rfm_score', type: 'decimal' }),
      expect.objectContaining({ name: 'segment', type: 'categorical' }),
    ]);
    expect(result.preview.rows).toHaveLength(RFM_PREVIEW_ROWS);
    expect(result.report.rows).toBe(book.payments.rowCount);

    const { table } = await (await storage()).loadTable(result.dataset.id);
    const ids = labels(table, 'customer_id');
    expect(new Set(ids).size).toBe(per.size);
    const [rec, freq, mon, r, f, m, total] = [
      'recency',
      'frequency',
      'monetary',
      'r_score',
      'f_score',
      'm_score',
      'rfm_score',
    ].map((name) => values(table, name));
    const code = labels(table, 'rfm_code');
    const segment = labels(table, 'segment');
    const perSegment = new Map<string, number>();
    let revenue = 0;
    for (let i = 0; i < table.rowCount; i++) {
      const t = per.get(ids[i])!;
      expect(rec[i]).toBe(asOfDay - t.last);
      expect(freq[i]).toBe(t.count);
      expect(mon[i]).toBeCloseTo(t.spend, 6);
      expect(code[i]).toBe(`${r[i]}${f[i]}${m[i]}`);
      expect(total[i]).toBe(r[i] + f[i] + m[i]);
      perSegment.set(segment[i], (perSegment.get(segment[i]) ?? 0) + 1);
      revenue += t.spend;
    }
    // The summary agrees with the stored column, segment by segment.
    result.summary.segments.forEach((g, k) => {
      expect(g.customers, NAMES[k]).toBe(perSegment.get(NAMES[k]) ?? 0);
    });
    const revenueShares = result.summary.segments.reduce((a, g) => a + g.revenueShare, 0);
    expect(revenueShares).toBeCloseTo(1, 9);
    expect(result.summary.segments.reduce((a, g) => a + g.revenue, 0)).toBeCloseTo(revenue, 4);
    // The R × F grid counts every customer once.
    expect(result.summary.grid.count.reduce((a, b) => a + b, 0)).toBe(per.size);
  });

  it('reuses the stored dataset for the same settings and replaces it when they change', async () => {
    const { client, storage } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const params = { notebook: 'nb', cell: 'rfm', datasetId: payments.id, settings };
    const first = await client.request('rfm', params);
    const again = await client.request('rfm', params);
    expect(again.reused).toBe(true);
    expect(again.dataset).toEqual(first.dataset);
    expect(again.summary.segments).toEqual(first.summary.segments);
    const renamed = { ...settings, segmentNames: ['VIP', ...NAMES.slice(1)] };
    const third = await client.request('rfm', { ...params, settings: renamed });
    expect(third.reused).toBe(false);
    const derived = (await (await storage()).listDatasets()).filter(
      (d) => d.source.kind === 'derived',
    );
    expect(derived.map((d) => d.id)).toEqual([third.dataset.id]);
    const { table } = await (await storage()).loadTable(third.dataset.id);
    expect(labels(table, 'segment')).toContain('VIP');
  });

  it('refuses bad input with a catalogue message: as-of before all data, one customer, text amounts or dates', async () => {
    const { client } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const refusal = async (datasetId: string, s: RfmJobSettings) => {
      const error = await client
        .request('rfm', { notebook: 'nb', cell: 'rfm', datasetId, settings: s })
        .then(
          () => null,
          (e: { code: string }) => e,
        );
      expect(error).not.toBeNull();
      // Shown to the reader in both languages (the catalogues share their keys).
      expect(isMessageKey(error!.code), error!.code).toBe(true);
      return error!.code;
    };
    expect(
      await refusal(payments.id, { ...settings, log: { ...settings.log, asOf: '1990-01-01' } }),
    ).toBe('lifecycle.as-of-before-data');

    const csv = [
      'customer,day,amount,note',
      'a,2024-01-01,5,x',
      'a,2024-02-01,7,y',
      'a,2024-03-01,1,z',
    ].join('\n');
    const tiny = await client.request('ingest-file', {
      file: new File([csv], 'one.csv', { type: 'text/csv' }),
      name: 'one',
    });
    const columns = { ...settings.log.columns, customer: 'customer', date: 'day' };
    const on = (patch: object) => ({
      ...settings,
      log: { ...settings.log, columns: { ...columns, ...patch } },
    });
    expect(await refusal(tiny.id, on({}))).toBe('rfm.one-customer');
    expect(await refusal(tiny.id, on({ amount: 'note' }))).toBe('prepare.wrong-column-type');
    expect(await refusal(tiny.id, on({ date: 'note' }))).toBe('lifecycle.date-not-date');
    expect(await refusal(tiny.id, on({ date: 'when' }))).toBe('column.not-found');
  });
});
