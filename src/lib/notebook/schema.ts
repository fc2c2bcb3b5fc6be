// Validation and versioning of notebook documents. Pure; runs on the page when
// a notebook is imported from a file or loaded from storage.
//
// Anything read from outside is hostile until parsed here: the format tag and
// version are checked first (so a newer app's file gets a clear message), older
// versions are migrated step by step to NOTEBOOK_VERSION, and then the whole
// document is checked strictly against the current shape, with sizes bounded.
// The result is rebuilt from the schema, so keys like `__proto__` never reach
// the app's objects.

import { z } from 'zod';
import { NOTEBOOK_VERSION, type NotebookDocument } from './document';
import { checkGraph } from './graph';
import { COLUMN_TYPES } from '../engine/data/table';
import { FILTER_OPS } from '../engine/prepare/rows';
import { AGGREGATE_FNS } from '../engine/prepare/aggregate';

export const NOTEBOOK_FORMAT = 'lifecycle-lab-notebook';

export const LIMITS = {
  cells: 500,
  datasets: 500,
  /** Any string in the document. */
  string: 10_000,
  id: 200,
  /** Values of a survival cell's event column counted as "event happened". */
  eventValues: 1_000,
  /** Column type overrides in one Data cell. */
  typeOverrides: 10_000,
  /** Columns, conditions, measures, levels or breaks in one Prepare step. */
  stepList: 1_000,
  /** A notebook handed over as JSON text. */
  jsonChars: 5_000_000,
} as const;

export type NotebookErrorCode =
  | 'notebook.not-json'
  | 'notebook.too-large'
  | 'notebook.not-notebook'
  | 'notebook.version'
  | 'notebook.unknown-cell'
  | 'notebook.invalid';

export type ParseResult =
  | { ok: true; notebook: NotebookDocument }
  | {
      ok: false;
      error: { code: NotebookErrorCode; params: Record<string, string | number> };
    };

const id = z.string().min(1).max(LIMITS.id);
const name = z.string().max(LIMITS.string);
const nullableName = name.nullable();

const dataCell = z.strictObject({
  id,
  kind: z.literal('data'),
  settings: z.strictObject({
    datasetId: id.nullable(),
    typeOverrides: z
      .record(name, z.enum(COLUMN_TYPES))
      .refine((o) => Object.keys(o).length <= LIMITS.typeOverrides)
      .optional(),
  }),
});

const profileCell = z.strictObject({
  id,
  kind: z.literal('profile'),
  settings: z.strictObject({
    input: id.nullable(),
    target: nullableName.optional(),
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable()
      .optional(),
  }),
});

const survivalCell = z.strictObject({
  id,
  kind: z.literal('survival'),
  settings: z.strictObject({
    input: id.nullable(),
    duration: nullableName,
    event: nullableName,
    eventValues: z.array(name).max(LIMITS.eventValues),
    group: nullableName,
    confType: z.enum(['log', 'log-log', 'plain']),
    confLevel: z.number().gt(0).lt(1),
  }),
});

// Prepare steps: the shape of each engine transform's settings. Values are
// checked here only as far as their type and size; the engine checks the rest
// (and says what is wrong) when the cell runs.
const names = z.array(name).max(LIMITS.stepList);
const keyNames = z.union([name, names]);
const finite = z.number().finite();
const scalar = z.union([name, finite, z.boolean()]);

const prepareStep = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('drop-duplicates'),
    columns: names.optional(),
    keep: z.enum(['first', 'last']),
  }),
  z.strictObject({
    op: z.literal('filter'),
    conditions: z
      .array(
        z.strictObject({
          column: name,
          op: z.enum(FILTER_OPS),
          value: z.union([scalar, z.array(scalar).max(LIMITS.stepList)]).optional(),
        }),
      )
      .max(LIMITS.stepList),
    combine: z.enum(['and', 'or']),
  }),
  z.strictObject({
    op: z.literal('select'),
    columns: z.array(z.strictObject({ name, rename: name.optional() })).max(LIMITS.stepList),
  }),
  z.strictObject({
    op: z.literal('impute'),
    columns: names,
    method: z.enum(['mean', 'median', 'mode', 'constant']),
    value: scalar.optional(),
  }),
  z.strictObject({
    op: z.literal('cap-outliers'),
    columns: names,
    method: z.enum(['iqr', 'percentile']),
    k: finite.optional(),
    lower: finite.optional(),
    upper: finite.optional(),
  }),
  z.strictObject({
    op: z.literal('scale'),
    columns: names,
    method: z.enum(['standardize', 'normalize']),
    suffix: name.optional(),
  }),
  z.strictObject({
    op: z.literal('one-hot'),
    column: name,
    dropFirst: z.boolean().optional(),
    maxLevels: finite.optional(),
    missingIndicator: z.boolean().optional(),
    keepOriginal: z.boolean().optional(),
  }),
  z.strictObject({ op: z.literal('ordinal'), column: name, order: names.optional() }),
  z.strictObject({
    op: z.literal('bin'),
    column: name,
    method: z.enum(['equal-width', 'quantile', 'custom']),
    bins: finite.optional(),
    breaks: z.array(finite).max(LIMITS.stepList).optional(),
    labels: names.optional(),
    newColumn: name,
  }),
  z.strictObject({ op: z.literal('derive'), name, expression: name }),
  z.strictObject({
    op: z.literal('duration'),
    start: name,
    end: name.optional(),
    asOf: name.optional(),
    unit: z.enum(['days', 'weeks', 'months', 'years']),
    name,
    event: name.optional(),
  }),
  z.strictObject({
    op: z.literal('join'),
    right: id.nullable(),
    leftKey: keyNames,
    rightKey: keyNames,
    how: z.enum(['inner', 'left', 'right', 'full']),
    suffix: name.optional(),
  }),
  z.strictObject({
    op: z.literal('aggregate'),
    key: keyNames,
    measures: z
      .array(
        z.strictObject({
          column: name,
          fn: z.enum(AGGREGATE_FNS),
          name: name.optional(),
        }),
      )
      .max(LIMITS.stepList),
    orderBy: name.optional(),
  }),
]);

