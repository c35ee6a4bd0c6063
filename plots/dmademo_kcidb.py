# SPDX-License-Identifier: GPL-2.0
"""dmademo_kcidb: dmademo result folders as one KCIDB I/O document (kcidb-io schema v5.3).

    dmademo-plot --kcidb ORIGIN [--kcidb-build ID] -o FILE FOLDER...

One test per (strategy, size, phase) of each folder, path dmademo.STRATEGY.SIZE.PHASE: status
DONE with the p50 in ns as its number, FAIL where the cell had failed transfers (summary.csv's
'failed' column; results.csv's ok=0 rows in a summary without it), SKIP for the cells the
summary's '# skipped: STRATEGY SIZE: reason' lines name, the reason in misc. The board's
devicetree compatible list (meta compatible=) is each test's environment.compatible; the kernel
release and the module's version are in misc. Each folder has a checkout and a build of its
own standing for the kernel it ran (ids ORIGIN:dmademo-RUN, RUN a hash of its meta and
summary.csv: the same folder gives the same document), unless --kcidb-build names a build that
KCIDB holds already (KernelCI's, for a kernel it built): the tests then refer to that one.

Strategies and phases are the folder's (meta's families= and phases= lines, then the summary's
rows), summary.csv's columns are read by their header names (dmademo_data.read_csv). A folder
that is not a dmademo folder, or a broken row, raises InputError and nothing is written: the
document is built whole, then written to a temporary file renamed over FILE. docs/kcidb.md says
how to submit it; tests/host/test-kcidb validates it against third_party/kcidb-io-5.3/.
"""

import hashlib
import json
import os
import re
import sys
import tempfile

from dmademo_data import (RESULTS_COLUMNS, SUMMARY_COLUMNS, Dataset, InputError,
                          order_strategies, read_csv)

SCHEMA_VERSION = {"major": 5, "minor": 3}
PUBSUB_LIMIT = 10 * 1000 * 1000         # kcidb-submit sends a document as one Pub/Sub message
# the schema's patterns (third_party/kcidb-io-5.3/kcidb-io.schema.v5.3.json)
ORIGIN = re.compile(r"[a-z0-9_]+")                      # origin
OBJECT_ID = re.compile(r"[a-z0-9_]+:[^\0]*")            # id, build_id, checkout_id
PATH_PART = re.compile(r"[a-zA-Z0-9_-]+")               # one part of a test's path
COMPATIBLE = re.compile(r"[^ \0]+(,[^ \0]+)*")          # environment.compatible's items
ARCHITECTURE = re.compile(r"[a-z0-9_]*")                # build.architecture
# RFC 3339's date-time (the schema's format), as dmademo-run writes date= (date -u +%FT%TZ)
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")

# summary.csv columns beyond SUMMARY_COLUMNS that the export takes when the header has them
# (appended by later modules; 'bounced' is left to dmademo_data.read_bounced: user space's is
# empty)
EXTRA_COLUMNS = ("mbps_step", "failed", "need_sync", "segments", "p999_ns", "p9999_ns")
INTEGER_COLUMNS = {"size", "n", "failed", "need_sync", "segments"}
# what the board was, for each test's environment.misc; what the run was, for its misc
BOARD_KEYS = ("board", "arch", "cpu", "cpus", "mem_total", "dma_device", "channel",
              "dma_coherent", "bound_device", "dma_path", "iommu_domain", "emulator")
RUN_KEYS = ("iterations", "rounds", "warmup", "depth", "touch", "touch_bytes", "verify", "cold",
            "completion", "record", "direction", "threads", "dma_bits", "bind", "placement",
            "state")


def check_args(args):
    """The command line's part for --kcidb: (origin, build id or None, output file)."""
    origin, build = args.kcidb, args.kcidb_build
    if origin is None:
        raise InputError("--kcidb-build: only with --kcidb ORIGIN")
    if not ORIGIN.fullmatch(origin):
        raise InputError("--kcidb: origin '%s' is not lower-case letters, digits and '_' "
                         "(KCIDB's origin pattern)" % origin)
    if build is not None and not OBJECT_ID.fullmatch(build):
        raise InputError("--kcidb-build: '%s' is not a KCIDB id (ORIGIN:rest, e.g. "
                         "maestro:67a1b2c3)" % build)
    for given, name in ((args.verdict, "--verdict"), (args.svg, "--svg"),
                        (args.size is not None, "--size"),
                        (args.subtract_overhead, "--subtract-overhead")):
        if given:
            raise InputError("--kcidb writes the document alone: not with %s" % name)
    if not args.outdir:
        raise InputError("--kcidb: name the document's file with -o FILE ('-': stdout)")
    return origin, build, args.outdir


