// The registry and the four kinds' declarations: defaults that their own
// schema accepts, slots, plans, what each does when its input changes, and
// settings the schema refuses at the edit.
import { describe, expect, it } from 'vitest';
import { CELL_KINDS, definitionOf, inputsOf, isCellKind } from '../../src/lib/cells/registry';
import { LIMITS } from '../../src/lib/cells/limits';
import { fitSurvivalColumns } from '../../src/lib/cells/survival/columns';
import { isWait, type PlanContext } from '../../src/lib/cells/kind';
import { checkSettings } from '../../src/lib/notebook/schema';
import { newCell } from '../../src/lib/notebook/defaults';
import type { Cell } from '../../src/lib/notebook/document';
import type { DatasetMeta } from '../../src/lib/storage/types';

const meta = (id: string, columns: [string, DatasetMeta['columns'][number]['type']][]) =>
  ({
    id,
    name: id,
    columns: columns.map(([name, type]) => ({ name, type })),
  }) as DatasetMeta;

function context(inputs: PlanContext['inputs'] = {}): PlanContext {
  return {
    notebookId: 'nb',
    cellId: 'c',
    inputs,
    dataset: () => undefined,
    today: '2026-12-02',
  };
}

describe('the registry', () => {
  it('lists each kind once, and every kind’s defaults pass its own schema', () => {
    const kinds = CELL_KINDS.map((d) => d.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const def of CELL_KINDS) {
      const inputs = Object.fromEntries(def.slots.map((s) => [s.name, 'cell-above']));
      expect(checkSettings(def.kind, def.defaults(inputs))).toMatchObject({ ok: true });
      expect(isCellKind(def.kind)).toBe(true);
    }
    expect(isCellKind('__proto__')).toBe(false);
    expect(isCellKind('toString')).toBe(false);
  });

  it('a new cell reads the nearest cell above whose output its slot takes', () => {
    const cells: Cell[] = [newCell('data', [], { id: 'd1' }), newCell('data', [], { id: 'd2' })];
    cells.push(newCell('profile', cells, { id: 'p' }));
    expect(cells[2].settings).toMatchObject({ input: 'd2' });
    // A profile produces nothing, so a cell added below it still reads d2.
    expect(newCell('survival', cells, { id: 's' }).settings).toMatchObject({ input: 'd2' });
    expect(newCell('survival', cells, { id: 's', at: 1 }).settings).toMatchObject({ input: 'd1' });
    expect(newCell('survival', cells, { id: 's', at: 0 }).settings).toMatchObject({ input: null });
  });

  it('a join reads a second dataset only while its step is a join', () => {
    const prepare = newCell('prepare', [], { id: 'p' }) as Extract<Cell, { kind: 'prepare' }>;
    expect(inputsOf(prepare).map((i) => i.slot)).toEqual(['input']);
    const join = {
      ...prepare,
      settings: {
        input: 'a',
        step: { op: 'join', right: 'b', leftKey: 'id', rightKey: 'id', how: 'left' },
      },
    } as Cell;
    expect(inputsOf(join)).toEqual([
      { slot: 'input', cellId: 'a', accepts: ['dataset'] },
      { slot: 'right', cellId: 'b', accepts: ['dataset'] },
    ]);
  });
});

describe('settings refused at the edit', () => {
  it('a Select step with more columns than a notebook may hold', () => {
    const columns = Array.from({ length: LIMITS.stepList + 1 }, (_, i) => ({ name: `c${i}` }));
    const result = checkSettings('prepare', { input: null, step: { op: 'select', columns } });
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.reason).toMatch(/^settings|^step\.columns/);
    // One fewer is fine.
    expect(
      checkSettings('prepare', { input: null, step: { op: 'select', columns: columns.slice(1) } }),
    ).toMatchObject({ ok: true });
  });

  it('unknown fields, wrong types and out-of-range values, each with its path', () => {
    const base = definitionOf('survival').defaults({ input: null });
    const cases: [unknown, RegExp][] = [
      [{ ...base, extra: 1 }, /extra|Unrecognized/i],
      [{ ...base, confLevel: 1.5 }, /^confLevel/],
      [{ ...base, confType: 'loglog' }, /^confType/],
      [{ ...base, eventValues: 'Yes' }, /^eventValues/],
    ];
    for (const [settings, reason] of cases) {
      const r = checkSettings('survival', settings);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toMatch(reason);
    }
    expect(checkSettings('profile', { input: null, asOf: '2026-13' })).toMatchObject({ ok: false });
  });
});

