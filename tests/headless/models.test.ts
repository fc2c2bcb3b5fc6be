// The churn-model cells run headless: the sample notebook with a Model,
// an Evaluate and a Score cell, run in Node by the same runner and handlers
// as the app, gives the engine's own numbers — and the scored list as CSV.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import { generateInsuranceBook } from '../../src/lib/engine/data/sample/insurance';
import { NO_PROGRESS } from '../../src/lib/engine/data/table';
import { trainLogistic, type TrainedLogistic } from '../../src/lib/engine/models/train';
import { evaluateOn, type EvaluationResult } from '../../src/lib/engine/evaluate/report';

const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));

function modelNotebook(): NotebookDocument {
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
  const model = newCell('model', doc.cells, { id: 'model' });
  if (model.kind !== 'model') throw new Error('model cell expected');
  model.settings = {
    ...model.settings,
    target: 'lapsed',
    positive: 'true',
    features: [
      'age',
      'channel',
      'late_payments_12m',
      'complaints_12m',
      'claim_denied',
      'multi_policy',
      'annual_premium',
    ],
    profile: false,
  };
  doc.cells.push(model);
  doc.cells.push(newCell('evaluate', doc.cells, { id: 'evaluate' }));
  doc.cells.push(newCell('score', doc.cells, { id: 'score' }));
  return doc;
}

describe('churn models headless', () => {
  it('fits, evaluates and scores as the engine does, and writes the scored list', async () => {
    const doc = modelNotebook();
    const report = await runNotebook(doc, { files: new Map(), readAppFile });
    const byCell = new Map(report.cells.map((c) => [c.cell, c]));
    expect(report.cells.map((c) => c.status)).toEqual(report.cells.map(() => 'done'));

    const book = generateInsuranceBook().policies;
    const settings = doc.cells.find((c) => c.id === 'model')!.settings as Record<string, unknown>;
    const { input: _, ...spec } = settings;
    const expected = await trainLogistic(book, 'x', spec as never, NO_PROGRESS);
    const fitted = byCell.get('model')!.result as TrainedLogistic;
    expect(fitted.model.beta).toEqual(expected.model.beta);
    expect(fitted.fit.aic).toBe(expected.fit.aic);

    const evaluation = byCell.get('evaluate')!.result as EvaluationResult;
    const direct = await evaluateOn(
      book,
      {
        source: {
          kind: 'models',
          datasetId: 'x',
          spec: expected.spec,
          rows: 'test',
          models: [{ datasetId: 'x', model: expected.model, folds: null }],
        },
        costs: { contact: 10, saved: 200, valueColumn: null, success: 0.3 },
      },
      NO_PROGRESS,
    );
    expect(evaluation.models[0].auc).toBe(direct.models[0].auc);
    expect(evaluation.models[0].aucLower).toBe(direct.models[0].aucLower);

    const csv = new TextDecoder().decode(report.csv.get('score')).replace(/^\uFEFF/, '');
    const lines = csv.split('\n').filter(Boolean);
    expect(lines).toHaveLength(book.rowCount + 1);
    expect(lines[0]).toMatch(/probability,risk_decile,risk_band,reason_1,reason_2,reason_3/);
  });
});
