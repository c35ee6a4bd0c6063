# SPDX-License-Identifier: GPL-2.0
"""dmademo_data: reading dmademo result folders (results.csv, summary.csv, histogram.csv, meta).

Shared by plots/dmademo-plot, the verdict and the report. Bad input raises InputError with a
message naming the file and line. The files are read by plots/dmademo_csv.py (its names are
re-exported here); a folder is a Dataset.
"""

import os
import re
import textwrap

from dmademo_csv import (InputError, read_bounced, read_csv, read_meta, read_skipped,
                         samples_from_histogram)

RESULTS_COLUMNS = ["strategy", "size", "iter", "fill_ns", "to_dev_ns", "prep_ns", "submit_ns",
                   "wait_ns", "to_cpu_ns", "read_ns", "total_ns", "ok"]
SUMMARY_COLUMNS = ["strategy", "size", "phase", "n", "min_ns", "p50_ns", "p90_ns", "p99_ns",
                   "max_ns", "mean_ns", "stddev_ns", "mbps_p50"]
# Stacked left to right in the order they run; together they make up total. map and unmap are
# an importer's dma_buf_map_attachment() and dma_buf_unmap_attachment() of an imported dma-buf
# (dmademo-mmap's dma-buf kinds: 0 everywhere else). Older result folders have no wake, alloc or
# free rows, nor map or unmap ones: those phases then count 0.
PHASES = ["alloc", "fill", "to_dev", "map", "prep", "submit", "wait", "wake", "unmap", "to_cpu",
          "read", "free"]

# One colour and marker per strategy, the same in every graph. Coherent-memory strategies are
# blues, streaming (cached memory + cache maintenance) warm colours, the scatterlist ones greens
# and brown, the newest mapping calls pink (phys, as streaming) and teal (iova, as sg), the CPU
# baseline grey. Other names (user space's: six kinds, word and byte loops; a newer module's)
# take the extra styles in turn.
STRATEGY_STYLE = {
    "coherent":       ("#1f5fbf", "o"),
    "pool":           ("#5cb8e6", "s"),
    "streaming":      ("#d62728", "^"),
    "streaming-sync": ("#ff8c1a", "v"),
    "noncoherent":    ("#9c4fb0", "D"),
    "cpu":            ("#555555", "X"),
    "sg":             ("#2ca02c", "h"),
    "sg-sync":        ("#8fd16a", "p"),
    "noncontiguous":  ("#8c564b", "<"),
    "iova":           ("#17becf", "P"),
    "phys":           ("#e377c2", ">"),
}
EXTRA_STYLES = [("#bcbd22", "8"), ("#7f7f7f", "*"), ("#393b79", "d"), ("#ad494a", "H"),
                ("#e7ba52", "o"), ("#7b4173", "s"), ("#5254a3", "p"), ("#8ca252", "v"),
                ("#bd9e39", "h"), ("#d6616b", "<"), ("#a55194", ">"), ("#6b6ecf", "D")]


# ----------------------------------------------------------------------------- sizes, times

def parse_size(text):
    """'4096', '4K', '4k', '1M', '1G' (powers of 1024) -> bytes."""
    m = re.fullmatch(r"\s*(\d+)\s*([kKmMgG]?)(?:i?[bB])?\s*", text)
    if not m:
        raise ValueError(text)
    value = int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]
    if value <= 0:
        raise ValueError(text)
    return value


def fmt_size(n):
    for shift, unit in ((30, "G"), (20, "M"), (10, "K")):
        if n >= 1 << shift:
            v = n / float(1 << shift)
            return ("%d%s" if v == int(v) else "%.3g%s") % (v, unit)
    return "%d" % n


def time_unit(ns):
    """(nanoseconds per unit, unit name) suiting a largest value of ns."""
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= 2 * scale:
            return scale, unit
    return 1.0, "ns"


def fmt_ns(ns):
    """Human time from nanoseconds: 850 ns, 12 µs, 1.5 ms, 2 s."""
    if ns <= 0:
        return "0"
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%.3g ns" % ns


def size_ranges(picked, sizes):
    """'8K–1M, 64M': the picked sizes as runs of consecutive entries of the sorted list sizes."""
    runs = []
    for z in sorted(picked):
        i = sizes.index(z)
        if runs and runs[-1][2] == i - 1:
            runs[-1][1:] = [z, i]
        else:
            runs.append([z, z, i])
    return ", ".join(fmt_size(a) if a == b else "%s–%s" % (fmt_size(a), fmt_size(b))
                     for a, b, _ in runs)


