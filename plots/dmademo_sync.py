# SPDX-License-Identifier: GPL-2.0
"""dmademo_sync: partial syncs against whole buffers, a section of the verdict and sync.png.

meta's sync_bytes=N (in the module's collector's folders and in dmademo-mmap's): to_dev and
to_cpu synced N bytes of each buffer, not all of it; 0, or no such line: whole buffers
(dmademo_data.sync_bytes). Given two folders or more, each folder that syncs part of its buffers
is set against one of the same source (meta source=, dmademo-mmap's; the collector's folders
have none) that syncs them whole, one of the same board and kernel where there is one, else
the first given:

  compare(datasets, rng)  verdict.json's "sync": per pair, for each strategy both ran whose
                          to_dev or to_cpu is not 0, at each size both ran: the median of
                          to_dev + to_cpu per transfer in each (results.csv's samples) and the
                          ratio partial / whole with its 95 % bootstrap interval (the new calls'
                          _against(), dmademo_stats.ratio_ci); and the partial folders left
                          without a whole one
  text(v)                 its lines of verdict.txt
  Sync.sync()             sync.png: those medians against size, whole and partial, and the
                          ratios with their intervals

A folder recorded as histograms has to_dev and to_cpu apart, not their sum per transfer: its
medians are summary.csv's p50s added, without an interval. On an emulator (meta emulator=)
caches are not modelled and cache maintenance costs nothing: what a partial sync saves there
is the code path's work, and the verdict and the graph say so. Needs Debian's python3-numpy;
sync.png python3-matplotlib.
"""

import textwrap

from dmademo_canvas import FOLDER_LINESTYLES, WIDTH_PX, Canvas
from dmademo_data import (RESULTS_COLUMNS, fmt_ns, fmt_size, order_strategies, read_csv,
                          sync_bytes)
from dmademo_pairs import _against, _bound
from dmademo_stats import fmt_sz as _sz, fmt_t as _t

CHEAPER = {"new": "partial", "baseline": "whole"}       # _against()'s answers, here
EMULATOR = "QEMU models no caches, so cache maintenance costs nothing there"


def source(d):
    """Who wrote the folder: meta's source= (dmademo-mmap), or the module's collector."""
    return d.meta.get("source") or "dmademo-run"


def pairs(datasets):
    """([(whole index, partial index)], [partial index with no whole folder of its source])."""
    found, alone = [], []
    for j, p in enumerate(datasets):
        if not sync_bytes(p.meta):
            continue
        whole = [i for i, d in enumerate(datasets)
                 if not sync_bytes(d.meta) and source(d) == source(p)]
        alike = [i for i in whole if all(datasets[i].meta.get(k) == p.meta.get(k)
                                         for k in ("board", "kernel"))]
        if whole:
            found.append(((alike or whole)[0], j))
        else:
            alone.append(j)
    return found, alone


def _sums(d):
    """{(strategy, size): to_dev_ns + to_cpu_ns of each verified transfer}, read once from
    results.csv; None for a folder recorded as histograms."""
    if d.from_histogram:
        return None
    if getattr(d, "sync_sums", None) is None:
        d.sync_sums = {}
        for row in read_csv(d.results_path, RESULTS_COLUMNS, integer_columns={"size", "ok"},
                            text_columns={"strategy"}, allowed={"ok": (0, 1)},
                            keep=("strategy", "size", "ok", "to_dev_ns", "to_cpu_ns")):
            if row["ok"]:
                d.sync_sums.setdefault((row["strategy"], row["size"]), []).append(
                    row["to_dev_ns"] + row["to_cpu_ns"])
    return d.sync_sums


def _cell(whole, partial, rng):
    """One strategy and size: {whole_ns, partial_ns, ratio, ci, cheaper}. whole and partial are
    sample lists, or (for histograms) their medians: then no interval, cheaper None. cheaper:
    "partial", "whole", "none" (the interval contains 1, or both are 0) or None."""
    if not isinstance(whole, list):
        r = partial / whole if whole > 0 else None
        return {"whole_ns": whole, "partial_ns": partial, "ratio": r, "ci": None,
                "cheaper": "none" if whole == partial == 0 else None}
    c = _against(partial, whole, rng)
    return {"whole_ns": c["baseline_ns"], "partial_ns": c["new_ns"], "ratio": c["ratio"],
            "ci": c["ci"], "cheaper": CHEAPER.get(c["faster"], c["faster"]),
            "n": c["n"][::-1]}


