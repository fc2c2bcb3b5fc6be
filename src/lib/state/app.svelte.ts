// The application state: locale, notices, stored datasets, the notebooks in
// this browser and the open one, and each cell's run state. Runs on the page.
// It orchestrates and computes nothing: storage persists, the compute worker
// computes, and the notebook runner (../notebook/runner.ts) decides what runs.
// The Data cell's file and sample actions are in ./data.svelte.ts.
//
// Every edit of the open notebook goes through #edit: the edited document is
// validated with the same schema as an import, and an edit the schema refuses
// is refused with its reason and never saved.

import { translate, translateError, type Locale, type Params } from '../i18n';
import type { MessageKey } from '../i18n/en';
import type { Cell, CellKind, NotebookDocument } from '../notebook/document';
import { checkSettings, parseNotebook, serializeNotebook } from '../notebook/schema';
import { defaultNotebook, newCell } from '../notebook/defaults';
import { NotebookRunner, asRunError, type RunnerHost } from '../notebook/runner';
import { openStorage, type Storage } from '../storage/db';
import type { DatasetMeta, NotebookSummary } from '../storage/types';
import { ComputeClient, TrainingClient } from '../workers/client';
import { executeJob, type JobWorkers } from '../workers/execute';
import type { ColumnLevels } from '../engine/data/levels';
import { CellRun } from './cellRun.svelte';
import { DataActions } from './data.svelte';

/** Values offered in a menu of a column's levels (a target's positive class, a reference level). */
export const LEVELS_SHOWN = 200;

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** A stored notebook that failed to validate: kept in storage, shown with its reason. */
export interface BrokenNotebook {
  id: string;
  title: string;
  reason: string;
  raw: unknown;
}

export class AppState {
  locale = $state<Locale>(initialLocale());
  ready = $state(false);
  notebook = $state<NotebookDocument | null>(null);
  /** The notebook chosen to open that could not be read; `notebook` is null meanwhile. */
  broken = $state.raw<BrokenNotebook | null>(null);
  notebooks = $state.raw<NotebookSummary[]>([]);
  datasets = $state.raw<DatasetMeta[]>([]);
  notices = $state<Notice[]>([]);
  usage = $state.raw<{ usage: number; quota: number } | null>(null);

  readonly runner: NotebookRunner;
  readonly data: DataActions;
  #storage: Storage | null = null;
  #client: ComputeClient;
  readonly #startTraining: () => Worker;
  #training: { worker: Worker; client: TrainingClient } | null = null;
  #noticeId = 0;

  constructor(worker: Worker, startTraining: () => Worker) {
    this.#client = new ComputeClient(worker);
    this.#startTraining = startTraining;
    const workers: JobWorkers = { compute: this.#client, training: () => this.#trainingClient() };
    const host: RunnerHost = {
      execute: (job, options) => executeJob(workers, job, options),
      results: {
        find: async (key) => (await this.#storage?.findResult(key)) ?? undefined,
        save: async (record) => {
          await this.#storage?.saveResult(record);
        },
      },
      dataset: (id) => this.dataset(id),
      datasetStored: () => this.refreshDatasets(),
      adapt: async (cellId, settings) => this.#setSettings(cellId, settings, false),
      onStoreError: (error) => this.#fail(error),
      today: () => new Date().toISOString().slice(0, 10),
    };
    this.runner = new NotebookRunner(host, () => new CellRun());
    this.data = new DataActions(this, this.#client);
  }

  /**
   * The training worker, started on the first training job (so TF.js loads
   * only then) and again after it crashed: the crash failed its jobs, and
   * the cell can be run again.
   */
  #trainingClient(): TrainingClient {
    if (this.#training?.client.crashed) {
      this.#training.client.dispose();
      this.#training.worker.terminate();
      this.#training = null;
    }
    if (!this.#training) {
      const worker = this.#startTraining();
      // A terminated or killed worker sends no 'error': a silence this long means it is gone.
      this.#training = {
        worker,
        client: new TrainingClient(worker, { everyMs: 5_000, timeoutMs: 30_000 }),
      };
    }
    return this.#training.client;
  }

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);
  errorText = (code: string, params?: Params): string => translateError(this.locale, code, params);

  get storage(): Storage | null {
    return this.#storage;
  }

  #levels = new Map<string, Promise<ColumnLevels>>();

