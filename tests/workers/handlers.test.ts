import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSharedContext, type SharedContext } from '../../src/lib/workers/host';
import { ComputeClient } from '../../src/lib/workers/client';
import { MAX_PREVIEW_ROWS } from '../../src/lib/workers/handlers';
import { openStorage, type LabStorage } from '../../src/lib/storage/db';
import { generateInsuranceBook } from '../../src/lib/engine/data/sample/insurance';
import { kaplanMeierByGroup } from '../../src/lib/engine/survival/kaplanMeier';
import { survivalInputs } from '../../src/lib/engine/survival/prepare';
import { fakeWorker } from './fakeWorker';

function setup(fetchImpl?: typeof fetch) {
  const name = `test-${crypto.randomUUID()}`;
  let storage: Promise<LabStorage> | undefined;
  const context: SharedContext = {
    ...createSharedContext({ openStorage: () => (storage ??= openStorage({ name })) }),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
  const worker = fakeWorker(context);
  return { client: new ComputeClient(worker), worker, context, storage: () => context.storage() };
}

const veteranCsv = readFileSync('tests/fixtures/workers/veteran.csv');

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

describe('ingest-file, preview, profile and kaplan-meier', () => {
  it('imports a CSV file and reports what parsing decided', async () => {
    const { client } = setup();
    const progress: { done: number; total: number; stage?: string }[] = [];
    const file = new File([veteranCsv], 'veteran.csv', { type: 'text/csv' });
    const meta = await client.request(
      'ingest-file',
      { file, name: 'Veteran trial' },
      { onProgress: (p) => progress.push(p) },
    );
    expect(meta).toMatchObject({
      name: 'Veteran trial',
      source: { kind: 'file', fileName: 'veteran.csv', bytes: veteranCsv.byteLength },
      rowCount: 137,
      chunkCount: 1,
    });
    expect(meta.columns.map((c) => c.name)).toEqual([
      'rownames',
      'trt',
      'celltype',
      'time',
      'status',
      'karno',
      'diagtime',
      'age',
      'prior',
    ]);
    expect(meta.ingest).toMatchObject({
      encoding: 'utf-8',
      dialect: { delimiter: ',', header: true },
      warningCount: 0,
    });
    expect(meta.ingest!.inference).toHaveLength(9);
    expect(progress.map((p) => p.stage)).toContain('store');

    const preview = await client.request('preview', { datasetId: meta.id, rows: 2 });
    expect(preview.rows).toEqual([
      ['1', '1', 'squamous', '72', '1', '60', '7', '69', '0'],
      ['2', '1', 'squamous', '411', '1', '70', '5', '64', '10'],
    ]);
    expect(preview.rowCount).toBe(137);
    const all = await client.request('preview', { datasetId: meta.id, rows: 10_000 });
    expect(all.rows).toHaveLength(Math.min(137, MAX_PREVIEW_ROWS));

    const profile = await client.request('profile', { datasetId: meta.id });
    expect(profile.rowCount).toBe(137);
    expect(profile.columns.find((c) => c.name === 'celltype')).toMatchObject({
      distinct: 4,
      missing: 0,
    });
  });

  it('gives R survfit’s Kaplan–Meier curves for a CSV imported through the worker', async () => {
    // Reference: survfit(Surv(time, status) ~ trt, data = veteran), see tests/fixtures/workers/make-km-veteran.R.
    const reference = JSON.parse(
      readFileSync('tests/fixtures/workers/km-veteran.json', 'utf8'),
    ) as {
      curves: Record<
        'time' | 'nRisk' | 'nEvent' | 'survival' | 'stdErr' | 'lower' | 'upper',
        (number | 'Inf' | null)[]
      >[];
    };
    const { client, worker } = setup();
    const file = new File([veteranCsv], 'veteran.csv');
    const meta = await client.request('ingest-file', { file, name: 'veteran' });
    const result = await client.request('kaplan-meier', {
      datasetId: meta.id,
      settings: {
        duration: 'time',
        event: 'status',
        group: 'trt',
        options: { confType: 'log', confLevel: 0.95 },
      },
    });
    expect(result.excluded).toBe(0);
    expect(result.curves.map((c) => c.group)).toEqual(['1', '2']);
    result.curves.forEach((curve, g) => {
      const ref = reference.curves[g];
      expect(Array.from(curve.time)).toEqual(ref.time);
      expect(Array.from(curve.nRisk)).toEqual(ref.nRisk);
      expect(Array.from(curve.nEvent)).toEqual(ref.nEvent);
      for (const key of ['survival', 'stdErr', 'lower', 'upper'] as const) {
        Array.from(curve[key]).forEach((v, i) => {
          const r = ref[key][i];
          if (r === null) expect(v).toBeNaN();
          else if (r === 'Inf') expect(v).toBe(Infinity);
          else expect(v).toBeCloseTo(r, 12);
        });
      }
    });
    // The curves' arrays crossed by transfer, not by copy.
    const answer = worker.received.find((r) => r.message.type === 'result' && r.message.id === 2)!;
    expect(answer.transfer.length).toBeGreaterThanOrEqual(2 * 7);
  });

  it('matches the engine run directly on the insurance sample, and never transfers cached table buffers', async () => {
    const { client } = setup();
    const [policies] = await client.request('ingest-sample', { sample: 'insurance' });
    const settings = { duration: 'tenure_months', event: 'lapsed', group: 'channel' };
    const viaWorker = await client.request('kaplan-meier', { datasetId: policies.id, settings });
    const { policies: table } = generateInsuranceBook();
    const inputs = survivalInputs(table, settings);
    const direct = kaplanMeierByGroup(
      inputs.time,
      inputs.event,
      inputs.groupCodes,
      inputs.groupNames,
    );
    expect(viaWorker.curves).toEqual(direct);
    // The cached table is still whole: a second request on it gives the same answer.
    expect(await client.request('kaplan-meier', { datasetId: policies.id, settings })).toEqual(
      viaWorker,
    );
    const preview = await client.request('preview', { datasetId: policies.id, rows: 3 });
    expect(preview.rows).toHaveLength(3);
  });

  it('passes engine errors through with their code', async () => {
    const { client } = setup();
    const [policies] = await client.request('ingest-sample', { sample: 'insurance' });
    await expect(
      client.request('kaplan-meier', {
        datasetId: policies.id,
        settings: { duration: 'nope', event: 'lapsed' },
      }),
    ).rejects.toMatchObject({ code: 'column.not-found', params: { column: 'nope' } });
    await expect(
      client.request('preview', { datasetId: 'no-such-id', rows: 1 }),
    ).rejects.toMatchObject({
      code: 'storage.not-found',
    });
  });

  it('cancelling an import leaves nothing stored', async () => {
    const { client, storage, worker } = setup();
    const controller = new AbortController();
    // A large file, so that parsing takes long enough to be cancelled.
    const big = new File(
      [
        veteranCsv,
        ...Array.from({ length: 400 }, () => veteranCsv.subarray(veteranCsv.indexOf(10) + 1)),
      ],
      'big.csv',
    );
    const request = client.request(
      'ingest-file',
      { file: big, name: 'big' },
      {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      },
    );
    await expect(request).rejects.toMatchObject({ code: 'cancelled' });
    // Wait for the worker's own answer: it stopped with 'cancelled' rather than finishing.
    const final = () =>
      worker.received.find((r) => r.message.id === 1 && r.message.type !== 'progress');
    while (!final()) await new Promise((r) => setTimeout(r, 10));
    expect(final()!.message).toMatchObject({ type: 'error', error: { code: 'cancelled' } });
    const s = await storage();
    expect(await s.listDatasets()).toEqual([]);
  });
});
