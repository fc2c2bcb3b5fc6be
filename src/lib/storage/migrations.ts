// The IndexedDB schema's history, as pure steps. Runs wherever storage opens
// the database (page or worker), inside the browser's upgrade transaction.
//
// Each step sees the database only through `SchemaEditor`, so the steps and
// the runner are tested in Node against an in-memory editor, and db.ts adapts
// the editor to the real upgrade transaction. To change the schema: append a
// step with the next version; never edit a step that has shipped.

export interface SchemaEditor {
  storeNames(): string[];
  /** Stores without keyPath use explicit keys (e.g. [datasetId, index]). */
  createStore(name: string, options?: { keyPath?: string | string[] }): void;
  /** An index on `keyPath` of every record of `store`; `multiEntry`: one entry per array element. */
  createIndex(
    store: string,
    name: string,
    keyPath: string,
    options?: { multiEntry?: boolean; unique?: boolean },
  ): void;
  deleteStore(name: string): void;
  /** Replaces every record of `store` by `fn(record)`; `undefined` deletes it. */
  rewrite(store: string, fn: (record: unknown) => unknown): Promise<void>;
}

export interface Migration {
  /** The schema version this step produces. */
  version: number;
  description: string;
  up(editor: SchemaEditor): void | Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      'Create the stores for datasets, their chunks, pending imports, notebooks and settings.',
    up(editor) {
      editor.createStore('datasets', { keyPath: 'id' });
      editor.createStore('chunks');
      editor.createStore('imports', { keyPath: 'id' });
      editor.createStore('notebooks', { keyPath: 'id' });
      editor.createStore('settings');
    },
  },
  {
    version: 2,
    description:
      'Create the store of cell results: one per notebook cell, found by the key of what made it, and by the datasets it came from.',
    up(editor) {
      editor.createStore('results', { keyPath: ['notebook', 'cell'] });
      editor.createIndex('results', 'key', 'key');
      editor.createIndex('results', 'notebook', 'notebook');
      editor.createIndex('results', 'sources', 'sources', { multiEntry: true });
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The steps that take a database from `from` to `to`, in order; throws when the history has a gap. */
export function migrationPlan(
  from: number,
  to: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Migration[] {
  if (to < from) throw new Error(`Cannot migrate down from version ${from} to ${to}`);
  const steps = migrations.filter((m) => m.version > from && m.version <= to);
  steps.forEach((m, i) => {
    if (m.version !== from + i + 1)
      throw new Error(`Migration to version ${from + i + 1} is missing`);
  });
  if (steps.length !== to - from) throw new Error(`Migration to version ${to} is missing`);
  return steps;
}

/** Applies the plan's steps one after another (a step may rewrite records, which is async). */
export async function runMigrations(
  editor: SchemaEditor,
  from: number,
  to: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  for (const step of migrationPlan(from, to, migrations)) await step.up(editor);
}
