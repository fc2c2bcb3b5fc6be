import { describe, expect, it } from 'vitest';
import { TableCache, tableBytes } from '../../src/lib/workers/tableCache';
import type { DataTable } from '../../src/lib/engine/data/table';

const table = (v: number): DataTable => ({
  rowCount: 1,
  columns: [{ kind: 'number', name: 'x', type: 'decimal', values: Float64Array.of(v) }],
});

describe('TableCache', () => {
  it('loads a table once, even when asked again while it loads', async () => {
    const cache = new TableCache(2);
    let loads = 0;
    const load = async () => {
      loads++;
      return table(1);
    };
    const [a, b] = await Promise.all([cache.get('a', load), cache.get('a', load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
  });

  it('keeps the most recently used tables', async () => {
    const cache = new TableCache(2);
    const loaded: string[] = [];
    const get = (id: string) =>
      cache.get(id, async () => {
        loaded.push(id);
        return table(0);
      });
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // evicts b
    await get('a');
    await get('b');
    expect(loaded).toEqual(['a', 'b', 'c', 'b']);
    expect(cache.size).toBe(2);
  });

  it('keeps within a memory bound, oldest out first, but always the most recent table', async () => {
    const rows = (n: number): DataTable => ({
      rowCount: n,
      columns: [{ kind: 'number', name: 'x', type: 'decimal', values: new Float64Array(n) }],
    });
    expect(tableBytes(rows(100))).toBe(800);
    expect(
      tableBytes({
        rowCount: 2,
        columns: [
          {
            kind: 'string',
            name: 's',
            type: 'text',
            codes: Int32Array.of(0, 1),
            dictionary: ['ab', '李'],
          },
        ],
      }),
    ).toBe(8 + (4 + 24) + (2 + 24));
    const cache = new TableCache(10, 2000);
    cache.set('a', rows(100));
    cache.set('b', rows(100));
    await cache.get('c', async () => rows(100)); // 2400 bytes: a goes
    expect(cache.size).toBe(2);
    let loadedA = false;
    await cache.get('a', async () => ((loadedA = true), rows(1)));
    expect(loadedA).toBe(true);
    cache.set('huge', rows(1000)); // alone over the bound: kept, everything else goes
    expect(cache.size).toBe(1);
    expect(await cache.get('huge', () => Promise.reject(new Error('not loaded again')))).toEqual(
      rows(1000),
    );
  });

  it('forgets a failed load so the next request tries again', async () => {
    const cache = new TableCache();
    await expect(cache.get('a', () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    expect(await cache.get('a', async () => table(2))).toEqual(table(2));
  });
});
