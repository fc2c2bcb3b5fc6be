// Containers around a data file: gzip (.csv.gz, or any file that is gzip
// inside) and zip archives holding a data file (a .zip of one CSV, TSV,
// JSON, Parquet or workbook), plus the bounds every import's unpacking obeys
// — also the .xlsx reader's, whose workbook is itself a zip of XML. Runs in
// the ingest worker and in Node tests.
//
// Bounds, so that a zip bomb is refused quickly and with a message rather
// than by the tab running out of memory or stack:
//   - no entry (or gzip stream) unpacks to more than maxUnpackedBytes;
//   - none unpacks to more than maxRatio × its compressed size once past
//     ratioFloor bytes (deflate's ceiling is about 1,032:1; real CSV and
//     workbook XML compress 5–50:1, repetitive logs rarely past 100:1);
//   - containers nest at most maxDepth deep (a zip holding a .csv.gz is 2);
//   - workbook XML nests elements at most MAX_XML_DEPTH deep (./xlsx.ts).
// Sizes a zip's directory declares are not trusted: entries are inflated
// with the output counted and stopped at the first byte past a bound.
//
// The gzip stream is inflated by the platform's DecompressionStream (native
// zlib, in browsers and Node); zip entries by fflate's streaming Inflate (a
// dependency of read-excel-file already; see docs/decisions/0020-containers.md).
// Both read the file through Blob slices, so a zip's bytes are not all held.

import { Inflate } from 'fflate';
import { EngineError, type Progress } from '../table';

export interface ArchiveLimits {
  maxUnpackedBytes: number;
  maxRatio: number;
  ratioFloor: number;
  maxDepth: number;
}

const MB = 1024 * 1024;

export const ARCHIVE_LIMITS: ArchiveLimits = {
  maxUnpackedBytes: 1024 * MB,
  maxRatio: 200,
  ratioFloor: 64 * MB,
  maxDepth: 2,
};

const GZIP = [0x1f, 0x8b];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** An empty zip is only its end-of-directory record. */
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

export function isGzip(head: Uint8Array): boolean {
  // Byte 3 is the compression method: 8 (deflate) is the only one defined.
  return startsWith(head, GZIP) && head[2] === 8;
}

export function isZip(head: Uint8Array): boolean {
  return startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP);
}

/** Counts unpacked bytes against the limits; throws the EngineError that a bound raises. */
class Budget {
  bytes = 0;
  constructor(
    private readonly entry: string,
    private readonly packed: number,
    private readonly limits: ArchiveLimits,
  ) {}

  add(n: number): void {
    this.bytes += n;
    const { maxUnpackedBytes, maxRatio, ratioFloor } = this.limits;
    if (this.bytes > maxUnpackedBytes) {
      throw new EngineError('archive.too-large', {
        entry: this.entry,
        limit: Math.round(maxUnpackedBytes / MB),
      });
    }
    if (this.bytes > ratioFloor && this.bytes > maxRatio * this.packed) {
      throw new EngineError('archive.ratio', { entry: this.entry, ratio: maxRatio });
    }
  }
}

/**
 * The bytes of a gzip file, unpacked. Throws EngineError archive.gzip-invalid
 * (damaged or cut short), archive.too-large and archive.ratio.
 */
