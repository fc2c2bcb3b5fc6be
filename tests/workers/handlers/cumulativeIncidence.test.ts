// 'cumulative-incidence' through the fake worker on uslapseagent (CASdatasets,
// see tests/fixtures/datasets/SOURCES.md) imported through the worker: the
// curves and Gray's tests equal the engine's cumulativeIncidenceTable (which
// tests/engine/survival/competing.test.ts checks against R cmprsk::cuminc),
// the naive 1 − KM of each cause is at or above its cumulative incidence,
// and the curves' arrays cross by transfer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cumulativeIncidenceTable } from '../../../src/lib/engine/survival/competing';
import { kaplanMeier } from '../../../src/lib/engine/survival/kaplanMeier';
import { setup } from './setup';
import { readDataset } from '../../engine/datasets';

const FILE = 'casdatasets__uslapseagent.csv';
const csv = readFileSync(`tests/fixtures/datasets/${FILE}`);
const settings = {
  duration: 'duration',
  cause: 'termination.cause',
  censoredValue: 'in-force',
  group: 'gender',
  confLevel: 0.95,
  times: [] as number[],
};

/** The step function's value at t: the last estimate at a time ≤ t, 0 before the first. */
function at(time: ArrayLike<number>, value: ArrayLike<number>, t: number): number {
  let v = 0;
  for (let i = 0; i < time.length && time[i] <= t; i++) v = value[i];
  return v;
}

describe('cumulative-incidence', () => {
  it('equals the engine’s cuminc, with 1 − KM at or above it, arrays transferred', async () => {
    const { client, worker } = setup();
    const meta = await client.request('ingest-file', { file: new File([csv], FILE), name: FILE });
    const result = await client.request('cumulative-incidence', { datasetId: meta.id, settings });
    const engine = cumulativeIncidenceTable(await readDataset(FILE), settings);

    expect(result.causes).toEqual(['death', 'other', 'surrender']);
    expect(result.groups).toEqual(['Female', 'Male']);
    expect(result.excluded).toBe(engine.excluded);
    expect(result.curves).toHaveLength(6);
    result.curves.forEach((c, k) => {
      const e = engine.curves[k];
      expect([c.cause, c.group, c.n, c.events, c.maxTime]).toEqual([
        e.cause,
        e.group,
        e.n,
        e.events,
        e.maxTime,
      ]);
      expect(Array.from(c.time)).toEqual(Array.from(e.time));
      expect(Array.from(c.estimate)).toEqual(Array.from(e.estimate));
      expect(Array.from(c.variance)).toEqual(Array.from(e.variance));
    });
    expect(result.tests).toEqual(engine.tests);
    expect(result.tests.map((t) => t.cause)).toEqual(['death', 'other', 'surrender']);

    // 1 − KM of each cause, the other causes censored, is never below its cumulative incidence.
    expect(result.naive.map((n) => [n.cause, n.group])).toEqual(
      result.curves.map((c) => [c.cause, c.group]),
    );
    result.curves.forEach((c, k) => {
      const naive = result.naive[k];
      for (const t of [...c.time, c.maxTime])
        expect(at(naive.time, naive.estimate, t)).toBeGreaterThanOrEqual(
          at(c.time, c.estimate, t) - 1e-12,
        );
    });
    // Where death competes, 1 − KM of surrender overstates it by the end of follow-up.
    const surrender = result.curves.findIndex((c) => c.cause === 'surrender');
    const end = result.curves[surrender].maxTime;
    expect(at(result.naive[surrender].time, result.naive[surrender].estimate, end)).toBeGreaterThan(
      at(result.curves[surrender].time, result.curves[surrender].estimate, end) + 0.01,
    );

    // The table at round times: each estimate read off its curve, inside its interval.
    expect(result.times.length).toBeGreaterThan(2);
    result.atTimes.forEach((row, k) =>
      row.forEach((cell, j) => {
        const t = result.times[j];
        if (t > result.curves[k].maxTime) return expect(cell.estimate).toBeNaN();
        expect(cell.estimate).toBe(at(result.curves[k].time, result.curves[k].estimate, t));
        expect(cell.lower).toBeLessThanOrEqual(cell.estimate);
        expect(cell.upper).toBeGreaterThanOrEqual(cell.estimate);
        expect(cell.naive).toBeGreaterThanOrEqual(cell.estimate - 1e-12);
      }),
    );

    // Six curves of three arrays and six naive curves of two, each with a buffer of its own.
    const answer = worker.received.find((r) => r.message.type === 'result' && r.message.id === 2)!;
    expect(answer.transfer).toHaveLength(6 * 3 + 6 * 2);
  }, 60_000);

  it('is, without competing causes, 1 − KM exactly', async () => {
    const { client } = setup();
    const file = new File(['t,status\n1,gone\n2,in\n3,gone\n3,gone\n5,in\n6,gone\n'], 'one.csv');
    const meta = await client.request('ingest-file', { file, name: 'one' });
    const result = await client.request('cumulative-incidence', {
      datasetId: meta.id,
      settings: {
        duration: 't',
        cause: 'status',
        censoredValue: 'in',
        group: null,
        confLevel: 0.9,
        times: [2, 4],
      },
    });
    const km = kaplanMeier(Float64Array.of(1, 2, 3, 3, 5, 6), Uint8Array.of(1, 0, 1, 1, 0, 1));
    expect(result.causes).toEqual(['gone']);
    expect(result.tests).toEqual([]);
    for (const t of [1, 3, 6])
      expect(at(result.curves[0].time, result.curves[0].estimate, t)).toBeCloseTo(
        1 - at(km.time, km.survival, t),
        14,
      );
    expect(result.times).toEqual([2, 4]);
    const [two, four] = result.atTimes[0];
    expect(two.estimate).toBeCloseTo(1 / 6, 15);
    expect(four.estimate).toBeCloseTo(1 - (5 / 6) * (2 / 4), 15);
    expect(result.confLevel).toBe(0.9);
  });
});
