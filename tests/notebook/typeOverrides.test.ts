// The Data cell's typeOverrides setting survives a save/load round trip and is
// validated like the rest of the document.
import { describe, expect, it } from 'vitest';
import { defaultNotebook } from '../../src/lib/notebook/defaults';
import { parseNotebook, serializeNotebook } from '../../src/lib/notebook/schema';

function withOverrides(overrides: unknown) {
  const doc = defaultNotebook([]);
  const data = doc.cells.find((c) => c.kind === 'data')!;
  // Deliberately untyped: the test also feeds values the type does not allow.
  (data.settings as { typeOverrides?: unknown }).typeOverrides = overrides;
  return JSON.parse(serializeNotebook(doc)) as unknown;
}

describe('Data cell typeOverrides', () => {
  it('round-trips, and stays optional for notebooks saved before it existed', () => {
    const parsed = parseNotebook(withOverrides({ value: 'decimal', 客户编号: 'identifier' }));
    expect(parsed.ok && parsed.notebook.cells[0].settings).toMatchObject({
      typeOverrides: { value: 'decimal', 客户编号: 'identifier' },
    });
    expect(parseNotebook(JSON.parse(serializeNotebook(defaultNotebook([])))).ok).toBe(true);
  });

  it('refuses a type that does not exist', () => {
    const parsed = parseNotebook(withOverrides({ value: 'money' }));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error.code).toBe('notebook.invalid');
  });
});
