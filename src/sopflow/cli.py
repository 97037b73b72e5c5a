"""The ``sopflow`` command: validate, render, simulate, export and start SOP files.

Built on :mod:`argparse` from the standard library: the command needs subcommands, help and
typed options, nothing argparse lacks, and it keeps ``pip install sopflow`` free of another
dependency. Each subcommand is a thin layer over a library function (:mod:`sopflow.loader`,
:mod:`sopflow.validate`, :mod:`sopflow.interchange`, :mod:`sopflow.render`,
:mod:`sopflow.simulate`).

Errors in a user's file are printed as ``file:line: message`` findings, never as a traceback.
Exit codes (also in ``docs/cli.md``):

==== =========================================================================
0    success (warnings allowed unless ``--strict-warnings``)
1    the SOP has validation errors (or warnings, with ``--strict-warnings``)
2    usage or input error: bad arguments, a file that cannot be read or run,
     bad JSON, no SOP in the file, an output that would be overwritten
3    a feature is not installed (rendering or simulation and their extras)
4    internal error in sopflow (a bug: rerun with ``--traceback`` and report it)
130  interrupted (Ctrl-C)
==== =========================================================================
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sopflow import __version__
from sopflow.document import TERMINATOR_STYLES
from sopflow.loader import LoadedSOP, LoadError, load_sops

if TYPE_CHECKING:
    from sopflow.config import Config
    from sopflow.procedure import Procedure
    from sopflow.validate import Report

__all__ = [
    "EXIT_ERRORS",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
    "build_parser",
    "main",
    "template",
]

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

PAPERS = ("A4", "F4", "Letter", "Legal")
RENDER_SUFFIXES = (".pdf", ".svg", ".png", ".docx")


class _Fail(Exception):
    """Stop the command with a message and an exit code (caught in :func:`main`)."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class _Output:
    """Where the command writes: results to stdout, messages and progress to stderr."""

    def __init__(self, stdout: IO[str], stderr: IO[str]) -> None:
        self.out = stdout
        self.err = stderr
        self.interactive = bool(getattr(stderr, "isatty", lambda: False)())
        self._progress_shown = False
        self.code = 0  # the exit code known so far (a broken pipe returns it)
        self.lang = "en"  # language of messages (--lang, the configuration, the locale)

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def message(self, text: str) -> None:
        from sopflow.i18n import translate

        self.clear_progress()
        print(translate(text, self.lang), file=self.err)

    def progress(self, text: str) -> None:
        """A one-line status on a terminal; nothing when stderr is piped or redirected."""
        if self.interactive:
            from sopflow.i18n import translate

            self.err.write("\r\x1b[K" + translate(text, self.lang)[:100])
            self.err.flush()
            self._progress_shown = True

    def clear_progress(self) -> None:
        if self._progress_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self._progress_shown = False


# -- the parser -----------------------------------------------------------------------------

_FILE_HELP = (
    "a Python file defining SOPs as module-level variables (FILE.py, or FILE.py:NAME for one "
    "of them) or a JSON definition (FILE.json, format sopflow/1)"
)

_EPILOG = """\
exit codes:
  0    success (warnings allowed unless --strict-warnings)
  1    the SOP has validation errors
  2    usage or input error (file missing, cannot be run, bad JSON, no SOP, ...)
  3    a feature is not installed (rendering, simulation)
  4    internal error in sopflow (rerun with --traceback and report it)
  130  interrupted

documentation: docs/cli.md
"""


