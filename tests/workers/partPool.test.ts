// Parts of a file crossing between workers (workers/partPool.ts): packing each
// dictionary into one string and back gives the same part, and the pool reads
// parts through the one protocol.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateBenchCsv } from '../../bench/generate';
import { streamChunks } from '../../src/lib/engine/data/decode';
import { planDelimited } from '../../src/lib/engine/data/ingest';
import { readPart } from '../../src/lib/engine/data/parts';
import { NO_PROGRESS } from '../../src/lib/engine/data/table';
import { packPart, unpackPart } from '../../src/lib/workers/partPool';

describe('packPart / unpackPart', () => {
  it('round-trips a part: dictionaries (with Chinese and empty values), codes, hashes, numbers', async () => {
    const text = [
      'id,城市,amount',
      ...Array.from(
        { length: 12_000 },
        (_, i) => `C${i},${['上海', '北京', '', 'x'][i % 4]},${i}.5`,
      ),
    ].join('\n');
    const file = new Blob([text]);
    const planned = await planDelimited(streamChunks(file.stream()), file.size, {});
    const request = { file, plan: planned!.plan, index: 0, last: true, fileSize: file.size };
    const part = await readPart(request, NO_PROGRESS, async () => undefined);
    const packed = packPart(part);
    expect(packed.columns.every((c) => !('dictionary' in c))).toBe(true);
    // What crosses must survive structured cloning.
    expect(unpackPart(structuredClone(packed))).toEqual(part);
  });

  it('keeps the bench file’s e-mails and ids intact', async () => {
    const file = new Blob([...generateBenchCsv(11_000, 5)]);
    const planned = await planDelimited(streamChunks(file.stream()), file.size, {});
    const part = await readPart(
      { file, plan: planned!.plan, index: 0, last: true, fileSize: file.size },
      NO_PROGRESS,
      async () => undefined,
    );
    expect(unpackPart(packPart(part))).toEqual(part);
  });
});
