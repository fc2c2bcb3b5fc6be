import { describe, expect, it } from 'vitest';
import { defaultNotebook, INSURANCE_POLICIES, newCell } from '../../src/lib/notebook/defaults';
import { parseNotebook } from '../../src/lib/notebook/schema';
import { generateInsuranceBook } from '../../src/lib/engine/data/sample/insurance';

describe('newCell', () => {
  const cells = [newCell('data', [], { id: 'd1' }), newCell('data', [], { id: 'd2' })];

  it('gives Profile and Survival cells the nearest Data cell above as input', () => {
    expect(newCell('profile', cells, { id: 'p' })).toEqual({
      id: 'p',
      kind: 'profile',
      settings: { input: 'd2' },
    });
    expect(newCell('survival', cells, { id: 's', at: 1 }).settings).toMatchObject({
      input: 'd1',
      confLevel: 0.95,
      confType: 'log',
    });
    expect(newCell('profile', cells, { at: 0 }).settings).toEqual({ input: null });
    expect(newCell('data', cells).settings).toEqual({ datasetId: null });
  });

  it('passes over a summary of the log (Stages, RFM, Cohorts) for the log itself, else takes it', () => {
    const log = [newCell('data', [], { id: 'log' })];
    const stages = newCell('stages', log, { id: 'stages' });
    expect(stages.settings).toMatchObject({ input: 'log' });
    const rfm = newCell('rfm', [...log, stages], { id: 'rfm' });
    expect(rfm.settings).toMatchObject({ input: 'log' });
    const cohorts = newCell('cohorts', [...log, stages, rfm], { id: 'cohorts' });
    expect(cohorts.settings).toMatchObject({ input: 'log' });
    // A Prepare or Personas output is the rows themselves: taken as before.
    const personas = newCell('personas', [...log, stages], { id: 'personas' });
    expect(personas.settings).toMatchObject({ input: 'log' });
    expect(newCell('survival', [...log, stages, personas]).settings).toMatchObject({
      input: 'personas',
    });
    // With nothing else above, the summary is still the default.
    expect(newCell('survival', [stages]).settings).toMatchObject({ input: 'stages' });
  });

  it('makes ids unique within the notebook', () => {
    const ids = new Set(cells.map((c) => c.id));
    for (let i = 0; i < 50; i++) {
      const c = newCell('data', cells);
      expect(ids.has(c.id)).toBe(false);
      ids.add(c.id);
    }
  });
});

describe('defaultNotebook', () => {
  const datasets = [
    {
      id: 'pay',
      name: 'insurance_payments',
      source: { kind: 'sample', sample: 'insurance_payments' },
    },
    {
      id: 'pol',
      name: 'insurance_policies',
      source: { kind: 'sample', sample: INSURANCE_POLICIES },
    },
  ];

  it('builds Data → Profile → Survival on the policies, and is a valid document', () => {
    const nb = defaultNotebook(datasets, { id: 'nb', now: new Date(0) });
    expect(nb.cells.map((c) => c.kind)).toEqual(['data', 'profile', 'survival']);
    expect(nb.cells[0].settings).toEqual({ datasetId: 'pol' });
    expect(nb.cells[2].settings).toMatchObject({
      input: nb.cells[0].id,
      duration: 'tenure_months',
      event: 'lapsed',
      group: 'channel',
    });
    expect(nb.datasets).toEqual([{ id: 'pol', name: 'insurance_policies' }]);
    expect(parseNotebook(nb)).toEqual({ ok: true, notebook: nb });
  });

  it('names columns the insurance sample really has', () => {
    const { policies } = generateInsuranceBook({ seed: 1, policies: 50 });
    const names = policies.columns.map((c) => c.name);
    const s = defaultNotebook(datasets).cells[2].settings as {
      duration: string;
      event: string;
      group: string;
    };
    expect(names).toEqual(expect.arrayContaining([s.duration, s.event, s.group]));
  });

  it('still makes a valid notebook without data', () => {
    const nb = defaultNotebook([]);
    expect(nb.cells[0].settings).toEqual({ datasetId: null });
    expect(parseNotebook(nb).ok).toBe(true);
  });
});
