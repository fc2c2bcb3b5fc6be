// Every error path of the readers reaches the user as a catalogue message:
// each file here — cut short, damaged by seeded byte flips, forced through
// the wrong reader, or a hostile fixture of tests/fixtures/bad — either
// loads or throws an EngineError whose code has an English and a 简体中文
// message, with every placeholder filled and no library's text in it.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readFile, type FileFormat } from '../../../src/lib/engine/data/read';
import { Random } from '../../../src/lib/engine/data/random';
import { EngineError, NO_PROGRESS } from '../../../src/lib/engine/data/table';
import { isMessageKey, translate } from '../../../src/lib/i18n';

const SOURCES = ['tests/fixtures/formats/', 'tests/fixtures/bad/'];
const FILES = SOURCES.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => !/\.(py|md)$/.test(f) && f !== 'expected.json')
    .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(dir + f)) })),
);
const FORMATS: ('auto' | FileFormat)[] = ['auto', 'delimited', 'xlsx', 'parquet', 'json', 'ndjson'];

/** Loads, or throws a catalogue error: returns the code, or 'ok'. */
async function outcome(bytes: Uint8Array, name: string, format: 'auto' | FileFormat) {
  try {
    await readFile(new Blob([bytes as BlobPart]), name, { format }, NO_PROGRESS);
    return 'ok';
  } catch (error) {
    expect(error, `${name} as ${format}: ${String(error)}`).toBeInstanceOf(EngineError);
    const { code, params } = error as EngineError;
    expect(isMessageKey(code), `${name} as ${format}: ${code}`).toBe(true);
    for (const locale of ['en', 'zh-CN'] as const) {
      const text = translate(locale, code as Parameters<typeof translate>[1], params);
      expect(text, `${name} as ${format}: ${code}`).not.toMatch(/\{\w+\}/);
      // Library and engine messages are English sentences with these words;
      // none of ours carries one as a parameter.
      for (const value of Object.values(params ?? {})) {
        expect(String(value)).not.toMatch(/Error|undefined|invalid|unexpected|stack/i);
      }
    }
    return code;
  }
}

describe('reader error paths', () => {
  it.each(FILES)('$name: whole, under every format', async ({ name, bytes }) => {
    for (const format of FORMATS) await outcome(bytes, name, format);
  });

  it.each(FILES)('$name: cut short at 1/3 and 2/3', async ({ name, bytes }) => {
    for (const cut of [Math.floor(bytes.length / 3), Math.floor((2 * bytes.length) / 3)]) {
      await outcome(bytes.subarray(0, cut), name, 'auto');
    }
  });

  it.each(FILES.filter((f) => f.bytes.length < 100_000))(
    '$name: 8 copies, each with 16 seeded byte flips',
    async ({ name, bytes }) => {
      const random = new Random(13).derive(name);
      for (let k = 0; k < 8; k++) {
        const damaged = bytes.slice();
        for (let i = 0; i < 16; i++) damaged[random.int(damaged.length)] = random.int(256);
        await outcome(damaged, name, 'auto');
      }
    },
  );

  it('the refusals the corpus names are the expected codes', async () => {
    const bad = (f: string) => FILES.find((x) => x.name === f)!.bytes;
    expect(await outcome(bad('types-snappy.parquet').subarray(0, 200), 'x.parquet', 'auto')).toBe(
      'parquet.invalid',
    );
    expect(await outcome(bad('records.json'), 'records.json', 'xlsx')).toBe('xlsx.invalid');
    expect(await outcome(bad('records.json'), 'records.json', 'parquet')).toBe('parquet.invalid');
  });
});