def header(path):
    """The column names of a CSV's first line that is neither blank nor a '#' comment."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    return [c.strip() for c in line.rstrip("\r\n").split(",")]
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror or e))
    return []


def number(v):
    """A CSV number as JSON has it: an integer where it is one."""
    return int(v) if float(v).is_integer() else v


def run_id(folder):
    """A name for the run, the same for the same folder: a hash of its meta and summary.csv."""
    h = hashlib.sha256()
    for name in ("meta", "summary.csv"):
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as f:
                h.update(f.read())
        except OSError as e:
            raise InputError("%s: %s" % (path, e.strerror or e))
        h.update(b"\0")
    return h.hexdigest()[:20]


def failed_cells(d, rows):
    """{(strategy, size): failed transfers}: the summary's 'failed' column, or, in a summary
    from before it, results.csv's rows with ok=0."""
    failed = {}
    if any("failed" in r for r in rows.values()):
        for (s, z, _), r in rows.items():
            failed[(s, z)] = max(failed.get((s, z), 0), r.get("failed", 0))
    elif d.failed and not d.from_histogram:
        for r in read_csv(d.results_path, RESULTS_COLUMNS, integer_columns={"size", "iter", "ok"},
                          text_columns={"strategy"}, allowed={"ok": (0, 1)},
                          keep=("strategy", "size", "ok")):
            if not r["ok"]:
                failed[(r["strategy"], r["size"])] = failed.get((r["strategy"], r["size"]), 0) + 1
    return failed


def path_part(name, what, where):
    if not PATH_PART.fullmatch(name):
        raise InputError("%s: %s '%s' cannot be a part of a KCIDB test path (letters, digits, "
                         "'_' and '-' only)" % (where, what, name))
    return name


def folder_tests(d, origin, build_id, run):
    """The tests of one folder (a Dataset), in the order strategy, size, phase."""
    m = d.meta
    cols = SUMMARY_COLUMNS + [c for c in EXTRA_COLUMNS if c in header(d.summary_path)]
    rows = {(r["strategy"], r["size"], r["phase"]): r
            for r in read_csv(d.summary_path, cols, integer_columns=INTEGER_COLUMNS,
                              text_columns={"strategy", "phase"})}
    failed = failed_cells(d, rows)
    # the phases in the module's order (meta phases=), then any others the summary has
    phases = order_strategies({k[2] for k in rows},
                              [p for p in m.get("phases", "").split(",") if p])
    have = {}                           # strategy -> its phases, where it ran
    for s, _, p in rows:
        have.setdefault(s, set()).add(p)
    strategies = order_strategies({k[0] for k in rows} | {s for s, _ in d.skipped}, d.families)
    sizes = sorted({k[1] for k in rows} | {z for _, z in d.skipped})

    environment = {}
    compatible = [c for c in m.get("compatible", "").split() if COMPATIBLE.fullmatch(c)]
    if compatible:
        environment["compatible"] = compatible
    if m.get("board"):
        environment["comment"] = m["board"]
    board = {k: m[k] for k in BOARD_KEYS if m.get(k)}
    if board:
        environment["misc"] = board
    common = {"run": run, "map_only": d.map_only}
    if m.get("kernel"):
        common["kernel_release"] = m["kernel"]
    if m.get("version"):
        common["tool_version" if m.get("source") == "dmademo-mmap" else "module_version"] = \
            m["version"]
    if m.get("user_version"):           # dmademo-run --user: dmademo-mmap's, beside the module
        common["user_tool_version"] = m["user_version"]
    params = {k: m[k] for k in RUN_KEYS if m.get(k)}
    if params:
        common["params"] = params

    tests = []
    for s in strategies:
        for z in sizes:
            skipped = (s, z) in d.skipped and not any((s, z, p) in rows for p in phases)
            cell = [p for p in phases if (s, z, p) in rows] if not skipped else \
                [p for p in phases if p in have.get(s, phases)]
            for p in cell:
                path = "dmademo.%s.%d.%s" % (path_part(s, "strategy", d.summary_path), z,
                                             path_part(p, "phase", d.summary_path))
                t = {"id": "%s:dmademo-%s.%s" % (origin, run, path[len("dmademo."):]),
                     "origin": origin, "build_id": build_id, "path": path}
                if DATE_TIME.fullmatch(m.get("date", "")):
                    t["start_time"] = m["date"]
                if environment:
                    t["environment"] = environment
                misc = dict(common, strategy=s, size=z, phase=p)
                if d.families.get(s):
                    misc["family"] = d.families[s]
                if skipped:
                    t["status"] = "SKIP"
                    misc["reason"] = d.skipped[(s, z)] or "skipped (no reason given)"
                else:
                    r = rows[(s, z, p)]
                    misc.update((c, number(r[c])) for c in cols[3:] if c in r)
                    if (s, z) in d.bounced:     # (user space's cannot tell: never said)
                        misc["bounced"] = True
                    if failed.get((s, z)):
                        t["status"] = "FAIL"
                        misc["failed"] = failed[(s, z)]
                    else:
                        t["status"] = "DONE"
                    if r["n"] > 0:      # a cell whose every transfer failed has no p50
                        t["number"] = {"value": number(r["p50_ns"]), "unit": "ns"}
                t["misc"] = misc
                tests.append(t)
    return tests


