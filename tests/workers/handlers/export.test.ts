// The export request end to end through the fake worker: CSV and XLSX bytes,
// transferred. Reference shapes are the generated insurance book's
// (./insuranceTally.ts).
import { describe, expect, it } from 'vitest';
import { readFile } from '../../../src/lib/engine/data/read';
import { NO_PROGRESS } from '../../../src/lib/engine/data/table';
import { aggregate, book, paymentsPerPolicy } from './insuranceTally';
import { setup } from './setup';

describe('export request', () => {
  it('writes CSV bytes with a BOM, the header and every row, transferred', async () => {
    const { client, worker } = setup();
    const [policies] = await client.request('ingest-sample', { sample: 'insurance' });
    const result = await client.request('export', { datasetId: policies.id, format: 'csv' });
    expect(result.fileName).toBe('insurance_policies.csv');
    expect(result.mimeType).toMatch(/^text\/csv/);
    expect(Array.from(result.bytes.slice(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(result.bytes.slice(3));
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(book.policies.columns.map((c) => c.name).join(','));
    // Header, one line per row, and the empty string after the last CRLF.
    expect(lines).toHaveLength(book.policies.rowCount + 2);
    const last = worker.received.at(-1)!;
    expect(last.message.type).toBe('result');
    expect(last.transfer).toHaveLength(1);
  });

  it('writes an XLSX workbook that reads back with the same shape, transferred', async () => {
    const { client, worker } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const agg = await client.request('prepare', {
      notebook: 'nb',
      cell: 'agg',
      inputs: [payments.id],
      step: aggregate,
    });
    const result = await client.request('export', { datasetId: agg.dataset.id, format: 'xlsx' });
    expect(result.fileName).toBe('insurance_payments_aggregate.xlsx');
    expect(worker.received.at(-1)!.transfer).toHaveLength(1);
    const back = await readFile(new Blob([result.bytes]), result.fileName, {}, NO_PROGRESS);
    expect(back.format).toBe('xlsx');
    expect(back.table.rowCount).toBe(paymentsPerPolicy().size);
    expect(back.table.columns.map((c) => c.name)).toEqual(['policy_id', 'payments', 'paid']);
  });
});
