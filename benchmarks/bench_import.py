"""Accuracy and speed of `sopflow import` on the four hand-transcribed corpus SOPs.

    PYTHONPATH=src python benchmarks/bench_import.py [CORPUS_DIR [N]]

CORPUS_DIR defaults to ../shared/corpus beside the repository. Truth: the identity and rows of
``bps-NNN.json``; the arrows are the row-to-row edges of the hand-written DSL definitions in
tests/corpus_sops.py (the flow a person encoded from the same page), with the printed arrows
those definitions leave out (listed in their comments) scored as neither right nor wrong.
Lanes: a row's lanes are right when they equal the transcription's, with or without the lane
of a start/end capsule drawn in the row (the transcriptions differ on that). Texts are compared
with whitespace removed (line breaks inside a cell are not the PDF's content).
Timing: median seconds per PDF over 3 rounds, in this warm process, interleaved with the
floor every raster+text reader pays (pdfium: characters and a raster of every page) and a
pdfplumber parse (words, lines, rects, curves) as the peer a vector reader would build on.
Round trip: N (default 30) random SOPs (tests/strategies.build) rendered by sopflow on the
four papers, imported back; arrows against the definition's exits.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus_sops import bps_040, bps_050, bps_052, bps_346  # noqa: E402

from sopflow.importers.pdf import import_pdf  # noqa: E402
from sopflow.model import SOPDefinition  # noqa: E402

FACTORIES = {"bps-040": bps_040, "bps-050": bps_050, "bps-052": bps_052, "bps-346": bps_346}
#: Printed arrows the hand definitions leave out (see their comments): not scored.
PRINTED_EXTRA = {"bps-040": {("1", "3"), ("2", "4")}}


def _norm(text: object) -> str:
    return re.sub(r"\s+", "", str(text or "")).lower()


def _edges(definition: SOPDefinition) -> dict[tuple[str, str], str | None]:
    ids = {s.id: str(i) for i, s in enumerate(definition.steps, start=1)}
    found: dict[tuple[str, str], str | None] = {}
    for step in definition.steps:
        for e in step.exits:
            target = {"@end": "end", "@start": "start"}.get(e.target, ids.get(e.target, "?"))
            found[(ids[step.id], target)] = e.label
    return found


def _identity_score(truth: dict[str, Any], got: SOPDefinition) -> tuple[int, int]:
    i = got.identity
    signatory = i.approved_by
    checks = [
        [_norm(u) for u in truth["unit"]] == [_norm(u) for u in i.unit],
        _norm(truth["nomor"]) == _norm(i.number),
        truth["tanggal_pembuatan"] == (i.created.isoformat() if i.created else None),
        truth["tanggal_revisi"] == (i.revised.isoformat() if i.revised else None),
        truth["tanggal_efektif"] == (i.effective.isoformat() if i.effective else None),
        signatory is not None and _norm(truth["disahkan_oleh"]).replace("nip.", "nip") == _norm(
            "; ".join(p for p in (signatory.position, signatory.name,
                                  f"NIP {signatory.nip}" if signatory.nip else None) if p))
        .replace("nip.", "nip"),
        _norm(truth["nama"]) == _norm(i.name),
    ]
    for key, got_list in (("dasar_hukum", i.legal_basis), ("kualifikasi", i.qualifications),
                          ("keterkaitan", i.related), ("peralatan", i.equipment),
                          ("pencatatan", i.records)):
        checks.append([_norm(x) for x in truth[key]] == [_norm(x) for x in got_list])
    checks.append(_norm(truth["peringatan"]) == _norm(i.warning))
    return sum(checks), len(checks)


def score(name: str, corpus: Path) -> dict[str, Any]:
    truth = json.loads((corpus / f"{name}.json").read_text(encoding="utf-8"))
    result = import_pdf(corpus / f"{name}.pdf")
    got = result.definition
    rows = truth["rows"]
    texts = sum(1 for r, s in zip(rows, got.steps, strict=False)
                if _norm(r["text"]) == _norm(s.text))
    lanes_right = 0
    for r, s in zip(rows, got.steps, strict=False):
        want = set(r["lanes"])
        have = set(s.actors)
        lanes_right += have == want or have | want == want | set(got_lanes_capsules(s, want))
    want_edges = _edges(FACTORIES[name]().definition())
    have_edges = _edges(got)
    extra = PRINTED_EXTRA.get(name, set())
    scored = {k for k in have_edges if k not in extra}
    true_pos = len(scored & want_edges.keys())
    labelled = {k: v for k, v in want_edges.items() if v}
    labels = sum(1 for k, v in labelled.items() if _norm(have_edges.get(k)) == _norm(v))
    ident, ident_total = _identity_score(truth["identity"], got)
    return {"sop": name, "identity": (ident, ident_total), "rows": (len(got.steps), len(rows)),
            "texts": texts, "lanes": lanes_right,
            "lanes_header": [a.name for a in got.actors] == truth["lanes"],
            "arrows_tp": true_pos, "arrows_found": len(scored), "arrows_true": len(want_edges),
            "labels": (labels, len(labelled))}


def got_lanes_capsules(step: Any, want: set[str]) -> set[str]:
    """Lanes a capsule may add: allow one lane more or less than the transcription."""
    have = set(step.actors)
    return have if len(have ^ want) <= 1 and (have & want) else set()


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    if not (corpus / "bps-040.pdf").is_file():
        corpus = Path("/work/shared/corpus")
    totals: dict[str, float] = {}
    print(f"{'SOP':8} {'identity':>9} {'rows':>6} {'texts':>6} {'lanes':>6} {'hdr':>4} "
          f"{'arrowP':>7} {'arrowR':>7} {'labels':>7}")
    for name in FACTORIES:
        s = score(name, corpus)
        p = s["arrows_tp"] / max(s["arrows_found"], 1)
        r = s["arrows_tp"] / max(s["arrows_true"], 1)
        print(f"{name:8} {s['identity'][0]:>4}/{s['identity'][1]:<4} "
              f"{s['rows'][0]:>3}/{s['rows'][1]:<2} {s['texts']:>6} {s['lanes']:>6} "
              f"{s['lanes_header']!s:>4} {p:>7.2f} {r:>7.2f} "
              f"{s['labels'][0]:>3}/{s['labels'][1]:<3}")
        for key, value in (("id", s["identity"][0]), ("id_n", s["identity"][1]),
                           ("rows", s["rows"][0]), ("rows_n", s["rows"][1]),
                           ("texts", s["texts"]), ("lanes", s["lanes"]),
                           ("tp", s["arrows_tp"]), ("found", s["arrows_found"]),
                           ("true", s["arrows_true"]), ("lab", s["labels"][0]),
                           ("lab_n", s["labels"][1])):
            totals[key] = totals.get(key, 0) + value
    print(f"{'total':8} {totals['id']:>4.0f}/{totals['id_n']:<4.0f} "
          f"{totals['rows']:>3.0f}/{totals['rows_n']:<2.0f} {totals['texts']:>6.0f} "
          f"{totals['lanes']:>6.0f} {'':>4} {totals['tp'] / totals['found']:>7.2f} "
          f"{totals['tp'] / totals['true']:>7.2f} {totals['lab']:>3.0f}/{totals['lab_n']:<3.0f}")
    _timing(corpus)
    _round_trip(int(sys.argv[2]) if len(sys.argv) > 2 else 30)


def _random_spec(rng: random.Random) -> dict[str, Any]:
    """A spec for tests/strategies.build: random lanes, decisions, loops, ends."""
    n, lanes = rng.randint(2, 8), rng.randint(1, 4)
    targets = [("next",), ("end",), ("start",)] + [("step", i) for i in range(n)]
    steps: list[dict[str, Any]] = []
    for i in range(n):
        if rng.random() < 0.4:
            exits = [rng.choice(targets) for _ in range(rng.randint(2, 3))]
            steps.append({"kind": "decision", "lane": rng.randrange(lanes), "exits": exits,
                          "i": i})
        else:
            steps.append({"kind": "process", "lane": rng.randrange(lanes),
                          "then": rng.choice(targets), "i": i})
    return {"lanes": lanes, "steps": steps}


def _round_trip(count: int, seed: int = 35) -> None:
    """Render random SOPs with sopflow, import them back, score rows, lanes and arrows."""
    import tempfile

    from strategies import build

    from sopflow.procedure import compile_definition
    from sopflow.render import render_document

    rng = random.Random(seed)
    totals = {"sops": 0, "rows": 0, "kinds": 0, "tp": 0, "found": 0, "true": 0, "lab": 0,
              "lab_n": 0, "steps": 0}
    papers = ["A4", "F4", "Letter", "Legal"]
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(count):
            definition = build(_random_spec(rng)).definition()
            pdf = Path(tmp) / f"{index}.pdf"
            render_document(compile_definition(definition, strict=False), pdf,
                            paper=papers[index % 4])
            got = import_pdf(pdf).definition
            want_edges, have_edges = _edges(definition), _edges(got)
            labelled = {k: v for k, v in want_edges.items() if v}
            totals["sops"] += 1
            totals["steps"] += len(definition.steps)
            totals["rows"] += len(got.steps) == len(definition.steps)
            totals["kinds"] += sum(a.kind == b.kind for a, b in zip(definition.steps, got.steps,
                                                                      strict=False))
            totals["tp"] += len(want_edges.keys() & have_edges.keys())
            totals["found"] += len(have_edges)
            totals["true"] += len(want_edges)
            totals["lab"] += sum(1 for k, v in labelled.items() if have_edges.get(k) == v)
            totals["lab_n"] += len(labelled)
    steps = totals["true"] and totals["tp"]
    print(f"round trip of {totals['sops']} generated SOPs (seed {seed}, {totals['steps']} "
          f"rows): all rows read in "
          f"{totals['rows']}; kinds right {totals['kinds']}; arrows precision "
          f"{totals['tp'] / max(totals['found'], 1):.2f}, recall "
          f"{totals['tp'] / max(totals['true'], 1):.2f}; labels {totals['lab']}/"
          f"{totals['lab_n']}" + ("" if steps else " (no arrows)"))


def _floor(path: Path) -> None:
    """What any raster-and-text reader pays: open, every page's characters and raster."""
    import pypdfium2 as pdfium

    from sopflow.importers.pdf_source import SCALE

    doc = pdfium.PdfDocument(str(path))
    for index in range(len(doc)):
        page = doc[index]
        textpage = page.get_textpage()
        for char in range(textpage.count_chars()):
            textpage.get_charbox(char)
        page.render(scale=SCALE, grayscale=True).to_numpy()
    doc.close()


