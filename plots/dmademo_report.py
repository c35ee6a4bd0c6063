# SPDX-License-Identifier: GPL-2.0
"""dmademo_report: report.html, one self-contained page per set of result folders.

The verdict first, then the per-size table (and the new calls' ratios to their baselines, and
partial syncs' to whole buffers'), the graphs (embedded as data: URIs), what real
boards have shown elsewhere, and each folder's board, kernel, channel and parameters from its
meta. No network, no script: it reads the same in a browser, a mail client or on paper.
"""

import base64
import html
import os

from dmademo_data import fmt_ns, fmt_size
from dmademo_pairs import PAIR_PHASES, ratio_text
from dmademo_sync import partial_label, ratio_cell
from dmademo_verdict import median

# Figures published elsewhere, each checked against its source; what the emulator cannot show.
PUBLISHED = [
    ("pwc webcams on a BeagleBone Black (TI AM335x, Cortex-A8 at 300 MHz, no hardware-coherent "
     "DMA): kmalloc() + dma_map_single() with syncs instead of usb_alloc_coherent() raised the "
     "memcpy() rate in the URB handler from 28.1 +- 0.1 to 94 +- 4 MB/s (3.3x) and cut the "
     "handler's time from 341 to 101 us; on an x86-64 Core i5-3470 the two agreed within errors.",
     "Matwey V. Kornilov, \"media: usb: pwc: Don't use coherent DMA buffers for ISO transfer\", "
     "commit 1161db6776bd ([PATCH v6 2/2], linux-media, 9 November 2018)."),
    ("u-dma-buf on a Xilinx Zynq (Cortex-A9, board not named): writing then reading back and "
     "comparing a 10 MB buffer, 9 passes, took 4.34 s cached, 16.56 s write-combining and "
     "22.83 s uncached.",
     "ikwzm/udmabuf, Readme.md, \"Disabling CPU cache\", Table-1."),
    ("uvcvideo on a Rockchip RK3288 (Logitech Brio 4K at 1920x1080): 342 +- 379 us per URB with "
     "coherent buffers against 99 +- 98 us with streaming mappings and syncs; no change on x86-64 "
     "(53 against 55 us).",
     "Shik Chen, \"[PATCH] media: uvcvideo: Use streaming DMA APIs to transfer buffers\", "
     "linux-media, 2 August 2019 (not merged; the merged commit 20e1dbf2bbe2 reports 369.5 "
     "against 104.8 us on aarch64)."),
    ("uvcvideo on a Rockchip RK3288 (Jerry Chromebook, Logitech Brio 4K at 1080p): copying each "
     "URB's header out of the uncached coherent URB buffer into a cached one before parsing it "
     "made uvc_video_complete() about 2x faster, median 40250 ns without the copy and 19250 ns "
     "with it; on a DMA-coherent Broadwell Chromebox it made no difference (21424 and 20398 ns).",
     "Keiichi Watanabe, \"[RFC PATCH v1] media: uvcvideo: Cache URB header data before "
     "processing\", linux-kernel, 27 June 2018."),
    ("Drivers whose CPU reads the DMA buffers keep them cached: pwc (Philips webcams) allocates "
     "its isochronous buffers with kmalloc() + dma_map_single() and syncs them with "
     "dma_sync_single_for_cpu(); uvcvideo uses dma_alloc_noncontiguous() with "
     "dma_sync_sgtable_for_cpu().",
     "Linux 6.1, pwc_alloc_urb_buffer() in drivers/media/usb/pwc/pwc-if.c and "
     "uvc_alloc_urb_buffer() in drivers/media/usb/uvc/uvc_video.c."),
]

STYLE = """
body { font: 15px/1.45 sans-serif; max-width: 1250px; margin: 1.5em auto; padding: 0 1em;
       color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
.ctx { color: #555; margin-top: 0; }
.warn { background: #fff4d6; border: 1px solid #e0b84a; padding: 0.6em 0.9em; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 0.8em; overflow-x: auto;
      font-size: 13px; line-height: 1.35; }
table { border-collapse: collapse; font-size: 13px; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
td.best { font-weight: bold; background: #e4f2e4; }
td.ns { color: #777; }
td.new { font-weight: bold; background: #e4f2e4; }
td.base { background: #fbe3df; }
figure { margin: 1em 0; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
.meta td { text-align: left; font-family: monospace; }
"""


def _e(s):
    return html.escape(str(s), quote=True)


