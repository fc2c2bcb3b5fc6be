// The compute worker's helpers for reading a large file in parts
// (engine/data/parts.ts): the first part is read right here, every other one
// by a compute worker of its own, started on first use and kept for the next
// file. They speak the one protocol (./protocol.ts, request 'parse-part'), so
// progress, cancel and errors as data work as they do for the page.

import type { PartColumn } from '../engine/data/ingest';
import { readPart, type PartRunner, type PartsOptions, type ReadPart } from '../engine/data/parts';
import { CancelledError, EngineError } from '../engine/data/table';
import { ComputeClient, WorkerRequestError, type WorkerLike } from './client';

/** Parts read at once: one per core, at most this many. */
const MAX_PARTS = 8;

/**
 * PartsOptions for a worker whose machine has `cores` cores; `spawn` starts
 * a compute worker. Null when there is no second core to read with.
 */
export function createPartPool(
  cores: number,
  spawn: () => WorkerLike & { terminate(): void },
): PartsOptions | null {
  const parts = Math.min(MAX_PARTS, Math.floor(cores));
  if (!(parts >= 2)) return null;
  type Helper = { client: ComputeClient; worker: WorkerLike & { terminate(): void } };
  const idle: Helper[] = [];
  const start = (): Helper => {
    const worker = spawn();
    return { client: new ComputeClient(worker), worker };
  };
  // Workers load while the coordinator plans the file: one fewer than the parts.
  const prepare = (count: number) => {
    while (idle.length < count - 1) idle.push(start());
  };
  const runPart: PartRunner = async (request, progress, signal) => {
    if (request.first) return readPart(request, progress);
    const helper = idle.pop() ?? start();
    let reusable = true;
    try {
      const packed = await helper.client.request('parse-part', request, {
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
  };
  return { parts, runPart, prepare };
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
