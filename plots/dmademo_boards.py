# SPDX-License-Identifier: GPL-2.0
"""dmademo_boards: several result folders side by side (boards, kernels, DMA paths).

  compare(folders)  the verdict's "changes": for each of its comparisons (coherent against
                    streaming in the kernel, uncached against cached in user space, each
                    placement apart where a folder has two) and each size, the folders whose
                    answer (which family is cheaper, with its interval) differs from the others'
  text(v)           the verdict's section "between the folders", in words
  Boards.boards()   boards.png: the p50 total time of each strategy per size, one panel per
                    strategy family (meta's families=), the folders' markers side by side at
                    each size, the sizes where the answer differs shaded

A map-only folder (meta engine=none: nothing transferred) is compared with map-only folders
only: its answer is about the mapping, not a transfer. Needs Debian's python3-matplotlib for the
figure alone; the rest is plain Python.
"""

import math
import textwrap

from dmademo_canvas import FOLDER_LINESTYLES, WIDTH_PX, Canvas
from dmademo_data import fmt_ns, size_ranges

GROUP_ORDER = ("kernel", "user", "user-byte")      # the verdict's GROUPS, in its order
NO_FAMILY = "no family"                             # strategies a folder's meta names none for


def _name(f):
    return f.get("legend") or f["label"] or f["folder"]


def _comparisons(folders):
    """{(group key, map-only): [folder index, ...]} in the verdict's order: each group (and
    placement) of each folder, map-only folders apart."""
    keys = {}
    for i, f in enumerate(folders):
        for key in f["groups"]:
            keys.setdefault((key, bool(f.get("map_only"))), []).append(i)

    def order(k):
        g = k[0].split("/")[0]
        return (GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER), k[1], k[0])
    return {k: keys[k] for k in sorted(keys, key=order)}


def compare(folders):
    """(changes, compared) from the verdict's folders. compared: one entry per comparison, the
    folders that answer it (at one size or more) and the sizes two or more of them share; changes: one per size where
    their answers differ, each folder's answer (None where it has none), the answer most of
    them give (majority: None when no answer is given by more folders than any other) and the
    folders that differ from it (all of them when there is no majority)."""
    mixed = len({bool(f.get("map_only")) for f in folders}) > 1
    changes, compared = [], []
    for (key, map_only), idx in _comparisons(folders).items():
        g0 = folders[idx[0]]["groups"][key]
        title = key + (" (map-only)" if map_only and mixed else "")
        per = {i: {r["size"]: r for r in folders[i]["groups"][key]["sizes"] if r["winner"]}
               for i in idx}
        sizes = sorted(z for z in set().union(*per.values())
                       if sum(z in p for p in per.values()) > 1)
        compared.append({"group": key, "title": title, "map_only": map_only,
                         "families": g0["families"], "folders": [i for i in idx if per[i]],
                         "sizes": sizes})
        for z in sizes:
            answers = [None] * len(folders)
            for i in idx:
                r = per[i].get(z)
                if r:
                    answers[i] = {"winner": r["winner"], "ratio": r["ratio"], "ci": r["ci"],
                                  "best": r["best"]}
            given = [a["winner"] for a in answers if a]
            if len(set(given)) < 2:
                continue
            counts = sorted(((given.count(w), w) for w in set(given)), reverse=True)
            majority = counts[0][1] if counts[0][0] > counts[1][0] else None
            changes.append({"group": key, "title": title, "map_only": map_only, "size": z,
                            "families": g0["families"], "majority": majority,
                            "winners": [a["winner"] if a else None for a in answers],
                            "answers": answers,
                            "differ": [i for i, a in enumerate(answers)
                                       if a and a["winner"] != majority]})
    return changes, compared


def _answer(a, fams):
    """'streaming is faster, streaming / coherent 0.67x [0.64-0.70]' (an end that two decimals
    would round to 1 has three, as the new calls' ratios)."""
    from dmademo_pairs import _bound
    what = "no significant difference" if a["winner"] == "none" else \
        "%s is faster" % a["winner"]
    return "%s, %s / %s %.2fx [%s-%s]" % (what, fams[1], fams[0], a["ratio"], _bound(a["ci"][0]),
                                          _bound(a["ci"][1]))


