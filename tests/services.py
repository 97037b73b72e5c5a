"""Where the tests find the real tools users meet (Chromium, LibreOffice, PostgreSQL).

`.ci/services.sh` installs and starts them and exports SOPFLOW_TEST_* variables. On a developer
machine without them a test skips with the command that would provide them; in CI (CI=true) a
missing service fails the test instead, so such tests never skip silently there.
"""

from __future__ import annotations

import os
import shutil

import pytest

_HINT = "run: . .ci/services.sh && services_start (as root), then pytest in that shell"


def _missing(what: str) -> None:
    message = f"{what} is not available; {_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def postgres_url() -> str:
    """A PostgreSQL server URL for tests (a scratch server; tests make their own schemas)."""
    url = os.environ.get("SOPFLOW_TEST_POSTGRES")
    if not url:
        _missing("PostgreSQL (SOPFLOW_TEST_POSTGRES)")
    return str(url)


def chromium_path() -> str:
    """Debian's Chromium executable, for Playwright's executable_path."""
    path = os.environ.get("SOPFLOW_TEST_CHROMIUM") or shutil.which("chromium")
    if not path:
        _missing("Chromium")
    return str(path)


def soffice_path() -> str:
    """LibreOffice's soffice, for headless conversions."""
    path = os.environ.get("SOPFLOW_TEST_SOFFICE") or shutil.which("soffice")
    if not path:
        _missing("LibreOffice (soffice)")
    return str(path)


# Flags Chromium needs on these machines: root, no GPU, and a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
