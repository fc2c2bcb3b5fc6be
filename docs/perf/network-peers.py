"""Times scikit-learn's MLPClassifier on the rows docs/perf/network-timing.ts
wrote: one epoch (max_iter=1) of the same 20 -> 32 -> 16 -> 1 relu network,
Adam at 0.001, batches of 1,024. Debian's Python (scikit-learn 1.2.1):
    /usr/bin/python3 docs/perf/network-peers.py /tmp/network-perf
"""
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/network-perf"
X = np.fromfile(f"{folder}/x.f32", dtype=np.float32).reshape(-1, 20)
y = np.fromfile(f"{folder}/y.f32", dtype=np.float32).astype(int)
print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, {X.shape[0]} rows")
for dtype in (np.float64, np.float32):
    times = []
    for seed in range(3):
        model = MLPClassifier(
            hidden_layer_sizes=(32, 16), solver="adam", batch_size=1024, max_iter=1, random_state=seed
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X.astype(dtype), y)
        times.append(1000 * (time.perf_counter() - start))
    print(f"| scikit-learn MLPClassifier, {np.dtype(dtype).name} | " + ", ".join(f"{t:.0f}" for t in times) + " |")
