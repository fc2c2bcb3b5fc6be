// Competing risks against R. Every expected value comes from
// tests/fixtures/r/competing-reference.json, written by
// tests/fixtures/r/make-competing.R (R 4, cmprsk 2.2-11): per dataset the
// call cmprsk::cuminc(time, cause, group, cencode = <censored>) — each
// curve's corner points $time, $est, $var (cmprsk's variance) and $Tests
// (Gray's test: stat, pv, df) — and cuminc(time, cause, cencode = ...)
// without groups.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/lib/engine/data/table';
import {
  cumulativeIncidenceTable,
  type IncidenceCurve,
} from '../../../src/lib/engine/survival/competing';
import { readFixtureTable } from './fixtureTable';

interface RCurve {
  name: string;
  time: number[];
  est: number[];
  var: number[];
}
interface RCase {
  dataset: string;
  file: string;
  time: string;
  censored: string;
  call: string;
  curves: RCurve[];
  overall: RCurve[];
  tests: { causes: string[]; stat: number[]; pv: number[]; df: number[] };
}

const dir = 'tests/fixtures/r';
const cases: RCase[] = JSON.parse(readFileSync(`${dir}/competing-reference.json`, 'utf8'));

function close(actual: number, expected: number, rel = 1e-9, abs = 1e-15): void {
  if (!(Math.abs(actual - expected) <= rel * Math.abs(expected) + abs))
    expect.fail(`${actual} vs R ${expected}`);
}

/** cinc's corner points: x = 0, then each event time twice (before and after the jump), then the last follow-up. */
function checkCurve(curve: IncidenceCurve, r: RCurve): void {
  const k = curve.time.length;
  expect(r.time.length).toBe(2 * k + 2);
  for (let j = 0; j < k; j++) {
    close(curve.time[j], r.time[2 * j + 2]);
    close(curve.estimate[j], r.est[2 * j + 2]);
    close(curve.variance[j], r.var[2 * j + 2]);
    // Before the jump: the previous value.
    close(j === 0 ? 0 : curve.estimate[j - 1], r.est[2 * j + 1]);
  }
  close(curve.maxTime, r.time[2 * k + 1]);
}

describe('cumulative incidence and Gray’s test against cmprsk::cuminc', () => {
  for (const c of cases) {
    describe(c.call, () => {
      const table = readFixtureTable(`${dir}/data/${c.file}`);
      const result = cumulativeIncidenceTable(table, {
        duration: c.time,
        cause: 'cause',
        censoredValue: c.censored,
        group: 'group',
      });
      it('per group and cause: estimates and cmprsk variances at every event time', () => {
        expect(result.causes).toEqual(c.tests.causes);
        expect(result.curves.map((cv) => `${cv.group} ${cv.cause}`)).toEqual(
          c.curves.map((r) => r.name),
        );
        result.curves.forEach((cv, i) => checkCurve(cv, c.curves[i]));
      });
      it('Gray’s test per cause: stat, p, df', () => {
        result.tests.forEach((t, i) => {
          expect(t.cause).toBe(c.tests.causes[i]);
          close(t.stat, c.tests.stat[i]);
          // R's pv is 1 - pchisq(...): absolute precision only.
          close(t.p, c.tests.pv[i], 1e-9, 1e-14);
          expect(t.df).toBe(c.tests.df[i]);
        });
      });
      it('without groups', () => {
        const overall = cumulativeIncidenceTable(table, {
          duration: c.time,
          cause: 'cause',
          censoredValue: c.censored,
        });
        expect(overall.tests).toEqual([]);
        expect(overall.curves.map((cv) => `1 ${cv.cause}`)).toEqual(c.overall.map((r) => r.name));
        overall.curves.forEach((cv, i) => checkCurve(cv, c.overall[i]));
      });
    });
  }

  it('the causes’ incidences and the all-cause Kaplan–Meier add up to 1', () => {
    const table = readFixtureTable(`${dir}/data/competing-constructed.csv`);
    const { curves } = cumulativeIncidenceTable(table, {
      duration: 'time',
      cause: 'cause',
      censoredValue: 'censored',
    });
    const at = (cv: IncidenceCurve, t: number) => {
      let v = 0;
      for (let j = 0; j < cv.time.length && cv.time[j] <= t; j++) v = cv.estimate[j];
      return v;
    };
    // All-cause KM by hand at t = 8.
    const time = (table.columns[0] as { values: Float64Array }).values;
    const cause = table.columns[1] as { codes: Int32Array; dictionary: readonly string[] };
    const censored = cause.dictionary.indexOf('censored');
    const times = [...new Set(time)].sort((a, b) => a - b).filter((t) => t <= 8);
    let s = 1;
    for (const t of times) {
      let risk = 0;
      let d = 0;
      for (let i = 0; i < time.length; i++) {
        if (time[i] >= t) risk++;
        if (time[i] === t && cause.codes[i] !== censored) d++;
      }
      s *= 1 - d / risk;
    }
    expect(curves.reduce((sum, cv) => sum + at(cv, 8), 0) + s).toBeCloseTo(1, 12);
  });

  it('a censored value that is the only value: no causes', () => {
    const table = readFixtureTable(`${dir}/data/competing-constructed.csv`);
    try {
      cumulativeIncidenceTable(
        {
          ...table,
          columns: table.columns.map((c) =>
            c.name === 'cause'
              ? { ...c, dictionary: ['x'], codes: new Int32Array(table.rowCount) }
              : c,
          ),
        } as never,
        { duration: 'time', cause: 'cause', censoredValue: 'x' },
      );
      expect.fail('no error');
    } catch (error) {
      expect((error as EngineError).code).toBe('competing.no-causes');
    }
  });
});