#: Adds one subcommand: ``command(name, help, description)`` -> its parser.
_Command = Callable[[str, str, str], argparse.ArgumentParser]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sopflow`` command (all subcommands)."""
    parser = argparse.ArgumentParser(
        prog="sopflow",
        description="Government Standard Operating Procedures (SOP AP, Permenpan RB 35/2012) "
        "as code: validate, render, simulate and export SOP files.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sopflow {__version__}")
    parser.add_argument("--traceback", action="store_true",
                        help="show Python tracebacks of internal errors (for bug reports)")
    parser.add_argument("--lang", choices=("en", "id"), default=None,
                        help="language of findings and summaries: en (English) or id (Bahasa "
                        "Indonesia); default: the configuration, else the locale")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=description, epilog=_EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    _add_validate(command)
    _add_completion(command)
    _add_render(command)
    _add_simulate(command)
    _add_asrun(command)
    _add_export(command)
    _add_catalogue(command)
    _add_import(command)
    _add_new(command)
    return parser


def _add_validate(command: _Command) -> None:
    """The ``sopflow validate`` subcommand and its options."""
    p = command("validate", "check SOP files and list every finding",
                "Load each FILE, compile every SOP it defines and print all findings "
                "(errors and warnings) with file and line. Exit 1 if any SOP has an error.")
    p.add_argument("files", nargs="+", metavar="FILE", help=_FILE_HELP)
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for people (default) or json for other tools")
    p.add_argument("--strict-warnings", action="store_true",
                   help="treat warnings as errors (exit 1 if there is any warning)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="text format: print only errors and warnings, no summary lines")


def _add_completion(command: _Command) -> None:
    """The ``sopflow completion`` subcommand and its options."""
    p = command("completion", "print a shell completion script",
                "Print a completion script for bash or zsh; load it from your shell's start-up "
                "file, e.g. eval \"$(sopflow completion bash)\" in ~/.bashrc.")
    p.add_argument("shell", choices=("bash", "zsh"), help="the shell")


def _add_render(command: _Command) -> None:
    """The ``sopflow render`` subcommand and its options."""
    p = command("render", "draw the official SOP document or a flowchart",
                "Render one SOP as the official SOP AP document (identity page and "
                "flowchart table) or as a swimlane flowchart. The format follows OUT's "
                "extension: .pdf (one multi-page file), .svg or .png (one file per page).")
    p.add_argument("file", metavar="FILE", help=_FILE_HELP)
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file: .pdf, .svg, .png, or .docx (Word, document only); - for "
                   "standard output (one file: PDF, or a one-page SVG/PNG, see --format)")
    p.add_argument("--format", choices=("pdf", "svg", "png"), default=None, dest="out_format",
                   help="the format when OUT is - or FILE is a folder (default pdf)")
    p.add_argument("--force", action="store_true",
                   help="overwrite OUT (and its numbered pages) if it exists")
    p.add_argument("--view", choices=("document", "flowchart"), default="document",
                   help="the official document (default) or the swimlane flowchart")
    p.add_argument("--paper", choices=PAPERS, default=None,
                   help="paper size, landscape (document only; default: the SOP file's "
                   "document paper, else the configuration's, else A4)")
    p.add_argument("--dpi", type=_positive_int, default=150,
                   help="resolution of PNG pages (default 150)")
    p.add_argument("--header", choices=("every", "first"), default=None,
                   help="print the table header on every flowchart page or the first only "
                   "(default: the SOP file's document section, else every)")
    p.add_argument("--terminators", choices=TERMINATOR_STYLES, default=None,
                   help="'separate' Mulai/Selesai capsules, or the first and last steps drawn "
                   "as the capsules ('steps'; 'first' or 'last' only: that one) (default: the "
                   "SOP file's document section, else separate)")
    p.add_argument("--footer", default=None, metavar="TEXT",
                   help="small text at the bottom of every page (an e-signature notice)")
    p.add_argument("--empty-cell", default=None, metavar="TEXT",
                   help="text for empty Mutu Baku and Keterangan cells, e.g. '-'")
    p.add_argument("--logo", default=None, metavar="PNG",
                   help="a logo image beside the unit names (never read from the SOP file)")
    p.add_argument("--tte", nargs="?", const="", default=None, metavar="URL",
                   help="the electronic-signature block (QR code and BSrE footnote) on every "
                   "page; its QR holds URL, else the SOP file's verification_url, else the "
                   "SOP's Nomor and Nama")
    p.add_argument("--strict", action="store_true",
                   help="refuse to draw an SOP with validation errors (by default it is drawn "
                   "as written, its findings are printed and the exit code is 1)")


def _add_simulate(command: _Command) -> None:
    """The ``sopflow simulate`` subcommand and its options."""
    p = command("simulate", "estimate how long the SOP takes (Monte Carlo)",
                "Simulate many runs of one SOP and print the lead time: mean, percentiles "
                "and the chance to finish within a deadline.")
    p.add_argument("file", metavar="FILE", help=_FILE_HELP)
    p.add_argument("-n", "--replications", type=_positive_int, default=10_000,
                   help="number of simulated runs (default 10000)")
    p.add_argument("--seed", type=_seed, default=None,
                   help="random seed, for results that repeat exactly")
    p.add_argument("--start", type=_start_time, default=None, metavar="WHEN",
                   help="start date and time, e.g. 2025-01-20 or 2025-01-20T08:00, to "
                   "report finishing dates on the working calendar")
    p.add_argument("--deadline", default=None, metavar="WAKTU",
                   help="a time standard such as '10 hari kerja': report the chance to "
                   "finish within it")
    p.add_argument("--branch", action="append", default=[], metavar="STEP:LABEL=P",
                   help="probability of a decision exit, e.g. s7:Ya=0.7; give every exit of "
                   "that decision (default for a decision with none: equal shares)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for people (default) or json")


def _add_asrun(command: _Command) -> None:
    """The ``sopflow asrun`` subcommand and its options."""
    p = command("asrun", "lead time as written against as run (learned from a run store)",
                "Fit each step's duration and each decision's odds from the event log of a "
                "run store, and print the simulated lead time as written (Waktu) next to "
                "as run.")
    p.add_argument("file", metavar="FILE", help=_FILE_HELP)
    p.add_argument("--store", required=True, metavar="URL",
                   help="the run store: sqlite:///runs.db or postgresql://...")
    p.add_argument("--min-observations", type=_positive_int, default=5, metavar="N",
                   help="fit a step only with at least N completions (default 5)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for people (default) or json")


def _add_export(command: _Command) -> None:
    """The ``sopflow export`` subcommand and its options."""
    p = command("export", "write the SOP as JSON, BPMN 2.0 XML, DOT, Excel or CSV",
                "Export one SOP: json (the lossless sopflow/1 format), bpmn (BPMN 2.0 XML "
                "with lanes and diagram, for bpmn.io or Camunda Modeler) or dot (Graphviz "
                "text). JSON and DOT are written even when the SOP has errors; BPMN needs an "
                "SOP without errors. xlsx (needs -o) and csv write the steps table "
                "(docs/office.md).")
    p.add_argument("file", metavar="FILE", help=_FILE_HELP)
    p.add_argument("--to", required=True, choices=("json", "bpmn", "dot", "xlsx", "csv"),
                   dest="to", help="the format to write")
    p.add_argument("--separator", choices=(",", ";"), default=",",
                   help="csv: the field separator (';' for Excel set up for Indonesia)")
    p.add_argument("-o", "--output", metavar="OUT", default=None,
                   help="output file (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument("--executable", nargs="?", const="camunda", choices=("camunda", "spiff"),
                   default=None, help="bpmn only: an executable process (user tasks, "
                   "conditions) for Camunda 8 (FEEL, the default) or SpiffWorkflow (Python)")


def _add_catalogue(command: _Command) -> None:
    """Site and review: the catalogue's commands (options in sopflow.catalogue)."""
    from sopflow.catalogue.commands import add_review_options, add_site_options

    add_site_options(command("site", "build a static e-SOP site from folders of SOPs",
                             "Build a static e-SOP site (index with search and filters, a "
                             "page per SOP, catalogue map) in OUT; see docs/catalogue.md."))
    add_review_options(command("review", "list SOPs due or overdue for evaluation",
                               "List the SOPs whose evaluation is due soon or overdue (a "
                               "12-month cycle by default; see docs/catalogue.md)."))