def _us(ns):
    return "%.1f" % (ns / 1000.0) if ns < 1e7 else "%.0f" % (ns / 1000.0)


def _table(d, f):
    """Median total (us) per strategy and size; the fastest per size in bold, strategies the
    verdict found no different from it in grey."""
    sizes = d.sizes
    fastest, same = {}, set()
    for g in f["groups"].values():
        for r in g["sizes"]:
            fastest.setdefault(r["size"], set()).add(r["fastest"])
            for o in r["others"]:
                if not o["significant"]:
                    same.add((o["strategy"], r["size"]))
    out = ['<table class="sizes"><tr><th>median total (µs)</th>%s</tr>'
           % "".join("<th>%s</th>" % fmt_size(z) for z in sizes)]
    for s in d.strategies:
        cells = []
        for z in sizes:
            v = d.samples.get((s, z))
            if not v:
                why = d.skipped.get((s, z))
                cells.append('<td class="ns" title="%s">%s</td>' % (_e(why or ""),
                                                                    "skipped" if why else "—"))
                continue
            med = median(v)
            cls = "best" if s in fastest.get(z, ()) else "ns" if (s, z) in same else ""
            cells.append('<td class="%s">%s</td>' % (cls, _us(med)))
        out.append("<tr><td>%s</td>%s</tr>" % (_e(s), "".join(cells)))
    out.append("</table>")
    return "\n".join(out)


def _pair_table(p):
    """A new call against its baseline (the verdict's): per size and phase the ratio of medians
    new / baseline with its 95 % interval; green where the new call is faster, red where the
    baseline is, grey where no difference is shown."""
    new, base = p["strategy"], p["baseline"]
    phases = [ph for ph, _ in PAIR_PHASES if any(ph in r["phases"] for r in p["sizes"])]
    out = ['<table class="pair"><tr><th>%s / %s</th>%s</tr>'
           % (_e(new), _e(base), "".join("<th>%s</th>" % _e(ph) for ph in phases))]
    for r in p["sizes"]:
        cells = []
        for ph in phases:
            c = r["phases"].get(ph)
            if c is None:
                cells.append('<td class="ns">—</td>')
                continue
            title = "median %s %s, %s %s" % (new, fmt_ns(c["new_ns"]), base,
                                             fmt_ns(c["baseline_ns"]))
            body = ratio_text(c) if c["ratio"] is not None else "both 0" if c["faster"] \
                else "no ratio"
            cls = {"new": "new", "baseline": "base"}.get(c["faster"], "ns")
            cells.append('<td class="%s" title="%s">%s</td>' % (cls, _e(title), body))
        out.append("<tr><td>%s</td>%s</tr>" % (fmt_size(r["size"]), "".join(cells)))
    out.append("</table>")
    return "\n".join(out)


def _sync_table(c, sizes):
    """Partial syncs against whole buffers (the verdict's "sync" pair c): per size and strategy
    the ratio partial / whole of to_dev + to_cpu with its 95 % interval; green where the partial
    sync is cheaper, red where the whole one is, grey where no difference is shown."""
    strategies = [st["strategy"] for st in c["strategies"]]
    cells = {(st["strategy"], r["size"]): r for st in c["strategies"] for r in st["sizes"]}
    out = ['<table class="sync"><tr><th>partial / whole</th>%s</tr>'
           % "".join("<th>%s</th>" % _e(s) for s in strategies)]
    for z in sizes:
        row = []
        for s in strategies:
            r = cells.get((s, z))
            if r is None:
                row.append('<td class="ns">—</td>')
                continue
            title = "median to_dev + to_cpu: partial %s, whole %s" % (fmt_ns(r["partial_ns"]),
                                                                      fmt_ns(r["whole_ns"]))
            cls = {"partial": "new", "whole": "base"}.get(r["cheaper"], "ns")
            row.append('<td class="%s" title="%s">%s</td>' % (cls, _e(title), ratio_cell(r)))
        if any('class="ns">—' not in x for x in row):
            out.append("<tr><td>%s</td>%s</tr>" % (fmt_size(z), "".join(row)))
    out.append("</table>")
    return "\n".join(out)


def _img(path, alt):
    with open(path, "rb") as fh:
        data = base64.b64encode(fh.read()).decode("ascii")
    return '<figure><img alt="%s" src="data:image/png;base64,%s"><figcaption>%s</figcaption>' \
        '</figure>' % (_e(alt), data, _e(alt))


