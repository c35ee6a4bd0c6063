# SPDX-License-Identifier: GPL-2.0
"""dmademo_pairs: the new mapping calls against their baselines, a section of the verdict.

A strategy that uses a newer DMA API call is measured against the older call a driver would use
for the same buffers: meta's baselines=name:baseline,... (from the module's info, module/vocab.c:
iova against sg, phys against streaming). For each such strategy whose baseline ran too, at each
size where both ran: the ratio of medians new / baseline with its 95 % bootstrap interval
(dmademo_stats.ratio_ci) for to_dev, to_cpu, their sum per transfer (the mapping's cost) and
total; which is faster where the interval excludes 1, "no difference shown" where it does not.

compare(d, rng, placements) gives verdict.json's "baselines" and "unpaired" of a folder, text(f)
its lines of verdict.txt.
"""

import numpy as np

from dmademo_data import order_strategies
from dmademo_stats import fmt_span as _span, fmt_sz as _sz, fmt_t as _t, median, ratio_ci

# what a new call is compared with its baseline in: the phases where they differ, then total
PAIR_PHASES = [
    ("to_dev + to_cpu", "the mapping: to_dev and to_cpu of each transfer added"),
    ("to_dev", "map or link, and sync for the device"),
    ("to_cpu", "unmap or unlink, and sync for the CPU"),
    ("total", "the whole transfer"),
]


def phase_samples(d, strategy, size, where=None):
    """A paired strategy's transfers at size in folder d (d.baselines), by phase: to_dev, to_cpu,
    their sum per transfer ("to_dev + to_cpu": the mapping's cost) and total, of those whose
    completion ran where ("same", "cross"; None: all), each sorted; {} if none. A folder
    recorded as histograms has each phase apart (no placement, no per-transfer sum)."""
    if d.from_histogram:
        if where is not None:
            return {}
        out = {ph: v[(strategy, size)] for ph, v in d.phase_hist.items() if (strategy, size) in v}
        if out and d.samples.get((strategy, size)):
            out["total"] = d.samples[(strategy, size)]
        return out
    rows = [r for r in d.phase_rows.get((strategy, size), ())
            if where is None or r[3] == where]
    if not rows:
        return {}
    return {"to_dev": sorted(r[0] for r in rows), "to_cpu": sorted(r[1] for r in rows),
            "to_dev + to_cpu": sorted(r[0] + r[1] for r in rows),
            "total": sorted(r[2] for r in rows)}


def _finite(x):
    return x if np.isfinite(x) else None


def _against(new, base, rng):
    """A new call's samples against its baseline's: both medians, their ratio new / baseline
    with its interval (ratio_ci), and which is faster: "new", "baseline", "none" (the interval
    contains 1, or both medians are 0: below the clock's resolution) or None (one median is 0:
    no ratio)."""
    mn, mb = median(new), median(base)
    c = {"new_ns": mn, "baseline_ns": mb, "n": [len(new), len(base)]}
    if mn <= 0 or mb <= 0:
        c.update(ratio=None, ci=None, faster="none" if mn == mb else None)
        return c
    with np.errstate(divide="ignore", invalid="ignore"):
        r, lo, hi = ratio_ci(new, base, rng)
    faster = "baseline" if lo > 1 else "new" if hi < 1 else "none"
    c.update(ratio=r, ci=[_finite(lo), _finite(hi)], faster=faster)
    return c


def _pair(d, new, base, where, rng):
    """new against base in folder d, at each size where both ran (transfers of one placement:
    where; None: all), phase by phase (PAIR_PHASES); consecutive sizes with the same answer
    make a range."""
    sizes = []
    for z in d.sizes:
        a, b = phase_samples(d, new, z, where), phase_samples(d, base, z, where)
        phases = {}
        for ph, _ in PAIR_PHASES:
            if len(a.get(ph, ())) >= 2 and len(b.get(ph, ())) >= 2:
                phases[ph] = _against(a[ph], b[ph], rng)
        if phases:
            sizes.append({"size": z, "phases": phases})
    ranges = {}
    for ph, _ in PAIR_PHASES:
        rs = ranges.setdefault(ph, [])
        for row in sizes:
            c = row["phases"].get(ph)
            if c is None:
                continue
            key = (c["faster"], c["ratio"] is None)
            if rs and rs[-1]["key"] == key and rs[-1]["next"] == row["size"]:
                rg = rs[-1]
                rg["to"] = row["size"]
            else:
                rg = {"faster": c["faster"], "from": row["size"], "to": row["size"],
                      "ratios": [], "key": key}
                rs.append(rg)
            i = d.sizes.index(row["size"])
            rg["next"] = d.sizes[i + 1] if i + 1 < len(d.sizes) else None
            if c["ratio"] is not None:
                rg["ratios"].append(c["ratio"])
        for rg in rs:
            del rg["next"], rg["key"]
            rg["ratios"] = [min(rg["ratios"]), max(rg["ratios"])] if rg["ratios"] else None
        if not rs:
            del ranges[ph]
    return {"strategy": new, "baseline": base, "placement": where or "", "sizes": sizes,
            "ranges": ranges}


