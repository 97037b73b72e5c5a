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
from sopflow.loader import LoadedSOP, LoadError, load_sops

if TYPE_CHECKING:
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
RENDER_SUFFIXES = (".pdf", ".svg", ".png")


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

    def print(self, text: str = "") -> None:
        print(text, file=self.out)

    def message(self, text: str) -> None:
        self.clear_progress()
        print(text, file=self.err)

    def progress(self, text: str) -> None:
        """A one-line status on a terminal; nothing when stderr is piped or redirected."""
        if self.interactive:
            self.err.write("\r\x1b[K" + text[:100])
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=description, epilog=_EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

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

    p = command("render", "draw the official SOP document or a flowchart",
                "Render one SOP as the official SOP AP document (identity page and "
                "flowchart table) or as a compact flowchart. The format follows OUT's "
                "extension: .pdf (one multi-page file), .svg or .png (one file per page).")
    p.add_argument("file", metavar="FILE", help=_FILE_HELP)
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file: .pdf, .svg or .png")
    p.add_argument("--view", choices=("document", "flowchart"), default="document",
                   help="the official document (default) or a Graphviz flowchart")
    p.add_argument("--paper", choices=PAPERS, default="A4",
                   help="paper size, landscape (document only; default A4)")
    p.add_argument("--dpi", type=_positive_int, default=150,
                   help="resolution of PNG pages (default 150)")

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

    p = command("export", "write the SOP as JSON, BPMN 2.0 XML or DOT",
                "Export one SOP: json (the lossless sopflow/1 format), bpmn (BPMN 2.0 XML "
                "with lanes and diagram, for bpmn.io or Camunda Modeler) or dot (Graphviz "
                "text). JSON and DOT are written even when the SOP has errors; BPMN needs an "
                "SOP without errors.")
    p.add_argument("file", metavar="FILE", help=_FILE_HELP)
    p.add_argument("--to", required=True, choices=("json", "bpmn", "dot"), dest="to",
                   help="the format to write")
    p.add_argument("-o", "--output", metavar="OUT", default=None,
                   help="output file (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")

    p = command("import", "read existing SOP documents (signed PDFs) into draft SOP files",
                "Read FILE.pdf (or every PDF in a folder) into a draft: OUT.json (sopflow/1) "
                "or OUT.py (DSL), with a review beside it (OUT.review.txt, OUT.review.json and "
                "one OUT-page-N.png per flowchart page). Needs the extra sopflow[import]. "
                "Guide: docs/import.md")
    p.add_argument("source", metavar="FILE", help="a PDF, or a folder of PDFs")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="OUT.json or OUT.py; a folder when FILE is a folder")
    p.add_argument("--to", choices=("json", "py"), default="json",
                   help="format of each draft when importing a folder (default json)")

    p = command("new", "write a new SOP file from a commented template",
                "Write a Python file for a new SOP, with every identity field, two lanes, a "
                "decision and comments that explain each part. Refuses to overwrite a file.")
    p.add_argument("name", metavar="NAME",
                   help="the SOP's name (Nama SOP), e.g. 'Pengajuan Cuti Pegawai'; or a file "
                   "name ending in .py")
    p.add_argument("-o", "--output", metavar="FILE", default=None,
                   help="file to write (default: NAME in lower case with underscores, .py)")
    return parser


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


def _load(spec: str) -> list[LoadedSOP]:
    try:
        return load_sops(spec)
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
                  to: IO[str] | None = None) -> None:
    stream = to or out.out
    out.clear_progress()
    for finding in report.findings:
        where = f"{finding.location}: " if finding.location else f"{item.source}: "
        print(f"{where}{finding.severity.value} {finding.code} [{finding.rule}] "
              f"{finding.message}", file=stream)
    if not quiet:
        status = "OK" if report.ok else "FAILED"
        print(f"{item.label}: SOP {report.sop!r}: {len(report.errors)} error(s), "
              f"{len(report.warnings)} warning(s): {status}", file=stream)


def _make_parent(path: str) -> None:
    """Create the output's folder (``-o out/sop.pdf`` with no ``out/`` yet), as users expect."""
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _Fail(f"{path}: cannot create its folder: {error.strerror}") from None


def _write(out: _Output, text: str, path: str | None, *, force: bool = False) -> None:
    if path is None:
        out.out.write(text)
        return
    target = Path(path)
    if target.exists() and not force:
        raise _Fail(f"{path}: already exists; use --force to overwrite it")
    _make_parent(path)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise _Fail(f"{path}: cannot write: {error.strerror}") from None
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
    except (ValueError, TypeError) as error:
        raise _Fail(f"{feature}: {error}") from None
    except MemoryError:
        raise _Fail(f"{feature}: not enough memory; ask for less (e.g. fewer replications "
                    "with -n)") from None
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        raise _Fail(f"{feature}: {where}{error.strerror or error}") from None


