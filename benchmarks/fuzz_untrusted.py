"""Hostile SOP files at scale: how many were tried, per kind, and what happened to each.

Run: ``PYTHONPATH=src:tests python benchmarks/fuzz_untrusted.py [--per-kind N]``. Not a
speed benchmark: the long, counted run of the checks in ``tests/test_fuzz_untrusted.py``.
For each kind of hostile text (``tests/hostile.py``: markup, control, long-word, unicode) it
draws N (field, text) pairs with hypothesis, loads the JSON SOP (refusal must name a JSON
path and the CLI must exit 2), and draws every accepted one: official document (each page
as SVG), compact view, DOT read back by Graphviz, BPMN parsed. Then it tries the structural
inputs (duplicate keys, huge integers, blank ids, bad dates, deep nesting, bad UTF-8, long
output names) through the CLI. Prints one row per kind with the outcomes; any "FAIL" is a bug.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import sys
import tempfile
import traceback
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import hostile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopflow import cli
from sopflow.interchange.json_format import JSONFormatError, loads
from sopflow.procedure import compile_definition

#: The valid SOP each hostile text goes into (filled in by main).
BASE: dict[str, Any] = {}


def _cli(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue() + err.getvalue()


def _draw(procedure: Any, text: str, field: tuple[Any, ...]) -> str:
    import pygraphviz as pgv

    from sopflow.interchange.bpmn import to_bpmn
    from sopflow.interchange.dot import to_dot
    from sopflow.render import LayoutError, document_pages, procedure_svg
    from sopflow.render.paint import render_page

    try:
        pages = document_pages(procedure)
    except LayoutError:
        return "layout error (text too tall), exit 2"
    drawn = "".join(hostile.check_svg(render_page(page, "svg")) for page in pages)
    if field[-1] != "id":  # ids are names, not shown in the document
        assert hostile.shown(hostile.squeeze(text)) in hostile.squeeze(drawn), \
            f"not literal: {text!r} in {field}"
    hostile.check_svg(procedure_svg(procedure))
    graph = pgv.AGraph(string=to_dot(procedure))
    graph.layout(prog="dot")
    hostile.check_svg(graph.draw(format="svg"))
    if procedure.report.ok:
        ET.fromstring(to_bpmn(procedure).encode("utf-8"))
    return "drawn literally (document, compact view, DOT, BPMN)"


def _one(field: tuple[Any, ...], text: str, folder: Path) -> str:
    source = hostile.json_text(hostile.with_text(BASE, field, text))
    try:
        definition = loads(source, file="sop.json")
    except JSONFormatError as error:
        if not error.path.startswith("$."):
            return f"FAIL: refused without a path: {error}"
        path = folder / "sop.json"
        path.write_text(source, encoding="utf-8")
        code, output = _cli(["validate", str(path)])
        if code != cli.EXIT_USAGE or "Traceback" in output:
            return f"FAIL: CLI exit {code}"
        return "refused at load, JSON path named, CLI exit 2"
    return _draw(compile_definition(definition, strict=False), text, field)


def run_kind(kind: str, per_kind: int, folder: Path) -> collections.Counter[str]:
    results: collections.Counter[str] = collections.Counter()

    @settings(max_examples=per_kind, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(field=st.sampled_from(hostile.FIELDS), text=hostile.hostile_text(kind))
    def trial(field: tuple[Any, ...], text: str) -> None:
        try:
            results[_one(field, text, folder)] += 1
        except Exception as error:  # counted, not raised: the table shows every outcome
            results[f"FAIL: {type(error).__name__}: {error}"[:120]] += 1
            traceback.print_exc()

    trial()
    return results


def structural(folder: Path) -> collections.Counter[str]:
    """Inputs that are not text: each through ``sopflow validate`` (and output names)."""
    base = hostile.json_text(BASE)
    docs = {
        "duplicate key (step)": base.replace('"kind": "process",', '"kind": "process", '
                                             '"kind": "decision",', 1),
        "duplicate key (top)": base.replace('"format": "sopflow/1",',
                                            '"format": "sopflow/1", "format": "sopflow/1",'),
        "duplicate key (identity)": base.replace('"name": "SOP Uji Teks",',
                                                 '"name": "SOP Uji Teks", "name": "x",'),
        "5,000-digit integer": base.replace('"bare_hari": "working"',
                                            '"bare_hari": ' + "9" * 5000),
        "100,000-digit integer": base.replace('"bare_hari": "working"',
                                              '"bare_hari": ' + "9" * 100_000),
        "huge float": base.replace('"bare_hari": "working"', '"bare_hari": 1e999999'),
        "NaN": base.replace('"bare_hari": "working"', '"bare_hari": NaN'),
        "date 0000-01-01": base.replace('"created": "2025-01-20"', '"created": "0000-01-01"'),
        "date 9999-12-32": base.replace('"created": "2025-01-20"', '"created": "9999-12-32"'),
        "date in other digits": base.replace('"created": "2025-01-20"',
                                             '"created": "\\u0662\\u0660\\u0662\\u0665-01-20"'),
        "deep nesting": '{"format": "sopflow/1", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    }
    for blank in (" ", "\t", "\u3000", "\u00a0", ""):
        docs[f"blank id {blank!r}"] = base.replace('"id": "s1"', f'"id": {json.dumps(blank)}', 1)
    results: collections.Counter[str] = collections.Counter()
    for name, text in docs.items():
        path = folder / "structural.json"
        path.write_text(text, encoding="utf-8")
        code, output = _cli(["validate", str(path)])
        ok = code == cli.EXIT_USAGE and "Traceback" not in output
        results["refused, exit 2" if ok else f"FAIL: {name}: exit {code}"] += 1
    path = folder / "bad-utf8.json"
    path.write_bytes(base.encode("utf-8").replace(b"SOP Uji", b"SOP \xff\xfe"))
    code, _ = _cli(["validate", str(path)])
    results["refused, exit 2" if code == cli.EXIT_USAGE else "FAIL: bad UTF-8"] += 1
    good = folder / "good.json"
    good.write_text(base, encoding="utf-8")
    for length in (255, 300, 5000):
        for argv in (["export", str(good), "--to", "json", "-o"],
                     ["render", str(good), "-o"]):
            suffix = ".json" if argv[0] == "export" else ".pdf"
            code, _ = _cli([*argv, str(folder / ("a" * length + suffix))])
            results["long output name refused, exit 2" if code == cli.EXIT_USAGE
                    else f"FAIL: output name of {length}: exit {code}"] += 1
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=100)
    args = parser.parse_args()
    BASE.update(hostile.base_document())
    warnings.simplefilter("ignore")  # missing-glyph warnings: expected for unicode text
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = {kind: run_kind(kind, args.per_kind, folder) for kind in hostile.KINDS}
        table["structural"] = structural(folder)
    for kind, results in table.items():
        print(f"{kind} ({sum(results.values())} tried)")
        for outcome, count in results.most_common():
            print(f"  {count:6d}  {outcome}")


if __name__ == "__main__":
    main()
