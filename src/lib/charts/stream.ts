// ChartStream: rows appended to a live chart's named datasets, e.g. a
// training-loss curve that grows by one row per epoch. A VegaView given the
// stream inserts them through a Vega changeset, without re-embedding the spec.
// Pure (no DOM); the producer (a cell's state) owns the stream and the view
// only follows it.

/** Called with each batch as it is appended. */
export type StreamListener = (dataset: string, rows: readonly object[]) => void;

export class ChartStream {
  /**
   * Every row appended so far, per dataset, in order: a view that embeds
   * later (scrolled into view, or again after a language switch) inserts
   * them all, so no row is lost and none is inserted twice.
   */
  readonly #rows = new Map<string, object[]>();
  readonly #listeners = new Set<StreamListener>();

  /** Appends `rows` to the dataset named `dataset` in the spec (Vega-Lite `data: { name }`). */
  append(dataset: string, rows: readonly object[]): void {
    if (rows.length === 0) return;
    let kept = this.#rows.get(dataset);
    if (!kept) this.#rows.set(dataset, (kept = []));
    for (const row of rows) kept.push(row);
    for (const listener of this.#listeners) listener(dataset, rows);
  }

  /** The rows appended so far, per dataset. */
  appended(): ReadonlyMap<string, readonly object[]> {
    return this.#rows;
  }

  /** Follows later appends; returns the function that stops following. */
  subscribe(listener: StreamListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
