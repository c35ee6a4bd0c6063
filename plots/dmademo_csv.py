# SPDX-License-Identifier: GPL-2.0
"""dmademo_csv: the files of a dmademo result folder, read line by line: results.csv and
summary.csv (columns by their header's names, streamed and checked), histogram.csv, the comment
lines and appended columns of summary.csv, and meta. Bad input raises InputError with a message
naming the file and line.

Plain Python; plots/dmademo_data.py builds a folder's Dataset from them (and re-exports them).
"""

import math
import os
import re

HISTOGRAM_COLUMNS = ["strategy", "size", "phase", "lo_ns", "hi_ns", "count"]


class InputError(Exception):
    """Bad input: the message names the file (and line); exit status 2."""


def _number(path, lineno, column, text, integer=False, allowed=None):
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < 0 or \
            (allowed is not None and value not in allowed):
        kind = "one of %s" % "/".join(map(str, allowed)) if allowed else \
            "a non-negative integer" if integer else "a non-negative number"
        raise InputError("%s:%d: field '%s' is not %s: '%s'" % (path, lineno, column, kind, text))
    return value


def read_csv(path, columns, integer_columns, text_columns, allowed=None, keep=None):
    """Yield the rows of a CSV whose header names at least `columns` (any order, extra columns
    ignored), each as a dict of the `keep` columns (default: all) plus '_line'. Every field of
    `columns` is checked, and of the `keep` columns beyond them that the header has (appended
    columns an older file lacks: the rows then have no such key). Streams: results.csv may
    hold a million rows."""
    allowed = allowed or {}
    keep = columns if keep is None else keep
    if not os.path.exists(path):
        raise InputError("%s: no such file" % path)
    if not os.path.isfile(path):
        raise InputError("%s: not a regular file" % path)
    try:
        f = open(path, encoding="utf-8", newline="")
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror or e))
    lineno = 0
    header = None
    rows = 0
    try:
        with f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip("\r\n")
                if not line.strip() or line.startswith("#"):
                    continue            # blank, or a comment (dmademo: "# skipped: ...")
                if "\0" in line:
                    raise InputError("%s:%d: not a text file (NUL byte)" % (path, lineno))
                raw = line.split(",")
                if header is None:
                    header = [c.strip() for c in raw]
                    missing = [c for c in columns if c not in header]
                    if missing or len(set(header)) != len(header):
                        what = "missing column %s" % ", ".join(missing) if missing \
                            else "duplicate column"
                        raise InputError("%s:%d: wrong header (%s); expected '%s'"
                                         % (path, lineno, what, ",".join(columns)))
                    # fast check of a whole line (the usual case), built from the header
                    pattern = []
                    for c in header:
                        if c in text_columns:
                            pattern.append(r"[^,]*[^,\s][^,]*")
                        elif c in allowed:
                            pattern.append(r"\s*(?:%s)\s*" % "|".join(map(str, allowed[c])))
                        elif c in integer_columns:
                            pattern.append(r"\s*\d+\s*")
                        elif c in columns:
                            pattern.append(r"\s*\d+(?:\.\d*)?\s*")
                        else:
                            pattern.append(r"[^,]*")
                    fast = re.compile(",".join(pattern)).fullmatch
                    keep = [c for c in keep if c in header]
                    wanted = [(c, header.index(c), c in text_columns, c in integer_columns)
                              for c in keep]
                    checked = [(c, header.index(c), c in text_columns, c in integer_columns,
                                allowed.get(c))
                               for c in list(columns) + [c for c in keep if c not in columns]]
                    continue
                if fast(line):
                    row = {"_line": lineno}
                    for c, i, text, integer in wanted:
                        v = raw[i].strip()
                        row[c] = v if text else int(v) if integer else float(v)
                else:
                    if len(raw) != len(header):
                        raise InputError("%s:%d: %d fields, the header has %d"
                                         % (path, lineno, len(raw), len(header)))
                    row = {"_line": lineno}
                    for c, i, text, integer, values in checked:
                        field = raw[i].strip()
                        if text:
                            if not field:
                                raise InputError("%s:%d: field '%s' is empty" % (path, lineno, c))
                            v = field
                        else:
                            v = _number(path, lineno, c, field, integer, values)
                        if c in keep:
                            row[c] = v
                if row.get("size", 1) <= 0:
                    raise InputError("%s:%d: field 'size' is not a positive integer: '0'"
                                     % (path, lineno))
                rows += 1
                yield row
    except UnicodeDecodeError:
        if lineno == 0:
            raise InputError("%s: not a text file (invalid UTF-8)" % path)
        raise InputError("%s:%d: invalid UTF-8" % (path, lineno + 1))
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror or e))
    if header is None:
        raise InputError("%s: empty file (expected the header '%s')" % (path, ",".join(columns)))
    if not rows:
        raise InputError("%s: no data rows (only the header)" % path)


