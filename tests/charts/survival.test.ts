// The Kaplan–Meier chart spec compiles with Vega-Lite, parses with the Vega
// the page loads (src/lib/charts/vega-lean.js, vega less unused transforms)
// and runs headless with the CSP-safe expression interpreter the page uses
// (src/lib/charts/vega-interpreter.js).
// Thinned marks are checked against the full curve: the drawn step function
// is within a pixel of it at every time, and every censoring is counted in one mark.
import { readFileSync } from 'node:fs';
import { version as fullVegaVersion } from 'vega';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { parse, View, version as leanVegaVersion } from '../../src/lib/charts/vega-lean';
import {
  CELLS,
  DENSE_MARKS,
  TOLERANCE,
  kaplanMeierSpec,
  riskTable,
} from '../../src/lib/charts/survival';
import {
  kaplanMeier,
  kaplanMeierByGroup,
  type KaplanMeierResult,
} from '../../src/lib/engine/survival/kaplanMeier';

const LABELS = { time: 'Days', survival: 'Survival', group: 'Group', censored: 'Censored' };

interface Row {
  group: string;
  time: number;
  survival: number;
  lower: number | null;
  upper: number | null;
  censored: number;
  times?: string;
  tip?: Record<string, string>;
}

function readCsv(name: string): string[][] {
  const url = new URL(`../fixtures/r/data/${name}.csv`, import.meta.url);
  return readFileSync(url, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

function lung(): KaplanMeierResult {
  const rows = readCsv('lung');
  return kaplanMeier(
    Float64Array.from(rows, (r) => Number(r[0])),
    Uint8Array.from(rows, (r) => Number(r[1])),
  );
}

function waltons(): KaplanMeierResult[] {
  const rows = readCsv('waltons');
  const names = [...new Set(rows.map((r) => r[2]))].sort();
  return kaplanMeierByGroup(
    Float64Array.from(rows, (r) => Number(r[0])),
    Uint8Array.from(rows, (r) => Number(r[1])),
    Int32Array.from(rows, (r) => names.indexOf(r[2])),
    names,
    { confType: 'log-log' },
  );
}

/**
 * A book shaped like the insurance sample: 5,000 policies in four channels,
 * tenures in days ÷ 30.4375 to 2 dp (so nearly every day is its own time),
 * ~60% censored. A seeded linear congruential generator keeps it reproducible.
 */
function largeBook(): KaplanMeierResult[] {
  let state = 2025;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const n = 5000;
  const time = new Float64Array(n);
  const event = new Uint8Array(n);
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const days = 1 + Math.floor(random() * 4000);
    time[i] = Math.round((days / 30.4375) * 100) / 100;
    event[i] = random() < 0.4 ? 1 : 0;
    group[i] = Math.floor(random() * 4);
  }
  return kaplanMeierByGroup(time, event, group, ['agent', 'bancassurance', 'broker', 'online']);
}

async function run(curves: KaplanMeierResult[]) {
  const spec = kaplanMeierSpec(curves, LABELS);
  const vg = compile(spec).spec;
  const view = new View(parse(vg, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  return {
    spec,
    vg,
    view,
    rows: view.data('steps') as Row[],
    marks: view.data('censored') as Row[],
    tips: view.data('tooltips') as Row[],
  };
}

/** The kept rows of one curve, read as a step-after function at time t. */
function stepAt(rows: Row[], t: number): Row {
  let found = rows[0];
  for (const row of rows) if (row.time <= t) found = row;
  return found;
}

/** Within TOLERANCE of the full curve's value (null where it is undefined). */
function expectNear(drawn: number | null, value: number): void {
  if (!Number.isFinite(value)) expect(drawn).toBeNull();
  else expect(Math.abs(drawn! - value)).toBeLessThan(TOLERANCE);
}

/**
 * Every kept row is the curve's own; the step drawn through them is within
 * TOLERANCE of the full curve at every time; every censoring is counted in
 * one mark at a censoring time; every tooltip point is a kept row.
 */
function expectFaithful(curve: KaplanMeierResult, rows: Row[], marks: Row[], tips: Row[]): void {
  const group = curve.group ?? '';
  const own = rows.filter((r) => r.group === group);
  const ownMarks = marks.filter((m) => m.group === group);
  expect(own[0]).toMatchObject({ survival: 1, lower: 1, upper: 1 });
  expect(own.at(-1)!.time).toBe(curve.time[curve.time.length - 1]);
  for (const row of own.slice(1)) {
    const i = curve.time.indexOf(row.time);
    expect(row.survival).toBe(curve.survival[i]);
    expect(row.lower).toBe(Number.isFinite(curve.lower[i]) ? curve.lower[i] : null);
  }
  for (let i = 0; i < curve.time.length; i++) {
    const drawn = stepAt(own, curve.time[i]);
    expectNear(drawn.survival, curve.survival[i]);
    expectNear(drawn.lower, curve.lower[i]);
    expectNear(drawn.upper, curve.upper[i]);
  }
  const ownTips = tips.filter((t) => t.group === group);
  expect(ownTips.length).toBeLessThanOrEqual(CELLS + 1);
  for (const tip of ownTips) expect(own.some((r) => r.time === tip.time)).toBe(true);
  // Each mark sits at one of the curve's censoring times, on the curve there.
  for (const mark of ownMarks) {
    const i = curve.time.indexOf(mark.time);
    expect(curve.nCensor[i]).toBeGreaterThan(0);
    expect(mark.survival).toBe(curve.survival[i]);
  }
  const censored = curve.nCensor.reduce((sum, c) => sum + c, 0);
  expect(ownMarks.reduce((sum, m) => sum + m.censored, 0)).toBe(censored);
  expect(ownMarks.length).toBeLessThanOrEqual(CELLS);
}

describe('kaplanMeierSpec', () => {
  it('runs in a headless view: a row per visible step, censorings in marks', async () => {
    const curve = lung();
    const { spec, view, rows, marks, tips } = await run([curve]);
    expectFaithful(curve, rows, marks, tips);
    // lung (228 patients) has 186 distinct times, 47 with censorings only (S
    // unchanged): its steps are all larger than a pixel, so every event time stays.
    const changes = Array.from(curve.nEvent).filter((d) => d > 0).length;
    const lastIsEvent = curve.nEvent[curve.nEvent.length - 1] > 0;
    expect(rows.length).toBe(1 + changes + (lastIsEvent ? 0 : 1));
    expect(rows[0]).toMatchObject({ time: 0, survival: 1, atRisk: 228 });
    expect(rows[1]).toMatchObject({ time: 5, atRisk: 228 });
    // A tooltip point shows its step's own numbers, formatted.
    const i = curve.time.indexOf(tips[1].time);
    expect(tips[1].tip).toEqual({
      Days: String(curve.time[i]),
      Survival: curve.survival[i].toFixed(3),
      'Lower CI': curve.lower[i].toFixed(3),
      'Upper CI': curve.upper[i].toFixed(3),
      'At risk': String(curve.nRisk[i]),
      Censored: String(curve.nCensor[i]),
    });
    // Few marks: SVG, as vega-embed's default.
    expect((spec as { usermeta?: unknown }).usermeta).toBeUndefined();
    view.finalize();
  });

  it('merges censorings closer than a cell into one mark with their count and times', async () => {
    // Censored at 10, 10.001 and 10.002 of a time axis to 100: one cell.
    const curve = kaplanMeier(
      Float64Array.of(5, 10, 10.001, 10.002, 50, 100),
      Uint8Array.of(1, 0, 0, 0, 1, 1),
    );
    const { marks } = await run([curve]);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ time: 10, censored: 3, times: '10–10.002' });
    expect(marks[0].tip).toEqual({ Days: '10–10.002', Censored: '3' });
    expect(marks[0].survival).toBe(curve.survival[1]);
  });

  it('a 5,000-policy book: at most one mark per cell, fewer steps, canvas', async () => {
    const curves = largeBook();
    const { spec, view, rows, marks, tips } = await run(curves);
    for (const curve of curves) expectFaithful(curve, rows, marks, tips);
    const times = curves.reduce((sum, c) => sum + c.time.length, 0);
    const censorTimes = curves.reduce(
      (sum, c) => sum + Array.from(c.nCensor).filter((n) => n > 0).length,
      0,
    );
    // Without thinning: a step row per time and a mark per censoring time.
    expect(times + censorTimes).toBeGreaterThan(5000);
    expect(marks.length).toBeLessThanOrEqual(4 * CELLS);
    expect(rows.length).toBeLessThan(times * 0.25);
    expect(tips.length + marks.length).toBeGreaterThan(DENSE_MARKS);
    expect(spec).toMatchObject({ usermeta: { embedOptions: { renderer: 'canvas' } } });
    view.finalize();
  });

  it('colours groups with a legend, y fixed to [0, 1], container width', async () => {
    const curves = waltons();
    const { spec, vg, view, rows, marks, tips } = await run(curves);
    for (const curve of curves) expectFaithful(curve, rows, marks, tips);
    expect(JSON.stringify(spec)).toContain('"step-after"');
    expect((spec as { width?: unknown }).width).toBe('container');
    const legends = (vg.legends ?? []).map((l) => l.title);
    expect(legends).toContain('Group');
    const yScale = vg.scales!.find((s) => s.name === 'y')!;
    expect(yScale.domain).toEqual([0, 1]);
    const colour = vg.scales!.find((s) => s.name === 'color')!;
    expect(view.scale('color').domain()).toEqual(['control', 'miR-137']);
    expect(colour).toBeDefined();
    view.finalize();
  });

  it('keeps NA bounds as null so the band breaks instead of dropping to 0', () => {
    const curve = kaplanMeier(Float64Array.of(1, 2, 2, 3, 3), Uint8Array.of(1, 1, 0, 1, 1));
    const spec = kaplanMeierSpec([curve], LABELS) as { data: { values: { lower: unknown }[] } };
    expect(spec.data.values.map((r) => r.lower)).toEqual([1, curve.lower[0], curve.lower[1], null]);
    expect(JSON.stringify(spec)).not.toMatch(/"url"/);
  });
});

describe('the Vega the page loads', () => {
  it("is vega's own entry, of the installed version", () => {
    expect(leanVegaVersion).toBe(fullVegaVersion);
  });
});

describe('riskTable', () => {
  it('gives the numbers at risk per curve', () => {
    const curves = waltons();
    const table = riskTable(curves, [0, 30, 60, 90]);
    expect(table.map((r) => r.group)).toEqual(['control', 'miR-137']);
    // summary(survfit(Surv(time, status) ~ group, waltons), times = c(0, 30, 60, 90),
    //   extend = TRUE)$n.risk in R 4 / survival 3.5-3.
    expect(table.map((r) => r.counts)).toEqual([
      [129, 126, 63, 0],
      [34, 8, 2, 0],
    ]);
  });
});
