# SPDX-License-Identifier: GPL-2.0
"""dmademo_verdict: the answer in words, with a confidence interval.

From each folder's raw samples (results.csv: the total time of every verified transfer) and its
per-phase medians (summary.csv, computed by the module from the same samples):

  - per size, the fastest strategy by median total time, and every other strategy's ratio to it
    with a 95 % percentile-bootstrap confidence interval of the ratio of medians; an interval
    that contains 1 is "no significant difference";
  - the same between two families at each size (the fastest of each), the size ranges where
    each family wins, the crossovers between them, and the phase that decides each range;
  - families: in the kernel, coherent (coherent, pool) against streaming (every other DMA
    strategy); in user space (bench/dmademo-mmap), uncached (coherent-mmap, wc-mmap) against
    cached (cached-mmap and the dma-bufs it imports: udmabuf-mmap, heap-system-mmap,
    heap-cma-mmap), word and byte loops apart, as meta's families= names them;
  - for several folders, at each size, the folders whose answer differs from the others'
    (plots/dmademo_boards.py);
  - each new mapping call against its baseline, the older call a driver would use for the same
    buffers (meta's baselines=, from the module's info: iova against sg, phys against
    streaming): per size, the ratio of medians of to_dev, to_cpu, their sum per transfer (the
    mapping's cost) and total, each with its interval (plots/dmademo_pairs.py);
  - for several folders, those that sync part of each buffer (meta sync_bytes=) against one of
    the same source that syncs all of it: per strategy that syncs and size, the ratio partial /
    whole of to_dev + to_cpu with its interval (plots/dmademo_sync.py).

verdict(datasets) returns a dict (written as verdict.json) and text(v) the plain text
(verdict.txt). Needs Debian's python3-numpy.
"""

import numpy as np

from dmademo_boards import compare as _boards, text as _boards_text
from dmademo_data import sync_bytes
from dmademo_pairs import compare as _baselines, text as _baselines_text
from dmademo_stats import BOOTSTRAP, SEED, median, ratio_ci
from dmademo_sync import compare as _sync, text as _sync_text
from dmademo_stats import fmt_span as _span, fmt_sz as _sz, fmt_t as _t

GROUPS = [
    # name, title, families {family: member test}, the first family's name for "wins"
    ("kernel", "in the kernel", ("coherent", "streaming")),
    ("user", "user space (mmap), word loops", ("uncached", "cached")),
    ("user-byte", "user space (mmap), byte loops", ("uncached", "cached")),
]

# phase categories: what a loss there means
CAUSES = [
    ("read", ("read",), "the CPU reads the destination"),
    ("fill", ("fill",), "the CPU writes the source"),
    ("to_dev + to_cpu", ("to_dev", "to_cpu"), "cache maintenance or mapping (map/unmap/sync)"),
    ("prep + submit + wait", ("prep", "submit", "wait"), "the DMA transfer itself"),
    ("wake", ("wake",), "waking the thread that waits"),
    ("alloc + free", ("alloc", "free"), "per-transfer allocation"),
    ("map + unmap", ("map", "unmap"), "the importer's dma-buf mapping (dma_buf_map_attachment)"),
]
# a map-only run (meta engine=none) transfers nothing: prep, submit and wake are 0, wait is only
# the loop's passage from to_dev to to_cpu (no cause), and what to_dev and to_cpu hold depends on
# the DMA path (swiotlb bounces, IOMMU page tables and IOTLB invalidation, or cache maintenance)
CAUSES_MAP_ONLY = [
    ("read", ("read",), "the CPU reads the destination"),
    ("fill", ("fill",), "the CPU writes the source"),
    ("to_dev + to_cpu", ("to_dev", "to_cpu"),
     "the mapping: map/unmap/sync with their cache maintenance, bounce copies or IOMMU work"),
    ("alloc + free", ("alloc", "free"), "per-transfer allocation"),
]
# (no map + unmap there: only dmademo-mmap imports dma-bufs, and a map-only run is the module's)


