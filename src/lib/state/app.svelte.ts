// The application state: locale, stored datasets, the current notebook and
// the run state of each cell. Runs on the page. It orchestrates — storage for
// persistence, the compute client for every computation — and computes nothing.

import { translate, translateError, type Locale, type Params } from '../i18n';
import type { MessageKey } from '../i18n/en';
import type { Cell, CellKind, NotebookDocument } from '../notebook/document';
import { parseNotebook, serializeNotebook } from '../notebook/schema';
import { downstreamOf, topologicalOrder } from '../notebook/graph';
import { defaultNotebook, newCell } from '../notebook/defaults';
import { stepReady } from '../notebook/prepare';
import { openStorage, type Storage } from '../storage/db';
import type { DatasetMeta } from '../storage/types';
import type { ColumnType } from '../engine/data/table';
import type { ReadOptions } from '../engine/data/read';
import { ComputeClient } from '../workers/client';
import type { PrepareResult } from '../workers/protocol';
import { TELCO_CSV_PATH, type SampleId } from '../engine/data/samples';
import { CellRun, asWorkerError } from './cellRun.svelte';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** Where file-based samples are served, relative to the app's base URL. */
const SAMPLE_URLS: Partial<Record<SampleId, string>> = { telco: TELCO_CSV_PATH };

export class AppState {
  locale = $state<Locale>(initialLocale());
  ready = $state(false);
  notebook = $state<NotebookDocument | null>(null);
  datasets = $state.raw<DatasetMeta[]>([]);
  notices = $state<Notice[]>([]);
  usage = $state.raw<{ usage: number; quota: number } | null>(null);
  /** Per Data cell id, the name of the last file read (kept in #files). */
  heldFiles = $state.raw<Record<string, string>>({});
  /**
   * Run state per cell id, created on demand. The map itself is not reactive
   * (components look a run up while rendering, which must not write state);
   * each CellRun's fields are.
   */
  readonly #runs = new Map<string, CellRun>();

  #storage: Storage | null = null;
  #client: ComputeClient;
  #noticeId = 0;
  /** The last file each Data cell read, for re-importing with other options. */
  readonly #files = new Map<string, File>();

