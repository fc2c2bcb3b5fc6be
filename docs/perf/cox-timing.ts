// Cox (Efron) on 100,000 rows × 10 features (8 numeric, 2 categorical: 5 and
// 4 levels → 15 coefficients) in Node, beside R's coxph on the same rows.
// docs/perf/cox.md has the numbers. Run from the repository root:
//   npx tsx docs/perf/cox-timing.ts
// It writes /tmp/cox-timing.csv, times fitCoxTable (table → design → fit,
// with the concordance) and coxFit alone, 5 runs each, then runs Rscript on
// the CSV: system.time(coxph(Surv(time, status) ~ ., ties = "efron")), 5 runs,
// and compares the coefficients. The data: seeded (mulberry32, seed 1),
// exponential times with log-hazard Σ 0.1·j·x_j + level effects, rounded to
// 0.1 so that there are ties, censored uniformly on (0, 5).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Column, DataTable } from '../../src/lib/engine/data/table';
import { coxFit, fitCoxTable } from '../../src/lib/engine/survival/cox';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(1);
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const n = 100_000;
const regions = ['east', 'north', 'south', 'west', 'central'];
const plans = ['basic', 'plus', 'premium', 'family'];
const xs = Array.from({ length: 8 }, () => new Float64Array(n));
const region = new Int32Array(n);
const plan = new Int32Array(n);
const time = new Float64Array(n);
const status = new Float64Array(n);
const lines = ['time,status,x1,x2,x3,x4,x5,x6,x7,x8,region,plan'];
for (let i = 0; i < n; i++) {
  let eta = 0;
  for (let j = 0; j < 8; j++) {
    xs[j][i] = Math.round(normal() * 1000) / 1000;
    eta += 0.1 * (j + 1) * xs[j][i] * 0.3;
  }
  region[i] = Math.floor(rand() * 5);
  plan[i] = Math.floor(rand() * 4);
  eta += 0.2 * region[i] - 0.15 * plan[i];
  const t = -Math.log(1 - rand()) / Math.exp(eta);
  const c = 5 * rand();
  time[i] = Math.max(0.1, Math.round(Math.min(t, c) * 10) / 10);
  status[i] = t <= c ? 1 : 0;
  lines.push(
    [time[i], status[i], ...xs.map((x) => x[i]), regions[region[i]], plans[plan[i]]].join(','),
  );
}
writeFileSync('/tmp/cox-timing.csv', lines.join('\n') + '\n');
const num = (name: string, values: Float64Array): Column => ({
  kind: 'number',
  name,
  type: 'decimal',
  values,
});
const table: DataTable = {
  rowCount: n,
  columns: [
    num('time', time),
    { kind: 'number', name: 'status', type: 'integer', values: status },
    ...xs.map((x, j) => num(`x${j + 1}`, x)),
    { kind: 'string', name: 'region', type: 'categorical', codes: region, dictionary: regions },
    { kind: 'string', name: 'plan', type: 'categorical', codes: plan, dictionary: plans },
  ],
};
const settings = {
  duration: 'time',
  event: 'status',
  features: ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'region', 'plan'],
  // R's default references: the first level in code-point order.
  references: { region: 'central', plan: 'basic' },
  ties: 'efron' as const,
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const tableMs: number[] = [];
const fitMs: number[] = [];
let result = fitCoxTable(table, settings);
for (let r = 0; r < 5; r++) {
  let t0 = performance.now();
  result = fitCoxTable(table, settings);
  tableMs.push(performance.now() - t0);
  t0 = performance.now();
  coxFit(result.input, { ties: 'efron' });
  fitMs.push(performance.now() - t0);
}
const r = execFileSync(
  'Rscript',
  [
    '-e',
    `suppressMessages(library(survival)); d <- read.csv("/tmp/cox-timing.csv", stringsAsFactors = TRUE);
     f <- NULL; ts <- replicate(5, system.time(f <<- coxph(Surv(time, status) ~ ., data = d, ties = "efron"))[["elapsed"]]);
     cat(1000 * ts, "\\n"); cat(sprintf("%.17g", coef(f)), "\\n"); cat(f$iter, "\\n")`,
  ],
  { encoding: 'utf8' },
)
  .trim()
  .split('\n');
const rMs = r[0].trim().split(/\s+/).map(Number);
const rCoef = r[1].trim().split(/\s+/).map(Number);
const ours = result.fit.coefficients.map((c) => c.estimate!);
const maxRel = Math.max(...ours.map((b, j) => Math.abs(b - rCoef[j]) / Math.abs(rCoef[j])));
console.log(
  `rows ${n}, coefficients ${ours.length}, events ${result.fit.events}, iterations ${result.fit.iterations} (R ${r[2].trim()})`,
);
console.log(
  `fitCoxTable ms: ${tableMs.map((v) => v.toFixed(0)).join(' ')}  median ${median(tableMs).toFixed(0)}`,
);
console.log(
  `coxFit ms:      ${fitMs.map((v) => v.toFixed(0)).join(' ')}  median ${median(fitMs).toFixed(0)}`,
);
console.log(
  `R coxph ms:     ${rMs.map((v) => v.toFixed(0)).join(' ')}  median ${median(rMs).toFixed(0)}`,
);
console.log(
  `ratio (fitCoxTable / R coxph, medians): ${(median(tableMs) / median(rMs)).toFixed(2)}`,
);
console.log(`max relative difference of coefficients from R: ${maxRel.toExponential(2)}`);
