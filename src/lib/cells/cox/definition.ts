// The Cox model cell: proportional hazards of a duration and an event on
// chosen features, as R coxph (Efron or Breslow ties, strata, interactions,
// an optional ridge penalty), with its cox.zph check, predicted survival for
// profiles the analyst builds and a per-customer preview
// (engine/survival/coxReport.ts). Pure declaration; the component is
// ./CoxCell.svelte.
//
// Its output is the fitted model ('survival-model'). It runs on click, as
// the Parametric survival cell does; the PH-check term plotted is display
// only and not in the job. When its input changes it chooses duration and
// event again as the Survival cell does, and drops features, strata and
// profile values the new dataset lacks.

import { z } from 'zod';
import { defineCellKind, job } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { parametricSettings } from '../parametric/definition';
import { datasetInput } from '../slots';
import { fitSurvivalFormula } from '../survival/columns';

const profile = z.strictObject({
  /** The analyst's name for it ('35, online, 2 late payments'); '' for the default label. */
  name: text,
  /** Values of some features (or strata columns); the rest at the average or the reference level. */
  values: z
    .array(z.strictObject({ column: text, value: z.union([z.number().finite(), text]) }))
    .max(LIMITS.modelTerms),
});

const formula = parametricSettings.pick({
  duration: true,
  event: true,
  eventValues: true,
  features: true,
  interactions: true,
  references: true,
});

export const coxSettings = z.strictObject({
  input: idText.nullable(),
  ...formula.shape,
  /** Columns whose combinations are strata (a baseline hazard each). */
  strata: z.array(text).max(LIMITS.modelTerms),
  ties: z.enum(['efron', 'breslow']),
  /** Ridge θ on every coefficient (coxph's ridge(..., theta)); null: none. */
  penalty: z.number().positive().finite().nullable(),
  /** Times at which each previewed customer's survival is read. */
  horizons: z.array(z.number().positive().finite()).max(LIMITS.survivalTimes),
  profiles: z.array(profile).max(LIMITS.coxProfiles),
  /** The term whose scaled Schoenfeld residuals are plotted; display only. Null: the first. */
  phTerm: text.nullable(),
});

export type CoxCellSettings = z.infer<typeof coxSettings>;
export type CoxCellProfile = CoxCellSettings['profiles'][number];

export const coxKind = defineCellKind({
  kind: 'cox',
  title: 'cell.kind.cox',
  settings: coxSettings,
  defaults: (inputs): CoxCellSettings => ({
    input: inputs.input ?? null,
    duration: null,
    event: null,
    eventValues: [],
    features: [],
    interactions: [],
    references: [],
    strata: [],
    ties: 'efron',
    penalty: null,
    horizons: [],
    // One profile at the average and the reference levels.
    profiles: [{ name: '', values: [] }],
    phTerm: null,
  }),
  slots: [datasetInput<CoxCellSettings>()],
  output: 'survival-model',
  runs: 'on-click',
  plan(s, { inputs }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    if (!s.duration || !s.event) return { wait: 'survival.choose-columns' };
    if (s.features.length === 0) return { wait: 'model.choose-features' };
    return job('fit-cox', {
      datasetId: input.ref.id,
      settings: {
        duration: s.duration,
        event: s.event,
        eventValues: s.eventValues,
        features: s.features,
        interactions: s.interactions,
        references: Object.fromEntries(s.references.map((r) => [r.column, r.level])),
        strata: s.strata,
        ties: s.ties,
        penalty: s.penalty,
        horizons: s.horizons,
        profiles: s.profiles,
      },
    });
  },
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const has = new Set(columns.map((c) => c.name));
    const next: CoxCellSettings = {
      ...fitSurvivalFormula(s, columns),
      strata: s.strata.filter((c) => has.has(c)),
      profiles: s.profiles.map((p) => ({
        ...p,
        values: p.values.filter((v) => has.has(v.column)),
      })),
    };
    return JSON.stringify(next) === JSON.stringify(s) ? s : next;
  },
});
