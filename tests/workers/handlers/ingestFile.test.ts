// 'ingest-file' through the fake worker (with preview and profile of what it
// stored): what parsing decided, cancelling, and free names for a file
// imported twice. veteran.csv is R survival's veteran data (see
// tests/fixtures/workers).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_PREVIEW_ROWS } from '../../../src/lib/workers/handlers/preview';
import { setup } from './setup';

const veteranCsv = readFileSync('tests/fixtures/workers/veteran.csv');

describe('ingest-file', () => {
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

  it('names a file imported again "name (2)", then "name (3)", also when imported at once', async () => {
    const { client, storage } = setup();
    const file = () => new File([veteranCsv], 'veteran.csv');
    const first = await client.request('ingest-file', { file: file(), name: 'veteran.csv' });
    const second = await client.request('ingest-file', { file: file(), name: 'veteran.csv' });
    expect([first.name, second.name]).toEqual(['veteran.csv', 'veteran.csv (2)']);
    const [a, b] = await Promise.all([
      client.request('ingest-file', { file: file(), name: 'veteran.csv' }),
      client.request('ingest-file', { file: file(), name: 'veteran.csv' }),
    ]);
    expect([a.name, b.name].sort()).toEqual(['veteran.csv (3)', 'veteran.csv (4)']);
    // A name freed by deleting its dataset is used again.
    await (await storage()).deleteDataset(second.id);
    const again = await client.request('ingest-file', { file: file(), name: 'veteran.csv' });
    expect(again.name).toBe('veteran.csv (2)');
    const names = (await (await storage()).listDatasets()).map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
