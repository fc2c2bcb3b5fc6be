// The Cox model kind's declaration: its defaults, what it waits for, the job
// it plans (without the display-only PH term), what it does when its input
// changes, and settings the schema refuses.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { checkSettings } from '../../src/lib/notebook/schema';
import type { DatasetMeta } from '../../src/lib/storage/types';

const book = {
  id: 'book',
  name: 'book',
  columns: [
    { name: 'tenure_months', type: 'decimal' },
    { name: 'lapsed', type: 'boolean' },
    { name: 'age', type: 'integer' },
    { name: 'channel', type: 'categorical' },
    { name: 'region', type: 'categorical' },
  ],
} as DatasetMeta;

function context(inputs: PlanContext['inputs']): PlanContext {
  return { notebookId: 'nb', cellId: 'c', inputs, dataset: () => undefined, today: '2026-12-02' };
}
const datasetInput = (meta: DatasetMeta): ResolvedInput => ({
  ref: { type: 'dataset', id: meta.id },
  dataset: meta,
});

const cox = definitionOf('cox');
const settings = {
  ...cox.defaults({ input: 'd' }),
  duration: 'tenure_months',
  event: 'lapsed',
  features: ['age', 'channel'],
  references: [{ column: 'channel', level: 'agent' }],
  strata: ['region'],
  profiles: [
    { name: '', values: [] },
    {
      name: '35, online',
      values: [
        { column: 'age', value: 35 },
        { column: 'channel', value: 'online' },
      ],
    },
  ],
};

describe('the Cox model cell', () => {
  it('is declared as an on-click kind with a survival-model output, one average profile by default', () => {
    expect(cox.runs).toBe('on-click');
    expect(cox.output).toBe('survival-model');
    expect(cox.defaults({ input: 'd' })).toEqual({
      input: 'd',
      duration: null,
      event: null,
      eventValues: [],
      features: [],
      interactions: [],
      references: [],
      strata: [],
      ties: 'efron',
      penalty: null,
      horizons: [],
      profiles: [{ name: '', values: [] }],
      phTerm: null,
    });
    expect(checkSettings('cox', cox.defaults({}))).toMatchObject({ ok: true });
  });

  it('waits for an input, then for duration and event, then for a feature', () => {
    const ctx = context({ input: datasetInput(book) });
    const waits = [
      cox.plan(settings, context({})),
      cox.plan({ ...settings, duration: null }, ctx),
      cox.plan({ ...settings, event: null }, ctx),
      cox.plan({ ...settings, features: [] }, ctx),
    ];
    expect(waits.map((w) => (isWait(w) ? w.wait : null))).toEqual([
      'cell.waiting',
      'survival.choose-columns',
      'survival.choose-columns',
      'model.choose-features',
    ]);
  });

  it('plans one fit-cox job; the PH term plotted is not in it', () => {
    const ctx = context({ input: datasetInput(book) });
    const planned = cox.plan(settings, ctx);
    expect(cox.plan({ ...settings, phTerm: 'age' }, ctx)).toEqual(planned);
    expect(planned).toEqual({
      request: 'fit-cox',
      params: {
        datasetId: 'book',
        settings: {
          duration: 'tenure_months',
          event: 'lapsed',
          eventValues: [],
          features: ['age', 'channel'],
          interactions: [],
          references: { channel: 'agent' },
          strata: ['region'],
          ties: 'efron',
          penalty: null,
          horizons: [],
          profiles: settings.profiles,
        },
      },
    });
    for (const patch of [
      { ties: 'breslow' as const },
      { penalty: 1 },
      { horizons: [12] },
      { profiles: [] },
    ])
      expect(cox.plan({ ...settings, ...patch }, ctx)).not.toEqual(planned);
  });

  it('adapts: duration and event chosen again, what the dataset lacks dropped', () => {
    const fresh = cox.adapt(cox.defaults({ input: 'd' }), context({ input: datasetInput(book) }));
    expect(fresh).toMatchObject({ duration: 'tenure_months', event: 'lapsed' });
    const other = {
      id: 'other',
      name: 'other',
      columns: [
        { name: 'duration_days', type: 'integer' },
        { name: 'churned', type: 'categorical' },
        { name: 'age', type: 'integer' },
      ],
    } as DatasetMeta;
    const adapted = cox.adapt(
      { ...settings, interactions: [{ a: 'age', b: 'channel' }], ties: 'breslow', penalty: 2 },
      context({ input: datasetInput(other) }),
    );
    expect(adapted).toEqual({
      ...settings,
      duration: 'duration_days',
      event: 'churned',
      features: ['age'],
      interactions: [],
      references: [],
      strata: [],
      ties: 'breslow',
      penalty: 2,
      profiles: [
        { name: '', values: [] },
        { name: '35, online', values: [{ column: 'age', value: 35 }] },
      ],
    });
    expect(cox.adapt(settings, context({ input: datasetInput(book) }))).toBe(settings);
    expect(cox.adapt(settings, context({}))).toBe(settings);
  });

  it('refuses settings out of bounds', () => {
    const profile = { name: '', values: [] };
    for (const patch of [
      { ties: 'exact' },
      { penalty: 0 },
      { penalty: -1 },
      { horizons: [0] },
      { horizons: Array.from({ length: 21 }, (_, i) => i + 1) },
      { profiles: Array.from({ length: 9 }, () => profile) },
      { profiles: [{ name: '', values: [{ column: 'age', value: Infinity }] }] },
      { profiles: [{ name: '', values: [], extra: 1 }] },
      { strata: Array.from({ length: 1001 }, (_, i) => `s${i}`) },
      { extra: true },
    ])
      expect(checkSettings('cox', { ...settings, ...patch })).toMatchObject({ ok: false });
    expect(checkSettings('cox', { ...settings, penalty: 0.5, horizons: [12, 24] })).toMatchObject({
      ok: true,
    });
  });
});
