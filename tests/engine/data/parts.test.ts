// Reading a file in parts (engine/data/parts.ts) must give exactly what one
// pass gives: the same columns, dictionaries in the same order, the same
// types, warnings and errors with the same rows. Parts run in-process here;
// in the app each runs in a worker of its own (e2e/robustness.spec.ts).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_ROWS_PER_CHUNK, tableFromIpcChunks } from '../../../src/lib/engine/data/arrow';
import { ingestBlob, SAMPLE_ROWS, type IngestResult } from '../../../src/lib/engine/data/ingest';
import {
  ingestInParts,
  readPart,
  recordCuts,
  type PartRunner,
  type ReadPart,
} from '../../../src/lib/engine/data/parts';
import {
  CancelledError,
  EngineError,
  NO_PROGRESS,
  type Progress,
} from '../../../src/lib/engine/data/table';
import { generateBenchCsv } from '../../../bench/generate';
import { rejection } from './formats/helpers';

const DATASETS = new URL('../../fixtures/datasets/', import.meta.url);
const dataset = (name: string) => new Blob([readFileSync(new URL(name, DATASETS))]);

/** Runs parts in-process and keeps what they returned and the chunks they stored. */
function inProcess() {
  const results: ReadPart[] = [];
  const byPart: Uint8Array[][] = [];
  const runPart: PartRunner = async (request, progress) => {
    const mine: Uint8Array[] = (byPart[request.index] = []);
    const result = await readPart(request, progress, async (chunk) => void mine.push(chunk));
    results.push(result);
    return result;
  };
  /** Every part's chunks, in file order, as storage would read them. */
  const chunks = () => byPart.flat();
  return { results, runPart, chunks };
}

async function both(file: Blob, parts: number, minPartBytes = 16 * 1024, options = {}) {
  const serial = await ingestBlob(file, options, NO_PROGRESS);
  const runner = inProcess();
  const parallel = await ingestInParts(file, options, NO_PROGRESS, {
    parts,
    minPartBytes,
    runPart: runner.runPart,
  });
  return { serial, parallel, results: runner.results, chunks: runner.chunks() };
}

/**
 * The same result as one pass; and when the result says the parts' stored
 * chunks hold the table, they are the ones counted and read back (as storage
 * reads them) as the same table.
 */
function expectSame(parallel: IngestResult, serial: IngestResult, chunks: Uint8Array[] = []) {
  if (parallel.stored) {
    expect(parallel.stored).toEqual({
      chunks: chunks.length,
      bytes: chunks.reduce((n, c) => n + c.byteLength, 0),
    });
    const specs = serial.table.columns.map((c) => ({ name: c.name, type: c.type }));
    const stored = tableFromIpcChunks(chunks, specs);
    stored.columns.forEach((column, j) => expect(column).toEqual(serial.table.columns[j]));
  }
  expect(parallel.table.rowCount).toBe(serial.table.rowCount);
  expect(parallel.table.columns.length).toBe(serial.table.columns.length);
  parallel.table.columns.forEach((column, j) => expect(column).toEqual(serial.table.columns[j]));
  expect(parallel.inference).toEqual(serial.inference);
  expect(parallel.warnings).toEqual(serial.warnings);
  expect(parallel.encoding).toBe(serial.encoding);
  expect(parallel.dialect).toEqual(serial.dialect);
}

/** A CSV of `rows` data rows; `cell(i)` gives row i's extra fields. */
function csv(rows: number, cell: (i: number) => string, header = 'id,amount,flag,note') {
  const lines = [header];
  for (let i = 0; i < rows; i++) lines.push(cell(i));
  return lines.join('\n') + '\n';
}