def map_only_parts(m):
    """The parts of a map-only folder's label, from its meta: 'map-only on 0000:00:04.0',
    'iommu-strict (DMA domain)', 'dma_bits 64', 'direction transfer', '2 threads'."""
    path = m.get("dma_path") or "unknown DMA path"
    if m.get("iommu_domain") not in (None, "", "none"):
        path += " (%s domain)" % m["iommu_domain"]
    if m.get("dma_bits") not in (None, "", "0"):
        bits = "dma_bits %s" % m["dma_bits"]
    elif m.get("dma_mask_bits"):
        bits = "dma_bits %s (its own)" % m["dma_mask_bits"]
    else:
        bits = "its own DMA mask"
    threads = m.get("threads") or "1"
    return ["map-only on %s" % (m.get("bound_device") or m.get("dma_device") or "?"), path, bits,
            "direction %s" % (m.get("direction") or "transfer"),
            "%s thread%s" % (threads, "" if threads == "1" else "s")]


def join_label(parts, map_only):
    """'map-only on DEV: PATH, dma_bits N, ...' or 'board, kernel'."""
    if map_only and len(parts) > 1:
        return "%s: %s" % (parts[0], ", ".join(parts[1:]))
    return ", ".join(parts)


def _pairs(meta, *keys):
    """{name: value} from meta's KEY=name:value,... lines, in the order they name them."""
    pairs = {}
    for key in keys:
        for pair in meta.get(key, "").split(","):
            name, sep, value = pair.partition(":")
            if sep and name and value:
                pairs[name] = value
    return pairs


def families(meta):
    """{strategy: family}, in the order meta names them: families=name:family,... from the
    module's info (module/vocab.c), and user_families= from dmademo-mmap's meta for
    dmademo-run --user. A folder from before dmademo 1.2 names none."""
    return _pairs(meta, "families", "user_families")


def baselines(meta):
    """{strategy: baseline}: baselines=name:baseline,... from the module's info, the older call
    each new one is measured against. A folder from before iova and phys names none."""
    return {s: b for s, b in _pairs(meta, "baselines").items() if s != b}


def sync_bytes(meta, key="sync_bytes"):
    """meta's sync_bytes=: the bytes of each buffer to_dev and to_cpu synced (key touch_bytes:
    those the CPU fills and reads); 0 (also where meta has no such line, or not a number): all
    of it."""
    try:
        return max(int(meta.get(key) or 0), 0)
    except ValueError:
        return 0


def order_strategies(names, order=()):
    """names in the order meta lists them (the module's), then any others by name."""
    known = [s for s in dict.fromkeys(order) if s in names]
    return known + sorted(n for n in names if n not in known)


