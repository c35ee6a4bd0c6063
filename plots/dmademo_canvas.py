# SPDX-License-Identifier: GPL-2.0
"""dmademo_canvas: what every graph of plots/dmademo-plot shares: the size (1200x800 pixels at
100 dpi), the fonts, the colours of the phases, one line style per folder, the figure with its
title and the folders' subtitle, log axes, the legends, and the labels that tell folders apart.

Needs Debian's python3-matplotlib (imported when a Canvas is made, not before).
"""

import math
import os
import textwrap

from dmademo_data import (EXTRA_STYLES, STRATEGY_STYLE, InputError, fmt_size, order_strategies,
                          pack, sync_bytes)

WIDTH_PX, HEIGHT_PX, DPI = 1200, 800, 100

PHASE_STYLE = {
    "alloc":  ("#c7b5e0", "alloc: pool block"),
    "fill":   ("#a6d96a", "fill: CPU writes"),
    "to_dev": ("#fdae61", "to_dev: map / sync"),
    "map":    ("#f7b6d2", "map: dma-buf"),
    "prep":   ("#d0d0d0", "prep"),
    "submit": ("#8c8c8c", "submit + issue"),
    "wait":   ("#80b1d3", "wait: DMA copies"),
    "wake":   ("#e6c229", "wake: to the thread"),
    "unmap":  ("#b5367a", "unmap: dma-buf"),
    "to_cpu": ("#e8603c", "to_cpu: unmap / sync"),
    "read":   ("#1a9850", "read: CPU reads"),
    "free":   ("#7b61a8", "free: pool block"),
    # a map-only folder's wait: nothing transferred, the loop between to_dev and to_cpu
    "wait-map": ("#c6dbef", "wait: loop (map-only)"),
}

FOLDER_LINESTYLES = [("-", "solid"), ("--", "dashed"), (":", "dotted"), ("-.", "dash-dot"),
                     ((0, (6, 2, 1, 2, 1, 2)), "dash-dot-dot")]


def label_folders(datasets):
    """Each folder's label, made unique, and its legend: the parts of the labels that differ
    (the subtitle has the rest). Call after each Dataset's describe()."""
    # folders on different DMA paths (dma-direct, swiotlb-force, iommu-strict, iommu-lazy,
    # iommu-passthrough) are told apart by it: a map-only label names it already
    if len({d.meta.get("dma_path") for d in datasets}) > 1:
        for d in datasets:
            if not d.map_only and d.meta.get("dma_path"):
                d.add_label_part(d.meta["dma_path"])
                d.details += " · dma_path %s" % d.meta["dma_path"]
                d.details_short += " · dma_path %s" % d.meta["dma_path"]
    # folders that sync part of each buffer beside folders that sync all of it (meta sync_bytes)
    synced = [sync_bytes(d.meta) for d in datasets]
    if len(set(synced)) > 1:
        for d, n in zip(datasets, synced):
            part = "sync_bytes %s" % fmt_size(n) if n else "whole syncs"
            d.add_label_part(part)
            d.details += " · " + part
            d.details_short += " · " + part
    labels = [d.label for d in datasets]
    for d in datasets:
        if labels.count(d.label) > 1:
            d.label_parts[-1] += " (%s)" % os.path.normpath(d.folder)
            d.add_label_part(None)
    # the line-style legend names what tells the folders apart (the subtitle has the rest)
    common = set.intersection(*(set(d.label_parts) for d in datasets)) if len(datasets) > 1 \
        else set()
    for d in datasets:
        d.legend = ", ".join(p for p in d.label_parts if p not in common) or d.label


