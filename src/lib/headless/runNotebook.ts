// Runs a saved notebook without a browser: the same registry, runner and
// compute handlers as the app, with the compute worker in this thread and
// storage in memory (IndexedDB from fake-indexeddb, set up by the caller).
// Runs in Node (src/cli/notebook.ts, tests). Each Data cell's dataset comes
// from a file the caller names (read with the app's own readers, with the
// cell's column types applied), or, for a built-in sample, is made again.
// Every cell runs, expensive ones included, in dependency order.

import type { CellKind, NotebookDocument } from '../notebook/document';
import { parseNotebook } from '../notebook/schema';
import { NotebookRunner, emptyRunState, type RunState } from '../notebook/runner';
import { SAMPLES, TELCO_CSV_PATH, type SampleId } from '../engine/data/samples';
import { openStorage } from '../storage/db';
import type { DatasetMeta } from '../storage/types';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ComputeClient, TrainingClient } from '../workers/client';
import { executeJob, type JobWorkers } from '../workers/execute';
import { COMPUTE_HANDLERS } from '../workers/handlers';
import { createSharedContext } from '../workers/handlers/common';
import { TRAINING_HANDLERS } from '../workers/handlers/training';
import { createTrainingContext } from '../workers/handlers/trainingContext';
import { translate, translateError } from '../i18n';
import { inProcessWorker } from './inProcess';

/** A file for a Data cell, as the caller read it. */
export interface DataFile {
  name: string;
  blob: Blob;
}

export interface RunOptions {
  /** Files by the dataset's name or id as the notebook records it (`datasets`). */
  files: ReadonlyMap<string, DataFile>;
  /** Reads an app-relative path (a file-based sample such as Telco) as bytes. */
  readAppFile: (path: string) => Promise<Uint8Array>;
  /** Database name of the in-memory storage; default a fresh one. */
  storageName?: string;
  /** Progress lines for a terminal (a cell starting, a file being read). */
  log?: (line: string) => void;
}

/** One cell's outcome, as written to `<cell id>.json`. */
export interface CellOutcome {
  format: 'lifecycle-lab-cell-result';
  version: 1;
  notebook: string;
  cell: string;
  kind: string;
  /** 1-based position in the notebook. */
  position: number;
  status: RunState['status'];
  /** Why the cell waits, or what failed, in English; null when it ran. */
  message: string | null;
  error: { code: string; params: Record<string, string | number> } | null;
  /** What it hands to the cells below (a dataset id, or a result key). */
  output: RunState['output'];
  /** The cell's result as the app shows it (see docs/headless.md for each kind's fields). */
  result: unknown;
}

export interface RunReport {
  notebook: NotebookDocument;
  cells: CellOutcome[];
  /** Per cell whose output is a dataset: the dataset as CSV (UTF-8 with BOM). */
  csv: Map<string, Uint8Array>;
}

/** A problem that stops the run before any cell runs: a bad notebook or a missing file. */
export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunError';
  }
}

