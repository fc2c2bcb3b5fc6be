// Stepwise selection of a logistic model's terms by AIC, as R's
// step(fit, scope = list(lower = ~1, upper = <full model>), direction = …)
// does it with drop1/add1. Pure; runs in the compute worker and in Node.
//
// Each step compares the current model with every allowed one-term change
// and takes the change with the lowest AIC; it stops when no change lowers
// it. R's rules, kept because analysts compare against them:
//   - marginality: a main effect is not dropped while an interaction
//     containing it is in the model; an interaction is added only when both
//     its main effects are in;
//   - backward/both start from the full model, forward from the intercept;
//   - a term whose removal does not change the rank (all its columns
//     aliased) is removed first, whatever the AIC (drop1's Df = 0);
//   - ties go to "no change", then to the first candidate (drops in model
//     order, then additions in the full model's order), as order() does;
//   - a change is kept only if the refit's AIC < current + 1e-7.
// Candidate models are fitted on the same Design by selecting its columns by
// Coefficient.term (no copy), from R's default start, as drop1/add1 refit them.

import type { Progress } from '../data/table';
import { irls } from './irls';
import type { Design, Pipeline } from './types';

export type StepwiseDirection = 'backward' | 'forward' | 'both';

/** One row of the path: the start, then each change with the model it made. */
export interface StepwiseStep {
  action: 'start' | 'add' | 'remove';
  /** The term added or removed; null for the start. */
  term: string | null;
  aic: number;
  deviance: number;
  /** Residual degrees of freedom (rows − coefficients estimated). */
  df: number;
}

export interface StepwiseResult {
  path: StepwiseStep[];
  /** The chosen terms (Coefficient.term, the intercept left out), in the pipeline's order. */
  terms: string[];
}

export interface StepwiseOptions {
  weights?: Float64Array;
  /** With an L2 penalty, AIC counts the effective number of parameters. */
  penalty?: number | null;
}

interface Scored {
  aic: number;
  deviance: number;
  rank: number;
  df: number;
}

/** At most this many steps (R's default 1000 is never reached by real models). */
const MAX_STEPS = 1000;

export async function stepwise(
  design: Design,
  pipeline: Pipeline,
  direction: StepwiseDirection,
  options: StepwiseOptions = {},
  progress: Progress,
): Promise<StepwiseResult> {
  const allTerms: string[] = [];
  const columnsOf = new Map<string, number[]>();
  pipeline.coefficients.forEach((c, j) => {
    if (j === 0 && c.term === '(Intercept)') return;
    if (!columnsOf.has(c.term)) {
      columnsOf.set(c.term, []);
      allTerms.push(c.term);
    }
    columnsOf.get(c.term)!.push(j);
  });
  // An interaction term's two main effects.
  const parts = new Map<string, [string, string]>();
  for (const { a, b } of pipeline.interactions) parts.set(`${a}:${b}`, [a, b]);

  const cache = new Map<string, Scored>();
  const score = async (terms: readonly string[]): Promise<Scored> => {
    const key = [...terms].sort().join('\u0000');
    const known = cache.get(key);
    if (known) return known;
    const columns = [0];
    for (const t of terms) columns.push(...columnsOf.get(t)!);
    columns.sort((x, y) => x - y);
    const fit = await irls(design, { weights: options.weights, penalty: options.penalty, columns });
    const k = options.penalty ? fit.edf : fit.rank;
    const scored = {
      aic: fit.deviance + 2 * k,
      deviance: fit.deviance,
      rank: fit.rank,
      df: fit.nObs - fit.rank,
    };
    cache.set(key, scored);
    return scored;
  };

  const backward = direction !== 'forward';
  const forward = direction !== 'backward';
  // Keep terms in the pipeline's order, whatever order they were added in.
  const ordered = (terms: Iterable<string>) => {
    const set = new Set(terms);
    return allTerms.filter((t) => set.has(t));
  };
  let current = direction === 'forward' ? [] : [...allTerms];
  let fit = await score(current);
  const path: StepwiseStep[] = [
    { action: 'start', term: null, aic: fit.aic, deviance: fit.deviance, df: fit.df },
  ];

  for (let step = 0; step < MAX_STEPS; step++) {
    let change: { action: 'add' | 'remove'; term: string } | null = null;
    const candidates: { action: 'add' | 'remove'; term: string; scored: Scored }[] = [];
    // This step's candidates: drops (marginality: no main effect inside an
    // interaction that stays), then additions (an interaction only with both
    // main effects in).
    const drops: string[] = [];
    if (backward) {
      const inInteraction = new Set<string>();
      for (const t of current) for (const part of parts.get(t) ?? []) inInteraction.add(part);
      for (const term of current) if (!inInteraction.has(term)) drops.push(term);
    }
    const adds: string[] = [];
    if (forward) {
      const inModel = new Set(current);
      for (const term of allTerms) {
        if (inModel.has(term)) continue;
        const both = parts.get(term);
        if (both && !(inModel.has(both[0]) && inModel.has(both[1]))) continue;
        adds.push(term);
      }
    }
    // Progress counts this step's refits; the worker can cancel between them.
    const total = drops.length + adds.length;
    let done = 0;
    const zeroDf: string[] = [];
    for (const term of drops) {
      const scored = await score(current.filter((t) => t !== term));
      await progress.report(++done, total);
      if (scored.rank === fit.rank) zeroDf.push(term);
      candidates.push({ action: 'remove', term, scored });
    }
    // drop1's Df = 0 rows: the last of them goes first (step(): rev(...)[1]).
    if (zeroDf.length > 0) change = { action: 'remove', term: zeroDf[zeroDf.length - 1] };
    if (change === null)
      for (const term of adds) {
        const scored = await score(ordered([...current, term]));
        await progress.report(++done, total);
        // add1's Df = 0 rows (a term that adds nothing estimable) are not candidates.
        if (scored.rank === fit.rank) continue;
        candidates.push({ action: 'add', term, scored });
      }
    if (change === null) {
      let best = fit.aic;
      for (const c of candidates)
        if (c.scored.aic < best) {
          best = c.scored.aic;
          change = { action: c.action, term: c.term };
        }
      if (change === null) break;
    }
    const next =
      change.action === 'remove'
        ? current.filter((t) => t !== change.term)
        : ordered([...current, change.term]);
    const refit = await score(next);
    current = next;
    if (refit.aic >= fit.aic + 1e-7) break;
    fit = refit;
    path.push({
      action: change.action,
      term: change.term,
      aic: refit.aic,
      deviance: refit.deviance,
      df: refit.df,
    });
  }
  return { path, terms: ordered(current) };
}