class Dataset:
    def __init__(self, folder):
        self.folder = folder
        if not os.path.exists(folder):
            raise InputError("%s: no such result folder" % folder)
        if not os.path.isdir(folder):
            raise InputError("%s: not a directory" % folder)
        self.meta = read_meta(os.path.join(folder, "meta"))
        self.map_only = self.meta.get("engine") == "none"

        path = os.path.join(folder, "summary.csv")
        self.summary_path = path
        self.summary = {}
        for row in read_csv(path, SUMMARY_COLUMNS,
                            integer_columns={"size", "n"}, text_columns={"strategy", "phase"}):
            key = (row["strategy"], row["size"], row["phase"])
            if key in self.summary:
                raise InputError("%s:%d: duplicate row for %s,%d,%s (first on line %d)"
                                 % (path, row["_line"], key[0], key[1], key[2],
                                    self.summary[key]["_line"]))
            self.summary[key] = row
        if not any(k[2] == "total" for k in self.summary):
            raise InputError("%s: no rows with phase 'total'" % path)
        self.skipped = read_skipped(path)    # {(strategy, size): reason}
        self.bounced = read_bounced(path)    # {(strategy, size)}
        self.baselines = baselines(self.meta)
        paired = set(self.baselines) | set(self.baselines.values())  # their phases kept too
        self.phase_rows = {}            # (strategy, size) -> [(to_dev, to_cpu, total, where)]

        path = os.path.join(folder, "results.csv")
        self.results_path = path
        self.samples = {}               # (strategy, size) -> sorted total_ns of ok transfers
        self.failed = 0
        # a run that recorded histograms (record=histogram) has an empty results.csv
        hist_path = os.path.join(folder, "histogram.csv")
        self.from_histogram = os.path.isfile(path) and os.path.getsize(path) == 0 and \
            os.path.isfile(hist_path)
        if self.from_histogram:
            self.results_path = hist_path
            self.samples = samples_from_histogram(hist_path)
        self.phase_hist = {ph: samples_from_histogram(hist_path, ph, paired)   # {phase: samples}
                           for ph in ("to_dev", "to_cpu") if paired and self.from_histogram}
        # where each transfer's completion ran: on the run thread's CPU or another
        self.placed = {}                # (strategy, size) -> {"same": [...], "cross": [...]}
        for row in () if self.from_histogram else read_csv(path, RESULTS_COLUMNS,
                            integer_columns={"size", "iter", "ok", "cpu", "irq_cpu"},
                            text_columns={"strategy"}, allowed={"ok": (0, 1)},
                            keep=("strategy", "size", "total_ns", "ok", "cpu", "irq_cpu") +
                            (("to_dev_ns", "to_cpu_ns") if paired else ())):
            if row["ok"]:
                key = (row["strategy"], row["size"])
                self.samples.setdefault(key, []).append(row["total_ns"])
                where = None
                if "irq_cpu" in row:
                    where = "same" if row["cpu"] == row["irq_cpu"] else "cross"
                    self.placed.setdefault(key, {"same": [], "cross": []})[where].append(
                        row["total_ns"])
                if key[0] in paired:
                    self.phase_rows.setdefault(key, []).append(
                        (row["to_dev_ns"], row["to_cpu_ns"], row["total_ns"], where))
            else:
                self.failed += 1
        for v in self.samples.values():
            v.sort()
        # cells that pool both placements (a thread that moved, or was never pinned), and
        # the placements the strategies compared saw (cpu's copy has no completion)
        self.mixed = sorted(k for k, v in self.placed.items() if v["same"] and v["cross"])
        self.placements = {w for k, v in self.placed.items() if k[0] != "cpu"
                           for w in ("same", "cross") if v[w]}

        self.families = families(self.meta)
        self.strategies = order_strategies({k[0] for k in self.summary} |
                                           {k[0] for k in self.samples}, self.families)
        self.sizes = sorted({k[1] for k in self.summary} | {k[1] for k in self.samples})
        self.overhead = 0.0
        try:
            self.depth = int(self.meta.get("depth", "1"))
        except ValueError:
            self.depth = 1
        self.label = self.legend = ""
        self.label_parts = []           # the label's parts, for a legend of what differs
        self.details = self.details_short = ""

    def stat(self, strategy, size, phase, column):
        row = self.summary.get((strategy, size, phase))
        return None if row is None else row[column]

    def total(self, strategy, size, column):
        v = self.stat(strategy, size, "total", column)
        return None if v is None else max(v - self.overhead, 1.0)

    def total_sizes(self, strategy):
        return sorted(s for (st, s, ph) in self.summary if st == strategy and ph == "total")

    def describe(self):
        m = self.meta
        board = m.get("board") or m.get("model")
        kernel = m.get("kernel")
        parts = [p for p in (board, kernel) if p]
        name = os.path.basename(os.path.normpath(os.path.abspath(self.folder)))
        self.label_parts = parts or [name]
        self.label = ", ".join(self.label_parts)
        d = []
        if board:
            d.append(board)
        if kernel:
            d.append("kernel " + kernel)
        chan = m.get("channel")
        if self.map_only:               # no channel in it: the device and the path
            self.label_parts = map_only_parts(m)
            self.label = join_label(self.label_parts, True)
            d.append(self.label)
        elif chan:
            d.append("channel %s%s" % (chan, " (%s)" % m["dma_device"] if m.get("dma_device")
                                       else ""))
        if m.get("dma_coherent"):
            d.append("dma_coherent=%s" % m["dma_coherent"])
        short = list(d)
        run = []
        if m.get("iterations"):
            run.append("%s iterations" % m["iterations"])
        if m.get("depth"):
            run.append("depth %s" % m["depth"])
        if m.get("verify") == "1":
            run.append("verify")
        if m.get("touch") == "0":
            run.append("touch=0 (no CPU fill/read)")
        elif m.get("touch_bytes") not in (None, "", "0"):
            run.append("CPU touches %s B" % m["touch_bytes"])
        if sync_bytes(m):
            run.append("syncs %s B of each buffer" % sync_bytes(m))
        if m.get("cold") == "1":
            run.append("cold caches")
        if m.get("completion") == "poll":
            run.append("completion=poll")
        if m.get("rounds") not in (None, "", "1"):
            run.append("%s rounds" % m["rounds"])
        if run:
            d.append(", ".join(run))
        if len(self.placements) > 1:    # a part of its own too: never left out
            mixed = "placement mixed: completions on the run thread's CPU and on another " \
                "(results.csv cpu, irq_cpu)%s" % (", pooled in %d cells" % len(self.mixed)
                                                  if self.mixed else ", in different cells")
            d.append(mixed)
            short.append(mixed)
        if self.depth > 1:              # a part of its own: pack() never shortens it
            queueing = "per-transfer latencies at depth %d include time queued behind other " \
                "transfers; mbps_step is the pipelined throughput" % self.depth
            d.append(queueing)
            short.append(queueing)
        for x in (d, short):
            if self.overhead:
                x.append("%s harness overhead subtracted" % fmt_ns(self.overhead))
            if self.failed:
                x.append("%d failed transfers left out" % self.failed)
            if not parts:
                x.insert(0, "folder " + name)
        self.details = " · ".join(d)
        self.details_short = " · ".join(short)
        self.legend = self.label

    def add_label_part(self, part):
        """Another part to the label (None: the parts were changed in place)."""
        if part is not None:
            self.label_parts.append(part)
        self.label = join_label(self.label_parts, self.map_only)


def pack(text, width):
    """Split a ' · '-separated line into lines of at most width characters, between parts."""
    lines = []
    for part in text.split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part if len(part) <= width else textwrap.shorten(part, width))
    return lines


def middle(values):
    values = sorted(values)
    return values[(len(values) - 1) // 2] if values else None
