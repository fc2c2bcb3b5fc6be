// Weibull AFT on 100,000 rows × 10 features in Node, to compare with R's
// survreg on the same data (docs/perf/survreg.md has the numbers and the R side).
// Run from the repository root:
//   npx tsx docs/perf/survreg-timing.ts            (writes /tmp/survreg-timing.csv for R)
//   Rscript docs/perf/survreg-timing.R
// The data: seeded (mulberry32, seed 1) — 8 normal features, 2 0/1 features,
// log T = 1 + Σ 0.1·j·x_j + 0.7·W (W extreme value), censored uniformly on (0, 40).
import { writeFileSync } from 'node:fs';
import { survreg } from '../../src/lib/engine/survival/survreg';

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
const k = 10;
const p = k + 1;
const X = new Float64Array(n * p);
const time = new Float64Array(n);
const event = new Uint8Array(n);
const lines = ['time,status,' + Array.from({ length: k }, (_, j) => `x${j + 1}`).join(',')];
for (let i = 0; i < n; i++) {
  X[i * p] = 1;
  let eta = 1;
  for (let j = 1; j <= k; j++) {
    const v = j <= 8 ? normal() : rand() < 0.4 ? 1 : 0;
    X[i * p + j] = v;
    eta += 0.1 * j * v * (j <= 8 ? 0.3 : 1);
  }
  const w = Math.log(-Math.log(1 - rand()));
  const t = Math.exp(eta + 0.7 * w);
  const c = 40 * rand();
  time[i] = Math.min(t, c);
  event[i] = t <= c ? 1 : 0;
  const row = [time[i].toPrecision(17), event[i]];
  for (let j = 1; j <= k; j++) row.push(X[i * p + j].toPrecision(17) as never);
  lines.push(row.join(','));
}
writeFileSync('/tmp/survreg-timing.csv', lines.join('\n') + '\n');
const names = ['(Intercept)', ...Array.from({ length: k }, (_, j) => `x${j + 1}`)];
const design = { n, p, X, names };
const runs: number[] = [];
let fit = survreg(design, time, event, 'weibull');
for (let r = 0; r < 7; r++) {
  const t0 = performance.now();
  fit = survreg(design, time, event, 'weibull');
  runs.push(performance.now() - t0);
}
runs.sort((a, b) => a - b);
console.log(
  `node ${process.version}: survreg weibull n=${n} p=${p}: median ${runs[3].toFixed(1)} ms ` +
    `(min ${runs[0].toFixed(1)}, max ${runs[6].toFixed(1)}), iterations ${fit.iterations}, ` +
    `loglik ${fit.loglik.model.toFixed(6)}, scale ${fit.scale.toFixed(9)}`,
);
