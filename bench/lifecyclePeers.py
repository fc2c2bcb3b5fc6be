#!/usr/bin/python3
# The lifecycle rows' peers (bench/lifecycleSection.mjs runs them between the
# engine's runs): the same computations as bench/lifecycle.worker.ts, timed
# after the input is read, printed as one JSON line.
#   lifecyclePeers.py log <log.csv>   RFM with segments, and monthly cohorts, in pandas
#   lifecyclePeers.py kmeans <dir>    scikit-learn KMeans on <dir>/kmeans.f64
#   lifecyclePeers.py silhouette <dir> silhouette_score on <dir>/silhouette.f64 and labels
#
# The definitions are the engine's (src/lib/engine/lifecycle/rfm.ts and
# cohorts.ts; their reference scripts are tests/fixtures/lifecycle/make-*.py):
# here written for speed, vectorised, the customer column factorised once.
# - a negative amount is a return: kept for spend and revenue, never a
#   purchase; the as-of day is the day after the log's last day;
# - RFM: recency = as-of − last purchase day, frequency = purchase rows
#   (no invoice column), monetary = net spend; scores
#   1 + (5 · (rank(method='min') − 1)) // N, recency ranked descending;
#   segment = the first rule whose inclusive R and FM (rescaled 1–5) ranges
#   hold; the per-segment summary and the R × F grid (count, mean monetary);
# - cohorts: the month of the first purchase; period k = month ordinal of the
#   row − the cohort's; n-period retention = customers with a purchase in
#   period k; revenue per (cohort, k); a cell is complete when its month
#   ended on or before the as-of day; the size-weighted average row and the
#   revenue-retention average over complete cells; per customer: periods
#   active, last active period, revenue.
import json
import sys
import time

import numpy as np

RULES = [
    ((4, 5), (4, 5)),  # champions
    ((3, 5), (3, 5)),  # loyal
    ((5, 5), (1, 1.5)),  # new
    ((4, 5), (1, 1.5)),  # promising
    ((4, 5), (1, 3)),  # potential loyalist
    ((3, 4), (2.5, 3)),  # need attention
    ((3, 4), (1, 2.5)),  # about to sleep
    ((1, 2), (4.5, 5)),  # can't lose them
    ((1, 3), (3, 5)),  # at risk
    ((2, 3), (1, 3)),  # hibernating
    ((1, 2), (1, 3)),  # lost
]


def rfm(pd, d):
    codes, _ = pd.factorize(d['customer'])
    as_of = d['date'].max() + pd.Timedelta(days=1)
    buy = (d['amount'] >= 0).to_numpy()
    spend = d['amount'].groupby(codes).sum()
    buys = d.loc[buy, 'date'].groupby(codes[buy])
    per = pd.DataFrame({'last': buys.max(), 'frequency': buys.size()})
    per['monetary'] = spend.reindex(per.index)
    per['recency'] = (as_of - per['last']).dt.days
    n = len(per)
    score = lambda x, ascending: 1 + (5 * (x.rank(method='min', ascending=ascending).astype(np.int64) - 1)) // n
    per['r'] = score(per['recency'], False)
    per['f'] = score(per['frequency'], True)
    per['m'] = score(per['monetary'], True)
    r5 = 1 + (per['r'] - 1)  # 5 bins: rescaled 1–5 is the score itself
    fm = (per['f'] + per['m']) / 2
    per['segment'] = np.select(
        [(r5 >= a) & (r5 <= b) & (fm >= c) & (fm <= e) for (a, b), (c, e) in RULES],
        range(len(RULES)),
        default=len(RULES),
    )
    per['code'] = per['r'] * 100 + per['f'] * 10 + per['m']
    per['total'] = per['r'] + per['f'] + per['m']
    segments = per.groupby('segment').agg(
        customers=('recency', 'size'),
        revenue=('monetary', 'sum'),
        recency=('recency', 'mean'),
        frequency=('frequency', 'mean'),
        monetary=('monetary', 'mean'),
    )
    grid = per.groupby(['r', 'f'])['monetary'].agg(['size', 'mean'])
    counts = [int(segments['customers'].get(k, 0)) for k in range(len(RULES) + 1)]
    return {'customers': n, 'segments': counts, 'revenue': float(segments['revenue'].sum()), 'cells': len(grid)}


