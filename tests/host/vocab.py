# SPDX-License-Identifier: GPL-2.0
"""The vocabulary of module/vocab.c, for the host tests' fixtures: strategies with their
families and baselines, phases, user-space kinds, and the three CSV headers, read from the C
file itself (its designated initialisers and header strings) so that the tests never keep a
list of their own.

    python3 tests/host/vocab.py      prints them as KEY=value lines, as the module's info does
"""
import os
import re

_SRC = os.path.join(os.path.dirname(os.path.realpath(__file__)), "../../module/vocab.c")


def _load():
    with open(_SRC, encoding="utf-8") as f:
        c = f.read()

    def table(name):
        m = re.search(r"\b%s\[[A-Z_]+\] = \{(.*?)\};" % name, c, re.S)
        return re.findall(r'\]\s*=\s*"([^"]*)"', m.group(1))

    def keyed(name):                    # {"DMADEMO_X": value} of a table, in its order
        m = re.search(r"\b%s\[[A-Z_]+\] = \{(.*?)\};" % name, c, re.S)
        return dict(re.findall(r'\[([A-Z_]+)\]\s*=\s*"([^"]*)"', m.group(1)))

    def header(name, macro):
        m = re.search(r'#define %s_HEADER "([^"\\]*)\\n"' % macro, c)
        if m:
            return m.group(1).split(",")
        m = re.search(r'\b%s_header = "([^"\\]*)\\n";' % name, c)
        return m.group(1).split(",")

    names = keyed("dmademo_strategy_names")
    bases = keyed("dmademo_strategy_baselines")
    return {
        "strategies": table("dmademo_strategy_names"),
        "baselines": [(names[k], b) for k, b in sorted(bases.items(),
                                                        key=lambda kb: list(names).index(kb[0]))],
        "families": table("dmademo_strategy_families"),
        "engines": table("dmademo_engine_names"),
        "phases": table("dmademo_phase_names"),
        "kinds": table("dmademo_kind_names"),
        "kind_families": table("dmademo_kind_families"),
        "results_columns": header("dmademo_results", "RESULTS"),
        "summary_columns": header("dmademo_summary", "SUMMARY"),
        "histogram_columns": header("dmademo_histogram", "HISTOGRAM"),
    }


V = _load()
STRATEGIES, FAMILIES, PHASES = V["strategies"], V["families"], V["phases"]
FAMILY = dict(zip(STRATEGIES, FAMILIES))
BASELINE = dict(V["baselines"])                 # {strategy: the older call it is measured against}
KIND_FAMILY = dict(zip(V["kinds"], V["kind_families"]))
RESULTS, SUMMARY, HISTOGRAM = V["results_columns"], V["summary_columns"], V["histogram_columns"]


def meta_lines():
    """What the module's info says of its vocabulary (module/device.c vocab_show())."""
    return "families=%s\n" % ",".join("%s:%s" % sf for sf in zip(STRATEGIES, FAMILIES)) + \
        "baselines=%s\n" % ",".join("%s:%s" % sb for sb in BASELINE.items()) + \
        "".join("%s=%s\n" % (k, ",".join(V[k])) for k in
                ("engines", "phases", "results_columns", "summary_columns", "histogram_columns"))


if __name__ == "__main__":
    print(meta_lines(), end="")
    print("kinds=%s\nkind_families=%s" % (",".join(V["kinds"]), ",".join(V["kind_families"])))
