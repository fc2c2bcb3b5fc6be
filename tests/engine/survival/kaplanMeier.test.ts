// Kaplan–Meier against R. Every expected value comes from
// tests/fixtures/r/km-reference.json, written by tests/fixtures/r/make-km.R
// (R 4, survival 3.5-3): each case records its call, e.g.
// survfit(Surv(time, status) ~ 1, conf.type = 'log-log', conf.int = 0.9), and
// the median from quantile(fit, 0.5); the at-risk counts from
// summary(fit, times, extend = TRUE)$n.risk.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fixTimes,
  kaplanMeier,
  kaplanMeierByGroup,
  niceRiskTimes,
  numberAtRisk,
  type ConfType,
  type KaplanMeierResult,
} from '../../../src/lib/engine/survival/kaplanMeier';

type RNumber = number | null | 'Inf' | '-Inf';
interface RCase {
  dataset: string;
  group: string | null;
  confType: ConfType;
  confLevel: number;
  call: string;
  inputTime?: number[];
  inputStatus?: number[];
  n: number;
  events: number;
  time: RNumber[];
  nRisk: RNumber[];
  nEvent: RNumber[];
  nCensor: RNumber[];
  surv: RNumber[];
  stdErr: RNumber[];
  lower: RNumber[];
  upper: RNumber[];
  median: { estimate: RNumber; lower: RNumber; upper: RNumber };
  printMedian: { estimate: RNumber; lower: RNumber; upper: RNumber };
  riskTimes: number[];
  riskCounts: number[];
}

const FIXTURES = new URL('../../fixtures/r/', import.meta.url);
const reference: { cases: RCase[] } = JSON.parse(
  readFileSync(new URL('km-reference.json', FIXTURES), 'utf8'),
);

/** R's NA and NaN are NaN here; R's Inf is Infinity. */
function fromR(v: RNumber): number {
  if (v === null) return NaN;
  if (v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return v;
}

function expectClose(actual: number, expected: RNumber, what: string): void {
  const want = fromR(expected);
  if (Number.isNaN(want) || !Number.isFinite(want)) {
    expect(actual, what).toBe(want);
    return;
  }
  const tolerance = 1e-9 * Math.max(1, Math.abs(want));
  expect(Math.abs(actual - want), `${what}: ${actual} vs R ${want}`).toBeLessThanOrEqual(tolerance);
}

function expectSeries(actual: Float64Array, expected: RNumber[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i], `${what}[${i}]`);
}

function expectMatchesR(curve: KaplanMeierResult, c: RCase): void {
  const label = `${c.dataset}/${c.group ?? 'all'} ${c.call}`;
  expect(curve.n, label).toBe(c.n);
  expect(curve.events, label).toBe(c.events);
  expect(curve.group).toBe(c.group);
  expectSeries(curve.time, c.time, `${label} time`);
  expectSeries(curve.nRisk, c.nRisk, `${label} n.risk`);
  expectSeries(curve.nEvent, c.nEvent, `${label} n.event`);
  expectSeries(curve.nCensor, c.nCensor, `${label} n.censor`);
  expectSeries(curve.survival, c.surv, `${label} surv`);
  expectSeries(curve.stdErr, c.stdErr, `${label} std.err`);
  expectSeries(curve.lower, c.lower, `${label} lower`);
  expectSeries(curve.upper, c.upper, `${label} upper`);
  expectClose(curve.median.estimate, c.median.estimate, `${label} median`);
  expectClose(curve.median.lower, c.median.lower, `${label} median lower`);
  expectClose(curve.median.upper, c.median.upper, `${label} median upper`);
  const atRisk = numberAtRisk(curve, c.riskTimes);
  expect(atRisk, `${label} n.risk at ${c.riskTimes.join(',')}`).toEqual(c.riskCounts);
}

interface Dataset {
  time: Float64Array;
  event: Uint8Array;
  groupCodes: Int32Array | null;
  groupNames: string[];
}

