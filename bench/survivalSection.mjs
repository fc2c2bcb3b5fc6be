// The `survival` section of `npm run bench` (bench/run.mjs runs it): the
// log-rank, Cox, cox.zph and Weibull rows of issue 11, timed by
// ./survival.worker.ts on the seeded tables of ./survivalData.ts, and R's
// survdiff / coxph / cox.zph / survreg on the same rows written as CSV
// (Rscript with survival; each fit timed alone, after read.csv), R run once
// between the engine's runs so that both see the machine in the same state.
// The statistics of both are compared and printed, so a row never times a
// fit that differs from R's.
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createViteServer } from 'vite';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const warm = (xs) => median(xs.slice(1));

/** <dir>/logrank.csv (1,000,000 rows) and <dir>/model.csv (100,000), the worker's tables. */
async function survivalFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-bench-survival-'));
  const vite = await createViteServer({ server: { middlewareMode: true }, logLevel: 'silent' });
  try {
    const data = await vite.ssrLoadModule('/bench/survivalData.ts');
    for (const [name, table] of [
      ['logrank.csv', data.logrankTable()],
      ['model.csv', data.modelTable()],
    ]) {
      const out = createWriteStream(join(dir, name));
      for (const chunk of data.tableCsv(table)) if (!out.write(chunk)) await once(out, 'drain');
      out.end();
      await once(out, 'finish');
    }
  } finally {
    await vite.close();
  }
  return { dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}

