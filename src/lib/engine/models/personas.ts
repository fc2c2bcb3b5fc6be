// Personas: k-means on a table's chosen features with k chosen by silhouette
// (./kmeans.ts, ./silhouette.ts), each cluster's profile, and the table with
// the persona of each row as a new column. Pure; runs in Node (the headless
// runner, tests, a bench) and in the compute worker.
//
// The sweep fits k = kMin…kMax (each with the same restarts and seed) and
// scores every fit's silhouette in one pass over the row pairs (on a seeded
// sample of 20,000 rows above that, said in the result). The suggested k is
// the one with the highest silhouette, the smaller k on a tie; kMax is
// lowered to the number of distinct rows when there are fewer.
//
// Clusters are numbered by size, largest first (ties by k-means' label), so
// "persona 1" is the biggest group whatever the starting centres were. A
// cluster's profile: its size and share, the mean of each standardised
// column in it (z: how many book SDs its mean lies from the book's mean; for
// a level, its share compared with the book's share), the raw means (a
// level's share), and its distinguishing traits — the columns with the
// largest |z|, at least TRAIT_MIN_Z, at most TRAITS — which the cell puts
// into words ("higher age, more smoker than the book").

import {
  EngineError,
  NO_PROGRESS,
  type DataTable,
  type Progress,
  type StringColumn,
} from '../data/table';
import type { Seed } from '../data/random';
import { distinctRows, featureMatrix, kmeans, type KMeansFit, type MatrixColumn } from './kmeans';
import { silhouetteScores } from './silhouette';

/** A column's cluster mean must lie this many book SDs away to count as a trait. */
export const TRAIT_MIN_Z = 0.25;
/** Traits named per persona, at most. */
export const TRAITS = 3;

export interface PersonasSettings {
  features: string[];
  /** The k fitted; null: the suggested one. */
  k: number | null;
  kMin: number;
  kMax: number;
  restarts: number;
  seed: Seed;
}

export interface SweepPoint {
  k: number;
  inertia: number;
  /** null when the rows scored fall in one cluster. */
  silhouette: number | null;
}

export interface Trait {
  /** Index into the report's columns. */
  column: number;
  /** Its cluster's standardised mean: > 0 higher (more often) than the book, < 0 lower. */
  z: number;
}

export interface ClusterProfile {
  size: number;
  share: number;
  /** Per matrix column, the cluster's mean in book SDs from the book's mean. */
  z: number[];
  /** Per matrix column, the cluster's raw mean (a level: its share in the cluster). */
  means: number[];
  traits: Trait[];
}

/** What the cell shows (everything but the labels, which only the new dataset needs). */
export interface PersonasSummary {
  columns: MatrixColumn[];
  /** Rows clustered, and those left out for a missing feature. */
  rows: number;
  excluded: number;
  /** Per matrix column, the book's raw mean (a level: its share). */
  bookMeans: number[];
  sweep: SweepPoint[];
  /** Rows the silhouettes are over, and whether they are a sample. */
  silhouetteRows: number;
  silhouetteSampled: boolean;
  suggestedK: number;
  k: number;
  inertia: number;
  iterations: number;
  /** Largest first; persona i is clusters[i]. */
  clusters: ClusterProfile[];
}

export interface PersonasReport extends PersonasSummary {
  /** Per table row, its persona (0…k−1), or −1 for a row left out. */
  labels: Int32Array;
}

