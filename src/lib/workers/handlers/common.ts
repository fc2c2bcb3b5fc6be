// What the compute worker's handlers share. Runs in the compute worker (and
// in Node tests, with fake-indexeddb storage): the context that lives as
// long as the worker (storage, the table cache), the handler type, and the
// helpers several handlers use — loading a stored table, storing a new one
// under a free name, and the key a derived dataset is stored under.
//
// Tables are read through the context's TableCache; storage is the one module
// in ../../storage/db.ts (the worker writes and reads dataset chunks there).

import { DEFAULT_ROWS_PER_CHUNK, ipcChunks } from '../../engine/data/arrow';
import type { SampleId } from '../../engine/data/samples';
import type { DataTable } from '../../engine/data/table';
import type { PrepareStep } from '../../notebook/document';
import { contentKey } from '../../notebook/key';
import { openStorage, type LabStorage } from '../../storage/db';
import type { DatasetMeta, NewDataset } from '../../storage/types';
import type { Handler, JobContext } from '../host';
import type { PartPool } from '../partPool';
import type { ComputeRequests } from '../protocol';
import { TableCache } from '../tableCache';

/** What lives as long as the compute worker, given to every handler. */
export interface SharedContext {
  storage: () => Promise<LabStorage>;
  tables: TableCache;
  /** Sample requests still running, so asking twice at once stores the sample once. */
  samplesInFlight: Map<SampleId, Promise<DatasetMeta[]>>;
  /** Names of datasets being stored right now, so two at once do not take the same name. */
  namesInFlight: Set<string>;
  fetch: typeof fetch;
  /** Where large delimited files are read in parts at once (see ../partPool.ts); null: one pass. */
  parts: PartPool | null;
}

export function createSharedContext(
  options: { openStorage?: () => Promise<LabStorage>; parts?: PartPool | null } = {},
): SharedContext {
  const open = options.openStorage ?? (() => openStorage());
  let storage: Promise<LabStorage> | null = null;
  return {
    storage: () => {
      // A failed open is not kept: the next request tries again.
      storage ??= open().catch((e: unknown) => {
        storage = null;
        throw e;
      });
      return storage;
    },
    tables: new TableCache(),
    samplesInFlight: new Map(),
    namesInFlight: new Set(),
    fetch: (...args) => fetch(...args),
    parts: options.parts ?? null,
  };
}

/** A compute handler's context: the shared one and its request's own (compute requests emit no events). */
export type HandlerContext = SharedContext & JobContext;

export type ComputeHandler<K extends keyof ComputeRequests> = Handler<
  ComputeRequests,
  K,
  SharedContext
>;

export async function loadTable(datasetId: string, context: SharedContext): Promise<DataTable> {
  return context.tables.get(datasetId, async () => {
    const storage = await context.storage();
    return (await storage.loadTable(datasetId)).table;
  });
}

type DatasetInput = Omit<NewDataset, 'rowCount' | 'columns'>;

/** What storage keeps of a dataset besides its chunks: `input` and the table's shape. */
export function datasetOf(table: DataTable, input: DatasetInput): NewDataset {
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
  return { ...input, rowCount: table.rowCount, columns };
}

/** Encodes and stores a table, reporting progress per chunk (and so letting a control in). */
export async function store(
  table: DataTable,
  input: DatasetInput,
  context: HandlerContext,
): Promise<DatasetMeta> {
  context.progress.stage('store');
  // Encode one chunk at a time as storage asks for it: only one encoded chunk
  // is alive at once, never the whole table twice.
  const total = Math.ceil(table.rowCount / DEFAULT_ROWS_PER_CHUNK);
  const { progress } = context;
  async function* reported() {
    let i = 0;
    for (const chunk of ipcChunks(table, DEFAULT_ROWS_PER_CHUNK)) {
      await progress.report(i++, total);
      yield chunk;
    }
    await progress.report(total, total);
  }
  const storage = await context.storage();
  const meta = await storage.saveDataset(datasetOf(table, input), reported());
  context.tables.set(meta.id, table);
  return meta;
}

/**
 * Runs `save` with `wanted` as the new dataset's name, or the first of
 * "wanted (2)", "wanted (3)"… that no stored dataset has, nor one being
 * stored by another request right now. (Importing the same file twice gave
 * two datasets nobody could tell apart in a list.)
 */
export async function withFreeName<T>(
  wanted: string,
  context: SharedContext,
  save: (name: string) => Promise<T>,
  /** A dataset about to be replaced: its name counts as free. */
  replaces?: string,
): Promise<T> {
  const stored = (await (await context.storage()).listDatasets()).filter((d) => d.id !== replaces);
  // From here to the reservation nothing awaits, so two requests cannot pick the same name.
  const taken = new Set([...stored.map((d) => d.name), ...context.namesInFlight]);
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = `${wanted} (${n})`;
  context.namesInFlight.add(name);
  try {
    return await save(name);
  } finally {
    context.namesInFlight.delete(name);
  }
}

/**
 * SHA-256 (hex) of the input ids and the step (or any cell's settings that
 * make a derived dataset) as canonical JSON (keys sorted), so the same
 * settings typed in another order give the same key.
 */
export function derivedKey(inputs: readonly string[], step: PrepareStep | object): Promise<string> {
  return contentKey({ inputs, step });
}

/**
 * A cell's derived dataset for `key`: the one stored for it, or the one
 * `make` computes, stored under the cell. The cell's datasets for other keys
 * (its earlier settings) are deleted only after the new one is stored, so a
 * failure leaves the last good result in place.
 */
export async function derivedDataset(
  owner: { notebook: string; cell: string; key: string },
  context: HandlerContext,
  make: () => Promise<{ table: DataTable; name: string; report: Record<string, number | string> }>,
): Promise<{ meta: DatasetMeta; reused: boolean }> {
  const { notebook, cell, key } = owner;
  const storage = await context.storage();
  const mine = (await storage.listDatasets()).filter(
    (d) => d.source.kind === 'derived' && d.source.notebook === notebook && d.source.cell === cell,
  );
  let meta = mine.find((d) => d.source.kind === 'derived' && d.source.key === key);
  const reused = meta !== undefined;
  if (!meta) {
    const made = await make();
    meta = await store(
      made.table,
      {
        name: made.name.slice(0, 200),
        source: { kind: 'derived', notebook, cell, key, report: made.report },
      },
      context,
    );
  }
  for (const old of mine) {
    if (old.id === meta.id) continue;
    await storage.deleteDataset(old.id);
    context.tables.delete(old.id);
  }
  return { meta, reused };
}
