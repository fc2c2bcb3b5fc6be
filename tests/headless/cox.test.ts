// The Cox model cell runs headless: the sample notebook with a Cox model cell
// on the insurance book, run in Node by the same runner and handlers as the
// app (an 'on-click' kind runs there as if Run were pressed).
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import type { CoxReport } from '../../src/lib/engine/survival/coxReport';

const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));

function coxNotebook(): NotebookDocument {
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
  const cell = newCell('cox', doc.cells, { id: 'cox' });
  if (cell.kind !== 'cox') throw new Error('cox cell expected');
  cell.settings = {
    ...cell.settings,
    duration: 'tenure_months',
    event: 'lapsed',
    features: ['age', 'channel', 'late_payments_12m'],
    horizons: [12, 24],
    profiles: [
      { name: '', values: [] },
      {
        name: '35, online, 2 late payments',
        values: [
          { column: 'age', value: 35 },
          { column: 'channel', value: 'online' },
          { column: 'late_payments_12m', value: 2 },
        ],
      },
    ],
  };
  doc.cells.push(cell);
  return doc;
}

describe('Cox model headless', () => {
  it('fits the insurance book, checks PH, predicts the profiles and previews customers', async () => {
    const report = await runNotebook(coxNotebook(), { files: new Map(), readAppFile });
    const outcome = report.cells.find((c) => c.cell === 'cox')!;
    expect(outcome.status).toBe('done');
    expect(outcome.output?.type).toBe('survival-model');
    const result = outcome.result as CoxReport;
    expect(result.fit.n).toBe(5000);
    expect(result.fit.converged).toBe(true);
    const late = result.fit.coefficients.find((c) => c.name === 'late_payments_12m')!;
    expect(late.hazardRatio).toBeGreaterThan(1);
    expect(result.labels.some((l) => /^channel = online vs /.test(l))).toBe(true);
    expect(result.zph.status).toBe('checked');
    expect(result.profiles.map((p) => p.status)).toEqual(['predicted', 'predicted']);
    expect(result.preview).toHaveLength(20);
    for (const c of result.preview) expect(c.atHorizons[1]).toBeLessThanOrEqual(c.atHorizons[0]);
  }, 120_000);
});
