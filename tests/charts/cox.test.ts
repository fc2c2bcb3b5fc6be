// The Cox model charts compile with Vega-Lite, parse with the Vega the page
// loads (src/lib/charts/vega-lean.js) in AST mode and run headless with the
// CSP-safe expression interpreter the page uses: the PH residual plot with
// its smooth (computed by the builder: the lean Vega has no loess) and
// coefficient rule, and the profiles' survival steps.
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { parse, View } from '../../src/lib/charts/vega-lean';
import { coxCurvesSpec, coxResidualSpec, loessLine } from '../../src/lib/charts/cox';

async function run(
  spec: TopLevelSpec,
  names: string[],
): Promise<Record<string, Record<string, unknown>[]>> {
  const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const name of names) out[name] = view.data(name) as Record<string, unknown>[];
  view.finalize();
  return out;
}

const RESIDUAL_LABELS = {
  time: 'Time',
  residual: 'β(t)',
  smooth: 'loess',
  coefficient: 'β',
};
const x = Float64Array.from({ length: 12 }, (_, i) => i / 11);
const residuals = {
  x,
  time: Float64Array.from(x, (v) => v * 100),
  // A line through (0, 1) with slope 2, one NA.
  values: Float64Array.from(x, (v, i) => (i === 5 ? NaN : 1 + 2 * v)),
  beta: 1.5,
};

describe('Cox PH residual chart', () => {
  it('compiles and runs: the points (NA left out), a loess smooth, the coefficient rule', async () => {
    const data = await run(coxResidualSpec(residuals, RESIDUAL_LABELS), [
      'residuals',
      'smooth',
      'coefficient',
    ]);
    expect(data.residuals).toHaveLength(11);
    expect(data.residuals.find((r) => r.x === 1)).toMatchObject({ residual: 3, timeText: '100' });
    expect(data.coefficient).toEqual([expect.objectContaining({ residual: 1.5 })]);
    // A local linear smooth through points on a line is that line, from the first x to the last.
    expect(data.smooth).toHaveLength(40);
    expect(data.smooth[0].x).toBe(0);
    expect(data.smooth[39].x).toBe(1);
    for (const row of data.smooth)
      expect(row.residual as number).toBeCloseTo(1 + 2 * (row.x as number), 10);
  });

  it('smooths as a local fit: a flat cloud stays flat, a step is followed', () => {
    const flat = Array.from({ length: 100 }, (_, i) => ({ x: i / 99, residual: i % 2 ? 1 : -1 }));
    for (const p of loessLine(flat)) expect(Math.abs(p.residual)).toBeLessThan(0.1);
    const step = Array.from({ length: 100 }, (_, i) => ({ x: i / 99, residual: i < 50 ? 0 : 1 }));
    const line = loessLine(step);
    expect(line[0].residual).toBeCloseTo(0, 6);
    expect(line[39].residual).toBeCloseTo(1, 6);
  });

  it('holds no expression of its own; few points draw no smooth', () => {
    expect(JSON.stringify(coxResidualSpec(residuals, RESIDUAL_LABELS))).not.toContain('expr');
    const few = coxResidualSpec(
      { x: [0.1, 0.5], time: [1, 5], values: [1, 2], beta: null },
      RESIDUAL_LABELS,
      (v) => `<${v}>`,
    );
    const text = JSON.stringify(few);
    expect((few as { layer: unknown[] }).layer).toHaveLength(1);
    expect(text).toContain('"timeText":"<5>"');
    expect(compile(few).spec).toBeTruthy();
  });
});

describe('Cox profile curves chart', () => {
  const curves = [
    { name: '1. average', time: [2, 3, 5, 8], survival: [0.9, 0.8, 0.8, 0.5] },
    { name: '2. online', time: [2, 3, 5, 8], survival: [0.8, 0.6, 0.6, 0.2] },
  ];
  it('compiles and runs: steps from S = 1 at 0, flat steps dropped but the last kept', async () => {
    const data = await run(
      coxCurvesSpec(curves, { time: 'Months', survival: 'Survival', profile: 'Profile' }),
      ['curves'],
    );
    expect(
      data.curves.filter((r) => r.series === '1. average').map((r) => [r.time, r.survival]),
    ).toEqual([
      [0, 1],
      [2, 0.9],
      [3, 0.8],
      [8, 0.5],
    ]);
    expect(data.curves).toHaveLength(8);
    const spec = coxCurvesSpec(curves, {
      time: 'Months',
      survival: 'Survival',
      profile: 'Profile',
    });
    expect(JSON.stringify(spec)).not.toContain('expr');
    expect(compile(spec).spec.legends).toEqual([expect.objectContaining({ title: 'Profile' })]);
  });
});
