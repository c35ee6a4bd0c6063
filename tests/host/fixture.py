#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Synthetic dmademo result folders for the host tests, in the module's format: results.csv,
summary.csv, meta (and histogram.csv for --record histogram), as bench/dmademo-run leaves them.
The CSV headers and meta's vocabulary lines (families=, baselines=, phases=, *_columns=) come from
tests/host/vocab.py, which reads module/vocab.c: nothing here spells a header.

    python3 tests/host/fixture.py OUTDIR [options]        (or fixture.write(OUTDIR, **options))

Models (--model), each a time per phase for every (strategy, size, iteration):
  simple   a planted value per phase that grows with the strategy's place in the list, the
           size's and the phase's, spread +-2 ns over iterations: every cell's median differs
  planted  coherent against streaming with a known answer (seeded 10 % noise): streaming pays
           30 us of cache maintenance below --cross, coherent pays an uncached read (2 ns per
           byte) from it on, both are one distribution at --same; user-space kinds
           (KIND-mmap): cached ones (the dma-bufs too) pay 3 ns per byte in fill, and the
           dma-bufs the importer's mapping: map + unmap 20 us for udmabuf, 10 us for
           heap-system, 14 us for heap-cma. The new calls against their
           baselines (-s with sg, iova, phys): sg pays 6 us in to_dev and 4 us in to_cpu, iova
           2 and 1 us (as sg at --same), phys what streaming pays
  soc      a board: cached or uncached CPU access at measured-looking rates, cache maintenance
           for the streaming family unless --coherent, lognormal noise and rare 2.5x spikes in
           wait (iova and phys map per transfer, iova a little cheaper than sg, phys a little
           cheaper than streaming); --map PATH: a map-only run on a PCI device (meta
           engine=none), nothing transferred (prep, submit and wake 0, wait the loop's 200 ns),
           the mapping's cost by the path, cpu skipped; user-space kinds: the cached ones sync
           (300 and 250 ns and their maintenance), the dma-bufs map and unmap (1.5 us and 40
           ns a page, heap-cma 1.2 us); --sync-bytes N: the strategies that sync (those mapped
           once: streaming-sync, noncoherent, sg-sync, noncontiguous; the cached kinds)
           maintain N bytes of each buffer, not all of it

Sources (--source): "dmademo-run" (the module's collector: the module's info in meta),
"dmademo-mmap" (the user-space tool's own folder: source=, kinds= and families= of its kinds).

Formats (--format): "current" (every column of vocab.c), or an older module's, whose files hold
a prefix of today's columns: "1.0" (results through ok, summary through mbps_step, the first six
strategies, no comment lines), "1.1" (results through irq_cpu, summary through segments, nine
strategies, "# skipped:" lines). Cells the module refuses (pool above a page, from 1.1 on) are
left out, each a "# skipped:" line where the format has them.
"""
import argparse
import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import vocab  # noqa: E402

# an older module's columns and strategies: today's, through the named last one
FORMATS = {
    "1.0": {"results": "ok", "summary": "mbps_step", "strategies": "cpu", "comments": False},
    "1.1": {"results": "irq_cpu", "summary": "segments", "strategies": "noncontiguous",
            "comments": True},
    "current": {"results": None, "summary": None, "strategies": None, "comments": True},
}
PAGE = 4096
DEVICE = "0000:00:04.0"                         # the PCI device a map-only run binds
TRANSFER = vocab.PHASES[:vocab.PHASES.index("total")]  # the phases that add up to total


def upto(names, last=None):
    """names through last (an older format's prefix), or all of them."""
    return list(names) if last is None else list(names[:names.index(last) + 1])


def kind(s):
    """A user-space strategy's kind (KIND-mmap[-byte]), or None."""
    return s.split("-mmap")[0] if "-mmap" in s else None


def family(s):
    """A kernel strategy's family (vocab.c), or a user-space one's: KIND-mmap[-byte]."""
    return vocab.FAMILY.get(s) or vocab.KIND_FAMILY.get(kind(s))


def pct(v, q):                                  # nearest rank, as module/stats.c
    return v[max(0, math.ceil(q / 100.0 * len(v)) - 1)]


def bucket(v):                                  # module/hist.h: 1 ns below 128, then 64 per 2^n
    shift = max(v.bit_length() - 7, 0)
    lo = v >> shift << shift
    return lo, lo + (1 << shift)


class Simple:
    sizes, iterations, seed = (64, 4096), 5, 1
    strategies = ("coherent", "streaming")

    def __init__(self, o):
        self.o = o

    def skip(self, s, z):
        return None

    def sample(self, s, z, it, rnd):
        i, j = self.o.strategies.index(s), self.o.sizes.index(z)
        p = dict.fromkeys(self.o.phases, 0)
        for k, ph in enumerate(TRANSFER):
            p[ph] = 1000 * (i + 1) + 100 * j + z // 10 + 7 * k + 3 + it % 5 - 2
        p["total"] = sum(p.values())
        return p


class Planted(Simple):
    sizes, iterations, seed = tuple(1024 << i for i in range(7)), 60, 7
    strategies = ("coherent", "streaming", "coherent-mmap", "cached-mmap")
    MAP = {"udmabuf": (12000, 8000), "heap-system": (6000, 4000), "heap-cma": (8000, 6000)}

    def cells(self):                            # size by size: the plant's noise in this order
        return [(s, z) for z in self.o.sizes for s in self.o.strategies]

    def sample(self, s, z, it, rnd):
        o, f = self.o, family(s)
        p = dict.fromkeys(o.phases, 0)
        p["fill"], p["read"], p["prep"], p["submit"], p["wait"] = z // 8, z // 4, 2000, 3000, z
        if s == "coherent" and z >= o.cross and z != o.same:
            p["read"] += 2 * z
        if s == "streaming" and z < o.cross and z != o.same:
            p["to_dev"], p["to_cpu"] = 20000, 10000
        if s == "phys":                         # what streaming pays: no difference
            p["to_dev"], p["to_cpu"] = (20000, 10000) if z < o.cross and z != o.same else (0, 0)
        if s == "sg" or s == "iova" and z == o.same:
            p["to_dev"], p["to_cpu"] = 6000, 4000
        elif s == "iova":
            p["to_dev"], p["to_cpu"] = 2000, 1000
        if f == "cached":
            p["fill"] += 3 * z
        if kind(s) in self.MAP and "map" in p:  # the importer's mapping of a dma-buf
            p["map"], p["unmap"] = self.MAP[kind(s)]
        p = {k: int(v * rnd.uniform(0.9, 1.1)) for k, v in p.items()}
        p["total"] = sum(v for k, v in p.items() if k != "total")
        return p


class Soc(Simple):
    sizes, iterations, seed = tuple(64 << i for i in range(15)), 20, 2
    strategies = None                           # the format's
    MAP_COST = {"dma-direct": 1.0, "swiotlb-force": 3.0, "iommu-strict": 2.2, "iommu-lazy": 1.4,
                "iommu-passthrough": 1.05}

    def __init__(self, o):
        super().__init__(o)
        self.bases = {}

    def skip(self, s, z):
        if self.o.map and s == "cpu":
            return "a CPU copy does not involve %s (-EINVAL)" % DEVICE
        if self.o.coherent and s == "pool" and z > 256 << 10:
            return ""                           # that board's pool: capped, never run
        return None

    def base(self, s, size):
        o, mp = self.o, self.o.map
        ns = size * 1000.0                      # ns / (10^6 B/s)
        uncached = family(s) in ("coherent", "uncached") and not o.coherent
        synced = min(o.sync_bytes, size) if o.sync_bytes else size   # what a sync maintains
        p = dict.fromkeys(o.steps, 0.0)
        touched = (min(o.touch_bytes, size) if o.touch_bytes else size) * 1000.0
        p["fill"] = 150 + touched / (600 if uncached else 2400 if size <= 256 << 10 else 1300)
        p["read"] = 200 + touched / (70 if uncached else 1500 if size <= 256 << 10 else 900)
        if family(s) == "cpu":
            p["wait"] = 100 + ns / 800
            return p
        p["prep"] = 1400 + 90 * (size // 65536)
        p["submit"] = 700
        p["wait"] = 9000 + ns / 280
        maint = 0 if o.coherent else ns / 2200
        if s in ("streaming", "sg"):            # mapped per transfer
            p["to_dev"], p["to_cpu"] = 900 + maint, 800 + maint * 0.8
        elif s in ("iova", "phys"):             # mapped per transfer by the newer calls
            p["to_dev"], p["to_cpu"] = (700 if s == "iova" else 860) + maint, 780 + maint * 0.8
        elif family(s) in ("streaming", "cached"):  # mapped once, synced (user space too)
            maint = maint * synced / size if o.sync_bytes else maint
            p["to_dev"], p["to_cpu"] = 300 + maint, 250 + maint * 0.8
        if kind(s) in ("udmabuf", "heap-system", "heap-cma") and "map" in p:
            p["map"] = 1200 if kind(s) == "heap-cma" else 1500 + 40 * (size // 4096)
            p["unmap"] = p["map"] * 0.6
        if mp:
            p["prep"] = p["submit"] = 0
            p["wait"] = 200
            p["to_dev"] *= self.MAP_COST[mp]
            p["to_cpu"] *= self.MAP_COST[mp]
        elif "wake" in p:
            p["wake"] = 1500
        if "alloc" in p and s == "pool":
            p["alloc"], p["free"] = 400, 300
        return p

    def sample(self, s, z, it, rnd):
        base = self.bases.get((s, z)) or self.bases.setdefault((s, z), self.base(s, z))
        spike = 2.5 if rnd.random() < 0.05 else 1.0
        p = {ph: 0 if b == 0 else int(b * rnd.lognormvariate(0, 0.06) * (spike if ph == "wait"
                                                                         else 1))
             for ph, b in base.items()}
        p["total"] = sum(p.values()) + 60
        return p


MODELS = {"simple": Simple, "planted": Planted, "soc": Soc}
SOURCES = ("dmademo-run", "dmademo-mmap")


def _summary_row(s, z, ph, v):
    v = sorted(v)
    n = len(v)
    mean = sum(v) / n
    p50 = pct(v, 50)
    mbps = "%.2f" % (z * 1000.0 / p50) if p50 else "0.00"
    return {"strategy": s, "size": z, "phase": ph, "n": n, "min_ns": v[0], "p50_ns": p50,
            "p90_ns": pct(v, 90), "p99_ns": pct(v, 99), "max_ns": v[-1], "mean_ns": int(mean),
            "stddev_ns": int(math.sqrt(sum((x - mean) ** 2 for x in v) / n)),
            "mbps_p50": mbps, "mbps_step": mbps, "failed": 0,
            "need_sync": int(family(s) in ("streaming", "cached")), "segments": 1,
            "p999_ns": pct(v, 99.9), "p9999_ns": pct(v, 99.99)}


def _csv(path, columns, rows, tail=()):
    with open(path, "w") as f:
        f.write(",".join(columns) + "\n")
        f.writelines(",".join(str(r.get(c, 0)) for c in columns) + "\n" for r in rows)
        f.writelines(tail)


def _meta(o, kernel_strategies, user, skipped):
    """meta as bench/dmademo-run writes it: the system, the module's info (with the vocabulary
    lines), the knobs read back, the run's end; a key given twice is read the first time."""
    fmt = FORMATS[o.format]
    known = upto(vocab.STRATEGIES, fmt["strategies"])
    vocab_lines = [("families", ["%s:%s" % (s, vocab.FAMILY[s]) for s in known])]
    pairs = ["%s:%s" % sb for sb in vocab.BASELINE.items() if sb[0] in known and sb[1] in known]
    if pairs:                                   # a module with iova and phys has the line
        vocab_lines.append(("baselines", pairs))
    vocab_lines += [("phases", o.phases), ("results_columns", o.results),
                    ("summary_columns", o.summary), ("histogram_columns", vocab.HISTOGRAM)]
    mp = o.map
    m = [("date", "2024-11-21T09:00:00Z"), ("hostname", "testboard"), ("board", o.board),
         ("kernel", o.kernel), ("cpu", "4 x Cortex-A53"), ("kernel", o.kernel),
         ("version", "0.1"), ("channel", "dma0chan2"), ("dma_device", "3f007000.dma"),
         ("dma_coherent", int(o.coherent)), ("dma_mask_bits", 32), ("page_size", PAGE),
         ("dma_cache_align", 64), ("ktime_ns", 48), ("ktime_res_ns", 1), ("overhead_ns", 120),
         ("max_samples", 1000000)]
    if mp:
        m += [("bound_device", DEVICE), ("dma_bus", "pci"), ("engine", "none"),
              ("iommu_domain", {"iommu-strict": "DMA", "iommu-lazy": "DMA-FQ",
                                "iommu-passthrough": "identity"}.get(mp, "none")),
              ("dma_path", mp)]
    m += [(k, ",".join(v)) for k, v in vocab_lines]
    m += [("strategies", ",".join(kernel_strategies)), ("sizes", ",".join(map(str, o.sizes))),
          ("iterations", o.iterations), ("warmup", 10), ("verify", 1), ("depth", o.depth),
          ("touch", 1), ("channel", "any"), ("dma_bits", 64 if mp else 0),
          ("direction", "transfer"), ("threads", 2 if mp else 1), ("record", o.record),
          ("bind", "pci:" + DEVICE if mp else "none"), ("state", "done"), ("skipped", skipped)]
    m += _ranges(o)
    if user:                                    # dmademo-run --user: dmademo-mmap's meta
        m += [("user_families", ",".join("%s:%s" % (s, family(s)) for s in user))]
    return _lines(o, m)


def _ranges(o):
    """The bytes of each buffer the CPU touches and the syncs maintain, where given."""
    return [(k, v) for k, v in (("touch_bytes", o.touch_bytes), ("sync_bytes", o.sync_bytes))
            if v is not None]


def _lines(o, m):
    for kv in o.meta:                           # KEY=VALUE: replaces KEY, or is added
        k, _, v = kv.partition("=")
        if any(k == x for x, _ in m):
            m = [(x, v if x == k else y) for x, y in m]
        else:
            m.append((k, v))
    return "".join("%s=%s\n" % kv for kv in m)


def _mmap_meta(o, user):
    """meta as dmademo-mmap writes it (bench/mmap-out.c write_meta()): the system, its kinds and
    their strategies' families, the phases, the run."""
    kinds = list(dict.fromkeys(kind(s) for s in user))
    access = {"byte" if s.endswith("-byte") else "word" for s in user}
    m = [("date", "2024-11-21T09:00:00Z"), ("hostname", "testboard"), ("board", o.board),
         ("kernel", o.kernel), ("arch", "aarch64"), ("cpus", 4), ("source", "dmademo-mmap"),
         ("version", "0.1"), ("kinds", ",".join(kinds)),
         ("families", ",".join("%s:%s" % (s, family(s)) for s in user)),
         ("phases", ",".join(o.phases)), ("sizes", ",".join(map(str, o.sizes))),
         ("iterations", o.iterations), ("warmup", 10),
         ("access", "both" if len(access) > 1 else access.pop()),
         ("device_status", "state=idle"), ("elapsed_s", 1), ("run_cpu", 0)]
    return _lines(o, m + _ranges(o))


def write(out, model="simple", strategies=None, sizes=None, iterations=None, depth=1,
          format="current", results_last=None, summary_last=None, coherent=False, map=None,
          cross=8192, same=32768, record="samples", seed=None, board=None, kernel=None,
          meta=(), source="dmademo-run", sync_bytes=None, touch_bytes=None):
    """Writes the folder OUT; the options are those of the command line."""
    o = argparse.Namespace(**locals())
    cls = MODELS[model]
    fmt = FORMATS[format]
    o.results = upto(vocab.RESULTS, results_last or fmt["results"])
    o.summary = upto(vocab.SUMMARY, summary_last or fmt["summary"])
    o.phases = [p for p in vocab.PHASES if p + "_ns" in o.results]   # those it has columns of
    o.steps = [p for p in o.phases if p != "total"]
    o.strategies = list(strategies or cls.strategies or upto(vocab.STRATEGIES, fmt["strategies"]))
    o.sizes = list(sizes or cls.sizes)
    o.iterations = iterations or cls.iterations
    o.board = board or ("Raspberry Pi 3 Model B Rev 1.2" if model == "soc" and not coherent else
                        "Generic coherent arm64 SoC" if model == "soc" else
                        "Planted Board" if model == "planted" else "Test Board")
    o.kernel = kernel or ("6.1.0-28-arm64" if model == "soc" and not coherent else
                          "6.6.0-test-arm64" if model == "soc" else "6.1.0-test")
    m = cls(o)
    rnd = random.Random(cls.seed if seed is None else seed)
    cells = m.cells() if hasattr(m, "cells") else [(s, z) for s in o.strategies for z in o.sizes]
    rows, summary, skipped, hist = [], [], [], []
    for s, z in cells:
        why = m.skip(s, z)
        if why is None and s == "pool" and z > PAGE and fmt["comments"]:
            why = "larger than %d B: blocks above a page are each a dma_alloc_coherent() " \
                  "(-EINVAL)" % PAGE
        if why is not None:
            if why and fmt["comments"]:
                skipped.append("# skipped: %s %d: %s\n" % (s, z, why))
            continue
        samples = [m.sample(s, z, it, rnd) for it in range(o.iterations)]
        for it, p in enumerate(samples):
            r = {ph + "_ns": v for ph, v in p.items()}
            r.update(strategy=s, size=z, iter=it, ok=1)
            rows.append(r)
        for ph in o.phases:
            v = [p[ph] for p in samples]
            summary.append(_summary_row(s, z, ph, v))
            if record == "histogram":
                for lo, hi in sorted({bucket(x) for x in v}):
                    hist.append({"strategy": s, "size": z, "phase": ph, "lo_ns": lo, "hi_ns": hi,
                                 "count": sum(lo <= x < hi for x in v)})
    os.makedirs(out, exist_ok=True)
    if record == "histogram":                   # the samples were not kept
        open(os.path.join(out, "results.csv"), "w").close()
        _csv(os.path.join(out, "histogram.csv"), vocab.HISTOGRAM, hist)
    else:
        _csv(os.path.join(out, "results.csv"), o.results, rows)
    _csv(os.path.join(out, "summary.csv"), o.summary, summary, skipped)
    ran = list(dict.fromkeys(s for s, _ in cells))
    with open(os.path.join(out, "meta"), "w") as f:
        if source == "dmademo-mmap":
            if any(s in vocab.FAMILY for s in ran):
                raise ValueError("dmademo-mmap runs user-space kinds (KIND-mmap) only")
            f.write(_mmap_meta(o, ran))
        else:
            f.write(_meta(o, [s for s in ran if s in vocab.FAMILY],
                          [s for s in ran if s not in vocab.FAMILY], len(skipped)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    ints = lambda t: [int(x) for x in t.split(",")]  # noqa: E731
    p.add_argument("out", metavar="OUTDIR")
    p.add_argument("--model", choices=sorted(MODELS), default="simple")
    p.add_argument("-s", "--strategies", type=lambda t: t.split(","))
    p.add_argument("-z", "--sizes", type=ints, help="bytes, comma-separated")
    p.add_argument("-n", "--iterations", type=int)
    p.add_argument("-d", "--depth", type=int, default=1, help="meta's depth (default 1)")
    p.add_argument("--format", choices=sorted(FORMATS), default="current")
    p.add_argument("--results-last", metavar="COLUMN", help="results.csv's columns end there")
    p.add_argument("--summary-last", metavar="COLUMN", help="summary.csv's columns end there")
    p.add_argument("--coherent", action="store_true", help="soc: a DMA-coherent board")
    p.add_argument("--map", metavar="PATH", choices=sorted(Soc.MAP_COST),
                   help="soc: a map-only run on that DMA path")
    p.add_argument("--cross", type=int, default=8192, help="planted: the crossover's size")
    p.add_argument("--same", type=int, default=32768, help="planted: the size of a tie")
    p.add_argument("--record", choices=("samples", "histogram"), default="samples")
    p.add_argument("--seed", type=int, help="the noise's (default: the model's)")
    p.add_argument("--board")
    p.add_argument("--kernel")
    p.add_argument("--source", choices=SOURCES, default="dmademo-run",
                   help="whose folder: the collector's (default) or dmademo-mmap's")
    p.add_argument("--sync-bytes", type=int, metavar="N",
                   help="meta's sync_bytes (0: whole buffers); soc: syncs maintain N bytes")
    p.add_argument("--touch-bytes", type=int, metavar="N",
                   help="meta's touch_bytes (0: all); soc: the CPU fills and reads N bytes")
    p.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE",
                   help="a meta line of its own, replacing KEY's (repeatable)")
    a = p.parse_args(argv)
    try:
        write(**vars(a))
    except (OSError, ValueError) as e:
        p.exit(2, "fixture.py: %s\n" % e)


if __name__ == "__main__":
    main()