def cohorts(pd, d):
    codes, _ = pd.factorize(d['customer'])
    as_of = d['date'].max() + pd.Timedelta(days=1)
    buy = (d['amount'] >= 0).to_numpy()
    month = d['date'].dt.to_period('M').array.asi8
    first_month = pd.Series(month[buy]).groupby(codes[buy]).min()
    cohort = first_month.to_numpy()[codes]  # every customer's first row is a purchase
    k = month - cohort
    rows = pd.DataFrame({'customer': codes, 'cohort': cohort, 'k': k, 'amount': d['amount'].to_numpy(), 'buy': buy})
    rows = rows[rows['k'] >= 0]
    revenue = rows.groupby(['cohort', 'k'])['amount'].sum().unstack(fill_value=0.0)
    active_rows = rows[rows['buy']].drop_duplicates(['customer', 'k'])
    active = active_rows.groupby(['cohort', 'k']).size().unstack(fill_value=0)
    size = first_month.value_counts().sort_index()
    # Per customer, as the Cohorts cell's output dataset.
    per = pd.DataFrame(
        {
            'periodsActive': active_rows.groupby('customer').size(),
            'lastPeriod': active_rows.groupby('customer')['k'].max(),
            'revenue': rows.groupby('customer')['amount'].sum(),
        }
    )
    ords = size.index.to_numpy()
    K = pd.Period(as_of, 'M').ordinal - ords.min() + 1
    active = active.reindex(index=ords, columns=range(K), fill_value=0)
    revenue = revenue.reindex(index=ords, columns=range(K), fill_value=0.0)
    ends = {o: pd.Period(ordinal=int(o), freq='M').end_time.normalize() for o in range(ords.min(), ords.min() + 2 * K)}
    complete = np.array([[ends[o + j] <= as_of for j in range(K)] for o in ords])
    sizes = size.to_numpy()[:, None]
    # A period complete for no cohort averages to NaN, as the engine's.
    np.seterr(invalid='ignore')
    average = (active.to_numpy() * complete).sum(0) / (sizes * complete).sum(0)
    rev = revenue.to_numpy()
    revenue_average = (rev * complete).sum(0) / (rev[:, :1] * complete).sum(0)
    return {
        'cohorts': len(ords),
        'periods': int(K),
        'members': int(sizes.sum()),
        'retained': int(active.to_numpy().sum()),
        'averageAt12': float(average[12]),
        'revenueAverageAt12': float(revenue_average[12]),
        'perCustomer': len(per),
    }


def log_peer(path):
    import pandas as pd

    t = time.perf_counter()
    d = pd.read_csv(path, parse_dates=['date'])
    out = {'pandas': pd.__version__, 'rows': len(d), 'readMs': (time.perf_counter() - t) * 1000}
    t = time.perf_counter()
    out['rfm'] = rfm(pd, d)
    out['rfmMs'] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    out['cohorts'] = cohorts(pd, d)
    out['cohortsMs'] = (time.perf_counter() - t) * 1000
    return out


def kmeans_peer(folder):
    import sklearn
    from sklearn.cluster import KMeans

    X = np.fromfile(folder + '/kmeans.f64', dtype=np.float64).reshape(-1, 10)
    t = time.perf_counter()
    m = KMeans(n_clusters=6, n_init=10, algorithm='lloyd', tol=1e-4, random_state=0).fit(X)
    ms = (time.perf_counter() - t) * 1000
    return {'sklearn': sklearn.__version__, 'ms': ms, 'inertia': float(m.inertia_), 'iterations': int(m.n_iter_)}


def silhouette_peer(folder):
    import sklearn
    from sklearn.metrics import silhouette_score

    X = np.fromfile(folder + '/silhouette.f64', dtype=np.float64).reshape(-1, 10)
    labels = np.fromfile(folder + '/silhouette.i32', dtype=np.int32).reshape(-1, len(X))
    t = time.perf_counter()
    scores = [float(silhouette_score(X, L)) for L in labels]
    ms = (time.perf_counter() - t) * 1000
    return {'sklearn': sklearn.__version__, 'ms': ms, 'scores': scores}


if __name__ == '__main__':
    what, arg = sys.argv[1], sys.argv[2]
    peer = {'log': log_peer, 'kmeans': kmeans_peer, 'silhouette': silhouette_peer}[what]
    print(json.dumps(peer(arg)))