def _add_import(command: _Command) -> None:
    """The ``sopflow import`` subcommand and its options."""
    p = command("import", "bring existing SOPs in: signed PDFs or SOP tables to drafts",
                "Read a signed SOP PDF (or every PDF in a folder) into a draft: OUT.json "
                "(sopflow/1) or OUT.py (DSL), with a review beside it (OUT.review.txt, "
                "OUT.review.json and one OUT-page-N.png per flowchart page; the extra "
                "sopflow[import], guide docs/import.md). Or read an SOP table (.xlsx or .csv, "
                "docs/office.md) into sopflow/1 JSON; its problems are listed with their cell "
                "and nothing is written then (exit 2).")
    p.add_argument("file", metavar="FILE",
                   help="a signed SOP PDF, a folder of PDFs, or an .xlsx/.csv table")
    p.add_argument("-o", "--output", metavar="OUT", default=None,
                   help="OUT.json or OUT.py (a folder when FILE is a folder; required for "
                   "PDFs); for a table, default or -: standard output")
    p.add_argument("--to", choices=("json", "py"), default="json",
                   help="format of each draft when importing a folder of PDFs (default json)")
    p.add_argument("--force", action="store_true",
                   help="a table: overwrite OUT if it exists")


def _add_new(command: _Command) -> None:
    """The ``sopflow new`` subcommand and its options."""
    p = command("new", "write a new SOP file from a commented template",
                "Write a Python file for a new SOP, with every identity field, two lanes, a "
                "decision and comments that explain each part. Refuses to overwrite a file.")
    p.add_argument("name", metavar="NAME",
                   help="the SOP's name (Nama SOP), e.g. 'Pengajuan Cuti Pegawai'; or a file "
                   "name ending in .py")
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="file to write (default: NAME in lower case with underscores, .py); "
                   "a .xlsx name writes a spreadsheet template instead")


def _whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


_positive_int = _whole_number(1)
_seed = _whole_number(0)


def _start_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date or date and time such as 2025-01-20 or 2025-01-20T08:00, "
            f"got {text!r}"
        ) from None


# -- helpers --------------------------------------------------------------------------------


def _configured() -> Config:
    from sopflow.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError as error:
        raise _Fail(str(error)) from None


def _sops(spec: str) -> list[LoadedSOP]:
    if spec == "-":  # standard input
        from sopflow.cli_support import load_stdin

        found = load_stdin()
    else:
        found = load_sops(spec)
    return _configured().defaults(found)


def _load(spec: str) -> list[LoadedSOP]:
    try:
        return _sops(spec)
    except LoadError as error:
        raise _Fail(f"{error}") from None


def _load_one(spec: str) -> LoadedSOP:
    found = _load(spec)
    if len(found) > 1:
        choices = ", ".join(item.label for item in found)
        raise _Fail(f"{spec}: the file defines {len(found)} SOPs; choose one: {choices}")
    return found[0]


def _compile(item: LoadedSOP, out: _Output, *, strict: bool = True) -> Procedure:
    """Compile; on validation errors print every finding and stop with exit code 1."""
    from sopflow.procedure import compile_definition

    procedure = compile_definition(item.definition, strict=False)
    if strict and not procedure.report.ok:
        _print_report(out, item, procedure.report, quiet=False, to=out.err)
        raise _Fail(f"{item.label}: not done: the SOP has validation errors", EXIT_ERRORS)
    return procedure


