// The Personas charts compile with Vega-Lite, parse with the Vega the page
// loads (src/lib/charts/vega-lean.js) in AST mode and run headless with the
// CSP-safe expression interpreter the page uses: the sweep with the
// suggested k marked and an unscored k left out, and the heatmap's cells.
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { parse, View } from '../../src/lib/charts/vega-lean';
import { heatmapSpec, sweepSpec } from '../../src/lib/charts/personas';

async function data(spec: TopLevelSpec, name: string): Promise<Record<string, unknown>[]> {
  const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const rows = view.data(name) as Record<string, unknown>[];
  view.finalize();
  return rows;
}

describe('personas charts', () => {
  it('draws the sweep with the suggested k marked and an unscored k left out', async () => {
    const spec = sweepSpec(
      {
        points: [
          { k: 2, value: 0.31 },
          { k: 3, value: 0.42 },
          { k: 4, value: null },
          { k: 5, value: 0.28 },
        ],
        suggestedK: 3,
      },
      { k: 'k', value: 'Silhouette', suggested: 'suggested' },
    );
    const rows = await data(spec, 'sweep');
    expect(rows.map((r) => r.k)).toEqual([2, 3, 5]);
    expect(rows.filter((r) => r.suggested === 'suggested').map((r) => r.k)).toEqual([3]);
    expect(rows.map((r) => r.valueText)).toEqual(['0.31', '0.42', '0.28']);
  });

  it('draws one heatmap cell per persona and column with its z and means', async () => {
    const spec = heatmapSpec(
      {
        personas: ['Young (60)', 'Older (40)'],
        features: ['age', 'channel = online'],
        z: [
          [-0.8, 0.5],
          [1.2, -0.75],
        ],
        means: [
          [32, 0.6],
          [55, 0.1],
        ],
        bookMeans: [41.2, 0.4],
      },
      { persona: 'Persona', feature: 'Feature', z: 'z', personaMean: 'Mean', bookMean: 'Book' },
    );
    const rows = await data(spec, 'profile');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatchObject({
      persona: 'Older (40)',
      feature: 'age',
      z: 1.2,
      meanText: '55',
      bookText: '41.2',
    });
  });
});
