// Curve summaries against R. Every expected value comes from
// tests/fixtures/r/summaries-reference.json, written by
// tests/fixtures/r/make-logrank.R (R 4.2.2, survival 3.5-3). Each case
// records its fit, e.g. survfit(Surv(time, status) ~ 1, conf.type = 'log-log',
// conf.int = 0.9, ctype = 1), and from it summary(fit, times = c(...),
// extend = TRUE), survival:::survmean(fit, rmean = tau) (what
// print(fit, rmean = tau) shows) and fit$cumhaz, fit$std.chaz with the bounds
// -log(upper), -log(lower) of survfit(..., stype = 2, ctype = 1).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  kaplanMeier,
  kaplanMeierByGroup,
  type ConfType,
  type KaplanMeierResult,
} from '../../../src/lib/engine/survival/kaplanMeier';
import {
  nelsonAalen,
  restrictedMean,
  survivalAt,
} from '../../../src/lib/engine/survival/summaries';

type RNumber = number | null | 'Inf' | '-Inf';
interface RCase {
  dataset: string;
  group: string | null;
  confType: ConfType;
  confLevel: number;
  call: string;
  input?: { time: number[]; status: number[] };
  summary: {
    call: string;
    times: number[];
    time: number[];
    surv: RNumber[];
    stdErr: RNumber[];
    lower: RNumber[];
    upper: RNumber[];
    nRisk: number[];
    nEvent: number[];
    nCensor: number[];
    cumhaz: RNumber[];
    stdChaz: RNumber[];
  };
  rmean: { tau: number; rmean: number; se: number }[];
  nelsonAalen: {
    call: string;
    time: number[];
    cumhaz: number[];
    stdChaz: number[];
    fhCumhaz: number[];
    lower: RNumber[];
    upper: RNumber[];
  };
}

const FIXTURES = new URL('../../fixtures/r/', import.meta.url);
const reference: { cases: RCase[] } = JSON.parse(
  readFileSync(new URL('summaries-reference.json', FIXTURES), 'utf8'),
);

function fromR(v: RNumber): number {
  if (v === null) return NaN;
  if (v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return v;
}

let largest = 0;
function expectClose(actual: number, expected: RNumber, what: string): void {
  const want = fromR(expected);
  if (Number.isNaN(want) || !Number.isFinite(want)) {
    expect(actual, what).toBe(want);
    return;
  }
  // Relative 1e-10; values R gives as 0 (or rounding away from 0) to 1e-13.
  const error = Math.abs(actual - want);
  if (Math.abs(want) > 1e-3) largest = Math.max(largest, error / Math.abs(want));
  expect(error, `${what}: ${actual} vs R ${want}`).toBeLessThanOrEqual(
    Math.max(1e-10 * Math.abs(want), 1e-13),
  );
}

function expectAll(actual: ArrayLike<number>, expected: readonly RNumber[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i], `${what}[${i}]`);
}

