// The Kaplan–Meier chart spec compiles with Vega-Lite, parses with Vega and
// runs headless with the CSP-safe expression interpreter the page uses.
import { readFileSync } from 'node:fs';
import { parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { kaplanMeierSpec, riskTable } from '../../src/lib/charts/survival';
import {
  kaplanMeier,
  kaplanMeierByGroup,
  type KaplanMeierResult,
} from '../../src/lib/engine/survival/kaplanMeier';

const LABELS = { time: 'Days', survival: 'Survival', group: 'Group', censored: 'Censored' };

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

async function run(curves: KaplanMeierResult[]) {
  const spec = kaplanMeierSpec(curves, LABELS);
  const vg = compile(spec).spec;
  const view = new View(parse(vg, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const sources = (vg.data ?? []).filter((d) => 'values' in d).map((d) => d.name);
  return { spec, vg, view, sources };
}

describe('kaplanMeierSpec', () => {
  it('runs in a headless view with one point per step and per censoring time', async () => {
    const curve = lung();
    const { view, sources } = await run([curve]);
    const sizes = sources.map((name) => view.data(name).length).sort((a, b) => a - b);
    const censorTimes = Array.from(curve.nCensor).filter((c) => c > 0).length;
    // One row per distinct time plus the start at S = 1; and the censoring marks.
    expect(sizes).toEqual([censorTimes, curve.time.length + 1].sort((a, b) => a - b));
    const rows = view.data(sources.find((n) => view.data(n).length === curve.time.length + 1)!);
    expect(rows[0]).toMatchObject({ time: 0, survival: 1, atRisk: 228 });
    expect(rows[1]).toMatchObject({ time: 5, atRisk: 228 });
    view.finalize();
  });

  it('colours groups with a legend, y fixed to [0, 1], container width', async () => {
    const curves = waltons();
    const { spec, vg, view, sources } = await run(curves);
    const total = curves.reduce((sum, c) => sum + c.time.length + 1, 0);
    const sizes = sources.map((name) => view.data(name).length);
    expect(sizes).toContain(total);
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
