// The Competing risks kind's declaration: its defaults, what it waits for,
// the job it plans (without the display-only compared cause), what it does
// when its input changes, and settings the schema refuses.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { checkSettings } from '../../src/lib/notebook/schema';
import type { DatasetMeta } from '../../src/lib/storage/types';

const lapses = {
  id: 'lapses',
  name: 'uslapseagent',
  columns: [
    { name: 'duration', type: 'decimal' },
    { name: 'termination.cause', type: 'categorical' },
    { name: 'gender', type: 'categorical' },
    { name: 'risk.state', type: 'categorical' },
  ],
} as DatasetMeta;

function context(inputs: PlanContext['inputs']): PlanContext {
  return { notebookId: 'nb', cellId: 'c', inputs, dataset: () => undefined, today: '2026-12-02' };
}
const datasetInput = (meta: DatasetMeta): ResolvedInput => ({
  ref: { type: 'dataset', id: meta.id },
  dataset: meta,
});

const competing = definitionOf('competing');
const settings = {
  ...competing.defaults({ input: 'd' }),
  duration: 'duration',
  cause: 'termination.cause',
  censoredValue: 'in-force',
  group: 'gender',
  compare: 'surrender',
};

describe('the Competing risks cell', () => {
  it('is declared as an auto kind with no output', () => {
    expect(competing.runs).toBe('auto');
    expect(competing.output).toBeNull();
    expect(competing.defaults({ input: 'd' })).toEqual({
      input: 'd',
      duration: null,
      cause: null,
      censoredValue: null,
      group: null,
      confLevel: 0.95,
      times: [],
      compare: null,
    });
    expect(checkSettings('competing', competing.defaults({}))).toMatchObject({ ok: true });
  });

  it('waits for an input, then for duration, cause and censored value', () => {
    const ctx = context({ input: datasetInput(lapses) });
    const waits = [
      competing.plan(settings, context({})),
      competing.plan({ ...settings, duration: null }, ctx),
      competing.plan({ ...settings, cause: null }, ctx),
      competing.plan({ ...settings, censoredValue: null }, ctx),
    ];
    expect(waits.map((w) => (isWait(w) ? w.wait : null))).toEqual([
      'cell.waiting',
      'competing.choose-columns',
      'competing.choose-columns',
      'competing.choose-columns',
    ]);
  });

  it('plans the cumulative incidence job; the compared cause is not in it', () => {
    const ctx = context({ input: datasetInput(lapses) });
    const plan = competing.plan(settings, ctx);
    expect(plan).toEqual({
      request: 'cumulative-incidence',
      params: {
        datasetId: 'lapses',
        settings: {
          duration: 'duration',
          cause: 'termination.cause',
          censoredValue: 'in-force',
          group: 'gender',
          confLevel: 0.95,
          times: [],
        },
      },
    });
    expect(competing.plan({ ...settings, compare: 'death' }, ctx)).toEqual(plan);
    expect(competing.plan({ ...settings, compare: null }, ctx)).toEqual(plan);
    expect(competing.plan({ ...settings, times: [4, 8] }, ctx)).not.toEqual(plan);
    expect(competing.plan({ ...settings, confLevel: 0.9 }, ctx)).not.toEqual(plan);
  });

  it('adapts: keeps the columns the new dataset has, drops the others', () => {
    const ctx = context({ input: datasetInput(lapses) });
    // Settings that still fit are returned as they are.
    expect(competing.adapt(settings, ctx)).toBe(settings);
    expect(competing.adapt(settings, context({}))).toBe(settings);
    // Nothing is guessed for a new cell.
    const fresh = competing.defaults({ input: 'd' });
    expect(competing.adapt(fresh, ctx)).toBe(fresh);

    const other = {
      id: 'other',
      name: 'other',
      columns: [
        { name: 'duration', type: 'integer' },
        { name: 'termination.cause', type: 'integer' },
        { name: 'region', type: 'categorical' },
      ],
    } as DatasetMeta;
    expect(competing.adapt(settings, context({ input: datasetInput(other) }))).toEqual({
      ...settings,
      duration: 'duration',
      // A numeric code column is not a cause column: with it go its value and compared cause.
      cause: null,
      censoredValue: null,
      compare: null,
      group: null,
    });
    const noDuration = {
      ...lapses,
      columns: lapses.columns.filter((c) => c.name !== 'duration'),
    } as DatasetMeta;
    expect(competing.adapt(settings, context({ input: datasetInput(noDuration) }))).toEqual({
      ...settings,
      duration: null,
    });
  });

  it('refuses settings out of bounds', () => {
    for (const patch of [
      { confLevel: 1 },
      { confLevel: 0 },
      { times: [-1] },
      { times: Array.from({ length: 21 }, (_, i) => i) },
      { censoredValue: 'x'.repeat(10_001) },
      { extra: true },
    ])
      expect(checkSettings('competing', { ...settings, ...patch })).toMatchObject({ ok: false });
    expect(checkSettings('competing', { ...settings, times: [4, 8] })).toMatchObject({ ok: true });
  });
});
