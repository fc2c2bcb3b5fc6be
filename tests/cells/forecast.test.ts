// The Survival forecast kind's declaration: its defaults, what it waits for,
// the model it takes from a Cox or a Parametric cell's result (the chosen
// distribution, or the best by AIC), the job it plans, how it chooses the
// tenure column when its dataset changes, and settings the schema refuses.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { isWait, type PlanContext, type ResolvedInput } from '../../src/lib/cells/kind';
import { forecastModelOf, modelDurationOf } from '../../src/lib/cells/forecast/definition';
import { FORECAST_COLUMNS } from '../../src/lib/engine/survival/forecast';
import { checkSettings } from '../../src/lib/notebook/schema';
import type { DatasetMeta } from '../../src/lib/storage/types';

const book = {
  id: 'book',
  name: 'book',
  columns: [
    { name: 'policy_id', type: 'identifier' },
    { name: 'tenure_months', type: 'decimal' },
    { name: 'lapsed', type: 'boolean' },
    { name: 'age', type: 'integer' },
    { name: 'channel', type: 'categorical' },
  ],
} as DatasetMeta;

function context(inputs: PlanContext['inputs']): PlanContext {
  return { notebookId: 'nb', cellId: 'c', inputs, dataset: () => undefined, today: '2026-12-04' };
}
const datasetInput = (meta: DatasetMeta): ResolvedInput => ({
  ref: { type: 'dataset', id: meta.id },
  dataset: meta,
});

// Only the fields the kind reads: a Cox report's model, a Parametric report's fits and best.
const coxModel = { format: 'lifecycle-lab.cox', coefficients: [0.3, -0.01], baseline: [] };
const coxResult = { model: coxModel, fit: {}, average: [0.5, 40] };
const weibull = { kind: 'survreg', distribution: 'weibull' };
const lognormal = { kind: 'survreg', distribution: 'lognormal' };
const parametricResult = {
  best: 'lognormal',
  fits: [
    { distribution: 'weibull', status: 'fitted', model: weibull },
    { distribution: 'exponential', status: 'failed', error: { code: 'x', params: {} } },
    { distribution: 'lognormal', status: 'fitted', model: lognormal },
  ],
};
const modelInput = (result: unknown): ResolvedInput => ({
  ref: { type: 'survival-model', id: 'result-key' },
  result,
});

const forecast = definitionOf('forecast');
const fresh = forecast.defaults({ model: 'm', input: 'd' });

