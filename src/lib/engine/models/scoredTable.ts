// A Score cell's scored list: the scored table with every input column and,
// after them, each row's probability, risk decile, risk band and top reasons
// (./score.ts), and the summary the cell shows. Pure; runs in the compute
// worker and in Node (the headless runner).
//
// Added columns are named `probability`, `risk_decile`, `risk_band`,
// `reason_1` … — or, when the table already has a column of that name (a
// list scored again), the name with `_2`, `_3`… — so no input column is lost.

import { NO_PROGRESS, type Column, type DataTable, type Progress } from '../data/table';
import { BAND, BAND_NAMES, deciles, reasonTexts, riskBands, scoreTable } from './score';
import type { ChurnModel } from './churnModel';
import { DEFAULT_STEPS } from './network/reasons';

export interface ScoreOptions {
  unseen: 'error' | 'reference';
  /** Risk bands: high from this probability on, medium from `medium`, low below. */
  bands: { high: number; medium: number };
  /** Reasons per row (0–5). */
  reasons: number;
}

export interface ScoreSummary {
  rows: number;
  scored: number;
  /** Rows without a score: a feature the model reads is missing there. */
  unscored: number;
  missingBy: Record<string, number>;
  /** Levels the model never saw, scored as the reference level. */
  unseen: { column: string; level: string; rows: number }[];
  bands: { high: number; medium: number; low: number };
  meanProbability: number | null;
  /** The columns added to the table, in order. */
  columns: string[];
  /**
   * How the reasons were found: a logistic model's exact contributions
   * β·(x − x̄), or a network's integrated gradients with that many steps.
   */
  reasonMethod: { kind: 'contributions' } | { kind: 'integrated-gradients'; steps: number };
}

/** `wanted`, or `wanted_2`, `wanted_3`… — the first no column in `taken` has. */
function freeName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let k = 2; taken.has(name); k++) name = `${wanted}_${k}`;
  taken.add(name);
  return name;
}

// The two columns below are built by loops: a typed array's from() with a mapping function
// calls it through the iterator protocol, ~0.2 s per million rows.

/** Deciles as a number column: NaN where a row has none. */
function decileValues(decile: Uint8Array): Float64Array {
  const out = new Float64Array(decile.length);
  for (let i = 0; i < decile.length; i++) out[i] = decile[i] === 0 ? NaN : decile[i];
  return out;
}

/** Bands as codes into BAND_NAMES.slice(1): −1 where a row has none. */
function bandCodes(band: Uint8Array): Int32Array {
  const out = new Int32Array(band.length);
  for (let i = 0; i < band.length; i++) out[i] = band[i] === BAND.none ? -1 : band[i] - 1;
  return out;
}

export async function scoredTable(
  table: DataTable,
  model: ChurnModel,
  options: ScoreOptions,
  progress: Progress = NO_PROGRESS,
): Promise<{ table: DataTable; summary: ScoreSummary }> {
  const scores = await scoreTable(
    table,
    model,
    { unseen: options.unseen, reasons: options.reasons },
    progress,
  );
  const decile = deciles(scores.probability);
  const band = riskBands(scores.probability, options.bands);
  const texts = reasonTexts(table, model, scores);
  const taken = new Set(table.columns.map((c) => c.name));

  const added: Column[] = [
    {
      kind: 'number',
      name: freeName('probability', taken),
      type: 'decimal',
      values: scores.probability,
    },
    {
      kind: 'number',
      name: freeName('risk_decile', taken),
      type: 'integer',
      values: decileValues(decile),
    },
    {
      kind: 'string',
      name: freeName('risk_band', taken),
      type: 'categorical',
      codes: bandCodes(band),
      dictionary: BAND_NAMES.slice(1),
    },
    ...texts.codes.map((codes, r): Column => ({
      kind: 'string',
      name: freeName(`reason_${r + 1}`, taken),
      type: 'text',
      codes,
      dictionary: texts.dictionary,
    })),
  ];

  const counts = { high: 0, medium: 0, low: 0 };
  let sum = 0;
  for (let i = 0; i < band.length; i++) {
    if (band[i] === BAND.high) counts.high++;
    else if (band[i] === BAND.medium) counts.medium++;
    else if (band[i] === BAND.low) counts.low++;
    if (band[i] !== BAND.none) sum += scores.probability[i];
  }
  return {
    table: { rowCount: table.rowCount, columns: [...table.columns, ...added] },
    summary: {
      rows: table.rowCount,
      scored: scores.scored,
      unscored: scores.missing,
      missingBy: scores.missingBy,
      unseen: scores.unseen,
      bands: counts,
      meanProbability: scores.scored > 0 ? sum / scores.scored : null,
      columns: added.map((c) => c.name),
      reasonMethod:
        model.format === 'lifecycle-lab.logistic'
          ? { kind: 'contributions' }
          : { kind: 'integrated-gradients', steps: DEFAULT_STEPS },
    },
  };
}
