import { describe, expect, it } from 'vitest';
import { LIMITS, parseNotebook, serializeNotebook } from '../../src/lib/notebook/schema';
import { defaultNotebook } from '../../src/lib/notebook/defaults';
import type { NotebookDocument } from '../../src/lib/notebook/document';

const doc: NotebookDocument = defaultNotebook(
  [
    {
      id: 'ds-1',
      name: 'insurance_policies',
      source: { kind: 'sample', sample: 'insurance_policies' },
    },
  ],
  { id: 'nb-1', now: new Date('2025-01-02T03:04:05Z') },
);
const clone = () =>
  JSON.parse(JSON.stringify(doc)) as Record<string, unknown> & { cells: Record<string, unknown>[] };

function errorOf(input: unknown) {
  const r = parseNotebook(input);
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

describe('parseNotebook', () => {
  it('round-trips a notebook through its JSON text', () => {
    const r = parseNotebook(serializeNotebook(doc));
    expect(r).toEqual({ ok: true, notebook: doc });
  });

  it('accepts an already parsed value too', () => {
    expect(parseNotebook(clone())).toEqual({ ok: true, notebook: doc });
  });

  it('rejects text that is not JSON', () => {
    expect(errorOf('{"format": ')).toEqual({ code: 'notebook.not-json', params: {} });
    expect(errorOf('x'.repeat(LIMITS.jsonChars + 1)).code).toBe('notebook.too-large');
  });

  it('rejects other JSON, and a wrong format tag', () => {
    for (const v of [
      null,
      42,
      'null',
      '[]',
      [],
      { ...clone(), format: 'jupyter' },
      { cells: [] },
    ]) {
      expect(errorOf(v).code).toBe('notebook.not-notebook');
    }
  });

  it('tells a future version apart from a broken one', () => {
    expect(errorOf({ ...clone(), version: 2 })).toEqual({
      code: 'notebook.version',
      params: { version: 2, supported: 1 },
    });
    for (const version of [0, -1, 1.5, '1', null]) {
      expect(errorOf({ ...clone(), version }).code).toBe('notebook.invalid');
    }
  });

  it('names the cell whose kind it does not know', () => {
    const d = clone();
    d.cells[2] = { id: 'x', kind: 'python', settings: {} };
    expect(errorOf(d)).toEqual({
      code: 'notebook.unknown-cell',
      params: { cell: 3, kind: 'python' },
    });
    d.cells[2] = { id: 'x', settings: {} };
    expect(errorOf(d)).toEqual({
      code: 'notebook.unknown-cell',
      params: { cell: 3, kind: 'undefined' },
    });
  });

  it('rejects wrong settings, naming where', () => {
    const d = clone();
    (d.cells[2].settings as Record<string, unknown>).confLevel = 1.5;
    const e = errorOf(d);
    expect(e.code).toBe('notebook.invalid');
    expect(e.params.reason).toMatch(/^cells\.2\.settings\.confLevel/);
    const d2 = clone();
    (d2.cells[0].settings as Record<string, unknown>).extra = 1;
    expect(errorOf(d2).params.reason).toMatch(/^cells\.0\.settings/);
  });

  it('bounds sizes: cells, strings, lists', () => {
    const many = clone();
    many.cells = Array.from({ length: LIMITS.cells + 1 }, (_, i) => ({
      id: `d${i}`,
      kind: 'data',
      settings: { datasetId: null },
    }));
    expect(errorOf(many).params.reason).toMatch(/^cells:/);
    const longTitle = { ...clone(), title: 'x'.repeat(LIMITS.string + 1) };
    expect(errorOf(longTitle).params.reason).toMatch(/^title:/);
    const values = clone();
    (values.cells[2].settings as Record<string, unknown>).eventValues = Array(
      LIMITS.eventValues + 1,
    ).fill('Yes');
    expect(errorOf(values).params.reason).toMatch(/eventValues/);
  });

  it('keeps __proto__ keys harmless', () => {
    const text = serializeNotebook(doc).replace(
      '"format"',
      '"__proto__": {"polluted": true}, "format"',
    );
    const e = errorOf(text);
    expect(e.code).toBe('notebook.invalid');
    const inSettings = serializeNotebook(doc).replace(
      '"datasetId"',
      '"__proto__": {"polluted": true}, "datasetId"',
    );
    expect(errorOf(inSettings).code).toBe('notebook.invalid');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('rejects duplicate cell ids and input cycles', () => {
    const dup = clone();
    dup.cells[1].id = dup.cells[0].id as string;
    expect(errorOf(dup).params.reason).toMatch(/duplicate cell id/);
    const cyc = clone();
    (cyc.cells[1].settings as Record<string, unknown>).input = 'survival-1';
    (cyc.cells[2].settings as Record<string, unknown>).input = 'profile-1';
    expect(errorOf(cyc)).toEqual({
      code: 'notebook.invalid',
      params: { reason: 'cell 2: its inputs form a cycle' },
    });
  });

  it('accepts a missing input (the Data cell was removed)', () => {
    const d = clone();
    d.cells.splice(0, 1);
    const r = parseNotebook(d);
    expect(r.ok).toBe(true);
  });
});
