// Reading a large delimited file in parts, one per core, and putting the
// parts together exactly as one pass over the file would have read it.
// Pure orchestration: the caller says how a part is run (in another worker,
// see ../../workers/partPool.ts, or in-process as the Node tests do).
//
// 1. The first SAMPLE_ROWS records decide the plan: encoding, dialect, names
//    and types (planDelimited) — the same records a single pass types from.
// 2. The file is cut after a line feed near each 1/n of its size. A cut may
//    fall inside a quoted field that spans lines; that is found afterwards:
//    the part before a cut must end between two records (atRecordEnd), which
//    it knows for certain because it starts at a true record start (the first
//    part starts at byte 0). A part that did not end so means the cut was
//    wrong, and the file is read again in one pass (see decision 0012).
// 3. The parts' columns are concatenated, their dictionaries merged, and row
//    numbers in errors and warnings made rows of the file (assembleParts).
//
// Only byte-oriented encodings can be cut at a line feed byte: UTF-8, GB18030
// (GBK), Big5 and single-byte code pages never use 0x0A inside a character.
// UTF-16, UTF-32 and ISO-2022-JP files are read in one pass (cutsAtLineFeed).

import { ChunkEncoder, DEFAULT_ROWS_PER_CHUNK } from './arrow';
import { cutsAtLineFeed, streamChunks } from './decode';
import { PartsAssembler } from './assemble';
import { ingestBlob, parsePart, planDelimited } from './ingest';
import type { DelimitedPlan, IngestResult, PartOptions, PartResult } from './ingestTypes';
import type { ParseOptions } from './csv';
import { CancelledError, EngineError, type Column, type Progress } from './table';

/** A part smaller than this is not worth a worker. */
export const MIN_PART_BYTES = 4 * 1024 * 1024;
/** How far past a tentative cut a line feed is looked for. */
const CUT_SEARCH_BYTES = 1024 * 1024;

/** One part to read: a slice of the file, with the plan and its place in the file. */
export interface PartRequest {
  file: Blob;
  plan: DelimitedPlan;
  /** The part's place in file order, from 0 (the first part starts at byte 0). */
  index: number;
  last: boolean;
  /** Bytes of the whole file. */
  fileSize: number;
}

/** A part read, encoded and handed to the runner's sink (see readPart). */
export interface ReadPart extends PartResult {
  /**
   * Chunks, and their bytes, that went to the sink, and the kind each
   * column has in them; null when they cannot be used: a column was
   * demoted to strings after some of its rows were stored as numbers.
   */
  stored: { chunks: number; bytes: number; kinds: Column['kind'][] } | null;
}

/**
 * Runs one part (see readPart) and resolves with its result. Rejects with
 * an EngineError for bad input (rows counted from the part's start), or a
 * CancelledError once `signal` is aborted. `progress` takes the part's bytes.
 */
export type PartRunner = (
  request: PartRequest,
  progress: Progress,
  signal: AbortSignal,
) => Promise<ReadPart>;

export interface PartsOptions {
  /** How many parts at most (e.g. the number of cores). */
  parts: number;
  runPart: PartRunner;
  /** Smallest part worth its own run (tests make it tiny). */
  minPartBytes?: number;
  /** Told how many parts will run, before the plan is made: e.g. to start workers meanwhile. */
  prepare?: (parts: number) => void;
}

/**
 * Parses delimited text like ingestBlob, reading parts of a large file at
 * once. Falls back to one pass for small files, UTF-16, files whose cuts
 * fell inside quoted fields, and when running a part failed for a reason
 * other than the file (an EngineError); the result is the same either way.
 */
export async function ingestInParts(
  file: Blob,
  options: Partial<ParseOptions>,
  progress: Progress,
  { parts, runPart, minPartBytes = MIN_PART_BYTES, prepare }: PartsOptions,
): Promise<IngestResult> {
  const count = Math.min(parts, Math.floor(file.size / minPartBytes));
  if (count < 2) return ingestBlob(file, options, progress);
  prepare?.(count);
  // The cuts need only the bytes: they are found while the plan is made.
  const [planned, cuts] = await Promise.all([
    planDelimited(streamChunks(file.stream()), file.size, options),
    recordCuts(file, count),
  ]);
  if (!planned || !cutsAtLineFeed(planned.plan.encoding)) {
    return ingestBlob(file, options, progress);
  }
  const { plan, warnings } = planned;
  if (cuts.length === 2) return ingestBlob(file, options, progress);

  const controller = new AbortController();
  const done = new Array<number>(cuts.length - 1).fill(0);
  const running = cuts.slice(1).map((end, k) => {
    const request: PartRequest = {
      file: file.slice(cuts[k], end),
      plan,
      index: k,
      last: k === cuts.length - 2,
      fileSize: file.size,
    };
    const partProgress: Progress = {
      report: async (bytes) => {
        done[k] = bytes;
        try {
          await progress.report(
            done.reduce((a, b) => a + b, 0),
            file.size,
          );
        } catch (error) {
          controller.abort();
          throw error;
        }
      },
    };
    return runPart(request, partProgress, controller.signal).catch((error: unknown) => {
      if (error instanceof CancelledError) controller.abort();
      throw error;
    });
  });

  // In file order, each part as soon as it and those before it are read, so
  // putting the first parts together overlaps reading the last ones. An
  // error stands only if every part before it ended between records (else
  // its rows, and maybe the error, are not real); a part that did not end so
  // means a cut fell inside quotes. Either way, wait for every part first,
  // so none is still writing when the caller cleans up.
  // Taken in order below; a later part that fails meanwhile is not an unhandled rejection.
  for (const part of running) part.catch(() => undefined);
  const assembler = new PartsAssembler(plan, warnings);
  const results: ReadPart[] = [];
  let row = 0;
  let outcome: { error: unknown } | 'one-pass' | null = null;
  for (const [k, part] of running.entries()) {
    const settled = await part.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    if ('error' in settled) {
      // Bad input (or a full disk) is the file's error; anything else is the
      // machinery's (a helper that could not start or crashed): then one pass.
      const fileError =
        settled.error instanceof EngineError || settled.error instanceof CancelledError;
      outcome = fileError ? { error: inFile(settled.error, row) } : 'one-pass';
      break;
    }
    if (k < running.length - 1 && !settled.value.atRecordEnd) {
      outcome = 'one-pass';
      break;
    }
    if (controller.signal.aborted) break;
    assembler.add(settled.value);
    results.push(settled.value);
    row += settled.value.rows;
  }
  await Promise.allSettled(running);
  if (controller.signal.aborted) throw new CancelledError();
  if (outcome === 'one-pass') return ingestBlob(file, options, progress);
  if (outcome) throw outcome.error;
  const assembled = assembler.finish();
  // The parts' chunks hold the same values whatever type the whole column
  // ends up with (see PartChunks), unless a column became strings.
  const columns = assembled.table.columns;
  const usable = results.every(
    (r) => r.stored !== null && r.stored.kinds.every((kind, j) => kind === columns[j].kind),
  );
  const stored = {
    chunks: results.reduce((n, r) => n + (r.stored?.chunks ?? 0), 0),
    bytes: results.reduce((n, r) => n + (r.stored?.bytes ?? 0), 0),
  };
  return {
    ...assembled,
    encoding: plan.encoding,
    dialect: plan.dialect,
    ...(usable ? { stored } : {}),
  };
}

