// readJsonArray / readNdjson against the fixtures written by Python's json
// module (make_fixtures.py); the values asserted are the ones written there.

import { describe, expect, it } from 'vitest';
import { readJsonArray, readNdjson } from '../../../../src/lib/engine/data/formats/json';
import { NO_PROGRESS } from '../../../../src/lib/engine/data/table';
import { fixture, numbers, recordingProgress, strings, types } from './helpers';

const UTF8 = { encoding: 'auto' };
const text = (s: string) => new Blob([s]);

describe('readJsonArray', () => {
  it('takes the union of keys in first-seen order and types each column', async () => {
    const { table, inference, warnings, encoding } = await readJsonArray(
      fixture('records.json'),
      UTF8,
      NO_PROGRESS,
    );
    expect(encoding).toBe('utf-8');
    expect(table.rowCount).toBe(4);
    expect(types(table)).toEqual({
      customer: 'categorical',
      age: 'decimal',
      churned: 'boolean',
      joined: 'date',
      premium: 'decimal',
      vip: 'boolean',
      meta: 'text',
      score: 'integer',
    });
    expect(numbers(table, 'age')).toEqual([34, 45.5, null, 61]);
    expect(numbers(table, 'churned')).toEqual([1, 0, 0, 1]);
    expect(numbers(table, 'joined')).toEqual([
      Date.UTC(2021, 2, 5),
      Date.UTC(2020, 0, 31),
      null,
      Date.UTC(2024, 1, 29),
    ]);
    expect(numbers(table, 'premium')).toEqual([1200.5, 980, null, 0.99]);
    expect(numbers(table, 'vip')).toEqual([1, 0, null, 1]);
    expect(inference[1]).toMatchObject({ evidence: 'typed-number', missing: 1 });
    expect(warnings).toContainEqual({
      code: 'json.nested-as-text',
      params: { column: 'meta', row: 1 },
    });
  });

  it('keeps objects and arrays as their JSON text; absent keys are missing', async () => {
    const { table } = await readJsonArray(fixture('records.json'), UTF8, NO_PROGRESS);
    expect(strings(table, 'meta')).toEqual(['{"channel":"web"}', null, '["x",1]', null]);
    // 'score' is 7 in record 2, "n/a" (a missing marker, as in CSV) in record 4, absent elsewhere.
    expect(numbers(table, 'score')).toEqual([null, 7, null, null]);
  });

  it('demotes a number column holding a word, naming the record', async () => {
    const blob = text('[{"x": 1}, {"x": 2.5}, {"x": "high"}, {"x": "3"}]');
    const { table, warnings } = await readJsonArray(blob, UTF8, NO_PROGRESS);
    expect(strings(table, 'x')).toEqual(['1', '2.5', 'high', '3']);
    expect(warnings).toEqual([
      {
        code: 'ingest.column-demoted',
        params: { column: 'x', row: 3, value: 'high', type: 'decimal' },
      },
    ]);
  });

  it('refuses what is not an array of records', async () => {
    await expect(
      readJsonArray(fixture('not-records.json'), UTF8, NO_PROGRESS),
    ).rejects.toMatchObject({
      code: 'json.not-records',
    });
    await expect(readJsonArray(fixture('numbers.json'), UTF8, NO_PROGRESS)).rejects.toMatchObject({
      code: 'json.record-not-object',
      params: { row: 1 },
    });
    await expect(readJsonArray(text('[]'), UTF8, NO_PROGRESS)).rejects.toMatchObject({
      code: 'file.no-rows',
    });
    await expect(readJsonArray(text('  '), UTF8, NO_PROGRESS)).rejects.toMatchObject({
      code: 'file.empty',
    });
  });

  it('says on which line invalid JSON breaks', async () => {
    const blob = text('[\n{"a": 1},\n{"a": 2,,}\n]');
    await expect(readJsonArray(blob, UTF8, NO_PROGRESS)).rejects.toMatchObject({
      code: 'json.invalid',
      params: { line: 3 },
    });
  });
});

describe('readNdjson', () => {
  it('reads one record per line and skips blank lines', async () => {
    const progress = recordingProgress();
    const blob = fixture('events.ndjson');
    const { table, warnings } = await readNdjson(blob, UTF8, progress);
    expect(table.rowCount).toBe(3);
    expect(types(table)).toEqual({
      id: 'integer',
      event: 'categorical',
      at: 'datetime',
      amount: 'decimal',
      ok: 'boolean',
    });
    expect(numbers(table, 'at')).toEqual([
      Date.UTC(2024, 2, 5, 10, 31, 7),
      Date.UTC(2024, 2, 5, 11, 0, 0),
      Date.UTC(2024, 2, 6, 9, 15, 30),
    ]);
    expect(numbers(table, 'amount')).toEqual([12.5, 99, null]);
    expect(strings(table, 'event')).toEqual(['login', 'buy', 'login']);
    expect(warnings).toEqual([]);
    expect(progress.calls.at(-1)).toEqual([blob.size, blob.size]);
  });

  it('pads columns that appear late, and reads CRLF lines', async () => {
    const blob = text('{"a":1}\r\n{"a":2,"b":"x"}\r\n{"b":"y"}');
    const { table } = await readNdjson(blob, UTF8, NO_PROGRESS);
    expect(numbers(table, 'a')).toEqual([1, 2, null]);
    expect(strings(table, 'b')).toEqual([null, 'x', 'y']);
  });

  it('names the line of a broken record', async () => {
    await expect(readNdjson(fixture('bad-line.ndjson'), UTF8, NO_PROGRESS)).rejects.toMatchObject({
      code: 'json.invalid',
      params: { line: 3 },
    });
    await expect(readNdjson(text('{"a":1}\n\n[1,2]\n'), UTF8, NO_PROGRESS)).rejects.toMatchObject({
      code: 'json.record-not-object',
      params: { row: 3 },
    });
  });

  it('decodes a line split across byte chunks', async () => {
    // A 3-byte character cut by a chunk boundary must survive the streaming decode.
    const bytes = new TextEncoder().encode('{"城市":"上海"}\n{"城市":"北京"}\n');
    const parts = [bytes.slice(0, 4), bytes.slice(4, 15), bytes.slice(15)];
    const { table } = await readNdjson(new Blob(parts), UTF8, NO_PROGRESS);
    expect(strings(table, '城市')).toEqual(['上海', '北京']);
  });
});
