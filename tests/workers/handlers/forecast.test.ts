// The forecast request end to end through the fake worker, with
// fake-indexeddb storage, on the sample book: a Weibull fit of the Parametric
// cell's job, then each policy's forecast stored as a derived dataset of the
// cell. Reference values: the lapsed count tallied directly from the
// generated book; the forecast numbers are the engine's
// (engine/survival/forecast.ts, tested against R in
// tests/engine/survival/forecast.test.ts), so here the stored columns must
// equal forecastTable's on the same table, row by row.
import { describe, expect, it } from 'vitest';
import type { DataTable } from '../../../src/lib/engine/data/table';
import { forecastTable, type ForecastOptions } from '../../../src/lib/engine/survival/forecast';
import type { SurvregModel } from '../../../src/lib/engine/survival/survreg';
import { isMessageKey } from '../../../src/lib/i18n';
import { FORECAST_PREVIEW_ROWS } from '../../../src/lib/workers/handlers/forecast';
import { book, column } from './insuranceTally';
import { setup } from './setup';

const options: ForecastOptions = {
  tenure: 'tenure_months',
  horizons: [12, 24, 36],
  inForce: true,
};

function values(table: DataTable, name: string): Float64Array {
  const c = column(name, table.columns);
  if (c.kind !== 'number') throw new Error(`${name} is not numeric`);
  return c.values;
}

async function weibullOnBook() {
  const { client, storage } = setup();
  const [policies] = await client.request('ingest-sample', { sample: 'insurance' });
  const report = await client.request('fit-survreg', {
    datasetId: policies.id,
    settings: {
      duration: 'tenure_months',
      event: 'lapsed',
      eventValues: [],
      features: ['age', 'channel', 'late_payments_12m'],
      interactions: [],
      references: {},
    },
  });
  const fit = report.fits.find((f) => f.distribution === 'weibull');
  if (fit?.status !== 'fitted') throw new Error('the Weibull fit failed');
  return { client, storage, policies, model: fit.model as SurvregModel };
}

