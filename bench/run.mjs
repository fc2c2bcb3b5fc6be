// `npm run bench`: measured scenarios in real headless Chromium (Debian's),
// printed as a table: the first ingest in a fresh browser apart, medians of
// the warm runs after it, and the peak memory of this benchmark's own browser
// (the PSS of its process tree). Peers on the same file, when present:
// pandas' read_csv (python3 with pandas), between the ingest runs, and R's
// survfit (Rscript with the survival package) beside the Kaplan–Meier row.
// Then the network rows (bench/network.worker.ts): one training epoch by the
// engine's NetworkTrainer and by tfjs-layers' model.fit on wasm, beside
// scikit-learn's MLPClassifier on the same rows (python3 with scikit-learn),
// and scoring with the trained network. Last, the built app in a fresh
// profile: navigation to its first chart.
//
// Usage: npm run bench [-- --rows 1000000 --repeat 3 --only data,network,app --reason-rows 100000]
//   --only         sections to run (default all): data (ingest, re-open, Kaplan–Meier,
//                  logistic, scoring, with their peers), network, app
//   --reason-rows  rows the network scores with reasons (default 100,000; 1M takes ~30 s a run)
//                  survival: log-rank, Cox, cox.zph, Weibull, each beside R (bench/survivalSection.mjs)
//                  lifecycle: RFM, cohorts, k-means, silhouette, beside pandas / scikit-learn (bench/lifecycleSection.mjs)
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdtempSync,
  rmSync,
  createWriteStream,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { chromium } from '@playwright/test';
