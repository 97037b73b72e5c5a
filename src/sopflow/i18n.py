"""Languages of messages: English and Bahasa Indonesia.

Validation findings carry both texts (:meth:`sopflow.validate.Finding.text`); the words around
them (error, warning, accepted, the report's summary) and the command-line messages that
summarise a run are in :data:`CATALOGUE`, each in both languages. Rule codes never change.
The language comes from ``--lang``, else from the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``: ``id_ID.UTF-8`` means Indonesian), else English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["CATALOGUE", "CLI_MESSAGES", "LANGUAGES", "language", "message", "translate"]

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


#: The command's messages (standard error and progress): each English form, as a pattern,
#: and its Indonesian form. Placeholders are the pattern's named groups; ``{rest}`` is
#: translated again (messages nest: "sopflow render: FILE: cannot write: ...").
CLI_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"sopflow: interrupted", "sopflow: dihentikan"),
    (r"sopflow (?P<cmd>[\w-]+): (?P<rest>.+)", "sopflow {cmd}: {rest}"),
    (r"wrote (?P<path>.+): edit it, then run: sopflow validate (?P<again>.+)",
     "menulis {path}: sunting berkas itu, lalu jalankan: sopflow validate {again}"),
    (r"wrote (?P<path>.+)", "menulis {path}"),
    (r"validating (?P<index>\d+)/(?P<total>\d+): (?P<file>.+)",
     "memvalidasi {index}/{total}: {file}"),
    (r"rendering (?P<label>.+) \.\.\.", "menggambar {label} ..."),
    (r"simulating (?P<label>.+): (?P<runs>\d+) runs", "mensimulasikan {label}: {runs} kali"),
    (r"internal error: (?P<error>.+)\n\(this is a bug in sopflow; rerun with --traceback "
     r"and report it\)",
     "galat internal: {error}\n(ini kesalahan pada sopflow; jalankan lagi dengan --traceback "
     "dan laporkan)"),
    (r"(?P<path>.+): already exists; use --force to overwrite it",
     "{path}: sudah ada; pakai --force untuk menimpanya"),
    (r"(?P<path>.+): already exists; not overwriting it \(choose another name or -o\)",
     "{path}: sudah ada; tidak ditimpa (pilih nama lain atau -o)"),
    (r"(?P<path>.+): already exists; not overwriting it", "{path}: sudah ada; tidak ditimpa"),
    (r"(?P<path>.+): cannot write: (?P<why>.+)", "{path}: tidak dapat ditulis: {why}"),
    (r"(?P<path>.+): cannot create its folder: (?P<why>.+)",
     "{path}: foldernya tidak dapat dibuat: {why}"),
    (r"(?P<label>.+): not done: the SOP has validation errors",
     "{label}: tidak dikerjakan: SOP memiliki galat validasi"),
    (r"(?P<spec>.+): the file defines (?P<n>\d+) SOPs; choose one: (?P<choices>.+)",
     "{spec}: berkas itu mendefinisikan {n} SOP; pilih satu: {choices}"),
    (r"(?P<file>.+): no such file", "{file}: berkas tidak ada"),
    (r"(?P<file>.+): is a directory; give a \.py or \.json file",
     "{file}: ini folder; berikan berkas .py atau .json"),
    (r"(?P<file>.+): unknown file type; give a Python file \(\.py\) or a JSON definition "
     r"\(\.json\)",
     "{file}: jenis berkas tidak dikenal; berikan berkas Python (.py) atau definisi JSON "
     "(.json)"),
    (r"(?P<feature>.+) needs (?P<module>\S+) which is not installed: (?P<hint>.+)",
     "{feature} memerlukan {module} yang belum terpasang: {hint}"),
    (r"NAME must not be empty", "NAME tidak boleh kosong"),
)
_COMPILED = tuple((re.compile(pattern, re.DOTALL), template) for pattern, template in CLI_MESSAGES)


def translate(text: str, lang: str) -> str:
    """A command message in ``lang``: English as written; Indonesian when it is one of
    :data:`CLI_MESSAGES` (any other text, such as a finding's quoted SOP text, is kept)."""
    if lang != "id":
        return text
    for pattern, template in _COMPILED:
        match = pattern.fullmatch(text)
        if match is not None:
            fields = match.groupdict()
            if "rest" in fields:
                fields["rest"] = translate(fields["rest"], lang)
            return template.format(**fields)
    return text
