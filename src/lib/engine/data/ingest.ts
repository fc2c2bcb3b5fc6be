// Delimited text file → typed DataTable: the streaming driver. Runs in the
// compute worker (which passes a File's byte stream and a Progress) and in
// Node tests. It decodes and tokenizes; the records are typed by
// ./tableBuilder.ts (with the column sinks of ./sinks.ts) and put together by
// ./assemble.ts; the shapes they share are in ./ingestTypes.ts. A large file
// can also be read in parts at once (./parts.ts) with planDelimited and
// parsePart.
//
// Memory: bytes are decoded chunk by chunk and tokenized as they come; only a
// leading sample of rows (SAMPLE_ROWS) is held as strings, to infer the column
// types. Every later cell is parsed straight into a growable Float64Array
// (numbers, booleans, dates) or a dictionary + Int32Array of codes (strings).
//
// A later value that does not parse under the sampled type demotes its column
// to strings, so the type never depends on where in the file a stray value
// sits (as with pandas or R) and no value is dropped. Values that parse under
// the old type, before and after that point, are rendered canonically
// (numbers lose their formatting, "$1,234.50" → "1234.5"; dates become ISO;
// booleans keep the words first seen in the sample); the others are kept as
// written. A warning names the column, row and value, and the column's
// `invalid` counts the values that failed the sampled type.

import { assembleParts, concatPieces } from './assemble';
import { DEFAULT_PARSE_OPTIONS, type CsvTokenizer, type ParseOptions } from './csv';
import {
  decodeStream,
  detectEncoding,
  ENCODING_SAMPLE_BYTES,
  InvalidText,
  streamChunks,
} from './decode';
import type {
  DelimitedPlan,
  IngestResult,
  IngestWarning,
  PartOptions,
  PartResult,
  RowsListener,
} from './ingestTypes';
import { TableBuilder } from './tableBuilder';
import { EngineError, NO_PROGRESS, type Progress } from './table';

// Names that workers, storage and tests take from here, where they were
// defined before the ingest was split up.
export { SAMPLE_ROWS, type IngestResult, type IngestWarning, type PartColumn } from './ingestTypes';

const DIALECT_SAMPLE_CHARS = 64 * 1024;
/** Larger byte chunks are cut, so no decoded text chunk gets huge. */
const MAX_CHUNK_BYTES = 1024 * 1024;
const REPORT_EVERY_BYTES = 64 * 1024;

/** Parses a File / Blob (see ingestDelimited). */
export function ingestBlob(
  blob: Blob,
  options: Partial<ParseOptions>,
  progress: Progress,
): Promise<IngestResult> {
  return ingestDelimited(streamChunks(blob.stream()), blob.size, options, progress);
}

/**
 * Parses delimited text from a byte stream into a typed table. Reports
 * progress in bytes about every 64 KiB. Throws EngineError file.empty,
 * file.no-rows, file.binary, file.spreadsheet, encoding.unsupported,
 * csv.unterminated-quote and csv.ragged.
 */
export async function ingestDelimited(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number,
  options: Partial<ParseOptions>,
  progress: Progress,
): Promise<IngestResult> {
  const read = await readDelimited(chunks, totalBytes, options, progress, 'end');
  const { plan, part, warnings } = read;
  return {
    ...assembleParts(plan!, [part!], warnings),
    encoding: plan!.encoding,
    dialect: plan!.dialect,
  };
}

/**
 * The plan of a file (see DelimitedPlan) and the warnings of its head
 * (encoding guessed, column names), or null when the file ends before the
 * sample is complete (a small file: read it in one pass). Reads only the
 * head of the stream. Throws what ingestDelimited throws for the head.
 */
export async function planDelimited(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number,
  options: Partial<ParseOptions>,
): Promise<{ plan: DelimitedPlan; warnings: IngestWarning[] } | null> {
  const read = await readDelimited(chunks, totalBytes, options, NO_PROGRESS, 'plan');
  return read.part === null ? { plan: read.plan!, warnings: read.warnings } : null;
}

/**
 * Reads one part of a file with a plan (see PartOptions for where a part
 * may start and end, and how its strings and columns are kept). Rows in the
 * result's warnings and in its errors count from the part's start.
 * `onRows`, if given, is awaited after each piece of text and once more at
 * the end, so that a caller can encode the rows read so far (./parts.ts).
 */
