"""The core against plain-Python floors: define an SOP, compile and validate it; `import sopflow`.

For each size, in a fresh process, interleaved rounds (median, spread, ratio; see README.md):

* define: the DSL calls plus ``sop.definition()`` against a floor that appends the same rows
  as plain dicts (id, text, actor, inputs, time, output, exits) to a list;
* compile + validate: ``compile_definition(definition)`` (what ``sop.compile()`` does after
  ``definition()``) against a networkx floor that builds the same graph (nodes with their
  row, text, actor and Waktu text, edges with their labels) and does the reachability every
  validation needs: the steps reachable from the start, and those from which an end is
  reachable (``nx.descendants`` on the graph and on its reverse);
* each timed call ends with a full ``gc.collect()`` on both sides: sopflow pauses the
  collector while it builds (one pass later instead of several during), and that pass must
  be charged to it, not to whatever runs next;
* peak memory: each side alone in its own fresh process (ru_maxrss after defining, compiling
  and validating; the floor: rows, graph and reachability), minus that of a process that
  only imported the same modules.

The generated SOP (benchmarks/generated.py ``core_sop``) passes validation without findings.

Run: ``PYTHONPATH=src python benchmarks/bench_core.py`` (``--sizes 1000 100000``,
``--rounds N``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import gc, json, resource, sys, time
sys.path.insert(0, sys.argv[3])
mode, n = sys.argv[1], int(sys.argv[2])
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 1
from generated import core_sop
from sopflow.procedure import compile_definition
import networkx as nx


def define_rows(n):
    rows = []
    for i in range(1, n + 1):
        row = dict(id=f"s{i}", by=f"Pelaksana {i % 6}", inputs=["Berkas"],
                   time=f"{5 + i % 7} menit", output="Hasil")
        if i % 10 == 0:
            row.update(text=f"Apakah langkah {i} sudah sesuai?", kind="decision",
                       exits=[("Ya", f"s{i + 1}" if i < n else "end"), ("Tidak", f"s{i - 5}")])
        else:
            row.update(text=f"Memproses langkah {i}", kind="process",
                       exits=[(None, f"s{i + 1}" if i < n else "end")])
        rows.append(row)
    return rows


def networkx_floor(rows):
    g = nx.DiGraph()
    g.add_node("start")
    g.add_node("end")
    g.add_nodes_from((r["id"], dict(row=k, text=r["text"], lane=r["by"], waktu=r["time"]))
                     for k, r in enumerate(rows, start=1))
    g.add_edge("start", rows[0]["id"])
    g.add_edges_from((r["id"], t, dict(label=lab)) for r in rows for lab, t in r["exits"])
    reachable = nx.descendants(g, "start")
    finishing = nx.descendants(g.reverse(copy=False), "end")
    unreachable = [r["id"] for r in rows if r["id"] not in reachable]
    dead = [r["id"] for r in rows if r["id"] not in finishing]
    assert not unreachable and not dead
    return g


def sopflow_define(n):
    return core_sop(n).definition()


def sopflow_compile(definition):
    procedure = compile_definition(definition)
    assert procedure.report.ok and not procedure.report.findings, str(procedure.report)[:500]
    return procedure


def timed(fn, *args):
    # Each side pays a full collection at the end: sopflow pauses the collector while it
    # builds, so the pass its objects cost would otherwise fall on whatever runs next.
    gc.collect()
    t0 = time.perf_counter()
    value = fn(*args)
    gc.collect()
    return value, time.perf_counter() - t0


if mode == "time":
    out = {"define": [], "rows": [], "compile": [], "networkx": []}
    for _ in range(rounds):
        # one side at a time, nothing of the other alive: each collection scans its own
        definition, s = timed(sopflow_define, n); out["define"].append(s)
        procedure, s = timed(sopflow_compile, definition); out["compile"].append(s)
        del definition, procedure
        rows, s = timed(define_rows, n); out["rows"].append(s)
        graph, s = timed(networkx_floor, rows); out["networkx"].append(s)
        del rows, graph
    print(json.dumps(out))
else:
    if mode == "sopflow":
        keep = sopflow_compile(sopflow_define(n))
    elif mode == "floor":
        keep = networkx_floor(define_rows(n))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def child(*args: str) -> str:
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-c", CHILD, *args, ], capture_output=True,
                          text=True, check=True, env=env).stdout


def peak_mb(mode: str, n: int) -> float:
    return float(child(mode, str(n), str(HERE)))


def import_time(repeats: int = 7) -> float:
    """Median wall time of ``import sopflow`` in a fresh interpreter, minus bare start-up."""

    def once(code: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0

    bare = statistics.median(once("pass") for _ in range(repeats))
    full = statistics.median(once("import sopflow") for _ in range(repeats))
    return full - bare


def show(name: str, ours: list[float], floor: list[float]) -> str:
    m, f = statistics.median(ours), statistics.median(floor)
    return (f"{name} {m:8.3f} s ({min(ours):.3f}-{max(ours):.3f}) vs {f:7.3f} s"
            f" ({min(floor):.3f}-{max(floor):.3f}): {m / f:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; each size in a fresh process; {args.rounds}"
          " interleaved rounds; median (fastest-slowest) and the ratio of the medians")
    bare = peak_mb("none", 1)
    for n in args.sizes:
        r = json.loads(child("time", str(n), str(HERE), str(args.rounds)))
        print(f"{n:,} steps")
        print("   " + show("define (DSL + definition())  vs plain dict rows      ", r["define"],
                           r["rows"]))
        print("   " + show("compile + validate           vs networkx reachability", r["compile"],
                           r["networkx"]))
        ours, floor = peak_mb("sopflow", n) - bare, peak_mb("floor", n) - bare
        print(f"   peak memory above the imports ({bare:.0f} MB): sopflow {ours:.0f} MB,"
              f" floor {floor:.0f} MB: {ours / max(floor, 1.0):.2f}x")
    print(f"import sopflow: {import_time() * 1000:.0f} ms (median of 7, start-up subtracted)")


if __name__ == "__main__":
    main()
