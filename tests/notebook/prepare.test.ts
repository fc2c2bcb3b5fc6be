import { describe, expect, it } from 'vitest';
import { parseNotebook } from '../../src/lib/notebook/schema';
import {
  checkGraph,
  dependencies,
  downstreamOf,
  topologicalOrder,
} from '../../src/lib/notebook/graph';
import { newCell } from '../../src/lib/notebook/defaults';
import { defaultStep, PREPARE_OPS, stepReady } from '../../src/lib/cells/prepare/steps';
import type { Cell, NotebookDocument, PrepareStep } from '../../src/lib/notebook/document';

const data = (id: string): Cell => ({ id, kind: 'data', settings: { datasetId: `ds-${id}` } });
const prep = (id: string, input: string | null, step: PrepareStep): Cell => ({
  id,
  kind: 'prepare',
  settings: { input, step },
});
const join = (id: string, left: string | null, right: string | null): Cell =>
  prep(id, left, { op: 'join', right, leftKey: 'policy_id', rightKey: 'policy_id', how: 'left' });
const aggregate: PrepareStep = {
  op: 'aggregate',
  key: 'policy_id',
  measures: [{ column: 'amount', fn: 'sum' }],
};

function notebook(cells: Cell[]): NotebookDocument {
  return {
    format: 'lifecycle-lab-notebook',
    version: 1,
    id: 'nb',
    title: 't',
    cells,
    datasets: [],
    updatedAt: '2025-01-01T00:00:00Z',
  };
}

function reasonOf(input: unknown): string {
  const r = parseNotebook(input);
  if (r.ok) throw new Error('expected a failure');
  return String(r.error.params.reason);
}

describe('prepare cells in the notebook graph', () => {
  it('a join depends on both its inputs and runs after both', () => {
    const cells = [
      join('j', 'pol', 'agg'),
      data('pol'),
      data('pay'),
      prep('agg', 'pay', aggregate),
    ];
    expect(dependencies(cells[0])).toEqual(['pol', 'agg']);
    expect(topologicalOrder(cells)).toEqual(['pol', 'pay', 'agg', 'j']);
    // Changing the payments re-runs the aggregate and then the join, not the policies.
    expect(downstreamOf(cells, 'pay')).toEqual(['pay', 'agg', 'j']);
  });

  it('a join without its right-hand cell yet depends on its input only', () => {
    expect(dependencies(join('j', 'pol', null))).toEqual(['pol']);
  });

  it('finds a cycle through a join’s right-hand input', () => {
    const cells = [data('d'), join('a', 'd', 'b'), prep('b', 'a', aggregate)];
    expect(checkGraph(cells).blocked).toEqual(['a', 'b']);
    expect(reasonOf(notebook(cells))).toMatch(/cycle/);
  });
});

describe('prepare cell schema', () => {
  it('accepts every operation’s default step and round-trips it', () => {
    const cells: Cell[] = [
      data('d'),
      ...PREPARE_OPS.map((op, i) => prep(`p${i}`, 'd', defaultStep(op))),
    ];
    const r = parseNotebook(JSON.stringify(notebook(cells)));
    expect(r).toEqual({ ok: true, notebook: notebook(cells) });
  });

  it('accepts filled-in steps', () => {
    const steps: PrepareStep[] = [
      {
        op: 'filter',
        combine: 'or',
        conditions: [
          { column: 'age', op: '>=', value: 40 },
          { column: 'region', op: 'in', value: ['North', 'South'] },
          { column: 'end_date', op: 'is-missing' },
        ],
      },
      { op: 'select', columns: [{ name: 'a' }, { name: 'b', rename: 'c' }] },
      { op: 'bin', column: 'age', method: 'custom', breaks: [18, 40, 65, 99], newColumn: 'band' },
      { op: 'duration', start: 's', end: 'e', asOf: '2024-12-31', unit: 'months', name: 't' },
      { op: 'derive', name: 'monthly', expression: 'd => d.annual_premium / 12' },
    ];
    const cells = [data('d'), ...steps.map((s, i) => prep(`p${i}`, 'd', s))];
    expect(parseNotebook(notebook(cells)).ok).toBe(true);
  });

  it('rejects unknown operations, unknown fields and wrong values, naming where', () => {
    const bad = (step: unknown) =>
      notebook([
        data('d'),
        { ...prep('p', 'd', aggregate), settings: { input: 'd', step } } as Cell,
      ]);
    expect(reasonOf(bad({ op: 'shuffle' }))).toMatch(/^cells\.1\.settings\.step/);
    expect(reasonOf(bad({ ...aggregate, extra: 1 }))).toMatch(/^cells\.1\.settings\.step/);
    expect(reasonOf(bad({ op: 'drop-duplicates', keep: 'middle' }))).toMatch(/step\.keep/);
    expect(reasonOf(bad({ op: 'cap-outliers', columns: ['x'], method: 'iqr', k: 'big' }))).toMatch(
      /step\.k/,
    );
    expect(
      reasonOf(bad({ op: 'aggregate', key: 'k', measures: [{ column: 'x', fn: 'variance' }] })),
    ).toMatch(/step\.measures\.0\.fn/);
    expect(reasonOf(bad({ op: 'derive', name: 'x', expression: 'x'.repeat(20_000) }))).toMatch(
      /step\.expression/,
    );
  });
});

describe('prepare steps', () => {
  it('waits until the needed columns are chosen', () => {
    expect(stepReady(defaultStep('drop-duplicates'))).toBe(true);
    expect(stepReady(defaultStep('filter'))).toBe(true);
    for (const op of PREPARE_OPS.filter((o) => o !== 'drop-duplicates' && o !== 'filter'))
      expect(stepReady(defaultStep(op)), op).toBe(false);
    expect(stepReady(aggregate)).toBe(true);
    expect(stepReady({ op: 'join', right: 'a', leftKey: 'k', rightKey: 'k', how: 'inner' })).toBe(
      true,
    );
    expect(stepReady({ op: 'join', right: null, leftKey: 'k', rightKey: 'k', how: 'inner' })).toBe(
      false,
    );
    expect(stepReady({ op: 'derive', name: 'm', expression: '  ' })).toBe(false);
  });

  it('a new Prepare cell reads the nearest Data or Prepare cell above it', () => {
    const cells = [data('d1'), prep('p', 'd1', aggregate), data('d2')];
    expect(newCell('prepare', cells, { id: 'x' }).settings).toEqual({
      input: 'd2',
      step: { op: 'drop-duplicates', keep: 'first' },
    });
    expect(newCell('profile', cells, { id: 'x', at: 2 }).settings).toEqual({ input: 'p' });
  });
});