function readDataset(name: string): Dataset {
  const lines = readFileSync(new URL(`data/${name}.csv`, FIXTURES), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((line) => line.split(','));
  const col = (field: string) => rows.map((r) => r[header.indexOf(field)]);
  const time = Float64Array.from(col('time'), Number);
  const event = Uint8Array.from(col('status'), Number);
  if (!header.includes('group')) return { time, event, groupCodes: null, groupNames: [] };
  const groups = col('group');
  const groupNames = [...new Set(groups)].sort();
  const groupCodes = Int32Array.from(groups, (g) => groupNames.indexOf(g));
  return { time, event, groupCodes, groupNames };
}

const datasetCases = reference.cases.filter((c) => c.inputTime === undefined);
const edgeCases = reference.cases.filter((c) => c.inputTime !== undefined);

describe('kaplanMeier matches R survfit on the reference datasets', () => {
  it('has cases for every dataset, conf type and level', () => {
    const datasets = new Set(datasetCases.map((c) => c.dataset));
    expect([...datasets].sort()).toEqual(['lung', 'rossi', 'veteran', 'waltons']);
    expect(new Set(datasetCases.map((c) => c.confType)).size).toBe(3);
    expect(new Set(datasetCases.map((c) => c.confLevel)).size).toBe(2);
  });

  for (const name of ['lung', 'rossi']) {
    it(`${name}: every field, every conf type and level`, () => {
      const data = readDataset(name);
      const cases = datasetCases.filter((c) => c.dataset === name);
      expect(cases.length).toBe(6);
      for (const c of cases) {
        const curve = kaplanMeier(data.time, data.event, {
          confType: c.confType,
          confLevel: c.confLevel,
        });
        expectMatchesR(curve, c);
      }
    });
  }

  for (const name of ['waltons', 'veteran']) {
    it(`${name}: one curve per group, every field`, () => {
      const data = readDataset(name);
      const cases = datasetCases.filter((c) => c.dataset === name);
      expect(cases.length).toBe(12);
      for (const c of cases) {
        const curves = kaplanMeierByGroup(data.time, data.event, data.groupCodes, data.groupNames, {
          confType: c.confType,
          confLevel: c.confLevel,
        });
        expect(curves.map((k) => k.group)).toEqual(data.groupNames);
        const curve = curves.find((k) => k.group === c.group);
        expect(curve, `group ${c.group}`).toBeDefined();
        expectMatchesR(curve!, c);
      }
    });
  }

  it('lung: the values quoted in survival’s documentation', () => {
    // print(survfit(Surv(time, status) ~ 1, data = lung)): median 310, CI 285–363.
    const data = readDataset('lung');
    const curve = kaplanMeier(data.time, data.event);
    expect(curve.median).toEqual({ estimate: 310, lower: 285, upper: 363 });
    expect(curve.confType).toBe('log');
    expect(curve.confLevel).toBe(0.95);
  });
});

describe('kaplanMeier edge cases, against R', () => {
  const names = [...new Set(edgeCases.map((c) => c.dataset))].filter(
    (name) => !name.startsWith('random_'),
  );
  it('covers the edge cases', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'all_censored',
        'all_events',
        'ties_event_and_censor',
        'single_event',
        'single_censored',
        'reaches_zero',
        'median_plateau',
        'median_last_point',
        'near_equal_times',
      ]),
    );
  });
  for (const name of names) {
    it(name, () => {
      for (const c of edgeCases.filter((k) => k.dataset === name)) {
        const curve = kaplanMeier(
          Float64Array.from(c.inputTime!),
          Uint8Array.from(c.inputStatus!),
          { confType: c.confType, confLevel: c.confLevel },
        );
        expectMatchesR(curve, c);
      }
    });
  }

  it('40 seeded random small samples with ties, every conf type', () => {
    const cases = edgeCases.filter((k) => k.dataset.startsWith('random_'));
    expect(cases.length).toBe(120);
    for (const c of cases) {
      const curve = kaplanMeier(Float64Array.from(c.inputTime!), Uint8Array.from(c.inputStatus!), {
        confType: c.confType,
        confLevel: c.confLevel,
      });
      expectMatchesR(curve, c);
    }
  });

  it('a curve reaching 0 has an infinite SE and no log / log-log bounds there', () => {
    const c = edgeCases.find((k) => k.dataset === 'reaches_zero' && k.confType === 'log')!;
    const curve = kaplanMeier(Float64Array.from(c.inputTime!), Uint8Array.from(c.inputStatus!));
    const last = curve.time.length - 1;
    expect(curve.survival[last]).toBe(0);
    expect(curve.stdErr[last]).toBe(Infinity);
    expect(curve.lower[last]).toBeNaN();
    expect(curve.upper[last]).toBeNaN();
  });

  it('log-log has no bounds while S = 1; plain bounds stay within [0, 1]', () => {
    const time = Float64Array.of(1, 1, 2, 3, 4, 5);
    const event = Uint8Array.of(0, 0, 1, 0, 1, 1);
    const loglog = kaplanMeier(time, event, { confType: 'log-log' });
    expect(loglog.survival[0]).toBe(1);
    expect(loglog.lower[0]).toBeNaN();
    const plain = kaplanMeier(time, event, { confType: 'plain' });
    for (let i = 0; i < plain.time.length; i++) {
      if (Number.isNaN(plain.lower[i])) continue;
      expect(plain.lower[i]).toBeGreaterThanOrEqual(0);
      expect(plain.upper[i]).toBeLessThanOrEqual(1);
    }
  });

  it('print(fit) and quantile(fit) differ only when the curve ends at 0.5', () => {
    const differing = reference.cases.filter(
      (c) => JSON.stringify(c.median) !== JSON.stringify(c.printMedian),
    );
    for (const c of differing) {
      const s = c.surv.map(fromR);
      expect(Math.abs(s[s.length - 1] - 0.5), c.dataset).toBeLessThan(1e-8);
    }
    expect(differing.map((c) => c.dataset)).toContain('median_last_point');
  });
});

