# SPDX-License-Identifier: GPL-2.0
"""dmademo_boards: several result folders side by side (boards, kernels, DMA paths).

  compare(folders)  the verdict's "changes": for each of its comparisons (coherent against
                    streaming in the kernel, uncached against cached in user space, each
                    placement apart where a folder has two) and each size, the folders whose
                    answer (which family is cheaper, with its interval) differs from the others'
  text(v)           the verdict's section "between the folders", in words

A map-only folder (meta engine=none: nothing transferred) is compared with map-only folders
only: its answer is about the mapping, not a transfer.
"""

GROUP_ORDER = ("kernel", "user", "user-byte")      # the verdict's GROUPS, in its order


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
    folders that have it and the sizes two or more of them share; changes: one per size where
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
                         "families": g0["families"], "folders": idx, "sizes": sizes})
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
    """'streaming is faster, streaming / coherent 0.67x [0.64-0.70]'."""
    what = "no significant difference" if a["winner"] == "none" else \
        "%s is faster" % a["winner"]
    return "%s, %s / %s %.2fx [%.2f-%.2f]" % (what, fams[1], fams[0], a["ratio"], a["ci"][0],
                                              a["ci"][1])


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
        if len(c["folders"]) < 2:
            lines.append("  %s: in %s only, not compared" % (c["title"], names))
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
