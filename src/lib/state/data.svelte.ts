// What a Data cell does besides showing its dataset: read a dropped or
// picked file, load a built-in sample, change a column's type, export a
// dataset. Runs on the page; each action runs in the compute worker with the
// cell's progress and cancel (NotebookRunner.track), then sets the cell's
// dataset, which brings the notebook up to date.

import type { ReadOptions } from '../engine/data/read';
import type { ColumnType } from '../engine/data/table';
import { TELCO_CSV_PATH, type SampleId } from '../engine/data/samples';
import type { DatasetMeta } from '../storage/types';
import type { ComputeClient } from '../workers/client';
import type { AppState } from './app.svelte';

/** Where file-based samples are served, relative to the app's base URL. */
const SAMPLE_URLS: Partial<Record<SampleId, string>> = { telco: TELCO_CSV_PATH };

export class DataActions {
  /** Per Data cell id, the name of the last file read (kept in #files). */
  heldFiles = $state.raw<Record<string, string>>({});
  readonly #app: AppState;
  readonly #client: ComputeClient;
  /** The last file each Data cell read, for re-importing with other options (a File cannot be stored). */
  readonly #files = new Map<string, File>();
  /** Per Data cell, the number of its latest import: an earlier one ending later is not applied. */
  readonly #imports = new Map<string, number>();

  constructor(app: AppState, client: ComputeClient) {
    this.#app = app;
    this.#client = client;
  }

  /** The name of the file a Data cell can re-import, or undefined after a reload. */
  heldFile(cellId: string): string | undefined {
    return this.heldFiles[cellId];
  }

  /**
   * Parse a file in the worker, store it, use it. A new file starts without
   * type overrides unless `keepOverrides` (a re-import with other options).
   */
  async importFile(
    cellId: string,
    file: File,
    options: Partial<ReadOptions> = {},
    keepOverrides = false,
  ): Promise<void> {
    this.#files.set(cellId, file);
    this.heldFiles = { ...this.heldFiles, [cellId]: file.name };
    const number = (this.#imports.get(cellId) ?? 0) + 1;
    this.#imports.set(cellId, number);
    const meta = await this.#app.runner.track(cellId, (signal, onProgress) =>
      this.#client.request(
        'ingest-file',
        { file, name: file.name, options: { ...options } },
        { signal, onProgress },
      ),
    );
    await this.#app.refreshDatasets();
    // A file picked while this one was read is the one the cell shows.
    if (!meta || this.#imports.get(cellId) !== number) return;
    const cell = this.#app.cell(cellId);
    const kept = keepOverrides && cell?.kind === 'data' ? cell.settings.typeOverrides : undefined;
    const overrides = Object.fromEntries(
      Object.entries(kept ?? {}).filter(([column]) => meta.columns.some((c) => c.name === column)),
    );
    if (Object.keys(overrides).length) await this.#applyOverrides(cellId, meta, overrides);
    else await this.#app.updateSettings(cellId, { datasetId: meta.id, typeOverrides: {} });
  }

  /** Read the Data cell's last file again with other options, keeping its type overrides. */
  async reimportFile(cellId: string, options: Partial<ReadOptions>): Promise<void> {
    const file = this.#files.get(cellId);
    if (!file) {
      this.#app.notify('error', this.#app.t('data.choose-again'));
      return;
    }
    await this.importFile(cellId, file, options, true);
  }

  /**
   * Use `type` for `column` in the Data cell's dataset. Overrides always
   * apply to the dataset as imported (so changing one's mind loses nothing);
   * the converted copy replaces the previous copy, which is deleted unless
   * another cell uses it.
   */
  async setColumnType(cellId: string, column: string, type: ColumnType): Promise<void> {
    const cell = this.#app.cell(cellId);
    if (cell?.kind !== 'data') return;
    const current = this.#app.dataset(cell.settings.datasetId);
    if (!current) return;
    const from = current.source.kind === 'retyped' ? current.source.from : current.id;
    const base = this.#app.dataset(from) ?? current;
    const overrides: Record<string, ColumnType> = {
      ...cell.settings.typeOverrides,
      [column]: type,
    };
    for (const [name, t] of Object.entries(overrides)) {
      if (base.columns.find((c) => c.name === name)?.type === t) delete overrides[name];
    }
    await this.#applyOverrides(cellId, base, overrides);
  }

  async #applyOverrides(
    cellId: string,
    base: DatasetMeta,
    overrides: Record<string, ColumnType>,
  ): Promise<void> {
    const app = this.#app;
    const cell = app.cell(cellId);
    if (cell?.kind !== 'data') return;
    const previous = app.dataset(cell.settings.datasetId);
    // The cell's own converted copy, used by no other cell: replaced, so its name passes on.
    const replaced =
      previous?.source.kind === 'retyped' &&
      !app.notebook?.cells.some(
        (c) => c.id !== cellId && c.kind === 'data' && c.settings.datasetId === previous.id,
      )
        ? previous
        : undefined;
    let datasetId = base.id;
    if (Object.keys(overrides).length) {
      const list = Object.entries(overrides).map(([column, type]) => ({ column, type }));
      const result = await app.runner.track(cellId, (signal, onProgress) =>
        this.#client.request(
          'retype',
          {
            datasetId: base.id,
            overrides: list,
            name: app.t('data.retyped-name', { name: base.name }),
            ...(replaced ? { replaces: replaced.id } : {}),
          },
          { signal, onProgress },
        ),
      );
      if (!result) return;
      datasetId = result.meta.id;
    }
    await app.refreshDatasets();
    await app.updateSettings(cellId, { datasetId, typeOverrides: overrides });
    if (replaced && replaced.id !== datasetId) await app.deleteDataset(replaced.id);
  }

  async loadSample(cellId: string, sample: SampleId): Promise<void> {
    const url = SAMPLE_URLS[sample];
    const metas = await this.#app.runner.track(cellId, (signal, onProgress) =>
      this.#client.request(
        'ingest-sample',
        { sample, url: url ? new URL(url, document.baseURI).href : undefined },
        { signal, onProgress },
      ),
    );
    await this.#app.refreshDatasets();
    if (metas?.length)
      await this.#app.updateSettings(cellId, { datasetId: metas[0].id, typeOverrides: {} });
  }

  /** A stored dataset as a CSV or XLSX file for download; null (with a notice) on failure. */
  async exportDataset(
    datasetId: string,
    format: 'csv' | 'xlsx',
  ): Promise<{ fileName: string; blob: Blob } | null> {
    try {
      const file = await this.#client.request('export', { datasetId, format });
      return { fileName: file.fileName, blob: new Blob([file.bytes], { type: file.mimeType }) };
    } catch (error) {
      this.#app.fail(error);
      return null;
    }
  }
}
