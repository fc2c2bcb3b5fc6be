// What the compute worker does for each request. Runs in the worker; every
// handler is a plain async function of (params, context), so Node tests call
// them directly with fake-indexeddb storage.
//
// Tables are read through the context's TableCache; storage is the one module
// in ../storage/db.ts (the worker writes and reads dataset chunks there).

import { DEFAULT_ROWS_PER_CHUNK, ipcChunks } from '../engine/data/arrow';
import { ingestDelimited } from '../engine/data/ingest';
import { readFile } from '../engine/data/read';
import { retypeTable, type RetypeReport } from '../engine/data/retype';
import { streamChunks } from '../engine/data/decode';
import { profileTable } from '../engine/data/profile';
import { asOfInstant } from '../engine/data/quality';
import { SAMPLES, type SampleId } from '../engine/data/samples';
import { generateInsuranceBook } from '../engine/data/sample/insurance';
import { cellText, EngineError, type DataTable, type Progress } from '../engine/data/table';
import { kaplanMeierByGroup } from '../engine/survival/kaplanMeier';
import { survivalInputs } from '../engine/survival/prepare';
import * as prep from '../engine/prepare';
import { tableToCsv, tableToXlsx } from '../engine/data/export';
import type { PrepareStep } from '../notebook/document';
import type { LabStorage } from '../storage/db';
import { MAX_STORED_WARNINGS, type DatasetMeta, type NewDataset } from '../storage/types';
import type { TableCache } from './tableCache';
import { packPart, readPartInto, type PartPool } from './partPool';
import type { PreviewResult, Requests, RequestType, SurvivalResult } from './protocol';

export interface HandlerContext {
  progress: Progress & { stage?(name: string): void };
  storage: () => Promise<LabStorage>;
  tables: TableCache;
  /** Sample requests still running, so asking twice at once stores the sample once. */
  samplesInFlight: Map<SampleId, Promise<DatasetMeta[]>>;
  fetch: typeof fetch;
  /** Where large delimited files are read in parts at once (see ./partPool.ts); null: one pass. */
  parts: PartPool | null;
}

type Handler<K extends RequestType> = (
  params: Requests[K]['params'],
  context: HandlerContext,
) => Promise<Requests[K]['result']>;

/** Previews show at most this many rows, whatever is asked. */
export const MAX_PREVIEW_ROWS = 1000;

async function loadTable(datasetId: string, context: HandlerContext): Promise<DataTable> {
  return context.tables.get(datasetId, async () => {
    const storage = await context.storage();
    return (await storage.loadTable(datasetId)).table;
  });
}

/** What storage keeps of a dataset besides its chunks: `input` and the table's shape. */
function datasetOf(table: DataTable, input: Omit<NewDataset, 'rowCount' | 'columns'>): NewDataset {
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
  return { ...input, rowCount: table.rowCount, columns };
}

/** Encodes and stores a table, reporting progress per chunk (and so letting a cancel in). */
async function store(
  table: DataTable,
  input: Omit<NewDataset, 'rowCount' | 'columns'>,
  context: HandlerContext,
): Promise<DatasetMeta> {
  context.progress.stage?.('store');
  // Encode one chunk at a time as storage asks for it: only one encoded chunk
  // is alive at once, never the whole table twice.
  const total = Math.ceil(table.rowCount / DEFAULT_ROWS_PER_CHUNK);
  const { progress } = context;
  async function* reported() {
    let i = 0;
    for (const chunk of ipcChunks(table, DEFAULT_ROWS_PER_CHUNK)) {
      await progress.report(i++, total);
      yield chunk;
    }
    await progress.report(total, total);
  }
  const storage = await context.storage();
  const meta = await storage.saveDataset(datasetOf(table, input), reported());
  context.tables.set(meta.id, table);
  return meta;
}