class Canvas:
    """A 1200x800 figure with the graphs' look: fonts, a title, the folders' subtitle, the
    strategies' colours and markers, one line style per folder, log axes, and the legends."""

    def __init__(self, datasets, outdir, svg, verdicts=None):
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib.figure import Figure
        from matplotlib import ticker
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        self.Figure, self.ticker, self.Line2D, self.Patch = Figure, ticker, Line2D, Patch
        matplotlib.rcParams.update({
            "font.family": "DejaVu Sans",
            "font.size": 12,
            "axes.titlesize": 13,
            "axes.labelsize": 12.5,
            "legend.fontsize": 11,
            "legend.framealpha": 0.92,
            "axes.grid": True,
            "grid.color": "#dddddd",
            "grid.linewidth": 0.8,
            "axes.axisbelow": True,
            "svg.hashsalt": "dmademo",
            "svg.fonttype": "path",
        })
        self.ds = datasets
        self.multi = len(datasets) > 1
        # map-only folders (a bound device, nothing transferred) have round trips, not transfers
        self.map_only = all(d.map_only for d in datasets)
        self.transfer = "map-only round trip (no transfer)" if self.map_only else "DMA transfer"
        self.verdicts = verdicts
        self.outdir = outdir
        self.svg = svg
        self.strategies = order_strategies({s for d in datasets for s in d.strategies},
                                           [s for d in datasets for s in d.families])
        self.sizes = sorted({s for d in datasets for s in d.sizes})
        extra = iter(EXTRA_STYLES * 10)
        self.style = {s: STRATEGY_STYLE.get(s) or next(extra) for s in self.strategies}
        self.written = []

    # --- common pieces

    def figure(self, title, nrows=1, ncols=1, right_px=0, **kw):
        fig = self.Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
        if self.multi:
            sub = ["%s: %s" % (FOLDER_LINESTYLES[i % len(FOLDER_LINESTYLES)][1], d.details_short)
                   for i, d in enumerate(self.ds)]
        else:
            sub = [self.ds[0].details]
        sub = [line for s in sub for line in pack(s, 140)]
        if len(sub) > 4:                # many folders: just their labels
            sub = ["%s: %s" % (FOLDER_LINESTYLES[i % len(FOLDER_LINESTYLES)][1], d.label)
                   for i, d in enumerate(self.ds)]
            sub = sub[:5] + (["…"] if len(sub) > 5 else [])
        top_px = 62 + 19 * len(sub)
        self.top = 1 - top_px / HEIGHT_PX
        fig.set_layout_engine("constrained", rect=(0, 0, 1 - right_px / WIDTH_PX, self.top),
                              h_pad=0.06, w_pad=0.06)
        fig.text(0.5, 1 - 14 / HEIGHT_PX, title, ha="center", va="top", fontsize=17,
                 fontweight="bold")
        fig.text(0.5, 1 - 46 / HEIGHT_PX, "\n".join(sub), ha="center", va="top", fontsize=11,
                 color="#444444", linespacing=1.35)
        axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
        return fig, axes

    def save(self, fig, name):
        for ext in ["png"] + (["svg"] if self.svg else []):
            path = os.path.join(self.outdir, "%s.%s" % (name, ext))
            try:
                fig.savefig(path, dpi=DPI, format=ext,
                            metadata={"Date": None} if ext == "svg" else None)
            except OSError as e:
                raise InputError("%s: cannot write: %s" % (path, e.strerror or e))
            self.written.append(path)

    def size_axis(self, ax, sizes=None, labels=None):
        """A log2 axis of sizes; labels: at most that many labelled (default: 9 or so)."""
        sizes = sizes or self.sizes
        lo, hi = min(sizes), max(sizes)
        ax.set_xscale("log", base=2)
        e0, e1 = math.floor(math.log2(lo)), math.ceil(math.log2(hi))
        step = 1 if e1 - e0 <= 8 else 2 if e1 - e0 <= 18 else 3
        if labels:
            step = max(1, math.ceil((e1 - e0 + 1) / labels))
        major = [2.0 ** e for e in range(e0, e1 + 1, step)]
        minor = [2.0 ** e for e in range(e0, e1 + 1) if 2.0 ** e not in major]
        ax.xaxis.set_major_locator(self.ticker.FixedLocator(major))
        ax.xaxis.set_minor_locator(self.ticker.FixedLocator(minor))
        ax.xaxis.set_major_formatter(self.ticker.FuncFormatter(lambda v, _: fmt_size(int(v))))
        ax.xaxis.set_minor_formatter(self.ticker.NullFormatter())
        ax.set_xlim(lo / 1.25, hi * 1.25)
        ax.set_xlabel("buffer size (bytes; K = 1024)")

    def log_axis(self, ax, which, fmt, lo=None, hi=None):
        """Log scale with labelled 1-2-5 ticks when the data spans less than ~2.5 decades,
        decade ticks otherwise; fmt turns a value into a tick label."""
        axis = ax.yaxis if which == "y" else ax.xaxis
        (ax.set_yscale if which == "y" else ax.set_xscale)("log")
        if lo is None:
            lo, hi = (ax.get_ylim() if which == "y" else ax.get_xlim())
        span = math.log10(max(hi, 1e-9) / max(lo, 1e-9))
        subs = (1.0, 2.0, 5.0) if span < 2.5 else (1.0,)
        axis.set_major_locator(self.ticker.LogLocator(base=10, subs=subs))
        axis.set_major_formatter(self.ticker.FuncFormatter(lambda v, _: fmt(v)))
        axis.set_minor_locator(self.ticker.LogLocator(base=10, subs=[k for k in range(1, 10)
                                                                   if k not in subs]))
        axis.set_minor_formatter(self.ticker.NullFormatter())

    def strategy_handles(self, strategies=None, markers=True):
        return [self.Line2D([], [], color=self.style[s][0],
                            marker=self.style[s][1] if markers else None,
                            markersize=7, linewidth=2.2, label=s)
                for s in (strategies or self.strategies)]

    def folder_handles(self):
        return [self.Line2D([], [], color="#333333", linewidth=2, marker="o", markersize=6.5,
                            markerfacecolor="#333333" if i == 0 else "white",
                            markeredgewidth=1.4,
                            linestyle=FOLDER_LINESTYLES[i % len(FOLDER_LINESTYLES)][0],
                            label="\n".join(textwrap.wrap(d.legend, 28)))
                for i, d in enumerate(self.ds)]

    def legends(self, ax, strategies=None, anchor=(1.01, 1.0), markers=True):
        """Strategy legend (and, comparing folders, a line-style legend) right of ax."""
        leg = ax.legend(handles=self.strategy_handles(strategies, markers), title="strategy",
                        loc="upper left", bbox_to_anchor=anchor, borderaxespad=0.0)
        if self.multi:
            ax.add_artist(leg)
            ax.legend(handles=self.folder_handles(), title="result folder",
                      loc="lower left", bbox_to_anchor=(anchor[0], 0.0), borderaxespad=0.0)

    def line_kw(self, i, strategy):
        color, marker = self.style[strategy]
        ls = FOLDER_LINESTYLES[i % len(FOLDER_LINESTYLES)][0]
        return dict(color=color, marker=marker, linestyle=ls, linewidth=2.2, markersize=6.5,
                    markerfacecolor=color if i == 0 else "white", markeredgewidth=1.4)
