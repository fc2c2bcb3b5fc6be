// The Personas kind's declaration: its defaults, what it waits for, the job
// it plans (the fit settings apart from the names), what it does when its
// input changes, and settings the schema refuses.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { checkSettings } from '../../src/lib/notebook/schema';
import type { DatasetMeta } from '../../src/lib/storage/types';

const book = {
  id: 'book',
  name: 'insurance_policies',
  columns: [
    { name: 'policy_id', type: 'identifier' },
    { name: 'age', type: 'integer' },
    { name: 'annual_premium', type: 'decimal' },
    { name: 'channel', type: 'categorical' },
    { name: 'start_date', type: 'date' },
  ],
} as DatasetMeta;

function context(inputs: PlanContext['inputs']): PlanContext {
  return { notebookId: 'nb', cellId: 'c', inputs, dataset: () => undefined, today: '2026-12-02' };
}
const input = (meta: DatasetMeta): ResolvedInput => ({
  ref: { type: 'dataset', id: meta.id },
  dataset: meta,
});

const personas = definitionOf('personas');
const settings = { ...personas.defaults({ input: 'd' }), features: ['age', 'channel'] };

describe('the Personas cell', () => {
  it('is an on-click kind with a dataset output and k = 2…12, 10 restarts by default', () => {
    expect(personas.runs).toBe('on-click');
    expect(personas.output).toBe('dataset');
    expect(personas.defaults({ input: 'd' })).toEqual({
      input: 'd',
      features: [],
      k: null,
      kMin: 2,
      kMax: 12,
      restarts: 10,
      seed: 1,
      names: [],
    });
    expect(checkSettings('personas', personas.defaults({}))).toMatchObject({ ok: true });
  });

  it('waits for an input, features, a valid k range and distinct names', () => {
    const ctx = context({ input: input(book) });
    expect(personas.plan(settings, context({}))).toEqual({ wait: 'cell.waiting' });
    expect(personas.plan({ ...settings, features: [] }, ctx)).toEqual({
      wait: 'personas.choose-features',
    });
    expect(personas.plan({ ...settings, kMin: 6, kMax: 4 }, ctx)).toEqual({
      wait: 'personas.invalid-k-range',
      params: { min: 6, max: 4 },
    });
    expect(personas.plan({ ...settings, names: ['Loyal', ' Loyal '] }, ctx)).toEqual({
      wait: 'personas.duplicate-name',
      params: { name: 'Loyal' },
    });
  });

  it('plans fit-personas with the fit settings and the trimmed names apart', () => {
    const plan = personas.plan(
      { ...settings, k: 4, names: [' Young ', ''] },
      context({ input: input(book) }),
    );
    expect(isWait(plan)).toBe(false);
    expect(plan).toEqual({
      request: 'fit-personas',
      params: {
        notebook: 'nb',
        cell: 'c',
        datasetId: 'book',
        settings: { features: ['age', 'channel'], k: 4, kMin: 2, kMax: 12, restarts: 10, seed: 1 },
        names: ['Young', ''],
      },
    });
    expect(personas.outputOf!({ dataset: { id: 'new' } } as never, settings)).toEqual({
      type: 'dataset',
      id: 'new',
    });
  });

  it('keeps the features the new input has with a usable type, and drops the others', () => {
    const s = { ...settings, features: ['age', 'channel', 'start_date', 'gone'] };
    const adapted = personas.adapt(s, context({ input: input(book) }));
    expect(adapted.features).toEqual(['age', 'channel']);
    expect(personas.adapt(settings, context({ input: input(book) }))).toBe(settings);
    expect(personas.adapt(s, context({}))).toBe(s);
  });

  it('refuses out-of-range settings', () => {
    for (const bad of [
      { ...settings, k: 1 },
      { ...settings, kMax: 21 },
      { ...settings, restarts: 0 },
      { ...settings, names: Array(21).fill('x') },
      { ...settings, extra: true },
    ]) {
      expect(checkSettings('personas', bad)).toMatchObject({ ok: false });
    }
  });
});
