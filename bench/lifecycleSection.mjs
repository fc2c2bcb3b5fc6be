// The `lifecycle` section of `npm run bench` (bench/run.mjs runs it): issue
// 12's rows, timed by ./lifecycle.worker.ts on the seeded data of
// ./lifecycleData.ts — RFM with segments and monthly cohort retention on a
// 5,000,000-row transaction log, k-means (k = 6, 10 restarts) on
// 1,000,000 × 10, the silhouette of k = 2 … 10 on 20,000 rows — beside
// pandas and scikit-learn on the same data written to disk
// (./lifecyclePeers.py, each computation timed after the data is read), the
// peers run once between the engine's runs so that both see the machine in
// the same state. The results of both are compared and printed, so a row
// never times a computation that differs from its peer's; and the page's
// long tasks (over 50 ms) during each job are counted.
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createViteServer } from 'vite';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const warm = (xs) => median(xs.slice(1));
const PEERS = new URL('./lifecyclePeers.py', import.meta.url).pathname;

/** <dir>/log.csv, kmeans.f64, silhouette.f64 and silhouette.i32 (the labellings, one after another). */
async function lifecycleFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-bench-lifecycle-'));
  const vite = await createViteServer({ server: { middlewareMode: true }, logLevel: 'silent' });
  try {
    const data = await vite.ssrLoadModule('/bench/lifecycleData.ts');
    const out = createWriteStream(join(dir, 'log.csv'));
    for (const chunk of data.logCsv(data.transactionLog(data.LOG_ROWS)))
      if (!out.write(chunk)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    writeFileSync(join(dir, 'kmeans.f64'), data.kmeansMatrix());
    const { x, labellings } = data.silhouetteInput();
    writeFileSync(join(dir, 'silhouette.f64'), x);
    const labels = new Int32Array(labellings.length * data.SILHOUETTE_ROWS);
    labellings.forEach((l, i) => labels.set(l, i * data.SILHOUETTE_ROWS));
    writeFileSync(join(dir, 'silhouette.i32'), labels);
  } finally {
    await vite.close();
  }
  return { dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** python3 with pandas and scikit-learn, or null. */
function python() {
  for (const p of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(p, ['-c', 'import pandas, sklearn'], { stdio: 'ignore' });
      return p;
    } catch {
      // try the next
    }
  }
  return null;
}

/**
 * Runs the section: `run(name, rows)` runs a bench-page scenario (measured,
 * with its peak memory), `repeat` warm runs after the first, `row` makes a
 * table row. Returns the rows.
 */
export async function lifecycleRows({ run, repeat, row }) {
  const py = python();
  const files = py ? await lifecycleFiles() : null;
  const peer = (what, arg) =>
    JSON.parse(execFileSync(py, [PEERS, what, arg], { encoding: 'utf8', maxBuffer: 1 << 24 }));
  const rfm = [];
  const cohorts = [];
  const kmeans = [];
  const silhouette = [];
  const pandas = [];
  const skKmeans = [];
  const skSilhouette = [];
  try {
    // Run 0 generates the data in the worker (and compiles its code): its
    // times are printed, not in the medians.
    for (let i = 0; i <= repeat; i++) {
      rfm.push(await run('lifecycle-rfm', 0));
      cohorts.push(await run('lifecycle-cohorts', 0));
      if (py) pandas.push(peer('log', join(files.dir, 'log.csv')));
      kmeans.push(await run('lifecycle-kmeans', 0));
      if (py) skKmeans.push(peer('kmeans', files.dir));
      silhouette.push(await run('lifecycle-silhouette', 0));
      if (py) skSilhouette.push(peer('silhouette', files.dir));
      const label = i === 0 ? 'cold' : `warm ${i}/${repeat}`;
      const beside = py
        ? `; pandas RFM ${pandas.at(-1).rfmMs.toFixed(0)}, cohorts ${pandas.at(-1).cohortsMs.toFixed(0)}, ` +
          `KMeans ${skKmeans.at(-1).ms.toFixed(0)}, silhouette_score ${skSilhouette.at(-1).ms.toFixed(0)}`
        : '';
      process.stdout.write(
        `  lifecycle run ${label}: RFM ${rfm.at(-1).ms.toFixed(0)}, cohorts ${cohorts.at(-1).ms.toFixed(0)}, ` +
          `k-means ${kmeans.at(-1).ms.toFixed(0)}, silhouette ${silhouette.at(-1).ms.toFixed(0)} ms${beside}\n`,
      );
    }
  } finally {
    files?.close();
  }

  const all = [...rfm, ...cohorts, ...kmeans, ...silhouette];
  const tasks = all.reduce((sum, r) => sum + r.detail.longTasks, 0);
  const longest = Math.max(...all.map((r) => r.detail.longestTask));
  const r0 = rfm.at(-1).detail;
  const c0 = cohorts.at(-1).detail;
  const k0 = kmeans.at(-1).detail;
  const s0 = silhouette.at(-1).detail;
  process.stdout.write(
    `  data made in the worker: log ${rfm[0].detail.makeMs.toFixed(0)} ms (${r0.rows.toLocaleString('en')} rows, ` +
      `${r0.customers.toLocaleString('en')} customers), k-means matrix ${kmeans[0].detail.makeMs.toFixed(0)} ms; ` +
      `k-means kept a fit of ${k0.iterations} iterations, ${k0.totalIterations} over the 10 restarts\n` +
      `  main-thread long tasks (> 50 ms) during the ${all.length} lifecycle jobs: ${tasks}` +
      (tasks > 0 ? `, the longest ${longest.toFixed(0)} ms\n` : '\n'),
  );
  if (py) {
    const p = pandas.at(-1);
    const k = skKmeans.at(-1);
    const s = skSilhouette.at(-1);
    const segments = Math.max(...r0.segments.map((v, j) => Math.abs(v - p.rfm.segments[j])));
    const scores = Math.max(...s0.scores.map((v, j) => Math.abs(v - s.scores[j])));
    process.stdout.write(
      `  agreement with pandas ${p.pandas}: RFM customers ${r0.customers === p.rfm.customers ? 'equal' : 'DIFFER'}, ` +
        `segment sizes differ by at most ${segments} customers (monetary ties: pandas' groupby sum is compensated), ` +
        `revenue ${(Math.abs(r0.revenue - p.rfm.revenue) / p.rfm.revenue).toExponential(1)} relative; ` +
        `cohorts ${c0.cohorts === p.cohorts.cohorts && c0.members === p.cohorts.members && c0.retained === p.cohorts.retained ? 'equal' : 'DIFFER'} ` +
        `(${c0.cohorts} cohorts, ${c0.members.toLocaleString('en')} members, ${c0.retained.toLocaleString('en')} retained cells' members), ` +
        `average at period 12 ${Math.abs(c0.averageAt12 - p.cohorts.averageAt12).toExponential(1)}\n` +
        `  scikit-learn ${k.sklearn}: KMeans inertia ${k.inertia.toFixed(1)} (${k.iterations} iterations) vs the engine's ` +
        `${k0.inertia.toFixed(1)} (other k-means++ draws); silhouette scores differ by at most ${scores.toExponential(1)}\n`,
    );
  }

  const ms = (xs, pick = (x) => x.ms) => warm(xs.map(pick));
  const peak = (xs) => Math.max(...xs.slice(1).map((x) => x.peakMb));
  const pyMs = (xs, key) => warm(xs.map((p) => p[key]));
  const skipped = (what) =>
    row(`  ${what} (python3 with pandas and scikit-learn not found: skipped)`, NaN);
  const rowsText = r0.rows.toLocaleString('en');
  const rows = [];

  rows.push(
    row(
      `RFM + 11 segments, ${rowsText}-row log, ${r0.customers.toLocaleString('en')} customers (worker, data in memory: readTransactionLog + rfm)`,
      ms(rfm),
      peak(rfm),
    ),
  );
  rows.push(
    row(
      `  readTransactionLog alone (group by customer, day order)`,
      ms(rfm, (r) => r.detail.logMs),
    ),
  );
  rows.push(
    row(
      `  rfm alone (summary, 3 quantile scores, segments, summary, R × F grid)`,
      ms(rfm, (r) => r.detail.rfmMs),
    ),
  );
  if (py) {
    rows.push(
      row(
        `  pandas: the same, after read_csv (factorize, groupby, rank, np.select, summaries)`,
        pyMs(pandas, 'rfmMs'),
      ),
    );
    rows.push(row(`  RFM ÷ pandas`, ms(rfm) / pyMs(pandas, 'rfmMs'), 'ratio', 1));
  } else rows.push(skipped('pandas RFM'));

  rows.push(
    row(
      `cohort retention, monthly, calendar, n-period + revenue, same log (worker: readTransactionLog + cohortRetention)`,
      ms(cohorts),
      peak(cohorts),
    ),
  );
  rows.push(
    row(
      `  cohortRetention alone`,
      ms(cohorts, (r) => r.detail.cohortsMs),
    ),
  );
  if (py) {
    rows.push(
      row(
        `  pandas: the same, after read_csv (to_period, groupby, unstack, complete cells, averages, per customer)`,
        pyMs(pandas, 'cohortsMs'),
      ),
    );
    rows.push(row(`  cohorts ÷ pandas`, ms(cohorts) / pyMs(pandas, 'cohortsMs'), 'ratio', 1));
    rows.push(row(`  pandas read_csv of the log (not in the rows above)`, pyMs(pandas, 'readMs')));
  } else rows.push(skipped('pandas cohorts'));

  rows.push(
    row(
      `k-means 1,000,000 × 10, k = 6, 10 k-means++ restarts, Lloyd, tol 1e-4 (worker: kmeans)`,
      ms(kmeans),
      peak(kmeans),
    ),
  );
  if (py) {
    rows.push(
      row(
        `  scikit-learn KMeans(n_clusters=6, n_init=10, algorithm='lloyd', tol=1e-4), fit on float64, same rows`,
        pyMs(skKmeans, 'ms'),
      ),
    );
    rows.push(row(`  k-means ÷ KMeans`, ms(kmeans) / pyMs(skKmeans, 'ms'), 'ratio', 1));
  } else rows.push(skipped('scikit-learn KMeans'));

  rows.push(
    row(
      `silhouette, k = 2 … 10 (9 labellings), 20,000 × 10, exact (worker: silhouetteScores, one pass of distances)`,
      ms(silhouette),
      peak(silhouette),
    ),
  );
  if (py) {
    rows.push(
      row(`  scikit-learn silhouette_score × 9, same rows and labels`, pyMs(skSilhouette, 'ms')),
    );
    rows.push(
      row(`  silhouette ÷ silhouette_score`, ms(silhouette) / pyMs(skSilhouette, 'ms'), 'ratio', 1),
    );
  } else rows.push(skipped('scikit-learn silhouette_score'));
  rows.push(
    row(
      `main-thread tasks over 50 ms during the lifecycle jobs (target: none): ` +
        (tasks > 0 ? `${tasks}, the longest ${longest.toFixed(0)} ms: NOT met` : `none: met`),
      NaN,
    ),
  );
  return rows;
}
