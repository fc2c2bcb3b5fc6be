// The Personas cell runs headless: the sample notebook with a Personas cell on
// the insurance book (k chosen by silhouette over k = 2…8) and a Survival cell
// below it grouped by the persona column of the Personas cell's new dataset,
// run in Node by the same runner and handlers as the app (an 'on-click' kind
// runs there as if Run were pressed). A second run with a persona renamed
// writes the new name into the column and keeps the fit.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import type { ComputeRequests, ResultOf, SurvivalResult } from '../../src/lib/workers/protocol';

type PersonasResult = ResultOf<ComputeRequests, 'fit-personas'>;
const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));
const FEATURES = ['age', 'dependants', 'annual_premium', 'late_payments_12m', 'channel'];

function personasNotebook(names: string[] = []): NotebookDocument {
  const doc = defaultNotebook(
    [
      {
        id: 'stored-in-some-browser',
        name: 'insurance_policies',
        source: { kind: 'sample', sample: 'insurance_policies' },
      },
    ],
    { id: 'nb', now: new Date('2026-01-01T00:00:00Z') },
  );
  const personas = newCell('personas', doc.cells, { id: 'personas' });
  if (personas.kind !== 'personas') throw new Error('personas cell expected');
  personas.settings = { ...personas.settings, features: FEATURES, kMax: 8, restarts: 4, names };
  doc.cells.push(personas);
  const survival = newCell('survival', doc.cells, { id: 'by-persona' });
  if (survival.kind !== 'survival') throw new Error('survival cell expected');
  survival.settings = {
    ...survival.settings,
    input: 'personas',
    duration: 'tenure_months',
    event: 'lapsed',
    group: 'persona',
  };
  doc.cells.push(survival);
  return doc;
}

describe('Personas headless', () => {
  it('finds personas on the insurance book with k by silhouette, and Survival groups by them', async () => {
    const report = await runNotebook(personasNotebook(), { files: new Map(), readAppFile });
    const outcome = report.cells.find((c) => c.cell === 'personas')!;
    expect(outcome.status).toBe('done');
    expect(outcome.output?.type).toBe('dataset');
    const result = outcome.result as PersonasResult;
    const r = result.report;
    expect(r.rows + r.excluded).toBe(5000);
    expect(r.sweep.map((p) => p.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    // The suggested k has the highest silhouette of the sweep (exact: 5,000 rows ≤ 20,000).
    expect(r.silhouetteSampled).toBe(false);
    const best = Math.max(...r.sweep.map((p) => p.silhouette!));
    expect(r.sweep.find((p) => p.k === r.suggestedK)!.silhouette).toBe(best);
    expect(r.k).toBe(r.suggestedK);
    // Inertia falls as k grows (each k's best of 4 restarts).
    for (let i = 1; i < r.sweep.length; i++)
      expect(r.sweep[i].inertia).toBeLessThan(r.sweep[i - 1].inertia);
    // Personas are numbered by size and cover the rows clustered.
    const sizes = r.clusters.map((c) => c.size);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(r.rows);
    for (const c of r.clusters) expect(c.traits.length).toBeGreaterThan(0);
    expect(result.names).toEqual(r.clusters.map((_, i) => `Persona ${i + 1}`));
    expect(result.dataset.columns.at(-1)).toEqual({ name: 'persona', type: 'categorical' });

    const survival = report.cells.find((c) => c.cell === 'by-persona')!;
    expect(survival.status).toBe('done');
    const curves = (survival.result as SurvivalResult).curves;
    expect(curves.map((c) => c.group).sort()).toEqual([...result.names].sort());
    expect(curves.reduce((s, c) => s + c.n, 0)).toBe(r.rows);
  }, 180_000);

  it('writes a renamed persona into the column', async () => {
    const report = await runNotebook(personasNotebook(['Young families']), {
      files: new Map(),
      readAppFile,
    });
    const result = report.cells.find((c) => c.cell === 'personas')!.result as PersonasResult;
    expect(result.names[0]).toBe('Young families');
    expect(result.preview.columns.at(-1)!.name).toBe('persona');
    const survival = report.cells.find((c) => c.cell === 'by-persona')!.result as SurvivalResult;
    expect(survival.curves.map((c) => c.group)).toContain('Young families');
  }, 180_000);
});