/**
 * Parses a part (see parsePart) and encodes its rows as storage chunks while
 * it reads, so that encoding too is done by as many workers as there are
 * parts, and storing overlaps reading. Each chunk goes to `sink` as soon as
 * it is encoded (the worker stores its part's chunks itself); the sink
 * resolves when it can take the next one. `attached`: see PartOptions (a
 * flag rather than the options object, as workers/partPool.ts passes it).
 */
export async function readPart(
  request: PartRequest,
  progress: Progress,
  sink: (chunk: Uint8Array) => Promise<void>,
  attached = false,
): Promise<ReadPart> {
  const { file, plan } = request;
  const first = request.index === 0;
  const options: PartOptions = {
    first,
    last: request.last,
    attached,
    // The first part's columns have room for the whole file (see PartOptions).
    roomFor: first && !request.last ? request.fileSize : undefined,
  };
  const chunks = new PartChunks(sink);
  const part = await parsePart(
    streamChunks(file.stream()),
    file.size,
    plan,
    options,
    progress,
    (records, columns, done) => chunks.encode(records, columns, done),
  );
  return { ...part, stored: chunks.stored() };
}

/**
 * The chunks of a part being read, DEFAULT_ROWS_PER_CHUNK rows each (the
 * last one shorter), encoded once their rows are read. Numeric columns
 * carry the plan's type here, which may differ from the whole column's
 * final type (an 'integer' column with a fraction in another part becomes
 * 'decimal'): that does not change what is stored, since the encoder picks
 * for each chunk an Arrow type that holds its values exactly and the reader
 * reads them as numbers whatever that type (./arrow.ts). String columns'
 * types are not stored. A column demoted to strings after some of its rows
 * were encoded as numbers makes the chunks unusable; encoding stops there.
 */
class PartChunks {
  private readonly encoder = new ChunkEncoder();
  private encoded = 0;
  private chunks = 0;
  private bytes = 0;
  private kinds: Column['kind'][] | null = null;
  private mixed = false;

  constructor(private readonly sink: (chunk: Uint8Array) => Promise<void>) {}

  async encode(records: number, columns: () => Column[], done: boolean): Promise<void> {
    while (
      !this.mixed &&
      (records - this.encoded >= DEFAULT_ROWS_PER_CHUNK || (done && records > this.encoded))
    ) {
      const current = columns();
      const kinds = current.map((c) => c.kind);
      if (this.kinds && kinds.some((kind, j) => kind !== this.kinds![j])) {
        this.mixed = true;
        return;
      }
      this.kinds = kinds;
      const end = Math.min(records, this.encoded + DEFAULT_ROWS_PER_CHUNK);
      const chunk = this.encoder.encode(current, this.encoded, end);
      this.encoded = end;
      await this.sink(chunk);
      this.chunks++;
      this.bytes += chunk.byteLength;
    }
  }

  stored(): ReadPart['stored'] {
    if (this.mixed) return null;
    return { chunks: this.chunks, bytes: this.bytes, kinds: this.kinds ?? [] };
  }
}

/** An error of a part, with its row counted from the file's start. */
function inFile(error: unknown, rowsBefore: number): unknown {
  if (!(error instanceof EngineError) || typeof error.params.row !== 'number') return error;
  return new EngineError(error.code, { ...error.params, row: error.params.row + rowsBefore });
}

/**
 * Byte offsets [0, c1, …, size] cutting the file into about `count` equal
 * parts, each cut just after a line feed. Cuts with no line feed near them
 * are left out.
 */
export async function recordCuts(file: Blob, count: number): Promise<number[]> {
  const cuts = [0];
  for (let k = 1; k < count; k++) {
    const at = Math.max(Math.floor((k * file.size) / count), cuts[cuts.length - 1]);
    const bytes = new Uint8Array(await file.slice(at, at + CUT_SEARCH_BYTES).arrayBuffer());
    const lf = bytes.indexOf(0x0a);
    if (lf < 0) continue;
    const cut = at + lf + 1;
    if (cut < file.size) cuts.push(cut);
  }
  cuts.push(file.size);
  return cuts;
}
