// Tests for bench/generate.ts: shape, determinism and chunking of the benchmark CSV.
import { describe, expect, it } from 'vitest';
import { BENCH_COLUMNS, CHUNK_CHARS, generateBenchCsv } from '../../bench/generate';

const text = (rows: number, seed?: number) => [...generateBenchCsv(rows, seed)].join('');

describe('generateBenchCsv', () => {
  const csv = text(1000);
  const lines = csv.split('\n');

  it('writes a header and 1,000 rows of 20 fields, LF-terminated', () => {
    expect(lines.at(-1)).toBe(''); // the text ends with a newline
    expect(lines.length - 1).toBe(1001);
    expect(lines[0]).toBe(BENCH_COLUMNS.join(','));
    expect(BENCH_COLUMNS.length).toBe(20);
    for (const line of lines.slice(0, -1)) expect(line.split(',').length).toBe(20);
    expect(/^[\x20-\x7e\n]*$/.test(csv)).toBe(true); // ASCII: characters = bytes
  });

  it('has typed, parseable values and some missing ones', () => {
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    const col = (name: string) => rows.map((r) => r[BENCH_COLUMNS.indexOf(name as never)]);
    expect(new Set(col('customer_id')).size).toBe(1000);
    expect(col('customer_id')[0]).toBe('CUST-0000001');
    for (const d of col('signup_date')) expect(d).toMatch(/^20(1[6-9]|2[0-5])-\d\d-\d\d$/);
    for (const v of col('monthly_fee')) expect(v).toMatch(/^\d+\.\d\d$/);
    for (const v of col('tenure_months')) expect(Number.isInteger(Number(v))).toBe(true);
    expect(new Set(col('churned'))).toEqual(new Set(['yes', 'no']));
    for (const name of [
      'last_order_date',
      'gender',
      'total_spend',
      'satisfaction',
      'credit_score',
    ]) {
      const missing = col(name).filter((v) => v === '').length;
      expect(missing, name).toBeGreaterThan(0);
      expect(missing, name).toBeLessThan(300);
    }
    // last_order_date never precedes signup_date (ISO dates compare as strings).
    rows.forEach((r) => {
      const last = r[BENCH_COLUMNS.indexOf('last_order_date')];
      if (last) expect(last >= r[BENCH_COLUMNS.indexOf('signup_date')]).toBe(true);
    });
  });

  it('averages about 150 bytes a row', () => {
    const perRow = (csv.length - lines[0].length - 1) / 1000;
    expect(perRow).toBeGreaterThan(130);
    expect(perRow).toBeLessThan(170);
  });

  it('is deterministic per seed', () => {
    expect(text(1000)).toBe(csv);
    expect(text(1000, 1)).toBe(csv);
    expect(text(1000, 2)).not.toBe(csv);
    // A longer run starts with the same rows.
    expect(text(1500).startsWith(csv)).toBe(true);
  });

  it('yields chunks of about 1 MiB that split only between lines', () => {
    const chunks = [...generateBenchCsv(20_000)];
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(CHUNK_CHARS);
      expect(c.length).toBeLessThan(CHUNK_CHARS + 1000);
    }
    for (const c of chunks) expect(c.endsWith('\n')).toBe(true);
    expect(chunks.join('').split('\n').length - 2).toBe(20_000);
  });

  it('writes just the header for zero rows and rejects bad counts', () => {
    expect(text(0)).toBe(BENCH_COLUMNS.join(',') + '\n');
    expect(() => text(-1)).toThrow(RangeError);
    expect(() => text(1.5)).toThrow(RangeError);
  });
});
