import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDB } from 'idb';
import { openStorage, type LabStorage } from '../../src/lib/storage/db';
import { StorageError, toStorageError } from '../../src/lib/storage/errors';
import { MIGRATIONS, type Migration } from '../../src/lib/storage/migrations';
import type { NewDataset } from '../../src/lib/storage/types';
import { tableToIpcChunks } from '../../src/lib/engine/data/arrow';
import type { DataTable } from '../../src/lib/engine/data/table';
import { defaultNotebook } from '../../src/lib/notebook/defaults';

const opened: LabStorage[] = [];
afterEach(() => {
  opened.splice(0).forEach((s) => s.close());
});

async function fresh(options: Parameters<typeof openStorage>[0] = {}): Promise<LabStorage> {
  const s = await openStorage({ name: `test-${crypto.randomUUID()}`, ...options });
  opened.push(s);
  return s;
}

const table: DataTable = {
  rowCount: 5,
  columns: [
    {
      kind: 'number',
      name: 'tenure',
      type: 'integer',
      values: Float64Array.from([1, 2, NaN, 4, 5]),
    },
    {
      kind: 'string',
      name: '渠道',
      type: 'categorical',
      codes: Int32Array.from([0, 1, -1, 0, 1]),
      dictionary: ['代理', '银行'],
    },
  ],
};
const input: NewDataset = {
  name: 'policies',
  source: { kind: 'file', fileName: 'policies.csv', bytes: 123 },
  rowCount: table.rowCount,
  columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
};
const chunks = () => tableToIpcChunks(table, 2);

/** Raw counts straight from IndexedDB, bypassing the module under test. */
async function rawCounts(s: LabStorage) {
  const db = await openDB(s.name);
  const counts = {
    datasets: await db.count('datasets'),
    chunks: await db.count('chunks'),
    imports: await db.count('imports'),
  };
  db.close();
  return counts;
}

/** Makes the Nth put into `store` (1-based, counted from now) throw a quota error. */
function failNthPut(store: string, n: number): () => void {
  const proto = IDBObjectStore.prototype;
  const original = proto.put;
  let seen = 0;
  proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (this.name === store && ++seen === n)
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return original.apply(this, args);
  };
  return () => {
    proto.put = original;
  };
}

