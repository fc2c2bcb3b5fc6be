// Runs a notebook: decides, cell by cell in dependency order, whether a cell
// waits, shows a stored result, is stale, or runs its kind's job — and keeps
// each cell's run state. Pure orchestration over injected parts, so the same
// code runs on the page (jobs go to the compute worker, results to
// IndexedDB, run states are Svelte rune objects) and in Node (the headless
// runner: jobs run in-process, run states are plain objects).
//
// Results are keyed by what made them: a SHA-256 of the cell's kind and the
// job its kind plans (request and params, which hold the settings that
// matter and the identities of its inputs: dataset ids or upstream result
// keys). A cell whose key is unchanged is left alone; a key found in the
// result store is shown without computing; otherwise a cheap kind
// ('auto') runs, and an expensive one ('on-click') is marked stale and waits
// for Run. So "re-run what changed" is just `update()` over the whole
// notebook after any edit.
//
// Latest update wins: an update started while another is under way makes
// the older one stop at its next step; a cell whose job is superseded by a
// new key is aborted. A job already running for the same key is awaited,
// not started twice — except an expensive ('on-click') one, which may train
// for minutes: the update goes on past it (the cells below wait for its
// output), and when it ends the runner updates the notebook again. `idle()`
// resolves once no such job runs. Its events (one per training epoch) are
// kept in order on the cell's run state, and `control` / `adjust` reach it
// while it runs (pause, resume, step, stop; a new learning rate).

import type { DatasetMeta } from '../storage/types';
import type { Cell, NotebookDocument } from './document';
import { inputProblems, topologicalOrder } from './graph';
import { contentKey, canonicalJson } from './key';
import { definitionFor, inputsOf } from '../cells/registry';
import {
  isWait,
  type Job,
  type OutputRef,
  type PlanContext,
  type ResolvedInput,
  type Wait,
} from '../cells/kind';
import type { MessageKey } from '../i18n/en';

export type RunStatus = 'idle' | 'waiting' | 'running' | 'done' | 'stale' | 'error';

export interface RunProgress {
  done: number;
  total: number;
  stage?: string;
}

/** An error as data: a message key (or 'cancelled') and its parameters. */
export interface RunError {
  code: string;
  params: Record<string, string | number>;
  detail?: string;
}

/** One cell's run state; the page's version is reactive (state/cellRun.svelte.ts). */
export interface RunState {
  status: RunStatus;
  progress: RunProgress | null;
  /** The result shown: the last run's, or the stored one; kept while stale. */
  result: unknown;
  error: RunError | null;
  /** Why the cell waits or is stale. */
  reason: Wait | null;
  /** The key of `result`. */
  key: string | null;
  /** What the cells below receive; null while there is nothing valid to hand on. */
  output: OutputRef | null;
  /** The datasets `result` was computed from, directly or through the cells above it. */
  sources: string[];
  /** The result was read from storage, not computed in this session. */
  restored: boolean;
  /** Every event the current (or last) run emitted, in order; empty until it emits. */
  events: readonly unknown[];
  /** The running job was asked to pause (and steps, if asked, one unit at a time). */
  paused: boolean;
}

export function emptyRunState(): RunState {
  return {
    status: 'idle',
    progress: null,
    result: null,
    error: null,
    reason: null,
    key: null,
    output: null,
    sources: [],
    restored: false,
    events: [],
    paused: false,
  };
}

/** A cell's result as stored, under its notebook and cell, found again by key. */
export interface StoredResult {
  notebook: string;
  cell: string;
  kind: string;
  key: string;
  output: OutputRef | null;
  /** Every dataset it was computed from or produced: deleting one deletes the result. */
  sources: string[];
  result: unknown;
  createdAt: string;
}

export interface ResultStore {
  find(key: string): Promise<StoredResult | undefined>;
  save(record: StoredResult): Promise<void>;
}

/** What the page may ask of a running job, besides cancelling it (its signal). */
export interface JobControls {
  pause(): void;
  resume(): void;
  step(): void;
  stop(): void;
  adjust(value: unknown): void;
}

export type JobControl = 'pause' | 'resume' | 'step' | 'stop';

export interface JobOptions {
  signal: AbortSignal;
  onProgress: (progress: RunProgress) => void;
  /** Each event the job emits, in order, before it resolves. */
  onEvent: (event: unknown) => void;
  /** Receives the job's controls once it started. */
  attach: (controls: JobControls) => void;
}