describe('forecast request', () => {
  it('stores the book with each in-force policy’s forecast, as forecastTable computes it', async () => {
    const { client, storage, policies, model } = await weibullOnBook();
    const params = { notebook: 'nb', cell: 'fc', datasetId: policies.id, model, options };
    const result = await client.request('forecast', params);
    const lapsedColumn = column('lapsed', book.policies.columns);
    if (lapsedColumn.kind !== 'number') throw new Error('lapsed is not 0/1');
    const lapsed = lapsedColumn.values.filter((v) => v === 1).length;
    const r = result.report;
    expect(result.reused).toBe(false);
    expect(r.rows).toBe(book.policies.rowCount);
    expect(r.event).toBe('lapsed');
    expect(r.lapsed).toBe(lapsed);
    expect(r.missingFeature).toBe(0);
    expect(r.scored).toBe(book.policies.rowCount - lapsed);
    expect(r.columns).toEqual({
      lp: null,
      hazardRatio: null,
      medianTime: 'median_time',
      medianResidual: 'median_residual',
      survival: ['survival_12', 'survival_24', 'survival_36'],
    });
    expect(result.dataset.name).toBe('insurance_policies_forecast');
    expect(result.dataset.source).toMatchObject({ kind: 'derived', notebook: 'nb', cell: 'fc' });
    expect(result.dataset.columns.map((c) => c.name)).toEqual([
      ...book.policies.columns.map((c) => c.name),
      'median_time',
      'median_residual',
      'survival_12',
      'survival_24',
      'survival_36',
    ]);
    expect(result.preview.rows).toHaveLength(FORECAST_PREVIEW_ROWS);
    // Survival falls with the horizon, and a parametric model leaves no median missing.
    expect(r.meanSurvival[0]!).toBeGreaterThan(r.meanSurvival[1]!);
    expect(r.meanSurvival[1]!).toBeGreaterThan(r.meanSurvival[2]!);
    expect(r.residual!.rows).toBe(r.scored);
    expect(r.histogram!.counts.reduce((a, b) => a + b) + r.histogram!.beyond).toBe(r.scored);

    const { table: stored } = await (await storage()).loadTable(result.dataset.id);
    const { table: direct } = await loadedForecast(storage, policies.id, model);
    for (const name of ['median_time', 'survival_12', 'survival_36', 'median_residual'])
      expect(Array.from(values(stored, name)), name).toEqual(Array.from(values(direct, name)));
    // A lapsed policy keeps its median from the start but has no remaining tenure.
    const first = lapsedColumn.values.indexOf(1);
    expect(values(stored, 'median_residual')[first]).toBeNaN();
    expect(values(stored, 'median_time')[first]).toBeGreaterThan(0);
  });

  it('forecasts from a Cox fit with the duration and events its model records', async () => {
    const { client, policies, model: weibull } = await weibullOnBook();
    // Both models, as the worker hands them to their cells, record the outcome.
    expect(weibull.outcome).toEqual({ duration: 'tenure_months', event: 'lapsed' });
    const cox = await client.request('fit-cox', {
      datasetId: policies.id,
      settings: {
        duration: 'tenure_months',
        event: 'lapsed',
        features: ['age', 'channel', 'late_payments_12m'],
        ties: 'efron',
      },
    });
    expect(cox.model.outcome).toEqual({ duration: 'tenure_months', event: 'lapsed' });
    const result = await client.request('forecast', {
      notebook: 'nb',
      cell: 'cox-fc',
      datasetId: policies.id,
      model: cox.model,
      options: { ...options, average: cox.average },
    });
    const lapsedColumn = column('lapsed', book.policies.columns);
    if (lapsedColumn.kind !== 'number') throw new Error('lapsed is not 0/1');
    const lapsed = lapsedColumn.values.filter((v) => v === 1).length;
    expect(result.report).toMatchObject({
      model: 'cox',
      event: 'lapsed',
      lapsed,
      scored: book.policies.rowCount - lapsed - result.report.missingTenure,
    });
  });

  it('reuses the stored dataset for the same inputs and replaces it when the options change', async () => {
    const { client, storage, policies, model } = await weibullOnBook();
    const params = { notebook: 'nb', cell: 'fc', datasetId: policies.id, model, options };
    const first = await client.request('forecast', params);
    const again = await client.request('forecast', params);
    expect(again.reused).toBe(true);
    expect(again.dataset).toEqual(first.dataset);
    expect(again.report).toEqual(first.report);
    const third = await client.request('forecast', {
      ...params,
      options: { ...options, horizons: [6], columns: ['survival'] },
    });
    expect(third.reused).toBe(false);
    expect(third.dataset.columns.at(-1)!.name).toBe('survival_6');
    const derived = (await (await storage()).listDatasets()).filter(
      (d) => d.source.kind === 'derived',
    );
    expect(derived.map((d) => d.id)).toEqual([third.dataset.id]);
  });

  it('refuses a new month’s file with columns missing, a column retyped or a level never seen', async () => {
    const { client, model } = await weibullOnBook();
    const refusal = async (csv: string) => {
      const file = await client.request('ingest-file', {
        file: new File([csv], 'month.csv', { type: 'text/csv' }),
        name: 'month',
      });
      const error = await client
        .request('forecast', { notebook: 'nb', cell: 'fc', datasetId: file.id, model, options })
        .then(
          () => null,
          (e: { code: string; params: Record<string, unknown> }) => e,
        );
      expect(error).not.toBeNull();
      expect(isMessageKey(error!.code), error!.code).toBe(true);
      return [error!.code, error!.params];
    };
    expect(await refusal('tenure_months,age\n3,40\n5,50\n')).toEqual([
      'forecast.columns-missing',
      { columns: 'channel, late_payments_12m', count: 2 },
    ]);
    expect(
      await refusal(
        'tenure_months,age,channel,late_payments_12m\n3,forty,agent,0\n5,fifty,online,1\n',
      ),
    ).toEqual(['model.column-type', { column: 'age', expected: 'numeric' }]);
    expect(
      await refusal(
        'tenure_months,age,channel,late_payments_12m\n3,40,agent,0\n5,50,telephone,1\n',
      ),
    ).toEqual(['forecast.unseen-level', { column: 'channel', level: 'telephone' }]);
  });
});

/** The same forecast run in the engine on the stored table. */
async function loadedForecast(
  storage: () => Promise<{ loadTable(id: string): Promise<{ table: DataTable }> }>,
  datasetId: string,
  model: SurvregModel,
) {
  const { table } = await (await storage()).loadTable(datasetId);
  return forecastTable(table, model, options);
}
