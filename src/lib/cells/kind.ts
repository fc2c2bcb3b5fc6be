// What a cell kind is: the one declaration a kind's folder exports
// (src/lib/cells/<kind>/definition.ts), which the notebook's schema, graph,
// defaults and runner and the page's menus iterate over. Pure: runs on the
// page and in Node (the headless runner); no Svelte here — a kind's component
// is listed apart, in ./components.ts, so Node never loads it.
//
// A kind declares:
//   settings  a zod schema; the settings' TypeScript type is inferred from it
//   defaults  settings for a new cell, given the inputs found above it
//   slots     the inputs it reads: which setting holds the input cell's id,
//             and which output types that cell must produce
//   output    the type of what it hands to cells below (or null)
//   runs      'auto': cheap, re-runs on its own when a setting or input
//             changes; 'on-click': expensive, marked stale and waits for Run
//   plan      the worker job to run for given settings and inputs, or why it waits
//   adapt     what becomes of its settings when an input's dataset changes
//
// See docs/cells.md for how to add a kind.

import type { z } from 'zod';
import type { MessageKey } from '../i18n/en';
import type { Requests, RequestType } from '../workers/protocol';
import type { DatasetMeta } from '../storage/types';

/**
 * What a cell can hand to the cells below it. A dataset is referred to by its
 * stored id; every other output by the key of the stored result that holds
 * it. New analyses add their types here (e.g. a fitted model, scores).
 *   dataset          a stored table (Data, Prepare)
 *   survival-curves  Kaplan–Meier curves per group (Survival), for cells that
 *                    compare or extend them
 *   model            a fitted churn model (Model), for Evaluate and Score; its
 *                    cell's result is handed on with it (ResolvedInput.result)
 *   survival-model   fitted parametric survival models (Parametric survival:
 *                    all four distributions and the best by AIC), for cells
 *                    that predict survival or value per customer
 */
export const OUTPUT_TYPES = ['dataset', 'survival-curves', 'model', 'survival-model'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

/** A cell's output as another cell receives it: its type and identity. */
export interface OutputRef {
  type: OutputType;
  /** A dataset id, or the key of the stored result holding the output. */
  id: string;
}

/** One input of a kind: the setting that names the input cell, and what it must produce. */
export interface InputSlot<S> {
  name: string;
  /** Output types this slot takes; the input menu offers only cells producing one. */
  accepts: readonly OutputType[];
  label: MessageKey;
  /** The input cell's id in these settings; null when none is chosen. */
  get(settings: S): string | null;
  /** These settings with another input cell. */
  set(settings: S, cellId: string | null): S;
  /**
   * Whether the slot is in use with these settings (a Prepare step reads a
   * second dataset only for a join). Default: always.
   */
  active?(settings: S): boolean;
}

/**
 * An input as a kind's plan sees it: the upstream output and, for a dataset,
 * its meta; for any other output, the upstream cell's result (a Model cell's
 * fitted model, which a Score cell's job carries to the worker).
 */
export interface ResolvedInput {
  ref: OutputRef;
  dataset?: DatasetMeta;
  result?: unknown;
}

export interface PlanContext {
  notebookId: string;
  cellId: string;
  /** Each active slot's input, by slot name; a slot without a ready input is absent. */
  inputs: Readonly<Record<string, ResolvedInput>>;
  /** Stored datasets, for a kind whose settings name one itself (Data). */
  dataset(id: string | null): DatasetMeta | undefined;
  /** Today as yyyy-mm-dd (UTC), for settings whose default is "today". */
  today: string;
}

/** A worker request to run; `R` is the type of its result. */
export interface Job<R = unknown> {
  request: RequestType;
  params: unknown;
  /** Phantom: carries the result type. */
  readonly __result?: R;
}

/** A job for request `type`: its params and result types come from the worker contract. */
export function job<K extends RequestType>(
  type: K,
  params: Requests[K]['params'],
): Job<Requests[K]['result']> {
  return { request: type, params };
}

/** Why a cell cannot run yet: a message key (and its parameters) shown under the cell. */
export interface Wait {
  wait: MessageKey;
  params?: Record<string, string | number>;
}

export type Plan<R> = Job<R> | Wait;

export function isWait<R>(plan: Plan<R>): plan is Wait {
  return 'wait' in plan;
}

export interface CellKindDefinition<K extends string, Schema extends z.ZodType, R> {
  kind: K;
  /** The kind's name in the menus and the cell's title. */
  title: MessageKey;
  settings: Schema;
  /** Settings of a new cell; `inputs` holds, per slot, the nearest fitting cell above it. */
  defaults(inputs: Readonly<Record<string, string | null>>): z.infer<Schema>;
  slots: readonly InputSlot<z.infer<Schema>>[];
  output: OutputType | null;
  /**
   * A dataset output that summarises its input, one row per customer (RFM
   * scores, a log's stages, cohort members), rather than the input's rows
   * with columns added: a cell added below takes the nearest other dataset
   * by default, as it most likely analyses the log or table itself, and
   * offers this one in its input menu. Default: false.
   */
  summarises?: boolean;
  runs: 'auto' | 'on-click';
  plan(settings: z.infer<Schema>, context: PlanContext): Plan<R>;
  /**
   * The cell's output once it has run. Default for a dataset output: none
   * (a kind with a dataset output must say which dataset); for other
   * outputs, the stored result's key.
   */
  outputOf?(result: R, settings: z.infer<Schema>): OutputRef | null;
  /**
   * An output known from the settings alone, before any run (a Data cell's
   * chosen dataset), so the cells below need not wait for this cell's own job.
   */
  ownOutput?(settings: z.infer<Schema>, context: PlanContext): OutputRef | null;
  /**
   * Settings fitted to inputs that changed (another dataset chosen above,
   * columns gone): e.g. columns chosen again by name. Returns the settings
   * unchanged when they still fit. Every kind says what it does; see docs/cells.md.
   */
  adapt(settings: z.infer<Schema>, context: PlanContext): z.infer<Schema>;
}

/** Declares a kind, keeping its literal name and settings type for the registry's unions. */
export function defineCellKind<const K extends string, Schema extends z.ZodType, R>(
  definition: CellKindDefinition<K, Schema, R>,
): CellKindDefinition<K, Schema, R> {
  return definition;
}
