import { definitionOf } from '../../src/lib/cells/registry';
import { describe, expect, it } from 'vitest';
import {
  checkGraph,
  dependencies,
  downstreamOf,
  topologicalOrder,
} from '../../src/lib/notebook/graph';
import type { Cell } from '../../src/lib/notebook/document';

const data = (id: string): Cell => ({ id, kind: 'data', settings: { datasetId: null } });
const profile = (id: string, input: string | null): Cell => ({
  id,
  kind: 'profile',
  settings: { input },
});
const survival = (id: string, input: string | null): Cell => ({
  id,
  kind: 'survival',
  settings: definitionOf('survival').defaults({ input }),
});

describe('notebook graph', () => {
  it('reads dependencies from settings.input', () => {
    expect(dependencies(data('a'))).toEqual([]);
    expect(dependencies(profile('p', 'a'))).toEqual(['a']);
    expect(dependencies(survival('s', null))).toEqual([]);
  });

  it('orders dependencies first, otherwise in document order', () => {
    // A profile placed above the Data cell it reads still runs after it.
    const cells = [profile('p', 'd2'), data('d1'), survival('s', 'd1'), data('d2')];
    expect(topologicalOrder(cells)).toEqual(['d1', 's', 'd2', 'p']);
  });

  it('returns the changed cell and its transitive dependents in run order', () => {
    const cells = [
      data('d1'),
      profile('p1', 'd1'),
      data('d2'),
      survival('s2', 'd2'),
      profile('p2', 'p1'),
    ];
    expect(downstreamOf(cells, 'd1')).toEqual(['d1', 'p1', 'p2']);
    expect(downstreamOf(cells, 'd2')).toEqual(['d2', 's2']);
    expect(downstreamOf(cells, 'p2')).toEqual(['p2']);
    expect(downstreamOf(cells, 'nope')).toEqual([]);
  });

  it('reports missing inputs but still orders those cells', () => {
    const cells = [data('d1'), profile('p', 'gone')];
    expect(checkGraph(cells)).toEqual({ missing: [{ cell: 'p', input: 'gone' }], blocked: [] });
    expect(topologicalOrder(cells)).toEqual(['d1', 'p']);
  });

  it('leaves cycles, and what depends on them, out of the order', () => {
    const cells = [
      data('d'),
      profile('a', 'b'),
      profile('b', 'a'),
      survival('c', 'b'),
      profile('self', 'self'),
    ];
    expect(topologicalOrder(cells)).toEqual(['d']);
    expect(checkGraph(cells).blocked).toEqual(['a', 'b', 'c', 'self']);
    expect(downstreamOf(cells, 'a')).toEqual([]);
  });
});