export async function gunzip(
  blob: Blob,
  name: string,
  progress: Progress,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<Blob> {
  const budget = new Budget(name, blob.size, limits);
  const pieces: Uint8Array[] = [];
  let packed = 0;
  const counted = blob.stream().pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        packed += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const reader = counted
    .pipeThrough(
      new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
    .getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        // The platform's zlib error text ("incorrect header check", "unexpected
        // end of file") is not for users: what it means is that the data is bad.
        throw new EngineError('archive.gzip-invalid');
      }
      if (next.done) break;
      budget.add(next.value.byteLength);
      pieces.push(next.value);
      await progress.report(packed, blob.size);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new Blob(pieces as BlobPart[]);
}

/** One file of a zip, from its central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; others are refused. */
  method: number;
  encrypted: boolean;
  packedSize: number;
  /** As declared; not trusted when unpacking. */
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

async function bytesOf(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

function invalidZip(): EngineError {
  return new EngineError('archive.zip-invalid');
}

/**
 * The entries of a zip, from its central directory (ZIP64 included). Throws
 * EngineError archive.zip-invalid when there is no readable directory (a
 * damaged or truncated file).
 */
export async function zipEntries(blob: Blob): Promise<ZipEntry[]> {
  try {
    return await readDirectory(blob);
  } catch (error) {
    // A damaged directory reads past its own end (DataView's RangeError).
    if (error instanceof EngineError) throw error;
    throw invalidZip();
  }
}

async function readDirectory(blob: Blob): Promise<ZipEntry[]> {
  // The end record is the last 22 bytes plus a comment of up to 65,535.
  const tailStart = Math.max(0, blob.size - 22 - 0xffff - 20);
  const tail = await bytesOf(blob, tailStart, blob.size);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let e = tail.length - 22;
  while (e >= 0 && view.getUint32(e, true) !== EOCD) e--;
  if (e < 0) throw invalidZip();
  let count = view.getUint16(e + 10, true);
  let size = view.getUint32(e + 12, true);
  let offset = view.getUint32(e + 16, true);
  if (e >= 20 && view.getUint32(e - 20, true) === EOCD64_LOCATOR) {
    const at = Number(view.getBigUint64(e - 12, true));
    if (at + 56 > blob.size) throw invalidZip();
    const record = await bytesOf(blob, at, at + 56);
    const r = new DataView(record.buffer);
    if (r.getUint32(0, true) !== EOCD64) throw invalidZip();
    count = Number(r.getBigUint64(32, true));
    size = Number(r.getBigUint64(40, true));
    offset = Number(r.getBigUint64(48, true));
  }
  if (offset + size > blob.size) throw invalidZip();
  const directory = await bytesOf(blob, offset, offset + size);
  const d = new DataView(directory.buffer);
  const entries: ZipEntry[] = [];
  const utf8 = new TextDecoder();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > directory.length || d.getUint32(p, true) !== CENTRAL) throw invalidZip();
    const flags = d.getUint16(p + 8, true);
    const nameLength = d.getUint16(p + 28, true);
    const extraLength = d.getUint16(p + 30, true);
    const commentLength = d.getUint16(p + 32, true);
    let packedSize = d.getUint32(p + 20, true);
    let unpackedSize = d.getUint32(p + 24, true);
    let localOffset = d.getUint32(p + 42, true);
    const nameBytes = directory.subarray(p + 46, p + 46 + nameLength);
    // Bit 11: the name is UTF-8; otherwise CP437, whose ASCII part is the same.
    const name = flags & 0x800 ? utf8.decode(nameBytes) : latin(nameBytes);
    // ZIP64: a field of all ones is in the extra field (id 1), in this order.
    let x = p + 46 + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const id = d.getUint16(x, true);
      const length = d.getUint16(x + 2, true);
      if (id === 1) {
        let q = x + 4;
        if (unpackedSize === 0xffffffff) {
          unpackedSize = Number(d.getBigUint64(q, true));
          q += 8;
        }
        if (packedSize === 0xffffffff) {
          packedSize = Number(d.getBigUint64(q, true));
          q += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(d.getBigUint64(q, true));
      }
      x += 4 + length;
    }
    entries.push({
      name,
      method: d.getUint16(p + 10, true),
      encrypted: (flags & 1) !== 0,
      packedSize,
      size: unpackedSize,
      localOffset,
    });
    p = extraEnd + commentLength;
  }
  return entries;
}

