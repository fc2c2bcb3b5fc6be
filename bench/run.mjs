// `npm run bench`: measured scenarios in real headless Chromium (Debian's),
// printed as a table of medians over repeated runs. Also times pandas'
// read_csv on the same file, between the ingest runs, when a python3 with
// pandas is on the machine.
//
// Usage: npm run bench [-- --rows 1000000 --repeat 3]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
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

/** Resident memory (bytes) of all Chromium processes, for peak-memory sampling. */
function chromiumRss() {
  try {
    const out = execFileSync('ps', ['-C', 'chromium', '-o', 'rss='], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter(Boolean)
      .reduce((s, kb) => s + Number(kb) * 1024, 0);
  } catch {
    return 0;
  }
}

async function measured(fn) {
  const base = chromiumRss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, chromiumRss())), 100);
  try {
    const result = await fn();
    return { ...result, peakMb: (peak - base) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * pandas' read_csv on the bench file, written to disk once: `time()` reads
 * it once and gives the milliseconds. Null without a python3 that has pandas.
 */
async function pandasReader(rows) {
  const python = ['/usr/bin/python3', 'python3'].find((p) => {
    try {
      execFileSync(p, ['-c', 'import pandas'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) return null;
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
  const script = `import pandas, time, sys
t = time.perf_counter(); df = pandas.read_csv(sys.argv[1]); ms = (time.perf_counter() - t) * 1000
print(ms, len(df))`;
  return {
    time: () =>
      Number(execFileSync(python, ['-c', script, file], { encoding: 'utf8' }).split(' ')[0]),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function main() {
  console.log(`Building the benchmark page…`);
  execFileSync('npx', ['vite', 'build', '--config', 'bench/vite.config.ts'], { stdio: 'inherit' });
  const server = spawn(process.execPath, ['e2e/serve.mjs', String(PORT), '/', 'bench/dist'], {
    stdio: 'ignore',
  });
  const profile = mkdtempSync(join(tmpdir(), 'lifecycle-bench-profile-'));
  const rowsOut = [];
  // pandas runs between the ingest runs, so that both see the machine in the
  // same state: on a shared machine, speed drifts by a third over minutes.
  const pandas = await pandasReader(ROWS);
  const pandasMs = [];
  try {
    await new Promise((r) => setTimeout(r, 500));
    const context = await chromium.launchPersistentContext(profile, {
      ...CHROMIUM,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.waitForFunction(() => 'runScenario' in window);
    const run = (name, rows) =>
      measured(() => page.evaluate(([n, r]) => window.runScenario(n, r), [name, rows]));

    const ingest = [];
    const km = [];
    const reopen = [];
    let detail = {};
    for (let i = 0; i < REPEAT; i++) {
      await run('cleanup', 0);
      const r = await run('ingest', ROWS);
      detail = r.detail;
      ingest.push(r);
      km.push(await run('km', ROWS));
      reopen.push(await run('reopen', ROWS));
      if (pandas) pandasMs.push(pandas.time());
      const beside = pandas ? `, pandas ${pandasMs.at(-1).toFixed(0)} ms` : '';
      process.stdout.write(`  run ${i + 1}/${REPEAT}: ingest ${r.ms.toFixed(0)} ms${beside}\n`);
    }
    await run('cleanup', 0);
    await context.close();

    const mb = Number(detail.mb).toFixed(0);
    rowsOut.push([
      `ingest CSV ${ROWS.toLocaleString('en')} × ${detail.cols} (${mb} MB) → stored typed table`,
      median(ingest.map((r) => r.ms)),
      Math.max(...ingest.map((r) => r.peakMb)),
    ]);
    rowsOut.push([
      `  until the store stage (parts parse, type, encode, write)`,
      median(ingest.map((r) => r.detail.parseMs)),
      null,
    ]);
    rowsOut.push([
      `  store stage (commit; one pass: encode + write)`,
      median(ingest.map((r) => r.detail.storeMs)),
      null,
    ]);
    rowsOut.push([
      `re-open stored table (IndexedDB → Arrow → table)`,
      median(reopen.map((r) => r.ms)),
      null,
    ]);
    rowsOut.push([
      `  IndexedDB read alone (timed again on the page)`,
      median(reopen.map((r) => r.detail.readMs)),
      null,
    ]);
    rowsOut.push([
      `  Arrow → table alone (timed again on the page)`,
      median(reopen.map((r) => r.detail.decodeMs)),
      null,
    ]);
    rowsOut.push([
      `Kaplan–Meier on ${ROWS.toLocaleString('en')} rows (first call loads the table)`,
      median(km.map((r) => r.ms)),
      null,
    ]);

    if (pandas !== null) {
      rowsOut.push([`pandas.read_csv, same file (reference)`, median(pandasMs), null]);
      rowsOut.push([
        `ingest ÷ pandas (target ≤ 1.5)`,
        median(ingest.map((r) => r.ms)) / median(pandasMs),
        'ratio',
      ]);
    } else {
      rowsOut.push(['pandas.read_csv (python3 with pandas not found: skipped)', NaN, null]);
    }
  } finally {
    server.kill();
    pandas?.close();
    rmSync(profile, { recursive: true, force: true });
  }

  const w = Math.max(...rowsOut.map((r) => r[0].length));
  console.log(`\nLifecycle Lab benchmarks — median of ${REPEAT} runs, headless Chromium\n`);
  console.log(`${'scenario'.padEnd(w)} | ${'median'.padStart(10)} | peak memory`);
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