describe('plans', () => {
  const policies = meta('policies', [
    ['tenure_months', 'integer'],
    ['lapsed', 'boolean'],
  ]);
  const input = { input: { ref: { type: 'dataset' as const, id: 'policies' }, dataset: policies } };

  it('the Survival cell waits for an input, then for its columns, then plans Kaplan–Meier', () => {
    const def = definitionOf('survival');
    const s = def.defaults({ input: 'd' });
    expect(def.plan(s, context())).toEqual({ wait: 'cell.waiting' });
    expect(def.plan(s, context(input))).toEqual({ wait: 'survival.choose-columns' });
    const plan = def.plan({ ...s, duration: 'tenure_months', event: 'lapsed' }, context(input));
    expect(isWait(plan)).toBe(false);
    expect(plan).toMatchObject({
      request: 'kaplan-meier',
      params: { datasetId: 'policies', settings: { duration: 'tenure_months', event: 'lapsed' } },
    });
  });

  it('the Survival cell tests its groups only when it has a group; the view is not part of the job', () => {
    const def = definitionOf('survival');
    const s = { ...def.defaults({ input: 'd' }), duration: 'tenure_months', event: 'lapsed' };
    const plain = def.plan(s, context(input));
    expect(plain).toMatchObject({ params: { settings: { test: null, times: [], tau: null } } });
    const grouped = def.plan(
      { ...s, group: 'lapsed', test: { rho: 1, strata: null, pairwise: 'BH', trend: true } },
      context(input),
    );
    expect(grouped).toMatchObject({
      params: { settings: { test: { rho: 1, strata: null, pairwise: 'BH', trend: true } } },
    });
    const hazard = def.plan({ ...s, view: 'cumulative-hazard' }, context(input));
    expect(hazard).toEqual(plain);
  });

  it('a Survival cell saved before the test, times, τ and view existed reads with their defaults', () => {
    const {
      test: _t,
      times: _s,
      tau: _u,
      view: _v,
      ...older
    } = definitionOf('survival').defaults({
      input: 'd',
    });
    const r = checkSettings('survival', older);
    expect(r).toMatchObject({
      ok: true,
      settings: {
        test: { rho: 0, strata: null, pairwise: 'none', trend: false },
        times: [],
        tau: null,
        view: 'survival',
      },
    });
  });

  it('the Profile cell writes "today" into its job, so a stored profile is of its day', () => {
    const def = definitionOf('profile');
    expect(def.plan({ input: 'd' }, context(input))).toEqual({
      request: 'profile',
      params: { datasetId: 'policies', target: null, asOf: '2026-12-02' },
    });
  });

  it('the Prepare cell waits for an unfinished step and names its own cell in the job', () => {
    const def = definitionOf('prepare');
    const s = { input: 'd', step: { op: 'select' as const, columns: [] } };
    expect(def.plan(s, context(input))).toEqual({ wait: 'prepare.incomplete' });
    const ready = { input: 'd', step: { op: 'select' as const, columns: [{ name: 'lapsed' }] } };
    expect(def.plan(ready, context(input))).toMatchObject({
      request: 'prepare',
      params: { notebook: 'nb', cell: 'c', inputs: ['policies'] },
    });
  });

  it('the Data cell hands on its dataset before its preview runs, and waits when it is gone', () => {
    const def = definitionOf('data');
    const ctx = {
      ...context(),
      dataset: (id: string | null) => (id === 'x' ? policies : undefined),
    };
    expect(def.ownOutput!({ datasetId: 'x' }, ctx)).toEqual({ type: 'dataset', id: 'x' });
    expect(def.ownOutput!({ datasetId: 'gone' }, ctx)).toBeNull();
    expect(def.plan({ datasetId: 'gone' }, ctx)).toEqual({ wait: 'data.missing' });
    expect(def.plan({ datasetId: null }, ctx)).toEqual({ wait: 'data.choose-hint' });
  });
});

describe('when the input changes', () => {
  it('the Survival cell keeps columns the new dataset has and picks likely ones for the rest', () => {
    const telco = [
      { name: 'customerID', type: 'identifier' as const },
      { name: 'SeniorCitizen', type: 'integer' as const },
      { name: 'tenure', type: 'integer' as const },
      { name: 'Contract', type: 'categorical' as const },
      { name: 'Churn', type: 'boolean' as const },
    ];
    const old = {
      duration: 'tenure_months',
      event: 'lapsed',
      eventValues: ['1'],
      group: 'channel',
    };
    expect(fitSurvivalColumns(old, telco)).toEqual({
      duration: 'tenure',
      event: 'Churn',
      eventValues: [],
      group: null,
    });
    const kept = { duration: 'tenure', event: 'Churn', eventValues: [], group: 'Contract' };
    expect(fitSurvivalColumns(kept, telco)).toEqual(kept);
    // Names from the classic survival sets.
    const lung = [
      { name: 'inst', type: 'integer' as const },
      { name: 'time', type: 'integer' as const },
      { name: 'status', type: 'integer' as const },
    ];
    expect(fitSurvivalColumns({ ...old, group: null }, lung)).toMatchObject({
      duration: 'time',
      event: 'status',
    });
    // Nothing fits: the choice is left open rather than guessed wrongly.
    expect(fitSurvivalColumns(old, [{ name: 'id', type: 'identifier' }])).toMatchObject({
      duration: null,
      event: null,
    });
  });

  it('the Profile cell drops a leakage target the new dataset lacks', () => {
    const def = definitionOf('profile');
    const ctx = context({
      input: { ref: { type: 'dataset', id: 'x' }, dataset: meta('x', [['Churn', 'boolean']]) },
    });
    expect(def.adapt({ input: 'd', target: 'lapsed' }, ctx)).toEqual({ input: 'd', target: null });
    expect(def.adapt({ input: 'd', target: 'Churn' }, ctx)).toEqual({
      input: 'd',
      target: 'Churn',
    });
  });
});
