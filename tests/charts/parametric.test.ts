// The parametric survival chart compiles with Vega-Lite, parses with the Vega
// the page loads (src/lib/charts/vega-lean.js) in AST mode and runs headless
// with the CSP-safe expression interpreter the page uses, with the KM steps,
// one row per grid time per fitted curve, and the follow-up rule.
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { parse, View } from '../../src/lib/charts/vega-lean';
import { parametricSpec } from '../../src/lib/charts/parametric';
import { kaplanMeier } from '../../src/lib/engine/survival/kaplanMeier';

const LABELS = {
  time: 'Months',
  survival: 'Survival',
  curve: 'Curve',
  km: 'Kaplan–Meier',
  lastFollowUp: 'Longest follow-up',
};

const km = kaplanMeier(Float64Array.of(2, 3, 3, 5, 8, 9, 12), Uint8Array.of(1, 1, 0, 1, 0, 1, 0));
const grid = Float64Array.from({ length: 7 }, (_, i) => 3 * i);
const curves = [
  { name: 'Weibull', survival: grid.map((t) => Math.exp(-t / 10)), shown: true },
  { name: 'Log-normal', survival: grid.map((t) => 1 / (1 + t / 10)), shown: false },
];

async function run(): Promise<Record<string, Record<string, unknown>[]>> {
  const vg = compile(parametricSpec({ km, grid, curves }, LABELS)).spec;
  const view = new View(parse(vg, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const name of ['km', 'fitted', 'fittedPoints', 'followUp'])
    out[name] = view.data(name) as Record<string, unknown>[];
  view.finalize();
  return out;
}

describe('parametric survival chart', () => {
  it('compiles and runs with KM, the fitted curves and the follow-up rule', async () => {
    const data = await run();
    // S = 1 at 0, then each step that moves the curve, and the last time.
    expect(data.km.map((r) => [r.time, r.survival])).toEqual([
      [0, 1],
      ...Array.from(km.time, (t, i) => [t, km.survival[i]]).filter(
        (_, i, all) => i === all.length - 1 || km.nEvent[i] > 0,
      ),
    ]);
    expect(data.fitted).toHaveLength(14);
    expect(data.fitted.filter((r) => r.series === 'Weibull').map((r) => r.width)).toEqual(
      Array(7).fill(3),
    );
    expect(data.fitted.find((r) => r.series === 'Log-normal' && r.time === 18)).toMatchObject({
      survival: 1 / 2.8,
      width: 1.5,
      survivalText: '0.3571',
    });
    expect(data.followUp).toEqual([expect.objectContaining({ time: 12 })]);
  });

  it('holds no expression of its own and formats tooltips with the caller’s formatter', () => {
    const spec = parametricSpec({ km, grid, curves }, LABELS, (v) => `<${v}>`);
    const text = JSON.stringify(spec);
    expect(text).not.toContain('expr');
    expect(text).toContain('"timeText":"<18>"');
    // One colour legend for KM and the fitted curves together.
    expect(compile(spec).spec.legends).toEqual([expect.objectContaining({ title: 'Curve' })]);
  });
});
