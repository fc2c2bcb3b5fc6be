// The Model file cell's declaration: it waits for a file, plans 'read-model'
// with the file's text and, for a TF.js Layers model, its weights as base64;
// a cell saved before it could hold weights still loads, and weights that are
// not base64 or too long are refused.
import { describe, expect, it } from 'vitest';
import { isWait, job, type PlanContext } from '../../src/lib/cells/kind';
import { LIMITS } from '../../src/lib/cells/limits';
import { definitionOf } from '../../src/lib/cells/registry';
import { bytesToBase64, base64ToBytes } from '../../src/lib/engine/data/base64';
import { contentKey } from '../../src/lib/notebook/key';
import { checkSettings } from '../../src/lib/notebook/schema';

const modelFile = definitionOf('model-file');
const context: PlanContext = {
  notebookId: 'nb',
  cellId: 'c',
  inputs: {},
  dataset: () => undefined,
  today: '2026-12-02',
};

describe('the Model file cell', () => {
  it('waits for a file', () => {
    const plan = modelFile.plan(modelFile.defaults({}), context);
    expect(isWait(plan) && plan.wait).toBe('model-file.choose');
  });

  it('plans a file without weights as before, so its stored result’s key is unchanged', async () => {
    const plan = modelFile.plan(
      { fileName: 'churn.json', text: '{"format": "x"}', weights: null },
      context,
    );
    const before = job('read-model', { text: '{"format": "x"}', fileName: 'churn.json' });
    expect(plan).toEqual(before);
    expect(await contentKey(plan)).toBe(await contentKey(before));
  });

  it('plans a TF.js model.json with its weights', () => {
    const weights = bytesToBase64(new Uint8Array([0, 0, 128, 63, 255]));
    const plan = modelFile.plan({ fileName: 'net-model.json', text: '{}', weights }, context);
    expect(plan).toEqual(job('read-model', { text: '{}', weights, fileName: 'net-model.json' }));
  });

  it('reads settings saved before it held weights, with none', () => {
    expect(checkSettings('model-file', { fileName: 'churn.json', text: '{}' })).toEqual({
      ok: true,
      settings: { fileName: 'churn.json', text: '{}', weights: null },
    });
  });

  it('refuses weights that are not base64, or longer than a notebook keeps', () => {
    const s = { fileName: 'm.json', text: '{}' };
    expect(checkSettings('model-file', { ...s, weights: 'not base64!' })).toMatchObject({
      ok: false,
    });
    expect(
      checkSettings('model-file', { ...s, weights: 'A'.repeat(LIMITS.modelWeightsChars + 4) }),
    ).toMatchObject({ ok: false });
    expect(checkSettings('model-file', { ...s, weights: 'AAAA' })).toMatchObject({ ok: true });
  });
});

describe('base64 of weights', () => {
  it('round-trips every byte value, across the encoder’s chunks', () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 7919) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64ToBytes(text)).toEqual(bytes);
    expect(bytesToBase64(new Uint8Array(0))).toBe('');
  });
});
