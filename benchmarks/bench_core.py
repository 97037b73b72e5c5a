"""Benchmark the core: define, compile and validate generated SOPs; time `import sopflow`.

Run: ``python benchmarks/bench_core.py`` (add ``--sizes 100 10000`` to choose sizes).
Each size runs in a fresh process so its peak memory (ru_maxrss) is its own. For scale, the
same graph is also built with plain networkx in the same process (the "networkx" column):
the ratio says what sopflow's model, DSL and validation cost on top of the graph itself.
Targets (issue 2): 100,000 steps compiled and validated in < 2 s and < 1 GB;
``import sopflow`` < 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CHILD = r"""
import json, resource, sys, time
n = int(sys.argv[1])
t0 = time.perf_counter()
from sopflow import SOP, END, Signatory
from datetime import date
t_import = time.perf_counter() - t0

t0 = time.perf_counter()
sop = SOP("Generated", number="1", created=date(2025, 1, 1), effective=date(2025, 1, 1),
          approved_by=Signatory(position="Kepala"), unit=["Unit"], legal_basis=["UU"],
          qualifications=["Q"], related=["R"], equipment=["E"], warning="W", records="R")
actors = [sop.actor(f"Pelaksana {k}") for k in range(6)]
for i in range(1, n + 1):
    kw = dict(by=actors[i % 6], inputs=["Berkas"], time=f"{5 + i % 7} menit", output="Hasil")
    if i % 10 == 0:
        # a decision loop every 10 steps: back 5 rows on "Tidak"
        sop.decision(f"Apakah langkah {i} sesuai?", yes="@next", no=f"s{i - 5}", **kw)
    else:
        sop.step(f"Memproses langkah {i}", **kw)
definition = sop.definition()
t_define = time.perf_counter() - t0

from sopflow.graph import compile_graph
from sopflow.procedure import compile_definition
from sopflow.validate import validate
t0 = time.perf_counter()
procedure = compile_definition(definition)  # what sop.compile() does after definition()
t_total = time.perf_counter() - t0
assert procedure.report.ok, str(procedure.report)[:2000]
# The two halves separately (with the collector as the caller left it).
t0 = time.perf_counter()
graph = compile_graph(definition)
t_compile = time.perf_counter() - t0
t0 = time.perf_counter()
report = validate(definition, graph)
t_validate = time.perf_counter() - t0

import networkx as nx
t0 = time.perf_counter()
g = nx.DiGraph()
for step in definition.steps:
    g.add_node(step.id, text=step.text)
for step in definition.steps:
    for e in step.exits:
        g.add_edge(step.id, e.target, label=e.label)
t_nx = time.perf_counter() - t0

print(json.dumps(dict(n=n, define=t_define, total=t_total, compile=t_compile, validate=t_validate,
                      networkx=t_nx, import_=t_import,
                      peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))
"""


def run_size(n: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(n)], capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def import_time(repeats: int = 7) -> float:
    """Median wall time of ``import sopflow`` in a fresh interpreter, minus bare start-up."""

    def once(code: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - t0

    bare = statistics.median(once("pass") for _ in range(repeats))
    full = statistics.median(once("import sopflow") for _ in range(repeats))
    return full - bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000, 100_000])
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; each size in a fresh process")
    print("(compile and validate alone run with the garbage collector on; compile+validate is")
    print(" sop.compile() as a user calls it)")
    print(f"{'steps':>8} {'define s':>9} {'compile s':>10} {'validate s':>11} "
          f"{'compile+validate s':>19} {'networkx s':>11} {'ratio':>6} {'peak MB':>8}")
    for n in args.sizes:
        r = run_size(n)
        cv = r["total"]
        print(f"{n:>8} {r['define']:>9.3f} {r['compile']:>10.3f} {r['validate']:>11.3f} "
              f"{cv:>19.3f} {r['networkx']:>11.3f} {cv / r['networkx']:>6.1f} "
              f"{r['peak_mb']:>8.0f}")
    print(f"import sopflow: {import_time() * 1000:.0f} ms (median of 7, start-up subtracted)")


if __name__ == "__main__":
    main()