export const ingestFile: Handler<'ingest-file'> = async (params, context) => {
  context.progress.stage?.('parse');
  const fileName =
    'name' in params.file && typeof params.file.name === 'string' ? params.file.name : params.name;
  const session = context.parts?.session(await context.storage()) ?? null;
  let result: Awaited<ReturnType<typeof readFile>>;
  try {
    result = await readFile(
      params.file,
      fileName,
      params.options ?? {},
      context.progress,
      session?.options ?? null,
    );
  } catch (error) {
    await session?.discard().catch(() => undefined);
    throw error;
  }
  const input = {
    name: params.name,
    source: { kind: 'file' as const, fileName, bytes: params.file.size },
    ingest: {
      encoding: result.encoding,
      ...(result.dialect ? { dialect: result.dialect } : {}),
      format: result.format,
      ...(result.sheets ? { sheets: result.sheets, sheet: result.sheet } : {}),
      inference: result.inference,
      warnings: result.warnings.slice(0, MAX_STORED_WARNINGS),
      warningCount: result.warnings.length,
    },
  };
  const { table } = result;
  if (session && result.stored) {
    // Read in parts, which stored their chunks as they went: only the meta is left to write.
    context.progress.stage?.('store');
    await context.progress.report(0, 1);
    try {
      const meta = await session.commit(datasetOf(table, input), result.stored);
      context.tables.set(meta.id, table);
      return meta;
    } catch (error) {
      await session.discard().catch(() => undefined);
      throw error;
    }
  }
  // Read in one pass, or the parts' chunks cannot be used (a column became text).
  // (Chunks a failed discard leaves have no dataset: the next open sweeps them.)
  await session?.discard().catch(() => undefined);
  return store(table, input, context);
};

/** One part of a large delimited file, for the compute worker that reads it in parts. */
export const parsePartOfFile: Handler<'parse-part'> = async (params, context) => {
  // Packing copies every dictionary value into one string: no copy of each is needed before.
  const attached = true;
  const part = await readPartInto(await context.storage(), params, context.progress, attached);
  return packPart(part);
};

export const ingestSample: Handler<'ingest-sample'> = (params, context) => {
  const running = context.samplesInFlight.get(params.sample);
  if (running) return running;
  const task = createSample(params, context).finally(() =>
    context.samplesInFlight.delete(params.sample),
  );
  context.samplesInFlight.set(params.sample, task);
  return task;
};

/** The sample's datasets, in SAMPLES order: those already stored, and the missing ones created. */
async function createSample(
  params: Requests['ingest-sample']['params'],
  context: HandlerContext,
): Promise<DatasetMeta[]> {
  const info = SAMPLES.find((s) => s.id === params.sample);
  if (!info) throw new EngineError('sample.unknown', { sample: String(params.sample) });
  const storage = await context.storage();
  const stored = await storage.listDatasets();
  // The dataset names in SAMPLES are the stable ids recorded as source.sample.
  const find = (sample: string) =>
    stored.find((d) => d.source.kind === 'sample' && d.source.sample === sample);
  const wanted = info.datasets.map((d) => d.name);
  if (wanted.every((name) => find(name))) return wanted.map((name) => find(name)!);

  const tables = await buildSample(params, context);
  const result: DatasetMeta[] = [];
  for (const [i, name] of wanted.entries()) {
    result.push(
      find(name) ??
        (await store(tables[i], { name, source: { kind: 'sample', sample: name } }, context)),
    );
  }
  return result;
}

/** The sample's tables, in the order of its SAMPLES entry. */
async function buildSample(
  params: Requests['ingest-sample']['params'],
  context: HandlerContext,
): Promise<DataTable[]> {
  switch (params.sample) {
    case 'insurance': {
      context.progress.stage?.('generate');
      await context.progress.report(0, 1);
      const book = generateInsuranceBook();
      await context.progress.report(1, 1);
      return [book.policies, book.payments];
    }
    case 'telco': {
      // The worker's own URL is not the app's base, so the page resolves the file's URL.
      if (!params.url)
        throw new EngineError('sample.fetch-failed', { sample: params.sample, status: 0 });
      context.progress.stage?.('download');
      let response: Response;
      try {
        response = await context.fetch(params.url);
      } catch {
        throw new EngineError('sample.fetch-failed', { sample: params.sample, status: 0 });
      }
      if (!response.ok || !response.body) {
        throw new EngineError('sample.fetch-failed', {
          sample: params.sample,
          status: response.status,
        });
      }
      const total = Number(response.headers.get('content-length')) || 0;
      context.progress.stage?.('parse');
      const { table } = await ingestDelimited(
        streamChunks(response.body),
        total,
        {},
        context.progress,
      );
      return [table];
    }
  }
}

