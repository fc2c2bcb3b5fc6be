// The retype request end to end through the worker host: a file is ingested,
// a column overridden, and the result stored as a new dataset beside the
// original. Values are hand-checked from the tiny CSV below.
import { describe, expect, it } from 'vitest';
import { setup } from './setup';

const csv = 'id,code,joined\nA,007,2024-01-05\nB,12,2024-02-30\nC,x9,\n';

describe('retype request', () => {
  it('stores a converted copy with its reports and keeps the original', async () => {
    const { client, storage } = setup();
    const original = await client.request('ingest-file', {
      file: new Blob([csv]),
      name: 'codes.csv',
    });
    expect(original.columns.map((c) => c.type)).toEqual([
      'identifier',
      'identifier',
      'categorical',
    ]);

    const { meta, reports } = await client.request('retype', {
      datasetId: original.id,
      overrides: [
        { column: 'code', type: 'integer' },
        { column: 'joined', type: 'date' },
      ],
      name: 'codes.csv (types)',
    });
    expect(meta.columns.map((c) => c.type)).toEqual(['identifier', 'integer', 'date']);
    expect(meta.source).toEqual({
      kind: 'retyped',
      from: original.id,
      overrides: { code: 'integer', joined: 'date' },
      reports,
    });
    expect(meta.ingest).toEqual(original.ingest);
    expect(reports).toEqual([
      {
        column: 'code',
        from: 'identifier',
        to: 'integer',
        converted: 2,
        invalid: 1,
        examples: ['x9'],
      },
      {
        column: 'joined',
        from: 'categorical',
        to: 'date',
        converted: 1,
        invalid: 1,
        examples: ['2024-02-30'],
      },
    ]);
    const preview = await client.request('preview', { datasetId: meta.id, rows: 5 });
    expect(preview.rows).toEqual([
      ['A', '7', '2024-01-05'],
      ['B', '12', ''],
      ['C', '', ''],
    ]);
    const stored = await (await storage()).listDatasets();
    expect(stored.map((d) => d.id).sort()).toEqual([original.id, meta.id].sort());
  });

  it('names the copy "name (2)" when a stored dataset has its name', async () => {
    const { client } = setup();
    const original = await client.request('ingest-file', { file: new Blob([csv]), name: 'c.csv' });
    const retype = () =>
      client.request('retype', {
        datasetId: original.id,
        overrides: [{ column: 'code', type: 'integer' }],
        name: 'c.csv (types)',
      });
    const first = await retype();
    const second = await retype();
    expect([first.meta.name, second.meta.name]).toEqual(['c.csv (types)', 'c.csv (types) (2)']);
  });

  it('a copy that replaces another takes its name: a cell’s copy keeps it from change to change', async () => {
    const { client } = setup();
    const original = await client.request('ingest-file', { file: new Blob([csv]), name: 'c.csv' });
    const request = (type: 'integer' | 'text', replaces?: string) =>
      client.request('retype', {
        datasetId: original.id,
        overrides: [{ column: 'code', type }],
        name: 'c.csv (types)',
        ...(replaces ? { replaces } : {}),
      });
    const first = await request('integer');
    const second = await request('text', first.meta.id);
    expect(second.meta.name).toBe('c.csv (types)');
    expect(second.meta.id).not.toBe(first.meta.id);
  });

  it('refuses an unknown column or dataset with a message code, storing nothing', async () => {
    const { client, storage } = setup();
    const original = await client.request('ingest-file', { file: new Blob([csv]), name: 'c.csv' });
    await expect(
      client.request('retype', {
        datasetId: original.id,
        overrides: [{ column: 'nope', type: 'integer' }],
        name: 'x',
      }),
    ).rejects.toMatchObject({ code: 'column.not-found', params: { column: 'nope' } });
    await expect(
      client.request('retype', { datasetId: 'missing', overrides: [], name: 'x' }),
    ).rejects.toMatchObject({ code: 'storage.not-found' });
    expect((await (await storage()).listDatasets()).length).toBe(1);
  });
});
