// The cohort charts compile with Vega-Lite and run headless with the
// CSP-safe interpreter the page uses: the heatmap keeps complete cells,
// fades and stars partial ones, leaves future ones out and ends with the
// average row; the curves go through complete cells only.
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { parse, View } from '../../src/lib/charts/vega-lean';
import {
  cohortCurvesSpec,
  cohortHeatmapSpec,
  heatmapWritesValues,
  MAX_LEGEND_COHORTS,
  MAX_WRITTEN_CELLS,
  type CohortChartInput,
} from '../../src/lib/charts/cohorts';
import { COMPLETE, FUTURE, PARTIAL } from '../../src/lib/engine/lifecycle/cohorts';

const LABELS = {
  cohort: 'Cohort',
  period: 'Months since start',
  value: 'Retained',
  average: 'Average',
  partial: 'not complete',
};
const input: CohortChartInput = {
  cohorts: ['2024-01 · 2', '2024-02 · 1'],
  columns: ['0', '1', '2'],
  values: [1, 0.5, 0.5, 1, 0, 0],
  states: [COMPLETE, COMPLETE, PARTIAL, COMPLETE, PARTIAL, FUTURE],
  average: [1, 0.5, NaN],
};
const pct = (v: number) => `${Math.round(v * 100)}%`;

async function rows(spec: TopLevelSpec): Promise<Record<string, unknown>[]> {
  const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const out = view.data('cells') as Record<string, unknown>[];
  view.finalize();
  return out;
}

describe('cohort charts', () => {
  it('heatmap: partial cells starred, future ones left out, the average row last', async () => {
    const got = (await rows(cohortHeatmapSpec(input, LABELS, pct))).map((r) => [
      r.cohort,
      r.column,
      r.text,
      r.complete,
    ]);
    expect(got).toEqual([
      ['2024-01 · 2', '0', '100%', true],
      ['2024-01 · 2', '1', '50%', true],
      ['2024-01 · 2', '2', '50%*', false],
      ['2024-02 · 1', '0', '100%', true],
      ['2024-02 · 1', '1', '0%*', false],
      ['Average', '0', '100%', true],
      ['Average', '1', '50%', true],
    ]);
    expect(JSON.stringify(cohortHeatmapSpec(input, LABELS, pct))).not.toContain('expr');
  });

  it('curves: through complete cells only', async () => {
    const got = (await rows(cohortCurvesSpec(input, LABELS, pct))).map((r) => [r.cohort, r.at]);
    expect(got).toEqual([
      ['2024-01 · 2', 0],
      ['2024-01 · 2', 1],
      ['2024-02 · 1', 0],
      ['Average', 0],
      ['Average', 1],
    ]);
  });

  // A triangle of n monthly cohorts, as an 11-year log gives (n = 132): the
  // last cohort has only period 0, every cohort's last period is partial.
  function triangle(n: number): CohortChartInput {
    const values: number[] = [];
    const states: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const begun = j < n - i;
        values.push(begun ? 1 / (1 + j) : NaN);
        states.push(!begun ? FUTURE : j === n - i - 1 ? PARTIAL : COMPLETE);
      }
    }
    return {
      cohorts: Array.from({ length: n }, (_, i) => `c${i}`),
      columns: Array.from({ length: n }, (_, j) => String(j)),
      values,
      states,
      average: Array.from({ length: n }, (_, j) => 1 / (1 + j)),
    };
  }

  it('a grid too large to write in: no text, a colour legend, a canvas; every cell still there', async () => {
    // 48 cohorts: 1,176 begun cells and the average row's 48 → 1,224 cells.
    const large = triangle(48);
    const small = triangle(47);
    expect(heatmapWritesValues(small)).toBe(true);
    expect(heatmapWritesValues(large)).toBe(false);
    const spec = cohortHeatmapSpec(large, LABELS, pct) as unknown as {
      layer: { mark: { type: string } }[];
      usermeta?: { embedOptions: { renderer: string } };
    };
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['rect']);
    expect(spec.usermeta?.embedOptions.renderer).toBe('canvas');
    const drawn = await rows(cohortHeatmapSpec(large, LABELS, pct));
    expect(drawn).toHaveLength((48 * 49) / 2 + 48);
    expect(drawn.length).toBeGreaterThan(MAX_WRITTEN_CELLS);
    const written = cohortHeatmapSpec(small, LABELS, pct) as unknown as typeof spec;
    expect(written.layer.map((l) => l.mark.type)).toEqual(['rect', 'text']);
    expect(written.usermeta).toBeUndefined();
  });

  it('curves of many cohorts: thin lines without points or legend, on a canvas', async () => {
    const many = triangle(MAX_LEGEND_COHORTS + 1);
    const spec = cohortCurvesSpec(many, LABELS, pct) as unknown as {
      mark: { type: string };
      layer?: unknown;
      usermeta?: { embedOptions: { renderer: string } };
      encoding: { color: { legend: unknown } };
    };
    expect(spec.mark.type).toBe('line');
    expect(spec.layer).toBeUndefined();
    expect(spec.encoding.color.legend).toBeNull();
    expect(spec.usermeta?.embedOptions.renderer).toBe('canvas');
    // Complete cells only, as with few cohorts.
    const drawn = await rows(cohortCurvesSpec(many, LABELS, pct));
    const n = MAX_LEGEND_COHORTS + 1;
    expect(drawn).toHaveLength((n * (n - 1)) / 2 + n);
    const few = cohortCurvesSpec(triangle(MAX_LEGEND_COHORTS), LABELS, pct) as unknown as {
      layer: unknown[];
    };
    expect(few.layer).toHaveLength(2);
  });
});