export interface RunnerHost {
  /** Runs a worker job; rejects with a RunError-shaped error. */
  execute(job: Job, options: JobOptions): Promise<unknown>;
  /** Where results are kept; null: nothing is kept (every update recomputes what changed). */
  results: ResultStore | null;
  dataset(id: string | null): DatasetMeta | undefined;
  /**
   * A kind adapted a cell's settings to inputs that changed. The owner
   * validates and saves them into the document; false: refused, keep the old.
   */
  adapt(cellId: string, settings: unknown): Promise<boolean>;
  /**
   * A job stored a dataset the host does not list yet (a Prepare cell's
   * result): the host reads its dataset list again before cells below use it.
   */
  datasetStored(id: string): Promise<void>;
  /** A stored result could not be saved (e.g. a full disk): the run still counts. */
  onStoreError?(error: unknown): void;
  /** Today as yyyy-mm-dd, for kinds whose default is "today". */
  today(): string;
}

export interface UpdateOptions {
  /** Run these cells' jobs even when their result is current or their kind waits for Run. */
  force?: readonly string[];
}

interface InFlight {
  key: string;
  controller: AbortController;
  done: Promise<void>;
  controls: JobControls | null;
}

export class NotebookRunner {
  readonly #host: RunnerHost;
  readonly #createState: () => RunState;
  readonly #states = new Map<string, RunState>();
  readonly #inFlight = new Map<string, InFlight>();
  /** Cells whose state is owned by other work for now (a Data cell importing a file). */
  readonly #tracked = new Set<string>();
  /** Per cell, the inputs its settings were last fitted to (adapt). */
  readonly #adaptedFor = new Map<string, string>();
  /** Cells asked to run (Run pressed, or every cell headless) that have not started yet. */
  readonly #forced = new Set<string>();
  /** Expensive jobs the updates went on past, until each ends and the notebook is updated again. */
  readonly #detached = new Set<Promise<void>>();
  #lastDoc: NotebookDocument | null = null;
  #generation = 0;

  constructor(host: RunnerHost, createState: () => RunState = emptyRunState) {
    this.#host = host;
    this.#createState = createState;
  }

  /** The cell's run state, created on first use. */
  state(cellId: string): RunState {
    let state = this.#states.get(cellId);
    if (!state) this.#states.set(cellId, (state = this.#createState()));
    return state;
  }

  /** Forget a removed cell: its job is cancelled. */
  forget(cellId: string): void {
    this.#inFlight.get(cellId)?.controller.abort();
    this.#inFlight.delete(cellId);
    this.#states.delete(cellId);
    this.#adaptedFor.delete(cellId);
    this.#forced.delete(cellId);
  }

