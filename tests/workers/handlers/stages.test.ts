// The lifecycle-stages request end to end through the fake worker, with
// fake-indexeddb storage: on the sample book's payment log (counts per stage
// equal to tests/fixtures/lifecycle/make-stages.py's stages-payments.json;
// the stored per-customer dataset agreeing with the summary), reused for the
// same settings; on its policy table (the table with a stage column); and
// bad input refused with catalogue messages: as-of before all data, one
// customer, text dates, a date column that is not there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../../src/lib/engine/lifecycle/stages';
import { isMessageKey } from '../../../src/lib/i18n';
import { STAGES_PREVIEW_ROWS } from '../../../src/lib/workers/handlers/stages';
import type { StagesJobSettings } from '../../../src/lib/workers/protocol';
import { setup } from './setup';

const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/lifecycle/stages-payments.json', import.meta.url), 'utf8'),
).runs[0];

const log = {
  columns: {
    customer: 'customer_id',
    date: 'paid_date',
    amount: 'amount',
    quantity: null,
    transaction: null,
  },
  returns: 'net' as const,
  asOf: null,
};
const settings: StagesJobSettings = {
  source: { mode: 'log', log },
  rules: defaultRules('log'),
  from: null,
};

describe('lifecycle-stages request', () => {
  it('stages the payment log as make-stages.py and stores the per-customer dataset, reused after', async () => {
    const { client, storage } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const params = { notebook: 'nb', cell: 'st', datasetId: payments.id, settings };
    const result = await client.request('lifecycle-stages', params);
    const { summary } = result;
    // The default order is the reference's: Prospect, Churned, At risk, New, Loyal.
    expect(summary.stages.map((s) => s.name)).toEqual(reference.stages);
    expect(Array.from(summary.counts).slice(0, 5)).toEqual(reference.counts);
    expect(summary.transition!.counts.length).toBe(7 * 6);
    expect(result.report!.rows).toBe(119_843);
    expect(result.dataset.name).toBe('insurance_payments_stages');
    expect(result.dataset.rowCount).toBe(reference.customers);
    expect(result.preview.rows).toHaveLength(STAGES_PREVIEW_ROWS);

    const { table } = await (await storage()).loadTable(result.dataset.id);
    const stage = table.columns.find((c) => c.name === 'stage')!;
    if (stage.kind !== 'string') throw new Error('stage is not categorical');
    const perStage = reference.stages.map(
      (name: string) => Array.from(stage.codes).filter((c) => stage.dictionary[c] === name).length,
    );
    expect(perStage).toEqual(reference.counts);

    const again = await client.request('lifecycle-stages', params);
    expect(again.reused).toBe(true);
    expect(again.dataset).toEqual(result.dataset);
  });

  it('stages the policy table and writes the table with its stage column', async () => {
    const { client } = setup();
    const [policies] = await client.request('ingest-sample', { sample: 'insurance' });
    const result = await client.request('lifecycle-stages', {
      notebook: 'nb',
      cell: 'st',
      datasetId: policies.id,
      settings: {
        source: {
          mode: 'table',
          table: {
            columns: {
              id: 'policy_id',
              dates: 'policy',
              first: 'start_date',
              last: 'end_date',
              purchases: null,
              spend: 'annual_premium',
            },
            asOf: null,
          },
        },
        rules: defaultRules('policy', ['late_payments_12m']),
        from: null,
      },
    });
    expect(result.report).toBeNull();
    expect(result.summary.snapshots).toBeNull();
    expect(result.dataset.rowCount).toBe(policies.rowCount);
    expect(result.dataset.columns.length).toBe(policies.columns.length + 1);
    expect(result.dataset.columns.at(-1)).toMatchObject({ name: 'stage', type: 'categorical' });
    expect(Array.from(result.summary.counts).reduce((a, b) => a + b, 0)).toBe(policies.rowCount);
  });

  it('refuses bad input with a catalogue message', async () => {
    const { client } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const refusal = async (datasetId: string, s: StagesJobSettings) => {
      const error = await client
        .request('lifecycle-stages', { notebook: 'nb', cell: 'st', datasetId, settings: s })
        .then(
          () => null,
          (e: { code: string }) => e,
        );
      expect(error).not.toBeNull();
      expect(isMessageKey(error!.code), error!.code).toBe(true);
      return error!.code;
    };
    expect(
      await refusal(payments.id, {
        ...settings,
        source: { mode: 'log', log: { ...log, asOf: '1990-01-01' } },
      }),
    ).toBe('lifecycle.as-of-before-data');
    const csv = [
      'customer,day,amount,note',
      'a,2024-01-01,5,03/13/2024',
      'a,2024-02-01,7,not a date',
      ',2024-03-01,1,z',
    ].join('\n');
    const tiny = await client.request('ingest-file', {
      file: new File([csv], 'one.csv', { type: 'text/csv' }),
      name: 'one',
    });
    const on = (patch: object): StagesJobSettings => ({
      ...settings,
      source: {
        mode: 'log',
        log: { ...log, columns: { ...log.columns, customer: 'customer', date: 'day', ...patch } },
      },
    });
    // One customer (the row without one is left out and counted).
    expect(await refusal(tiny.id, on({}))).toBe('stages.one-customer');
    // Dates that are not dates: the text column is refused by name.
    expect(await refusal(tiny.id, on({ date: 'note' }))).toBe('lifecycle.date-not-date');
    expect(await refusal(tiny.id, on({ date: 'when' }))).toBe('column.not-found');
  });
});
