// Networks run headless: the sample notebook with a Model cell, a Network
// cell and an Evaluate cell comparing them, then a Score cell scoring with
// the network, run in Node by the same runner and handlers as the app — the
// network trained in an in-process training worker on TF.js's wasm backend,
// as the page's training worker does.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/lib/headless/runNotebook';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import type { TrainedNetwork } from '../../src/lib/engine/models/network/trainNetwork';
import type { EvaluationResult } from '../../src/lib/engine/evaluate/report';

const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));

const FEATURES = ['age', 'channel', 'late_payments_12m', 'complaints_12m', 'claim_denied'];

function networkNotebook(): NotebookDocument {
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
    features: FEATURES,
    profile: false,
  };
  doc.cells.push(model);
  const network = newCell('network', doc.cells, { id: 'network' });
  if (network.kind !== 'network') throw new Error('network cell expected');
  network.settings = {
    ...network.settings,
    target: 'lapsed',
    positive: 'true',
    features: FEATURES,
    training: { ...network.settings.training, epochs: 5 },
  };
  doc.cells.push(network);
  const evaluate = newCell('evaluate', doc.cells, { id: 'evaluate' });
  if (evaluate.kind !== 'evaluate') throw new Error('evaluate cell expected');
  evaluate.settings = { ...evaluate.settings, model: 'model', compare: ['network'] };
  doc.cells.push(evaluate);
  const score = newCell('score', doc.cells, { id: 'score' });
  if (score.kind !== 'score') throw new Error('score cell expected');
  score.settings = { ...score.settings, model: 'network' };
  doc.cells.push(score);
  return doc;
}

describe('networks headless', () => {
  it('trains a network on wasm, compares it with the logistic model and scores with it', async () => {
    const doc = networkNotebook();
    const report = await runNotebook(doc, { files: new Map(), readAppFile });
    const byCell = new Map(report.cells.map((c) => [c.cell, c]));
    expect(report.cells.map((c) => [c.cell, c.status])).toEqual(
      report.cells.map((c) => [c.cell, 'done']),
    );
    const trained = byCell.get('network')!.result as TrainedNetwork;
    expect(trained.backend).toBe('wasm');
    expect(trained.history).toHaveLength(5);
    expect(trained.model.format).toBe('lifecycle-lab.network');

    const evaluation = byCell.get('evaluate')!.result as EvaluationResult;
    expect(evaluation.models).toHaveLength(2);
    // Both on the same test rows, with the paired DeLong test between them.
    expect(evaluation.comparisons).toHaveLength(1);
    for (const m of evaluation.models) expect(m.auc).toBeGreaterThan(0.6);

    const scored = byCell.get('score')!.result as {
      summary: { scored: number; reasonMethod: { kind: string } };
    };
    expect(scored.summary.scored).toBe(5000);
    expect(scored.summary.reasonMethod.kind).toBe('integrated-gradients');
  }, 120_000);
});