describe('datasets', () => {
  it('stores chunks and reads the same table back', async () => {
    const s = await fresh();
    const meta = await s.saveDataset(input, chunks());
    expect(meta).toMatchObject({ ...input, chunkCount: 3 });
    expect(meta.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.bytes).toBe(chunks().reduce((n, c) => n + c.byteLength, 0));
    expect(await s.listDatasets()).toEqual([meta]);
    const { table: back } = await s.loadTable(meta.id);
    expect(back.rowCount).toBe(5);
    expect(back.columns[0]).toMatchObject({
      values: table.columns[0].kind === 'number' && table.columns[0].values,
    });
    expect(back.columns[1]).toMatchObject({
      codes: Int32Array.from([0, 1, -1, 0, 1]),
      dictionary: ['代理', '银行'],
    });
  });

  it('re-opens a many-chunk dataset in index order, with only its own chunks, in one readonly transaction', async () => {
    const s = await fresh();
    // 12 chunks: index 10 and 11 must come after 9 (numeric key order, not text).
    const n = 23;
    const big: DataTable = {
      rowCount: n,
      columns: [
        {
          kind: 'number',
          name: 'tenure',
          type: 'integer',
          values: Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? NaN : i)),
        },
        {
          kind: 'string',
          name: '渠道',
          type: 'categorical',
          codes: Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -1 : i % 3)),
          dictionary: ['代理', '银行', 'online'],
        },
      ],
    };
    const bigInput = { ...input, rowCount: n };
    const other = await s.saveDataset(input, chunks());
    const meta = await s.saveDataset(bigInput, tableToIpcChunks(big, 2));
    expect(meta.chunkCount).toBe(12);
    const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const { table: back } = await s.loadTable(meta.id);
    expect(transaction.mock.calls.map((c) => c[1])).toEqual(['readonly']);
    transaction.mockRestore();
    expect(back.rowCount).toBe(n);
    expect(back.columns[0]).toMatchObject({
      values: big.columns[0].kind === 'number' && big.columns[0].values,
    });
    const ch = back.columns[1];
    expect(
      ch.kind === 'string' && Array.from(ch.codes, (k) => (k < 0 ? null : ch.dictionary[k])),
    ).toEqual(
      Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : ['代理', '银行', 'online'][i % 3])),
    );
    expect((await s.loadTable(other.id)).table.rowCount).toBe(5);
  });

  it('refuses to re-open a dataset that lost a chunk', async () => {
    const s = await fresh();
    const meta = await s.saveDataset(input, chunks());
    const db = await openDB(s.name);
    await db.delete('chunks', [meta.id, 1]);
    db.close();
    await expect(s.loadTable(meta.id)).rejects.toMatchObject({ code: 'storage.failed' });
  });

  it('accepts chunks from an async source and hides the dataset until the last one is written', async () => {
    const s = await fresh();
    let listedMidway: unknown;
    async function* source() {
      const all = chunks();
      yield all[0];
      listedMidway = await s.listDatasets();
      yield* all.slice(1);
    }
    const meta = await s.saveDataset(input, source());
    expect(listedMidway).toEqual([]);
    expect(meta.chunkCount).toBe(3);
    expect(await rawCounts(s)).toEqual({ datasets: 1, chunks: 3, imports: 0 });
  });

  it('stores a chunk that views a larger buffer without the rest of the buffer', async () => {
    const s = await fresh();
    const [c] = tableToIpcChunks(table);
    const big = new Uint8Array(c.byteLength + 1000);
    big.set(c, 500);
    const meta = await s.saveDataset(input, [big.subarray(500, 500 + c.byteLength)]);
    const { chunks: stored } = await s.loadDataset(meta.id);
    expect(stored[0].buffer.byteLength).toBe(c.byteLength);
    expect((await s.loadTable(meta.id)).table.rowCount).toBe(5);
  });

  it('deletes one dataset with its chunks, leaving others', async () => {
    const s = await fresh();
    const a = await s.saveDataset(input, chunks());
    const b = await s.saveDataset({ ...input, name: 'b' }, chunks());
    await s.deleteDataset(a.id);
    expect((await s.listDatasets()).map((d) => d.id)).toEqual([b.id]);
    expect(await rawCounts(s)).toEqual({ datasets: 1, chunks: 3, imports: 0 });
    await expect(s.loadDataset(a.id)).rejects.toMatchObject({
      code: 'storage.not-found',
      params: { datasetId: a.id },
    });
  });

  it('turns a quota error on the Nth chunk into storage.quota and leaves nothing of that dataset', async () => {
    const s = await fresh();
    const earlier = await s.saveDataset(input, chunks());
    const restore = failNthPut('chunks', 2);
    const all = chunks();
    try {
      const error = await s
        .saveDataset({ ...input, name: 'too big' }, all)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({
        code: 'storage.quota',
        params: { needed: all.reduce((n, c) => n + c.byteLength, 0) },
      });
    } finally {
      restore();
    }
    expect(await s.listDatasets()).toEqual([earlier]);
    expect(await rawCounts(s)).toEqual({ datasets: 1, chunks: 3, imports: 0 });
    expect((await s.loadTable(earlier.id)).table.rowCount).toBe(5);
  });

  it('on a failure while an earlier chunk is still being written, waits for it and leaves nothing', async () => {
    // saveDataset lets one chunk's transaction commit while it takes the next
    // chunk: the quota error on chunk 2 comes while chunk 1 is in flight.
    const s = await fresh();
    const restore = failNthPut('chunks', 2);
    const all = chunks();
    try {
      await expect(s.saveDataset(input, all)).rejects.toMatchObject({ code: 'storage.quota' });
    } finally {
      restore();
    }
    expect(await rawCounts(s)).toEqual({ datasets: 0, chunks: 0, imports: 0 });
    // Nothing lands later either, and the store still takes a whole dataset.
    const meta = await s.saveDataset(input, chunks());
    expect(await rawCounts(s)).toEqual({ datasets: 1, chunks: all.length, imports: 0 });
    expect((await s.loadTable(meta.id)).table.rowCount).toBe(5);
  });

  it('asks for the next chunk before the previous write has committed, at most two in flight', async () => {
    const s = await fresh();
    const all = chunks();
    let committed = 0;
    // Completed transactions, read each time the source is pulled.
    const seenAtPull: number[] = [];
    async function* source() {
      for (const c of all) {
        seenAtPull.push(committed);
        yield c;
      }
    }
    const realTransaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args) {
      const tx = realTransaction.apply(this, args as Parameters<IDBDatabase['transaction']>);
      tx.addEventListener('complete', () => committed++);
      return tx;
    } as IDBDatabase['transaction'];
    try {
      await s.saveDataset(input, source());
    } finally {
      IDBDatabase.prototype.transaction = realTransaction;
    }
    // One transaction (the import marker) completed before the first pull;
    // the second chunk is asked for while the first chunk's write is open.
    expect(seenAtPull[0]).toBe(1);
    expect(seenAtPull[1]).toBe(1);
    // At each pull at most one chunk write is open, so with the new one never more than two.
    expect(all.length).toBeGreaterThan(2);
    seenAtPull.forEach((c, i) => expect(i - (c - 1)).toBeLessThanOrEqual(1));
  });

  it('cleans up when the chunk source itself fails', async () => {
    const s = await fresh();
    async function* broken() {
      yield chunks()[0];
      throw new Error('parse failed');
    }
    await expect(s.saveDataset(input, broken())).rejects.toMatchObject({ code: 'storage.failed' });
    expect(await rawCounts(s)).toEqual({ datasets: 0, chunks: 0, imports: 0 });
  });

  it('an import cut off by deleteAllData fails instead of storing half a dataset', async () => {
    const s = await fresh();
    async function* source() {
      const all = chunks();
      yield all[0];
      await s.deleteAllData();
      yield* all.slice(1);
    }
    await expect(s.saveDataset(input, source())).rejects.toMatchObject({ code: 'storage.failed' });
    expect(await rawCounts(s)).toEqual({ datasets: 0, chunks: 0, imports: 0 });
  });

  it('on open, removes what an abandoned import left, but not a live one', async () => {
    const name = `test-${crypto.randomUUID()}`;
    let now = 1_000_000;
    const crashed = await openStorage({ name, now: () => now });
    opened.push(crashed);
    // An import whose tab died after two chunks: the source never finishes.
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    async function* hangs() {
      const all = chunks();
      yield all[0];
      yield all[1];
      await stuck;
    }
    void crashed.saveDataset(input, hangs()).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(await rawCounts(crashed)).toEqual({ datasets: 0, chunks: 2, imports: 1 });

    opened.push(await openStorage({ name, now: () => now + 60_000 }));
    expect(await rawCounts(crashed)).toEqual({ datasets: 0, chunks: 2, imports: 1 });

    now += 11 * 60_000;
    opened.push(await openStorage({ name, now: () => now }));
    expect(await rawCounts(crashed)).toEqual({ datasets: 0, chunks: 0, imports: 0 });
    release();
  });
});

