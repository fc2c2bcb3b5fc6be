// 'kaplan-meier': a Survival cell's analysis of a stored dataset —
// Kaplan–Meier curves, one per group; with a group, the comparison of the
// curves (G-rho test, strata, pairwise, trend); each curve read at chosen
// times, its restricted mean up to τ, and its Nelson–Aalen cumulative
// hazard. Runs in the compute worker.

import { EngineError } from '../../engine/data/table';
import { kaplanMeierByGroup } from '../../engine/survival/kaplanMeier';
import { logrankTable } from '../../engine/survival/logrank';
import { survivalInputs } from '../../engine/survival/prepare';
import { nelsonAalen, restrictedMean, survivalAt } from '../../engine/survival/summaries';
import type { SurvivalResult } from '../protocol';
import { transferring } from '../transfer';
import { toWorkerError } from '../host';
import { loadTable, type ComputeHandler } from './common';

export const kaplanMeier: ComputeHandler<'kaplan-meier'> = async (params, context) => {
  const table = await loadTable(params.datasetId, context);
  await context.progress.report(0, 1);
  const { settings } = params;
  const inputs = survivalInputs(table, settings);
  const curves = kaplanMeierByGroup(
    inputs.time,
    inputs.event,
    inputs.groupCodes,
    inputs.groupNames,
    settings.options,
  );
  // The curves are shown even when the groups cannot be compared (one group
  // with rows, no events): the test's trouble is its own line under the chart.
  let test: SurvivalResult['test'] = null;
  if (settings.group && settings.test) {
    try {
      test = logrankTable(table, {
        duration: settings.duration,
        event: settings.event,
        eventValues: settings.eventValues,
        group: settings.group,
        strata: settings.test.strata,
        rho: settings.test.rho,
        pairwise: settings.test.pairwise,
        trend: settings.test.trend,
      });
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      test = { error: toWorkerError(error) };
    }
  }
  const times = settings.times ?? [];
  const tau = settings.tau ?? null;
  const cumulativeHazards = curves.map((c) => nelsonAalen(c));
  await context.progress.report(1, 1);
  const result: SurvivalResult = {
    curves,
    excluded: inputs.excluded,
    test,
    atTimes: times.length > 0 ? curves.map((c) => survivalAt(c, times)) : null,
    restrictedMeans: tau === null ? null : curves.map((c) => restrictedMean(c, tau)),
    cumulativeHazards,
  };
  // Each curve's arrays are made for it (never views of the cached table's
  // columns, which `inputs` may be), so they can move; a curve has as many
  // rows as distinct times, up to the table's row count.
  const arrays = [
    ...curves.flatMap((c) => [
      c.time,
      c.nRisk,
      c.nEvent,
      c.nCensor,
      c.survival,
      c.stdErr,
      c.lower,
      c.upper,
    ]),
    ...cumulativeHazards.flatMap((h) => [h.cumhaz, h.stdChaz, h.lower, h.upper]),
  ];
  return transferring(result, arrays);
};
