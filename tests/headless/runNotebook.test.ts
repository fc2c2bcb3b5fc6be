// The headless runner: a saved notebook run in Node with the app's readers,
// registry, runner and handlers — on the built-in sample, on a user's file
// (checked against R survfit), and with a bad notebook, a missing or
// unused file, and a failing cell — and the command line around it.
import 'fake-indexeddb/auto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { definitionOf } from '../../src/lib/cells/registry';
import { runNotebook, RunError, type DataFile } from '../../src/lib/headless/runNotebook';
import { toJsonText } from '../../src/lib/headless/json';
import { main } from '../../src/cli/notebook';
import { defaultNotebook, newCell } from '../../src/lib/notebook/defaults';
import { serializeNotebook } from '../../src/lib/notebook/schema';
import type { NotebookDocument } from '../../src/lib/notebook/document';
import { generateInsuranceBook } from '../../src/lib/engine/data/sample/insurance';
import { survivalInputs } from '../../src/lib/engine/survival/prepare';
import { kaplanMeierByGroup } from '../../src/lib/engine/survival/kaplanMeier';
import type { SurvivalResult } from '../../src/lib/workers/protocol';

const readAppFile = async (path: string) =>
  new Uint8Array(readFileSync(new URL(`../../public/${path}`, import.meta.url)));
const LUNG = readFileSync(new URL('../fixtures/r/data/lung.csv', import.meta.url));

/** The first-start notebook, on the insurance sample. */
function sampleNotebook(): NotebookDocument {
  return defaultNotebook(
    [
      {
        id: 'stored-in-some-browser',
        name: 'insurance_policies',
        source: { kind: 'sample', sample: 'insurance_policies' },
      },
    ],
    { id: 'nb', now: new Date('2026-01-01T00:00:00Z') },
  );
}

/** A notebook an analyst made on lung.csv: data, a survival cell, a filter that is wrong. */
function lungNotebook(): NotebookDocument {
  const doc = sampleNotebook();
  doc.datasets = [{ id: 'ds-lung', name: 'lung.csv' }];
  doc.cells = [
    { id: 'data', kind: 'data', settings: { datasetId: 'ds-lung' } },
    {
      id: 'km',
      kind: 'survival',
      settings: {
        ...definitionOf('survival').defaults({ input: 'data' }),
        duration: 'time',
        event: 'status',
      },
    },
  ];
  return doc;
}

const lungFile = (): DataFile => ({ name: 'lung.csv', blob: new Blob([LUNG]) });

/** The lung notebook with a Prepare cell filtering on `column`, which lung.csv lacks: it fails. */
function withFailingFilter(column: string): NotebookDocument {
  const doc = lungNotebook();
  const filter = newCell('prepare', doc.cells, { id: 'filter' });
  filter.settings = {
    input: 'data',
    step: { op: 'filter', combine: 'and', conditions: [{ column, op: '>', value: 1 }] },
  };
  doc.cells.push(filter);
  return doc;
}

describe('runNotebook', () => {
  it('runs the sample notebook: Kaplan–Meier equal to the engine on the same book', async () => {
    const report = await runNotebook(serializeNotebook(sampleNotebook()), {
      files: new Map(),
      readAppFile,
    });
    expect(report.cells.map((c) => [c.cell, c.status])).toEqual([
      ['data-1', 'done'],
      ['profile-1', 'done'],
      ['survival-1', 'done'],
    ]);
    const km = report.cells[2].result as SurvivalResult;
    const book = generateInsuranceBook();
    const inputs = survivalInputs(book.policies, {
      duration: 'tenure_months',
      event: 'lapsed',
      group: 'channel',
    });
    const expected = kaplanMeierByGroup(
      inputs.time,
      inputs.event,
      inputs.groupCodes,
      inputs.groupNames,
      { confType: 'log', confLevel: 0.95 },
    );
    expect(km.curves.map((c) => c.group)).toEqual(expected.map((c) => c.group));
    km.curves.forEach((curve, i) => {
      expect(Array.from(curve.survival)).toEqual(Array.from(expected[i].survival));
      expect(curve.median).toEqual(expected[i].median);
    });
    // The data cell's dataset is written as CSV too.
    const csv = new TextDecoder().decode(report.csv.get('data-1'));
    expect(csv.split('\n')[0]).toContain('tenure_months');
    expect(report.csv.has('survival-1')).toBe(false);
  });

  it('reads a user’s file for its dataset, named as the notebook records it: R survfit’s numbers', async () => {
    // Reference: survfit(Surv(time, status) ~ 1, data = lung), tests/fixtures/r/make-km.R.
    const reference = JSON.parse(
      readFileSync(new URL('../fixtures/r/km-reference.json', import.meta.url), 'utf8'),
    ) as {
      cases: {
        dataset: string;
        confType: string;
        confLevel: number;
        surv: number[];
        median: object;
      }[];
    };
    const r = reference.cases.find(
      (c) => c.dataset === 'lung' && c.confType === 'log' && Math.abs(c.confLevel - 0.95) < 1e-9,
    )!;
    const report = await runNotebook(lungNotebook(), {
      files: new Map([['lung.csv', lungFile()]]),
      readAppFile,
    });
    const km = report.cells[1].result as SurvivalResult;
    expect(report.cells[1].status).toBe('done');
    const surv = Array.from(km.curves[0].survival);
    expect(surv).toHaveLength(r.surv.length);
    surv.forEach((s, i) => expect(s).toBeCloseTo(r.surv[i], 12));
    expect(km.curves[0].median).toEqual(r.median);
  });

  it('refuses, before running anything, a notebook that is not valid', async () => {
    await expect(
      runNotebook('{"format":"nope"}', { files: new Map(), readAppFile }),
    ).rejects.toThrow('This file is not a Lifecycle Lab notebook.');
    await expect(runNotebook('not json', { files: new Map(), readAppFile })).rejects.toBeInstanceOf(
      RunError,
    );
  });

  it('names a dataset that has no file, and a file that no Data cell reads', async () => {
    await expect(runNotebook(lungNotebook(), { files: new Map(), readAppFile })).rejects.toThrow(
      'Cell 1 (data) reads the dataset “lung.csv”: give its file with --data "lung.csv=<file>".',
    );
    await expect(
      runNotebook(lungNotebook(), {
        files: new Map([
          ['lung.csv', lungFile()],
          ['policies', lungFile()],
        ]),
        readAppFile,
      }),
    ).rejects.toThrow('No Data cell reads “policies”');
  });

  it('a file that cannot be read says which and why', async () => {
    const bad: DataFile = {
      name: 'lung.csv',
      blob: new Blob([new Uint8Array([0, 1, 2, 0, 0, 7])]),
    };
    await expect(
      runNotebook(lungNotebook(), { files: new Map([['ds-lung', bad]]), readAppFile }),
    ).rejects.toThrow(/^lung\.csv: /);
  });

  it('a failing cell is reported with its message; the others still run', async () => {
    const doc = withFailingFilter('age');
    const report = await runNotebook(doc, {
      files: new Map([['lung.csv', lungFile()]]),
      readAppFile,
    });
    expect(report.cells.map((c) => c.status)).toEqual(['done', 'done', 'error']);
    expect(report.cells[2].message).toMatch(/age/);
  });
});