describe('imports written by several writers (a file read in parts)', () => {
  // Three "parts" of six rows, chunked by two; each part writes its chunks at
  // its own stride of indices, the last part first, the way helpers finish.
  const rows = 18;
  const big: DataTable = {
    rowCount: rows,
    columns: [
      {
        kind: 'number',
        name: 'n',
        type: 'integer',
        values: Float64Array.from({ length: rows }, (_, i) => i),
      },
    ],
  };
  const part = (k: number) =>
    tableToIpcChunks(
      {
        rowCount: 6,
        columns: [
          { ...big.columns[0], values: Float64Array.from({ length: 6 }, (_, i) => 6 * k + i) },
        ],
      } as DataTable,
      2,
    );
  const bigInput: NewDataset = {
    ...input,
    rowCount: rows,
    columns: [{ name: 'n', type: 'integer' }],
  };

  it('chunks from writers at apart index ranges load in index order once committed', async () => {
    const s = await fresh();
    const id = await s.beginImport();
    let bytes = 0;
    for (const k of [2, 0, 1]) {
      const writer = s.chunkWriter(id, k * 2 ** 20);
      for (const c of part(k)) {
        bytes += c.byteLength;
        await writer.write(c);
      }
      expect((await writer.done()).count).toBe(3);
    }
    expect(await s.listDatasets()).toEqual([]);
    const meta = await s.commitImport(id, bigInput, 9, bytes);
    expect(meta).toMatchObject({ id, chunkCount: 9, bytes });
    const { table: loaded } = await s.loadTable(id);
    expect(Array.from((loaded.columns[0] as { values: Float64Array }).values)).toEqual(
      Array.from({ length: rows }, (_, i) => i),
    );
    expect(await rawCounts(s)).toEqual({ datasets: 1, chunks: 9, imports: 0 });
  });

  it('refuses to commit with a chunk missing, and discard leaves nothing', async () => {
    const s = await fresh();
    const id = await s.beginImport();
    const writer = s.chunkWriter(id, 0);
    for (const c of part(0)) await writer.write(c);
    await writer.done();
    await expect(s.commitImport(id, bigInput, 4, 0)).rejects.toMatchObject({
      code: 'storage.failed',
    });
    await s.discardImport(id);
    expect(await rawCounts(s)).toEqual({ datasets: 0, chunks: 0, imports: 0 });
  });

  it('a chunk written after its import was discarded does not bring the import back', async () => {
    const s = await fresh();
    const id = await s.beginImport();
    await s.discardImport(id);
    const writer = s.chunkWriter(id, 0);
    await writer.write(part(0)[0]);
    await writer.done();
    // The stray chunk has no import and no dataset: the next open sweeps it.
    expect(await rawCounts(s)).toEqual({ datasets: 0, chunks: 1, imports: 0 });
    await expect(s.commitImport(id, bigInput, 1, 0)).rejects.toMatchObject({
      code: 'storage.failed',
    });
    const again = await openStorage({ name: s.name });
    opened.push(again);
    expect(await rawCounts(s)).toEqual({ datasets: 0, chunks: 0, imports: 0 });
  });

  it('a quota error while writing comes out of the writer as storage.quota', async () => {
    const s = await fresh();
    const id = await s.beginImport();
    const writer = s.chunkWriter(id, 0, 1234);
    const quota = new DOMException('full', 'QuotaExceededError');
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw quota;
    });
    try {
      await expect(
        (async () => {
          await writer.write(part(0)[0]);
          await writer.done();
        })(),
      ).rejects.toMatchObject({ code: 'storage.quota', params: { needed: 1234 } });
    } finally {
      spy.mockRestore();
    }
    await s.discardImport(id);
    expect(await rawCounts(s)).toEqual({ datasets: 0, chunks: 0, imports: 0 });
  });
});