describe('the Survival forecast cell', () => {
  it('is declared as an auto kind with a dataset output, reading a survival model and a dataset', () => {
    expect(forecast.runs).toBe('auto');
    expect(forecast.output).toBe('dataset');
    expect(forecast.slots.map((s) => [s.name, s.accepts])).toEqual([
      ['model', ['survival-model']],
      ['input', ['dataset']],
    ]);
    expect(fresh).toEqual({
      model: 'm',
      input: 'd',
      distribution: 'best',
      tenure: null,
      fromStart: false,
      inForce: true,
      horizons: [12, 24, 36],
      columns: [...FORECAST_COLUMNS],
    });
    expect(checkSettings('forecast', forecast.defaults({}))).toMatchObject({ ok: true });
  });

  it('takes the model from a Cox result, or the chosen (or best) fit of a Parametric one', () => {
    expect(forecastModelOf(coxResult, 'weibull')).toEqual({ model: coxModel, average: [0.5, 40] });
    // An x̄ that does not fit the model is not passed on (the hazard ratio is then exp(lp)).
    expect(forecastModelOf({ ...coxResult, average: [1] }, 'best')).toEqual({ model: coxModel });
    expect(forecastModelOf(parametricResult, 'best')).toEqual({ model: lognormal });
    expect(forecastModelOf(parametricResult, 'weibull')).toEqual({ model: weibull });
    expect(forecastModelOf(parametricResult, 'exponential')).toEqual({
      wait: 'forecast.not-fitted',
      params: { distribution: 'exponential' },
    });
    expect(forecastModelOf(null, 'best')).toEqual({ wait: 'cell.waiting' });
  });

  it('waits for its inputs, then for a tenure column or "from the start"', () => {
    const waits = [
      forecast.plan(fresh, context({})),
      forecast.plan(fresh, context({ model: modelInput(coxResult) })),
      forecast.plan(fresh, context({ input: datasetInput(book) })),
      forecast.plan(fresh, context({ model: modelInput(coxResult), input: datasetInput(book) })),
    ];
    expect(waits.map((w) => (isWait(w) ? w.wait : null))).toEqual([
      'cell.waiting',
      'cell.waiting',
      'cell.waiting',
      'forecast.choose-tenure',
    ]);
  });

  it('plans one forecast job with the model and the options', () => {
    const ctx = context({ model: modelInput(parametricResult), input: datasetInput(book) });
    const settings = forecast.adapt(fresh, ctx);
    const planned = forecast.plan(settings, ctx);
    expect(planned).toEqual({
      request: 'forecast',
      params: {
        notebook: 'nb',
        cell: 'c',
        datasetId: 'book',
        model: lognormal,
        options: {
          tenure: 'tenure_months',
          horizons: [12, 24, 36],
          inForce: true,
          columns: [...FORECAST_COLUMNS],
        },
      },
    });
    // From the start, the tenure column is not in the job.
    const fromStart = forecast.plan({ ...settings, fromStart: true }, ctx);
    expect(isWait(fromStart) ? null : (fromStart.params as { options: unknown }).options).toEqual({
      tenure: null,
      horizons: [12, 24, 36],
      inForce: true,
      columns: [...FORECAST_COLUMNS],
    });
    // Another distribution is another model, so another job.
    expect(forecast.plan({ ...settings, distribution: 'weibull' }, ctx)).toMatchObject({
      params: { model: weibull },
    });
    // A Cox model's job carries its x̄, for the hazard ratio against the average customer.
    const coxCtx = context({ model: modelInput(coxResult), input: datasetInput(book) });
    expect(forecast.plan(settings, coxCtx)).toMatchObject({
      params: { model: coxModel, options: { average: [0.5, 40] } },
    });
    expect(forecast.outputOf!({ dataset: { id: 'forecast-ds' } } as never, settings)).toEqual({
      type: 'dataset',
      id: 'forecast-ds',
    });
  });

  it('adapts: the tenure column chosen by name and type, and kept while the dataset has it', () => {
    // A model result without a recorded outcome (stored before it was): by name.
    const ctx = context({ model: modelInput(coxResult), input: datasetInput(book) });
    expect(forecast.adapt(fresh, ctx).tenure).toBe('tenure_months');
    // Not chosen before the model is ready (its duration column comes first).
    expect(forecast.adapt(fresh, context({ input: datasetInput(book) }))).toBe(fresh);
    const chosen = { ...fresh, tenure: 'age' };
    expect(forecast.adapt(chosen, ctx)).toBe(chosen);
    const newMonth = {
      id: 'nov',
      name: 'nov',
      columns: [
        { name: 'months_in_force', type: 'integer' },
        { name: 'age', type: 'integer' },
        { name: 'channel', type: 'categorical' },
      ],
    } as DatasetMeta;
    // 'tenure_months' is gone and no name looks like a tenure: the cell asks.
    const adapted = forecast.adapt(
      { ...fresh, tenure: 'tenure_months' },
      context({ model: modelInput(coxResult), input: datasetInput(newMonth) }),
    );
    expect(adapted.tenure).toBeNull();
    // Without a dataset's meta nothing changes.
    expect(forecast.adapt(chosen, context({}))).toBe(chosen);
  });

  it('adapts: the tenure column defaults to the model’s duration column', () => {
    // A dataset with two durations: the name guess would take tenure_months,
    // the model was fitted on days_on_book (its outcome, as coxReport and
    // fitSurvregTable record it).
    const twoDurations = {
      ...book,
      columns: [...book.columns, { name: 'days_on_book', type: 'integer' }],
    } as DatasetMeta;
    const outcome = { duration: 'days_on_book', event: 'lapsed' };
    const coxWithOutcome = { ...coxResult, model: { ...coxModel, outcome } };
    const parametricWithOutcome = {
      ...parametricResult,
      fits: parametricResult.fits.map((f) =>
        f.status === 'fitted' ? { ...f, model: { ...f.model, outcome } } : f,
      ),
    };
    expect(modelDurationOf(coxWithOutcome)).toBe('days_on_book');
    expect(modelDurationOf(parametricWithOutcome)).toBe('days_on_book');
    // Results stored before the outcome was recorded: no duration, the name guess.
    expect(modelDurationOf(coxResult)).toBeNull();
    expect(modelDurationOf(parametricResult)).toBeNull();
    for (const result of [coxWithOutcome, parametricWithOutcome]) {
      const ctx = context({ model: modelInput(result), input: datasetInput(twoDurations) });
      expect(forecast.adapt(fresh, ctx).tenure).toBe('days_on_book');
      // A tenure the analyst chose (and the dataset has) is kept.
      const chosen = { ...fresh, tenure: 'tenure_months' };
      expect(forecast.adapt(chosen, ctx)).toBe(chosen);
    }
    const old = context({ model: modelInput(coxResult), input: datasetInput(twoDurations) });
    expect(forecast.adapt(fresh, old).tenure).toBe('tenure_months');
    // A new month's file without the model's duration column: chosen by name.
    const ctx = context({ model: modelInput(coxWithOutcome), input: datasetInput(book) });
    expect(forecast.adapt(fresh, ctx).tenure).toBe('tenure_months');
  });

  it('refuses settings outside the schema', () => {
    for (const bad of [
      { ...fresh, horizons: [] },
      { ...fresh, horizons: [0] },
      { ...fresh, horizons: Array.from({ length: 21 }, (_, i) => i + 1) },
      { ...fresh, columns: [] },
      { ...fresh, columns: ['lp', 'lp'] },
      { ...fresh, columns: ['risk'] },
      { ...fresh, distribution: 'gamma' },
    ])
      expect(checkSettings('forecast', bad)).toMatchObject({ ok: false });
  });
});
