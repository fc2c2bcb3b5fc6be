// The prepare request end to end through the fake worker, with
// fake-indexeddb storage. Reference values are direct tallies of the
// generated insurance book (./insuranceTally.ts), computed without the
// Prepare engine.
import { describe, expect, it } from 'vitest';
import { derivedKey } from '../../../src/lib/workers/handlers/common';
import { PREPARE_PREVIEW_ROWS } from '../../../src/lib/workers/handlers/prepare';
import type { PrepareStep } from '../../../src/lib/notebook/document';
import { aggregate, book, column, paymentsPerPolicy } from './insuranceTally';
import { setup } from './setup';

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
