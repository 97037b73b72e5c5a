"""The catalogue side of the ``sopflow`` command: folders for validate, render and export,
and the ``site`` and ``review`` subcommands.

:mod:`sopflow.cli` routes here when an argument is a folder (a single file keeps its own path)
and for the two catalogue commands; each function returns the exit code.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from typing import Any, Protocol

from sopflow.catalogue.batch import (
    EXIT_OK,
    EXIT_USAGE,
    BatchResult,
    Progress,
    SOPResult,
    Task,
    run_batch,
)
from sopflow.catalogue.discover import find_sop_files

__all__ = ["Output", "add_review_options", "add_site_options", "run_folder", "run_review",
           "run_site"]


class Output(Protocol):
    """What the commands print through (the CLI's ``_Output``)."""

    interactive: bool

    def print(self, text: str = "") -> None: ...
    def message(self, text: str) -> None: ...
    def progress(self, text: str) -> None: ...
    def clear_progress(self) -> None: ...


def _bar(out: Output, verb: str) -> Progress | None:
    """A progress bar on a terminal (stderr); nothing when stderr is not a terminal."""
    if not out.interactive:
        return None

    def show(done: int, total: int, label: str) -> None:
        filled = 24 * done // max(total, 1)
        out.progress(f"{verb} [{'#' * filled}{'.' * (24 - filled)}] {done}/{total} {label}")

    return show


def _print_findings(out: Output, sop: SOPResult, quiet: bool) -> None:
    for f in sop.report["findings"]:
        where = f"{f['file']}:{f['line']}: " if f.get("file") and f.get("line") else \
            f"{sop.label}: "
        out.print(f"{where}{f['severity']} {f['code']} [{f['rule']}] {f['message']}")
    if sop.problem:
        out.print(f"{sop.label}: error: {sop.problem}")
    if not quiet:
        status = "OK" if not sop.errors and not sop.problem else "FAILED"
        out.print(f"{sop.label}: SOP {sop.name!r}: {sop.errors} error(s), "
                  f"{sop.warnings} warning(s): {status}")


def _print_text(out: Output, result: BatchResult, quiet: bool) -> None:
    for file in result.files:
        if file.load_error is not None:
            err = file.load_error
            where = f"{err['file']}:{err['line']}" if err.get("line") else err["file"]
            out.print(f"{where}: error: {err['message']}")
        if file.crash is not None:
            out.print(f"{file.file.spec}: internal error: {file.crash}")
        for sop in file.sops:
            _print_findings(out, sop, quiet)
            for path in sop.outputs:
                out.message(f"wrote {path}")
    out.print("")
    for line in result.summary().lines():
        out.print(line)


def _json(result: BatchResult) -> str:
    summary = result.summary()
    files = []
    for file in result.files:
        files.append({"file": file.file.spec, "load_error": file.load_error,
                      "crash": file.crash, "skipped": file.skipped,
                      "sops": [{"variable": s.variable, **s.report, "outputs": list(s.outputs),
                                "problem": s.problem} for s in file.sops]})
    return json.dumps({"format": "sopflow-validate/1", "ok": summary.exit_code == EXIT_OK,
                       "exit_code": summary.exit_code, "summary": summary.to_dict(),
                       "files": files}, indent=2, ensure_ascii=False)


def _task(command: str, args: argparse.Namespace) -> Task:
    if command == "validate":
        return Task(kind="validate", strict_warnings=args.strict_warnings)
    if command == "render":
        suffix = os.path.splitext(args.output)[1].lower().lstrip(".")
        if suffix in ("pdf", "svg", "png") and args.out_format is None:
            raise ValueError(f"{args.output}: with a folder, OUT is a folder; choose the "
                             "format with --format pdf|svg|png")
        return Task(kind="render", out_dir=args.output, fmt=args.out_format or "pdf",
                    view=args.view, paper=args.paper, dpi=float(args.dpi))
    if args.output is None or args.output == "-":
        raise ValueError("with a folder, give the output folder with -o OUT")
    return Task(kind="export", out_dir=args.output, fmt=args.to, force=args.force)


def run_folder(command: str, specs: list[str], args: argparse.Namespace, out: Output) -> int:
    """``sopflow validate|render|export`` over files and folders, in parallel."""
    try:
        task = _task(command, args)
    except ValueError as error:
        out.message(f"sopflow {command}: {error}")
        return EXIT_USAGE
    files = find_sop_files(specs)
    if not files:
        out.message(f"sopflow {command}: no SOP files (.py or .json) in " + ", ".join(specs))
        return EXIT_USAGE
    verb = {"validate": "validating", "render": "rendering", "export": "exporting"}[command]
    result = run_batch(files, task, workers=getattr(args, "jobs", None),
                       progress=_bar(out, verb))
    out.clear_progress()
    if command == "validate" and args.format == "json":
        out.print(_json(result))
    else:
        _print_text(out, result, quiet=bool(getattr(args, "quiet", False)))
    return result.summary().exit_code


def _jobs(text: str) -> int:
    """An argparse type: a number of worker processes, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


# -- sopflow site ---------------------------------------------------------------------------


def add_site_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="DIR", help="folders (and files) of SOPs")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="the site's folder (built beside it, then renamed into place)")
    p.add_argument("--title", default="Katalog SOP", help="the site's title")
    p.add_argument("--no-pdf", action="store_true",
                   help="skip the PDF document of each SOP (faster; SVG flowcharts stay)")
    p.add_argument("--today", type=date.fromisoformat, default=None, metavar="DATE",
                   help="the date review status is computed for (default: today)")
    p.add_argument("-j", "--jobs", type=_jobs, default=None,
                   help="worker processes (default: the usable cores)")
    p.add_argument("--force", action="store_true",
                   help="replace OUT even when it is a folder sopflow did not write")


def run_site(args: argparse.Namespace, out: Output) -> int:
    from sopflow.catalogue.review import ConfigError
    from sopflow.catalogue.site import SiteError, build_site

    try:
        result = build_site(args.paths, args.output, pdf=not args.no_pdf, workers=args.jobs,
                            progress=_bar(out, "building"), today=args.today,
                            title=args.title, force=args.force)
    except (SiteError, ConfigError) as error:
        out.message(f"sopflow site: {error}")
        return EXIT_USAGE
    out.clear_progress()
    summary = result.batch.summary()
    for line in summary.lines():
        out.print(line)
    out.print(f"{len(result.links.links)} Keterkaitan link(s), "
              f"{len(result.links.unresolved)} unresolved")
    for note in result.notes:
        out.message(f"warning: {note}")
    out.message(f"wrote {result.out}/index.html ({result.pages} SOP page(s))")
    return summary.exit_code


# -- sopflow review -------------------------------------------------------------------------


def add_review_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="DIR", help="folders (and files) of SOPs")
    p.add_argument("--today", type=date.fromisoformat, default=None, metavar="DATE",
                   help="the date to compare with (default: today)")
    p.add_argument("--all", action="store_true",
                   help="list every SOP, not only those due soon or overdue")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for people (default) or json for other tools")
    p.add_argument("-j", "--jobs", type=_jobs, default=None,
                   help="worker processes (default: the usable cores)")


def _reviews(args: argparse.Namespace, result: BatchResult,
             out: Output) -> list[dict[str, Any]]:
    from sopflow.catalogue.review import config_for, review_of

    config = config_for(args.paths)
    today = args.today or date.today()
    rows = []
    for sop in result.sops:
        setting, matched = config.setting_for(sop.name, sop.record.get("number"))
        dates = {k: date.fromisoformat(sop.record[k]) if sop.record.get(k) else None
                 for k in ("created", "revised", "effective")}
        review = review_of(dates, setting, today)
        rows.append({"sop": sop.name, "number": sop.record.get("number"), "file": sop.label,
                     "setting": matched, **review.to_dict()})
    for key in config.unmatched([(s.name, s.record.get("number")) for s in result.sops]):
        out.message(f"warning: {config.source}: review setting {key!r} matches no SOP "
                    "(by Nomor or name)")
    order = {"terlambat": 0, "segera": 1, "tanpa tanggal": 2, "berlaku": 3}
    rows.sort(key=lambda r: (order[r["status"]], r["due"] or "", r["sop"]))
    return rows


def run_review(args: argparse.Namespace, out: Output) -> int:
    """``sopflow review DIR``: which SOPs are due for evaluation, or overdue."""
    from sopflow.catalogue.review import ConfigError

    files = find_sop_files(args.paths)
    if not files:
        out.message("sopflow review: no SOP files (.py or .json) in " + ", ".join(args.paths))
        return EXIT_USAGE
    result = run_batch(files, Task(kind="validate"), workers=args.jobs,
                       progress=_bar(out, "reading"))
    out.clear_progress()
    try:
        rows = _reviews(args, result, out)
    except ConfigError as error:
        out.message(f"sopflow review: {error}")
        return EXIT_USAGE
    shown = rows if args.all else [r for r in rows if r["status"] in ("terlambat", "segera")]
    if args.format == "json":
        out.print(json.dumps({"format": "sopflow-review/1", "sops": shown}, indent=2,
                             ensure_ascii=False))
    else:
        for r in shown:
            out.print(f"{r['status']:<13} {r['due'] or '-':<10} {r['number'] or '-':<24} "
                      f"{r['sop']}  ({r['file']})")
        counts = {s: sum(r["status"] == s for r in rows) for s in order_names()}
        out.print(f"{len(rows)} SOP(s): " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    load = [f for f in result.files if f.load_error is not None or f.crash is not None]
    for file in load:
        out.message(f"{file.file.spec}: could not be read: "
                    f"{(file.load_error or {}).get('message') or file.crash}")
    return EXIT_USAGE if load else EXIT_OK


def order_names() -> tuple[str, ...]:
    return ("terlambat", "segera", "berlaku", "tanpa tanggal")