def _strategy(dw, dp, sw, sp, s, rng):
    """The rows of strategy s at each size both folders ran it, or [] if it never syncs."""
    rows = []
    for z in sorted(set(dw.sizes) & set(dp.sizes)):
        if sw is None or sp is None:            # histograms: the phases' medians added
            a, b = [sum(x.stat(s, z, ph, "p50_ns") or 0.0 for ph in ("to_dev", "to_cpu"))
                    if (s, z, "total") in x.summary else None for x in (dw, dp)]
            if a is None or b is None:
                continue
        else:
            a, b = sw.get((s, z)), sp.get((s, z))
            if not a or not b or len(a) < 2 or len(b) < 2:
                continue
        rows.append(dict(size=z, **_cell(a, b, rng)))
    return rows if any(r["whole_ns"] or r["partial_ns"] for r in rows) else []


def compare(datasets, rng):
    """verdict.json's "sync": {"pairs": [...], "unpaired": [...]}: the pairs compared, and
    the partial folders no whole folder of their source was given for."""
    found, alone = pairs(datasets)
    out = []
    for w, p in found:
        dw, dp = datasets[w], datasets[p]
        sw, sp = _sums(dw), _sums(dp)
        c = {"whole": w, "partial": p, "source": source(dp), "sync_bytes": sync_bytes(dp.meta),
             "touch_bytes": sync_bytes(dp.meta, "touch_bytes"),
             "emulator": [x.meta["emulator"] for x in (dw, dp) if x.meta.get("emulator")],
             "from_histogram": sw is None or sp is None, "strategies": []}
        for s in order_strategies(set(dw.strategies) & set(dp.strategies),
                                  list(dw.families) + list(dp.families)):
            rows = _strategy(dw, dp, sw, sp, s, rng)
            if rows:
                c["strategies"].append({"strategy": s, "sizes": rows})
        out.append(c)
    return {"pairs": out, "unpaired": [{"partial": j, "source": source(datasets[j]),
                                        "sync_bytes": sync_bytes(datasets[j].meta)}
                                       for j in alone]}


# ----------------------------------------------------------------------------- text

def partial_label(c):
    """'4K of each buffer synced' (and the CPU's touch where meta names one)."""
    s = "%s of each buffer synced" % _sz(c["sync_bytes"])
    if c["touch_bytes"]:
        s += ", the CPU touching %s" % _sz(c["touch_bytes"])
    return s


WHAT = {"partial": "partial is cheaper", "whole": "whole is cheaper",
        "none": "no difference shown", None: "not judged"}


def _x(r):
    """A ratio: two decimals, two digits below 0.1."""
    return "%.2f" % r if r >= 0.095 else "%.2g" % r


def _end(x):
    """An interval's end: as a ratio, three decimals where two would round it to 1."""
    return _bound(x) if x is None or x >= 0.095 else "%.2g" % x


def _answer(r):
    """'0.12x [0.11-0.13] partial is cheaper (1.2 us against 10 us)', or why there is none."""
    both = "(%s against %s)" % (_t(r["partial_ns"]), _t(r["whole_ns"]))
    if r["ratio"] is None:
        return ("both medians 0 " if r["cheaper"] else "no ratio: the whole one is 0 ") + both
    if r["ci"] is None:
        return "%s, no interval (histograms) %s" % (ratio_cell(r), both)
    return "%s %s %s" % (ratio_cell(r), WHAT[r["cheaper"]], both)


def ratio_cell(r):
    """'0.12x [0.11-0.13]' (report.html's cell), or why there is no interval or ratio."""
    if r["ratio"] is None:
        return "both 0" if r["cheaper"] else "no ratio"
    if r["ci"] is None:
        return "%sx" % _x(r["ratio"])
    return "%sx [%s-%s]" % (_x(r["ratio"]), _end(r["ci"][0]), _end(r["ci"][1]))


