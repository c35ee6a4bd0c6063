# SPDX-License-Identifier: GPL-2.0
"""dmademo_phases: phases.png, where the time goes: for the smallest, a middle and the largest
size, one bar per strategy stacked from its phases left to right in the order they run (the
phases plots/dmademo_data.py's PHASES names; those a folder does not have count 0), one row of
panels per folder. A phase that is 0 for every strategy of a panel is not drawn there, and the
legend lists the phases drawn somewhere: map and unmap, an importer's mapping of a dma-buf, only
where dmademo-mmap imported one.

A map-only folder (meta engine=none: a device bound to dmademo, buffers mapped on it and nothing
moving them) transferred nothing: its prep, submit and wake are 0, so not drawn, and its wait,
only the loop's own passage from to_dev to to_cpu (a clock read and a few calls), is drawn in a
colour of its own. Needs Debian's python3-matplotlib.
"""

import textwrap

from dmademo_canvas import FOLDER_LINESTYLES, PHASE_STYLE, WIDTH_PX, Canvas
from dmademo_data import PHASES, fmt_ns, fmt_size, middle, time_unit


class Phases(Canvas):
    """phases.png, for plots/dmademo-plot's Plotter: self.size (the middle column's size, or
    None) and self.phase_stat ("mean" or "p50") are its."""

    def phase_sizes(self):
        picks = [self.sizes[0], middle(self.sizes), self.sizes[-1]]
        if self.size is not None and self.size not in picks:
            picks[1] = self.size
        return sorted(set(picks))

    def phases(self):
        sizes = self.phase_sizes()
        column = "p50_ns" if self.phase_stat == "p50" else "mean_ns"
        fig, axes = self.figure("Where the time goes: phases of one %s (%s of each phase)"
                                % ("map-only round trip" if self.map_only else "transfer",
                                   self.phase_stat), nrows=len(self.ds), ncols=len(sizes),
                                right_px=232, sharey=True, sharex="col")
        strategies = [s for s in self.strategies
                      if any(k[0] == s and k[2] in PHASES for d in self.ds for k in d.summary)]
        y = list(range(len(strategies)))
        shown = set()                   # the phases (styles) drawn with a width
        tops = [max([sum(d.stat(s, z, ph, column) or 0.0 for ph in PHASES)
                     for d in self.ds for s in strategies] + [1.0]) for z in sizes]
        for r, d in enumerate(self.ds):
            for c, z in enumerate(sizes):
                ax = axes[r][c]
                left = [0.0] * len(strategies)
                for ph in PHASES:
                    vals = [d.stat(s, z, ph, column) or 0.0 for s in strategies]
                    if not any(vals):
                        continue        # not run here (map and unmap but for dma-bufs, a
                        #                 map-only folder's transfer): 0, not drawn
                    style = ph
                    if d.map_only and ph == "wait":   # the loop's passage from to_dev to to_cpu
                        style = "wait-map"
                    if any(v > 0 for v in vals):
                        shown.add(style)
                    ax.barh(y, vals, left=left, height=0.7, color=PHASE_STYLE[style][0],
                            edgecolor="white", linewidth=0.6)
                    left = [a + v for a, v in zip(left, vals)]
                top = tops[c]
                scale, unit = time_unit(top)
                for yi, s, end in zip(y, strategies, left):
                    have = any((s, z, ph) in d.summary for ph in PHASES)
                    ax.text(end + top * 0.02, yi, fmt_ns(end) if have else
                            "skipped" if (s, z) in d.skipped else "no data",
                            va="center", ha="left", fontsize=9.5,
                            color="#222222" if have else "#999999")
                ax.set_xlim(0, top * 1.32)
                ax.xaxis.set_major_locator(self.ticker.MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
                ax.xaxis.set_major_formatter(
                    self.ticker.FuncFormatter(lambda v, _, k=scale: "%g" % (v / k)))
                ax.grid(axis="y", visible=False)
                title = "%s bytes" % fmt_size(z)
                if self.multi:
                    title += " · " + FOLDER_LINESTYLES[r % len(FOLDER_LINESTYLES)][1]
                ax.set_title(title, fontsize=12.5 if not self.multi else 11)
                if r == len(self.ds) - 1:
                    ax.set_xlabel("%s per transfer (%s)" % (unit, self.phase_stat))
            ax0 = axes[r][0]
            ax0.set_yticks(y)
            ax0.set_yticklabels(strategies, fontsize=11)
            ax0.invert_yaxis() if r == 0 else None
            for lbl, s in zip(ax0.get_yticklabels(), strategies):
                lbl.set_color(self.style[s][0])
                lbl.set_fontweight("bold")
            if self.multi:
                style = FOLDER_LINESTYLES[r % len(FOLDER_LINESTYLES)][1]
                ax0.set_ylabel("\n".join(textwrap.wrap(self.ds[r].legend, 30)[:2])
                               if len(self.ds) <= 2 else style, fontsize=10)
        order = [p for ph in PHASES for p in ((ph, "wait-map") if ph == "wait" else (ph,))]
        used = [ph for ph in order if ph in shown]
        handles = [self.Patch(facecolor=PHASE_STYLE[ph][0], label=PHASE_STYLE[ph][1])
                   for ph in used or PHASES]
        leg = fig.legend(handles=handles, title="phase (left → right)", loc="upper left",
                         bbox_to_anchor=(1 - 226 / WIDTH_PX, self.top - 0.01), fontsize=10.5)
        leg.set_in_layout(False)
        self.save(fig, "phases")