def text(v):
    """The verdict's lines "between the folders" (none for one folder)."""
    from dmademo_stats import fmt_sz, fmt_span
    folders = v["folders"]
    if len(folders) < 2 or "compared" not in v:
        return []
    lines = ["between the folders (%s):" % " / ".join(f["label"] or f["folder"] for f in folders)]
    emulated = [_name(f) for f in folders if f["emulator"]]
    if emulated:
        lines.append("  %s: measured on an emulator, which has no caches: %s."
                     % ("; ".join(emulated), "where a board differs from it, the board's "
                        "answer is the one about caches" if len(emulated) < len(folders) else
                        "the differences are the code paths', not the boards' caches"))
    if len({bool(f.get("map_only")) for f in folders}) > 1:
        lines.append("  Map-only folders (nothing transferred: the answer is about the mapping) "
                     "are compared with map-only folders only.")
    for f in folders:
        if not f["families"]:
            lines.append("  %s: meta names no strategy families, so it is not compared"
                         % _name(f))
    changes = v.get("changes", [])
    for c in v["compared"]:
        names = "; ".join(_name(folders[i]) for i in c["folders"])
        if not c["folders"]:
            lines.append("  %s: no folder ran both %s and %s, nothing to compare"
                         % ((c["title"],) + tuple(c["families"])))
            continue
        if len(c["folders"]) < 2:
            lines.append("  %s: an answer in %s only, not compared" % (c["title"], names))
            continue
        mine = [x for x in changes if x["group"] == c["group"] and
                x["map_only"] == c["map_only"]]
        if not c["sizes"]:
            lines.append("  %s: no size in common (%s)" % (c["title"], names))
        elif not mine:
            lines.append("  %s: the same answer in each folder at every size they share (%s)"
                         % (c["title"], fmt_span(c["sizes"][0], c["sizes"][-1])
                            if len(c["sizes"]) > 1 else fmt_sz(c["sizes"][0])))
        for x in mine:
            fams = x["families"]
            lines.append("  %s at %s: %s" % (x["title"], fmt_sz(x["size"]), " / ".join(
                w or "-" for w in x["winners"])))
            own = "; ".join("%s (%s)" % (_name(folders[i]), _answer(x["answers"][i], fams))
                            for i in x["differ"])
            if x["majority"] is None:
                lines.append("    no majority: %s" % own)
                continue
            rest = [a for i, a in enumerate(x["answers"]) if a and i not in x["differ"]]
            lo, hi = min(a["ratio"] for a in rest), max(a["ratio"] for a in rest)
            lines.append("    differs: %s; the other %d: %s, %s / %s %s" % (
                own, len(rest), "no significant difference" if x["majority"] == "none" else
                "%s is faster" % x["majority"], fams[1], fams[0],
                "%.2fx" % lo if "%.2f" % lo == "%.2f" % hi else "%.2fx to %.2fx" % (lo, hi)))
    lines.append("")
    return lines


# ----------------------------------------------------------------------------- the figure

def panels(datasets):
    """[(family, [(folder index, strategy), ...])]: one per family the folders' meta names
    (families=, user_families=), in the order they name them; strategies of a folder whose
    meta names no family for them (older folders) in a last one, NO_FAMILY."""
    fams = dict.fromkeys(f for d in datasets for f in d.families.values())
    out = []
    for fam in list(fams) + [NO_FAMILY]:
        members = [(i, s) for i, d in enumerate(datasets) for s in d.strategies
                   if d.families.get(s, NO_FAMILY) == fam and d.total_sizes(s)]
        if members:
            out.append((fam, members))
    return out