describe('notebooks and settings', () => {
  it('saves, lists, loads and deletes notebooks', async () => {
    const s = await fresh();
    const a = defaultNotebook([], { id: 'a', now: new Date('2025-01-01T00:00:00Z') });
    const b = {
      ...defaultNotebook([], { id: 'b', now: new Date('2025-02-01T00:00:00Z') }),
      title: '流失分析',
    };
    await s.saveNotebook(a);
    await s.saveNotebook(b);
    expect(await s.listNotebooks()).toEqual([
      { id: 'b', title: '流失分析', cellCount: 3, updatedAt: b.updatedAt, valid: true },
      { id: 'a', title: a.title, cellCount: 3, updatedAt: a.updatedAt, valid: true },
    ]);
    expect(await s.loadNotebook('b')).toMatchObject({ ok: true, notebook: b });
    expect(await s.loadNotebook('nope')).toBeUndefined();
    await s.deleteNotebook('a');
    expect((await s.listNotebooks()).map((n) => n.id)).toEqual(['b']);
  });

  it('validates a stored notebook on load, and keeps one that fails as it is', async () => {
    const s = await fresh();
    const db = await openDB(s.name);
    const stored = { ...defaultNotebook([], { id: 'x' }), version: 99 };
    await db.put('notebooks', stored);
    db.close();
    const loaded = await s.loadNotebook('x');
    expect(loaded).toMatchObject({
      ok: false,
      error: { code: 'notebook.version', params: { version: 99 } },
      raw: stored,
    });
    // Nothing replaced it: it is listed (as not valid) and stored unchanged.
    expect(await s.listNotebooks()).toMatchObject([{ id: 'x', valid: false }]);
    expect((await s.loadNotebook('x'))?.raw).toEqual(stored);
  });

  it('keeps settings by key', async () => {
    const s = await fresh();
    expect(await s.getSetting('locale')).toBeUndefined();
    await s.setSetting('locale', 'zh-CN');
    await s.setSetting('currentNotebook', 'nb-1');
    expect(await s.getSetting('locale')).toBe('zh-CN');
    expect(await s.getSetting('currentNotebook')).toBe('nb-1');
  });
});

