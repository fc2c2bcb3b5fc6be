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
): SchemaEditor & { stores: Record<string, unknown[]> } {
  return {
    stores,
    storeNames: () => Object.keys(stores).sort(),
    createStore(name) {
      if (name in stores) throw new Error(`store ${name} exists`);
      stores[name] = [];
    },
    deleteStore(name) {
      delete stores[name];
    },
    async rewrite(store, fn) {
      stores[store] = stores[store].map(fn).filter((r) => r !== undefined);
    },
  };
}

const v2: Migration = {
  version: 2,
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
  it('v1 creates every store from nothing', async () => {
    expect(SCHEMA_VERSION).toBe(1);
    const editor = memoryEditor();
    await runMigrations(editor, 0, 1);
    expect(editor.storeNames()).toEqual(['chunks', 'datasets', 'imports', 'notebooks', 'settings']);
  });

  it('plans only the steps between two versions, in order', () => {
    const all = [...MIGRATIONS, v2];
    expect(migrationPlan(0, 2, all).map((m) => m.version)).toEqual([1, 2]);
    expect(migrationPlan(1, 2, all).map((m) => m.version)).toEqual([2]);
    expect(migrationPlan(2, 2, all)).toEqual([]);
  });

  it('refuses gaps and downgrades', () => {
    expect(() => migrationPlan(0, 2, MIGRATIONS)).toThrow(/version 2 is missing/);
    expect(() => migrationPlan(0, 2, [v2])).toThrow(/version 1 is missing/);
    expect(() => migrationPlan(2, 1, MIGRATIONS)).toThrow(/down/);
  });

  it('runs a later step on existing data', async () => {
    const editor = memoryEditor();
    await runMigrations(editor, 0, 1);
    editor.stores.datasets.push({ id: 'a', rowCount: 3 }, { id: 'b', rowCount: 0 });
    await runMigrations(editor, 1, 2, [...MIGRATIONS, v2]);
    expect(editor.stores.datasets).toEqual([{ id: 'a', rowCount: 3, tagged: true }]);
    expect(editor.storeNames()).toContain('extra');
  });
});
