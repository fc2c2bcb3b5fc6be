// The Cohorts cell runs headless, by the same runner and handlers as the app:
// on the CDNOW log dropped into a Data cell (its grid equal to
// tests/fixtures/lifecycle/make-cohorts.py's, cohorts-cdnow.json, month ×
// calendar), on the sample book's payment log (revenue retention), and on
// its policy table (in force by start cohort, the policy table found by
// its columns). Each stores its per-customer dataset.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import type { ResultOf, Requests } from '../../src/lib/workers/protocol';

type Result = ResultOf<Requests, 'cohort-retention'>;

const FILE = 'lifetimes__CDNOW_master.txt';
const TEXT = readFileSync(new URL(`../fixtures/datasets/${FILE}`, import.meta.url));
const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));
const reference = JSON.parse(
  readFileSync(new URL('../fixtures/lifecycle/cohorts-cdnow.json', import.meta.url), 'utf8'),
);

function notebook(): NotebookDocument {
  const doc = defaultNotebook([], { id: 'nb', now: new Date('2026-01-01T00:00:00Z') });
  doc.datasets = [
    { id: 'ds-cdnow', name: FILE },
    // Built-in samples, made again by name.
    { id: 'ds-pay', name: 'insurance_payments' },
    { id: 'ds-pol', name: 'insurance_policies' },
  ];
  const cohorts = definitionOf('cohorts');
  doc.cells = [
    { id: 'cdnow', kind: 'data', settings: { datasetId: 'ds-cdnow' } },
    { id: 'c1', kind: 'cohorts', settings: cohorts.defaults({ input: 'cdnow' }) },
    { id: 'pay', kind: 'data', settings: { datasetId: 'ds-pay' } },
    {
      id: 'c2',
      kind: 'cohorts',
      settings: { ...cohorts.defaults({ input: 'pay' }), period: 'quarter' },
    },
    { id: 'pol', kind: 'data', settings: { datasetId: 'ds-pol' } },
    {
      id: 'c3',
      kind: 'cohorts',
      settings: { ...cohorts.defaults({ input: 'pol' }), period: 'quarter' },
    },
  ];
  return doc;
}

describe('cohorts headless', () => {
  it('gives CDNOW’s grid as pandas, the payment log’s revenue retention and the policies’ in-force view', async () => {
    const report = await runNotebook(notebook(), {
      files: new Map([[FILE, { name: FILE, blob: new Blob([TEXT]) }]]),
      readAppFile,
    });
    const outcome = (id: string) => report.cells.find((c) => c.cell === id)!;
    for (const id of ['c1', 'c2', 'c3']) expect(outcome(id).status, id).toBe('done');

    // CDNOW, columns guessed (customer_id, date, dollar_value), month × calendar.
    const cdnow = outcome('c1').result as Result;
    const ref = reference.runs.find(
      (r: { period: string; counting: string; asOf: string }) =>
        r.period === 'month' && r.counting === 'calendar' && r.asOf === '1998-07-01',
    );
    expect(cdnow.grid.cohorts).toEqual(ref.cohorts);
    expect(Array.from(cdnow.grid.size)).toEqual(ref.size);
    expect(Array.from(cdnow.grid.retained)).toEqual(ref.nPeriod.flat());
    expect(cdnow.report?.kept).toBe(69_659);
    expect(cdnow.dataset.rowCount).toBe(23_570);
    expect(cdnow.dataset.columns.map((c) => c.name)).toEqual([
      'customer_id',
      'cohort',
      'cohort_start_date',
      'periods_active',
      'last_active_period',
      'revenue',
    ]);

    // The payment log: every customer paid in their own period 0, and revenue is read.
    const pay = (outcome('c2').result as Result).grid;
    expect(pay.mode).toBe('log');
    expect(pay.hasRevenue).toBe(true);
    for (let i = 0; i < pay.cohorts.length; i++) {
      expect(pay.retained[i * pay.periods]).toBe(pay.size[i]);
      expect(pay.revenue[i * pay.periods]).toBeGreaterThan(0);
    }
    expect(pay.average[0]).toBe(1);

    // The policies: start_date / end_date found, so the in-force view.
    const pol = outcome('c3').result as Result;
    expect(pol.grid.mode).toBe('policy');
    expect(pol.report).toBeNull();
    expect(pol.grid.members + pol.grid.excluded).toBe(pol.dataset.rowCount + pol.grid.excluded);
    // In force never rises with the periods of a cohort.
    const K = pol.grid.periods;
    for (let i = 0; i < pol.grid.cohorts.length; i++) {
      for (let k = 1; k < K; k++) {
        expect(pol.grid.retained[i * K + k]).toBeLessThanOrEqual(pol.grid.retained[i * K + k - 1]);
      }
    }
  }, 180_000);
});
