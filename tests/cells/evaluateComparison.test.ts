// The notebook-wide metrics table (cells/evaluate/comparison.ts): a notebook
// with two logistic models on the sample book, one Evaluate cell comparing
// them on the test rows and another reading the first on its validation
// rows, run headless. Each row of the comparison must be the metrics of its
// own Evaluate cell's result (those are checked against scikit-learn and
// pROC in tests/engine/evaluate/), named by the right cells and rows.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import type { EvaluationResult } from '../../src/lib/engine/evaluate/report';
import { headlineMetrics, modelComparison } from '../../src/lib/cells/evaluate/comparison';

const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));

function notebook() {
  const doc = defaultNotebook(
    [
      {
        id: 'sample',
        name: 'insurance_policies',
        source: { kind: 'sample', sample: 'insurance_policies' },
      },
    ],
    { id: 'nb', now: new Date('2026-01-01T00:00:00Z') },
  );
  const features = [
    ['age', 'channel', 'late_payments_12m', 'complaints_12m', 'claim_denied'],
    ['age', 'channel'],
  ];
  features.forEach((f, i) => {
    const model = newCell('model', doc.cells, { id: `model${i + 1}` });
    if (model.kind !== 'model') throw new Error('model cell expected');
    model.settings = {
      ...model.settings,
      target: 'lapsed',
      positive: 'true',
      features: f,
      profile: false,
    };
    doc.cells.push(model);
  });
  const both = newCell('evaluate', doc.cells, { id: 'both' });
  if (both.kind !== 'evaluate') throw new Error('evaluate cell expected');
  both.settings = { ...both.settings, model: 'model1', compare: ['model2'], rows: 'test' };
  doc.cells.push(both);
  const validation = newCell('evaluate', doc.cells, { id: 'validation' });
  if (validation.kind !== 'evaluate') throw new Error('evaluate cell expected');
  validation.settings = { ...validation.settings, model: 'model1', rows: 'validation' };
  doc.cells.push(validation);
  return doc;
}

describe('every model evaluated in the notebook', () => {
  it('one row per model per Evaluate cell, with its own metrics, cells and rows', async () => {
    const doc = notebook();
    const report = await runNotebook(doc, { files: new Map(), readAppFile });
    expect(report.cells.map((c) => [c.cell, c.status])).toEqual(
      doc.cells.map((c) => [c.id, 'done']),
    );
    const results = new Map(report.cells.map((c) => [c.cell, c.result as EvaluationResult]));
    const rows = modelComparison(doc.cells, (id) => results.get(id) ?? null);

    const both = results.get('both')!;
    const validation = results.get('validation')!;
    // 1-based positions in the notebook, whose default cells come first.
    const at = (id: string) => doc.cells.findIndex((c) => c.id === id) + 1;
    expect(
      rows.map((r) => [r.model.cell, r.model.position, r.evaluation.cell, r.evaluation.rows]),
    ).toEqual([
      ['model1', at('model1'), 'both', 'test'],
      ['model2', at('model2'), 'both', 'test'],
      ['model1', at('model1'), 'validation', 'validation'],
    ]);
    expect(rows[0].metrics).toEqual(headlineMetrics(both.models[0]));
    expect(rows[1].metrics).toEqual(headlineMetrics(both.models[1]));
    expect(rows[2].metrics).toEqual(headlineMetrics(validation.models[0]));
    expect(rows[0].rows).toBe(both.rows);
    expect(rows[2].rows).toBe(validation.rows);
    // The fuller model ranks the test rows better than age and channel alone.
    expect(rows[0].metrics.auc).toBeGreaterThan(rows[1].metrics.auc);
    expect(rows[0].metrics.topDecileLift).toBe(both.models[0].gains[0].lift);
    expect(rows.every((r) => r.scoreColumn === null && r.model.kind === 'model')).toBe(true);
  });

  it('leaves out an Evaluate cell without a result, or one whose models changed since it ran', async () => {
    const doc = notebook();
    const report = await runNotebook(doc, { files: new Map(), readAppFile });
    const results = new Map(report.cells.map((c) => [c.cell, c.result as EvaluationResult]));
    expect(modelComparison(doc.cells, () => null)).toEqual([]);
    // The first Evaluate cell now compares three models, but its result holds two.
    const changed = doc.cells.map((c) =>
      c.id === 'both' && c.kind === 'evaluate'
        ? { ...c, settings: { ...c.settings, compare: ['model2', 'model2'] } }
        : c,
    );
    const rows = modelComparison(changed, (id) => results.get(id) ?? null);
    expect(rows.map((r) => r.evaluation.cell)).toEqual(['validation']);
  });
});