describe('cell results', () => {
  const record = (cell: string, key: string, sources: string[], notebook = 'nb') => ({
    notebook,
    cell,
    kind: 'profile',
    key,
    output: null,
    sources,
    result: { curves: [new Float64Array([1, 0.5])] },
    createdAt: '2026-01-01T00:00:00.000Z',
  });

  it('keeps one result per cell, found by key from any notebook, typed arrays intact', async () => {
    const s = await fresh();
    await s.saveResult(record('c1', 'k1', ['d1']));
    await s.saveResult(record('c1', 'k2', ['d1']));
    expect(await s.findResult('k1')).toBeUndefined();
    const found = await s.findResult('k2');
    expect(found).toMatchObject({ notebook: 'nb', cell: 'c1', key: 'k2' });
    expect((found!.result as { curves: Float64Array[] }).curves[0]).toEqual(
      new Float64Array([1, 0.5]),
    );
    await s.saveResult(record('c1', 'k2', ['d1'], 'copy'));
    expect((await s.findResult('k2'))?.key).toBe('k2');
  });

  it('deleting a dataset deletes the results computed from it, and only those', async () => {
    const s = await fresh();
    const meta = await s.saveDataset(input, chunks());
    await s.saveResult(record('c1', 'k1', [meta.id]));
    await s.saveResult(record('c2', 'k2', ['other', meta.id]));
    await s.saveResult(record('c3', 'k3', ['other']));
    await s.deleteDataset(meta.id);
    expect(await s.findResult('k1')).toBeUndefined();
    expect(await s.findResult('k2')).toBeUndefined();
    expect(await s.findResult('k3')).toBeDefined();
  });

  it('deleting a notebook deletes its results and its Prepare cells’ datasets', async () => {
    const s = await fresh();
    await s.saveNotebook(defaultNotebook([], { id: 'nb' }));
    const derived = await s.saveDataset(
      { ...input, source: { kind: 'derived', notebook: 'nb', cell: 'c1', key: 'x', report: {} } },
      chunks(),
    );
    const kept = await s.saveDataset(input, chunks());
    await s.saveResult(record('c1', 'k1', [kept.id]));
    await s.saveResult(record('c1', 'k9', [kept.id], 'other-notebook'));
    await s.deleteNotebook('nb');
    expect(await s.findResult('k1')).toBeUndefined();
    expect(await s.findResult('k9')).toBeDefined();
    expect((await s.listDatasets()).map((d) => d.id)).toEqual([kept.id]);
    expect(await rawCounts(s)).toMatchObject({ datasets: 1 });
    expect(derived.id).not.toBe(kept.id);
  });

  it('deletes one cell’s result, or a whole notebook’s', async () => {
    const s = await fresh();
    await s.saveResult(record('c1', 'k1', []));
    await s.saveResult(record('c2', 'k2', []));
    await s.deleteResults('nb', 'c1');
    expect(await s.findResult('k1')).toBeUndefined();
    expect(await s.findResult('k2')).toBeDefined();
    await s.deleteResults('nb');
    expect(await s.findResult('k2')).toBeUndefined();
  });
});

