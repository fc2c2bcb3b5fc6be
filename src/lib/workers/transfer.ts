// Which buffers a worker result can hand over instead of copying. Runs in the worker.

/**
 * The ArrayBuffers behind the typed arrays in `value` (searched through plain
 * objects and arrays), except those in `keep`, e.g. buffers the table cache
 * still uses: a transferred buffer is detached on the sending side.
 */
export function collectTransferables(
  value: unknown,
  keep: ReadonlySet<ArrayBufferLike> = new Set(),
): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (v: unknown, depth: number) => {
    if (v === null || typeof v !== 'object' || depth > 8 || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      const buffer = v.buffer;
      if (buffer instanceof ArrayBuffer && !keep.has(buffer) && buffer.byteLength > 0)
        found.add(buffer);
      return;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) visit(child, depth + 1);
  };
  visit(value, 0);
  return [...found];
}