describe('ingestInParts', () => {
  // One test per part count: each is a few seconds of work, and a busy machine
  // must not push three of them past one test's time-out.
  const benchFile = new Blob([...generateBenchCsv(30_000, 7)]);
  it.each([2, 3, 5])('reads the bench file in %i parts exactly as in one pass', async (parts) => {
    const { serial, parallel, results, chunks } = await both(benchFile, parts, 256 * 1024);
    expect(results).toHaveLength(parts);
    expect(parallel.stored!.chunks).toBeGreaterThanOrEqual(parts);
    expectSame(parallel, serial, chunks);
  });

  it.each([
    ['casdatasets__eudirectlapse.csv', 4],
    ['casdatasets__uslapseagent.csv', 3],
    ['lifetimes__CDNOW_master.txt', 6],
    ['uci_online_retail__sample_cust_mod5.csv', 7],
  ])('reads %s in %i parts as in one pass', async (name, parts) => {
    const { serial, parallel, results, chunks } = await both(dataset(name), parts);
    expect(results.length).toBeGreaterThan(1);
    expectSame(parallel, serial, chunks);
  });

  it('cuts that fall inside quoted multi-line fields: the same table, read again in one pass', async () => {
    const text = csv(
      SAMPLE_ROWS + 5_000,
      (i) => `${i},${i % 7}.5,${i % 2 ? 'yes' : 'no'},"line one of ${i}\nline two, ""quoted""\n"`,
    );
    const file = new Blob([text]);
    let cutInsideQuotes = false;
    for (const parts of [2, 3, 4, 8]) {
      const { serial, parallel, results, chunks } = await both(file, parts);
      if (results.slice(0, -1).some((r) => !r.atRecordEnd)) cutInsideQuotes = true;
      expectSame(parallel, serial, chunks);
    }
    // Every row spans three lines, so most cuts land inside a field.
    expect(cutInsideQuotes).toBe(true);
  });

  it('a column distinct in the sample that repeats later: one code per value, in order of first appearance', async () => {
    // The sample's ids are all distinct, so they are interned once a part is
    // read (StringSink, deferred); later rows repeat earlier ids, missing
    // markers among them, and stored chunks may hold a value twice.
    const n = SAMPLE_ROWS + 3 * DEFAULT_ROWS_PER_CHUNK;
    const id = (i: number) => (i < SAMPLE_ROWS ? i : (i * 7919) % (SAMPLE_ROWS + (i >> 1)));
    const ids = Array.from({ length: n }, (_, i) => (i % 1000 === 999 ? 'NA' : `ID-${id(i)}`));
    const text = csv(n, (i) => `${i},${i % 5},${ids[i]},x`, 'row,amount,key,note');
    const reference = new Map<string, number>();
    const codes = ids.map((v) =>
      v === 'NA' ? -1 : (reference.get(v) ?? reference.set(v, reference.size).get(v)!),
    );
    expect(reference.size).toBeLessThan(n / 2);
    const { serial, parallel, chunks } = await both(new Blob([text]), 3);
    const key = serial.table.columns[2];
    expect(key).toMatchObject({ kind: 'string', dictionary: [...reference.keys()] });
    expect(Array.from((key as { codes: Int32Array }).codes)).toEqual(codes);
    expect(parallel.stored).toBeDefined();
    expectSame(parallel, serial, chunks);
  });

  it('a column demoted in one part is demoted in all, with the first bad row and the invalid count', async () => {
    const n = SAMPLE_ROWS + 20_000;
    const bad = new Set([SAMPLE_ROWS + 9_000, SAMPLE_ROWS + 17_000]);
    const text = csv(n, (i) => {
      const amount = bad.has(i) ? 'unknown' : i % 11 === 0 ? '' : `${i % 97}.25`;
      const flag = i === n - 3 ? 'maybe' : i % 3 ? 'Y' : 'N';
      return `${i},${amount},${flag},note ${i % 5}`;
    });
    for (const parts of [2, 4, 6]) {
      const { serial, parallel } = await both(new Blob([text]), parts);
      expect(serial.warnings.map((w) => w.code)).toEqual([
        'ingest.column-demoted',
        'ingest.column-demoted',
      ]);
      expect(serial.inference[1]).toMatchObject({ evidence: 'demoted', invalid: 2 });
      // The parts stored numbers for a column that became text: encoded again by the caller.
      expect(parallel.stored).toBeUndefined();
      expectSame(parallel, serial);
    }
  });

  it('a part that demotes a column after storing some of its rows as numbers: no chunk is used', async () => {
    // Parts encode a chunk every DEFAULT_ROWS_PER_CHUNK rows as they read
    // (checked after each MiB of text, ~50,000 rows here); each part meets
    // its bad value after its first chunk was stored.
    const n = 6 * DEFAULT_ROWS_PER_CHUNK;
    const late = 2 * DEFAULT_ROWS_PER_CHUNK + 100;
    const bad = new Set([late, n / 2 + late]);
    const text = csv(n, (i) => `${i},${bad.has(i) ? 'n/k' : (i % 89) / 4},${i % 3 ? 'Y' : 'N'},x`);
    const { serial, parallel, results, chunks } = await both(new Blob([text]), 2);
    expect(results.map((r) => r.stored)).toEqual([null, null]);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(serial.inference[1]).toMatchObject({ evidence: 'demoted', invalid: 2 });
    expect(parallel.stored).toBeUndefined();
    expectSame(parallel, serial);
  });

  it('a column demoted only in the first part: the later, still numeric parts are rendered', async () => {
    const n = SAMPLE_ROWS + 30_000;
    const text = csv(n, (i) => {
      const amount = i === SAMPLE_ROWS + 50 ? 'n.a.' : i % 13 === 0 ? 'NA' : `${(i % 89) / 4}`;
      const flag = i % 3 ? 'yes' : 'no';
      const day = `2024-0${1 + (i % 9)}-1${i % 10}`;
      return `${i},${amount},${flag},${i === n - 7 ? 'late' : day}`;
    });
    for (const parts of [2, 3]) {
      const { serial, parallel } = await both(new Blob([text]), parts);
      expect(serial.inference[1]).toMatchObject({ evidence: 'demoted', invalid: 1 });
      expect(serial.inference[3]).toMatchObject({ evidence: 'demoted', invalid: 1 });
      expect(parallel.stored).toBeUndefined();
      expectSame(parallel, serial);
    }
  });

  it('rows much shorter after the sample than in it: more rows than the columns had room for', async () => {
    // The first part sizes its columns for the whole file from the sample's
    // record length; here that guess falls far short, and the later parts
    // are appended after growing, or into new arrays.
    const long = 'x'.repeat(300);
    const n = SAMPLE_ROWS + 100_000;
    const text = csv(n, (i) => `${i},${i % 9},${i % 2},${i < SAMPLE_ROWS ? long : 'y'}`);
    const { serial, parallel, chunks } = await both(new Blob([text]), 3);
    expect(serial.table.rowCount).toBe(n);
    expectSame(parallel, serial, chunks);
  });

  it('short rows, CRLF endings and blank lines keep their rows', async () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < SAMPLE_ROWS + 30_000; i++) {
      if (i % 4_000 === 17) lines.push('');
      lines.push(i % 9_000 === 5 ? `${i},x` : `${i},x${i % 3},${i * 2}`);
    }
    const { serial, parallel, chunks } = await both(new Blob([lines.join('\r\n')]), 5);
    expect(serial.warnings[0]).toMatchObject({ code: 'csv.short-rows' });
    expectSame(parallel, serial, chunks);
  });

  it('GB18030 text with Chinese values, and a UTF-8 BOM', async () => {
    const text = csv(
      SAMPLE_ROWS + 8_000,
      (i) => `${i},${(i % 50) * 1.5},${i % 2 ? '是' : '否'},客户${i % 13}号`,
      '编号,保费,流失,备注',
    );
    const gbk = new Uint8Array(
      [...text].flatMap((ch) => (ch.charCodeAt(0) < 128 ? [ch.charCodeAt(0)] : gbBytes(ch))),
    );
    const gb = await both(new Blob([gbk]), 4);
    expect(gb.serial.encoding).toBe('gb18030');
    expectSame(gb.parallel, gb.serial, gb.chunks);
    const bom = await both(new Blob([new Uint8Array([0xef, 0xbb, 0xbf]), text]), 3);
    expect(bom.serial.table.columns[0].name).toBe('编号');
    expectSame(bom.parallel, bom.serial, bom.chunks);
  });

  it('errors carry the row of the file: a ragged row late in the file, an open quote at its end', async () => {
    const n = SAMPLE_ROWS + 30_000;
    const ragged = csv(n, (i) => (i === n - 1_000 ? `${i},1,Y,a,extra` : `${i},1,Y,a`));
    const serialError = await rejection(ingestBlob(new Blob([ragged]), {}, NO_PROGRESS));
    expect(serialError).toMatchObject({ code: 'csv.ragged', params: { row: n - 1_000 + 2 } });
    for (const parts of [2, 5]) {
      const runner = inProcess();
      const error = await rejection(
        ingestInParts(new Blob([ragged]), {}, NO_PROGRESS, {
          parts,
          minPartBytes: 16 * 1024,
          runPart: runner.runPart,
        }),
      );
      expect(error).toEqual(serialError);
    }
    const open = csv(n, (i) => `${i},1,Y,a`) + '1,2,Y,"never closed\n';
    const serialOpen = await rejection(ingestBlob(new Blob([open]), {}, NO_PROGRESS));
    expect(serialOpen).toMatchObject({ code: 'csv.unterminated-quote', params: { row: n + 2 } });
    const runner = inProcess();
    const parallelOpen = await rejection(
      ingestInParts(new Blob([open]), {}, NO_PROGRESS, {
        parts: 4,
        minPartBytes: 16 * 1024,
        runPart: runner.runPart,
      }),
    );
    expect(parallelOpen).toEqual(serialOpen);
  });

  it('a later part failing while an earlier one still reads is reported once, in file order', async () => {
    const file = new Blob([...generateBenchCsv(30_000, 9)]);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const runPart: PartRunner = async (request, progress) => {
        if (request.index === 1)
          throw new EngineError('csv.ragged', { row: 5, expected: 20, found: 21 });
        // The first part takes its time: the second fails long before it is awaited.
        await new Promise((r) => setTimeout(r, 50));
        return inProcess().runPart(request, progress, new AbortController().signal);
      };
      const error = await rejection(
        ingestInParts(file, {}, NO_PROGRESS, { parts: 2, minPartBytes: 256 * 1024, runPart }),
      );
      const cuts = await recordCuts(file, 2);
      const first = await ingestBlob(file.slice(0, cuts[1]), {}, NO_PROGRESS);
      // Row 5 of the second part: after the first part's header and rows.
      expect(error).toMatchObject({
        code: 'csv.ragged',
        params: { row: first.table.rowCount + 1 + 5 },
      });
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a part that fails for another reason than the file (a helper that crashed): read in one pass', async () => {
    const file = new Blob([...generateBenchCsv(20_000, 4)]);
    const serial = await ingestBlob(file, {}, NO_PROGRESS);
    const runner = inProcess();
    const runPart: PartRunner = (request, progress, signal) =>
      request.index === 1
        ? Promise.reject(new Error('reading a part of the file failed: worker crashed'))
        : runner.runPart(request, progress, signal);
    const parallel = await ingestInParts(file, {}, NO_PROGRESS, {
      parts: 3,
      minPartBytes: 256 * 1024,
      runPart,
    });
    expect(parallel.stored).toBeUndefined();
    expectSame(parallel, serial);
  });

  it('a small file, or one part, is read in one pass without running parts', async () => {
    const runner = inProcess();
    const small = new Blob([csv(100, (i) => `${i},1,Y,a`)]);
    const result = await ingestInParts(small, {}, NO_PROGRESS, {
      parts: 4,
      minPartBytes: 16,
      runPart: runner.runPart,
    });
    expect(result.table.rowCount).toBe(100);
    expect(runner.results).toHaveLength(0);
  });

  it('a cancel while parts run aborts the others and rejects with CancelledError', async () => {
    const file = new Blob([...generateBenchCsv(40_000, 3)]);
    let reports = 0;
    const progress: Progress = {
      report: () => {
        if (++reports > 5) return Promise.reject(new CancelledError());
        return Promise.resolve();
      },
    };
    const signals: AbortSignal[] = [];
    const runner = inProcess();
    const runPart: PartRunner = (request, partProgress, signal) => {
      signals.push(signal);
      return runner.runPart(request, partProgress, signal);
    };
    await expect(
      ingestInParts(file, {}, progress, { parts: 3, minPartBytes: 64 * 1024, runPart }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(signals).toHaveLength(3);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });
});

describe('recordCuts', () => {
  it('cuts just after a line feed, in order, leaving out cuts with no line feed near', async () => {
    const file = new Blob(['aaaa\nbbbb\ncccc\ndddd\n']);
    const cuts = await recordCuts(file, 4);
    expect(cuts).toEqual([0, 10, 15, 20]);
    for (const c of cuts.slice(1, -1))
      expect(new Uint8Array(await file.arrayBuffer())[c - 1]).toBe(10);
    expect(await recordCuts(new Blob(['x'.repeat(100)]), 3)).toEqual([0, 100]);
  });
});

/** GB18030 bytes of one character, from the decoder's own table (tests only). */
function gbBytes(ch: string): number[] {
  const found = GB_TABLE.get(ch);
  if (!found) throw new Error(`no GB18030 bytes known for ${ch}`);
  return found;
}

// TextEncoder only writes UTF-8, so the GB18030 bytes of the few characters
// used above are found by decoding every two-byte GBK code with TextDecoder.
const GB_TABLE = (() => {
  const wanted = new Set('编号保费流失备注是否客户');
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe && table.size < wanted.size; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (wanted.has(ch) && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return table;
})();