  /**
   * A stored dataset's column's most frequent values (the menus of a
   * target's positive class and a feature's reference level), asked of the
   * worker once per dataset and column.
   */
  levels(datasetId: string, column: string): Promise<ColumnLevels> {
    const key = `${datasetId}\u0000${column}`;
    let levels = this.#levels.get(key);
    if (!levels) {
      levels = this.#client
        .request('column-levels', { datasetId, columns: [column], limit: LEVELS_SHOWN })
        .then(([one]) => one);
      levels.catch(() => this.#levels.delete(key));
      this.#levels.set(key, levels);
    }
    return levels;
  }

  /** Opens storage, restores the locale and the last notebook, or creates the sample notebook. */
  async init(): Promise<void> {
    try {
      this.#storage = await openStorage();
      const locale = await this.#storage.getSetting<Locale>('locale');
      if (locale === 'en' || locale === 'zh-CN') this.locale = locale;
      await this.refreshDatasets();
      await this.refreshNotebooks();
      const currentId = await this.#storage.getSetting<string>('currentNotebook');
      const opened = currentId ? await this.#open(currentId) : false;
      if (!opened && !this.broken) await this.#install(await this.#sampleNotebook());
    } catch (error) {
      this.#fail(error);
      if (!this.broken) this.notebook ??= defaultNotebook([]);
    } finally {
      this.ready = true;
    }
    void this.refresh();
  }

  async #sampleNotebook(): Promise<NotebookDocument> {
    const datasets = await this.#client.request('ingest-sample', { sample: 'insurance' });
    await this.refreshDatasets();
    return defaultNotebook(datasets, { title: this.t('notebook.default-title') });
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

  /** Deletes a dataset and the results computed from it; the cells that read it wait. */
  async deleteDataset(id: string): Promise<void> {
    await this.#guard(() => this.#storage?.deleteDataset(id));
    await this.refreshDatasets();
    await this.refresh();
  }

  async deleteAllData(): Promise<void> {
    await this.#guard(async () => {
      await this.#storage?.deleteAllData();
      this.runner.reset();
      this.broken = null;
      this.notebook = defaultNotebook([], { title: this.t('notebook.default-title') });
      await this.refreshDatasets();
      await this.#save();
      await this.refreshNotebooks();
      this.notify('info', this.t('storage.deleted-all'));
    });
  }

  // ---- the cells' inputs and outputs -----------------------------------------

  cell(id: string | null | undefined): Cell | undefined {
    return id ? this.notebook?.cells.find((c) => c.id === id) : undefined;
  }

  run(cellId: string): CellRun {
    return this.runner.state(cellId) as CellRun;
  }

  cancel(cellId: string): void {
    this.runner.cancel(cellId);
  }

  /** The dataset a cell hands to the cells below it, while it has one. */
  cellDataset(cellId: string | null | undefined): DatasetMeta | undefined {
    if (!cellId) return undefined;
    const output = this.runner.state(cellId).output;
    return output?.type === 'dataset' ? this.dataset(output.id) : undefined;
  }

  /** The dataset a cell reads through its `input` slot, for choosing columns in its settings. */
  inputDataset(cell: Cell): DatasetMeta | undefined {
    return 'input' in cell.settings ? this.cellDataset(cell.settings.input) : undefined;
  }

  // ---- running -----------------------------------------------------------------

  /** Brings every cell up to date: unchanged cells stay, changed cheap ones run, expensive ones go stale. */
  async refresh(): Promise<void> {
    if (!this.notebook) return;
    await this.runner.update(this.#snapshot());
  }

  /** Runs one cell now (the Run button), whatever its kind or the stored result. */
  async runCell(id: string): Promise<void> {
    if (!this.notebook) return;
    await this.runner.update(this.#snapshot(), { force: [id] });
  }

  // ---- editing the open notebook -------------------------------------------

  async addCell(kind: CellKind, index?: number): Promise<void> {
    const at = index ?? this.notebook?.cells.length ?? 0;
    const ok = await this.#edit((doc) => doc.cells.splice(at, 0, newCell(kind, doc.cells, { at })));
    if (ok) await this.refresh();
  }

  async removeCell(id: string): Promise<void> {
    const notebookId = this.notebook?.id;
    const ok = await this.#edit((doc) => {
      doc.cells = doc.cells.filter((c) => c.id !== id);
    });
    if (!ok || !notebookId) return;
    this.runner.forget(id);
    await this.#guard(() => this.#storage?.deleteResults(notebookId, id));
    await this.#deleteDerived(notebookId, id);
    await this.refresh();
  }

  async moveCell(id: string, delta: -1 | 1): Promise<void> {
    const ok = await this.#edit((doc) => {
      const from = doc.cells.findIndex((c) => c.id === id);
      const to = from + delta;
      if (from < 0 || to < 0 || to >= doc.cells.length) return;
      const [cell] = doc.cells.splice(from, 1);
      doc.cells.splice(to, 0, cell);
    });
    // A cell moved above its input no longer reads it: the runner says so.
    if (ok) await this.refresh();
  }

  /**
   * Change a cell's settings, save, and bring the notebook up to date. The
   * new settings are checked by the kind's schema first: refused, nothing
   * changes and the reason is shown. Returns whether the change was made.
   */
  async updateSettings(id: string, patch: Record<string, unknown>): Promise<boolean> {
    const cell = this.cell(id);
    if (!cell) return false;
    const ok = await this.#setSettings(id, { ...$state.snapshot(cell.settings), ...patch }, true);
    if (ok) await this.refresh();
    return ok;
  }

  async setTitle(title: string): Promise<void> {
    if (await this.#edit((doc) => void (doc.title = title))) await this.refreshNotebooks();
  }

  async #setSettings(id: string, settings: unknown, announce: boolean): Promise<boolean> {
    const cell = this.cell(id);
    if (!cell) return false;
    const checked = checkSettings(cell.kind, settings);
    if (!checked.ok) {
      if (announce)
        this.notify('error', this.t('notebook.setting-refused', { reason: checked.reason }));
      return false;
    }
    return this.#edit((doc) => {
      const target = doc.cells.find((c) => c.id === id);
      if (target) target.settings = checked.settings as never;
    });
  }

  /**
   * Applies `change` to a copy of the open notebook and keeps it only if the
   * whole document still validates (limits, cycles, every cell's settings);
   * then saves it. Returns whether it was kept.
   */
  async #edit(change: (doc: NotebookDocument) => void): Promise<boolean> {
    if (!this.notebook) return false;
    const doc = this.#snapshot();
    change(doc);
    const parsed = parseNotebook(doc);
    if (!parsed.ok) {
      this.notify(
        'error',
        this.t('notebook.edit-refused', {
          reason: this.errorText(parsed.error.code, parsed.error.params),
        }),
      );
      return false;
    }
    this.notebook = parsed.notebook;
    await this.#save();
    return true;
  }

  /** A deep plain copy of the open notebook (reactive proxies cannot be posted or stored). */
  #snapshot(): NotebookDocument {
    return $state.snapshot(this.notebook) as NotebookDocument;
  }

  // ---- the notebooks in this browser ------------------------------------------

  async refreshNotebooks(): Promise<void> {
    if (!this.#storage) return;
    await this.#guard(async () => {
      this.notebooks = (await this.#storage!.listNotebooks()) ?? [];
    });
  }

  async openNotebook(id: string): Promise<void> {
    if (id === this.notebook?.id) return;
    if (await this.#open(id)) void this.refresh();
  }

  /** A new notebook with the default cells, on the insurance sample when it is stored. */
  async createNotebook(): Promise<void> {
    const doc = defaultNotebook(this.datasets, { title: this.t('notebook.untitled') });
    await this.#install(doc);
    void this.refresh();
  }

  /** A copy of a stored notebook, opened; results computed for it show at once (same keys). */
  async duplicateNotebook(id: string): Promise<void> {
    const source =
      id === this.notebook?.id ? this.#snapshot() : await this.#loadValid(id).catch(() => null);
    if (!source) return;
    const doc: NotebookDocument = {
      ...structuredClone(source),
      id: crypto.randomUUID(),
      title: this.t('notebook.copy-title', { title: source.title }),
    };
    await this.#install(doc);
    void this.refresh();
  }

  /** Deletes a notebook, its results and its Prepare cells' datasets; opens another if it was open. */
  async deleteNotebook(id: string): Promise<void> {
    await this.#guard(() => this.#storage?.deleteNotebook(id));
    await this.refreshDatasets();
    await this.refreshNotebooks();
    if (this.notebook?.id !== id && this.broken?.id !== id) return;
    this.runner.reset();
    this.notebook = null;
    this.broken = null;
    const next = this.notebooks.find((n) => n.valid);
    if (next && (await this.#open(next.id))) void this.refresh();
    else await this.createNotebook();
  }

  /** Opens a stored notebook; false when it is missing or broken (then `broken` says why). */
  async #open(id: string): Promise<boolean> {
    if (!this.#storage) return false;
    const loaded = await this.#storage.loadNotebook(id);
    if (!loaded) return false;
    this.runner.reset();
    if (!loaded.ok) {
      const raw = loaded.raw as { title?: unknown } | null;
      this.notebook = null;
      this.broken = {
        id,
        title: typeof raw?.title === 'string' ? raw.title : id,
        reason: this.errorText(loaded.error.code, loaded.error.params),
        raw: loaded.raw,
      };
      return false;
    }
    this.broken = null;
    this.notebook = loaded.notebook;
    await this.#guard(() => this.#storage?.setSetting('currentNotebook', id));
    return true;
  }

  async #loadValid(id: string): Promise<NotebookDocument | null> {
    const loaded = await this.#storage?.loadNotebook(id);
    return loaded?.ok ? loaded.notebook : null;
  }

  /** Makes `doc` the open notebook and stores it. */
  async #install(doc: NotebookDocument): Promise<void> {
    this.runner.reset();
    this.broken = null;
    this.notebook = doc;
    await this.#save();
    await this.refreshNotebooks();
  }

  // ---- export / import -----------------------------------------------------

  exportNotebook(): { fileName: string; text: string } | null {
    if (!this.notebook) return null;
    const doc = this.#withDatasetNames(this.#snapshot());
    return { fileName: fileNameOf(doc.title), text: serializeNotebook(doc) };
  }

  /** The stored value of a notebook that fails to load, as it is, for the user to keep. */
  exportBroken(): { fileName: string; text: string } | null {
    if (!this.broken) return null;
    return {
      fileName: fileNameOf(this.broken.title),
      text: JSON.stringify(this.broken.raw, null, 2),
    };
  }

  /**
   * Reads a notebook file and opens it as a notebook of its own: nothing
   * stored is replaced (a notebook already stored under its id is kept, and
   * the import gets a new id).
   */
  async importNotebook(text: string): Promise<void> {
    const parsed = parseNotebook(text);
    if (!parsed.ok) {
      this.notify('error', this.errorText(parsed.error.code, parsed.error.params));
      return;
    }
    const doc = parsed.notebook;
    if (this.notebooks.some((n) => n.id === doc.id)) doc.id = crypto.randomUUID();
    await this.#install(doc);
    const missing = doc.datasets.filter((d) => !this.dataset(d.id));
    if (missing.length)
      this.notify(
        'error',
        this.t('notebook.missing-datasets', { names: missing.map((d) => d.name).join(', ') }),
      );
    else this.notify('info', this.t('notebook.imported'));
    await this.refresh();
  }

  // ---- notices ---------------------------------------------------------------

  notify(kind: Notice['kind'], text: string): void {
    this.notices.push({ id: ++this.#noticeId, kind, text });
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  /** Shows a failure as a notice (its detail goes to the console). */
  fail(error: unknown): void {
    this.#fail(error);
  }

  // ---- internals -------------------------------------------------------------

  /** Deletes the datasets a removed Prepare cell made (none for other kinds). */
  async #deleteDerived(notebookId: string, cellId: string): Promise<void> {
    const derived = this.datasets.filter(
      (d) =>
        d.source.kind === 'derived' && d.source.notebook === notebookId && d.source.cell === cellId,
    );
    if (!derived.length) return;
    for (const d of derived) await this.#guard(() => this.#storage?.deleteDataset(d.id));
    await this.refreshDatasets();
  }

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
    const doc = this.#withDatasetNames(this.#snapshot());
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
    const e = asRunError(error);
    if (e.detail) console.warn(e.detail);
    this.notify('error', this.errorText(e.code, e.params));
  }
}

function fileNameOf(title: string): string {
  const safe = title.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-|-$/g, '') || 'notebook';
  return `${safe}.lifecycle-lab.json`;
}

function initialLocale(): Locale {
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('zh')
    ? 'zh-CN'
    : 'en';
}