const prepareCell = z.strictObject({
  id,
  kind: z.literal('prepare'),
  settings: z.strictObject({ input: id.nullable(), step: prepareStep }),
});

export const CELL_KINDS = ['data', 'profile', 'survival', 'prepare'] as const;

const cell = z.discriminatedUnion('kind', [dataCell, profileCell, survivalCell, prepareCell]);

const notebook = z
  .strictObject({
    format: z.literal(NOTEBOOK_FORMAT),
    version: z.literal(NOTEBOOK_VERSION),
    id,
    title: name,
    cells: z.array(cell).max(LIMITS.cells),
    datasets: z.array(z.strictObject({ id, name })).max(LIMITS.datasets),
    updatedAt: z.string().max(100),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.cells.forEach((c, i) => {
      if (seen.has(c.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['cells', i, 'id'],
          message: `duplicate cell id "${c.id}"`,
        });
      }
      seen.add(c.id);
    });
  });

/**
 * Steps from an older format version to the next: MIGRATIONS[v] takes a
 * version-v document to version v + 1. Each step may assume only what version
 * v guaranteed and must set `version` to v + 1. Version 1 is the first format,
 * so there are none yet.
 */
export const MIGRATIONS: Readonly<
  Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>
> = {};

/** Reads a notebook from JSON text or an already parsed value. */
export function parseNotebook(json: unknown): ParseResult {
  let value = json;
  if (typeof json === 'string') {
    if (json.length > LIMITS.jsonChars)
      return fail('notebook.too-large', { limit: LIMITS.jsonChars });
    try {
      value = JSON.parse(json);
    } catch {
      return fail('notebook.not-json', {});
    }
  }
  if (!isRecord(value) || value.format !== NOTEBOOK_FORMAT)
    return fail('notebook.not-notebook', {});

  const version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail('notebook.invalid', { reason: 'version: not a format version' });
  }
  if (version > NOTEBOOK_VERSION) {
    return fail('notebook.version', { version, supported: NOTEBOOK_VERSION });
  }

  let doc: Record<string, unknown> = value;
  for (let v = version; v < NOTEBOOK_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return fail('notebook.invalid', { reason: `no migration from version ${v}` });
    try {
      doc = step(doc);
    } catch (e) {
      return fail('notebook.invalid', { reason: `migration from version ${v}: ${String(e)}` });
    }
  }

  // Name the cell with a kind this app does not know, rather than a union mismatch.
  if (Array.isArray(doc.cells) && doc.cells.length <= LIMITS.cells) {
    for (const [index, c] of doc.cells.entries()) {
      const kind = isRecord(c) ? c.kind : undefined;
      if (!(CELL_KINDS as readonly unknown[]).includes(kind)) {
        return fail('notebook.unknown-cell', {
          cell: index + 1,
          kind: typeof kind === 'string' ? kind.slice(0, 100) : String(typeof kind),
        });
      }
    }
  }

  const parsed = notebook.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String).join('.');
    return fail('notebook.invalid', {
      reason: `${path || '(document)'}: ${issue.message}`.slice(0, 500),
    });
  }
  const checked = parsed.data as NotebookDocument;
  const [blocked] = checkGraph(checked.cells).blocked;
  if (blocked !== undefined) {
    const cellNumber = checked.cells.findIndex((c) => c.id === blocked) + 1;
    return fail('notebook.invalid', { reason: `cell ${cellNumber}: its inputs form a cycle` });
  }
  return { ok: true, notebook: checked };
}

/** The document as JSON text, in the current format. */
export function serializeNotebook(doc: NotebookDocument): string {
  return JSON.stringify(doc, null, 2);
}

function fail(code: NotebookErrorCode, params: Record<string, string | number>): ParseResult {
  return { ok: false, error: { code, params } };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
