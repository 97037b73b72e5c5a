"""Languages of messages: English and Bahasa Indonesia.

Validation findings carry both texts (:meth:`sopflow.validate.Finding.text`); the words around
them (error, warning, accepted, the report's summary) and the command-line messages that
summarise a run are in :data:`CATALOGUE`, each in both languages. Rule codes never change.
The language comes from ``--lang``, else from the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``: ``id_ID.UTF-8`` means Indonesian), else English.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CATALOGUE", "LANGUAGES", "language", "message"]

#: The languages messages are written in.
LANGUAGES = ("en", "id")

#: Every message, by key, in each language (``str.format`` fields are the same in both).
CATALOGUE: Mapping[str, Mapping[str, str]] = {
    "error": {"en": "error", "id": "galat"},
    "warning": {"en": "warning", "id": "peringatan"},
    "accepted": {"en": "accepted", "id": "diterima"},
    "accepted-because": {"en": " (accepted: {reason})", "id": " (diterima: {reason})"},
    "summary": {
        "en": "SOP {sop!r}: {errors} error(s), {warnings} warning(s)",
        "id": "SOP {sop!r}: {errors} galat, {warnings} peringatan",
    },
    "summary-accepted": {"en": ", {accepted} accepted", "id": ", {accepted} diterima"},
    "status-ok": {"en": "OK", "id": "BAIK"},
    "status-failed": {"en": "FAILED", "id": "GAGAL"},
    "wrote": {"en": "wrote {path}", "id": "menulis {path}"},
    "validating": {"en": "validating {index}/{total}: {file}",
                   "id": "memvalidasi {index}/{total}: {file}"},
}


def language(requested: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``requested`` when given, else the locale's, else English."""
    if requested is not None:
        if requested not in LANGUAGES:
            raise ValueError(f"unknown language {requested!r}; one of {', '.join(LANGUAGES)}")
        return requested
    if environ is None:
        import os

        environ = os.environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return "id" if value.split(".")[0].split("_")[0].lower() in ("id", "in") else "en"
    return "en"


def message(key: str, lang: str = "en", **fields: object) -> str:
    """The message ``key`` in ``lang`` with its fields filled in."""
    texts = CATALOGUE[key]
    return texts.get(lang, texts["en"]).format(**fields)
