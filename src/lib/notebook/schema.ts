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
import { definitionOf, isCellKind, KIND_NAMES, type Cell, type CellKind } from '../cells/registry';
import { idText, LIMITS, text } from '../cells/limits';

export { LIMITS };

export const NOTEBOOK_FORMAT = 'lifecycle-lab-notebook';

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

const id = idText;
const name = text;

/**
 * A cell: its id and kind, and settings checked by that kind's own schema
 * from the registry (issues keep their path under `settings`).
 */
const cell = z
  .strictObject({
    id,
    kind: z.enum(KIND_NAMES as [CellKind, ...CellKind[]]),
    settings: z.unknown(),
  })
  .transform((c, ctx) => {
    const parsed = definitionOf(c.kind).settings.safeParse(c.settings);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: ['settings', ...issue.path] } as never);
      return z.NEVER;
    }
    return { ...c, settings: parsed.data } as Cell;
  });

/** A kind's settings as an edit would leave them: the same schema as an import, or why not. */
export function checkSettings(
  kind: CellKind,
  settings: unknown,
): { ok: true; settings: unknown } | { ok: false; reason: string } {
  const parsed = definitionOf(kind).settings.safeParse(settings);
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, reason: describeIssue(parsed.error.issues[0]) };
}

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
      if (!isCellKind(kind)) {
        return fail('notebook.unknown-cell', {
          cell: index + 1,
          kind: typeof kind === 'string' ? kind.slice(0, 100) : String(typeof kind),
        });
      }
    }
  }

  const parsed = notebook.safeParse(doc);
  if (!parsed.success) {
    return fail('notebook.invalid', { reason: describeIssue(parsed.error.issues[0]) });
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

/** One schema issue as "path: message", bounded for display. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return `${path || '(document)'}: ${issue.message}`.slice(0, 500);
}

function fail(code: NotebookErrorCode, params: Record<string, string | number>): ParseResult {
  return { ok: false, error: { code, params } };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