function readCsv(name: string): Record<string, string[]> {
  const lines = readFileSync(new URL(`data/logrank_${name}.csv`, FIXTURES), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  return Object.fromEntries(header.map((h, j) => [h, rows.map((r) => r[j])]));
}

const GROUP_COLUMN: Record<string, string | null> = {
  lung: null,
  rossi: null,
  veteran: 'trt',
  gbsg2: 'horTh',
};

/** The engine's curve for a reference case. */
function curveFor(c: RCase): KaplanMeierResult {
  const options = { confType: c.confType, confLevel: c.confLevel };
  if (c.input) {
    return kaplanMeier(Float64Array.from(c.input.time), Uint8Array.from(c.input.status), options);
  }
  const data = readCsv(c.dataset);
  const time = Float64Array.from(data.time, Number);
  const event = Uint8Array.from(data.status, Number);
  const column = GROUP_COLUMN[c.dataset];
  if (column === null) return kaplanMeier(time, event, options);
  const names = [...new Set(data[column])].sort();
  const codes = Int32Array.from(data[column], (g) => names.indexOf(g));
  return kaplanMeierByGroup(time, event, codes, names, options).find((k) => k.group === c.group)!;
}

function check(c: RCase): void {
  const label = `${c.dataset}/${c.group ?? 'all'} ${c.call}`;
  const curve = curveFor(c);

  const at = survivalAt(curve, c.summary.times);
  const s = c.summary;
  const what = `${label} ${s.call}`;
  expect(at.time, what).toEqual(s.time);
  expectAll(at.surv, s.surv, `${what} surv`);
  expectAll(at.stdErr, s.stdErr, `${what} std.err`);
  expectAll(at.lower, s.lower, `${what} lower`);
  expectAll(at.upper, s.upper, `${what} upper`);
  expect(at.nRisk, `${what} n.risk`).toEqual(s.nRisk);
  expect(at.nEvent, `${what} n.event`).toEqual(s.nEvent);
  expect(at.nCensor, `${what} n.censor`).toEqual(s.nCensor);
  expectAll(at.cumhaz, s.cumhaz, `${what} cumhaz`);
  expectAll(at.stdChaz, s.stdChaz, `${what} std.chaz`);

  for (const r of c.rmean) {
    const m = restrictedMean(curve, r.tau);
    const call = `${label} survmean(fit, rmean = ${r.tau})`;
    expect(m.tau).toBe(r.tau);
    expectClose(m.rmean, r.rmean, `${call} rmean`);
    expectClose(m.se, r.se, `${call} se(rmean)`);
  }

  const na = nelsonAalen(curve);
  const n = c.nelsonAalen;
  expect(Array.from(na.time), label).toEqual(n.time);
  expectAll(na.cumhaz, n.cumhaz, `${label} cumhaz`);
  expectAll(na.stdChaz, n.stdChaz, `${label} std.chaz`);
  // stype = 2 changes the survival, not the hazard.
  expect(n.fhCumhaz).toEqual(n.cumhaz);
  expectAll(na.lower, n.lower, `${label} ${n.call} lower`);
  expectAll(na.upper, n.upper, `${label} ${n.call} upper`);
  expect([na.confType, na.confLevel]).toEqual([c.confType, c.confLevel]);
}

const datasetCases = reference.cases.filter((c) => !c.input);
const edgeCases = reference.cases.filter((c) => c.input);

describe('summaries match R on the reference datasets', () => {
  it('has cases for four datasets, per group where there are groups, every conf type and level', () => {
    expect(new Set(datasetCases.map((c) => c.dataset))).toEqual(
      new Set(['lung', 'veteran', 'gbsg2', 'rossi']),
    );
    expect(datasetCases.length).toBe(6 * 6);
  });

  for (const name of ['lung', 'veteran', 'gbsg2', 'rossi']) {
    it(`${name}: survival at times, restricted mean, Nelson–Aalen`, () => {
      for (const c of datasetCases.filter((k) => k.dataset === name)) check(c);
    });
  }

  it('lung: print(fit, rmean = 1022) shows rmean 376, se(rmean) 19.7', () => {
    const c = datasetCases.find((k) => k.dataset === 'lung')!;
    const m = restrictedMean(curveFor(c), 1022);
    expect([Number(m.rmean.toFixed(0)), Number(m.se.toFixed(1))]).toEqual([376, 19.7]);
  });
});

describe('summaries edge cases, against R', () => {
  const names = [...new Set(edgeCases.map((c) => c.dataset))];
  it('covers the edge cases', () => {
    expect(names).toEqual([
      'reaches_zero',
      'censored_first',
      'zero_time',
      'ties',
      'all_censored',
      'single_event',
    ]);
  });
  for (const name of names) {
    it(name, () => {
      for (const c of edgeCases.filter((k) => k.dataset === name)) check(c);
    });
  }

  it('largest relative error against R', () => {
    console.info(`summaries: largest relative error against R ${largest.toExponential(2)}`);
    expect(largest).toBeLessThan(1e-10);
  });
});

describe('summaries inputs', () => {
  const curve = kaplanMeier(Float64Array.of(1, 2, 3, 4), Uint8Array.of(1, 1, 0, 1));

  it('survivalAt sorts the times and drops non-finite ones, as summary.survfit', () => {
    const at = survivalAt(curve, [4, NaN, 1, Infinity, -Infinity]);
    expect(at.time).toEqual([1, 4]);
    // summary(survfit(Surv(c(1,2,3,4), c(1,1,0,1)) ~ 1), times = c(1, 4)):
    // surv 0.75 0; n.risk 4 1; n.event 1 2; n.censor 0 1.
    expect(at.surv).toEqual([0.75, 0]);
    expect(at.nRisk).toEqual([4, 1]);
    expect(at.nEvent).toEqual([1, 2]);
    expect(at.nCensor).toEqual([0, 1]);
    expect(survivalAt(curve, []).time).toEqual([]);
  });

  it('restrictedMean rejects a τ before the start or not finite', () => {
    expect(() => restrictedMean(curve, -1)).toThrow(
      expect.objectContaining({ code: 'survival.rmean-tau-invalid', params: { value: '-1' } }),
    );
    expect(() => restrictedMean(curve, NaN)).toThrow(
      expect.objectContaining({ code: 'survival.rmean-tau-invalid' }),
    );
    // Up to the first time the curve is 1: the area is τ, with no uncertainty.
    expect(restrictedMean(curve, 0.5)).toEqual({ tau: 0.5, rmean: 0.5, se: 0 });
  });
});