  constructor(worker: Worker) {
    this.#client = new ComputeClient(worker);
  }

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);
  errorText = (code: string, params?: Params): string => translateError(this.locale, code, params);

  get client(): ComputeClient {
    return this.#client;
  }

  /** Opens storage, restores the locale and the last notebook, or creates the sample notebook. */
  async init(): Promise<void> {
    try {
      this.#storage = await openStorage();
      const locale = await this.#storage.getSetting<Locale>('locale');
      if (locale === 'en' || locale === 'zh-CN') this.locale = locale;
      await this.refreshDatasets();
      const currentId = await this.#storage.getSetting<string>('currentNotebook');
      const stored = currentId ? await this.#storage.loadNotebook(currentId) : undefined;
      this.notebook = stored ?? (await this.#createSampleNotebook());
      await this.#save();
    } catch (error) {
      this.#fail(error);
      this.notebook ??= defaultNotebook([]);
    } finally {
      this.ready = true;
    }
    void this.runAll();
  }

  async #createSampleNotebook(): Promise<NotebookDocument> {
    const datasets = await this.#client.request('ingest-sample', { sample: 'insurance' });
    await this.refreshDatasets();
    return defaultNotebook(datasets);
  }

  // ---- locale --------------------------------------------------------------

  async setLocale(locale: Locale): Promise<void> {
    this.locale = locale;
    document.documentElement.lang = locale;
    await this.#guard(() => this.#storage?.setSetting('locale', locale));
  }

  // ---- datasets ------------------------------------------------------------

  async refreshDatasets(): Promise<void> {
    if (!this.#storage) return;
    this.datasets = await this.#storage.listDatasets();
    this.usage = (await this.#storage.estimateUsage()) ?? null;
  }

  dataset(id: string | null | undefined): DatasetMeta | undefined {
    return id ? this.datasets.find((d) => d.id === id) : undefined;
  }

  /**
   * Parse a file in the worker (progress and cancel on the Data cell), store
   * it, use it. A new file starts without type overrides; the file is kept in
   * memory (a File cannot be stored) so it can be re-imported with options.
   */
  async importFile(
    cellId: string,
    file: File,
    options: Partial<ReadOptions> = {},
    keepOverrides = false,
  ): Promise<void> {
    this.#files.set(cellId, file);
    this.heldFiles = { ...this.heldFiles, [cellId]: file.name };
    const meta = await this.run(cellId).run((signal, onProgress) =>
      this.#client.request(
        'ingest-file',
        { file, name: file.name, options: { ...options } },
        { signal, onProgress },
      ),
    );
    await this.refreshDatasets();
    if (!meta) return;
    const cell = this.cell(cellId);
    const kept = keepOverrides && cell?.kind === 'data' ? cell.settings.typeOverrides : undefined;
    const overrides = Object.fromEntries(
      Object.entries(kept ?? {}).filter(([column]) => meta.columns.some((c) => c.name === column)),
    );
    await this.updateSettings(cellId, { datasetId: meta.id, typeOverrides: {} });
    if (Object.keys(overrides).length) await this.#applyOverrides(cellId, meta, overrides);
  }

  /** Read the Data cell's last file again with other options, keeping its type overrides. */
  async reimportFile(cellId: string, options: Partial<ReadOptions>): Promise<void> {
    const file = this.#files.get(cellId);
    if (!file) {
      this.notify('error', this.t('data.choose-again'));
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
    const cell = this.cell(cellId);
    if (cell?.kind !== 'data') return;
    const current = this.dataset(cell.settings.datasetId);
    if (!current) return;
    const from = current.source.kind === 'retyped' ? current.source.from : current.id;
    const base = this.dataset(from) ?? current;
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
    const cell = this.cell(cellId);
    if (cell?.kind !== 'data') return;
    const previous = this.dataset(cell.settings.datasetId);
    let datasetId = base.id;
    if (Object.keys(overrides).length) {
      const list = Object.entries(overrides).map(([column, type]) => ({ column, type }));
      const result = await this.run(cellId).run((signal, onProgress) =>
        this.#client.request(
          'retype',
          {
            datasetId: base.id,
            overrides: list,
            name: this.t('data.retyped-name', { name: base.name }),
          },
          { signal, onProgress },
        ),
      );
      if (!result) return;
      datasetId = result.meta.id;
    }
    await this.refreshDatasets();
    await this.updateSettings(cellId, { datasetId, typeOverrides: overrides });
    if (previous && previous.id !== datasetId && previous.source.kind === 'retyped') {
      const used = this.notebook?.cells.some(
        (c) => c.kind === 'data' && c.settings.datasetId === previous.id,
      );
      if (!used) {
        await this.#guard(() => this.#storage?.deleteDataset(previous.id));
        await this.refreshDatasets();
      }
    }
  }

  /** The name of the file a Data cell can re-import, or undefined after a reload. */
  heldFile(cellId: string): string | undefined {
    return this.heldFiles[cellId];
  }

  async loadSample(cellId: string, sample: SampleId): Promise<void> {
    const url = SAMPLE_URLS[sample];
    const metas = await this.run(cellId).run((signal, onProgress) =>
      this.#client.request(
        'ingest-sample',
        { sample, url: url ? new URL(url, document.baseURI).href : undefined },
        { signal, onProgress },
      ),
    );
    await this.refreshDatasets();
    if (metas?.length)
      await this.updateSettings(cellId, { datasetId: metas[0].id, typeOverrides: {} });
  }

  async deleteDataset(id: string): Promise<void> {
    await this.#guard(() => this.#storage?.deleteDataset(id));
    await this.refreshDatasets();
    await this.runAll();
  }

  async deleteAllData(): Promise<void> {
    await this.#guard(async () => {
      await this.#storage?.deleteAllData();
      for (const run of this.#runs.values()) run.wait();
      this.notebook = defaultNotebook([]);
      await this.refreshDatasets();
      this.notify('info', this.t('storage.deleted-all'));
    });
  }

  // ---- notebook editing ----------------------------------------------------

  cell(id: string): Cell | undefined {
    return this.notebook?.cells.find((c) => c.id === id);
  }

  run(cellId: string): CellRun {
    let run = this.#runs.get(cellId);
    if (!run) this.#runs.set(cellId, (run = new CellRun()));
    return run;
  }

  async addCell(kind: CellKind, index?: number): Promise<void> {
    if (!this.notebook) return;
    const cell = newCell(kind, this.notebook.cells);
    this.notebook.cells.splice(index ?? this.notebook.cells.length, 0, cell);
    await this.#save();
    await this.runCell(cell.id);
  }

  async removeCell(id: string): Promise<void> {
    if (!this.notebook) return;
    this.run(id).cancel();
    this.#runs.delete(id);
    const affected = downstreamOf(this.notebook.cells, id).filter((c) => c !== id);
    this.notebook.cells = this.notebook.cells.filter((c) => c.id !== id);
    await this.#save();
    await this.#deleteDerived(this.notebook.id, id);
    for (const cellId of affected) await this.runCell(cellId);
  }

  async moveCell(id: string, delta: -1 | 1): Promise<void> {
    if (!this.notebook) return;
    const cells = this.notebook.cells;
    const from = cells.findIndex((c) => c.id === id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= cells.length) return;
    const [cell] = cells.splice(from, 1);
    cells.splice(to, 0, cell);
    await this.#save();
  }

  /** Change a cell's settings, save, and re-run it and every cell that depends on it. */
  async updateSettings(id: string, patch: Record<string, unknown>): Promise<void> {
    const cell = this.cell(id);
    if (!cell || !this.notebook) return;
    Object.assign(cell.settings, patch);
    await this.#save();
    for (const cellId of downstreamOf(this.notebook.cells, id)) await this.runCell(cellId);
  }

  async runAll(): Promise<void> {
    if (!this.notebook) return;
    for (const cellId of topologicalOrder(this.notebook.cells)) await this.runCell(cellId);
  }

  /** Run one cell against its input's current dataset. */
  async runCell(id: string): Promise<void> {
    const cell = this.cell(id);
    if (!cell) return;
    const run = this.run(id);
    if (cell.kind === 'prepare') {
      await this.#runPrepare(cell, run);
      return;
    }
    const datasetId = this.#datasetOf(cell);
    if (!datasetId || !this.dataset(datasetId)) {
      run.wait();
      return;
    }
    switch (cell.kind) {
      case 'data':
        await run.run((signal, onProgress) =>
          this.#client.request('preview', { datasetId, rows: 20 }, { signal, onProgress }),
        );
        return;
      case 'profile': {
        const { target, asOf } = $state.snapshot(cell.settings);
        await run.run((signal, onProgress) =>
          this.#client.request(
            'profile',
            { datasetId, target: target ?? null, asOf: asOf ?? null },
            { signal, onProgress },
          ),
        );
        return;
      }
      case 'survival': {
        // A snapshot: reactive proxies cannot be posted to the worker.
        const s = $state.snapshot(cell.settings);
        if (!s.duration || !s.event) {
          run.wait();
          return;
        }
        const settings = {
          duration: s.duration,
          event: s.event,
          eventValues: s.eventValues,
          group: s.group,
          options: { confType: s.confType, confLevel: s.confLevel },
        };
        await run.run((signal, onProgress) =>
          this.#client.request('kaplan-meier', { datasetId, settings }, { signal, onProgress }),
        );
        return;
      }
    }
  }

  /**
   * The dataset a cell works on: its own (Data), the result of its last
   * successful run (Prepare: none while it runs, waits or failed, so cells
   * that read it wait too), or its input cell's.
   */
  #datasetOf(cell: Cell): string | null {
    if (cell.kind === 'data') return cell.settings.datasetId;
    if (cell.kind === 'prepare') {
      const run = this.run(cell.id);
      return run.status === 'done' ? (run.result as PrepareResult).dataset.id : null;
    }
    const input = cell.settings.input ? this.cell(cell.settings.input) : undefined;
    return input ? this.#datasetOf(input) : null;
  }

  /** The dataset a cell reads, for choosing columns in its settings. */
  inputDataset(cell: Cell): DatasetMeta | undefined {
    if (cell.kind === 'prepare') return this.cellDataset(cell.settings.input);
    return this.dataset(this.#datasetOf(cell));
  }

  /** The dataset a Data or Prepare cell provides to the cells that read it. */
  cellDataset(cellId: string | null): DatasetMeta | undefined {
    const cell = cellId ? this.cell(cellId) : undefined;
    return cell ? this.dataset(this.#datasetOf(cell)) : undefined;
  }

  // ---- prepare ---------------------------------------------------------------

  /** Runs a Prepare cell's step in the worker on its input dataset(s); waits while any is missing. */
  async #runPrepare(cell: Extract<Cell, { kind: 'prepare' }>, run: CellRun): Promise<void> {
    const notebook = this.notebook;
    // A snapshot: reactive proxies cannot be posted to the worker.
    const { input, step } = $state.snapshot(cell.settings);
    const sources = step.op === 'join' ? [input, step.right] : [input];
    const inputs = sources.map((c) => this.cellDataset(c)?.id);
    if (!notebook || !stepReady(step) || inputs.some((d) => d === undefined)) {
      run.wait();
      return;
    }
    const result = await run.run((signal, onProgress) =>
      this.#client.request(
        'prepare',
        { notebook: notebook.id, cell: cell.id, inputs: inputs as string[], step },
        { signal, onProgress },
      ),
    );
    // Always: a result reused after a reload is already listed, but older results may be gone.
    if (result) await this.refreshDatasets();
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
      this.#fail(error);
      return null;
    }
  }

  /** Deletes the stored results of a removed Prepare cell (none for other kinds). */
  async #deleteDerived(notebookId: string, cellId: string): Promise<void> {
    const derived = this.datasets.filter(
      (d) =>
        d.source.kind === 'derived' && d.source.notebook === notebookId && d.source.cell === cellId,
    );
    if (!derived.length) return;
    for (const d of derived) await this.#guard(() => this.#storage?.deleteDataset(d.id));
    await this.refreshDatasets();
  }

  // ---- export / import -----------------------------------------------------

  exportNotebook(): { fileName: string; text: string } | null {
    if (!this.notebook) return null;
    const doc = this.#withDatasetNames($state.snapshot(this.notebook) as NotebookDocument);
    const safe = doc.title.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-|-$/g, '') || 'notebook';
    return { fileName: `${safe}.lifecycle-lab.json`, text: serializeNotebook(doc) };
  }

  async importNotebook(text: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.notify('error', this.t('notebook.not-json'));
      return;
    }
    const parsed = parseNotebook(json);
    if (!parsed.ok) {
      this.notify('error', this.errorText(parsed.error.code, parsed.error.params));
      return;
    }
    for (const run of this.#runs.values()) run.wait();
    this.notebook = parsed.notebook;
    await this.#save();
    const missing = parsed.notebook.datasets.filter((d) => !this.dataset(d.id));
    if (missing.length)
      this.notify(
        'error',
        this.t('notebook.missing-datasets', { names: missing.map((d) => d.name).join(', ') }),
      );
    else this.notify('info', this.t('notebook.imported'));
    await this.runAll();
  }

  // ---- notices ---------------------------------------------------------------

  notify(kind: Notice['kind'], text: string): void {
    this.notices.push({ id: ++this.#noticeId, kind, text });
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  // ---- internals -------------------------------------------------------------

  #withDatasetNames(doc: NotebookDocument): NotebookDocument {
    const ids = new Set<string>();
    for (const cell of doc.cells)
      if (cell.kind === 'data' && cell.settings.datasetId) ids.add(cell.settings.datasetId);
    const datasets = [...ids].map((id) => ({
      id,
      name: this.dataset(id)?.name ?? doc.datasets.find((d) => d.id === id)?.name ?? id,
    }));
    return { ...doc, datasets, updatedAt: new Date().toISOString() };
  }

  async #save(): Promise<void> {
    const notebook = this.notebook;
    if (!notebook || !this.#storage) return;
    const doc = this.#withDatasetNames($state.snapshot(notebook) as NotebookDocument);
    notebook.datasets = doc.datasets;
    await this.#guard(async () => {
      await this.#storage!.saveNotebook(doc);
      await this.#storage!.setSetting('currentNotebook', doc.id);
    });
  }

  async #guard(action: () => Promise<unknown> | unknown): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    const e = asWorkerError(error);
    if (e.detail) console.warn(e.detail);
    this.notify('error', this.errorText(e.code, e.params));
  }
}

function initialLocale(): Locale {
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('zh')
    ? 'zh-CN'
    : 'en';
}
