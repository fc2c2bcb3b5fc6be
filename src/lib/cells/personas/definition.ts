// The Personas cell: k-means on chosen features of its input (numeric as they
// are, categorical one-hot, all standardised), k chosen by silhouette over a
// sweep, each persona's profile and traits, and the input with a persona
// column as a new dataset for the cells below (a group in Survival, a feature
// in Model). Pure declaration; the component is ./PersonasCell.svelte, the
// job is 'fit-personas' (engine/models/personas.ts).
//
// It waits for Run: a sweep fits every k with its restarts and scores
// silhouettes over up to 20,000² row pairs. The names are in the job (they
// are written into the column), but the handler keeps the fit, so a rename
// re-runs only the column. When its input changes it keeps the features the
// new dataset has with a usable type and drops the others.

import { z } from 'zod';
import type { ColumnType } from '../../engine/data/table';
import { defineCellKind, job, type Wait } from '../kind';
import { idText, LIMITS, text } from '../limits';
import { datasetInput } from '../slots';

const k = z.number().int().min(2).max(LIMITS.personas);

export const personasSettings = z.strictObject({
  input: idText.nullable(),
  features: z.array(text).max(LIMITS.modelTerms),
  /** The k fitted; null: the one the silhouette suggests. */
  k: k.nullable(),
  kMin: k,
  kMax: k,
  restarts: z.number().int().min(1).max(LIMITS.kmeansRestarts),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31),
  /** Persona i's name ('' or absent: "Persona i+1"); persona 1 is the largest cluster. */
  names: z.array(text.max(100)).max(LIMITS.personas),
});

export type PersonasCellSettings = z.infer<typeof personasSettings>;

export const PERSONAS_FEATURE_TYPES: readonly ColumnType[] = [
  'integer',
  'decimal',
  'boolean',
  'categorical',
];

export const personasKind = defineCellKind({
  kind: 'personas',
  title: 'cell.kind.personas',
  settings: personasSettings,
  defaults: (inputs): PersonasCellSettings => ({
    input: inputs.input ?? null,
    features: [],
    k: null,
    kMin: 2,
    kMax: 12,
    restarts: 10,
    seed: 1,
    names: [],
  }),
  slots: [datasetInput<PersonasCellSettings>()],
  output: 'dataset',
  runs: 'on-click',
  plan(s, { inputs, notebookId, cellId }) {
    const input = inputs.input;
    if (!input) return { wait: 'cell.waiting' };
    if (s.features.length === 0) return { wait: 'personas.choose-features' };
    if (s.kMax < s.kMin)
      return { wait: 'personas.invalid-k-range', params: { min: s.kMin, max: s.kMax } } as Wait;
    const names = s.names.map((n) => n.trim());
    const duplicate = names.find((n, i) => n !== '' && names.indexOf(n) !== i);
    if (duplicate !== undefined)
      return { wait: 'personas.duplicate-name', params: { name: duplicate } } as Wait;
    return job('fit-personas', {
      notebook: notebookId,
      cell: cellId,
      datasetId: input.ref.id,
      settings: {
        features: s.features,
        k: s.k,
        kMin: s.kMin,
        kMax: s.kMax,
        restarts: s.restarts,
        seed: s.seed,
      },
      names,
    });
  },
  outputOf: (result) => ({ type: 'dataset', id: result.dataset.id }),
  adapt(s, { inputs }) {
    const columns = inputs.input?.dataset?.columns;
    if (!columns) return s;
    const features = s.features.filter((f) =>
      columns.some((c) => c.name === f && PERSONAS_FEATURE_TYPES.includes(c.type)),
    );
    return features.length === s.features.length ? s : { ...s, features };
  },
});
