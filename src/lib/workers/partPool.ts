// The compute worker's helpers for reading a large file in parts
// (engine/data/parts.ts): the first part is read right here, every other one
// by a compute worker of its own, started while the file is planned and kept
// for the next file. They speak the one protocol (./protocol.ts, request
// 'parse-part'), so progress, cancel and errors as data work as they do for
// the page. Each part writes its own chunks into one import in storage as it
// encodes them, so storing overlaps reading and is shared by the workers too.

import type { PartColumn } from '../engine/data/ingest';
import {
  readPart,
  type PartRequest,
  type PartRunner,
  type PartsOptions,
  type ReadPart,
} from '../engine/data/parts';
import { CancelledError, EngineError, type Progress } from '../engine/data/table';
import type { LabStorage } from '../storage/db';
import type { DatasetMeta, NewDataset } from '../storage/types';
import { ComputeClient, WorkerRequestError, type WorkerLike } from './client';

/** Parts read at once: one per core, at most this many. */
const MAX_PARTS = 8;
/**
 * Chunk indices of part k start at k × this, so parts store their chunks at
 * once without knowing how many the parts before them have (a part of 2^20
 * chunks would hold 68 billion rows). Readers only need indices to increase.
 */
export const PART_INDEX_STRIDE = 2 ** 20;

/** Where a helper stores its part's chunks (see PartPool.session). */
export interface PartStore {
  importId: string;
  firstIndex: number;
}

/** A part to read, as the compute worker sends it to a helper. */
export type PartParams = PartRequest & { store: PartStore };

export interface PartPool {
  /**
   * What one ingest reads its parts with: each part's chunks are written
   * into `storage` as they are encoded, under one import that `commit` turns
   * into the dataset and `discard` removes (when the parts' chunks cannot
   * be used, or the ingest failed).
   */
  session(storage: LabStorage): PartsSession;
}

export interface PartsSession {
  options: PartsOptions;
  commit(input: NewDataset, stored: { chunks: number; bytes: number }): Promise<DatasetMeta>;
  discard(): Promise<void>;
}

/**
 * The pool of a compute worker whose machine has `cores` cores; `spawn`
 * starts a compute worker. Null when there is no second core to read with.
 */
export function createPartPool(
  cores: number,
  spawn: () => WorkerLike & { terminate(): void },
): PartPool | null {
  const parts = Math.min(MAX_PARTS, Math.floor(cores));
  if (!(parts >= 2)) return null;
  type Helper = { client: ComputeClient; worker: WorkerLike & { terminate(): void } };
  const idle: Helper[] = [];
  const start = (): Helper => {
    const worker = spawn();
    return { client: new ComputeClient(worker), worker };
  };
  // Workers for this many parts start loading while the plan is made; one
  // fewer than the parts, since the first part is read here.
  const prepare = (count: number) => {
    while (idle.length < count - 1) idle.push(start());
  };

  async function inHelper(params: PartParams, progress: Progress, signal: AbortSignal) {
    const helper = idle.pop() ?? start();
    let reusable = true;
    try {
      const packed = await helper.client.request('parse-part', params, {
        signal,
        // The coordinator's report throws once the ingest is cancelled; it
        // then aborts `signal`, which cancels this request.
        onProgress: (p) => void progress.report(p.done, p.total).catch(() => undefined),
      });
      return unpackPart(packed);
    } catch (error) {
      if (!(error instanceof WorkerRequestError)) throw error;
      if (error.code === 'cancelled') throw new CancelledError();
      if (error.code === 'error.internal' || error.code === 'error.worker-crashed') {
        reusable = false;
        throw new Error(`reading a part of the file failed: ${error.detail ?? error.code}`);
      }
      throw new EngineError(error.code, error.params);
    } finally {
      if (reusable) idle.push(helper);
      else {
        helper.client.dispose();
        helper.worker.terminate();
      }
    }
  }

  function session(storage: LabStorage): PartsSession {
    let importId: Promise<string> | null = null;
    const runPart: PartRunner = async (request, progress, signal) => {
      importId ??= storage.beginImport();
      const store = { importId: await importId, firstIndex: request.index * PART_INDEX_STRIDE };
      // The first part is read here; the others by helpers.
      return request.index === 0
        ? readPartInto(storage, { ...request, store }, progress)
        : inHelper({ ...request, store }, progress, signal);
    };
    return {
      options: { parts, runPart, prepare },
      commit: async (input, stored) => {
        if (!importId) throw new Error('no part was stored');
        return storage.commitImport(await importId, input, stored.chunks, stored.bytes);
      },
      discard: async () => {
        if (importId) await storage.discardImport(await importId);
      },
    };
  }

  return { session };
}

/**
 * Reads a part (engine/data/parts.ts, readPart) and writes its chunks into
 * the import as they are encoded. Waits for every write, also when the part
 * fails, so the coordinator's clean-up never races a write of this part.
 */
export async function readPartInto(
  storage: LabStorage,
  params: PartParams,
  progress: Progress,
  attached = false,
): Promise<ReadPart> {
  const writer = storage.chunkWriter(params.store.importId, params.store.firstIndex);
  try {
    const part = await readPart(params, progress, (chunk) => writer.write(chunk), attached);
    await writer.done();
    return part;
  } catch (error) {
    await writer.done().catch(() => undefined);
    throw error;
  }
}

type StringPart = Extract<PartColumn, { kind: 'string' }>;

/**
 * A ReadPart as it crosses between workers: each dictionary as one string
 * and the offsets of its values. Cloning one long string is a copy of its
 * characters; cloning half a million short ones cost the receiving worker
 * ~250 ms for the bench file's two all-distinct columns (Chromium).
 */
export interface PackedPart extends Omit<ReadPart, 'columns'> {
  columns: (
    | Exclude<PartColumn, StringPart>
    | (Omit<StringPart, 'dictionary'> & { text: string; offsets: Int32Array })
  )[];
}

export function packPart(part: ReadPart): PackedPart {
  const columns = part.columns.map((c) => {
    if (c.kind === 'number') return c;
    const { dictionary, ...rest } = c;
    const offsets = new Int32Array(dictionary.length + 1);
    for (let k = 0; k < dictionary.length; k++) offsets[k + 1] = offsets[k] + dictionary[k].length;
    return { ...rest, text: dictionary.join(''), offsets };
  });
  return { ...part, columns };
}

/**
 * The dictionaries as arrays again. Their values are slices of the one
 * string, which holds nothing but them, so keeping it costs no memory the
 * table does not need.
 */
export function unpackPart(part: PackedPart): ReadPart {
  const columns = part.columns.map((c): PartColumn => {
    if (c.kind === 'number') return c;
    const { text, offsets, ...rest } = c;
    const dictionary = new Array<string>(offsets.length - 1);
    for (let k = 0; k < dictionary.length; k++)
      dictionary[k] = text.slice(offsets[k], offsets[k + 1]);
    return { ...rest, dictionary };
  });
  return { ...part, columns };
}