def _print_report(out: _Output, item: LoadedSOP, report: Report, *, quiet: bool,
                  to: IO[str] | None = None, lang: str = "en") -> None:
    from sopflow.cli_support import colour_enabled, paint
    from sopflow.i18n import message

    stream = to or out.out
    colour = colour_enabled(stream)
    out.clear_progress()
    for finding in report.findings:
        where = f"{finding.location}: " if finding.location else f"{item.source}: "
        kind = "accepted" if finding.accepted is not None else finding.severity.value
        why = (message("accepted-because", lang, reason=finding.accepted)
               if finding.accepted is not None else "")
        print(f"{where}{paint(message(kind, lang), kind, colour)} {finding.code} "
              f"[{finding.rule}] {finding.text(lang)}{why}", file=stream)
    if not quiet:
        status = message("status-ok" if report.ok else "status-failed", lang)
        print(f"{item.label}: {report.summary(lang)}: {status}", file=stream)


def _make_parent(path: str) -> None:
    """Create the output's folder (``-o out/sop.pdf`` with no ``out/`` yet), as users expect."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _Fail(f"{path}: cannot create its folder: {error.strerror}") from None


def _refuse_existing(paths: Sequence[Path], force: bool) -> None:
    """``render`` and ``export`` alike: an existing output is kept unless ``--force``."""
    for target in paths:
        try:
            exists = target.exists() or target.is_symlink()
        except OSError as error:  # e.g. a name longer than the file system allows
            raise _Fail(f"{target}: cannot use this output name: {error.strerror}") from None
        if exists and not force:
            raise _Fail(f"{target}: already exists; use --force to overwrite it")
        if exists and target.is_dir():
            raise _Fail(f"{target}: is a directory; give a file name")


def _write(out: _Output, text: str, path: str | None, *, force: bool = False) -> None:
    """Write ``text`` to standard output (no path, or ``-``) or atomically to ``path``."""
    if path is None or path == "-":
        out.out.write(text)
        return
    from sopflow._atomic import write_atomic

    _refuse_existing([Path(path)], force)
    _make_parent(path)
    try:
        write_atomic(path, text)
    except OSError as error:
        raise _Fail(f"{path}: cannot write: {error.strerror or error}") from None
    out.message(f"wrote {path}")


def _optional_module(name: str, feature: str) -> Any:
    """Import a module that another part of sopflow (or an extra) provides."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        missing = error.name or name
        raise _Fail(
            f"{feature} is not available in this installation ({missing} cannot be "
            f"imported: {error})", EXIT_UNAVAILABLE
        ) from None


