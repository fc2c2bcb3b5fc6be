// Bounds on what a notebook document may hold, so a hostile or corrupt file
// cannot make the app allocate without limit, and the bounded string schemas
// built on them. Pure; used by every kind's settings schema and by the
// document schema (../notebook/schema.ts).

import { z } from 'zod';

export const LIMITS = {
  cells: 500,
  datasets: 500,
  /** Any string in the document. */
  string: 10_000,
  id: 200,
  /** Values of a survival cell's event column counted as "event happened". */
  eventValues: 1_000,
  /** Times a Survival cell reads its curves at. */
  survivalTimes: 20,
  /** Column type overrides in one Data cell. */
  typeOverrides: 10_000,
  /** Columns, conditions, measures, levels or breaks in one Prepare step. */
  stepList: 1_000,
  /** Features, interactions or reference levels of one model. */
  modelTerms: 1_000,
  /** Profiles (feature values) whose survival curves a Cox model cell predicts. */
  coxProfiles: 8,
  /** Models compared in one Evaluate cell. */
  comparedModels: 4,
  /** A model file (PMML or JSON) kept in a Model file cell. */
  modelFileChars: 2_000_000,
  /**
   * A TF.js weights file kept in a Model file cell, as base64 characters:
   * 1.5 MB, 375,000 float32 weights. With the model file, a notebook holding
   * it still fits in jsonChars.
   */
  modelWeightsChars: 2_000_000,
  /** The largest k a Personas cell fits, and so its persona names. */
  personas: 20,
  /** Restarts of one k-means fit. */
  kmeansRestarts: 100,
  /** Rules (stages) of a Lifecycle stages cell, and conditions of one rule. */
  stageRules: 30,
  stageConditions: 20,
  /** A notebook handed over as JSON text. */
  jsonChars: 5_000_000,
} as const;

/** An id (of a cell, a dataset, a notebook). */
export const idText = z.string().min(1).max(LIMITS.id);
/** Any other string: a name, a column, a value, an expression. */
export const text = z.string().max(LIMITS.string);
