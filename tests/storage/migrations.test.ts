import { describe, expect, it } from 'vitest';
import {
  MIGRATIONS,
  migrationPlan,
  runMigrations,
  SCHEMA_VERSION,
  type Migration,
  type SchemaEditor,
} from '../../src/lib/storage/migrations';

/** An in-memory database: store name → records. */
function memoryEditor(
  stores: Record<string, unknown[]> = {},
): SchemaEditor & { stores: Record<string, unknown[]>; indexes: string[] } {
  const indexes: string[] = [];
  return {
    stores,
    indexes,
    storeNames: () => Object.keys(stores).sort(),
    createStore(name) {
      if (name in stores) throw new Error(`store ${name} exists`);
      stores[name] = [];
    },
    deleteStore(name) {
      delete stores[name];
    },
    createIndex(store, name, keyPath, options) {
      if (!(store in stores)) throw new Error(`no store ${store}`);
      indexes.push(`${store}.${name}(${keyPath}${options?.multiEntry ? ', multi' : ''})`);
    },
    async rewrite(store, fn) {
      stores[store] = stores[store].map(fn).filter((r) => r !== undefined);
    },
  };
}

const v3: Migration = {
  version: 3,
  description: 'test: tag datasets, drop empty ones, add a store',
  async up(editor) {
    await editor.rewrite('datasets', (r) => {
      const d = r as { rowCount: number };
      return d.rowCount === 0 ? undefined : { ...d, tagged: true };
    });
    editor.createStore('extra');
  },
};

describe('storage migrations', () => {
  it('v1 creates every store from nothing, v2 the results store and its indexes', async () => {
    expect(SCHEMA_VERSION).toBe(2);
    const editor = memoryEditor();
    await runMigrations(editor, 0, 1);
    expect(editor.storeNames()).toEqual(['chunks', 'datasets', 'imports', 'notebooks', 'settings']);
    await runMigrations(editor, 1, 2);
    expect(editor.storeNames()).toContain('results');
    expect(editor.indexes).toEqual([
      'results.key(key)',
      'results.notebook(notebook)',
      'results.sources(sources, multi)',
    ]);
  });

  it('plans only the steps between two versions, in order', () => {
    const all = [...MIGRATIONS, v3];
    expect(migrationPlan(0, 3, all).map((m) => m.version)).toEqual([1, 2, 3]);
    expect(migrationPlan(2, 3, all).map((m) => m.version)).toEqual([3]);
    expect(migrationPlan(3, 3, all)).toEqual([]);
  });

  it('refuses gaps and downgrades', () => {
    expect(() => migrationPlan(0, 3, MIGRATIONS)).toThrow(/version 3 is missing/);
    expect(() => migrationPlan(0, 3, [v3])).toThrow(/version 1 is missing/);
    expect(() => migrationPlan(2, 1, MIGRATIONS)).toThrow(/down/);
  });

  it('runs a later step on existing data', async () => {
    const editor = memoryEditor();
    await runMigrations(editor, 0, 2);
    editor.stores.datasets.push({ id: 'a', rowCount: 3 }, { id: 'b', rowCount: 0 });
    await runMigrations(editor, 2, 3, [...MIGRATIONS, v3]);
    expect(editor.stores.datasets).toEqual([{ id: 'a', rowCount: 3, tagged: true }]);
    expect(editor.storeNames()).toContain('extra');
  });
});
