"""Validation precision on the corpus: false alarms and misses per rule.

The truth is the hand-judged list of what each of the four signed corpus SOPs deserves
(``EXPECTED`` in tests/test_corpus.py, one entry per problem) plus the reference example's.
A finding beyond the truth is a false alarm (a second finding of one problem counts as one);
a problem without its finding is a miss. Run it:

    PYTHONPATH=src python tests/measure_validation.py

(with PYTHONPATH pointing at an older ``src`` it measures that version the same way).
"""

from __future__ import annotations

import runpy
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: The reference example's problems: "2 menit" and "120 hari" (typos, as its comments say),
#: three bare "hari", a decision that is not a question, a final output still a draft.
REFERENCE = [("W102", "s7"), ("W105", "s6"), ("W105", "s7"), ("W105", "final"),
             ("W106", "s3"), ("W106", "s7"), ("W107", "final")]


#: Rows of other signed SOPs of the openSOP family (ocidserver/openSOP,
#: backend/static/sop/documents/), transcribed from the PDFs, with whether W101 should fire.
OPENSOP_ROWS = [
    ("it/012 row 10", "Meng-upload FRA triwulan ke dalam web monitoring BPS", False),
    ("it/012 row 14", "Upload LKIP ke website PPID", True),
    ("general/303 row 29", "Berakhirnya Kontrak karena pekerjaan telah selesai dan hak dan "
     "kewajiban para pihak yang terdapat dalam Kontrak sudah terpenuhi", True),
    ("inventory/279 row 28", "Berakhirnya Kontrak karena pekerjaan telah selesai", True),
    ("it/040 row 10", "Unggah Laporan Penjaminan Kualitas", False),
]


def measure_rows() -> tuple[int, int]:
    """(false alarms, misses) of W101 on :data:`OPENSOP_ROWS`."""
    from sopfactory import new_sop, step_kwargs

    false_alarms = misses = 0
    for _where, text, should in OPENSOP_ROWS:
        sop = new_sop()
        sop.step(text, by=sop.actor("Tim"), **step_kwargs())
        fired = any(f.code == "W101" for f in sop.compile(strict=False).report.findings)
        false_alarms += fired and not should
        misses += should and not fired
    return false_alarms, misses


def measure() -> tuple[Counter[str], Counter[str], Counter[str]]:
    from test_corpus import EXPECTED, FACTORIES

    truth = dict(EXPECTED)
    sops = {name: factory() for name, factory in FACTORIES.items()}
    ref = runpy.run_path(str(HERE.parent / "examples" / "pengumpulan_data_kinerja.py"))["sop"]
    sops["reference"], truth["reference"] = ref, REFERENCE
    false_alarms: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for name, sop in sops.items():
        report = sop.compile(strict=False).report
        got = Counter((f.code, f.element) for f in report.findings
                      if getattr(f, "accepted", None) is None)
        want = Counter(truth[name])
        for (code, _element), n in (got - want).items():
            false_alarms[code] += n
        for (code, _element), n in (want - got).items():
            misses[code] += n
        for (code, _element), n in got.items():
            found[code] += n
    return found, false_alarms, misses


def main() -> None:
    found, false_alarms, misses = measure()
    codes = sorted(set(found) | set(false_alarms) | set(misses))
    print(f"{'rule':6} {'found':>6} {'false alarms':>13} {'misses':>7}")
    for code in codes:
        print(f"{code:6} {found[code]:6} {false_alarms[code]:13} {misses[code]:7}")
    print(f"{'all':6} {sum(found.values()):6} {sum(false_alarms.values()):13} "
          f"{sum(misses.values()):7}")
    alarms, missed = measure_rows()
    print(f"W101 on {len(OPENSOP_ROWS)} transcribed openSOP rows: {alarms} false alarm(s), "
          f"{missed} miss(es)")


if __name__ == "__main__":
    main()
