// The Parametric survival cell runs headless: the sample notebook with a
// Parametric survival cell on the insurance book, run in Node by the same
// runner and handlers as the app (an 'on-click' kind runs there as if Run
// were pressed).
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import type { ParametricReport } from '../../src/lib/engine/survival/parametricReport';

const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));

function parametricNotebook(): NotebookDocument {
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
  const cell = newCell('parametric', doc.cells, { id: 'parametric' });
  if (cell.kind !== 'parametric') throw new Error('parametric cell expected');
  cell.settings = {
    ...cell.settings,
    duration: 'tenure_months',
    event: 'lapsed',
    features: ['age', 'channel', 'late_payments_12m'],
    horizon: 12,
  };
  doc.cells.push(cell);
  return doc;
}

describe('parametric survival headless', () => {
  it('fits the four distributions on the insurance book', async () => {
    const report = await runNotebook(parametricNotebook(), { files: new Map(), readAppFile });
    const outcome = report.cells.find((c) => c.cell === 'parametric')!;
    expect(outcome.status).toBe('done');
    expect(outcome.output?.type).toBe('survival-model');
    const result = outcome.result as ParametricReport;
    expect(result.n).toBe(5000);
    expect(result.fits.map((f) => f.status)).toEqual(['fitted', 'fitted', 'fitted', 'fitted']);
    expect(result.fits.find((f) => f.distribution === result.best)).toMatchObject({ deltaAic: 0 });
    expect(result.forecast).toHaveLength(20);
    for (const customer of result.forecast) {
      const p = customer.predictions[result.best]!;
      expect(p.residualMedian).toBeGreaterThan(0);
      expect(p.survivalAtHorizon).toBeGreaterThan(0);
      expect(p.survivalAtHorizon).toBeLessThan(1);
    }
  }, 120_000);
});