def _runs(rows):
    """'partial is cheaper at 8K..1M (0.55x to 0.0045x); no difference shown at 64 B..4K':
    consecutive sizes with the same answer, with their ratios."""
    runs = []
    for r in rows:
        if runs and runs[-1][0] == r["cheaper"]:
            runs[-1][2:] = [r["size"], runs[-1][3] + [r["ratio"]]]
        else:
            runs.append([r["cheaper"], r["size"], r["size"], [r["ratio"]]])
    parts = []
    for what, a, b, ratios in runs:
        ratios = sorted({_x(x): x for x in ratios if x is not None}.items(), key=lambda t: t[1])
        span = _sz(a) if a == b else "%s..%s" % (_sz(a), _sz(b))
        parts.append("%s at %s%s" % (WHAT[what], span, "" if not ratios else
                                     " (%sx)" % ratios[0][0] if len(ratios) == 1 else
                                     " (%sx to %sx)" % (ratios[0][0], ratios[-1][0])))
    return "; ".join(parts)


def text(v):
    """The section "partial syncs against whole buffers" (none without a partial folder)."""
    sync = v.get("sync")
    if not sync or not (sync["pairs"] or sync["unpaired"]):
        return []
    names = [f["label"] or f["folder"] for f in v["folders"]]
    lines = ["partial syncs against whole buffers (to_dev + to_cpu per transfer, medians; the "
             "ratio partial / whole with its 95% CI, below 1: the partial sync is cheaper):"]
    for c in sync["pairs"]:
        lines.append("  %s (%s) against %s:"
                     % (names[c["partial"]], partial_label(c), names[c["whole"]]))
        if c["emulator"]:
            lines.append("    Measured on an emulator (%s): %s: what a partial sync saves "
                         "here is the code path's work, not a real board's cache maintenance."
                         % (", ".join(sorted(set(c["emulator"]))), EMULATOR))
        if c["from_histogram"]:
            lines.append("    From histograms: the medians of to_dev and to_cpu added, not "
                         "their sum per transfer, and no interval.")
        if not c["strategies"]:
            lines.append("    no strategy that ran in both syncs (their to_dev and to_cpu are 0)")
        for st in c["strategies"]:
            lines.append("    %s: %s" % (st["strategy"], _runs(st["sizes"])))
            for r in st["sizes"]:
                lines.append("      %-6s %s" % (_sz(r["size"]), _answer(r)))
    for u in sync["unpaired"]:
        lines.append("  %s syncs %s of each buffer, but no folder of its source (%s) syncs "
                     "whole buffers: not compared" % (names[u["partial"]], _sz(u["sync_bytes"]),
                                                      u["source"]))
    lines.append("")
    return lines


# ----------------------------------------------------------------------------- the figure

