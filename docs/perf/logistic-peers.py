# The peers of docs/perf/logistic-timing.ts on the same matrix (written by it
# to <dir>/X.f64 and <dir>/y.u8): scikit-learn LogisticRegression(lbfgs), its
# default and unpenalised, and statsmodels Logit (Newton, with standard errors).
#   /usr/bin/python3 docs/perf/logistic-peers.py /tmp/logistic-perf
import json
import sys
import time

import numpy as np
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/logistic-perf"
y = np.fromfile(f"{d}/y.u8", dtype=np.uint8).astype(float)
X = np.fromfile(f"{d}/X.f64", dtype=np.float64).reshape(len(y), -1)
beta = np.array(json.load(open(f"{d}/beta.json")))
print(f"n = {len(y)}, p = {X.shape[1]}; scikit-learn {sklearn.__version__}, statsmodels {statsmodels.__version__}")


def timed(label, run):
    t0 = time.perf_counter()
    out = run()
    print(f"{label}: {time.perf_counter() - t0:.2f} s")
    return out


m = timed("sklearn LogisticRegression(lbfgs) default (C=1, tol=1e-4)",
          lambda: LogisticRegression(max_iter=1000).fit(X[:, 1:], y))
print("  iterations", m.n_iter_, "max |beta - engine| ",
      np.max(np.abs(np.r_[m.intercept_, m.coef_[0]] - beta)))
m = timed("sklearn LogisticRegression(lbfgs, penalty=None)",
          lambda: LogisticRegression(penalty=None, max_iter=1000).fit(X[:, 1:], y))
print("  iterations", m.n_iter_, "max |beta - engine| ",
      np.max(np.abs(np.r_[m.intercept_, m.coef_[0]] - beta)))
Xs = X[:, 1:]
m = timed("sklearn lbfgs default on standardised columns (StandardScaler first, as advised)",
          lambda: LogisticRegression(max_iter=1000).fit((Xs - Xs.mean(0)) / Xs.std(0), y))
print("  iterations", m.n_iter_)
r = timed("statsmodels Logit(y, X).fit() (Newton, with inference)",
          lambda: sm.Logit(y, X).fit(disp=0))
print("  max |beta - engine| ", np.max(np.abs(r.params - beta)))
timed("statsmodels summary (bse, pvalues, conf_int)", lambda: (r.bse, r.pvalues, r.conf_int()))