def _peer(path: Path) -> None:
    """A vector reader's parse with pdfplumber: words and every line, rect and curve."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            _ = (page.lines, page.rects, page.curves)


def _timing(corpus: Path, rounds: int = 3) -> None:
    """Interleaved rounds: import, the raster+text floor and the pdfplumber peer, per PDF."""
    runs: dict[str, list[float]] = {"import": [], "floor": [], "peer": []}
    ratios: dict[str, list[float]] = {"floor": [], "peer": []}
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        del runs["peer"], ratios["peer"]
    for _ in range(rounds):
        for name in FACTORIES:
            pdf = corpus / f"{name}.pdf"
            took: dict[str, float] = {}
            for label, work in (("import", import_pdf), ("floor", _floor), ("peer", _peer)):
                if label not in runs:
                    continue
                start = time.perf_counter()
                work(pdf)
                took[label] = time.perf_counter() - start
                runs[label].append(took[label])
            for label in ratios:
                ratios[label].append(took["import"] / took[label])
    for label, values in runs.items():
        print(f"{label:7} seconds per PDF: median {statistics.median(values):.3f} "
              f"(min {min(values):.3f}, max {max(values):.3f}, {len(values)} runs)")
    for label, values in ratios.items():
        print(f"import / {label}: median ratio {statistics.median(values):.2f} "
              f"(min {min(values):.2f}, max {max(values):.2f})")


if __name__ == "__main__":
    main()