export const profile: Handler<'profile'> = async (params, context) => {
  const asOf = asOfInstant(params.asOf, Date.now());
  const table = await loadTable(params.datasetId, context);
  // The ingest's per-column inference tells a demoted (mixed-type) column.
  const meta = await (await context.storage()).getDataset(params.datasetId);
  return profileTable(table, context.progress, {
    target: params.target ?? null,
    asOf,
    inference: meta?.ingest?.inference,
  });
};

export const kaplanMeier: Handler<'kaplan-meier'> = async (params, context) => {
  const table = await loadTable(params.datasetId, context);
  await context.progress.report(0, 1);
  const inputs = survivalInputs(table, params.settings);
  const curves = kaplanMeierByGroup(
    inputs.time,
    inputs.event,
    inputs.groupCodes,
    inputs.groupNames,
    params.settings.options,
  );
  await context.progress.report(1, 1);
  const result: SurvivalResult = { curves, excluded: inputs.excluded };
  return result;
};

/**
 * Applies the overrides in order to the stored dataset and stores the result
 * as a new dataset that records where it came from; the original is kept, so
 * a later change of mind starts again from the file's own values.
 */
export const retype: Handler<'retype'> = async (params, context) => {
  const storage = await context.storage();
  const base = await storage.getDataset(params.datasetId);
  if (!base) throw new EngineError('storage.not-found');
  let table = await loadTable(params.datasetId, context);
  context.progress.stage?.('retype');
  const reports: RetypeReport[] = [];
  for (const [i, override] of params.overrides.entries()) {
    await context.progress.report(i, params.overrides.length);
    const result = retypeTable(table, override);
    table = result.table;
    reports.push(result.report);
  }
  const overrides = Object.fromEntries(params.overrides.map((o) => [o.column, o.type]));
  const meta = await store(
    table,
    {
      name: params.name,
      source: { kind: 'retyped', from: base.id, overrides, reports },
      ...(base.ingest ? { ingest: base.ingest } : {}),
    },
    context,
  );
  return { meta, reports };
};

export const preview: Handler<'preview'> = async (params, context) => {
  const table = await loadTable(params.datasetId, context);
  const n = Math.max(0, Math.min(Math.floor(params.rows) || 0, MAX_PREVIEW_ROWS, table.rowCount));
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) rows.push(table.columns.map((c) => cellText(c, i)));
  const result: PreviewResult = {
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    rows,
    rowCount: table.rowCount,
  };
  return result;
};

// ---- prepare and export ------------------------------------------------------

/** Rows of a Prepare cell's result sent back with it, for its preview. */
export const PREPARE_PREVIEW_ROWS = 20;

/**
 * Runs a Prepare step, or reuses its stored result. The stored result is found
 * by the cell (notebook + cell id) and a key hashed from the inputs and the
 * step, so a reload or an unchanged re-run costs one load, not a recompute.
 * Results of the cell's earlier settings are deleted only after the new one is
 * stored, so a failure leaves the last good result in place.
 */
export const prepare: Handler<'prepare'> = async (params, context) => {
  const { notebook, cell, inputs, step } = params;
  const wanted = step.op === 'join' ? 2 : 1;
  if (inputs.length !== wanted) {
    throw new EngineError('prepare.invalid-setting', { setting: 'inputs', value: inputs.length });
  }
  const storage = await context.storage();
  const key = await derivedKey(inputs, step);
  const mine = (await storage.listDatasets()).filter(
    (d) => d.source.kind === 'derived' && d.source.notebook === notebook && d.source.cell === cell,
  );
  let meta = mine.find((d) => d.source.kind === 'derived' && d.source.key === key);
  const reused = meta !== undefined;
  if (!meta) {
    const metas = await Promise.all(inputs.map((id) => storage.getDataset(id)));
    const missing = inputs.find((_, i) => !metas[i]);
    if (missing !== undefined) throw new EngineError('storage.not-found', { datasetId: missing });
    const tables = await Promise.all(inputs.map((id) => loadTable(id, context)));
    context.progress.stage?.('prepare');
    await context.progress.report(0, 1);
    const result = runStep(step, tables);
    await context.progress.report(1, 1);
    const name = `${metas[0]!.name}_${step.op}`.slice(0, 200);
    meta = await store(
      result.table,
      { name, source: { kind: 'derived', notebook, cell, key, report: result.report } },
      context,
    );
  }
  for (const old of mine) {
    if (old.id === meta.id) continue;
    await storage.deleteDataset(old.id);
    context.tables.delete(old.id);
  }
  const report = meta.source.kind === 'derived' ? meta.source.report : {};
  const shown = await preview({ datasetId: meta.id, rows: PREPARE_PREVIEW_ROWS }, context);
  return { dataset: meta, report, reused, preview: shown };
};

