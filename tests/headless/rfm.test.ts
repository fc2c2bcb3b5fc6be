// The RFM cell runs headless, by the same runner and handlers as the app,
// with the kind's defaults and the columns it guesses: on the sample book's
// payment log, on the CDNOW log and on the online-retail sample (unit price
// × quantity, invoices, cancellations netted) dropped into Data cells. CDNOW's
// and the retail sample's scores and segments equal
// tests/fixtures/lifecycle/make-rfm.py's (pandas; rfm-cdnow.json,
// rfm-retail.json, their first run: 5 quantile bins, transactions, total,
// returns netted, the default as-of). Each stores its per-customer dataset.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import type { ResultOf, Requests } from '../../src/lib/workers/protocol';

type Result = ResultOf<Requests, 'rfm'>;

const CDNOW = 'lifetimes__CDNOW_master.txt';
const RETAIL = 'uci_online_retail__sample_cust_mod5.csv';
const file = (name: string) =>
  readFileSync(new URL(`../fixtures/datasets/${name}`, import.meta.url));
const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));
const reference = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/lifecycle/rfm-${name}.json`, import.meta.url), 'utf8'),
  ).runs[0];
const DAY = 86_400_000;

function notebook(): NotebookDocument {
  const doc = defaultNotebook([], { id: 'nb', now: new Date('2026-01-01T00:00:00Z') });
  doc.datasets = [
    // A built-in sample, made again by name.
    { id: 'ds-pay', name: 'insurance_payments' },
    { id: 'ds-cdnow', name: CDNOW },
    { id: 'ds-retail', name: RETAIL },
  ];
  const rfm = definitionOf('rfm');
  doc.cells = [
    { id: 'pay', kind: 'data', settings: { datasetId: 'ds-pay' } },
    { id: 'r1', kind: 'rfm', settings: rfm.defaults({ input: 'pay' }) },
    { id: 'cdnow', kind: 'data', settings: { datasetId: 'ds-cdnow' } },
    { id: 'r2', kind: 'rfm', settings: rfm.defaults({ input: 'cdnow' }) },
    { id: 'retail', kind: 'data', settings: { datasetId: 'ds-retail' } },
    { id: 'r3', kind: 'rfm', settings: rfm.defaults({ input: 'retail' }) },
  ];
  return doc;
}

function expectAsReference(result: Result, ref: ReturnType<typeof reference>) {
  const { summary } = result;
  expect(summary.asOfDay).toBe(Date.parse(ref.asOf) / DAY);
  expect(summary.customers).toBe(ref.customers);
  expect(result.dataset.rowCount).toBe(ref.customers);
  summary.segments.forEach((g, k) => {
    const e = ref.segments[k];
    expect(g.customers, summary.names[k]).toBe(e.customers);
    expect(g.revenue).toBeCloseTo(e.revenue, 6);
  });
  expect(Array.from(summary.grid.count)).toEqual(ref.grid.map((g: [number, number]) => g[0]));
}

describe('rfm headless', () => {
  it('scores the payment log, CDNOW and the online-retail sample with the defaults', async () => {
    const report = await runNotebook(notebook(), {
      files: new Map([
        [CDNOW, { name: CDNOW, blob: new Blob([file(CDNOW)]) }],
        [RETAIL, { name: RETAIL, blob: new Blob([file(RETAIL)]) }],
      ]),
      readAppFile,
    });
    const outcome = (id: string) => report.cells.find((c) => c.cell === id)!;
    for (const id of ['r1', 'r2', 'r3']) expect(outcome(id).status, id).toBe('done');

    // The payment log: customer_id, paid_date, amount guessed; every customer scored.
    const pay = outcome('r1').result as Result;
    expect(pay.summary.hasAmount).toBe(true);
    expect(pay.summary.segments.reduce((a, g) => a + g.customers, 0)).toBe(pay.summary.customers);
    expect(pay.dataset.name).toBe('insurance_payments_rfm');
    expect(pay.dataset.columns.map((c) => c.name)).toEqual([
      'customer_id',
      'recency',
      'frequency',
      'monetary',
      'r_score',
      'f_score',
      'm_score',
      'rfm_code',
      'rfm_score',
      'segment',
    ]);
    // Named segments: more than one default segment holds customers.
    expect(pay.summary.segments.filter((g) => g.customers > 0).length).toBeGreaterThan(3);

    // CDNOW (customer_id, date, dollar_value) and the retail sample
    // (CustomerID, InvoiceDate, UnitPrice × Quantity, InvoiceNo) as pandas.
    const cdnow = outcome('r2').result as Result;
    expect(cdnow.report.kept).toBe(69_659);
    expectAsReference(cdnow, reference('cdnow'));
    const retail = outcome('r3').result as Result;
    expect(retail.report.returnsNetted).toBeGreaterThan(0);
    expectAsReference(retail, reference('retail'));
  }, 180_000);
});