describe('deleteAllData and connections', () => {
  it('clears everything while another connection (the worker) is open', async () => {
    const name = `test-${crypto.randomUUID()}`;
    const page = await openStorage({ name });
    const worker = await openStorage({ name });
    opened.push(page, worker);
    await worker.saveDataset(input, chunks());
    await page.saveNotebook(defaultNotebook([], { id: 'n' }));
    await page.setSetting('locale', 'en');
    await page.deleteAllData();
    expect(await worker.listDatasets()).toEqual([]);
    expect(await page.listNotebooks()).toEqual([]);
    expect(await page.getSetting('locale')).toBeUndefined();
    expect(await rawCounts(page)).toEqual({ datasets: 0, chunks: 0, imports: 0 });
  });

  it('upgrades with an older connection open: the old one steps aside, data survives', async () => {
    const name = `test-${crypto.randomUUID()}`;
    const old = await openStorage({ name });
    opened.push(old);
    const meta = await old.saveDataset(input, chunks());
    const next: Migration = {
      version: MIGRATIONS.length + 1,
      description: 'test: add a field to every dataset',
      up: (editor) => editor.rewrite('datasets', (d) => ({ ...(d as object), migrated: true })),
    };
    const upgraded = await openStorage({ name, migrations: [...MIGRATIONS, next] });
    opened.push(upgraded);
    expect(await upgraded.listDatasets()).toEqual([{ ...meta, migrated: true }]);
    expect((await upgraded.loadTable(meta.id)).table.rowCount).toBe(5);
    // The old app cannot reopen a newer database; it says so instead of hanging.
    await expect(old.listDatasets()).rejects.toMatchObject({ code: 'storage.failed' });
  });

  it('a failing migration leaves the database at its old version', async () => {
    const name = `test-${crypto.randomUUID()}`;
    const v1 = await openStorage({ name });
    await v1.setSetting('locale', 'en');
    v1.close();
    const bad: Migration = {
      version: MIGRATIONS.length + 1,
      description: 'test: throws',
      up: () => {
        throw new Error('boom');
      },
    };
    await expect(openStorage({ name, migrations: [...MIGRATIONS, bad] })).rejects.toMatchObject({
      code: 'storage.failed',
      params: { message: 'Error: boom' },
    });
    const again = await openStorage({ name });
    opened.push(again);
    expect(await again.getSetting('locale')).toBe('en');
  });
});

describe('storage errors', () => {
  it('recognises quota errors thrown directly or as the reason a transaction aborted', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(toStorageError(quota)).toMatchObject({ code: 'storage.quota', params: {} });
    const aborted = Object.assign(new DOMException('aborted', 'AbortError'), { error: quota });
    expect(toStorageError(aborted, 10)).toMatchObject({
      code: 'storage.quota',
      params: { needed: 10 },
    });
    expect(toStorageError(new DOMException('x', 'UnknownError'))).toMatchObject({
      code: 'storage.failed',
      params: { message: 'UnknownError: x' },
    });
  });
});