describe('npm run notebook', () => {
  let dir: string;
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterEach(async () => {
    stderr.mockClear();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const errors = () => stderr.mock.calls.map((c) => String(c[0])).join('');

  it('writes each cell’s outcome, the datasets as CSV and an index; exit 0', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-'));
    await writeFile(join(dir, 'nb.json'), serializeNotebook(lungNotebook()));
    await writeFile(join(dir, 'lung.csv'), LUNG);
    const out = join(dir, 'out');
    const code = await main([
      'run',
      join(dir, 'nb.json'),
      '--data',
      `lung.csv=${join(dir, 'lung.csv')}`,
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
    expect(index.cells).toEqual([
      expect.objectContaining({ cell: 'data', status: 'done', files: ['data.json', 'data.csv'] }),
      expect.objectContaining({ cell: 'km', status: 'done', files: ['km.json'] }),
    ]);
    // No Evaluate cell: nothing to compare (tests/cells/evaluateComparison.test.ts has models).
    expect(index.models).toEqual([]);
    const km = JSON.parse(await readFile(join(out, 'km.json'), 'utf8'));
    expect(km).toMatchObject({
      format: 'lifecycle-lab-cell-result',
      kind: 'survival',
      status: 'done',
      result: { curves: [{ n: 228, events: 165, median: { estimate: 310 } }] },
    });
    expect(Array.isArray(km.result.curves[0].time)).toBe(true);
    const csv = await readFile(join(out, 'data.csv'), 'utf8');
    expect(csv.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe('time,status');
  });

  it('exit 2 with a clear message for a bad command, notebook or file; 1 for a failed cell', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-'));
    expect(await main(['run'])).toBe(2);
    expect(errors()).toContain('No notebook file given.');
    expect(await main(['run', join(dir, 'missing.json'), '--out', dir])).toBe(2);
    expect(errors()).toContain('Cannot read the notebook');
    await writeFile(join(dir, 'nb.json'), serializeNotebook(lungNotebook()));
    expect(await main(['run', join(dir, 'nb.json'), '--out', dir])).toBe(2);
    expect(errors()).toContain('give its file with --data');
    expect(await main(['run', join(dir, 'nb.json'), '--data', 'lung.csv', '--out', dir])).toBe(2);
    expect(errors()).toContain('--data takes <dataset name or id>=<file>');

    const failing = withFailingFilter('nope');
    await writeFile(join(dir, 'nb.json'), serializeNotebook(failing));
    await writeFile(join(dir, 'lung.csv'), LUNG);
    const code = await main([
      'run',
      join(dir, 'nb.json'),
      '--data',
      `lung.csv=${join(dir, 'lung.csv')}`,
      '--out',
      join(dir, 'out'),
    ]);
    expect(code).toBe(1);
    expect(errors()).toContain('1 of 3 cells failed.');
  });
});

describe('result JSON', () => {
  it('writes typed arrays as arrays and numbers JSON cannot hold as null or words', () => {
    const text = toJsonText({ a: new Float64Array([1, NaN, Infinity]), b: -Infinity, c: 'x' });
    expect(JSON.parse(text)).toEqual({ a: [1, null, 'Infinity'], b: '-Infinity', c: 'x' });
  });
});
