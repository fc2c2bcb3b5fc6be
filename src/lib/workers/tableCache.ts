// The compute worker's recently used tables, by dataset id. Runs in the worker.
// Datasets are immutable (a change makes a new id), so an entry never goes
// stale; the cache only bounds memory, keeping the few tables last used — at
// most `capacity` of them and, beyond the most recent one, about `maxBytes`
// (four tables of a million rows and 20 columns are ~1 GB: a worker's heap
// must not hold them all just in case).

import type { DataTable } from '../engine/data/table';

/** Default memory bound: the last table, and others while they fit. */
export const CACHE_MAX_BYTES = 768 * 2 ** 20;

/**
 * Rough memory of a table: its typed arrays, and per dictionary value two
 * bytes a character plus a string's overhead (an upper estimate: V8 keeps
 * Latin-1 text in one byte a character).
 */
export function tableBytes(table: DataTable): number {
  let bytes = 0;
  for (const c of table.columns) {
    if (c.kind === 'number') {
      bytes += c.values.byteLength;
      continue;
    }
    bytes += c.codes.byteLength;
    for (const v of c.dictionary) bytes += 2 * v.length + 24;
  }
  return bytes;
}

export class TableCache {
  private readonly entries = new Map<string, Promise<DataTable>>();
  /** tableBytes of the entries loaded so far. */
  private readonly sizes = new Map<string, number>();

  constructor(
    private readonly capacity = 4,
    private readonly maxBytes = CACHE_MAX_BYTES,
  ) {}

  /** The table for `id`, loading it once even when asked again while it loads. */
  get(id: string, load: () => Promise<DataTable>): Promise<DataTable> {
    let entry = this.entries.get(id);
    if (entry) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.entries.delete(id);
    } else {
      const loading = (entry = load());
      loading.then(
        (table) => {
          if (this.entries.get(id) !== loading) return;
          this.sizes.set(id, tableBytes(table));
          this.evict();
        },
        () => this.entries.get(id) === loading && this.forget(id),
      );
    }
    this.entries.set(id, entry);
    this.evict();
    return entry;
  }

  /** Remembers a table just created (e.g. by an import), so the next request needs no load. */
  set(id: string, table: DataTable): void {
    this.entries.delete(id);
    this.entries.set(id, Promise.resolve(table));
    this.sizes.set(id, tableBytes(table));
    this.evict();
  }

  delete(id: string): void {
    this.forget(id);
  }

  clear(): void {
    this.entries.clear();
    this.sizes.clear();
  }

  private forget(id: string): void {
    this.entries.delete(id);
    this.sizes.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    const bytes = () => [...this.sizes.values()].reduce((a, b) => a + b, 0);
    while (
      this.entries.size > this.capacity ||
      (this.entries.size > 1 && bytes() > this.maxBytes)
    ) {
      this.forget(this.entries.keys().next().value as string);
    }
  }
}