import { createServer as createViteServer } from 'vite';
import { survivalRows } from './survivalSection.mjs';
import { lifecycleRows } from './lifecycleSection.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/)),
);
const ROWS = Number(args.rows ?? 1_000_000);
const REPEAT = Number(args.repeat ?? 3);
const SECTIONS = ['data', 'network', 'survival', 'lifecycle', 'app'];
const ONLY = args.only ? String(args.only).split(',').filter(Boolean) : SECTIONS;
for (const s of ONLY) if (!SECTIONS.includes(s)) throw new Error(`--only: no section ${s}`);
const wants = (section) => ONLY.includes(section);
/** Epochs of each training loop per network run; the medians pool the warm runs' epochs. */
const NETWORK_EPOCHS = 3;
const REASON_ROWS = Math.min(ROWS, Number(args['reason-rows'] ?? 100_000));
const PORT = 4280;
// The same browser and flags as the e2e tests.
const CHROMIUM = JSON.parse(readFileSync(new URL('../e2e/chromium.json', import.meta.url), 'utf8'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The browser launched with `profile` and every process below it (renderers,
 * GPU, utilities), found through /proc: the browser is the process whose
 * command line names the profile's directory, its children by their parent.
 */
function browserTree(profile) {
  const parents = new Map();
  let root = null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent is field 4 of /proc/PID/stat, after the parenthesised name.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (root === null && cmd.includes(`--user-data-dir=${profile}`) && !cmd.includes('--type='))
        root = Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  if (root === null) return [];
  const tree = [root];
  for (let i = 0; i < tree.length; i++)
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

/**
 * Proportional set size (bytes) of the processes: each shared page counted
 * once over the processes that share it, so summing a tree does not count
 * Chromium's shared code and memory several times, as summing RSS does.
 */
function pss(pids) {
  let bytes = 0;
  for (const pid of pids) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) bytes += Number(m[1]) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return bytes;
}

/** Runs fn while sampling the PSS of the browser's tree every 250 ms; returns its peak too. */
async function measured(profile, fn) {
  let peak = pss(browserTree(profile));
  const timer = setInterval(() => (peak = Math.max(peak, pss(browserTree(profile)))), 250);
  try {
    const result = await fn();
    return { ...result, peakMb: Math.max(peak, pss(browserTree(profile))) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** The bench file on disk, for the peers; written once, when one of them is there. */
async function benchFile(rows) {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-bench-'));
  const file = join(dir, 'bench.csv');
  const vite = await createViteServer({ server: { middlewareMode: true }, logLevel: 'silent' });
  try {
    const { generateBenchCsv } = await vite.ssrLoadModule('/bench/generate.ts');
    const out = createWriteStream(file);
    for (const chunk of generateBenchCsv(rows, 42)) if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  } finally {
    await vite.close();
  }
  return { file, close: () => rmSync(dir, { recursive: true, force: true }) };
}

function has(command, args) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** pandas' read_csv of `file`, in ms; null without a python3 that has pandas. */
function pandasReader() {
  const python = ['/usr/bin/python3', 'python3'].find((p) => has(p, ['-c', 'import pandas']));
  if (!python) return null;
  const script = `import pandas, time, sys
t = time.perf_counter(); df = pandas.read_csv(sys.argv[1]); ms = (time.perf_counter() - t) * 1000
print(ms, len(df))`;
  return (file) =>
    Number(execFileSync(python, ['-c', script, file], { encoding: 'utf8' }).split(' ')[0]);
}

/**
 * R's survfit(Surv(tenure_months, churned == "yes") ~ 1) on `file`, in ms (the fit
 * alone, after read.csv); null without an Rscript that has survival.
 */
function survfitTimer() {
  if (!has('Rscript', ['-e', 'library(survival)'])) return null;
  const script = `suppressMessages(library(survival)); d <- read.csv(commandArgs(TRUE)[1])
t <- proc.time()[["elapsed"]]; fit <- survfit(Surv(tenure_months, churned == "yes") ~ 1, data = d)
cat((proc.time()[["elapsed"]] - t) * 1000)`;
  return (file) => Number(execFileSync('Rscript', ['-e', script, file], { encoding: 'utf8' }));
}

/**
 * The logistic peers on `file`, timed in one python3 after pandas has read it
 * and coded the bench model's design (na.omit, treatment dummies): the fit
 * alone, in ms — scikit-learn LogisticRegression(lbfgs) as shipped (C = 1,
 * max_iter = 100), the same unpenalised and run to convergence, and
 * statsmodels Logit (Newton) with its standard errors, p-values and
 * intervals. Null without a python3 that has both.
 */
function logisticPeers() {
  const python = ['/usr/bin/python3', 'python3'].find((p) =>
    has(p, ['-c', 'import sklearn, statsmodels, pandas']),
  );
  if (!python) return null;
  const script = `import sys, time, warnings, json
import numpy as np, pandas as pd, statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
warnings.simplefilter("ignore")
cols = ["birth_year","gender","region","segment","channel","plan","tenure_months","monthly_fee",
        "total_spend","orders_12m","avg_order_value","support_tickets","satisfaction","credit_score",
        "discount_rate","churned"]
d = pd.read_csv(sys.argv[1], usecols=cols).dropna()
y = (d.pop("churned") == "yes").astype(float).to_numpy()
X = pd.get_dummies(d, columns=["gender","region","segment","channel","plan"], drop_first=True, dtype=float)
X = X.to_numpy()
out = {"rows": len(y), "columns": X.shape[1] + 1}
t = time.perf_counter(); LogisticRegression().fit(X, y); out["lbfgs"] = (time.perf_counter() - t) * 1000
t = time.perf_counter(); LogisticRegression(penalty="none", max_iter=10000).fit(X, y)
out["lbfgsConverged"] = (time.perf_counter() - t) * 1000
t = time.perf_counter(); r = sm.Logit(y, sm.add_constant(X)).fit(disp=0); r.bse; r.pvalues; r.conf_int()
out["statsmodels"] = (time.perf_counter() - t) * 1000
print(json.dumps(out))`;
  return (file) => JSON.parse(execFileSync(python, ['-c', script, file], { encoding: 'utf8' }));
}

/**
 * The network rows (bench/networkData.ts) on disk for scikit-learn, as
 * <dir>/x.f32 (row-major, 20 a row) and <dir>/y.f32: the rows the bench
 * worker generates, by the same code and seed.
 */
async function networkFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-bench-network-'));
  const vite = await createViteServer({ server: { middlewareMode: true }, logLevel: 'silent' });
  try {
    const { networkRows, NETWORK_TRAIN_ROWS } = await vite.ssrLoadModule('/bench/networkData.ts');
    const { x, y } = networkRows(NETWORK_TRAIN_ROWS);
    writeFileSync(join(dir, 'x.f32'), x);
    writeFileSync(join(dir, 'y.f32'), y);
  } finally {
    await vite.close();
  }
  return { dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * scikit-learn's MLPClassifier on the network rows in `dir`: the same
 * 20 → 32 → 16 → 1 relu network, Adam at 0.001, batches of 1,024, one
 * epoch (max_iter = 1; its other settings as shipped), the whole fit timed
 * (validation, initialisation, the epoch), NETWORK_EPOCHS fits (seeds 0, 1,
 * …) on float64 input (what pandas hands it) and as many on the float32
 * rows as written. Null without a python3 that has scikit-learn.
 */
function networkPeer() {
  const python = ['/usr/bin/python3', 'python3'].find((p) => has(p, ['-c', 'import sklearn']));
  if (!python) return null;
  const script = `import sys, time, warnings, json
import numpy as np, sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
warnings.simplefilter("ignore", ConvergenceWarning)
X = np.fromfile(sys.argv[1] + "/x.f32", dtype=np.float32).reshape(-1, 20)
y = np.fromfile(sys.argv[1] + "/y.f32", dtype=np.float32).astype(int)
out = {"version": sklearn.__version__, "rows": len(y)}
for name, dtype in (("float64", np.float64), ("float32", np.float32)):
    Xd = X.astype(dtype)
    out[name] = []
    for seed in range(int(sys.argv[2])):
        m = MLPClassifier(hidden_layer_sizes=(32, 16), solver="adam", batch_size=1024, max_iter=1,
                          random_state=seed)
        t = time.perf_counter(); m.fit(Xd, y); out[name].append((time.perf_counter() - t) * 1000)
print(json.dumps(out))`;
  return (dir) =>
    JSON.parse(
      execFileSync(python, ['-c', script, dir, String(NETWORK_EPOCHS)], { encoding: 'utf8' }),
    );
}

/**
 * The built app (dist built apart, in `dir`) in a fresh profile: ms from
 * navigation start to the first chart rendered, the reader going to the
 * first chart as soon as its placeholder is there (charts render as they
 * come near the viewport). `cold`: the first load (the sample is generated
 * and stored); `warm`: a reload, the sample read from IndexedDB.
 */
async function firstChart(dir, port) {
  const server = spawn(process.execPath, ['e2e/serve.mjs', String(port), '/lab/', dir], {
    stdio: 'ignore',
  });
  const profile = mkdtempSync(join(tmpdir(), 'lifecycle-bench-app-'));
  try {
    await new Promise((r) => setTimeout(r, 500));
    const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(() => {
      const w = window;
      new MutationObserver(() => {
        const placeholder = document.querySelector('[data-chart]');
        if (placeholder && !w.__scrolled) {
          w.__scrolled = true;
          placeholder.scrollIntoView();
        }
        if (w.__firstChart === undefined && document.querySelector('[data-chart="rendered"]'))
          w.__firstChart = performance.now();
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    const load = async () => {
      await page.waitForFunction(() => window.__firstChart !== undefined, null, {
        timeout: 60_000,
      });
      return page.evaluate(() => window.__firstChart);
    };
    await page.goto(`http://127.0.0.1:${port}/lab/`);
    const cold = await load();
    await page.reload();
    const warm = await load();
    await context.close();
    return { cold, warm };
  } finally {
    server.kill();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** A table row: label, value, then a peak in MB, 'ratio' or null, then the target (value ≤ it is met), if any. */
const row = (label, value, extra = null, target = undefined) => [label, value, extra, target];

async function main() {
  console.log(
    wants('app') ? `Building the benchmark page and the app…` : `Building the benchmark page…`,
  );
  execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.config.ts'], { stdio: 'inherit' });
  // The app is built apart from dist/, which the e2e tests serve.
  const appDir = mkdtempSync(join(tmpdir(), 'lifecycle-bench-dist-'));
  if (wants('app'))
    execFileSync(
      'npx',
      ['vite', 'build', '--outDir', appDir, '--emptyOutDir', '--logLevel', 'warn'],
      {
        stdio: 'inherit',
      },
    );
  const server = spawn(process.execPath, ['e2e/serve.mjs', String(PORT), '/', 'bench/dist'], {
    stdio: 'ignore',
  });
  const profile = mkdtempSync(join(tmpdir(), 'lifecycle-bench-profile-'));
  const rowsOut = [];
  const pandas = wants('data') ? pandasReader() : null;
  const survfit = wants('data') ? survfitTimer() : null;
  const peers = wants('data') ? logisticPeers() : null;
  const onDisk = pandas || survfit || peers ? await benchFile(ROWS) : null;
  const mlp = wants('network') ? networkPeer() : null;
  const mlpFiles = mlp ? await networkFiles() : null;
  const peerMs = [];
  const pandasMs = [];
  const survfitMs = [];
  try {
    await new Promise((r) => setTimeout(r, 500));
    const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.waitForFunction(() => 'runScenario' in window);
    const idleMb = pss(browserTree(profile)) / 2 ** 20;
    const run = (name, rows, more = 0) =>
      measured(profile, () =>
        page.evaluate(([n, r, m]) => window.runScenario(n, r, m), [name, rows, more]),
      );
    rowsOut.push(row(`idle browser with the bench page open`, NaN, idleMb));
    const warm = (xs) => median(xs.slice(1));

    if (wants('data')) {
      // Run 0 is the first ingest in this fresh browser (cold: nothing compiled
      // or cached yet); runs 1..REPEAT are the warm runs the medians are of.
      const ingest = [];
      const km = [];
      const reopen = [];
      const fits = [];
      const scores = [];
      let detail = {};
      for (let i = 0; i <= REPEAT; i++) {
        await run('cleanup', 0);
        const r = await run('ingest', ROWS);
        detail = r.detail;
        ingest.push(r);
        reopen.push(await run('reopen', ROWS));
        km.push(await run('km', ROWS));
        // The peers run between the runs, so that both see the machine in the
        // same state: on a shared machine, speed drifts by a third over minutes.
        // The model runs on the table the ingest left in the worker's cache.
        fits.push(await run('logistic', 0));
        scores.push(await run('score', 0));
        if (pandas) pandasMs.push(pandas(onDisk.file));
        if (survfit) survfitMs.push(survfit(onDisk.file));
        if (peers) peerMs.push(peers(onDisk.file));
        const beside = pandas ? `, pandas ${pandasMs.at(-1).toFixed(0)} ms` : '';
        const label = i === 0 ? 'cold' : `warm ${i}/${REPEAT}`;
        process.stdout.write(`  run ${label}: ingest ${r.ms.toFixed(0)} ms${beside}\n`);
      }
      await run('cleanup', 0);

      const mb = Number(detail.mb).toFixed(0);
      const what = `CSV ${ROWS.toLocaleString('en')} × ${detail.cols} (${mb} MB) → stored typed table`;
      rowsOut.push(
        row(`ingest ${what}, first run in a fresh browser (cold)`, ingest[0].ms, ingest[0].peakMb),
      );
      rowsOut.push(
        row(
          `ingest ${what}, warm (median of ${REPEAT})`,
          warm(ingest.map((r) => r.ms)),
          Math.max(...ingest.slice(1).map((r) => r.peakMb)),
        ),
      );
      rowsOut.push(
        row(
          `  until the store stage (parts parse, type, encode, write)`,
          warm(ingest.map((r) => r.detail.parseMs)),
        ),
      );
      rowsOut.push(
        row(
          `  store stage (commit; one pass: encode + write)`,
          warm(ingest.map((r) => r.detail.storeMs)),
        ),
      );
      rowsOut.push(
        row(
          `re-open stored table in a fresh worker (IndexedDB → Arrow → table, 5-row preview)`,
          warm(reopen.map((r) => r.ms)),
          Math.max(...reopen.slice(1).map((r) => r.peakMb)),
        ),
      );
      rowsOut.push(
        row(
          `  IndexedDB read alone (timed again on the page)`,
          warm(reopen.map((r) => r.detail.readMs)),
        ),
      );
      rowsOut.push(
        row(
          `  Arrow → table alone (timed again on the page)`,
          warm(reopen.map((r) => r.detail.decodeMs)),
        ),
      );
      rowsOut.push(
        row(
          `Kaplan–Meier from the stored table, fresh worker (re-open + curve of ${ROWS.toLocaleString('en')} rows)`,
          warm(km.map((r) => r.ms)),
          Math.max(...km.slice(1).map((r) => r.peakMb)),
        ),
      );
      rowsOut.push(
        row(
          `  Kaplan–Meier computation alone (survivalInputs + kaplanMeier, on the page)`,
          warm(km.map((r) => r.detail.computeMs)),
        ),
      );
      if (survfit) {
        rowsOut.push(
          row(
            `  R survfit(Surv(tenure_months, churned == "yes") ~ 1) alone, same file (reference)`,
            warm(survfitMs),
          ),
        );
      } else {
        rowsOut.push(row('  R survfit (Rscript with survival not found: skipped)', NaN));
      }
      if (pandas) {
        rowsOut.push(row(`pandas.read_csv, same file (reference)`, warm(pandasMs)));
        rowsOut.push(
          row(`warm ingest ÷ pandas`, warm(ingest.map((r) => r.ms)) / warm(pandasMs), 'ratio', 1.5),
        );
      } else {
        rowsOut.push(row('pandas.read_csv (python3 with pandas not found: skipped)', NaN));
      }

      const fit = fits.at(-1).detail;
      const fitMs = warm(fits.map((r) => r.ms));
      rowsOut.push(
        row(
          `logistic, full inference (IRLS, SEs, deviances, LR, HL, GVIF) on ${fit.rows.toLocaleString('en')} complete rows × ${fit.columns} coefficients, warm worker`,
          fitMs,
          Math.max(...fits.slice(1).map((r) => r.peakMb)),
        ),
      );
      if (peers) {
        const sk = warm(peerMs.map((r) => r.lbfgs));
        const sm = warm(peerMs.map((r) => r.statsmodels));
        rowsOut.push(
          row(
            `  scikit-learn LogisticRegression(lbfgs) as shipped (C = 1, max_iter = 100), fit alone, same rows`,
            sk,
          ),
        );
        rowsOut.push(
          row(
            `  scikit-learn LogisticRegression(lbfgs, no penalty) to convergence, fit alone`,
            warm(peerMs.map((r) => r.lbfgsConverged)),
          ),
        );
        rowsOut.push(row(`  statsmodels Logit (Newton) with SEs, p-values, CIs, fit alone`, sm));
        rowsOut.push(row(`  logistic ÷ scikit-learn lbfgs as shipped`, fitMs / sk, 'ratio', 1));
        rowsOut.push(row(`  logistic ÷ statsmodels Logit`, fitMs / sm, 'ratio', 0.1));
      } else {
        rowsOut.push(
          row('  scikit-learn / statsmodels (python3 with both not found: skipped)', NaN),
        );
      }
      rowsOut.push(
        row(
          `score ${ROWS.toLocaleString('en')} rows: probability, decile, band, 3 reasons, stored as a dataset`,
          warm(scores.map((r) => r.ms)),
          Math.max(...scores.slice(1).map((r) => r.peakMb)),
        ),
      );
      rowsOut.push(
        row(
          `  until the store stage (scoring with reasons)`,
          warm(scores.map((r) => r.detail.scoreMs)),
          null,
          1000,
        ),
      );
    }

    if (wants('network')) {
      // Run 0 starts the network worker (wasm compiled, the rows generated,
      // its heap grown); its first epoch is reported apart as the cold one.
      // Each run trains NETWORK_EPOCHS epochs by each loop, continuing the
      // same network; scikit-learn fits as many one-epoch networks between
      // the runs; then the network as trained so far scores.
      const trains = [];
      const mlpMs = [];
      const netScores = [];
      for (let i = 0; i <= REPEAT; i++) {
        const t = await run('network-train', NETWORK_EPOCHS);
        trains.push(t);
        if (mlp) mlpMs.push(mlp(mlpFiles.dir));
        netScores.push(await run('network-score', ROWS, REASON_ROWS));
        const d = t.detail;
        const label = i === 0 ? 'cold' : `warm ${i}/${REPEAT}`;
        const list = (xs) => xs.map((v) => v.toFixed(0)).join(', ');
        const beside = mlp ? `; scikit-learn float64 ${list(mlpMs.at(-1).float64)}` : '';
        process.stdout.write(
          `  network run ${label}: epochs ${list(d.steps)} ms, model.fit ${list(d.fit)} ms${beside}; ` +
            `${d.backend}${d.simd ? ' SIMD' : ''}${d.threads ? ' threads' : ', 1 thread'}, ` +
            `loss ${d.loss.toFixed(4)}, tensors ${d.tensors}\n`,
        );
      }
      // The warm runs' epochs pooled.
      const pooled = (xs) => median(xs.slice(1).flat());
      const steps = pooled(trains.map((r) => r.detail.steps));
      const wall = pooled(trains.map((r) => r.detail.wall));
      const fitMs = pooled(trains.map((r) => r.detail.fit));
      const d = trains.at(-1).detail;
      const how = `wasm${d.simd ? ' SIMD' : ''}, ${d.threads ? 'threads' : '1 thread'}`;
      const epochs = `median of ${REPEAT * NETWORK_EPOCHS} epochs`;
      const peak = Math.max(...trains.slice(1).map((r) => r.peakMb));
      rowsOut.push(
        row(
          `network: one epoch by NetworkTrainer (shuffle + 98 steps), 20→32→16→1 relu, ` +
            `100,000 rows, batch 1,024, ${how}, worker (${epochs})`,
          steps,
          peak,
        ),
      );
      rowsOut.push(
        row(`  the same, whole trainEpoch call (+ loss, accuracy, AUC on all 100,000 rows)`, wall),
      );
      rowsOut.push(
        row(
          `  tfjs-layers model.fit, same network and rows (one epoch, batchSize 1024, shuffle, yieldEvery never)`,
          fitMs,
        ),
      );
      rowsOut.push(
        row(
          `  model.fit ÷ NetworkTrainer (the engine keeps the faster: its own loop)`,
          fitMs / steps,
          'ratio',
        ),
      );
      rowsOut.push(
        row(`  NetworkTrainer, first epoch in the fresh worker (cold)`, trains[0].detail.steps[0]),
      );
      rowsOut.push(row(`  model.fit, first epoch (cold)`, trains[0].detail.fit[0]));
      if (mlp) {
        const sk64 = pooled(mlpMs.map((r) => r.float64));
        const sk32 = pooled(mlpMs.map((r) => r.float32));
        const v = mlpMs[0].version;
        rowsOut.push(
          row(
            `  scikit-learn ${v} MLPClassifier((32, 16), adam, batch_size 1024, max_iter 1), whole fit, float64, same rows`,
            sk64,
          ),
        );
        rowsOut.push(row(`  the same on float32 input`, sk32));
        const sk = Math.min(sk64, sk32);
        rowsOut.push(
          row(`  NetworkTrainer epoch ÷ scikit-learn (its faster input)`, steps / sk, 'ratio', 0.5),
        );
        rowsOut.push(
          row(`  whole trainEpoch ÷ scikit-learn (its faster input)`, wall / sk, 'ratio'),
        );
      } else {
        rowsOut.push(
          row('  scikit-learn MLPClassifier (python3 with scikit-learn not found: skipped)', NaN),
        );
      }
      const rows = ROWS.toLocaleString('en');
      const sd = netScores.slice(1);
      rowsOut.push(
        row(
          `network scoring ${rows} rows × 20 inputs, worker: forward.ts probabilities alone (float64; design coded before)`,
          warm(netScores.map((r) => r.detail.probabilitiesMs)),
          Math.max(...sd.map((r) => r.peakMb)),
          1000,
        ),
      );
      rowsOut.push(
        row(
          `  scoreTable, no reasons: coding in blocks + logits (a Score cell's scoring, before deciles, bands, storing)`,
          warm(netScores.map((r) => r.detail.plainMs)),
          null,
          1000,
        ),
      );
      const reasonRows = REASON_ROWS.toLocaleString('en');
      rowsOut.push(
        row(
          `  scoreTable with 3 reasons (integrated gradients, 32 steps), ${reasonRows} rows (target: 1 s per 1M rows)`,
          warm(netScores.map((r) => r.detail.reasonsMs)),
          null,
          (1000 * REASON_ROWS) / 1_000_000,
        ),
      );
    }
    if (wants('survival')) rowsOut.push(...(await survivalRows({ run, repeat: REPEAT, row })));
    if (wants('lifecycle')) rowsOut.push(...(await lifecycleRows({ run, repeat: REPEAT, row })));
    await context.close();

    if (wants('app')) {
      const chart = await firstChart(appDir, PORT + 1);
      rowsOut.push(
        row(
          `app: navigation → first chart, fresh profile (sample generated)`,
          chart.cold,
          null,
          1000,
        ),
      );
      rowsOut.push(
        row(`app: navigation → first chart, reload (sample from IndexedDB)`, chart.warm),
      );
    }
  } finally {
    server.kill();
    onDisk?.close();
    mlpFiles?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(appDir, { recursive: true, force: true });
  }

  const w = Math.max(...rowsOut.map((r) => r[0].length));
  console.log(
    `\nLifecycle Lab benchmarks — headless Chromium; warm rows: median of ${REPEAT} runs`,
  );
  console.log(`Peak memory: PSS of this benchmark's browser and its child processes\n`);
  const format = (value, extra) =>
    extra === 'ratio'
      ? `${value.toFixed(2)}×`
      : Number.isNaN(value)
        ? '—'
        : `${value.toFixed(0)} ms`;
  console.log(`${'scenario'.padEnd(w)} | ${'time'.padStart(10)} | peak memory | target`);
  console.log(`${'-'.repeat(w)}-|-${'-'.repeat(10)}-|-------------|-------`);
  for (const [name, value, extra, target] of rowsOut) {
    const m = typeof extra === 'number' ? `${extra.toFixed(0)} MB` : '';
    const t =
      target === undefined
        ? ''
        : `≤ ${format(target, extra)}: ${value <= target ? 'met' : 'NOT met'}`;
    console.log(
      `${name.padEnd(w)} | ${format(value, extra).padStart(10)} | ${m.padEnd(11)} | ${t}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
