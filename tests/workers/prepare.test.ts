// The prepare and export requests end to end through the fake worker, with
// fake-indexeddb storage. Reference values are direct tallies of the
// generated insurance book (engine/data/sample/insurance.ts), computed here
// without the Prepare engine.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createSharedContext, type SharedContext } from '../../src/lib/workers/host';
import { ComputeClient } from '../../src/lib/workers/client';
import { derivedKey, PREPARE_PREVIEW_ROWS } from '../../src/lib/workers/handlers';
import { openStorage, type LabStorage } from '../../src/lib/storage/db';
import { generateInsuranceBook } from '../../src/lib/engine/data/sample/insurance';
import { readFile } from '../../src/lib/engine/data/read';
import { NO_PROGRESS, type Column } from '../../src/lib/engine/data/table';
import type { PrepareStep } from '../../src/lib/notebook/document';
import { fakeWorker } from './fakeWorker';

function setup() {
  const name = `test-${crypto.randomUUID()}`;
  let storage: Promise<LabStorage> | undefined;
  const context: SharedContext = createSharedContext({
    openStorage: () => (storage ??= openStorage({ name })),
  });
  const worker = fakeWorker(context);
  return { client: new ComputeClient(worker), worker, storage: () => context.storage() };
}

const book = generateInsuranceBook();

