// The Competing risks cell runs headless: a notebook with a Data cell on
// uslapseagent (CASdatasets, see tests/fixtures/datasets/SOURCES.md) and a
// Competing risks cell on duration / termination.cause by gender, run in
// Node by the same runner and handlers as the app.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import type { CompetingReport } from '../../src/lib/engine/survival/competingReport';

const FILE = 'casdatasets__uslapseagent.csv';
const CSV = readFileSync(new URL(`../fixtures/datasets/${FILE}`, import.meta.url));
const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));

function competingNotebook(): NotebookDocument {
  const doc = defaultNotebook([], { id: 'nb', now: new Date('2026-01-01T00:00:00Z') });
  doc.datasets = [{ id: 'ds-lapse', name: FILE }];
  doc.cells = [
    { id: 'data', kind: 'data', settings: { datasetId: 'ds-lapse' } },
    {
      id: 'competing',
      kind: 'competing',
      settings: {
        ...definitionOf('competing').defaults({ input: 'data' }),
        duration: 'duration',
        cause: 'termination.cause',
        censoredValue: 'in-force',
        group: 'gender',
        times: [4, 8, 12],
      },
    },
  ];
  return doc;
}

describe('competing risks headless', () => {
  it('gives the cumulative incidence per cause and Gray’s test by gender', async () => {
    const report = await runNotebook(competingNotebook(), {
      files: new Map([[FILE, { name: FILE, blob: new Blob([CSV]) }]]),
      readAppFile,
    });
    const outcome = report.cells.find((c) => c.cell === 'competing')!;
    expect(outcome.status).toBe('done');
    const result = outcome.result as CompetingReport;
    expect(result.causes).toEqual(['death', 'other', 'surrender']);
    expect(result.groups).toEqual(['Female', 'Male']);
    // SOURCES.md: surrender 11098, other 2482, death 1284 of 29317 policies.
    const events = (cause: string) =>
      result.curves.filter((c) => c.cause === cause).reduce((s, c) => s + c.events, 0);
    expect([events('surrender'), events('other'), events('death')]).toEqual([11098, 2482, 1284]);
    expect(result.tests.map((t) => t.cause)).toEqual(['death', 'other', 'surrender']);
    for (const t of result.tests) expect(t.df).toBe(1);
    expect(result.times).toEqual([4, 8, 12]);
    // 1 − KM of surrender overstates its cumulative incidence at every time read.
    const k = result.curves.findIndex((c) => c.cause === 'surrender');
    for (const at of result.atTimes[k]) expect(at.naive).toBeGreaterThan(at.estimate);
  }, 120_000);
});