function hasSurvival() {
  try {
    execFileSync('Rscript', ['-e', 'library(survival)'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The same models as the worker's: factor levels in code-point order (the
// worker's references are the first), Efron ties, cox.zph's KM transform.
const R_SCRIPT = `suppressMessages(library(survival))
dir <- commandArgs(TRUE)[1]
lr <- read.csv(file.path(dir, "logrank.csv"), stringsAsFactors = TRUE)
d <- read.csv(file.path(dir, "model.csv"), stringsAsFactors = TRUE)
f <- Surv(tenure_days, churned) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + region + plan
ms <- function(expr) { t <- proc.time()[["elapsed"]]; force(expr); (proc.time()[["elapsed"]] - t) * 1000 }
t1 <- ms(sd <- survdiff(Surv(tenure_days, churned) ~ group, data = lr))
t2 <- ms(cx <- coxph(f, data = d, ties = "efron"))
t3 <- ms(zp <- cox.zph(cx))
t4 <- ms(sr <- survreg(f, data = d, dist = "weibull"))
num <- function(x) paste0("[", paste(sprintf("%.17g", x), collapse = ","), "]")
cat(sprintf('{"version":"%s","survdiff":%.3f,"coxph":%.3f,"coxzph":%.3f,"survreg":%.3f,',
            packageVersion("survival"), t1, t2, t3, t4))
cat(sprintf('"chisq":%.17g,"observed":%s,"coxLoglik":%.17g,"coxCoef":%s,"coxIter":%d,',
            sd$chisq, num(sd$obs), cx$loglik[2], num(coef(cx)), cx$iter))
cat(sprintf('"zphGlobal":%.17g,"srLoglik":%.17g,"srScale":%.17g,"srCoef":%s,"srIter":%d}',
            zp$table["GLOBAL", "chisq"], sr$loglik[2], sr$scale, num(coef(sr)), sr$iter))
`;

/** Largest relative difference between two arrays of numbers. */
function maxRel(ours, theirs) {
  const a = [ours].flat();
  const b = [theirs].flat();
  if (a.length !== b.length) return Infinity;
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.max(Math.abs(b[i]), 1e-300)));
}

/**
 * Runs the section: `run(name, rows)` runs a bench-page scenario (measured,
 * with its peak memory), `repeat` warm runs after the first, `row` makes a
 * table row. Returns the rows.
 */
export async function survivalRows({ run, repeat, row }) {
  const r = hasSurvival();
  const files = r ? await survivalFiles() : null;
  const logrank = [];
  const cox = [];
  const weibull = [];
  const peer = [];
  process.stdout.write(
    `  load average (1 min) at the section's start: ${loadavg()[0].toFixed(1)}\n`,
  );
  try {
    // Run 0 generates the tables in the worker (and compiles its code): its
    // times are printed, not in the medians.
    for (let i = 0; i <= repeat; i++) {
      logrank.push(await run('survival-logrank', 0));
      cox.push(await run('survival-cox', 0));
      weibull.push(await run('survival-weibull', 0));
      if (r)
        peer.push(
          JSON.parse(execFileSync('Rscript', ['-e', R_SCRIPT, files.dir], { encoding: 'utf8' })),
        );
      const label = i === 0 ? 'cold' : `warm ${i}/${repeat}`;
      const c = cox.at(-1);
      const beside = r
        ? `; R survdiff ${peer.at(-1).survdiff.toFixed(0)}, coxph ${peer.at(-1).coxph.toFixed(0)}, ` +
          `cox.zph ${peer.at(-1).coxzph.toFixed(0)}, survreg ${peer.at(-1).survreg.toFixed(0)}`
        : '';
      process.stdout.write(
        `  survival run ${label}: log-rank ${logrank.at(-1).ms.toFixed(0)}, Cox ${c.ms.toFixed(0)}, ` +
          `cox.zph ${c.detail.zphMs.toFixed(0)}, coxReport ${c.detail.reportMs.toFixed(0)}, ` +
          `Weibull ${weibull.at(-1).ms.toFixed(0)} ms${beside}\n`,
      );
    }
  } finally {
    files?.close();
  }

  // On a shared machine the load says how far to trust the times.
  process.stdout.write(`  load average (1 min) at the section's end: ${loadavg()[0].toFixed(1)}\n`);
  const lr = logrank.at(-1).detail;
  const cx = cox.at(-1).detail;
  const wb = weibull.at(-1).detail;
  process.stdout.write(
    `  tables generated in the worker: log-rank ${logrank[0].detail.setupMs.toFixed(0)} ms, ` +
      `model ${cox[0].detail.setupMs.toFixed(0)} ms; ${cx.events.toLocaleString('en')} events of ` +
      `${cx.rows.toLocaleString('en')} model rows; Cox ${cx.iterations} iterations, Weibull ${wb.iterations}\n`,
  );
  if (r) {
    const p = peer.at(-1);
    process.stdout.write(
      `  agreement with R survival ${p.version} (largest relative difference): ` +
        `survdiff χ² ${maxRel(lr.chisq, p.chisq).toExponential(1)}, observed ${maxRel(lr.observed, p.observed).toExponential(1)}; ` +
        `coxph loglik ${maxRel(cx.loglik, p.coxLoglik).toExponential(1)}, coefficients ${maxRel(cx.coefficients, p.coxCoef).toExponential(1)} ` +
        `(R ${p.coxIter} iterations); cox.zph global χ² ${maxRel(cx.zphGlobal, p.zphGlobal).toExponential(1)}; ` +
        `survreg loglik ${maxRel(wb.loglik, p.srLoglik).toExponential(1)}, scale ${maxRel(wb.scale, p.srScale).toExponential(1)}, ` +
        `coefficients ${maxRel(wb.coefficients, p.srCoef).toExponential(1)} (R ${p.srIter} iterations)\n`,
    );
  }

  const ms = (xs, pick = (x) => x.ms) => warm(xs.map(pick));
  const peak = (xs) => Math.max(...xs.slice(1).map((x) => x.peakMb));
  const rMs = (key) => warm(peer.map((p) => p[key]));
  const lrRows = lr.rows.toLocaleString('en');
  const modelRows = cx.rows.toLocaleString('en');
  const shape = `${modelRows} × 10 features (8 numeric, region 5 levels, plan 4: 15 coefficients)`;
  const skipped = (what) => row(`  R ${what} (Rscript with survival not found: skipped)`, NaN);
  const rows = [];

  rows.push(
    row(
      `log-rank ${lrRows} × 3 groups, ρ = 0 (worker, data in memory: logrankTable — columns read, sort, test)`,
      ms(logrank),
      peak(logrank),
    ),
  );
  if (r) {
    rows.push(
      row(
        `  R survdiff(Surv(tenure_days, churned) ~ group), same rows, after read.csv`,
        rMs('survdiff'),
      ),
    );
    rows.push(row(`  log-rank ÷ survdiff`, ms(logrank) / rMs('survdiff'), 'ratio', 0.1));
  } else rows.push(skipped('survdiff'));

  rows.push(
    row(
      `Cox ${shape}, Efron (worker, data in memory: fitCoxTable — design, Newton–Raphson, tests, concordance)`,
      ms(cox),
      peak(cox),
    ),
  );
  rows.push(
    row(
      `  coxFit alone (design coded before)`,
      ms(cox, (c) => c.detail.coxFitMs),
    ),
  );
  if (r) {
    rows.push(row(`  R coxph(…, ties = "efron"), same rows, after read.csv`, rMs('coxph')));
    rows.push(row(`  Cox ÷ coxph`, ms(cox) / rMs('coxph'), 'ratio', 1));
  } else rows.push(skipped('coxph'));

  const zph = ms(cox, (c) => c.detail.zphMs);
  rows.push(row(`cox.zph of that fit, KM transform (worker: coxZph)`, zph));
  if (r) {
    rows.push(row(`  R cox.zph(fit)`, rMs('coxzph')));
    rows.push(row(`  coxZph ÷ cox.zph`, zph / rMs('coxzph'), 'ratio', 1));
  } else rows.push(skipped('cox.zph'));
  const report = ms(cox, (c) => c.detail.reportMs);
  rows.push(
    row(`Cox cell's whole job (worker: coxReport — fit, PH check, stored model, preview)`, report),
  );
  if (r)
    rows.push(
      row(`  coxReport ÷ (R coxph + cox.zph)`, report / (rMs('coxph') + rMs('coxzph')), 'ratio'),
    );

  rows.push(
    row(
      `Weibull AFT ${shape} (worker, data in memory: fitSurvregTable — design, Newton–Raphson)`,
      ms(weibull),
      peak(weibull),
    ),
  );
  if (r) {
    rows.push(row(`  R survreg(…, dist = "weibull"), same rows, after read.csv`, rMs('survreg')));
    rows.push(row(`  Weibull ÷ survreg`, ms(weibull) / rMs('survreg'), 'ratio', 1));
  } else rows.push(skipped('survreg'));
  return rows;
}
