# SPDX-License-Identifier: GPL-2.0
"""dmademo_stats: the verdict's statistics and number formats, shared by plots/dmademo_verdict.py
(the families) and plots/dmademo_pairs.py (the new calls against their baselines).

The nearest-rank median (as the module's p50), and the ratio of two medians with its 95 %
percentile-bootstrap interval; times and sizes as the verdict's text writes them. Needs Debian's
python3-numpy.
"""

import numpy as np

from dmademo_data import fmt_size

BOOTSTRAP = 1000            # resamples per ratio
SEED = 20261128             # the same data gives the same intervals
MAX_SAMPLES = 1000          # per cell, evenly thinned beyond (a million-row run stays quick)


def _thin(v):
    v = np.asarray(v, dtype=float)
    if len(v) > MAX_SAMPLES:
        v = v[np.linspace(0, len(v) - 1, MAX_SAMPLES).astype(int)]
    return v


def median(v):
    """The nearest-rank median, as the module's p50: the ceil(n/2)-th smallest."""
    v = np.asarray(v, dtype=float)
    k = (len(v) - 1) // 2
    return float(np.partition(v, k)[k])


def _medians(m):
    k = (m.shape[1] - 1) // 2
    return np.partition(m, k, axis=1)[:, k]


def ratio_ci(slow, fast, rng):
    """median(slow) / median(fast), and its 95 % percentile-bootstrap interval."""
    r = median(slow) / median(fast)
    a, b = _thin(slow), _thin(fast)
    ma = _medians(rng.choice(a, size=(BOOTSTRAP, len(a)), replace=True))
    mb = _medians(rng.choice(b, size=(BOOTSTRAP, len(b)), replace=True))
    lo, hi = np.percentile(ma / mb, [2.5, 97.5])
    return r, float(lo), float(hi)


def fmt_sz(n):
    return fmt_size(n) + (" B" if n < 1024 else "")


def fmt_t(ns):
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "us")):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%.3g ns" % ns


def fmt_span(a, b):
    return fmt_sz(a) if a == b else "%s..%s" % (fmt_sz(a), fmt_sz(b))
