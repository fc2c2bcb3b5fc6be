// `npm run bench`: measured scenarios in real headless Chromium (Debian's),
// printed as a table: the first ingest in a fresh browser apart, medians of
// the warm runs after it, and the peak memory of this benchmark's own browser
// (the PSS of its process tree). Peers on the same file, when present:
// pandas' read_csv (python3 with pandas), between the ingest runs, and R's
// survfit (Rscript with the survival package) beside the Kaplan–Meier row.
// Last, the built app in a fresh profile: navigation to its first chart.
//
// Usage: npm run bench [-- --rows 1000000 --repeat 3]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { chromium } from '@playwright/test';
import { createServer as createViteServer } from 'vite';

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

async function main() {
  console.log(`Building the benchmark page and the app…`);
  execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.config.ts'], { stdio: 'inherit' });
  // The app is built apart from dist/, which the e2e tests serve.
  const appDir = mkdtempSync(join(tmpdir(), 'lifecycle-bench-dist-'));
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
  const pandas = pandasReader();
  const survfit = survfitTimer();
  const peers = logisticPeers();
  const onDisk = pandas || survfit || peers ? await benchFile(ROWS) : null;
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
    const run = (name, rows) =>
      measured(profile, () => page.evaluate(([n, r]) => window.runScenario(n, r), [name, rows]));

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
    await context.close();
    const warm = (xs) => median(xs.slice(1));

    const mb = Number(detail.mb).toFixed(0);
    const what = `CSV ${ROWS.toLocaleString('en')} × ${detail.cols} (${mb} MB) → stored typed table`;
    rowsOut.push([`idle browser with the bench page open`, NaN, idleMb]);
    rowsOut.push([
      `ingest ${what}, first run in a fresh browser (cold)`,
      ingest[0].ms,
      ingest[0].peakMb,
    ]);
    rowsOut.push([
      `ingest ${what}, warm (median of ${REPEAT})`,
      warm(ingest.map((r) => r.ms)),
      Math.max(...ingest.slice(1).map((r) => r.peakMb)),
    ]);
    rowsOut.push([
      `  until the store stage (parts parse, type, encode, write)`,
      warm(ingest.map((r) => r.detail.parseMs)),
      null,
    ]);
    rowsOut.push([
      `  store stage (commit; one pass: encode + write)`,
      warm(ingest.map((r) => r.detail.storeMs)),
      null,
    ]);
    rowsOut.push([
      `re-open stored table in a fresh worker (IndexedDB → Arrow → table, 5-row preview)`,
      warm(reopen.map((r) => r.ms)),
      Math.max(...reopen.slice(1).map((r) => r.peakMb)),
    ]);
    rowsOut.push([
      `  IndexedDB read alone (timed again on the page)`,
      warm(reopen.map((r) => r.detail.readMs)),
      null,
    ]);
    rowsOut.push([
      `  Arrow → table alone (timed again on the page)`,
      warm(reopen.map((r) => r.detail.decodeMs)),
      null,
    ]);
    rowsOut.push([
      `Kaplan–Meier from the stored table, fresh worker (re-open + curve of ${ROWS.toLocaleString('en')} rows)`,
      warm(km.map((r) => r.ms)),
      Math.max(...km.slice(1).map((r) => r.peakMb)),
    ]);
    rowsOut.push([
      `  Kaplan–Meier computation alone (survivalInputs + kaplanMeier, on the page)`,
      warm(km.map((r) => r.detail.computeMs)),
      null,
    ]);
    if (survfit) {
      rowsOut.push([
        `  R survfit(Surv(tenure_months, churned == "yes") ~ 1) alone, same file (reference)`,
        warm(survfitMs),
        null,
      ]);
    } else {
      rowsOut.push(['  R survfit (Rscript with survival not found: skipped)', NaN, null]);
    }
    if (pandas) {
      rowsOut.push([`pandas.read_csv, same file (reference)`, warm(pandasMs), null]);
      rowsOut.push([
        `warm ingest ÷ pandas (target ≤ 1.5)`,
        warm(ingest.map((r) => r.ms)) / warm(pandasMs),
        'ratio',
      ]);
    } else {
      rowsOut.push(['pandas.read_csv (python3 with pandas not found: skipped)', NaN, null]);
    }

    const fit = fits.at(-1).detail;
    const fitMs = warm(fits.map((r) => r.ms));
    rowsOut.push([
      `logistic, full inference (IRLS, SEs, deviances, LR, HL, GVIF) on ${fit.rows.toLocaleString('en')} complete rows × ${fit.columns} coefficients, warm worker`,
      fitMs,
      Math.max(...fits.slice(1).map((r) => r.peakMb)),
    ]);
    if (peers) {
      const sk = warm(peerMs.map((r) => r.lbfgs));
      const sm = warm(peerMs.map((r) => r.statsmodels));
      rowsOut.push([
        `  scikit-learn LogisticRegression(lbfgs) as shipped (C = 1, max_iter = 100), fit alone, same rows`,
        sk,
        null,
      ]);
      rowsOut.push([
        `  scikit-learn LogisticRegression(lbfgs, no penalty) to convergence, fit alone`,
        warm(peerMs.map((r) => r.lbfgsConverged)),
        null,
      ]);
      rowsOut.push([`  statsmodels Logit (Newton) with SEs, p-values, CIs, fit alone`, sm, null]);
      rowsOut.push([
        `  logistic ÷ scikit-learn lbfgs as shipped (target ≤ 1)`,
        fitMs / sk,
        'ratio',
      ]);
      rowsOut.push([`  logistic ÷ statsmodels Logit (target ≤ 0.1)`, fitMs / sm, 'ratio']);
    } else {
      rowsOut.push([
        '  scikit-learn / statsmodels (python3 with both not found: skipped)',
        NaN,
        null,
      ]);
    }
    rowsOut.push([
      `score ${ROWS.toLocaleString('en')} rows: probability, decile, band, 3 reasons, stored as a dataset`,
      warm(scores.map((r) => r.ms)),
      Math.max(...scores.slice(1).map((r) => r.peakMb)),
    ]);
    rowsOut.push([
      `  until the store stage (scoring with reasons; target ≤ 1000)`,
      warm(scores.map((r) => r.detail.scoreMs)),
      null,
    ]);

    const chart = await firstChart(appDir, PORT + 1);
    rowsOut.push([
      `app: navigation → first chart, fresh profile (sample generated; target ≤ 1000)`,
      chart.cold,
      null,
    ]);
    rowsOut.push([
      `app: navigation → first chart, reload (sample from IndexedDB)`,
      chart.warm,
      null,
    ]);
  } finally {
    server.kill();
    onDisk?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(appDir, { recursive: true, force: true });
  }

  const w = Math.max(...rowsOut.map((r) => r[0].length));
  console.log(
    `\nLifecycle Lab benchmarks — headless Chromium; warm rows: median of ${REPEAT} runs`,
  );
  console.log(`Peak memory: PSS of this benchmark's browser and its child processes\n`);
  console.log(`${'scenario'.padEnd(w)} | ${'time'.padStart(10)} | peak memory`);
  console.log(`${'-'.repeat(w)}-|-${'-'.repeat(10)}-|------------`);
  for (const [name, value, extra] of rowsOut) {
    const v =
      extra === 'ratio'
        ? `${value.toFixed(2)}×`
        : Number.isNaN(value)
          ? '—'
          : `${value.toFixed(0)} ms`;
    const m = typeof extra === 'number' ? `${extra.toFixed(0)} MB` : '';
    console.log(`${name.padEnd(w)} | ${v.padStart(10)} | ${m}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
