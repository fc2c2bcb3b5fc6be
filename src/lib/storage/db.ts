// All of the app's persistent data, in one IndexedDB database ('lifecycle-lab').
// Opened both on the page (dataset list, notebooks, settings, deletes) and in
// the compute worker (dataset chunks); both open the same database and this
// module is the only code that touches it. Where each kind of data goes:
//
//   datasets   DatasetMeta by id. Only complete datasets: a meta is written
//              last, in the same transaction that checks all chunks are there.
//   chunks     [datasetId, index] → Uint8Array, one Arrow IPC stream each
//              (engine/data/arrow.ts), so no read or write needs the whole table.
//              Indices increase in row order; a file read in parts leaves gaps
//              between the parts' ranges (see chunkWriter).
//   imports    {id, startedAt, touchedAt} while a dataset's chunks are being
//              written. A record left behind by a closed tab or crash (not
//              touched for `staleImportMs`) and any chunks without a dataset
//              are removed when storage is next opened.
//   notebooks  NotebookDocument by id, validated and migrated on load; a
//              stored notebook that fails to validate is kept as it is.
//   results    a cell's last result (notebook/runner.ts StoredResult) by
//              [notebook, cell], indexed by `key` (what made it) so a reload or a
//              copy of the notebook shows it without computing, and by `sources`
//              (the datasets it came from) so deleting a dataset deletes it.
//   settings   key → value, typed by `Settings` in ./types.ts.
//
// The schema's history lives in ./migrations.ts. Quota and other IndexedDB
// failures come out as StorageError (./errors.ts), never as raw DOMExceptions.
// See docs/decisions/0002-storage-format.md.

import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { tableFromIpcChunks } from '../engine/data/arrow';
import type { DataTable } from '../engine/data/table';
import type { NotebookDocument } from '../notebook/document';
import { parseNotebook, type ParseResult } from '../notebook/schema';
import type { StoredResult } from '../notebook/runner';
import { StorageError, toStorageError } from './errors';
import { MIGRATIONS, runMigrations, type Migration, type SchemaEditor } from './migrations';
import type { DatasetMeta, NewDataset, NotebookSummary, Settings, StorageUsage } from './types';

export const DATABASE_NAME = 'lifecycle-lab';

interface PendingImport {
  id: string;
  startedAt: number;
  touchedAt: number;
}

interface LabSchema extends DBSchema {
  datasets: { key: string; value: DatasetMeta };
  chunks: { key: [string, number]; value: Uint8Array };
  imports: { key: string; value: PendingImport };
  notebooks: { key: string; value: NotebookDocument };
  results: {
    key: [string, string];
    value: StoredResult;
    indexes: { key: string; notebook: string; sources: string };
  };
  settings: { key: string; value: unknown };
}

type Db = IDBPDatabase<LabSchema>;

export interface StorageOptions {
  /** Database name; tests use their own. */
  name?: string;
  /** The schema history; tests pass a longer one to exercise an upgrade. */
  migrations?: readonly Migration[];
  /** An import not written to for this long belongs to a tab that is gone. */
  staleImportMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Opens (creating or upgrading) the database and removes what interrupted imports left. */
export async function openStorage(options: StorageOptions = {}): Promise<LabStorage> {
  const storage = new LabStorage(options);
  await storage.sweepOrphans();
  return storage;
}

/** Every key of one dataset's chunks, in index order. */
function chunkRange(datasetId: string): IDBKeyRange {
  return IDBKeyRange.bound([datasetId, 0], [datasetId, Infinity]);
}

/** Chunk writes a ChunkWriter lets commit while it takes the next chunk. */
const MAX_WRITES_IN_FLIGHT = 2;

/** A chunk that views part of a larger buffer would be cloned with all of it. */
function compact(chunk: Uint8Array): Uint8Array {
  return chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength
    ? chunk
    : chunk.slice();
}

/** The page's and the worker's handle on storage. */
export type { LabStorage as Storage };

export class LabStorage {
  readonly name: string;
  readonly version: number;
  private readonly migrations: readonly Migration[];
  private readonly staleImportMs: number;
  private readonly now: () => number;
  private connection: Promise<Db> | null = null;