# -- commands -------------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace, out: _Output) -> int:
    files: list[dict[str, Any]] = []
    code = EXIT_OK
    total = len(args.files)
    for index, spec in enumerate(args.files, start=1):
        if total > 1:
            out.progress(f"validating {index}/{total}: {spec}")
        entry: dict[str, Any] = {"file": spec, "load_error": None, "sops": []}
        files.append(entry)
        try:
            found = load_sops(spec)
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
            report = compile_definition(item.definition, strict=False).report
            failed = not report.ok or (args.strict_warnings and report.warnings)
            if failed:
                code = max(code, EXIT_ERRORS)
            entry["sops"].append({"variable": item.variable, **report.to_dict()})
            if args.format == "text":
                _print_report(out, item, report, quiet=args.quiet)
    out.clear_progress()
    if args.format == "json":
        out.print(json.dumps({"format": "sopflow-validate/1", "ok": code == EXIT_OK,
                              "exit_code": code, "files": files},
                             indent=2, ensure_ascii=False))
    return code


def _cmd_render(args: argparse.Namespace, out: _Output) -> int:
    suffix = Path(args.output).suffix.lower()
    if suffix not in RENDER_SUFFIXES:
        raise _Fail(f"{args.output}: unknown output format {suffix or '(none)'!r}; use "
                    + ", ".join(RENDER_SUFFIXES))
    item = _load_one(args.file)
    procedure = _compile(item, out)
    render = _optional_module("sopflow.render", "rendering")
    _make_parent(args.output)
    out.progress(f"rendering {item.label} ...")
    if args.view == "document":
        result = _library_call("rendering", render.render_document, procedure, args.output,
                               paper=args.paper, dpi=args.dpi)
    else:
        result = _library_call("rendering", render.render_flowchart, procedure, args.output,
                               dpi=args.dpi)
    written = result if isinstance(result, (list, tuple)) and result else [args.output]
    for path in written:
        out.message(f"wrote {path}")
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
    out.clear_progress()
    finish = None
    if args.start is not None:
        finish = _library_call("simulation", result.describe_finish, args.start)
    if args.format == "json":
        data = result.to_dict()
        if finish is not None:
            data["finish"] = finish
        out.print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        out.print(str(result.summary()))
        if finish is not None:
            out.print(finish)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, out: _Output) -> int:
    item = _load_one(args.file)
    if args.to == "json":
        from sopflow.interchange.json_format import dumps

        text = dumps(item.definition)
    elif args.to == "dot":
        from sopflow.interchange.dot import to_dot

        text = to_dot(_compile(item, out, strict=False))
    else:
        from sopflow.interchange.bpmn import to_bpmn

        text = to_bpmn(_compile(item, out))
    _write(out, text, args.output, force=args.force)
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
    if path.exists():
        raise _Fail(f"{path}: already exists; not overwriting it (choose another name or -o)")
    text = template(title, date.today()).replace("FILE", str(path))
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise _Fail(f"{path}: already exists; not overwriting it") from None
    except OSError as error:
        raise _Fail(f"{path}: cannot write: {error.strerror}") from None
    out.message(f"wrote {path}: edit it, then run: sopflow validate {path}")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace, out: _Output) -> int:
    hint = "import (pip install 'sopflow[import]')"
    run = _optional_module("sopflow.importers.cli", hint)
    for module in ("pypdfium2", "scipy", "PIL"):
        _optional_module(module, hint)
    failures, messages = run.run_import(Path(args.source), Path(args.output), args.to)
    for message in messages:
        out.message(message)
    if failures:
        raise _Fail(f"{failures} file(s) could not be imported")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, _Output], int]] = {
    "import": _cmd_import,
    "validate": _cmd_validate,
    "render": _cmd_render,
    "simulate": _cmd_simulate,
    "export": _cmd_export,
    "new": _cmd_new,
}


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
    try:
        return _COMMANDS[args.command](args, out)
    except _Fail as failure:
        out.message(f"sopflow {args.command}: {failure}")
        return failure.code
    except KeyboardInterrupt:
        out.message("sopflow: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `sopflow export ... | head`: the reader went away
        return EXIT_OK
    except Exception as error:
        if args.traceback:
            raise
        out.message(f"sopflow {args.command}: internal error: {type(error).__name__}: "
                    f"{error}\n(this is a bug in sopflow; rerun with --traceback and report it)")
        return EXIT_INTERNAL
    finally:
        out.clear_progress()