def write(path, datasets, v, vtext, graphs):
    """graphs: [(png path, caption)] to embed, in order."""
    title = "dmademo report: " + " / ".join(d.label or d.folder for d in datasets)
    p = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
         '<title>%s</title>' % _e(title), '<style>%s</style></head><body>' % STYLE,
         '<h1>Coherent or streaming DMA: the answer for these buffers</h1>',
         '<p class="ctx">%s</p>' % "<br>".join(_e(d.details or d.label) for d in datasets)]
    for d, f in zip(datasets, v["folders"]):
        if not f.get("map_only"):
            continue
        dom = f["iommu_domain"]
        p.append('<p class="warn map-only"><b>Map-only on %s: DMA path %s%s.</b> A device '
                 'bound to dmademo: buffers were mapped on it and nothing transferred them, so '
                 'prep, submit and wake are 0, wait is only the loop\'s passage from to_dev to '
                 'to_cpu, and the times are the CPU\'s fill and read and the mapping\'s own '
                 'cost (map, unmap and syncs: cache maintenance, swiotlb bounce copies, IOMMU '
                 'page tables and IOTLB invalidation, as the path has them).</p>'
                 % (_e(f["bound_device"] or "?"), _e(f["dma_path"] or "unknown"),
                    "" if dom in ("", "none") else " (IOMMU domain %s)" % _e(dom)))
    emulated = [f["emulator"] for f in v["folders"] if f["emulator"]]
    if emulated:
        iommu = any(f.get("map_only") and f["emulator"] and f["dma_path"].startswith("iommu")
                    for f in v["folders"])
        p.append('<p class="warn"><b>Measured on an emulator (%s).</b> QEMU models no caches, '
                 'so uncached memory and cache maintenance cost nothing there%s: these figures '
                 'prove the code paths and compare the harnesses; they are not a real board\'s '
                 'answer. See what real boards showed below, and run dmademo on yours.</p>'
                 % (_e(", ".join(sorted(set(emulated)))),
                    "; its IOMMU is a software model, whose page-table and IOTLB work costs "
                    "what QEMU's emulation of it costs" if iommu else ""))
    p.append('<h2>Verdict</h2><pre id="verdict">%s</pre>' % _e(vtext))
    for d, f in zip(datasets, v["folders"]):
        p.append("<h2>Per size: %s</h2>" % _e(d.label or d.folder))
        p.append(_table(d, f))
        if f.get("baselines"):
            p.append("<h2>New calls against their baselines: %s</h2>" % _e(d.label or d.folder))
            p.append('<p class="ctx">The ratio of medians per transfer, new call / the older one '
                     'a driver would use for the same buffers, with its 95 % interval: green '
                     'where the new call is faster, red where the baseline is, grey where no '
                     'difference is shown.</p>')
        for pr in f.get("baselines", []):
            p.append("<h3>%s</h3>" % _e(pr["title"]))
            p.append(_pair_table(pr))
    for c in v.get("sync", {}).get("pairs", []):
        dw, dp = datasets[c["whole"]], datasets[c["partial"]]
        p.append("<h2>Partial syncs: %s against %s</h2>" % (_e(dp.label or dp.folder),
                                                             _e(dw.label or dw.folder)))
        p.append('<p class="ctx">to_dev + to_cpu per transfer with %s, against whole buffers: '
                 'the ratio of medians partial / whole with its 95 %% interval; green where the '
                 'partial sync is cheaper, red where the whole one is, grey where no difference '
                 'is shown.%s</p>' % (_e(partial_label(c)), " Measured on an emulator: QEMU "
                                      "models no caches, so cache maintenance costs nothing "
                                      "there." if c["emulator"] else ""))
        p.append(_sync_table(c, sorted(set(dw.sizes) | set(dp.sizes))))
    p.append("<h2>Graphs</h2>")
    for png, caption in graphs:
        if os.path.exists(png):
            p.append(_img(png, caption))
    if PUBLISHED:
        p.append("<h2>What real boards have shown</h2><ul>")
        for text, source in PUBLISHED:
            p.append("<li>%s <i>Source: %s</i></li>" % (_e(text), _e(source)))
        p.append("</ul>")
    for d in datasets:
        p.append('<h2>Board and parameters: %s</h2><table class="meta">' % _e(d.label or d.folder))
        for k, val in d.meta.items():
            p.append("<tr><td>%s</td><td>%s</td></tr>" % (_e(k), _e(val)))
        p.append("</table>")
    p.append("</body></html>")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(p) + "\n")
