"""Project configuration for the ``sopflow`` command: ``sopflow.toml`` or the
``[tool.sopflow]`` section of ``pyproject.toml``, found in the working folder or above it.

```toml
[tool.sopflow]          # in sopflow.toml the section is the whole file: no header
ignore = ["W114"]       # warnings left out of every report
lang = "id"             # messages in Bahasa Indonesia ("en": English)
strict-warnings = true  # sopflow validate fails on warnings, as with --strict-warnings
paper = "F4"            # sopflow render's paper when --paper is not given
bare-hari = "working"   # how a bare "hari" is read in SOPs that do not say (or "calendar")

[tool.sopflow.accept]   # warnings accepted for every SOP, with the reason
W103 = "the unit signs joint rows on purpose"
```

Unknown keys and wrong types are refused with the file, the key, a "did you mean" and the
valid names, never ignored silently.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from sopflow.loader import LoadedSOP
from sopflow.validate import Report, Severity, check_acceptance
from sopflow.waktu import Basis

__all__ = ["Config", "ConfigError", "find_config", "load_config"]

_KEYS = ("ignore", "accept", "lang", "strict-warnings", "paper", "bare-hari")


class ConfigError(ValueError):
    """A configuration file that cannot be used: names the file and the key."""


@attrs.frozen(kw_only=True)
class Config:
    """What a project asks of the ``sopflow`` command (defaults: nothing changed)."""

    source: str | None = None
    ignore: frozenset[str] = frozenset()
    accept: Mapping[str, str] = attrs.field(factory=dict)
    lang: str | None = None
    strict_warnings: bool = False
    paper: str | None = None
    bare_hari: Basis | None = None

    def defaults(self, found: list[LoadedSOP]) -> list[LoadedSOP]:
        """The loaded SOPs with the configured ``bare-hari`` for those that do not state
        theirs (an SOP's own choice wins)."""
        if self.bare_hari is None:
            return found
        return [item if item.definition.bare_hari is not None else attrs.evolve(
            item, definition=attrs.evolve(item.definition, bare_hari=self.bare_hari))
            for item in found]

    def apply(self, report: Report) -> Report:
        """``report`` with ignored warnings left out and configured acceptances marked
        (a reason written in the SOP itself wins)."""
        findings = []
        for f in report.findings:
            if f.severity is Severity.WARNING and f.code in self.ignore:
                continue
            if f.severity is Severity.WARNING and f.accepted is None and f.code in self.accept:
                f = attrs.evolve(f, accepted=self.accept[f.code])
            findings.append(f)
        return attrs.evolve(report, findings=tuple(findings))


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``sopflow.toml``, or ``pyproject.toml`` with a ``[tool.sopflow]``
    section, in ``start`` (default: the working folder) or a folder above it."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "sopflow.toml"
        if own.is_file():
            return own
        project = candidate / "pyproject.toml"
        if project.is_file() and "sopflow" in _read(project).get("tool", {}):
            return project
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def load_config(path: Path | None = None) -> Config:
    """The configuration in ``path`` (default: :func:`find_config`); empty when none."""
    path = path if path is not None else find_config()
    if path is None:
        return Config()
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("sopflow", {})
        where = f"{path} [tool.sopflow]"
    else:
        where = str(path)
    for key in data:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{where}: unknown key {key!r}{hint} (valid: {', '.join(_KEYS)})")
    return Config(
        source=str(path),
        ignore=frozenset(_codes(where, data.get("ignore", []))),
        accept=_accept(where, data.get("accept", {})),
        lang=_lang(where, data.get("lang")),
        strict_warnings=_flag(where, "strict-warnings", data.get("strict-warnings", False)),
        paper=_choice(where, "paper", data.get("paper"), _papers()),
        bare_hari=(None if data.get("bare-hari") is None else Basis(
            _choice(where, "bare-hari", data.get("bare-hari"), [b.value for b in Basis]))),
    )


def _papers() -> list[str]:
    return ["A4", "F4", "Letter", "Legal"]


def _choice(where: str, key: str, value: object, allowed: list[str]) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        close = difflib.get_close_matches(str(value), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"{where}: {key} must be one of {', '.join(allowed)}, got "
                          f"{value!r}{hint}")
    return str(value)


def _codes(where: str, value: object) -> list[str]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: ignore must be a list of warning codes, e.g. ['W114']")
    for code in value:
        problem = check_acceptance(code, "ignored")
        if problem:
            raise ConfigError(f"{where}: ignore: {problem}")
    return list(value)


def _accept(where: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: accept must map warning codes to reasons")
    for code, reason in value.items():
        problem = check_acceptance(code, reason)
        if problem:
            raise ConfigError(f"{where}: accept: {problem}")
    return dict(value)


def _lang(where: str, value: object) -> str | None:
    from sopflow.i18n import LANGUAGES

    if value is not None and value not in LANGUAGES:
        raise ConfigError(f"{where}: lang must be one of {', '.join(LANGUAGES)}, got {value!r}")
    return None if value is None else str(value)


def _flag(where: str, key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false, got {value!r}")
    return value
