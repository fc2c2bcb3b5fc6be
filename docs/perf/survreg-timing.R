# The R side of docs/perf/survreg-timing.ts: survreg on the same 100,000 × 10 data.
suppressMessages(library(survival))
d <- read.csv("/tmp/survreg-timing.csv")
f <- Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10
fit <- survreg(f, data = d, dist = "weibull")
X <- model.matrix(~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10, d)
y <- Surv(d$time, d$status)
whole <- replicate(7, system.time(survreg(f, data = d, dist = "weibull"))[["elapsed"]])
# survreg.fit alone (no model frame / matrix), the fitter the TS code corresponds to.
ctl <- survreg.control()
yl <- y; yl[, 1] <- log(yl[, 1])
core <- replicate(7, system.time(survival:::survreg.fit(X, yl, NULL, NULL, NULL, ctl, "extreme", 0))[["elapsed"]])
cat(sprintf("%s: survreg weibull n=%d: median %.1f ms (min %.1f, max %.1f); survreg.fit alone median %.1f ms; iterations %d, loglik %.6f, scale %.9f\n",
            R.version.string, nrow(d), 1000 * median(whole), 1000 * min(whole), 1000 * max(whole),
            1000 * median(core), fit$iter, fit$loglik[2], fit$scale))
