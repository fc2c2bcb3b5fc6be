# Times R's survdiff on the rows docs/perf/logrank-timing.ts writes:
#   Rscript docs/perf/logrank-peers.R /tmp/logrank-perf
# Results: docs/perf/logrank.md.
suppressMessages(library(survival))
dir <- commandArgs(trailingOnly = TRUE)[1]
if (is.na(dir)) dir <- "/tmp/logrank-perf"
n <- file.size(file.path(dir, "event.u8"))
rd <- function(name, what, size) readBin(file.path(dir, name), what, n, size = size)
d <- data.frame(decimal = rd("decimal.f64", "double", 8), days = rd("days.f64", "double", 8),
                event = rd("event.u8", "integer", 1),
                group = factor(c("a", "b", "c")[rd("group.i32", "integer", 4) + 1]),
                strata = rd("strata.i32", "integer", 4))

time_it <- function(label, expr, repeats = 5) {
  f <- function() eval(expr, envir = d, enclos = globalenv())
  f()  # warm-up
  secs <- replicate(repeats, system.time(s <- f())[["elapsed"]])
  s <- f()
  cat(sprintf("%-44s median %5.0f ms  (min %.0f, max %.0f)  chisq %.15g\n", label,
              1000 * median(secs), 1000 * min(secs), 1000 * max(secs), s$chisq))
}
cat(n, "rows, 3 groups;", R.version.string, "survival", as.character(packageVersion("survival")), "\n")
time_it("survdiff: days, rho 0", quote(survdiff(Surv(days, event) ~ group)))
time_it("survdiff: days, rho 1", quote(survdiff(Surv(days, event) ~ group, rho = 1)))
time_it("survdiff: decimal, rho 0", quote(survdiff(Surv(decimal, event) ~ group)))
time_it("survdiff: decimal, rho 1", quote(survdiff(Surv(decimal, event) ~ group, rho = 1)))
time_it("survdiff: days, rho 0, 4 strata",
        quote(survdiff(Surv(days, event) ~ group + strata(strata))))
time_it("survdiff: decimal, rho 0, 4 strata",
        quote(survdiff(Surv(decimal, event) ~ group + strata(strata))))
