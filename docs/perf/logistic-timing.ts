// Times the logistic engine on a synthetic 1,000,000-row design (16 numeric
// features, 4 categoricals with 3, 4, 3 and 2 levels: 25 design columns) and
// writes the same matrix to <dir>/X.f64 and <dir>/y.u8 for the Python peers.
// Not part of the tests (a million rows is too slow for them):
//   npx tsx docs/perf/logistic-timing.ts /tmp/logistic-perf [rows] [no-profile] [stepwise]
//   /usr/bin/python3 docs/perf/logistic-peers.py /tmp/logistic-perf
// Results and the machine: docs/perf/logistic.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { NO_PROGRESS } from '../../src/lib/engine/data/table';
import { irls } from '../../src/lib/engine/models/irls';
import { fitLogistic } from '../../src/lib/engine/models/logistic';
import { stepwise } from '../../src/lib/engine/models/stepwise';
import type { Coefficient, Design, Pipeline } from '../../src/lib/engine/models/types';

const dir = process.argv[2] ?? '/tmp/logistic-perf';
const n = Number(process.argv[3] ?? 1_000_000);
const numeric = 16;
const levels = [3, 4, 3, 2];

// mulberry32: seeded, so every run times the same data.
let seed = 20261202;
const random = () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const coefficients: Coefficient[] = [
  { name: '(Intercept)', label: '(Intercept)', term: '(Intercept)' },
];
for (let k = 0; k < numeric; k++)
  coefficients.push({ name: `x${k}`, label: `x${k}`, term: `x${k}` });
levels.forEach((l, c) => {
  for (let v = 1; v < l; v++)
    coefficients.push({ name: `c${c}L${v}`, label: `c${c} = L${v}`, term: `c${c}` });
});
const p = coefficients.length;
const X = new Float64Array(n * p);
const y = new Uint8Array(n);
const truth = Array.from({ length: p }, (_, j) => (j === 0 ? -1.5 : 0.4 * Math.sin(j * 1.7)));
for (let i = 0; i < n; i++) {
  const base = i * p;
  X[base] = 1;
  let j = 1;
  for (let k = 0; k < numeric; k++) X[base + j++] = k % 4 === 0 ? 50 + 10 * gauss() : gauss();
  for (const l of levels) {
    const level = Math.floor(random() * l);
    if (level > 0) X[base + j + level - 1] = 1;
    j += l - 1;
  }
  let eta = 0;
  for (let m = 0; m < p; m++) eta += X[base + m] * (m % 4 === 1 ? truth[m] / 10 : truth[m]);
  eta -= 3.2; // about two rows in five have the event
  y[i] = random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
}
const design: Design = {
  n,
  p,
  X,
  y,
  rows: Uint32Array.from({ length: n }, (_, i) => i),
  dropped: 0,
  missingBy: {},
  unseen: [],
};
const pipeline: Pipeline = {
  target: { column: 'y', positive: '1' },
  features: [],
  interactions: [],
  coefficients,
};
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/X.f64`, new Uint8Array(X.buffer));
writeFileSync(`${dir}/y.u8`, y);

const time = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const out = await run();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  return out;
};
console.log(`n = ${n}, design columns = ${p}, events = ${y.reduce((s, v) => s + v, 0)}`);
const fit = await time('irls alone', () => irls(design));
console.log(`  iterations ${fit.iterations}, deviance ${fit.deviance}`);
await time('irls alone (again, warm JIT)', () => irls(design));
const full = await time('fitLogistic, full inference without profile intervals', () =>
  fitLogistic(design, pipeline, {}, NO_PROGRESS),
);
console.log(`  AIC ${full.fit.aic}, HL chi2 ${full.fit.hosmerLemeshow?.chi2}`);
await time('fitLogistic with an L2 penalty (λ = 1)', () =>
  fitLogistic(design, pipeline, { penalty: 1 }, NO_PROGRESS),
);
if (process.argv[4] !== 'no-profile')
  await time('fitLogistic with profile-likelihood intervals', () =>
    fitLogistic(design, pipeline, { profile: true, profileCellLimit: Infinity }, NO_PROGRESS),
  );
if (process.argv[5] === 'stepwise') {
  const chosen = await time('stepwise backward (20 terms)', () =>
    stepwise(design, pipeline, 'backward', {}, NO_PROGRESS),
  );
  console.log(`  ${chosen.path.length - 1} steps, ${chosen.terms.length} terms kept`);
}
writeFileSync(`${dir}/beta.json`, JSON.stringify(Array.from(fit.beta)));