/** The sweep, the chosen k's fit and its profile. Progress: one unit per k fitted, and the silhouettes. */
export async function personasReport(
  table: DataTable,
  settings: PersonasSettings,
  progress: Progress = NO_PROGRESS,
): Promise<PersonasReport> {
  const { kMin, restarts, seed } = settings;
  if (
    !Number.isInteger(kMin) ||
    kMin < 2 ||
    !Number.isInteger(settings.kMax) ||
    settings.kMax < kMin
  )
    throw new EngineError('personas.invalid-k-range', { min: kMin, max: settings.kMax });
  const m = featureMatrix(table, settings.features);
  const { data, rows, cols } = m;
  const distinct = distinctRows(data, rows, cols, settings.kMax);
  if (distinct < kMin) throw new EngineError('personas.k-too-large', { k: kMin, distinct });
  if (settings.k !== null) {
    const enough = distinctRows(data, rows, cols, settings.k);
    if (enough < settings.k)
      throw new EngineError('personas.k-too-large', { k: settings.k, distinct: enough });
  }
  const kMax = Math.min(settings.kMax, distinct);

  const ks = Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i);
  const extra = settings.k !== null && !ks.includes(settings.k);
  const parts = ks.length + 1 + (extra ? 1 : 0);
  const fits: KMeansFit[] = [];
  for (const [i, k] of ks.entries()) {
    fits.push(await kmeans(data, rows, cols, { k, restarts, seed }, part(progress, i, parts)));
  }
  const silhouettes = await silhouetteScores(
    data,
    rows,
    cols,
    fits,
    { seed },
    part(progress, ks.length, parts),
  );
  const sweep = fits.map((f, i) => ({
    k: f.k,
    inertia: f.inertia,
    silhouette: silhouettes.scores[i],
  }));
  let suggested = sweep[0];
  for (const p of sweep) {
    if (
      p.silhouette !== null &&
      (suggested.silhouette === null || p.silhouette > suggested.silhouette)
    )
      suggested = p;
  }
  const k = settings.k ?? suggested.k;
  const fit = extra
    ? await kmeans(data, rows, cols, { k, restarts, seed }, part(progress, parts - 1, parts))
    : fits[ks.indexOf(k)];
  await progress.report(parts, parts);

  // Number clusters by size, largest first.
  const sizes = new Float64Array(k);
  for (let i = 0; i < rows; i++) sizes[fit.labels[i]]++;
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const rank = new Int32Array(k);
  order.forEach((c, r) => (rank[c] = r));
  const labels = new Int32Array(table.rowCount).fill(-1);
  for (let i = 0; i < rows; i++) labels[m.tableRows[i]] = rank[fit.labels[i]];

  // Cluster means of the standardised columns.
  const zSums = new Float64Array(k * cols);
  for (let i = 0; i < rows; i++) {
    const o = rank[fit.labels[i]] * cols;
    for (let j = 0; j < cols; j++) zSums[o + j] += data[i * cols + j];
  }
  const clusters = order.map((c, r): ClusterProfile => {
    const size = sizes[c];
    const z = Array.from({ length: cols }, (_, j) => zSums[r * cols + j] / size);
    const traits = z
      .map((v, column) => ({ column, z: v }))
      .filter((t) => Math.abs(t.z) >= TRAIT_MIN_Z)
      .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.column - b.column)
      .slice(0, TRAITS);
    return {
      size,
      share: size / rows,
      z,
      means: z.map((v, j) => m.means[j] + v * m.sds[j]),
      traits,
    };
  });
  return {
    columns: m.columns,
    rows,
    excluded: m.excluded,
    bookMeans: Array.from(m.means),
    sweep,
    silhouetteRows: silhouettes.rows,
    silhouetteSampled: silhouettes.sampled,
    suggestedK: suggested.k,
    k,
    inertia: fit.inertia,
    iterations: fit.iterations,
    clusters,
    labels,
  };
}

/** Progress of part `index` of `parts` equal parts of a job. */
function part(progress: Progress, index: number, parts: number): Progress {
  return {
    report: (done, total) => progress.report(index + (total > 0 ? done / total : 0), parts),
  };
}

/** Persona i's name: the analyst's, or "Persona i+1" when none is given. */
export function personaNames(k: number, names: readonly string[]): string[] {
  const out = Array.from({ length: k }, (_, i) => names[i]?.trim() || `Persona ${i + 1}`);
  const seen = new Set<string>();
  for (const name of out) {
    if (seen.has(name)) throw new EngineError('personas.duplicate-name', { name });
    seen.add(name);
  }
  return out;
}

/** A free column name: `wanted`, or wanted_2, wanted_3… when the table has it. */
export function freeColumnName(table: DataTable, wanted: string): string {
  const taken = new Set(table.columns.map((c) => c.name));
  let name = wanted;
  for (let n = 2; taken.has(name); n++) name = `${wanted}_${n}`;
  return name;
}

/** The table with each row's persona name as a categorical column (missing for rows left out). */
export function withPersonaColumn(
  table: DataTable,
  labels: Int32Array,
  names: readonly string[],
  column: string,
): DataTable {
  const persona: StringColumn = {
    kind: 'string',
    name: column,
    type: 'categorical',
    // Labels are 0…k−1 or −1, so they are the column's codes as they are.
    codes: labels.slice(),
    dictionary: [...names],
  };
  return { rowCount: table.rowCount, columns: [...table.columns, persona] };
}