def _library_call(feature: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a library function; bad values it rejects are input errors, not crashes."""
    try:
        return function(*args, **kwargs)
    except ImportError as error:
        raise _Fail(f"{feature} needs {error.name or 'a module'} which is not installed: "
                    f"{error}", EXIT_UNAVAILABLE) from None
    except (ValueError, TypeError, OverflowError) as error:
        raise _Fail(f"{feature}: {error}") from None
    except MemoryError:
        raise _Fail(f"{feature}: not enough memory; ask for less (e.g. fewer replications "
                    "with -n)") from None
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        raise _Fail(f"{feature}: {where}{error.strerror or error}") from None


# -- commands -------------------------------------------------------------------------------


def _catalogue(command: str, specs: list[str], args: argparse.Namespace, out: _Output) -> int:
    """Files and folders together: the catalogue's parallel batch (sopflow.catalogue)."""
    from sopflow.catalogue.commands import run_folder

    return run_folder(command, specs, args, out)


def _cmd_validate(args: argparse.Namespace, out: _Output) -> int:
    from sopflow.catalogue.discover import has_folder
    from sopflow.i18n import language

    if has_folder(args.files):
        return _catalogue("validate", args.files, args, out)
    config = _configured()
    lang = language(args.lang or config.lang)
    strict = args.strict_warnings or config.strict_warnings
    files: list[dict[str, Any]] = []
    code = EXIT_OK
    total = len(args.files)
    for index, spec in enumerate(args.files, start=1):
        if total > 1:
            out.progress(f"validating {index}/{total}: {spec}")
        entry: dict[str, Any] = {"file": spec, "load_error": None, "sops": []}
        files.append(entry)
        try:
            found = _sops(spec)
        except LoadError as error:
            entry["load_error"] = error.to_dict()
            code = max(code, EXIT_USAGE)
            if args.format == "text":
                out.clear_progress()
                out.print(f"{error.file}:{error.line}: error: {error.message}" if error.line
                          else f"{error.file}: error: {error.message}")
            continue
        from sopflow.procedure import compile_definition

        for item in found:
            report = config.apply(compile_definition(item.definition, strict=False).report)
            failed = not report.ok or (strict and report.warnings)
            if failed:
                code = max(code, EXIT_ERRORS)
            out.code = code  # what a broken pipe still reports
            entry["sops"].append({"variable": item.variable, **report.to_dict()})
            if args.format == "text":
                _print_report(out, item, report, quiet=args.quiet, lang=lang)
    out.clear_progress()
    if args.format == "json":
        out.print(json.dumps({"format": "sopflow-validate/1", "ok": code == EXIT_OK,
                              "exit_code": code, "files": files},
                             indent=2, ensure_ascii=False))
    return code


def _render_targets(output: str, view: str) -> list[Path]:
    """OUT and the numbered pages a document rendering to it may write (``out-1.svg``)."""
    path = Path(output)
    if path.suffix.lower() == ".pdf" or view != "document":
        return [path]
    return [path, path.with_name(f"{path.stem}-1{path.suffix}")]


def _cmd_render(args: argparse.Namespace, out: _Output) -> int:
    if Path(args.file).is_dir():
        return _catalogue("render", [args.file], args, out)
    if args.file != "-" and not Path(args.file).exists():
        raise _Fail(f"{args.file}: no such file or folder")
    to_stdout = args.output == "-"
    suffix = f".{args.out_format or 'pdf'}" if to_stdout else Path(args.output).suffix.lower()
    if args.out_format is not None and not to_stdout and suffix != f".{args.out_format}":
        raise _Fail(f"--format {args.out_format} does not match {args.output!r}; the format "
                    "follows OUT's extension (--format is for -o - or a folder)")
    if suffix not in RENDER_SUFFIXES:
        raise _Fail(f"{args.output}: unknown output format {suffix or '(none)'!r}; use "
                    + ", ".join(RENDER_SUFFIXES))
    if not to_stdout:
        _refuse_existing(_render_targets(args.output, args.view), args.force)
    item = _load_one(args.file)
    procedure = _compile_drawable(item, out, strict=args.strict)
    render = _optional_module("sopflow.render", "rendering")
    out.progress(f"rendering {item.label} ...")
    if to_stdout:
        return _render_to_stdout(args, out, render, procedure, suffix)
    _make_parent(args.output)
    result = _render_call(args, out, render, procedure, args.output)
    written = result if isinstance(result, (list, tuple)) and result else [args.output]
    for path in written:
        out.message(f"wrote {path}")
    if not procedure.report.ok:
        out.message(f"{item.label}: drawn as written, but the SOP has "
                    f"{len(procedure.report.errors)} validation error(s) (listed above)")
        return EXIT_ERRORS
    return EXIT_OK


def _paper(args: argparse.Namespace, procedure: Procedure) -> str | None:
    """--paper, else the SOP file's own paper (None lets the renderer read it), else the
    configuration's, else A4."""
    if args.paper or procedure.definition.document.paper:
        return str(args.paper) if args.paper else None
    return _configured().paper or "A4"


def _style_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The document conventions given on the command line (they win over the SOP file)."""
    flags: dict[str, Any] = {}
    if args.header is not None:
        flags["repeat_header"] = args.header == "every"
    for name in ("footer", "empty_cell", "logo", "terminators"):
        if getattr(args, name) is not None:
            flags[name] = getattr(args, name)
    return flags


def _tte_flag(args: argparse.Namespace, procedure: Procedure) -> dict[str, str]:
    """--tte [URL]: the signature block; without URL the SOP file's own link is kept."""
    if args.tte is None:
        return {}
    return {"signature": args.tte or procedure.definition.document.verification_url or ""}


def _compile_drawable(item: LoadedSOP, out: _Output, *, strict: bool) -> Procedure:
    """Compile for drawing: refuse only what cannot be drawn faithfully (or any error with
    ``strict``); print the other findings, which the drawing shows as written."""
    from sopflow.validate import blocks_drawing

    procedure = _compile(item, out, strict=strict)
    report = procedure.report
    if not report.findings:
        return procedure
    _print_report(out, item, report, quiet=False, to=out.err)
    blockers = blocks_drawing(report)
    if blockers:
        codes = ", ".join(sorted({f.code for f in blockers}))
        raise _Fail(f"{item.label}: not drawn: {codes} make the drawing unfaithful (fix "
                    "these first)", EXIT_ERRORS)
    return procedure


def _render_call(args: argparse.Namespace, out: _Output, render: Any, procedure: Procedure,
                 target: str) -> Any:
    """Render; the library's warnings (e.g. characters the font lacks) become messages."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if Path(target).suffix.lower() == ".docx" and args.view == "document":
            docx = _optional_module("sopflow.render.docx", "Word output")
            result = _library_call("Word output", docx.render_docx, procedure, target,
                                   paper=args.paper)
        elif args.view == "document":
            result = _library_call("rendering", render.render_document, procedure, target,
                                   paper=_paper(args, procedure), dpi=args.dpi,
                                   **_style_flags(args), **_tte_flag(args, procedure))
        else:
            result = _library_call("rendering", render.render_flowchart, procedure, target,
                                   dpi=args.dpi)
    for warning in caught:
        out.message(f"warning: {warning.message}")
    return result


def _render_to_stdout(args: argparse.Namespace, out: _Output, render: Any,
                      procedure: Procedure, suffix: str) -> int:
    """``-o -``: render into a private folder, then copy the one file to standard output."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sopflow-render-") as folder:
        result = _render_call(args, out, render, procedure,
                              str(Path(folder) / f"sop{suffix}"))
        written = list(result) if isinstance(result, (list, tuple)) else []
        if len(written) != 1:
            raise _Fail(f"the {suffix[1:].upper()} rendering has {len(written)} pages, one file "
                        "each; standard output takes one file: use --format pdf or a file name")
        data = Path(written[0]).read_bytes()
    out.clear_progress()
    stream = getattr(out.out, "buffer", None)
    if stream is None:
        raise _Fail("standard output does not take binary data here; give a file name")
    out.out.flush()
    stream.write(data)
    stream.flush()
    return EXIT_OK