  constructor(options: StorageOptions = {}) {
    this.name = options.name ?? DATABASE_NAME;
    this.migrations = options.migrations ?? MIGRATIONS;
    this.version = this.migrations[this.migrations.length - 1].version;
    this.staleImportMs = options.staleImportMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  // ---- connection ---------------------------------------------------------

  /** The open connection, reopened on demand after another context upgraded the schema. */
  private db(): Promise<Db> {
    this.connection ??= this.open().catch((e) => {
      this.connection = null;
      throw e;
    });
    return this.connection;
  }

  private async open(): Promise<Db> {
    let upgradeError: unknown;
    const forget = (db: Db) => {
      db.close();
      if (this.connection) this.connection = null;
    };
    try {
      const db: Db = await openDB<LabSchema>(this.name, this.version, {
        upgrade: (raw, oldVersion, newVersion, tx) => {
          const editor = upgradeEditor(raw as unknown as IDBPDatabase, tx as never);
          runMigrations(editor, oldVersion, newVersion ?? this.version, this.migrations).catch(
            (e: unknown) => {
              upgradeError = e;
              // openDB rejects with the abort; this promise would otherwise go unhandled.
              tx.done.catch(() => undefined);
              tx.abort();
            },
          );
        },
        // Another tab or the worker wants a newer schema: let it, and reopen on next use.
        blocking: () => forget(db),
        terminated: () => {
          this.connection = null;
        },
      });
      return db;
    } catch (e) {
      if ((e as { name?: string })?.name === 'VersionError') {
        const message = 'The database was written by a newer version of the app';
        throw new StorageError('storage.failed', { message }, message);
      }
      throw toStorageError(upgradeError ?? e);
    }
  }

  /** Runs `work` on the connection; every failure becomes a StorageError. */
  private async run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    try {
      return await work(await this.db());
    } catch (e) {
      throw toStorageError(e);
    }
  }

  close(): void {
    const connection = this.connection;
    this.connection = null;
    void connection?.then((db) => db.close()).catch(() => undefined);
  }

  // ---- datasets -----------------------------------------------------------

