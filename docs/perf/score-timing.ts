// Times a Score cell's work in Node on the bench's table: bench/generate.ts's
// seeded CSV (1,000,000 rows by default), ingested as the app does, the bench's
// logistic model fitted on it (bench/main.ts's LOGISTIC_SPEC: 771,561 complete
// rows × 23 coefficients), then scoredTable with 3 reasons and its parts.
// CPU times of the process (user), since wall time on the shared VM swings
// with other jobs; the best of the runs. Not part of the tests:
//   npx tsx docs/perf/score-timing.ts [rows] [runs]
// Results and the machine: docs/perf/logistic.md ("Scoring").
import { BENCH_COLUMNS, generateBenchCsv } from '../../bench/generate';
import { ingestDelimited } from '../../src/lib/engine/data/ingest';
import { NO_PROGRESS } from '../../src/lib/engine/data/table';
import { deciles, reasonTexts, riskBands, scoreTable } from '../../src/lib/engine/models/score';
import { scoredTable } from '../../src/lib/engine/models/scoredTable';
import { trainLogistic, type LogisticSpec } from '../../src/lib/engine/models/train';

const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 5);

// bench/main.ts's LOGISTIC_SPEC (that file needs a browser).
const spec: LogisticSpec = {
  target: 'churned',
  positive: 'yes',
  features: BENCH_COLUMNS.filter(
    (c) => !['customer_id', 'email', 'signup_date', 'last_order_date', 'churned'].includes(c),
  ),
  interactions: [],
  references: [],
  split: { kind: 'random', train: 1, validation: 0, test: 0, seed: 1, stratify: true },
  balance: { method: 'none', share: 0.5, correct: false, seed: 1 },
  selection: 'none',
  penalty: null,
  profile: false,
};

async function* chunks(): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const text of generateBenchCsv(rows, 1)) yield encoder.encode(text);
}
let bytes = 0;
for (const text of generateBenchCsv(rows, 1)) bytes += text.length;
const { table } = await ingestDelimited(chunks(), bytes, {}, NO_PROGRESS);
const { model } = await trainLogistic(table, 'bench', spec, NO_PROGRESS);

const cpu = () => process.cpuUsage().user / 1000;
const best: Record<string, number> = {};
const keep = (name: string, ms: number) => (best[name] = Math.min(best[name] ?? Infinity, ms));
const options = { unseen: 'reference', bands: { high: 0.5, medium: 0.2 }, reasons: 3 } as const;
for (let run = 0; run < runs; run++) {
  let t = cpu();
  const scores = await scoreTable(table, model, options);
  keep('scoreTable (coding in blocks, logits, top 3 reasons)', cpu() - t);
  t = cpu();
  deciles(scores.probability);
  keep('deciles', cpu() - t);
  t = cpu();
  riskBands(scores.probability, options.bands);
  keep('riskBands', cpu() - t);
  t = cpu();
  reasonTexts(table, model, scores);
  keep('reasonTexts', cpu() - t);
  t = cpu();
  await scoredTable(table, model, options);
  keep('scoredTable, all of it', cpu() - t);
}
for (const [name, ms] of Object.entries(best))
  console.log(`${ms.toFixed(0).padStart(6)} ms  ${name}`);
