// The Parametric survival kind's declaration: its defaults, what it waits
// for, the job it plans (without the display-only distribution), what it
// does when its input changes, and settings the schema refuses.
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
    { name: 'months_on_book', type: 'integer' },
  ],
} as DatasetMeta;

function context(inputs: PlanContext['inputs']): PlanContext {
  return { notebookId: 'nb', cellId: 'c', inputs, dataset: () => undefined, today: '2026-12-02' };
}
const datasetInput = (meta: DatasetMeta): ResolvedInput => ({
  ref: { type: 'dataset', id: meta.id },
  dataset: meta,
});

const parametric = definitionOf('parametric');
const settings = {
  ...parametric.defaults({ input: 'd' }),
  duration: 'tenure_months',
  event: 'lapsed',
  features: ['age', 'channel'],
  references: [{ column: 'channel', level: 'Agent' }],
};

describe('the Parametric survival cell', () => {
  it('is declared as an on-click kind with a survival-model output', () => {
    expect(parametric.runs).toBe('on-click');
    expect(parametric.output).toBe('survival-model');
    expect(parametric.defaults({ input: 'd' })).toEqual({
      input: 'd',
      duration: null,
      event: null,
      eventValues: [],
      features: [],
      interactions: [],
      references: [],
      distribution: 'weibull',
      horizon: null,
      tenure: null,
    });
    expect(checkSettings('parametric', parametric.defaults({}))).toMatchObject({ ok: true });
  });

  it('waits for an input, then for duration and event', () => {
    const waits = [
      parametric.plan(settings, context({})),
      parametric.plan({ ...settings, duration: null }, context({ input: datasetInput(book) })),
      parametric.plan({ ...settings, event: null }, context({ input: datasetInput(book) })),
    ];
    expect(waits.map((w) => (isWait(w) ? w.wait : null))).toEqual([
      'cell.waiting',
      'survival.choose-columns',
      'survival.choose-columns',
    ]);
    // No feature is an intercept-only model, which survreg fits.
    expect(
      isWait(
        parametric.plan({ ...settings, features: [] }, context({ input: datasetInput(book) })),
      ),
    ).toBe(false);
  });

  it('plans one job for all distributions: the one shown is not in it', () => {
    const ctx = context({ input: datasetInput(book) });
    const weibull = parametric.plan(settings, ctx);
    const lognormal = parametric.plan({ ...settings, distribution: 'lognormal' }, ctx);
    expect(lognormal).toEqual(weibull);
    expect(weibull).toEqual({
      request: 'fit-survreg',
      params: {
        datasetId: 'book',
        settings: {
          duration: 'tenure_months',
          event: 'lapsed',
          eventValues: [],
          features: ['age', 'channel'],
          interactions: [],
          references: { channel: 'Agent' },
          tenure: 'tenure_months',
          horizon: null,
        },
      },
    });
    expect(JSON.stringify(weibull)).not.toContain('weibull');
    // The tenure left to default is the same job as the duration chosen as tenure.
    expect(parametric.plan({ ...settings, tenure: 'tenure_months' }, ctx)).toEqual(weibull);
    // A horizon or another tenure column is another job.
    expect(parametric.plan({ ...settings, horizon: 12 }, ctx)).not.toEqual(weibull);
    expect(parametric.plan({ ...settings, tenure: 'months_on_book' }, ctx)).not.toEqual(weibull);
  });

  it('adapts: duration and event chosen by name and type, features the dataset lacks dropped', () => {
    const fresh = parametric.adapt(
      parametric.defaults({ input: 'd' }),
      context({ input: datasetInput(book) }),
    );
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
    const adapted = parametric.adapt(
      {
        ...settings,
        eventValues: ['true'],
        interactions: [{ a: 'age', b: 'channel' }],
        tenure: 'months_on_book',
        distribution: 'loglogistic',
        horizon: 6,
      },
      context({ input: datasetInput(other) }),
    );
    expect(adapted).toEqual({
      ...settings,
      duration: 'duration_days',
      event: 'churned',
      eventValues: [],
      features: ['age'],
      interactions: [],
      references: [],
      tenure: null,
      distribution: 'loglogistic',
      horizon: 6,
    });
    // Settings that still fit are returned as they are.
    const ctx = context({ input: datasetInput(book) });
    expect(parametric.adapt(settings, ctx)).toBe(settings);
    expect(parametric.adapt(settings, context({}))).toBe(settings);
  });

  it('refuses settings out of bounds', () => {
    for (const patch of [
      { distribution: 'gamma' },
      { horizon: 0 },
      { horizon: -1 },
      { features: Array.from({ length: 1001 }, (_, i) => `f${i}`) },
      { extra: true },
    ])
      expect(checkSettings('parametric', { ...settings, ...patch })).toMatchObject({ ok: false });
    expect(checkSettings('parametric', { ...settings, horizon: 12 })).toMatchObject({ ok: true });
  });
});
