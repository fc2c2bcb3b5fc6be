// Times the log-rank engine on seeded 1,000,000-row data with 3 groups and
// writes the same rows to <dir> for docs/perf/logrank-peers.R, which times R's
// survdiff on them. Not part of the tests (timings on a shared machine):
//   npx tsx docs/perf/logrank-timing.ts /tmp/logrank-perf [rows]
//   Rscript docs/perf/logrank-peers.R /tmp/logrank-perf
// Results and the machine: docs/perf/logrank.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { DataTable } from '../../src/lib/engine/data/table';
import { logrank, logrankTable, type LogrankOptions } from '../../src/lib/engine/survival/logrank';

const dir = process.argv[2] ?? '/tmp/logrank-perf';
const n = Number(process.argv[3] ?? 1_000_000);

// mulberry32: seeded, so every run times the same data.
let seed = 20261202;
const random = () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// Exponential times with hazards 1, 1.1 and 1.25 per 1000 days; a 30 % chance
// of censoring. "days" rounds them (a few thousand distinct times, the usual
// tenure column); "decimal" keeps them (about a million distinct times).
const group = new Int32Array(n);
const event = new Uint8Array(n);
const strata = new Int32Array(n);
const decimal = new Float64Array(n);
const days = new Float64Array(n);
const hazard = [1e-3, 1.1e-3, 1.25e-3];
for (let i = 0; i < n; i++) {
  group[i] = Math.floor(random() * 3);
  strata[i] = Math.floor(random() * 4);
  decimal[i] = -Math.log(1 - random()) / hazard[group[i]];
  days[i] = Math.round(decimal[i]);
  event[i] = random() < 0.7 ? 1 : 0;
}
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/decimal.f64`, decimal);
writeFileSync(`${dir}/days.f64`, days);
writeFileSync(`${dir}/event.u8`, event);
writeFileSync(`${dir}/group.i32`, group);
writeFileSync(`${dir}/strata.i32`, strata);

function time(label: string, run: () => { chisq: number }, repeats = 9): void {
  for (let k = 0; k < 2; k++) run(); // warm-up: compile the hot loops
  const ms: number[] = [];
  let chisq = 0;
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    chisq = run().chisq;
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  console.log(
    `${label.padEnd(44)} median ${median.toFixed(0).padStart(5)} ms  ` +
      `(min ${ms[0].toFixed(0)}, max ${ms[ms.length - 1].toFixed(0)})  chisq ${chisq.toPrecision(15)}`,
  );
}

const groupNames = ['a', 'b', 'c'];
const strataNames = ['s1', 's2', 's3', 's4'];
const cases: [string, Float64Array, Partial<LogrankOptions>, boolean][] = [
  ['days, rho 0', days, { rho: 0 }, false],
  ['days, rho 1', days, { rho: 1 }, false],
  ['decimal, rho 0', decimal, { rho: 0 }, false],
  ['decimal, rho 1', decimal, { rho: 1 }, false],
  ['days, rho 0, 4 strata', days, { rho: 0 }, true],
  ['decimal, rho 0, 4 strata', decimal, { rho: 0 }, true],
  ['days, rho 0, pairwise BH + trend', days, { rho: 0, pairwise: 'BH', trend: true }, false],
];
console.log(`${n} rows, 3 groups; Node ${process.version}`);
for (const [label, t, options, stratified] of cases) {
  time(`logrank: ${label}`, () =>
    logrank(
      {
        time: t,
        event,
        groupCodes: group,
        groupNames,
        strataCodes: stratified ? strata : null,
        strataNames,
      },
      options,
    ),
  );
}

// Pairwise on 10 groups: 45 pairs, each a merge of two groups' sorted rows.
const group10 = Int32Array.from(group, () => Math.floor(random() * 10));
time('logrank: days, 10 groups, pairwise holm', () =>
  logrank(
    {
      time: days,
      event,
      groupCodes: group10,
      groupNames: Array.from({ length: 10 }, (_, g) => `g${g}`),
    },
    { pairwise: 'holm' },
  ),
);

// The table entry: survivalInputs reads the columns first.
const table: DataTable = {
  rowCount: n,
  columns: [
    { kind: 'number', name: 'days', type: 'integer', values: days },
    { kind: 'number', name: 'event', type: 'integer', values: Float64Array.from(event) },
    {
      kind: 'string',
      name: 'group',
      type: 'categorical',
      codes: group,
      dictionary: groupNames,
    },
  ],
};
time('logrankTable: days, rho 0', () =>
  logrankTable(table, { duration: 'days', event: 'event', group: 'group', rho: 0 }),
);