function latin(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Input is pushed to the inflater in slices this large, so one push unpacks at most ~16 MB. */
const PUSH_BYTES = 16 * 1024;

/**
 * Unpacks one entry, handing each unpacked piece to `onData` (which may
 * throw to stop). Throws EngineError archive.zip-encrypted,
 * archive.zip-method-unsupported, archive.zip-invalid, archive.too-large and
 * archive.ratio.
 */
export async function unzipEntry(
  blob: Blob,
  entry: ZipEntry,
  progress: Progress,
  onData: (piece: Uint8Array) => void,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<void> {
  if (entry.encrypted) throw new EngineError('archive.zip-encrypted', { entry: entry.name });
  if (entry.method !== 0 && entry.method !== 8) {
    throw new EngineError('archive.zip-method-unsupported', {
      entry: entry.name,
      method: entry.method,
    });
  }
  const header = await bytesOf(blob, entry.localOffset, entry.localOffset + 30);
  if (header.length < 30) throw invalidZip();
  const h = new DataView(header.buffer);
  if (h.getUint32(0, true) !== LOCAL) throw invalidZip();
  const start = entry.localOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
  const end = start + entry.packedSize;
  if (end > blob.size) throw invalidZip();

  const budget = new Budget(entry.name, entry.packedSize, limits);
  const take = (piece: Uint8Array) => {
    budget.add(piece.byteLength);
    onData(piece);
  };
  let finished = entry.method === 0;
  const inflate = new Inflate((piece, final) => {
    take(piece);
    if (final) finished = true;
  });
  const reader = blob.slice(start, end).stream().getReader();
  let done = 0;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      const chunk = next.value;
      if (entry.method === 0) take(chunk);
      else {
        for (let i = 0; i < chunk.byteLength; i += PUSH_BYTES) {
          const slice = chunk.subarray(i, Math.min(i + PUSH_BYTES, chunk.byteLength));
          try {
            inflate.push(slice, false);
          } catch (error) {
            if (error instanceof EngineError) throw error;
            throw invalidZip();
          }
        }
      }
      done += chunk.byteLength;
      await progress.report(done, entry.packedSize);
    }
    if (!finished) {
      try {
        inflate.push(new Uint8Array(0), true);
      } catch (error) {
        if (error instanceof EngineError) throw error;
        throw invalidZip();
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  // A deflate stream that stops before its last block: the entry is cut short.
  if (!finished) throw invalidZip();
}

/** Whether a zip's entries are those of an Office Open XML workbook. */
export function isWorkbook(entries: readonly ZipEntry[]): boolean {
  return entries.some((e) => e.name === 'xl/workbook.xml' || e.name === 'xl/workbook.bin');
}

/** Entries that are not data: folders, macOS resource forks, hidden files, empty files. */
function isData(entry: ZipEntry): boolean {
  const base = entry.name.slice(entry.name.lastIndexOf('/') + 1);
  return (
    !entry.name.endsWith('/') &&
    !entry.name.startsWith('__MACOSX/') &&
    !base.startsWith('.') &&
    base !== 'Thumbs.db' &&
    !(entry.size === 0 && entry.packedSize === 0)
  );
}

/**
 * The one data file of a zip archive that is not a workbook, unpacked, with
 * its path in the archive. Throws EngineError archive.zip-empty,
 * archive.zip-several-files, and what unzipEntry throws.
 */
export async function unzipDataFile(
  blob: Blob,
  entries: readonly ZipEntry[],
  progress: Progress,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<{ blob: Blob; name: string }> {
  const data = entries.filter(isData);
  if (data.length === 0) throw new EngineError('archive.zip-empty');
  if (data.length > 1) {
    const shown = data.slice(0, 5).map((e) => e.name);
    throw new EngineError('archive.zip-several-files', {
      count: data.length,
      files: shown.join(', ') + (data.length > shown.length ? ', …' : ''),
    });
  }
  const [entry] = data;
  const pieces: Uint8Array[] = [];
  await unzipEntry(blob, entry, progress, (piece) => pieces.push(piece), limits);
  return { blob: new Blob(pieces as BlobPart[]), name: entry.name };
}
