// Every error the engine and the workers raise has a message in both
// catalogues: a code without one would reach the user as "Error: code".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMessageKey, translate } from '../../src/lib/i18n';
import { toWorkerError } from '../../src/lib/workers/host';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(entry.name) ? [path] : [];
  });
}

describe('error messages', () => {
  it('every EngineError code in src/lib has a catalogue entry', () => {
    const root = new URL('../../src/lib/', import.meta.url).pathname;
    const codes = new Set<string>();
    for (const file of sources(root))
      for (const m of readFileSync(file, 'utf8').matchAll(/new EngineError\(\s*'([^']+)'/g))
        codes.add(m[1]);
    expect(codes.size).toBeGreaterThan(50);
    expect([...codes].filter((code) => !isMessageKey(code)).sort()).toEqual([]);
  });

  it('a defect (not an EngineError) is said in words from the catalogue, its own text kept apart', () => {
    const error = toWorkerError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(error.code).toBe('error.internal');
    expect(error.detail).toContain('Cannot read properties of undefined');
    for (const locale of ['en', 'zh-CN'] as const) {
      const text = translate(locale, 'error.internal', error.params);
      expect(text).not.toContain('Cannot read');
      expect(text).not.toMatch(/\{\w+\}/);
    }
  });
});
