// 'ingest-sample' through the fake worker: the built-in samples are stored
// once, recreated when deleted, and the Telco file is fetched from the URL
// the page resolved.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateInsuranceBook } from '../../../src/lib/engine/data/sample/insurance';
import { setup } from './setup';

describe('ingest-sample', () => {
  it('stores the insurance book once, and returns the stored datasets when asked again', async () => {
    const { client, storage } = setup();
    const [first, again] = await Promise.all([
      client.request('ingest-sample', { sample: 'insurance' }),
      client.request('ingest-sample', { sample: 'insurance' }),
    ]);
    expect(first.map((d) => d.name)).toEqual(['insurance_policies', 'insurance_payments']);
    expect(first.map((d) => d.source)).toEqual([
      { kind: 'sample', sample: 'insurance_policies' },
      { kind: 'sample', sample: 'insurance_payments' },
    ]);
    expect(again).toEqual(first);
    const later = await client.request('ingest-sample', { sample: 'insurance' });
    expect(later).toEqual(first);
    expect((await (await storage()).listDatasets()).length).toBe(2);

    const book = generateInsuranceBook();
    expect(first[0].rowCount).toBe(book.policies.rowCount);
    expect(first[1].rowCount).toBe(book.payments.rowCount);
    expect(first[0].columns).toEqual(
      book.policies.columns.map((c) => ({ name: c.name, type: c.type })),
    );
  });

  it('recreates only a sample table that was deleted', async () => {
    const { client, storage } = setup();
    const [policies, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    await (await storage()).deleteDataset(payments.id);
    const [p2, pay2] = await client.request('ingest-sample', { sample: 'insurance' });
    expect(p2).toEqual(policies);
    expect(pay2.id).not.toBe(payments.id);
    expect(pay2.rowCount).toBe(payments.rowCount);
  });

  it('fetches the Telco CSV from the URL the page resolved', async () => {
    const csv = readFileSync('public/samples/telco-customer-churn.csv');
    const urls: string[] = [];
    const { client } = setup(async (url) => {
      urls.push(String(url));
      return new Response(csv, { headers: { 'content-length': String(csv.byteLength) } });
    });
    const url = 'https://example.org/some/base/samples/telco-customer-churn.csv';
    const [telco] = await client.request('ingest-sample', { sample: 'telco', url });
    expect(urls).toEqual([url]);
    expect(telco.name).toBe('telco_customer_churn');
    const lines = csv.toString('utf8').trim().split(/\r?\n/).length;
    expect(telco.rowCount).toBe(lines - 1);
    expect(telco.columns.map((c) => c.name)).toContain('Churn');
  });

  it('says when the sample cannot be fetched', async () => {
    const { client } = setup(async () => new Response('not here', { status: 404 }));
    await expect(
      client.request('ingest-sample', { sample: 'telco', url: 'https://x/y.csv' }),
    ).rejects.toMatchObject({
      code: 'sample.fetch-failed',
      params: { sample: 'telco', status: 404 },
    });
    await expect(client.request('ingest-sample', { sample: 'telco' })).rejects.toMatchObject({
      code: 'sample.fetch-failed',
    });
  });
});