def family(d, strategy):
    """(group, family) of a strategy, from the folder's meta (dmademo_data.families), or None
    (cpu, names meta does not give). A user-space strategy's byte loop ("-byte", the tool's
    naming) puts it in the group of byte loops."""
    f = d.families.get(strategy)
    for gname, _, fams in GROUPS:
        if f in fams and gname.endswith("-byte") == strategy.endswith("-byte"):
            return gname, f
    return None


def _cause(d, loser, winner, size):
    """The phase category where loser loses most at size, from the phases' medians."""
    best = None
    for name, phases, why in CAUSES_MAP_ONLY if d.map_only else CAUSES:
        lt = sum(d.stat(loser, size, p, "p50_ns") or 0 for p in phases)
        wt = sum(d.stat(winner, size, p, "p50_ns") or 0 for p in phases)
        if best is None or lt - wt > best["delta_ns"]:
            best = {"phase": name, "why": why, "delta_ns": lt - wt, "loser_ns": lt,
                    "winner_ns": wt, "ratio": (lt / wt) if wt > 0 else None}
    return best if best and best["delta_ns"] > 0 else None


def _group(d, gname, fams, rng):
    cells = {}
    for (s, z), v in d.samples.items():
        f = family(d, s)
        if f and f[0] == gname and len(v) >= 2:
            cells.setdefault(z, {})[s] = v
    sizes = []
    for z in sorted(cells):
        c = cells[z]
        med = {s: median(v) for s, v in c.items()}
        order = sorted(c, key=lambda s: (med[s], s))
        fastest = order[0]
        others = []
        for s in order[1:]:
            r, lo, hi = ratio_ci(c[s], c[fastest], rng)
            others.append({"strategy": s, "ratio": r, "ci": [lo, hi], "significant": lo > 1})
        row = {"size": z, "fastest": fastest, "median_ns": med[fastest],
               "others": others, "winner": None}
        best = {}
        for s in order:                                 # the fastest of each family
            best.setdefault(family(d, s)[1], s)
        if all(f in best for f in fams):
            a, b = best[fams[0]], best[fams[1]]
            r, lo, hi = ratio_ci(c[b], c[a], rng)       # > 1: the first family is faster
            win = fams[0] if lo > 1 else fams[1] if hi < 1 else "none"
            row.update({"winner": win, "best": {fams[0]: a, fams[1]: b},
                        "ratio": r, "ci": [lo, hi]})
            if win != "none":
                w, l_ = (a, b) if win == fams[0] else (b, a)
                row["cause"] = _cause(d, l_, w, z)
        sizes.append(row)
    ranges = []
    for row in sizes:
        if row["winner"] is None:
            continue
        if ranges and ranges[-1]["winner"] == row["winner"]:
            ranges[-1]["to"] = row["size"]
            ranges[-1]["rows"].append(row)
        else:
            ranges.append({"winner": row["winner"], "from": row["size"], "to": row["size"],
                           "rows": [row]})
    for rg in ranges:
        adv = [r["ratio"] if rg["winner"] == fams[0] else 1 / r["ratio"] for r in rg["rows"]]
        rg["max_ratio"] = max(adv)
        causes = [r["cause"] for r in rg.pop("rows") if r.get("cause")]
        rg["cause"] = max(causes, key=lambda c: c["delta_ns"]) if causes else None
        if rg["cause"]:
            rg["cause"] = dict(rg["cause"])
            rg["loser"] = [f for f in fams if f != rg["winner"]][0]
    crossovers = []
    decided = [r for r in sizes if r["winner"] not in (None, "none")]
    for prev, cur in zip(decided, decided[1:]):
        if cur["winner"] != prev["winner"]:
            crossovers.append({"between": [prev["size"], cur["size"]],
                               "from": prev["winner"], "to": cur["winner"]})
    return {"families": list(fams), "sizes": sizes, "ranges": ranges, "crossovers": crossovers}


PLACEMENTS = {"same": "completion on the run thread's CPU",
              "cross": "completion on another CPU"}


class _Stratum:
    """A folder's transfers of one placement: its samples, its (pooled) phase medians."""

    def __init__(self, d, where):
        self.samples = {k: sorted(v[where]) for k, v in d.placed.items() if v[where]}
        self.map_only = d.map_only
        self.stat = d.stat
        self.families = d.families


