"""Shared test settings: a small hypothesis profile for CI, a fuller one on demand.

The CI profile draws the same examples on every run (derandomize), so a run's verdict does not
depend on its seed; the dev profile (``HYPOTHESIS_PROFILE=dev``) explores 300 random examples
a test and is where rare cases are hunted.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
