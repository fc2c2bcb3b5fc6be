// The notebook runner with a scripted host: which jobs it sends (counted),
// what it shows from the result store, staleness of expensive kinds, inputs
// that move or change, and latest-update-wins.
import { afterEach, describe, expect, it } from 'vitest';
import { NotebookRunner, type RunnerHost, type StoredResult } from '../../src/lib/notebook/runner';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import { definitionOf } from '../../src/lib/cells/registry';
import type { Job } from '../../src/lib/cells/kind';
import type { DatasetMeta } from '../../src/lib/storage/types';

function dataset(id: string, columns: [string, DatasetMeta['columns'][number]['type']][]) {
  return {
    id,
    name: id,
    source: { kind: 'sample', sample: id },
    rowCount: 10,
    columns: columns.map(([name, type]) => ({ name, type })),
    chunkCount: 1,
    bytes: 100,
    createdAt: '2026-01-01T00:00:00.000Z',
  } as DatasetMeta;
}

const POLICIES = dataset('policies', [
  ['tenure_months', 'integer'],
  ['lapsed', 'boolean'],
  ['channel', 'categorical'],
]);
const TELCO = dataset('telco', [
  ['customerID', 'identifier'],
  ['tenure', 'integer'],
  ['Contract', 'categorical'],
  ['Churn', 'boolean'],
]);

interface Harness {
  host: RunnerHost;
  jobs: Job[];
  store: Map<string, StoredResult>;
  adapted: { cell: string; settings: unknown }[];
  datasets: Map<string, DatasetMeta>;
  /** Jobs wait for this before they resolve, when set. */
  gate: Promise<void> | null;
  aborted: string[];
  stored: string[];
}

function harness(store = new Map<string, StoredResult>()): Harness {
  const h: Harness = {
    jobs: [],
    store,
    adapted: [],
    datasets: new Map([POLICIES, TELCO].map((d) => [d.id, d])),
    gate: null,
    aborted: [],
    stored: [],
    host: undefined as never,
  };
  h.host = {
    async execute(job, { signal }) {
      h.jobs.push(job);
      signal.addEventListener('abort', () => h.aborted.push(job.request));
      if (h.gate) await h.gate;
      if (signal.aborted) throw { code: 'cancelled', params: {} };
      // Each result echoes its params, so tests can tell runs apart; a
      // Prepare result names the dataset it stored, as the worker's does.
      if (job.request === 'prepare') {
        const columns = POLICIES.columns.map((c): [string, typeof c.type] => [c.name, c.type]);
        return { request: job.request, params: job.params, dataset: dataset('derived', columns) };
      }
      return { request: job.request, params: job.params };
    },
    results: {
      find: async (key) => [...h.store.values()].find((r) => r.key === key),
      save: async (record) => void h.store.set(`${record.notebook}/${record.cell}`, record),
    },
    dataset: (id) => (id ? h.datasets.get(id) : undefined),
    // The host learns of a Prepare cell's new dataset only when told, as the app does.
    datasetStored: async (id) => {
      h.stored.push(id);
      h.datasets.set(
        id,
        dataset(
          id,
          POLICIES.columns.map((c) => [c.name, c.type]),
        ),
      );
    },
    async adapt(cell, settings) {
      h.adapted.push({ cell, settings });
      return true;
    },
    today: () => '2026-12-02',
  };
  return h;
}

function notebook(): NotebookDocument {
  return defaultNotebook([{ id: 'policies', name: 'policies', source: POLICIES.source }], {
    id: 'nb',
    now: new Date('2026-01-01T00:00:00Z'),
  });
}

const requests = (h: Harness) => h.jobs.map((j) => j.request);

function withSettings(doc: NotebookDocument, id: string, patch: Record<string, unknown>) {
  const copy = structuredClone(doc);
  const cell = copy.cells.find((c) => c.id === id)!;
  cell.settings = { ...cell.settings, ...patch } as never;
  return copy;
}

const restore: (() => void)[] = [];
/** Declares a kind expensive ('on-click') for one test, as a model-training kind is. */
function expensive(kind: 'survival' | 'prepare') {
  const def = definitionOf(kind) as { runs: 'auto' | 'on-click' };
  const before = def.runs;
  def.runs = 'on-click';
  restore.push(() => (def.runs = before));
}
afterEach(() => restore.splice(0).forEach((undo) => undo()));