def _placement(d):
    """Where the compared transfers saw their completion: same, cross, mixed or unknown."""
    same = sum(len(v["same"]) for k, v in d.placed.items() if family(d, k[0]))
    cross = sum(len(v["cross"]) for k, v in d.placed.items() if family(d, k[0]))
    kind = "unknown" if not same + cross else "same" if not cross else \
        "cross" if not same else "mixed"
    return {"kind": kind, "same": same, "cross": cross,
            "mixed_cells": [{"strategy": s, "size": z} for s, z in d.mixed],
            "run_cpu": d.meta.get("run_cpu", ""), "irq": d.meta.get("irq", ""),
            "irq_affinity": d.meta.get("irq_affinity", "")}


def verdict(datasets):
    rng = np.random.default_rng(SEED)
    out = {"version": 1, "method": "median total time per transfer; 95 %% percentile bootstrap "
           "(%d resamples) of the ratio of medians; an interval containing 1: no significant "
           "difference" % BOOTSTRAP, "folders": []}
    for d in datasets:
        m = d.meta
        f = {"folder": d.folder, "label": d.label, "legend": d.legend or d.label,
             "board": m.get("board", ""),
             "kernel": m.get("kernel", ""), "channel": m.get("channel", ""),
             "dma_coherent": m.get("dma_coherent", ""), "touch": m.get("touch", "1"),
             "emulator": m.get("emulator", ""), "rounds": m.get("rounds", "1") or "1",
             "failed": d.failed, "groups": {}, "map_only": d.map_only,
             "bounced": {s: sorted(z for t, z in d.bounced if t == s)
                         for s in sorted({t for t, _ in d.bounced})},
             "families": sorted(set(d.families.values())),
             "from_histogram": d.from_histogram, "sync_bytes": sync_bytes(m)}
        if d.map_only:
            f.update({"bound_device": m.get("bound_device", ""), "dma_path": m.get("dma_path", ""),
                      "iommu_domain": m.get("iommu_domain", ""), "channel": ""})
        f["placement"] = _placement(d)
        for gname, title, fams in GROUPS:
            seen = {w for k, v in d.placed.items() if (family(d, k[0]) or ("",))[0] == gname
                    for w in ("same", "cross") if v[w]}
            if len(seen) < 2:
                strata = [(gname, title, d)]
            else:                       # never pooled: each placement apart
                strata = [("%s/%s-cpu" % (gname, w), "%s, %s" % (title, PLACEMENTS[w]),
                           _Stratum(d, w)) for w in ("same", "cross")]
            for key, t, src in strata:
                g = _group(src, gname, fams, rng)
                if g["sizes"]:
                    g["title"] = t
                    f["groups"][key] = g
        out["folders"].append(f)
    # each new call against its baseline: a generator of its own from the same seed, so that
    # the families' intervals stay what they were before there were baselines
    rng = np.random.default_rng(SEED)
    for d, f in zip(datasets, out["folders"]):
        f["baselines"], f["unpaired"] = _baselines(d, rng, PLACEMENTS)
    if len(datasets) > 1:
        out["changes"], out["compared"] = _boards(out["folders"])
        # partial syncs against whole buffers: a generator of their own too
        out["sync"] = _sync(datasets, np.random.default_rng(SEED))
    return out


# ----------------------------------------------------------------------------- text