def samples_from_histogram(path, phase="total", strategies=None):
    """A phase's times (default total) of a histogram.csv as samples of the strategies named
    (default all): each bucket's middle, count times (within 1/128: module/hist.h)."""
    samples = {}
    for row in read_csv(path, HISTOGRAM_COLUMNS, integer_columns=set(HISTOGRAM_COLUMNS[1:]),
                        text_columns={"strategy", "phase"}):
        if row["hi_ns"] <= row["lo_ns"] or row["count"] < 0:
            raise InputError("%s:%d: not a bucket: lo_ns %d, hi_ns %d, count %d"
                             % (path, row["_line"], row["lo_ns"], row["hi_ns"], row["count"]))
        if row["phase"] != phase or strategies is not None and row["strategy"] not in strategies:
            continue
        mid = row["lo_ns"] + (row["hi_ns"] - row["lo_ns"] - 1) // 2
        samples.setdefault((row["strategy"], row["size"]), []).extend([mid] * row["count"])
    for v in samples.values():
        v.sort()
    return samples


SKIPPED_LINE = re.compile(r"# skipped: (\S+) (\d+): (.*)")


def read_skipped(path):
    """The cells a summary.csv names in its '# skipped: STRATEGY SIZE: reason' comment lines
    (dmademo 1.1), as {(strategy, size): reason}; older files have none."""
    skipped = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = SKIPPED_LINE.fullmatch(line.rstrip("\r\n"))
                if m:
                    skipped[(m.group(1), int(m.group(2)))] = m.group(3)
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror or e))
    return skipped


def read_bounced(path):
    """The cells whose mappings were bounce buffers: a summary.csv's 'bounced' column (dmademo
    1.2, appended) at 1 on a cell's rows, as a set of (strategy, size). Empty where the column
    is missing (older files) or empty (the user-space tool cannot tell)."""
    bounced, col = set(), None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                raw = line.rstrip("\r\n").split(",")
                if line.startswith("#") or not line.strip():
                    continue
                if col is None:
                    if "bounced" not in raw:
                        return bounced
                    col, s, z = raw.index("bounced"), raw.index("strategy"), raw.index("size")
                elif len(raw) > col and raw[col].strip() == "1":
                    bounced.add((raw[s].strip(), int(raw[z])))
    except (OSError, ValueError) as e:
        raise InputError("%s: %s" % (path, getattr(e, "strerror", None) or e))
    return bounced


def read_meta(path):
    meta = {}
    if not os.path.exists(path):
        return meta
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                key, sep, value = line.strip().partition("=")
                key, value = key.strip(), value.strip()
                if not sep or not key or key.startswith("#"):
                    continue
                # info and the parameters may both carry a key (channel, kernel): keep the first
                # meaningful one (the channel actually used, not the "any" that was asked for)
                if key not in meta or meta[key] in ("", "none", "any"):
                    meta[key] = value
    except OSError as e:
        raise InputError("%s: %s" % (path, e.strerror or e))
    return meta