def compare(d, rng, placements):
    """Every strategy of folder d whose baseline (meta baselines=) ran too, against it; the
    transfers of each placement apart where the pair's have both (never pooled), titled by
    placements {"same": ..., "cross": ...}. And the strategies that ran without their
    baseline."""
    out, unpaired = [], []
    ran = {k[0] for k in d.samples}
    for new in order_strategies(set(d.baselines) & ran, d.families):
        base = d.baselines[new]
        if base not in ran:
            unpaired.append({"strategy": new, "baseline": base})
            continue
        seen = {r[3] for (s, _), rows in d.phase_rows.items() if s in (new, base)
                for r in rows} - {None}
        for where in ("same", "cross") if len(seen) > 1 else (None,):
            p = _pair(d, new, base, where, rng)
            if p["sizes"]:
                p["title"] = "%s against %s%s" % (new, base, ", " + placements[where] if where
                                                  else "")
                out.append(p)
    return out, unpaired


def ratio_text(c):
    """'0.45x [0.43-0.47]', or why there is no ratio."""
    if c["ratio"] is None:
        return "both medians 0" if c["faster"] else "no ratio (%s against %s)" % (
            _t(c["new_ns"]), _t(c["baseline_ns"]))
    return "%.2fx [%s-%s]" % ((c["ratio"],) + tuple(map(_bound, c["ci"])))


def _bound(x):
    """An interval's end: two decimals, three where two would round it to 1 ("0.998", not a
    "1.00" that the answer contradicts); "?" for none (an infinite end)."""
    if x is None:
        return "?"
    return "%.3f" % x if "%.2f" % x == "1.00" and x != 1 else "%.2f" % x


def _answer(rg, who, c):
    """A range's answer: who is faster, or "no difference shown", with its ratios (a range of
    one size, c: its ratio with the interval, and the medians)."""
    if rg["faster"] is None:
        return "not compared: one median is 0" + (" (%s against %s)" % (
            _t(c["new_ns"]), _t(c["baseline_ns"])) if rg["from"] == rg["to"] else "")
    s = "no difference shown" if rg["faster"] == "none" else "%s is faster" % who[rg["faster"]]
    if not rg["ratios"]:
        return s + ": both medians 0"
    if rg["from"] == rg["to"]:
        return s + ": %s (%s against %s)" % (ratio_text(c), _t(c["new_ns"]), _t(c["baseline_ns"]))
    lo, hi = rg["ratios"]
    return s + (": %.2fx" % lo if "%.2f" % lo == "%.2f" % hi else ": %.2fx to %.2fx" % (lo, hi))


def text(f):
    """The section "new calls against their baselines" of a folder: for each pair, the size
    ranges of each phase's answer, then every size's ratios with their intervals."""
    lines = []
    for p in f.get("baselines", []):
        new, base = p["strategy"], p["baseline"]
        who = {"new": new, "baseline": base}
        lines.append("")
        lines.append("new calls against their baselines: %s (median per transfer; the ratio "
                     "%s / %s with its 95%% CI, below 1: %s is cheaper)"
                     % (p["title"], new, base, new))
        for ph, what in PAIR_PHASES:
            rs = p["ranges"].get(ph)
            if not rs:
                if ph == "to_dev + to_cpu" and f.get("from_histogram"):
                    lines.append("  %s: not from histograms (each phase was recorded apart, "
                                 "not their sum per transfer)" % ph)
                continue
            lines.append("  %s (%s):" % (ph, what))
            for rg in rs:
                c = [r["phases"][ph] for r in p["sizes"] if r["size"] == rg["from"]][0]
                lines.append("    %-12s %s" % (_span(rg["from"], rg["to"]), _answer(rg, who, c)))
        lines.append("  per size (ratio [95%% CI] %s / %s; n.s.: no difference shown):"
                     % (new, base))
        for r in p["sizes"]:
            parts = ["%s %s%s" % (ph, ratio_text(c), " n.s." if c["faster"] == "none" and
                                  c["ratio"] is not None else "")
                     for ph, c in ((ph, r["phases"].get(ph)) for ph, _ in PAIR_PHASES) if c]
            lines.append("    %-6s %s" % (_sz(r["size"]), "; ".join(parts)))
    for u in f.get("unpaired", []):
        lines.append("")
        lines.append("new calls against their baselines: %s ran without %s, its baseline: "
                     "not compared" % (u["strategy"], u["baseline"]))
    return lines
