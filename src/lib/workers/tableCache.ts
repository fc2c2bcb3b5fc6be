// The compute worker's recently used tables, by dataset id. Runs in the worker.
// Datasets are immutable (a change makes a new id), so an entry never goes
// stale; the cache only bounds memory, keeping the few tables last used.

import type { DataTable } from '../engine/data/table';

export class TableCache {
  private readonly entries = new Map<string, Promise<DataTable>>();

  constructor(private readonly capacity = 4) {}

  /** The table for `id`, loading it once even when asked again while it loads. */
  get(id: string, load: () => Promise<DataTable>): Promise<DataTable> {
    let entry = this.entries.get(id);
    if (entry) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.entries.delete(id);
    } else {
      entry = load();
      entry.catch(() => this.entries.get(id) === entry && this.entries.delete(id));
    }
    this.entries.set(id, entry);
    this.evict();
    return entry;
  }

  /** Remembers a table just created (e.g. by an import), so the next request needs no load. */
  set(id: string, table: DataTable): void {
    this.entries.delete(id);
    this.entries.set(id, Promise.resolve(table));
    this.evict();
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Buffers of the cached tables: a result must never transfer (and so detach) these. */
  async buffers(): Promise<Set<ArrayBufferLike>> {
    const owned = new Set<ArrayBufferLike>();
    const settled = await Promise.allSettled(this.entries.values());
    for (const s of settled) {
      if (s.status !== 'fulfilled') continue;
      for (const c of s.value.columns)
        owned.add(c.kind === 'number' ? c.values.buffer : c.codes.buffer);
    }
    return owned;
  }

  private evict(): void {
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}