def document(folders, origin, build=None):
    """The KCIDB I/O document of the folders: checkouts, builds (unless build names one that
    KCIDB has) and tests."""
    doc = {"version": dict(SCHEMA_VERSION), "checkouts": [], "builds": [], "tests": []}
    seen = {}
    for folder in folders:
        d = Dataset(folder)
        meta = os.path.join(folder, "meta")
        if not os.path.isfile(meta):
            raise InputError("%s: no such file (the export takes the kernel, board and module "
                             "from it)" % meta)
        run = run_id(folder)
        if run in seen:
            raise InputError("%s: the same run as %s (the same meta and summary.csv)"
                             % (folder, seen[run]))
        seen[run] = folder
        m = d.meta
        build_id = build or "%s:dmademo-%s" % (origin, run)
        if build is None:
            kernel = m.get("kernel") or "unknown"
            on = m.get("board") or m.get("hostname") or "an unnamed board"
            checkout = {"id": build_id, "origin": origin,
                        "comment": "Linux %s, the kernel dmademo ran on %s" % (kernel, on),
                        "misc": {"kernel_release": kernel, "stand_in": True}}
            b = {"id": build_id, "origin": origin, "checkout_id": build_id,
                 "comment": "Linux %s as it ran on %s (dmademo.ko %s)"
                            % (kernel, on, m.get("version") or "unknown"),
                 "misc": {"kernel_release": kernel, "stand_in": True}}
            if m.get("version"):
                b["misc"]["module_version"] = m["version"]
            arch = m.get("arch", "")
            if arch and ARCHITECTURE.fullmatch(arch):
                b["architecture"] = arch
            doc["checkouts"].append(checkout)
            doc["builds"].append(b)
        doc["tests"] += folder_tests(d, origin, build_id, run)
    for key in ("checkouts", "builds"):
        if not doc[key]:
            del doc[key]
    return doc


def write(doc, path):
    """The document to path ('-': stdout), whole or not at all."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n"
    if len(text) > PUBSUB_LIMIT:
        print("dmademo-plot: %s: %.1f MB, over the 10 MB a KCIDB submission can be: export "
              "fewer folders per document" % (path, len(text) / 1e6), file=sys.stderr)
    if path == "-":
        sys.stdout.write(text)
        return
    where = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".%s." % os.path.basename(path),
                                   suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0o22)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise InputError("%s: cannot write: %s" % (path, e.strerror or e))
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    print(path)


def run(args):
    """dmademo-plot --kcidb: exit status 0, or InputError."""
    origin, build, out = check_args(args)
    write(document(args.dirs, origin, build), out)
    return 0