class Sync(Canvas):
    RIGHT_PX = 250                      # the legend and the notes

    def sync(self):
        """sync.png: left, the median of to_dev + to_cpu per transfer against size, each folder
        in its line style (whole and partial); right, the ratio partial / whole with its
        interval, a marker per strategy, one per pair side by side."""
        found = self.verdicts["sync"]["pairs"]
        fig, axes = self.figure("Partial syncs: to_dev + to_cpu per transfer, part of each "
                                "buffer synced against all of it", ncols=2,
                                right_px=self.RIGHT_PX)
        ax, rax = axes[0]
        values, ratios, sizes, shown = [], [], set(), []
        k = sum(len(c["strategies"]) for c in found)
        step = min(0.12, 0.6 / max(k, 1))
        n = 0
        for c in found:
            for st in c["strategies"]:
                s, rows = st["strategy"], st["sizes"]
                shown.append(s)
                for i, key in ((c["whole"], "whole_ns"), (c["partial"], "partial_ns")):
                    pts = [(r["size"], r[key]) for r in rows if r[key] > 0]
                    if pts:
                        ax.plot(*zip(*pts), **self.line_kw(i, s))
                        values += [p[1] for p in pts]
                shift = 2.0 ** ((n - (k - 1) / 2.0) * step)
                n += 1
                for r in rows:
                    sizes.add(r["size"])
                    if r["ratio"] is None or r["ratio"] <= 0:
                        continue
                    lo, hi = (r["ci"] if r["ci"] and None not in r["ci"] else
                              (r["ratio"], r["ratio"]))
                    color, marker = self.style[s]
                    rax.errorbar([r["size"] * shift], [r["ratio"]],
                                 yerr=[[r["ratio"] - lo], [hi - r["ratio"]]], color=color,
                                 marker=marker, markersize=6.5, linestyle="none", capsize=3,
                                 elinewidth=1.4)
                    ratios += [lo, hi]
        sizes = sorted(sizes)
        # the partial size, where it falls among the sizes drawn (below them it would be off
        # the axis: the notes say it)
        for c in found:
            if not sizes or not sizes[0] <= c["sync_bytes"] <= sizes[-1]:
                continue
            for a in (ax, rax):
                a.axvline(c["sync_bytes"], color="#888888", linestyle=":", linewidth=1.3,
                          zorder=0)
                a.text(c["sync_bytes"], 1.0, " sync_bytes %s" % fmt_size(c["sync_bytes"]),
                       transform=a.get_xaxis_transform(), va="top", ha="left", fontsize=9.5,
                       color="#555555")
        for a in (ax, rax):
            self.size_axis(a, sizes)
        if values:
            self.log_axis(ax, "y", fmt_ns, min(values), max(values))
        else:
            ax.text(0.5, 0.5, "to_dev and to_cpu 0 everywhere", transform=ax.transAxes,
                    ha="center", color="#888888")
        ax.set_ylabel("to_dev + to_cpu per transfer (median), log scale")
        ax.set_title("whole and partial, each folder its line style", fontsize=11,
                     color="#444444", loc="left")
        rax.axhline(1.0, color="#444444", linewidth=1.1, zorder=0)
        if ratios:
            lo, hi = min(ratios + [1.0]), max(ratios + [1.0])
            rax.set_ylim(lo / 1.3, hi * 1.3)
            self.log_axis(rax, "y", lambda v: "%gx" % v, lo, hi)
        rax.set_ylabel("partial / whole (95 % interval), log scale")
        rax.set_title("below 1: the partial sync is cheaper", fontsize=11, color="#444444",
                      loc="left")
        self.sync_legend(fig, order_strategies(set(shown), shown), found)
        self.save(fig, "sync")

    def sync_legend(self, fig, strategies, found):
        """Right of the panels: the strategies, the folders, then the notes."""
        x = 1 - (self.RIGHT_PX - 6) / WIDTH_PX
        folders = self.folder_handles()
        used = sorted({i for c in found for i in (c["whole"], c["partial"])})
        heading = self.Line2D([], [], linestyle="none", label="result folder:")
        leg = fig.legend(handles=self.strategy_handles(strategies) + [heading] +
                         [folders[i] for i in used], title="strategy", loc="upper left",
                         bbox_to_anchor=(x, self.top), fontsize=9.5, title_fontsize=10)
        leg.set_in_layout(False)
        style = [FOLDER_LINESTYLES[i % len(FOLDER_LINESTYLES)][1] for i in range(len(self.ds))]
        notes = ["%s: %s" % (style[c["partial"]], partial_label(c)) for c in found]
        emulated = {}                   # emulator: the styles of its folders
        for i in used:
            if self.ds[i].meta.get("emulator"):
                emulated.setdefault(self.ds[i].meta["emulator"], []).append(style[i])
        notes += ["%s: emulator (%s): %s" % (", ".join(who), em, EMULATOR)
                  for em, who in emulated.items()]
        if any(c["from_histogram"] for c in found):
            notes.append("from histograms: medians added, no interval")
        fig.text(x + 0.004, 0.015, "\n".join(textwrap.fill(p, 33, subsequent_indent="  ")
                                             for p in notes),
                 ha="left", va="bottom", fontsize=9, color="#444444", linespacing=1.25)


def wanted(v):
    """Whether sync.png is drawn: a partial folder set against a whole one."""
    return bool((v or {}).get("sync", {}).get("pairs"))