def _branches(specs: Sequence[str]) -> dict[str, dict[str, float]] | None:
    """``["s7:Ya=0.7", "s7:Tidak=0.3"]`` -> ``{"s7": {"Ya": 0.7, "Tidak": 0.3}}``."""
    branches: dict[str, dict[str, float]] = {}
    for spec in specs:
        match = re.fullmatch(r"([^:]+):(.+)=([0-9.]+)", spec.strip())
        if match is None:
            raise _Fail(f"--branch {spec!r}: write STEP:LABEL=PROBABILITY, e.g. s7:Ya=0.7")
        step, label, value = match.groups()
        try:
            probability = float(value)
        except ValueError:
            raise _Fail(f"--branch {spec!r}: {value!r} is not a probability") from None
        branches.setdefault(step.strip(), {})[label.strip()] = probability
    return branches or None


def _cmd_simulate(args: argparse.Namespace, out: _Output) -> int:
    from sopflow.waktu import parse_waktu

    deadline = None
    if args.deadline is not None:
        deadline = parse_waktu(args.deadline)
        if not deadline.readable:
            raise _Fail(f"--deadline {args.deadline!r} cannot be read; write a number and a "
                        "unit, e.g. '10 hari kerja'")
    item = _load_one(args.file)
    procedure = _compile(item, out)
    simulate = _optional_module("sopflow.simulate", "simulation")
    out.progress(f"simulating {item.label}: {args.replications} runs")
    result = _library_call("simulation", simulate.simulate_lead_time, procedure,
                           replications=args.replications, rng=args.seed,
                           branches=_branches(args.branch),
                           deadline=deadline.text if deadline is not None else None)
    from sopflow.simulate.beside import exact_for

    exact = _library_call("simulation", exact_for, procedure, branches=_branches(args.branch))
    out.clear_progress()
    finish = None
    if args.start is not None:
        finish = _library_call("simulation", result.describe_finish, args.start)
    if args.format == "json":
        data = result.to_dict()
        data["exact"] = exact.to_dict()
        if finish is not None:
            data["finish"] = finish
        out.print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        out.print(str(result.summary()))
        out.print("\n" + "\n".join(exact.lines(result)))
        if finish is not None:
            out.print(finish)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, out: _Output) -> int:
    if Path(args.file).is_dir():
        return _catalogue("export", [args.file], args, out)
    item = _load_one(args.file)
    if args.to in ("xlsx", "csv"):
        return _export_table(args, out, item)
    if args.to == "json":
        from sopflow.interchange.json_format import dumps

        text = dumps(item.definition)
    elif args.to == "dot":
        from sopflow.interchange.dot import to_dot

        text = to_dot(_compile(item, out, strict=False))
    else:
        from sopflow.interchange.bpmn import to_bpmn

        text = to_bpmn(_compile(item, out), executable=args.executable or False)
    _write(out, text, args.output, force=args.force)
    return EXIT_OK


def _export_table(args: argparse.Namespace, out: _Output, item: LoadedSOP) -> int:
    xlsx = _optional_module("sopflow.interchange.xlsx", "Excel export")
    if args.to == "csv":
        text = _library_call("CSV export", xlsx.write_csv, item.definition,
                             delimiter=args.separator)
        if args.output is None:
            out.out.write(text)
            return EXIT_OK
    if args.output is None:
        raise _Fail("--to xlsx needs an output file: -o FILE.xlsx")
    if Path(args.output).exists() and not args.force:
        raise _Fail(f"{args.output}: already exists; use --force to overwrite it")
    _make_parent(args.output)
    if args.to == "csv":
        _library_call("CSV export", xlsx.write_csv, item.definition, args.output,
                      delimiter=args.separator)
    else:
        _library_call("Excel export", xlsx.write_xlsx, item.definition, args.output)
    out.message(f"wrote {args.output}")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace, out: _Output) -> int:
    """A table (.xlsx/.csv) to sopflow/1 JSON; a signed PDF (or a folder of them) to drafts."""
    suffix = Path(args.file).suffix.lower()
    if suffix in (".xlsx", ".csv"):
        return _import_table(args, out)
    if suffix != ".pdf" and not Path(args.file).is_dir():
        raise _Fail(f"{args.file}: cannot import {suffix or 'a file without suffix'!r}; give a "
                    "signed SOP PDF (.pdf), a folder of PDFs, or an SOP table (.xlsx, .csv)")
    return _import_pdfs(args, out)