describe('kaplanMeier inputs and options', () => {
  it('rejects bad input with user-facing errors', () => {
    expect(() => kaplanMeier(new Float64Array(0), new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'survival.no-usable-rows' }),
    );
    expect(() => kaplanMeier(Float64Array.of(1, NaN), Uint8Array.of(1, 1))).toThrow(
      expect.objectContaining({ code: 'survival.invalid-time', params: { row: 2 } }),
    );
    expect(() => kaplanMeier(Float64Array.of(1), Uint8Array.of(1, 0))).toThrow(
      expect.objectContaining({ code: 'survival.length-mismatch' }),
    );
    expect(() => kaplanMeier(Float64Array.of(1), Uint8Array.of(1), { confLevel: 95 })).toThrow(
      expect.objectContaining({ code: 'survival.conf-level-invalid' }),
    );
  });

  it('leaves out rows of group -1 and groups without rows', () => {
    const time = Float64Array.of(1, 2, 3, 4, 5);
    const event = Uint8Array.of(1, 1, 0, 1, 1);
    const curves = kaplanMeierByGroup(time, event, Int32Array.of(0, -1, 0, 2, 2), ['a', 'b', 'c']);
    expect(curves.map((c) => [c.group, c.n])).toEqual([
      ['a', 2],
      ['c', 2],
    ]);
    const single = kaplanMeier(Float64Array.of(1, 3), Uint8Array.of(1, 0), undefined, 'a');
    expect(curves[0]).toEqual(single);
  });

  it('merges near-equal times as survfit’s timefix does, across groups too', () => {
    // sort(unique(c(0.1 + 0.2, 0.3))) differ by 5.6e-17 < sqrt(.Machine$double.eps).
    expect(Array.from(fixTimes(Float64Array.of(0.1 + 0.2, 0.3, 1)))).toEqual([0.3, 0.3, 1]);
    const untouched = Float64Array.of(1, 2, 3);
    expect(fixTimes(untouched)).toBe(untouched);
    const curves = kaplanMeierByGroup(
      Float64Array.of(0.1 + 0.2, 0.3, 0.3, 2),
      Uint8Array.of(1, 1, 0, 1),
      Int32Array.of(0, 1, 0, 1),
      ['a', 'b'],
    );
    expect(Array.from(curves[0].time)).toEqual([0.3]);
    expect(Array.from(curves[0].nEvent)).toEqual([1]);
    expect(Array.from(curves[0].nCensor)).toEqual([1]);
  });

  // Speed is measured by `npm run bench`; here a million rows check that the
  // sorted fast path agrees with a plain per-time tally of the same data.
  it('agrees with a direct tally on a million rows with heavy ties', () => {
    const n = 1_000_000;
    const time = new Float64Array(n);
    const event = new Uint8Array(n);
    let seed = 42;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < n; i++) {
      time[i] = Math.round(-Math.log(1 - random()) * 100);
      event[i] = random() < 0.7 ? 1 : 0;
    }
    const curve = kaplanMeier(time, event);
    expect(curve.n).toBe(n);
    expect(curve.nRisk[0]).toBe(n);

    const tally = new Map<number, { d: number; c: number }>();
    for (let i = 0; i < n; i++) {
      const t = tally.get(time[i]) ?? { d: 0, c: 0 };
      if (event[i]) t.d++;
      else t.c++;
      tally.set(time[i], t);
    }
    const times = [...tally.keys()].sort((a, b) => a - b);
    expect(Array.from(curve.time)).toEqual(times);
    let atRisk = n;
    let s = 1;
    times.forEach((t, j) => {
      const { d, c } = tally.get(t)!;
      expect(curve.nRisk[j]).toBe(atRisk);
      s *= 1 - d / atRisk;
      expect(curve.survival[j]).toBeCloseTo(s, 12);
      atRisk -= d + c;
    });
  });
});

describe('numberAtRisk and niceRiskTimes', () => {
  it('counts at risk before, at, between and after the observed times', () => {
    const curve = kaplanMeier(Float64Array.of(1, 2, 3, 4), Uint8Array.of(1, 1, 0, 1));
    // summary(survfit(Surv(c(1,2,3,4), c(1,1,0,1)) ~ 1), times = c(0,0.5,1,2.5,4,10),
    //   extend = TRUE)$n.risk is 4 4 4 2 1 0.
    expect(numberAtRisk(curve, [0, 0.5, 1, 2.5, 4, 10])).toEqual([4, 4, 4, 2, 1, 0]);
  });

  it('picks round ticks from 0 to the last time', () => {
    expect(niceRiskTimes(1022)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceRiskTimes(52)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceRiskTimes(1.3, 4)).toEqual([0, 0.5, 1]);
    expect(niceRiskTimes(0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceRiskTimes(0)).toEqual([0]);
  });
});