function column(name: string, columns: readonly Column[]): Column {
  const c = columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

/** Payments per policy id and their total amount, tallied directly from the book. */
function paymentsPerPolicy(): Map<string, { count: number; sum: number }> {
  const ids = column('policy_id', book.payments.columns);
  const amount = column('amount', book.payments.columns);
  if (ids.kind !== 'string' || amount.kind !== 'number') throw new Error('unexpected types');
  const tally = new Map<string, { count: number; sum: number }>();
  for (let i = 0; i < book.payments.rowCount; i++) {
    const id = ids.dictionary[ids.codes[i]];
    const t = tally.get(id) ?? { count: 0, sum: 0 };
    t.count++;
    if (!Number.isNaN(amount.values[i])) t.sum += amount.values[i];
    tally.set(id, t);
  }
  return tally;
}

const aggregate: PrepareStep = {
  op: 'aggregate',
  key: 'policy_id',
  measures: [
    { column: 'amount', fn: 'count', name: 'payments' },
    { column: 'amount', fn: 'sum', name: 'paid' },
  ],
};

describe('prepare request', () => {
  it('aggregates payments per policy, stores the result as a derived dataset, previews it', async () => {
    const { client, storage } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const result = await client.request('prepare', {
      notebook: 'nb',
      cell: 'agg',
      inputs: [payments.id],
      step: aggregate,
    });
    const tally = paymentsPerPolicy();
    expect(result.reused).toBe(false);
    expect(result.dataset.rowCount).toBe(tally.size);
    expect(result.dataset.columns.map((c) => c.name)).toEqual(['policy_id', 'payments', 'paid']);
    expect(result.dataset.source).toMatchObject({ kind: 'derived', notebook: 'nb', cell: 'agg' });
    expect(result.report).toEqual({ groups: tally.size, rows: book.payments.rowCount });
    expect(result.preview.rows).toHaveLength(PREPARE_PREVIEW_ROWS);
    expect(result.preview.rowCount).toBe(tally.size);

    const { table } = await (await storage()).loadTable(result.dataset.id);
    const ids = column('policy_id', table.columns);
    const count = column('payments', table.columns);
    const paid = column('paid', table.columns);
    if (ids.kind !== 'string' || count.kind !== 'number' || paid.kind !== 'number')
      throw new Error('unexpected types');
    for (let i = 0; i < table.rowCount; i++) {
      const expected = tally.get(ids.dictionary[ids.codes[i]])!;
      expect(count.values[i]).toBe(expected.count);
      expect(paid.values[i]).toBeCloseTo(expected.sum, 6);
    }
  });

  it('reuses the stored result for the same inputs and settings, in any key order', async () => {
    const { client, storage } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const params = { notebook: 'nb', cell: 'agg', inputs: [payments.id], step: aggregate };
    const first = await client.request('prepare', params);
    const reordered = {
      measures: aggregate.op === 'aggregate' ? aggregate.measures : [],
      key: 'policy_id',
      op: 'aggregate',
    } as PrepareStep;
    expect(await derivedKey([payments.id], reordered)).toBe(
      await derivedKey([payments.id], aggregate),
    );
    const again = await client.request('prepare', { ...params, step: reordered });
    expect(again.reused).toBe(true);
    expect(again.dataset).toEqual(first.dataset);
    expect(again.report).toEqual(first.report);
    const derived = (await (await storage()).listDatasets()).filter(
      (d) => d.source.kind === 'derived',
    );
    expect(derived.map((d) => d.id)).toEqual([first.dataset.id]);
  });

  it('replaces the cell’s previous result when its settings change, and keeps other cells’', async () => {
    const { client, storage } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const other = await client.request('prepare', {
      notebook: 'nb',
      cell: 'other',
      inputs: [payments.id],
      step: aggregate,
    });
    const first = await client.request('prepare', {
      notebook: 'nb',
      cell: 'agg',
      inputs: [payments.id],
      step: aggregate,
    });
    const changed = await client.request('prepare', {
      notebook: 'nb',
      cell: 'agg',
      inputs: [payments.id],
      step: { op: 'drop-duplicates', columns: ['policy_id'], keep: 'first' },
    });
    expect(changed.dataset.id).not.toBe(first.dataset.id);
    expect(changed.dataset.rowCount).toBe(paymentsPerPolicy().size);
    expect(changed.report).toEqual({
      rows: paymentsPerPolicy().size,
      removed: book.payments.rowCount - paymentsPerPolicy().size,
    });
    const ids = (await (await storage()).listDatasets()).map((d) => d.id);
    expect(ids).toContain(changed.dataset.id);
    expect(ids).toContain(other.dataset.id);
    expect(ids).not.toContain(first.dataset.id);
  });

  it('joins two inputs: policies with their payment summary', async () => {
    const { client } = setup();
    const [policies, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const agg = await client.request('prepare', {
      notebook: 'nb',
      cell: 'agg',
      inputs: [payments.id],
      step: aggregate,
    });
    const joined = await client.request('prepare', {
      notebook: 'nb',
      cell: 'join',
      inputs: [policies.id, agg.dataset.id],
      step: { op: 'join', right: 'agg', leftKey: 'policy_id', rightKey: 'policy_id', how: 'left' },
    });
    const tally = paymentsPerPolicy();
    expect(joined.dataset.rowCount).toBe(book.policies.rowCount);
    expect(joined.dataset.columns.map((c) => c.name)).toEqual([
      ...book.policies.columns.map((c) => c.name),
      'payments',
      'paid',
    ]);
    expect(joined.report).toEqual({
      rows: book.policies.rowCount,
      matchedLeft: tally.size,
      unmatchedLeft: book.policies.rowCount - tally.size,
      unmatchedRight: 0,
    });
    // A join needs exactly two inputs.
    await expect(
      client.request('prepare', {
        notebook: 'nb',
        cell: 'join',
        inputs: [policies.id],
        step: { op: 'join', right: null, leftKey: 'policy_id', rightKey: 'policy_id', how: 'left' },
      }),
    ).rejects.toMatchObject({ code: 'prepare.invalid-setting' });
  });

  it('refuses a hostile expression and keeps the cell’s last good result', async () => {
    const { client, storage } = setup();
    const [policies] = await client.request('ingest-sample', { sample: 'insurance' });
    const params = { notebook: 'nb', cell: 'derive', inputs: [policies.id] };
    const good = await client.request('prepare', {
      ...params,
      step: { op: 'derive', name: 'monthly', expression: 'd => d.annual_premium / 12' },
    });
    const premium = column('annual_premium', book.policies.columns);
    const { table } = await (await storage()).loadTable(good.dataset.id);
    const monthly = column('monthly', table.columns);
    if (premium.kind !== 'number' || monthly.kind !== 'number') throw new Error('types');
    expect(monthly.values[0]).toBeCloseTo(premium.values[0] / 12, 12);
    await expect(
      client.request('prepare', {
        ...params,
        step: { op: 'derive', name: 'x', expression: "d => fetch('x')" },
      }),
    ).rejects.toMatchObject({ code: 'prepare.expression-invalid' });
    expect((await (await storage()).listDatasets()).map((d) => d.id)).toContain(good.dataset.id);
  });

  it('says which input is missing', async () => {
    const { client } = setup();
    await expect(
      client.request('prepare', { notebook: 'nb', cell: 'c', inputs: ['gone'], step: aggregate }),
    ).rejects.toMatchObject({ code: 'storage.not-found' });
  });
});

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

  it('writes an XLSX workbook that reads back with the same shape', async () => {
    const { client } = setup();
    const [, payments] = await client.request('ingest-sample', { sample: 'insurance' });
    const agg = await client.request('prepare', {
      notebook: 'nb',
      cell: 'agg',
      inputs: [payments.id],
      step: aggregate,
    });
    const result = await client.request('export', { datasetId: agg.dataset.id, format: 'xlsx' });
    expect(result.fileName).toBe('insurance_payments_aggregate.xlsx');
    const back = await readFile(new Blob([result.bytes]), result.fileName, {}, NO_PROGRESS);
    expect(back.format).toBe('xlsx');
    expect(back.table.rowCount).toBe(paymentsPerPolicy().size);
    expect(back.table.columns.map((c) => c.name)).toEqual(['policy_id', 'payments', 'paid']);
  });
});