def _import_table(args: argparse.Namespace, out: _Output) -> int:
    if not Path(args.file).is_file():
        raise _Fail(f"{args.file}: no such file")
    if args.output is not None and Path(args.output).exists() and not args.force:
        raise _Fail(f"{args.output}: already exists; use --force to overwrite it")
    from sopflow.interchange.sheet import SheetError
    from sopflow.interchange.xlsx import read_sheet

    try:
        definition = _library_call("table import", read_sheet, args.file)
    except SheetError as error:
        for finding in error.findings:
            out.message(f"{args.file}: {finding}")
        raise _Fail(f"{args.file}: not imported: {len(error.findings)} problem(s)") from None
    from sopflow._atomic import write_bytes_atomic
    from sopflow.interchange.json_format import dumps

    if args.output is None:
        out.out.write(dumps(definition))
        return EXIT_OK
    _make_parent(args.output)
    _library_call("table import", write_bytes_atomic, args.output,
                  dumps(definition).encode("utf-8"))
    out.message(f"wrote {args.output}")
    return EXIT_OK


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def template(name: str, today: date) -> str:
    """The source of a new SOP file named ``name``: every field, commented, valid as is."""
    quoted = json.dumps(name, ensure_ascii=False)
    day = f"date({today.year}, {today.month}, {today.day})"
    return f'''"""SOP {name}.

Dibuat dengan `sopflow new`. Ganti setiap isian contoh dengan isi SOP Anda, lalu periksa:

    sopflow validate {{file}}

Petunjuk lengkap: docs/tutorial-id.md ("Menulis SOP pertama").
"""

from __future__ import annotations

from datetime import date

from sopflow import END, SOP, Signatory

# Bagian identitas (halaman 1 dokumen SOP AP, Permenpan RB 35/2012).
sop = SOP(
    {quoted},                                  # Nama SOP
    number="000/00/UNIT/{today.year}",          # Nomor SOP, menurut tata naskah instansi
    unit=(                                      # nama instansi dan unit, dari atas ke bawah
        "PEMERINTAH PROVINSI CONTOH",
        "DINAS CONTOH",
    ),
    created={day},                 # Tanggal Pembuatan
    revised=None,                               # Tanggal Revisi (None bila belum ada)
    effective={day},               # Tanggal Efektif
    approved_by=Signatory(                      # Disahkan oleh
        position="Kepala Dinas Contoh",
        name="Nama Pejabat",
        nip="000000000000000000",
    ),
    legal_basis=[                               # Dasar Hukum
        "Peraturan Menteri PANRB Nomor 35 Tahun 2012 tentang Pedoman Penyusunan SOP AP",
    ],
    qualifications=["Memahami tugas dan fungsi unit"],      # Kualifikasi Pelaksana
    related=["SOP terkait (bila ada)"],                     # Keterkaitan
    equipment=["Komputer", "Formulir permohonan"],          # Peralatan/Perlengkapan
    warning="Jika SOP tidak dilaksanakan, maka layanan terlambat.",   # Peringatan
    records="Disimpan sebagai data elektronik dan manual",  # Pencatatan dan Pendataan
)

# Pelaksana: satu kolom (lane) per pelaksana, dari kiri ke kanan.
staf = sop.actor("Staf Pelaksana")
kepala = sop.actor("Kepala Seksi")

# Kegiatan: ditulis berurutan dari atas ke bawah; setiap baris mengalir ke baris berikutnya.
# Mutu Baku: inputs = Kelengkapan, time = Waktu, output = Output, note = Keterangan.
sop.step(
    "Menerima berkas permohonan",
    by=staf,
    inputs=["Formulir permohonan"],
    time="15 menit",
    output="Berkas permohonan",
)
# Keputusan: belah ketupat dengan dua jalan keluar, "Ya" dan "Tidak".
sop.decision(
    "Apakah berkas sudah lengkap?",
    by=kepala,
    yes="proses",          # id langkah tujuan; boleh langkah yang ditulis di bawah
    no="kembalikan",
    inputs=["Berkas permohonan"],
    time="30 menit",
    output="Hasil pemeriksaan",
)
sop.step(
    "Mengembalikan berkas kepada pemohon untuk dilengkapi",
    id="kembalikan",
    by=staf,
    inputs=["Hasil pemeriksaan"],
    time="10 menit",
    output="Berkas dikembalikan",
    then=END,              # alur selesai di sini
)
sop.step(
    "Memproses permohonan",
    id="proses",
    by=staf,
    inputs=["Berkas lengkap"],
    time="2 jam",
    output="Surat jawaban",
)


if __name__ == "__main__":
    print(sop.compile().summary())
'''.replace("{file}", "FILE")


