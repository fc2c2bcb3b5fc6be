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
});