  /**
   * Stores a dataset whose chunks arrive one by one, all or nothing: readers
   * see no dataset until the last chunk is written, and a failure (quota
   * included) removes every chunk written so far.
   */
  async saveDataset(
    input: NewDataset,
    chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<DatasetMeta> {
    const knownBytes = Array.isArray(chunks)
      ? chunks.reduce((sum: number, c: Uint8Array) => sum + c.byteLength, 0)
      : undefined;
    const id = await this.beginImport();
    const writer = this.chunkWriter(id, 0, knownBytes);
    try {
      for await (const chunk of chunks) await writer.write(chunk);
      const { count, bytes } = await writer.done();
      return await this.commitImport(id, input, count, bytes);
    } catch (e) {
      // A write still in flight could otherwise land after the clean-up.
      await writer.done().catch(() => undefined);
      await this.discardImport(id).catch(() => undefined);
      throw toStorageError(e, knownBytes);
    }
  }

  /**
   * Starts an import: chunks written under its id (chunkWriter), by this
   * or another worker, stay invisible until commitImport makes them a
   * dataset, and are removed by discardImport or, if the tab goes away, by
   * the next sweepOrphans.
   */
  async beginImport(): Promise<string> {
    const id = crypto.randomUUID();
    await this.run(async (db) => {
      const startedAt = this.now();
      await db.put('imports', { id, startedAt, touchedAt: startedAt });
    });
    return id;
  }

  /**
   * Writes an import's chunks with indices firstIndex, firstIndex + 1, …
   * (indices need only increase in file order; several writers of one
   * import use apart ranges). `write` resolves once the next chunk may
   * come: up to MAX_WRITES_IN_FLIGHT commit while the caller encodes the
   * next one (measured in Chromium, decision 0011), never more, so at most
   * that many chunks are held. `done` waits for every write and rejects
   * with the first failure. Failures are StorageErrors.
   */
  chunkWriter(
    id: string,
    firstIndex: number,
    /** Bytes the whole import needs, when known, for a quota error's message. */
    needed?: number,
  ): {
    write(chunk: Uint8Array): Promise<void>;
    done(): Promise<{ count: number; bytes: number }>;
  } {
    const inFlight: Promise<unknown>[] = [];
    let count = 0;
    let bytes = 0;
    return {
      write: async (chunk) => {
        try {
          const db = await this.db();
          const tx = db.transaction(['chunks', 'imports'], 'readwrite');
          const written = Promise.all([
            tx.objectStore('chunks').put(compact(chunk), [id, firstIndex + count]),
            // Touch the import, so a sweep in another tab keeps it; never re-create one discarded.
            tx
              .objectStore('imports')
              .get(id)
              .then((p) => p && tx.objectStore('imports').put({ ...p, touchedAt: this.now() })),
            tx.done,
          ]);
          // Handled when awaited (here or in done); this only keeps a failure
          // that happens while another step is awaited from being reported as unhandled.
          written.catch(() => undefined);
          inFlight.push(written);
          count++;
          bytes += chunk.byteLength;
          if (inFlight.length >= MAX_WRITES_IN_FLIGHT) await inFlight.shift();
        } catch (e) {
          throw toStorageError(e, needed);
        }
      },
      done: async () => {
        try {
          while (inFlight.length > 0) await inFlight.shift();
        } catch (e) {
          await Promise.allSettled(inFlight.splice(0));
          throw toStorageError(e, needed);
        }
        return { count, bytes };
      },
    };
  }

  /**
   * Makes an import a dataset: checks, in the transaction that writes the
   * meta, that the import is still there and has exactly `count` chunks.
   */
  async commitImport(
    id: string,
    input: NewDataset,
    count: number,
    bytes: number,
  ): Promise<DatasetMeta> {
    return this.run(async (db) => {
      const meta: DatasetMeta = {
        ...input,
        id,
        chunkCount: count,
        bytes,
        createdAt: new Date(this.now()).toISOString(),
      };
      const tx = db.transaction(['datasets', 'chunks', 'imports'], 'readwrite');
      const [pending, stored] = await Promise.all([
        tx.objectStore('imports').get(id),
        tx.objectStore('chunks').count(chunkRange(id)),
      ]);
      if (!pending || stored !== count) {
        // Everything was deleted (or swept) while we wrote: storing the meta now would expose a half dataset.
        tx.done.catch(() => undefined);
        tx.abort();
        const message = 'The import was interrupted: its data was deleted';
        throw new StorageError('storage.failed', { message }, message);
      }
      await Promise.all([
        tx.objectStore('datasets').put(meta),
        tx.objectStore('imports').delete(id),
        tx.done,
      ]);
      return meta;
    });
  }

  /** Removes an import and every chunk written for it. */
  async discardImport(id: string): Promise<void> {
    const db = await this.db();
    const tx = db.transaction(['chunks', 'imports'], 'readwrite');
    await Promise.all([
      tx.objectStore('chunks').delete(chunkRange(id)),
      tx.objectStore('imports').delete(id),
      tx.done,
    ]);
  }

  /**
   * Removes chunks that belong to no dataset and no live import, and imports
   * nobody has written to for `staleImportMs`. Run on open.
   */
  async sweepOrphans(): Promise<void> {
    await this.run(async (db) => {
      const tx = db.transaction(['datasets', 'chunks', 'imports'], 'readwrite');
      const now = this.now();
      const keep = new Set<string>(await tx.objectStore('datasets').getAllKeys());
      for (const pending of await tx.objectStore('imports').getAll()) {
        if (now - pending.touchedAt < this.staleImportMs) keep.add(pending.id);
        else await tx.objectStore('imports').delete(pending.id);
      }
      const orphans: string[] = [];
      let cursor = await tx.objectStore('chunks').openKeyCursor();
      while (cursor) {
        const datasetId = cursor.key[0];
        if (!keep.has(datasetId)) orphans.push(datasetId);
        // Skip the rest of this dataset's chunks: indices are finite.
        cursor = await cursor.continue([datasetId, Infinity]);
      }
      for (const datasetId of orphans) await tx.objectStore('chunks').delete(chunkRange(datasetId));
      await tx.done;
    });
  }

  async listDatasets(): Promise<DatasetMeta[]> {
    const all = await this.run((db) => db.getAll('datasets'));
    return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async getDataset(id: string): Promise<DatasetMeta | undefined> {
    return this.run((db) => db.get('datasets', id));
  }

  /** A dataset's metadata and its Arrow IPC chunks, read in one transaction. */
  async loadDataset(id: string): Promise<{ meta: DatasetMeta; chunks: Uint8Array[] }> {
    return this.run(async (db) => {
      const tx = db.transaction(['datasets', 'chunks'], 'readonly');
      const [meta, chunks] = await Promise.all([
        tx.objectStore('datasets').get(id),
        tx.objectStore('chunks').getAll(chunkRange(id)),
        tx.done,
      ]);
      if (!meta) throw new StorageError('storage.not-found', { datasetId: id });
      if (chunks.length !== meta.chunkCount) {
        const message = `Dataset ${id} has ${chunks.length} of ${meta.chunkCount} chunks`;
        throw new StorageError('storage.failed', { message }, message);
      }
      return { meta, chunks };
    });
  }

  /** A stored dataset as a DataTable. */
  async loadTable(id: string): Promise<{ meta: DatasetMeta; table: DataTable }> {
    const { meta, chunks } = await this.loadDataset(id);
    return { meta, table: tableFromIpcChunks(chunks, meta.columns) };
  }

  /** Deletes a dataset, its chunks and every stored result computed from it. */
  async deleteDataset(id: string): Promise<void> {
    await this.run(async (db) => {
      const tx = db.transaction(['datasets', 'chunks', 'results'], 'readwrite');
      const results = tx.objectStore('results');
      const derived = await results.index('sources').getAllKeys(id);
      await Promise.all([
        tx.objectStore('datasets').delete(id),
        tx.objectStore('chunks').delete(chunkRange(id)),
        ...derived.map((key) => results.delete(key)),
        tx.done,
      ]);
    });
  }

  /**
   * Forgets everything: datasets, notebooks, results, settings. Clears every store in
   * one transaction instead of deleting the database, so it works while the
   * worker holds its own connection (deleteDatabase would wait for it).
   */
  async deleteAllData(): Promise<void> {
    await this.run(async (db) => {
      const names = Array.from(db.objectStoreNames);
      const tx = db.transaction(names, 'readwrite');
      await Promise.all([...names.map((n) => tx.objectStore(n).clear()), tx.done]);
    });
  }

  // ---- notebooks ----------------------------------------------------------

  async saveNotebook(doc: NotebookDocument): Promise<void> {
    await this.run((db) => db.put('notebooks', doc));
  }

  /**
   * The stored notebook, migrated to the current format; undefined if there
   * is none. One that fails to validate comes back as the failure with its
   * stored value (`raw`), which is left in storage untouched, so the app can
   * say why and offer it for export.
   */
  async loadNotebook(id: string): Promise<(ParseResult & { raw: unknown }) | undefined> {
    const raw = await this.run((db) => db.get('notebooks', id));
    if (raw === undefined) return undefined;
    return { ...parseNotebook(raw), raw };
  }

  /** Every stored notebook, newest first, including those that fail to validate. */
  async listNotebooks(): Promise<NotebookSummary[]> {
    const all: unknown[] = await this.run((db) => db.getAll('notebooks'));
    return all
      .map((raw) => {
        const n = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
        return {
          id: String(n.id),
          title: typeof n.title === 'string' ? n.title : '',
          cellCount: Array.isArray(n.cells) ? n.cells.length : 0,
          updatedAt: typeof n.updatedAt === 'string' ? n.updatedAt : '',
          valid: parseNotebook(raw).ok,
        };
      })
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** Deletes a notebook, its cells' stored results and the datasets its Prepare cells made. */
  async deleteNotebook(id: string): Promise<void> {
    await this.run(async (db) => {
      const tx = db.transaction(['notebooks', 'results', 'datasets', 'chunks'], 'readwrite');
      const results = tx.objectStore('results');
      const datasets = tx.objectStore('datasets');
      const keys = await results.index('notebook').getAllKeys(id);
      const derived = (await datasets.getAll()).filter(
        (d) => d.source.kind === 'derived' && d.source.notebook === id,
      );
      await Promise.all([
        tx.objectStore('notebooks').delete(id),
        ...keys.map((key) => results.delete(key)),
        ...derived.flatMap((d) => [
          datasets.delete(d.id),
          tx.objectStore('chunks').delete(chunkRange(d.id)),
        ]),
        tx.done,
      ]);
    });
  }

  // ---- results ------------------------------------------------------------

  /** A stored cell result made by `key` (any notebook's: a copied notebook shares them). */
  async findResult(key: string): Promise<StoredResult | undefined> {
    return this.run((db) => db.getFromIndex('results', 'key', key));
  }

  /** Stores a cell's result, replacing that cell's previous one. */
  async saveResult(record: StoredResult): Promise<void> {
    await this.run((db) => db.put('results', record));
  }

  /** Deletes the stored results of one cell, or of every cell of a notebook. */
  async deleteResults(notebook: string, cell?: string): Promise<void> {
    await this.run(async (db) => {
      if (cell !== undefined) return db.delete('results', [notebook, cell]);
      const tx = db.transaction('results', 'readwrite');
      const keys = await tx.store.index('notebook').getAllKeys(notebook);
      await Promise.all([...keys.map((key) => tx.store.delete(key)), tx.done]);
    });
  }

  // ---- settings -----------------------------------------------------------

  /**
   * A stored setting. Its type follows from the key; a caller may narrow it
   * further, e.g. `getSetting<Locale>('locale')`.
   */
  async getSetting<V extends Settings[K], K extends keyof Settings = keyof Settings>(
    key: K,
  ): Promise<V | undefined> {
    return (await this.run((db) => db.get('settings', key))) as V | undefined;
  }

  async setSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
    await this.run((db) => db.put('settings', value, key));
  }

  // ---- usage --------------------------------------------------------------

  /** How much this origin stores and may store, where the browser says. */
  async estimateUsage(): Promise<StorageUsage> {
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (!storage?.estimate) return null;
    const { usage = 0, quota = 0 } = await storage.estimate();
    return { usage, quota };
  }
}

/** Adapts the real upgrade transaction to the pure steps' SchemaEditor. */
function upgradeEditor(
  db: IDBPDatabase,
  tx: IDBPTransaction<unknown, string[], 'versionchange'>,
): SchemaEditor {
  return {
    storeNames: () => Array.from(db.objectStoreNames),
    createStore: (name, options) => void db.createObjectStore(name, options),
    createIndex: (store, name, keyPath, options) =>
      void tx.objectStore(store).createIndex(name, keyPath, options),
    deleteStore: (name) => db.deleteObjectStore(name),
    async rewrite(store, fn) {
      let cursor = await tx.objectStore(store).openCursor();
      while (cursor) {
        const next = fn(cursor.value);
        if (next === undefined) await cursor.delete();
        else await cursor.update(next);
        cursor = await cursor.continue();
      }
    },
  };
}