def _cmd_new(args: argparse.Namespace, out: _Output) -> int:
    name: str = args.name.strip()
    if not name:
        raise _Fail("NAME must not be empty")
    if (args.output or name).lower().endswith(".xlsx"):
        return _new_table(args, out)
    if name.lower().endswith(".py") and args.output is None:
        path = Path(name)
        title = path.stem.replace("_", " ").strip().title()
    else:
        title = name
        if args.output is None and not _slug(name):
            raise _Fail(f"cannot make a file name from {name!r}; give one with -o FILE.py")
        path = Path(args.output) if args.output else Path(_slug(name) + ".py")
    if not _slug(path.stem):
        raise _Fail(f"cannot make a file name from {name!r}; give one with -o FILE.py")
    if path.suffix != ".py":
        raise _Fail(f"{path}: the new SOP file must end in .py")
    try:
        exists = path.exists()
    except OSError as error:  # e.g. a name longer than the file system allows
        raise _Fail(f"{path}: cannot use this file name: {error.strerror}") from None
    if exists:
        raise _Fail(f"{path}: already exists; not overwriting it (choose another name or -o)")
    text = template(title, date.today()).replace("FILE", str(path))
    from sopflow._atomic import write_atomic

    try:
        write_atomic(path, text)
    except OSError as error:
        raise _Fail(f"{path}: cannot write: {error.strerror or error}") from None
    out.message(f"wrote {path}: edit it, then run: sopflow validate {path}")
    return EXIT_OK


def _new_table(args: argparse.Namespace, out: _Output) -> int:
    path = Path(args.output or args.name.strip())
    title = args.name.strip() if args.output else path.stem.replace("_", " ").strip().title()
    if path.exists():
        raise _Fail(f"{path}: already exists; not overwriting it (choose another name or -o)")
    xlsx = _optional_module("sopflow.interchange.xlsx", "Excel templates")
    _library_call("Excel template", xlsx.write_template, path, name=title)
    out.message(f"wrote {path}: fill it in, then run: sopflow import {path} -o SOP.json")
    return EXIT_OK


def _cmd_completion(args: argparse.Namespace, out: _Output) -> int:
    from sopflow.cli_support import completion_script

    out.out.write(completion_script(build_parser(), args.shell))
    return EXIT_OK


def _cmd_asrun(args: argparse.Namespace, out: _Output) -> int:
    procedure = _compile(_load_one(args.file), out)
    learn = _optional_module("sopflow.runtime.learn", "learning from runs")
    from sopflow.runtime import ExecutionError

    try:
        result = _library_call("as run", learn.compare_store, procedure, args.store,
                               min_observations=args.min_observations)
    except ExecutionError as error:
        text = str(error)
        raise _Fail(text if args.store in text else f"{args.store}: {text}") from None
    out.print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str)
              if args.format == "json" else result.text())
    return EXIT_OK


def _import_pdfs(args: argparse.Namespace, out: _Output) -> int:
    if args.output is None or args.output == "-":
        raise _Fail(f"{args.file}: give the draft's name with -o OUT.json or -o OUT.py")
    hint = "import (pip install 'sopflow[import]')"
    run = _optional_module("sopflow.importers.cli", hint)
    for module in ("pypdfium2", "scipy", "PIL"):
        _optional_module(module, hint)
    failures, messages = run.run_import(Path(args.file), Path(args.output), args.to)
    for message in messages:
        out.message(message)
    if failures:
        raise _Fail(f"{failures} file(s) could not be imported")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, _Output], int]] = {
    "completion": _cmd_completion,
    "asrun": _cmd_asrun,
    "validate": _cmd_validate,
    "render": _cmd_render,
    "simulate": _cmd_simulate,
    "export": _cmd_export,
    "import": _cmd_import,
    "new": _cmd_new,
    "site": lambda args, out: _catalogue_command("run_site", args, out),
    "review": lambda args, out: _catalogue_command("run_review", args, out),
}


def _language(args: argparse.Namespace) -> str:
    """--lang, else the configuration's lang, else the locale (a broken configuration is
    reported by the commands that read it)."""
    from sopflow.config import ConfigError, load_config
    from sopflow.i18n import language

    try:
        configured = load_config().lang
    except ConfigError:
        configured = None
    return language(args.lang or configured)
def _catalogue_command(name: str, args: argparse.Namespace, out: _Output) -> int:
    from sopflow.catalogue import commands

    return int(getattr(commands, name)(args, out))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sopflow`` command with ``argv`` (default: the process's arguments).

    Returns the exit code instead of exiting, so tests and other programs can call it.
    """
    out = _Output(sys.stdout, sys.stderr)
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    out.lang = _language(args)
    try:
        return _COMMANDS[args.command](args, out)
    except _Fail as failure:
        out.message(f"sopflow {args.command}: {failure}")
        return failure.code
    except KeyboardInterrupt:
        out.message("sopflow: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `sopflow validate ... | head`: the reader went away
        from sopflow.cli_support import quiet_broken_stdout

        quiet_broken_stdout()
        return out.code
    except Exception as error:
        if args.traceback:
            raise
        out.message(f"sopflow {args.command}: internal error: {type(error).__name__}: "
                    f"{error}\n(this is a bug in sopflow; rerun with --traceback and report it)")
        return EXIT_INTERNAL
    finally:
        out.clear_progress()