describe('NotebookRunner', () => {
  it('runs each cell once, in order, and nothing again while nothing changed', async () => {
    const h = harness();
    const runner = new NotebookRunner(h.host);
    const doc = notebook();
    await runner.update(doc);
    expect(requests(h)).toEqual(['preview', 'profile', 'kaplan-meier']);
    expect(doc.cells.map((c) => runner.state(c.id).status)).toEqual(['done', 'done', 'done']);
    expect(runner.state('data-1').output).toEqual({ type: 'dataset', id: 'policies' });
    await runner.update(doc);
    expect(h.jobs).toHaveLength(3);
  });

  it('after a reload shows every stored result without sending a single job', async () => {
    const first = harness();
    await new NotebookRunner(first.host).update(notebook());
    expect(first.store.size).toBe(3);

    const reloaded = harness(first.store);
    const runner = new NotebookRunner(reloaded.host);
    await runner.update(notebook());
    expect(reloaded.jobs).toEqual([]);
    const survival = runner.state('survival-1');
    expect(survival).toMatchObject({ status: 'done', restored: true });
    expect(survival.result).toEqual(first.store.get('nb/survival-1')!.result);
  });

  it('a changed setting re-runs that cell and the cells below it, not the others', async () => {
    const h = harness();
    const runner = new NotebookRunner(h.host);
    const doc = notebook();
    await runner.update(doc);
    h.jobs.length = 0;
    await runner.update(withSettings(doc, 'survival-1', { confLevel: 0.9 }));
    expect(requests(h)).toEqual(['kaplan-meier']);
    await runner.update(withSettings(doc, 'data-1', { datasetId: 'telco' }));
    // The new dataset reaches both readers; the survival cell chose its columns again.
    expect(requests(h)).toEqual(['kaplan-meier', 'preview', 'profile', 'kaplan-meier']);
  });

  it('an expensive kind goes stale on a change and waits for Run; the cells below wait too', async () => {
    expensive('prepare');
    const h = harness();
    const runner = new NotebookRunner(h.host);
    let doc = notebook();
    const prepare = newCell('prepare', doc.cells, { id: 'prep', at: 1 });
    doc.cells.splice(1, 0, prepare);
    doc = withSettings(doc, 'profile-1', { input: 'prep' });
    await runner.update(doc);
    // Never computed: it waits for Run, and the profile reading it waits with it.
    expect(runner.state('prep')).toMatchObject({
      status: 'stale',
      reason: { wait: 'cell.run-to-compute' },
    });
    expect(runner.state('profile-1')).toMatchObject({
      status: 'waiting',
      reason: { wait: 'cell.input-stale' },
    });
    expect(requests(h)).toEqual(['preview', 'kaplan-meier']);

    await runner.update(doc, { force: ['prep'] });
    // The update went on past the expensive job; the cells below ran once it ended.
    await runner.idle();
    expect(requests(h)).toEqual(['preview', 'kaplan-meier', 'prepare', 'profile']);
    expect(runner.state('prep').output).toEqual({ type: 'dataset', id: 'derived' });
    expect(h.stored).toEqual(['derived']);
    expect(runner.state('profile-1').status).toBe('done');

    // A change: stale, the last result still shown, and nothing sent.
    const changed = withSettings(doc, 'prep', { step: { op: 'drop-duplicates', keep: 'last' } });
    const before = h.jobs.length;
    await runner.update(changed);
    expect(runner.state('prep')).toMatchObject({
      status: 'stale',
      reason: { wait: 'cell.stale-run' },
    });
    expect(runner.state('prep').result).not.toBeNull();
    expect(h.jobs).toHaveLength(before);
    // Changing it back finds the stored result again.
    await runner.update(doc);
    expect(runner.state('prep').status).toBe('done');
    expect(h.jobs).toHaveLength(before);
  });

  it('an expensive job holds up no cell beside it, and the update after it runs the cells below', async () => {
    expensive('survival');
    const h = harness();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const host: RunnerHost = {
      ...h.host,
      execute: async (job, options) => {
        if (job.request === 'kaplan-meier') await gate;
        return h.host.execute(job, options);
      },
    };
    const runner = new NotebookRunner(host);
    const doc = notebook();
    // A second Profile below the Survival cell, reading the data, not the curves.
    const profile = newCell('profile', doc.cells, { id: 'profile-2', at: 3 });
    doc.cells.push(profile);
    await runner.update(withSettings(doc, 'profile-2', { input: 'data-1' }), {
      force: ['survival-1'],
    });
    expect(runner.state('survival-1').status).toBe('running');
    expect(runner.state('profile-2').status).toBe('done');
    open();
    await runner.idle();
    expect(runner.state('survival-1').status).toBe('done');
  });

  it('a running job’s events reach its cell in order, and its controls reach the job', async () => {
    expensive('survival');
    const h = harness();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const sent: unknown[] = [];
    const host: RunnerHost = {
      ...h.host,
      execute: async (job, options) => {
        if (job.request !== 'kaplan-meier') return h.host.execute(job, options);
        options.attach({
          pause: () => sent.push('pause'),
          resume: () => sent.push('resume'),
          step: () => sent.push('step'),
          stop: () => sent.push('stop'),
          adjust: (value) => sent.push(value),
        });
        options.onEvent({ epoch: 1 });
        options.onEvent({ epoch: 2 });
        await gate;
        return { curves: [] };
      },
    };
    const runner = new NotebookRunner(host);
    await runner.update(notebook(), { force: ['survival-1'] });
    const state = runner.state('survival-1');
    expect(state.events).toEqual([{ epoch: 1 }, { epoch: 2 }]);
    expect(runner.control('survival-1', 'pause')).toBe(true);
    expect(state.paused).toBe(true);
    runner.control('survival-1', 'step');
    expect(state.paused).toBe(true);
    expect(runner.adjust('survival-1', { learningRate: 0.1 })).toBe(true);
    runner.control('survival-1', 'resume');
    expect(state.paused).toBe(false);
    runner.control('survival-1', 'stop');
    expect(sent).toEqual(['pause', 'step', { learningRate: 0.1 }, 'resume', 'stop']);
    open();
    await runner.idle();
    expect(state.status).toBe('done');
    // Nothing runs now: nothing to control.
    expect(runner.control('survival-1', 'pause')).toBe(false);
    expect(runner.adjust('survival-1', {})).toBe(false);
    // A cell without controls (a cheap job) takes none.
    expect(runner.control('profile-1', 'pause')).toBe(false);
  });

  it('a cheap kind whose setting changed re-runs on its own', async () => {
    expensive('survival');
    const h = harness();
    const runner = new NotebookRunner(h.host);
    const doc = notebook();
    await runner.update(doc);
    expect(requests(h)).toEqual(['preview', 'profile']);
    await runner.update(withSettings(doc, 'profile-1', { target: 'lapsed' }));
    expect(requests(h)).toEqual(['preview', 'profile', 'profile']);
    expect(runner.state('survival-1').status).toBe('stale');
  });

  it('a cell moved above its input waits and says why, instead of showing its old result', async () => {
    const h = harness();
    const runner = new NotebookRunner(h.host);
    const doc = notebook();
    await runner.update(doc);
    const moved = structuredClone(doc);
    moved.cells = [moved.cells[2], moved.cells[0], moved.cells[1]];
    await runner.update(moved);
    expect(runner.state('survival-1')).toMatchObject({
      status: 'waiting',
      result: null,
      reason: { wait: 'cell.input-below' },
    });
    expect(runner.state('profile-1').status).toBe('done');
  });

  it('a cell whose input produces another type waits and says so', async () => {
    const h = harness();
    const runner = new NotebookRunner(h.host);
    // The profile reads the survival cell (curves, not a dataset): moved below it and pointed at it.
    const doc = notebook();
    doc.cells = [doc.cells[0], doc.cells[2], doc.cells[1]];
    await runner.update(withSettings(doc, 'profile-1', { input: 'survival-1' }));
    expect(runner.state('survival-1').output).toMatchObject({ type: 'survival-curves' });
    expect(runner.state('profile-1')).toMatchObject({
      status: 'waiting',
      reason: { wait: 'cell.input-wrong-type' },
    });
    expect(requests(h)).toEqual(['preview', 'kaplan-meier']);
  });

  it('a result records every dataset above it, so deleting one finds it', async () => {
    const h = harness();
    await new NotebookRunner(h.host).update(notebook());
    expect(h.store.get('nb/survival-1')!.sources).toEqual(['policies']);
    expect(h.store.get('nb/survival-1')!.output).toEqual({
      type: 'survival-curves',
      id: h.store.get('nb/survival-1')!.key,
    });
  });

  it('a cell whose input was removed waits and says so', async () => {
    const h = harness();
    const runner = new NotebookRunner(h.host);
    const doc = notebook();
    doc.cells.splice(0, 1);
    await runner.update(doc);
    expect(runner.state('profile-1')).toMatchObject({
      status: 'waiting',
      reason: { wait: 'cell.input-missing' },
    });
    expect(h.jobs).toEqual([]);
  });

  it('when the input dataset changes, the survival cell chooses sensible columns again', async () => {
    const h = harness();
    const runner = new NotebookRunner(h.host);
    await runner.update(withSettings(notebook(), 'data-1', { datasetId: 'telco' }));
    expect(h.adapted).toEqual([
      {
        cell: 'survival-1',
        settings: expect.objectContaining({
          duration: 'tenure',
          event: 'Churn',
          eventValues: [],
          group: null,
        }),
      },
    ]);
    const km = h.jobs.find((j) => j.request === 'kaplan-meier')!;
    expect(km.params).toMatchObject({
      datasetId: 'telco',
      settings: { duration: 'tenure', event: 'Churn' },
    });
  });

  it('columns are chosen again only when the input changes: a cleared choice stays cleared', async () => {
    const h = harness();
    const runner = new NotebookRunner(h.host);
    const doc = notebook();
    await runner.update(doc);
    await runner.update(withSettings(doc, 'survival-1', { duration: null }));
    expect(h.adapted).toEqual([]);
    expect(runner.state('survival-1')).toMatchObject({
      status: 'waiting',
      reason: { wait: 'survival.choose-columns' },
    });
  });

  it('a stored result of a dataset that is gone is not shown', async () => {
    const first = harness();
    await new NotebookRunner(first.host).update(notebook());
    const reloaded = harness(first.store);
    reloaded.datasets.delete('policies');
    const runner = new NotebookRunner(reloaded.host);
    await runner.update(notebook());
    expect(runner.state('data-1')).toMatchObject({
      status: 'waiting',
      reason: { wait: 'data.missing' },
    });
    expect(runner.state('survival-1').status).toBe('waiting');
    expect(reloaded.jobs).toEqual([]);
  });

  it('latest update wins: a superseded job is aborted and its result never shown', async () => {
    const h = harness();
    const runner = new NotebookRunner(h.host);
    const doc = notebook();
    let open!: () => void;
    h.gate = new Promise((r) => (open = r));
    const first = runner.update(doc);
    while (h.jobs.length === 0) await new Promise((r) => setTimeout(r, 1));
    const second = runner.update(withSettings(doc, 'data-1', { datasetId: 'telco' }));
    while (h.jobs.length === 1) await new Promise((r) => setTimeout(r, 1));
    open();
    await Promise.all([first, second]);
    expect(h.aborted).toContain('preview');
    expect(runner.state('data-1').result).toMatchObject({ params: { datasetId: 'telco' } });
    expect(runner.state('survival-1').result).toMatchObject({
      params: { datasetId: 'telco' },
    });
  });

  it('a failed job shows its error and is not retried until something changes', async () => {
    const h = harness();
    const failing: RunnerHost = {
      ...h.host,
      execute: async (job, options) => {
        if (job.request === 'profile') throw { code: 'profile.failed', params: { n: 1 } };
        return h.host.execute(job, options);
      },
    };
    const runner = new NotebookRunner(failing);
    const doc = notebook();
    await runner.update(doc);
    expect(runner.state('profile-1')).toMatchObject({
      status: 'error',
      error: { code: 'profile.failed', params: { n: 1 } },
    });
    expect(runner.state('survival-1').status).toBe('done');
    const sent = h.jobs.length;
    await runner.update(doc);
    expect(h.jobs).toHaveLength(sent);
  });
});