class Boards(Canvas):
    RIGHT_PX = 250                      # the folders' legend and the notes

    def boards(self):
        """boards.png: the folders side by side, one panel per strategy family."""
        groups = panels(self.ds)
        n = len(groups)
        ncols = 1 if n == 1 else 2 if n in (2, 4) else 3
        nrows = math.ceil(n / ncols)
        fig, axes = self.figure("Side by side: p50 total time per %s, by strategy family"
                                % self.transfer.replace(" (no transfer)", ""),
                                nrows=nrows, ncols=ncols, right_px=self.RIGHT_PX)
        changes = (self.verdicts or {}).get("changes", [])
        k = len(self.ds)
        step = min(0.15, 0.6 / k)       # octaves between two folders' markers at one size
        for p, (fam, members) in enumerate(groups):
            ax = axes[p // ncols][p % ncols]
            values, sizes = [], set()
            for i, s in members:
                d = self.ds[i]
                zs = d.total_sizes(s)
                p50 = [d.total(s, z, "p50_ns") for z in zs]
                shift = 2.0 ** ((i - (k - 1) / 2.0) * step)
                ax.plot([z * shift for z in zs], p50, **self.line_kw(i, s))
                values += p50
                sizes.update(zs)
            for z in sorted({c["size"] for c in changes if fam in c["families"]} & sizes):
                ax.axvspan(z / 2 ** 0.4, z * 2 ** 0.4, color="#ffe08a", alpha=0.45, zorder=0,
                           linewidth=0)
            self.log_axis(ax, "y", fmt_ns, min(values), max(values))
            self.size_axis(ax, sorted(sizes), labels=12 // ncols)
            if p + ncols < n:           # a panel below: the size axis is named there
                ax.set_xlabel("")
            strategies = [s for s in self.strategies if any(s == t for _, t in members)]
            ax.set_title(fam + " family" if fam != NO_FAMILY else
                         "meta names no family (older folder)", fontsize=12, loc="left")
            ax.legend(handles=self.strategy_handles(strategies), loc="upper left",
                      fontsize={1: 10, 2: 9}.get(ncols, 8), ncol=2 if len(strategies) > 4 else 1,
                      handlelength=1.3, borderaxespad=0.3, labelspacing=0.3, columnspacing=0.6,
                      handletextpad=0.4, markerscale=0.8)
        for p in range(n, nrows * ncols):
            axes[p // ncols][p % ncols].set_axis_off()
        fig.supylabel("p50 total time per %s, log scale (each panel its own)"
                      % ("round trip" if self.map_only else "transfer"), fontsize=12.5)
        x = 1 - (self.RIGHT_PX - 6) / WIDTH_PX
        handles = self.folder_handles()
        for h, d in zip(handles, self.ds):
            h.set_label("\n".join(textwrap.wrap(d.legend, 25)))
        leg = fig.legend(handles=handles, title="result folder\n(left to right at a size)",
                         loc="upper left", bbox_to_anchor=(x, self.top), fontsize=9.5,
                         title_fontsize=10)
        leg.set_in_layout(False)
        note = self.boards_note(changes)
        if note:
            fig.text(x + 0.004, 0.015, note, ha="left", va="bottom", fontsize=9,
                     color="#444444", linespacing=1.25)
        self.save(fig, "boards")

    def boards_note(self, changes):
        """Below the folders' legend: where the answer differs (and in which folders), and
        what to read the folders as (emulated, map-only)."""
        style = [FOLDER_LINESTYLES[i % len(FOLDER_LINESTYLES)][1] for i in range(len(self.ds))]
        runs = {}                       # (comparison, who differs): [size, ...]
        for c in changes:
            who = ", ".join(style[i] for i in c["differ"]) if c["majority"] else "no majority"
            runs.setdefault((c["title"], who), []).append(c["size"])
        shared = {c["title"]: c["sizes"] for c in (self.verdicts or {}).get("compared", [])}
        parts = ["%s at %s: %s" % (t, size_ranges(z, shared[t]), who)
                 for (t, who), z in runs.items()]
        if parts:
            parts = ["shaded: where the answer differs (verdict.txt)"] + parts[:6] + \
                (["… %d more" % (len(parts) - 6)] if len(parts) > 6 else [])
        for i, d in enumerate(self.ds):
            if d.meta.get("emulator"):
                parts.append("%s: emulator (%s): QEMU models no caches, so uncached memory and "
                             "cache maintenance cost nothing there" % (style[i],
                                                                      d.meta["emulator"]))
        if any(d.map_only for d in self.ds) and not self.map_only:
            parts.append("map-only: round trips of the mapping, nothing transferred")
        return "\n".join(textwrap.fill(p, 33, subsequent_indent="  ") for p in parts)
