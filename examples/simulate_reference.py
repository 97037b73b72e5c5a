"""How long does the reference SOP "Pengumpulan Data Kinerja" take? (needs ``sopflow[plot]``)

1. Exactly, as printed: every Waktu is a single value, so the only uncertainty is the decision
   at step 7 ("Sesuai?"); we assume the draft is accepted 70% of the time.
2. By Monte Carlo with a more realistic reading: the 120 working days of step 7 as a PERT
   estimate (90 / 120 / 170 working days) and the 2-day recap as a lognormal; a deadline of
   130 working days; the dates on the Indonesian civil-service calendar from Monday 20
   January 2025, 08.00.
3. Thirty regional offices' reports arriving in the same two weeks, each quarter: the offered
   load shows that JF Perencana cannot keep up (about 30 x 121 working days of work per
   65-working-day quarter), so the simulator warns before it runs.

Run: ``python examples/simulate_reference.py [output folder]`` (default ``docs/images``).
"""

from __future__ import annotations

import runpy
import sys
import warnings
from datetime import datetime
from pathlib import Path

import numpy as np

import sopflow
from sopflow.simulate import PERT, Branches, DurationSpec, LogNormal, OverloadWarning

HERE = Path(__file__).resolve().parent
PLOTS = (
    "reference_lead_time.png",
    "reference_workload.png",
    "reference_cases_lead_time.png",
    "reference_cases_utilisation.png",
)
BRANCHES: Branches = {"s7": {"Ya": 0.7, "Tidak": 0.3}}  # an assumption: 70% of drafts are accepted
REALISTIC: dict[str, DurationSpec] = {
    "s7": PERT(low=90, mode=120, high=170, unit="day"),
    "s6": LogNormal(mean=2, std=1, unit="day"),
}


def main(out: Path = HERE.parent / "docs" / "images", *, replications: int = 1_000_000) -> str:
    procedure = runpy.run_path(str(HERE / "pengumpulan_data_kinerja.py"))["sop"].compile()
    rng = np.random.default_rng(20250120)
    lines = []

    exact = sopflow.analyse(procedure, branches=BRANCHES)
    lines += [exact.summary(), ""]

    mc = sopflow.simulate_lead_time(procedure, replications=replications, rng=rng,
                                    branches=BRANCHES, durations=REALISTIC,
                                    deadline="130 hari kerja")
    start = datetime(2025, 1, 20, 8, 0)
    lines += [mc.summary(), "", mc.describe_finish(start, probability=0.95),
              mc.describe_finish(start, probability=0.5), ""]

    out.mkdir(parents=True, exist_ok=True)
    mc.plot_lead_time(out / PLOTS[0])
    mc.plot_workload(out / PLOTS[1])

    # 30 reports arriving over the first two weeks (10 working days) of each quarter
    arrivals = np.sort(rng.uniform(0, 10 * 450, 30))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OverloadWarning)
        cases = sopflow.simulate_cases(procedure, arrival_times=arrivals, period="65 hari kerja",
                                       capacity={"JF Perencana": 3}, rng=rng,
                                       branches=BRANCHES, durations=REALISTIC)
    lines += [f"before simulating: {w.message}" for w in caught]
    lines += ["", cases.summary()]
    cases.plot_lead_time(out / PLOTS[2])
    cases.plot_workload(out / PLOTS[3])
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "docs" / "images"))