export async function parsePart(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number,
  plan: DelimitedPlan,
  part: PartOptions,
  progress: Progress,
  onRows?: RowsListener,
): Promise<PartResult> {
  const builder = new TableBuilder({
    plan,
    part,
    sizeFor: Math.max(totalBytes, part.roomFor ?? 0),
  });
  const counter = { bytes: 0 };
  const tokenizer = builder.start('', false);
  const invalid = new InvalidText(plan.encoding);
  let reported = 0;
  const texts = decodeStream(
    invalid.bytes(countedChunks(chunks, counter)),
    plan.encoding,
    !part.first,
  );
  const columns = () => builder.columnsSoFar();
  for await (const text of texts) {
    invalid.push(text);
    tokenizer.push(text);
    if (onRows) await onRows(builder.records, columns, false);
    if (counter.bytes - reported >= REPORT_EVERY_BYTES) {
      reported = counter.bytes;
      await progress.report(counter.bytes, totalBytes);
    }
  }
  const atRecordEnd = tokenizer.atRecordEnd();
  if (part.last) tokenizer.finish();
  if (onRows) await onRows(builder.records, columns, true);
  await progress.report(totalBytes, totalBytes);
  return { ...builder.part(), atRecordEnd, replaced: invalid.replaced, decoding: invalid.finish() };
}

/**
 * The streaming loop shared by ingestDelimited and planDelimited: detects the
 * encoding and dialect, tokenizes and types. Until 'plan', it stops once the
 * sample has decided the plan (part is then null unless the file ended first).
 */
async function readDelimited(
  chunks: AsyncIterable<Uint8Array>,
  totalBytes: number,
  options: Partial<ParseOptions>,
  progress: Progress,
  until: 'plan' | 'end',
): Promise<{ plan: DelimitedPlan | null; part: PartResult | null; warnings: IngestWarning[] }> {
  const opts = { ...DEFAULT_PARSE_OPTIONS, ...options };
  const warnings: IngestWarning[] = [];
  const counter = { bytes: 0 };
  const source = countedChunks(chunks, counter)[Symbol.asyncIterator]();
  try {
    const head: Uint8Array[] = [];
    let headBytes = 0;
    while (headBytes < ENCODING_SAMPLE_BYTES) {
      const next = await source.next();
      if (next.done) break;
      head.push(next.value);
      headBytes += next.value.byteLength;
    }
    if (headBytes === 0) throw new EngineError('file.empty');
    let encoding = opts.encoding;
    if (encoding === 'auto') {
      const detected = detectEncoding(concatPieces(head, headBytes, Uint8Array));
      encoding = detected.encoding;
      if (detected.confidence === 'guess') {
        warnings.push({ code: 'encoding.guessed', params: { encoding } });
      }
      if (detected.mixed?.other) {
        warnings.push({
          code: 'encoding.mixed',
          params: { encoding, other: detected.mixed.other },
        });
      }
    }

    const builder = new TableBuilder({
      parse: opts,
      warnings,
      // Planning keeps no more than the sample: size the columns for it alone.
      sizeFor: until === 'plan' ? 0 : totalBytes,
      bytesRead: () => counter.bytes,
    });
    builder.encoding = encoding;
    let tokenizer: CsvTokenizer | null = null;
    let pending = '';
    const invalid = new InvalidText(encoding);
    let reported = 0;
    for await (const text of decodeStream(invalid.bytes(chain(head, source)), encoding)) {
      invalid.push(text);
      if (tokenizer) {
        tokenizer.push(text);
      } else {
        pending += text;
        if (pending.length >= DIALECT_SAMPLE_CHARS) {
          tokenizer = builder.start(pending, false);
          pending = '';
        }
      }
      if (until === 'plan' && builder.plan) return { plan: builder.plan, part: null, warnings };
      if (counter.bytes - reported >= REPORT_EVERY_BYTES) {
        reported = counter.bytes;
        await progress.report(counter.bytes, totalBytes);
      }
    }
    if (!tokenizer) tokenizer = builder.start(pending, true);
    tokenizer.finish();
    const part = {
      ...builder.part(),
      atRecordEnd: true,
      replaced: invalid.replaced,
      decoding: invalid.finish(),
    };
    await progress.report(totalBytes, totalBytes);
    return { plan: builder.plan, part, warnings };
  } finally {
    // Planning leaves the rest of the file unread.
    await source.return?.(undefined);
  }
}

async function* countedChunks(
  chunks: AsyncIterable<Uint8Array>,
  counter: { bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.byteLength; i += MAX_CHUNK_BYTES) {
      const part = chunk.subarray(i, Math.min(i + MAX_CHUNK_BYTES, chunk.byteLength));
      counter.bytes += part.byteLength;
      yield part;
    }
  }
}

async function* chain(
  head: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}