/** Runs the notebook (JSON text or a parsed value) and gathers every cell's outcome. */
export async function runNotebook(input: unknown, options: RunOptions): Promise<RunReport> {
  const parsed = parseNotebook(input);
  if (!parsed.ok) throw new RunError(translateError('en', parsed.error.code, parsed.error.params));
  const doc = structuredClone(parsed.notebook);
  const log = options.log ?? (() => undefined);

  const name = options.storageName ?? `lifecycle-lab-headless-${crypto.randomUUID()}`;
  const storage = await openStorage({ name });
  const context = createSharedContext({ openStorage: async () => storage });
  context.fetch = appFileFetch(options.readAppFile);
  const client = new ComputeClient(inProcessWorker({ handlers: COMPUTE_HANDLERS, context }));
  let training: TrainingClient | null = null;
  const workers: JobWorkers = {
    compute: client,
    // Networks train here on TF.js's wasm backend (its .wasm files read from node_modules).
    training: () =>
      (training ??= new TrainingClient(
        inProcessWorker({
          handlers: TRAINING_HANDLERS,
          context: createTrainingContext(
            { backend: 'wasm', wasmPaths: nodeWasmPaths() },
            { openStorage: async () => storage },
          ),
        }),
      )),
  };

  try {
    await provideDatasets(doc, client, options.files, log);
    let datasets = new Map((await storage.listDatasets()).map((d) => [d.id, d]));
    const runner = new NotebookRunner(
      {
        execute: (job, o) => executeJob(workers, job, o),
        results: null,
        dataset: (id) => (id ? datasets.get(id) : undefined),
        datasetStored: async () => {
          datasets = new Map((await storage.listDatasets()).map((d) => [d.id, d]));
        },
        // A kind refitted its settings to this data (e.g. the survival columns
        // chosen again): said on the terminal, since nobody sees the form here.
        async adapt(cellId, settings) {
          const cell = doc.cells.find((c) => c.id === cellId);
          if (!cell) return false;
          const before = cell.settings as Record<string, unknown>;
          const after = settings as Record<string, unknown>;
          const changed = Object.keys(after).filter(
            (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
          );
          const position = doc.cells.indexOf(cell) + 1;
          for (const k of changed)
            log(
              `cell ${position} (${cellId}): ${k} ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}, to fit this data`,
            );
          cell.settings = settings as never;
          return true;
        },
        today: () => new Date().toISOString().slice(0, 10),
      },
      emptyRunState,
    );
    log(`running ${doc.cells.length} cells`);
    // Every cell runs, expensive ones included: nothing is stored from an earlier run here.
    await runner.update(doc, { force: doc.cells.map((c) => c.id) });
    await runner.idle();
    const cells = doc.cells.map((cell, i) =>
      outcome(doc, cell.id, cell.kind, i, runner.state(cell.id)),
    );
    const csv = new Map<string, Uint8Array>();
    for (const c of cells) {
      if (c.status !== 'done' || c.output?.type !== 'dataset') continue;
      const file = await client.request('export', { datasetId: c.output.id, format: 'csv' });
      csv.set(c.cell, file.bytes);
    }
    return { notebook: doc, cells, csv };
  } finally {
    client.dispose();
    storage.close();
  }
}

/** Gives each Data cell its dataset: the caller's file, or a built-in sample made again. */
async function provideDatasets(
  doc: NotebookDocument,
  client: ComputeClient,
  files: ReadonlyMap<string, DataFile>,
  log: (line: string) => void,
): Promise<void> {
  const used = new Set<string>();
  for (const [position, cell] of doc.cells.entries()) {
    if (cell.kind !== 'data' || !cell.settings.datasetId) continue;
    const id = cell.settings.datasetId;
    const recorded = doc.datasets.find((d) => d.id === id)?.name ?? id;
    const key = files.has(id) ? id : files.has(recorded) ? recorded : null;
    let meta: DatasetMeta | undefined;
    if (key !== null) {
      const file = files.get(key)!;
      used.add(key);
      log(`reading ${file.name} for dataset “${recorded}” (cell ${position + 1})`);
      meta = await client
        .request('ingest-file', { file: file.blob, name: file.name })
        .catch((error: unknown) => {
          throw new RunError(`${file.name}: ${describeError(error)}`);
        });
    } else {
      const sample = sampleOf(recorded);
      if (!sample) {
        throw new RunError(
          `Cell ${position + 1} (${cell.id}) reads the dataset “${recorded}”: give its file with --data "${recorded}=<file>".`,
        );
      }
      log(`making the built-in sample “${recorded}” (cell ${position + 1})`);
      const metas = await client.request('ingest-sample', {
        sample,
        url: sample === 'telco' ? `app:${TELCO_CSV_PATH}` : undefined,
      });
      meta = metas.find((m) => m.source.kind === 'sample' && m.source.sample === recorded);
      if (!meta) throw new RunError(`The built-in sample “${recorded}” could not be made.`);
    }
    const overrides = Object.entries(cell.settings.typeOverrides ?? {}).filter(([column]) =>
      meta!.columns.some((c) => c.name === column),
    );
    if (overrides.length) {
      const retyped = await client.request('retype', {
        datasetId: meta.id,
        overrides: overrides.map(([column, type]) => ({ column, type })),
        name: `${meta.name} (typed)`,
      });
      meta = retyped.meta;
    }
    cell.settings = { ...cell.settings, datasetId: meta.id };
    const entry = doc.datasets.find((d) => d.id === id);
    if (entry) entry.id = meta.id;
  }
  const unused = [...files.keys()].filter((k) => !used.has(k));
  if (unused.length) {
    const names = doc.datasets.map((d) => `“${d.name}”`).join(', ') || 'none';
    throw new RunError(
      `No Data cell reads ${unused.map((k) => `“${k}”`).join(', ')}; the notebook's datasets are: ${names}.`,
    );
  }
}

function sampleOf(datasetName: string): SampleId | null {
  return SAMPLES.find((s) => s.datasets.some((d) => d.name === datasetName))?.id ?? null;
}

/** The worker's fetch, for `app:` URLs of files the app serves (a file-based sample). */
function appFileFetch(read: (path: string) => Promise<Uint8Array>): typeof fetch {
  return async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith('app:')) throw new TypeError(`no network in the headless runner: ${url}`);
    const bytes = await read(url.slice('app:'.length));
    return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
      headers: { 'content-length': String(bytes.byteLength) },
    });
  };
}

function outcome(
  doc: NotebookDocument,
  cellId: string,
  kind: CellKind,
  index: number,
  state: RunState,
): CellOutcome {
  const message =
    state.status === 'error' && state.error
      ? translateError('en', state.error.code, state.error.params)
      : state.reason
        ? translate('en', state.reason.wait, state.reason.params)
        : null;
  return {
    format: 'lifecycle-lab-cell-result',
    version: 1,
    notebook: doc.id,
    cell: cellId,
    kind,
    position: index + 1,
    status: state.status,
    message,
    error: state.error ? { code: state.error.code, params: state.error.params } : null,
    output: state.output,
    result: state.result,
  };
}

function describeError(error: unknown): string {
  const e = error as { code?: unknown; params?: unknown };
  return typeof e?.code === 'string'
    ? translateError('en', e.code, (e.params ?? {}) as Record<string, string | number>)
    : String(error);
}

/** TF.js's wasm files in Node: the installed package's dist directory. */
function nodeWasmPaths(): string {
  return `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}