  /** Forget every cell (another notebook is opened, or all data was deleted). */
  reset(): void {
    this.#generation++;
    this.#lastDoc = null;
    for (const id of [...this.#states.keys()]) this.forget(id);
  }

  cancel(cellId: string): void {
    this.#inFlight.get(cellId)?.controller.abort();
  }

  /**
   * Sends a control to the cell's running job (a training's pause, resume,
   * step or stop). False when the cell runs nothing that takes controls.
   */
  control(cellId: string, action: JobControl): boolean {
    const controls = this.#inFlight.get(cellId)?.controls;
    if (!controls) return false;
    controls[action]();
    if (action === 'pause') this.state(cellId).paused = true;
    if (action === 'resume' || action === 'stop') this.state(cellId).paused = false;
    return true;
  }

  /** Sends new values for what the cell's running job lets change (its handler checks them). */
  adjust(cellId: string, value: unknown): boolean {
    const controls = this.#inFlight.get(cellId)?.controls;
    if (!controls) return false;
    controls.adjust(value);
    return true;
  }

  /** Resolves once no expensive job runs and the updates after them are done. */
  async idle(): Promise<void> {
    while (this.#detached.size > 0) await Promise.all([...this.#detached]);
  }

  /**
   * Brings every cell up to date with `doc`, in dependency order. Resolves
   * when done, or when a newer update took over.
   */
  async update(doc: NotebookDocument, options: UpdateOptions = {}): Promise<void> {
    const generation = ++this.#generation;
    this.#lastDoc = doc;
    for (const id of options.force ?? []) this.#forced.add(id);
    const cells = new Map(doc.cells.map((c, i) => [c.id, { cell: c, index: i }]));
    for (const id of topologicalOrder(doc.cells)) {
      if (generation !== this.#generation) return;
      const entry = cells.get(id)!;
      if (this.#tracked.has(id)) continue;
      await this.#updateCell(doc, entry.cell, entry.index, this.#forced.has(id), generation);
    }
  }

  /**
   * Runs other work (reading a file into a Data cell) with a cell's run state
   * showing its progress and cancel; the runner leaves the cell alone meanwhile.
   * Resolves with the work's result, or undefined when it failed (the error is
   * shown on the cell) or was cancelled.
   */
  async track<T>(
    cellId: string,
    work: (signal: AbortSignal, onProgress: (p: RunProgress) => void) => Promise<T>,
  ): Promise<T | undefined> {
    const state = this.state(cellId);
    this.#inFlight.get(cellId)?.controller.abort();
    const controller = new AbortController();
    const flight: InFlight = { key: '', controller, done: Promise.resolve(), controls: null };
    this.#inFlight.set(cellId, flight);
    this.#tracked.add(cellId);
    state.status = 'running';
    state.progress = null;
    state.error = null;
    try {
      return await work(controller.signal, (p) => {
        if (this.#inFlight.get(cellId) === flight) state.progress = { ...p };
      });
    } catch (error) {
      if (this.#inFlight.get(cellId) === flight) {
        state.error = asRunError(error);
        state.status = 'error';
      }
      return undefined;
    } finally {
      this.#tracked.delete(cellId);
      if (this.#inFlight.get(cellId) === flight) {
        this.#inFlight.delete(cellId);
        state.progress = null;
        // The key is forgotten so the next update shows the cell afresh.
        state.key = null;
        if (state.status === 'running') state.status = 'idle';
      }
    }
  }

  async #updateCell(
    doc: NotebookDocument,
    cell: Cell,
    index: number,
    forced: boolean,
    generation: number,
  ): Promise<void> {
    const def = definitionFor(cell);
    const state = this.state(cell.id);
    let settings: unknown = cell.settings;

    // Inputs: every active slot whose cell is above, of the right type, and has an output.
    const problems = inputProblems(doc.cells, index);
    const inputs: Record<string, ResolvedInput> = {};
    let staleInput = false;
    const sources = new Set<string>();
    for (const { slot, cellId } of inputsOf(cell)) {
      if (cellId === null || problems.some((p) => p.slot === slot)) continue;
      const upstream = this.#states.get(cellId);
      if (upstream?.status === 'stale') staleInput = true;
      const ref = upstream?.output;
      if (!ref) continue;
      if (ref.type === 'dataset') sources.add(ref.id);
      for (const id of upstream.sources) sources.add(id);
      inputs[slot] = {
        ref,
        ...(ref.type === 'dataset'
          ? { dataset: this.#host.dataset(ref.id) }
          : { result: upstream.result }),
      };
    }
    const context = (): PlanContext => ({
      notebookId: doc.id,
      cellId: cell.id,
      inputs,
      dataset: (id) => this.#host.dataset(id),
      today: this.#host.today(),
    });

    // Settings fitted to the inputs (columns chosen again for a new dataset) —
    // only when the inputs changed, so a choice the analyst clears stays cleared.
    const inputIds = canonicalJson(Object.entries(inputs).map(([slot, i]) => [slot, i.ref.id]));
    if (this.#adaptedFor.get(cell.id) !== inputIds) {
      this.#adaptedFor.set(cell.id, inputIds);
      const adapted = def.adapt(settings, context());
      if (canonicalJson(adapted) !== canonicalJson(settings)) {
        if (await this.#host.adapt(cell.id, adapted)) settings = adapted;
        if (generation !== this.#generation) return;
      }
    }

    const own = def.ownOutput?.(settings, context()) ?? null;
    const problem = problems[0];
    const plan = problem
      ? ({ wait: PROBLEM_MESSAGES[problem.problem] } satisfies Wait)
      : staleInput
        ? ({ wait: 'cell.input-stale' } satisfies Wait)
        : def.plan(settings, context());
    if (isWait(plan)) {
      this.cancel(cell.id);
      Object.assign(state, {
        status: 'waiting',
        result: null,
        error: null,
        progress: null,
        reason: plan,
        key: null,
        output: own,
        sources: own?.type === 'dataset' ? [own.id] : [],
        restored: false,
        events: [],
        paused: false,
      } satisfies Partial<RunState>);
      return;
    }

    const key = await contentKey({ kind: cell.kind, request: plan.request, params: plan.params });
    if (generation !== this.#generation) return;
    const running = this.#inFlight.get(cell.id);
    if (!forced) {
      if (state.key === key && (state.status === 'done' || state.status === 'error')) return;
      if (running?.key === key) return def.runs === 'on-click' ? undefined : running.done;
    }

    const stored = forced ? undefined : await this.#findStored(key);
    if (generation !== this.#generation) return;
    if (stored) {
      this.cancel(cell.id);
      Object.assign(state, {
        status: 'done',
        result: stored.result,
        error: null,
        progress: null,
        reason: null,
        key,
        output: stored.output,
        sources: stored.sources,
        restored: true,
        events: [],
        paused: false,
      } satisfies Partial<RunState>);
      this.#forced.delete(cell.id);
      return;
    }

    if (def.runs === 'on-click' && !forced) {
      this.cancel(cell.id);
      Object.assign(state, {
        status: 'stale',
        progress: null,
        error: null,
        reason: { wait: state.result === null ? 'cell.run-to-compute' : 'cell.stale-run' },
        key: null,
        output: null,
        paused: false,
      } satisfies Partial<RunState>);
      return;
    }

    // Sources: every dataset above it, and its own dataset output.
    if (own?.type === 'dataset') sources.add(own.id);
    this.#forced.delete(cell.id);
    const done = this.#run(doc, cell, plan, key, own, [...sources]);
    if (def.runs !== 'on-click') return done;
    // An expensive job: the update goes on; when it ends, the notebook is updated again.
    const detached = done.then(async () => {
      if (this.#lastDoc && this.#inFlight.get(cell.id) === undefined)
        await this.update(this.#lastDoc);
    });
    this.#detached.add(detached);
    void detached.finally(() => this.#detached.delete(detached));
  }

  async #run(
    doc: NotebookDocument,
    cell: Cell,
    plan: Job,
    key: string,
    own: OutputRef | null,
    sources: string[],
  ): Promise<void> {
    const def = definitionFor(cell);
    const state = this.state(cell.id);
    this.#inFlight.get(cell.id)?.controller.abort();
    const controller = new AbortController();
    const flight: InFlight = { key, controller, done: Promise.resolve(), controls: null };
    this.#inFlight.set(cell.id, flight);
    const current = () => this.#inFlight.get(cell.id) === flight;
    const events: unknown[] = [];
    Object.assign(state, {
      status: 'running',
      progress: null,
      error: null,
      reason: null,
      // The cells below wait for this run, unless the output is known already (Data).
      output: own,
      sources: own?.type === 'dataset' ? [own.id] : [],
      events,
      paused: false,
    } satisfies Partial<RunState>);

    flight.done = (async () => {
      try {
        const result = await this.#host.execute(plan, {
          signal: controller.signal,
          onProgress: (p) => {
            if (current()) state.progress = { ...p };
          },
          onEvent: (event) => {
            if (!current()) return;
            events.push(event);
            // A new array, so that a reactive state sees the change.
            state.events = [...events];
          },
          attach: (controls) => {
            flight.controls = controls;
          },
        });
        if (!current()) return;
        const output =
          def.outputOf?.(result, cell.settings) ??
          own ??
          (def.output !== null && def.output !== 'dataset' ? { type: def.output, id: key } : null);
        if (output?.type === 'dataset' && !this.#host.dataset(output.id)) {
          await this.#host.datasetStored(output.id);
          if (!current()) return;
        }
        if (output?.type === 'dataset' && !sources.includes(output.id)) sources.push(output.id);
        Object.assign(state, {
          status: 'done',
          result,
          error: null,
          reason: null,
          key,
          output,
          sources,
          restored: false,
        } satisfies Partial<RunState>);
        await this.#save({
          notebook: doc.id,
          cell: cell.id,
          kind: cell.kind,
          key,
          output,
          sources,
          result,
          createdAt: new Date().toISOString(),
        });
      } catch (error) {
        if (!current()) return;
        Object.assign(state, {
          status: 'error',
          result: null,
          error: asRunError(error),
          reason: null,
          key,
          output: null,
          sources: [],
          restored: false,
        } satisfies Partial<RunState>);
      } finally {
        if (current()) {
          this.#inFlight.delete(cell.id);
          state.progress = null;
          state.paused = false;
        }
      }
    })();
    return flight.done;
  }

  async #findStored(key: string): Promise<StoredResult | undefined> {
    if (!this.#host.results) return undefined;
    try {
      const stored = await this.#host.results.find(key);
      // A result whose datasets are gone cannot be shown (its preview or curves are of nothing).
      return stored?.sources.every((id) => this.#host.dataset(id)) ? stored : undefined;
    } catch (error) {
      this.#host.onStoreError?.(error);
      return undefined;
    }
  }

  async #save(record: StoredResult): Promise<void> {
    try {
      await this.#host.results?.save(record);
    } catch (error) {
      this.#host.onStoreError?.(error);
    }
  }
}

const PROBLEM_MESSAGES: Record<'missing' | 'below' | 'wrong-type', MessageKey> = {
  missing: 'cell.input-missing',
  below: 'cell.input-below',
  'wrong-type': 'cell.input-wrong-type',
};

/** Any thrown value as an error the UI can translate. */
export function asRunError(error: unknown): RunError {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    const params =
      'params' in error && error.params && typeof error.params === 'object'
        ? (error.params as Record<string, string | number>)
        : {};
    const detail = 'detail' in error && typeof error.detail === 'string' ? error.detail : undefined;
    return { code: error.code, params, detail };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'error.internal', params: { message }, detail: message };
}
