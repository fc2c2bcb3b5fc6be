// The Lifecycle stages cell runs headless, by the same runner and handlers as
// the app: on the CDNOW log dropped into a Data cell (columns guessed; its
// counts, snapshots, churn and transition equal to
// tests/fixtures/lifecycle/make-stages.py's, stages-cdnow.json), on the
// sample book's payment log (stages-payments.json) with a Survival cell
// below grouped by the stage column, with one rule edited, and on its policy
// table (found by its columns; in force, late payments). Each stores its
// per-customer dataset.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import type { ResultOf, Requests } from '../../src/lib/workers/protocol';

type Result = ResultOf<Requests, 'lifecycle-stages'>;

const FILE = 'lifetimes__CDNOW_master.txt';
const TEXT = readFileSync(new URL(`../fixtures/datasets/${FILE}`, import.meta.url));
const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));
const reference = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/lifecycle/stages-${name}.json`, import.meta.url), 'utf8'),
  ).runs[0];

function notebook(): NotebookDocument {
  const doc = defaultNotebook([], { id: 'nb', now: new Date('2026-01-01T00:00:00Z') });
  doc.datasets = [
    { id: 'ds-cdnow', name: FILE },
    { id: 'ds-pay', name: 'insurance_payments' },
    { id: 'ds-pol', name: 'insurance_policies' },
  ];
  const stages = definitionOf('stages');
  const edited = stages.defaults({ input: 'pay' });
  doc.cells = [
    { id: 'cdnow', kind: 'data', settings: { datasetId: 'ds-cdnow' } },
    { id: 's1', kind: 'stages', settings: stages.defaults({ input: 'cdnow' }) },
    { id: 'pay', kind: 'data', settings: { datasetId: 'ds-pay' } },
    { id: 's2', kind: 'stages', settings: stages.defaults({ input: 'pay' }) },
    {
      id: 'km',
      kind: 'survival',
      settings: {
        ...definitionOf('survival').defaults({ input: 's2' }),
        duration: 'tenure_days',
        event: 'purchases',
        group: 'stage',
      },
    },
    // The same log with At risk after 400 days instead of 180 (after Churned at 365, so it
    // never matches): nobody is at risk.
    {
      id: 's3',
      kind: 'stages',
      settings: {
        ...edited,
        rules: edited.rules.map((r) =>
          r.key === 'at-risk' ? { ...r, conditions: [{ ...r.conditions[0], value: 400 }] } : r,
        ),
      },
    },
    { id: 'pol', kind: 'data', settings: { datasetId: 'ds-pol' } },
    { id: 's4', kind: 'stages', settings: stages.defaults({ input: 'pol' }) },
  ];
  return doc;
}

describe('stages headless', () => {
  it('gives CDNOW’s and the payment log’s stages as pandas, an edited rule, and the policies’ stages', async () => {
    const report = await runNotebook(notebook(), {
      files: new Map([[FILE, { name: FILE, blob: new Blob([TEXT]) }]]),
      readAppFile,
    });
    const outcome = (id: string) => report.cells.find((c) => c.cell === id)!;
    for (const id of ['s1', 's2', 's3', 's4', 'km']) expect(outcome(id).status, id).toBe('done');

    for (const [id, name] of [
      ['s1', 'cdnow'],
      ['s2', 'payments'],
    ] as const) {
      const ref = reference(name);
      const got = outcome(id).result as Result;
      const order = got.summary.stages.map((s) => ref.stages.indexOf(s.name));
      const byRef = (values: ArrayLike<number>) =>
        ref.stages.map((_: string, j: number) => values[order.indexOf(j)]);
      expect(got.summary.mode).toBe('log');
      expect(byRef(got.summary.counts)).toEqual(ref.counts);
      const W = got.summary.stages.length + 1;
      const snap = got.summary.snapshots!;
      expect(snap.labels).toEqual(ref.months);
      expect(byRef(snap.counts.subarray((snap.labels.length - 1) * W))).toEqual(ref.counts);
      expect(Array.from(snap.churn!.churned).slice(1)).toEqual(
        ref.churn.map((c: { churned: number }) => c.churned),
      );
      expect(got.dataset.rowCount).toBe(ref.customers);
      expect(got.dataset.columns.map((c) => c.name)).toEqual([
        'customer_id',
        'stage',
        'first_purchase',
        'last_purchase',
        'purchases',
        'spend',
        'tenure_days',
        'recency_days',
      ]);
      expect(got.preview.rows.length).toBeGreaterThan(0);
    }

    // The edited rule: At risk after 400 days comes after Churned (> 365), so it matches no one,
    // and those customers move to the stages below it.
    const edited = (outcome('s3').result as Result).summary;
    const base = (outcome('s2').result as Result).summary;
    const at = (s: typeof base, name: string) =>
      s.counts[s.stages.findIndex((x) => x.name === name)];
    expect(at(edited, 'At risk')).toBe(0);
    expect(at(edited, 'Churned')).toBe(at(base, 'Churned'));
    expect(at(edited, 'New') + at(edited, 'Loyal')).toBe(
      at(base, 'New') + at(base, 'Loyal') + at(base, 'At risk'),
    );

    // The policy table: start_date / end_date found; Churned = no longer in force.
    const pol = outcome('s4').result as Result;
    expect(pol.summary.mode).toBe('table');
    expect(pol.report).toBeNull();
    expect(pol.summary.snapshots).toBeNull();
    expect(pol.summary.stages.map((s) => s.key)).toEqual([
      'prospect',
      'churned',
      'at-risk',
      'new',
      'loyal',
    ]);
    expect(pol.dataset.columns.at(-1)!.name).toBe('stage');
    expect(pol.summary.customers).toBe(pol.dataset.rowCount);
    expect(pol.summary.counts[1]).toBeGreaterThan(0);
  }, 180_000);
});