/** The engine transform for a step; the step's fields other than `op` are its settings. */
export function runStep(step: PrepareStep, tables: DataTable[]): prep.TransformResult {
  const [table] = tables;
  switch (step.op) {
    case 'drop-duplicates': {
      const { op: _, ...settings } = step;
      return prep.dropDuplicates(table, settings);
    }
    case 'filter': {
      const { op: _, ...settings } = step;
      return prep.filterRows(table, settings);
    }
    case 'select': {
      const { op: _, ...settings } = step;
      return prep.selectColumns(table, settings);
    }
    case 'impute': {
      const { op: _, ...settings } = step;
      return prep.impute(table, settings);
    }
    case 'cap-outliers': {
      const { op: _, ...settings } = step;
      return prep.capOutliers(table, settings);
    }
    case 'scale': {
      const { op: _, ...settings } = step;
      return prep.scale(table, settings);
    }
    case 'one-hot': {
      const { op: _, ...settings } = step;
      return prep.oneHot(table, settings);
    }
    case 'ordinal': {
      const { op: _, ...settings } = step;
      return prep.ordinalEncode(table, settings);
    }
    case 'bin': {
      const { op: _, ...settings } = step;
      return prep.binColumn(table, settings);
    }
    case 'derive': {
      const { op: _, ...settings } = step;
      return prep.deriveColumn(table, settings);
    }
    case 'duration': {
      const { op: _, ...settings } = step;
      return prep.datesToDuration(table, settings);
    }
    case 'join': {
      const { op: _, right: _right, ...settings } = step;
      return prep.joinTables(table, tables[1], settings);
    }
    case 'aggregate': {
      const { op: _, ...settings } = step;
      return prep.aggregateByKey(table, settings);
    }
    default:
      throw new EngineError('prepare.invalid-setting', {
        setting: 'op',
        value: String((step as { op: unknown }).op),
      });
  }
}

/**
 * SHA-256 (hex) of the input ids and the step as canonical JSON (keys
 * sorted), so the same settings typed in another order give the same key.
 */
export async function derivedKey(inputs: readonly string[], step: PrepareStep): Promise<string> {
  const text = canonicalJson({ inputs, step });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A stored dataset as file bytes: CSV (UTF-8 with a BOM so Excel reads non-ASCII text) or XLSX. */
export const exportDataset: Handler<'export'> = async (params, context) => {
  const storage = await context.storage();
  const meta = await storage.getDataset(params.datasetId);
  if (!meta) throw new EngineError('storage.not-found', { datasetId: params.datasetId });
  const table = await loadTable(params.datasetId, context);
  context.progress.stage?.('export');
  const base = meta.name.replace(/[\\/:*?"<>|]+/g, '_') || 'data';
  if (params.format === 'xlsx') {
    await context.progress.report(0, 1);
    const blob = await tableToXlsx(table);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    await context.progress.report(1, 1);
    return {
      bytes,
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      fileName: `${base}.xlsx`,
    };
  }
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const chunk of tableToCsv(table, { bom: true })) {
    const part = encoder.encode(chunk);
    parts.push(part);
    size += part.byteLength;
    // Unknown total: the report is there to let a cancel in between chunks.
    await context.progress.report(parts.length, 0);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return { bytes, mimeType: 'text/csv;charset=utf-8', fileName: `${base}.csv` };
};