def text(v):
    lines = []
    for f in v["folders"]:
        head = f["label"] or f["folder"]
        lines.append("dmademo verdict: %s" % head)
        ctx = ["channel %s" % f["channel"]] if f["channel"] else []
        if f.get("map_only"):
            ctx = ["map-only on %s, DMA path %s%s" % (
                f["bound_device"] or "?", f["dma_path"] or "unknown",
                "" if f["iommu_domain"] in ("", "none") else " (%s domain)" % f["iommu_domain"])]
        if f["dma_coherent"]:
            ctx.append("dma_coherent=%s" % f["dma_coherent"])
        if f["touch"] == "0":
            ctx.append("touch=0: no CPU access, so fill and read are 0")
        if f.get("sync_bytes"):
            ctx.append("sync_bytes=%d: to_dev and to_cpu synced %s of each buffer, not all of it"
                       % (f["sync_bytes"], _sz(f["sync_bytes"])))
        if ctx:
            lines.append("  " + ", ".join(ctx))
        if f.get("map_only"):
            lines.append("  Nothing was transferred: the times are the CPU's fill and read and the "
                         "mapping's own cost; prep, submit and wake are 0, wait is only the "
                         "loop's passage from to_dev to to_cpu.")
        if f.get("bounced"):
            lines.append("  Bounced: the device was handed swiotlb bounce buffers, not the memory, "
                         "for %s: each of those round trips holds two copies, not cache "
                         "maintenance (summary.csv's bounced)." % "; ".join(
                             "%s at %s" % (s, ", ".join(_sz(x) for x in z)) for s, z in
                             f["bounced"].items()))
        if f["emulator"]:
            lines.append("  Measured on an emulator (%s): it has no caches, so this answer is "
                         "about code paths, not a real board's." % f["emulator"])
        if f["rounds"] == "1":
            lines.append("  One round: each cell's samples were taken in one stretch, so the "
                         "intervals cover the noise within a cell, not drift between cells "
                         "(dmademo-run --rounds N interleaves them).")
        p = f["placement"]
        bound = "the run thread bound to CPU %s" % p["run_cpu"] if p["run_cpu"].isdigit() \
            else "the run thread not bound"
        if p["kind"] in ("same", "cross"):
            lines.append("  Placement: %s for every transfer (%s)." % (PLACEMENTS[p["kind"]], bound))
        elif p["kind"] == "mixed":
            lines.append("  Placement mixed (%s): %d transfers had their %s, %d their %s "
                         "(%d cells hold both). A cross-CPU wake-up costs its own time, so a group with "
                         "both is compared for each placement apart, never pooled; causes come "
                         "from the pooled phase medians. dmademo-run pins the run thread to the "
                         "CPU the interrupt lands on unless --cpu any."
                         % (bound, p["same"], PLACEMENTS["same"], p["cross"],
                            PLACEMENTS["cross"], len(p["mixed_cells"])))
        if f["failed"]:
            lines.append("  %d transfers failed to verify and are left out." % f["failed"])
        if not f["families"]:
            lines.append("  meta names no strategy families (families=, in the module's info "
                         "since dmademo 1.2), so there is nothing to compare")
        elif not f["groups"]:
            lines.append("  no two strategies to compare")
        for gname, g in f["groups"].items():
            a, b = g["families"]
            lines.append("")
            lines.append("%s: %s against %s" % (g["title"], a, b))
            for rg in g["ranges"]:
                if rg["winner"] == "none":
                    lines.append("  %-12s no significant difference" % _span(rg["from"], rg["to"]))
                    continue
                s = "  %-12s %s is faster" % (_span(rg["from"], rg["to"]), rg["winner"])
                c = rg.get("cause")
                if c:
                    s += "; %s loses in %s (+%s: %s" % (rg["loser"], c["phase"],
                                                        _t(c["delta_ns"]), c["why"])
                    if c["ratio"] and c["ratio"] >= 1.1:
                        s += ", %.1fx slower" % c["ratio"]
                    s += ")"
                lines.append(s)
            for x in g["crossovers"]:
                lines.append("  crossover: %s -> %s between %s and %s" % (
                    x["from"], x["to"], _sz(x["between"][0]), _sz(x["between"][1])))
            lines.append("  per size (median total; others as ratio to the fastest, 95% CI):")
            for r in g["sizes"]:
                parts = []
                for o in r["others"][:3]:
                    parts.append("%s %.2fx [%.2f-%.2f]%s" % (
                        o["strategy"], o["ratio"], o["ci"][0], o["ci"][1],
                        "" if o["significant"] else " n.s."))
                more = len(r["others"]) - 3
                lines.append("    %-6s %s %s%s%s" % (
                    _sz(r["size"]), r["fastest"], _t(r["median_ns"]),
                    ("; " + ", ".join(parts)) if parts else "",
                    " (+%d more)" % more if more > 0 else ""))
        lines += _baselines_text(f)
        lines.append("")
    lines += _boards_text(v)
    lines += _sync_text(v)
    lines.append("Method: " + v["method"] + ". n.s.: not significant.")
    return "\n".join(lines) + "\n"
