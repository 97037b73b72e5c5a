"""Validate, render or export many SOP files at once, in parallel, with one summary.

Each file is handled in a worker process (:mod:`concurrent.futures`, one worker per core):
load, compile, validate, then the task's action for each SOP. Everything a file can do wrong
becomes data in its :class:`FileResult` (a load error, a failed render, even a crashed worker),
so one broken file never stops the others. The exit code is the worst result of all files,
with the meanings of the ``sopflow`` command (0 ok, 1 validation errors, 2 input errors,
3 a missing optional module, 4 an internal error).
"""

from __future__ import annotations

import os
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import attrs

from sopflow.catalogue.discover import SOPFile, load_file, origin_key
from sopflow.loader import LoadedSOP, LoadError

__all__ = [
    "BatchResult",
    "FileResult",
    "SOPResult",
    "Summary",
    "Task",
    "identity_record",
    "output_stem",
    "process_file",
    "run_batch",
]

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_UNAVAILABLE, EXIT_INTERNAL = 0, 1, 2, 3, 4

#: ``progress(done, total, label)``: called in the main process as files finish
Progress = Callable[[int, int, str], None]


@attrs.frozen(kw_only=True)
class Task:
    """What to do with each SOP: ``validate``, ``render``, ``export`` or ``site``.

    ``out_dir`` is where render and export write (the folder's structure is kept below it);
    ``fmt`` is the render format (pdf, svg, png) or the export format (json, bpmn, dot).
    ``options`` carries the site builder's settings (see :mod:`sopflow.catalogue.site`).
    """

    kind: str
    out_dir: str | None = None
    fmt: str = "pdf"
    view: str = "document"
    paper: str = "A4"
    dpi: float = 150.0
    force: bool = False
    strict_warnings: bool = False
    options: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class SOPResult:
    """One SOP of a file: its report (as data), what was written, and what went wrong."""

    label: str
    variable: str | None
    name: str
    report: dict[str, Any]
    outputs: tuple[str, ...] = ()
    problem: str | None = None
    problem_code: int = EXIT_OK
    record: dict[str, Any] = attrs.field(factory=dict)

    @property
    def errors(self) -> int:
        return int(self.report["errors"])

    @property
    def warnings(self) -> int:
        return int(self.report["warnings"])


@attrs.frozen(kw_only=True)
class FileResult:
    """One file: its SOPs, or why none could be loaded, or the crash that stopped it."""

    file: SOPFile
    sops: tuple[SOPResult, ...] = ()
    load_error: dict[str, Any] | None = None
    crash: str | None = None
    #: origin keys of SOPs this file imported (see :func:`~.discover.load_file`)
    deferred: tuple[str, ...] = ()

    @property
    def skipped(self) -> bool:
        """A file in a folder that holds no SOP of its own (a helper module, a script)."""
        return not self.sops and self.load_error is None and self.crash is None

    def exit_code(self, strict_warnings: bool = False) -> int:
        if self.crash is not None:
            return EXIT_INTERNAL
        if self.load_error is not None:
            return EXIT_USAGE
        code = EXIT_OK
        for sop in self.sops:
            if sop.errors or (strict_warnings and sop.warnings):
                code = max(code, EXIT_ERRORS)
            code = max(code, sop.problem_code)
        return code


@attrs.frozen(kw_only=True)
class Summary:
    """Counts over a whole batch: what a person reads at the end of the run."""

    files: int
    skipped: int
    sops: int
    load_errors: int
    crashes: int
    problems: int
    errors: int
    warnings: int
    sops_with_errors: int
    by_rule: tuple[tuple[str, str, int], ...]  # (severity, "code [rule]", count), most first
    exit_code: int

    def lines(self) -> list[str]:
        """The summary as text lines (English, like the rest of the command's messages)."""
        head = (f"{self.sops} SOP(s) in {self.files - self.skipped} file(s): "
                f"{self.errors} error(s), {self.warnings} warning(s); "
                f"{self.sops_with_errors} SOP(s) with errors")
        out = [head]
        if self.skipped:
            out.append(f"{self.skipped} file(s) without an SOP of their own skipped")
        if self.load_errors:
            out.append(f"{self.load_errors} file(s) could not be loaded")
        if self.problems:
            out.append(f"{self.problems} SOP(s) could not be written")
        if self.crashes:
            out.append(f"{self.crashes} file(s) stopped by an internal error")
        for severity, rule, count in self.by_rule:
            out.append(f"  {count:5d} {severity:<7} {rule}")
        return out

    def to_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["by_rule"] = [{"severity": s, "rule": r, "count": n} for s, r, n in self.by_rule]
        return data


@attrs.frozen(kw_only=True)
class BatchResult:
    """Every file's result, in the order the files were given."""

    task: Task
    files: tuple[FileResult, ...]

    @property
    def sops(self) -> list[SOPResult]:
        return [sop for file in self.files for sop in file.sops]

    def summary(self) -> Summary:
        rules: Counter[tuple[str, str]] = Counter()
        for sop in self.sops:
            for finding in sop.report["findings"]:
                rules[(finding["severity"], f"{finding['code']} [{finding['rule']}]")] += 1
        ordered = sorted(rules.items(), key=lambda kv: (kv[0][0] != "error", -kv[1], kv[0][1]))
        sops = self.sops
        codes = [f.exit_code(self.task.strict_warnings) for f in self.files]
        return Summary(
            files=len(self.files),
            skipped=sum(f.skipped for f in self.files),
            sops=len(sops),
            load_errors=sum(f.load_error is not None for f in self.files),
            crashes=sum(f.crash is not None for f in self.files),
            problems=sum(s.problem is not None for s in sops),
            errors=sum(s.errors for s in sops),
            warnings=sum(s.warnings for s in sops),
            sops_with_errors=sum(1 for s in sops if s.errors),
            by_rule=tuple((sev, rule, n) for (sev, rule), n in ordered),
            exit_code=max(codes, default=EXIT_OK),
        )


# -- one file (runs in a worker process) ----------------------------------------------------


def output_stem(file: SOPFile, item: LoadedSOP, several: bool) -> str:
    """Where an SOP's outputs go below OUT, without suffix: ``sub/file`` or ``sub/file.var``."""
    stem = file.relative.rsplit(".", 1)[0]
    return f"{stem}.{item.variable}" if several and item.variable else stem


def identity_record(item: LoadedSOP) -> dict[str, Any]:
    """The identity fields of an SOP as plain data (dates in ISO form), for review and site."""
    ident = item.definition.identity
    signatory = ident.approved_by
    return {
        "name": ident.name, "number": ident.number, "unit": list(ident.unit),
        "created": ident.created.isoformat() if ident.created else None,
        "revised": ident.revised.isoformat() if ident.revised else None,
        "effective": ident.effective.isoformat() if ident.effective else None,
        "approved_by": attrs.asdict(signatory) if signatory else None,
        "legal_basis": list(ident.legal_basis), "qualifications": list(ident.qualifications),
        "related": list(ident.related), "equipment": list(ident.equipment),
        "warning": ident.warning, "records": list(ident.records),
    }


def _render(procedure: Any, target: Path, task: Task) -> list[Path]:
    from sopflow.catalogue._files import write_with
    from sopflow.render import render_document, render_flowchart

    if task.view == "flowchart":
        return write_with(target, lambda p: render_flowchart(procedure, p, dpi=task.dpi))
    return write_with(target, lambda p: render_document(procedure, p, paper=task.paper,
                                                        dpi=task.dpi))


def _export(item: LoadedSOP, procedure: Any, target: Path, task: Task) -> list[Path]:
    from sopflow.catalogue._files import write_atomic

    if target.exists() and not task.force:
        raise FileExistsError(f"{target}: already exists; use --force to overwrite it")
    if task.fmt == "json":
        from sopflow.interchange.json_format import dumps

        text = dumps(item.definition)
    elif task.fmt == "dot":
        from sopflow.interchange.dot import to_dot

        text = to_dot(procedure)
    else:
        from sopflow.interchange.bpmn import to_bpmn

        text = to_bpmn(procedure)
    write_atomic(target, text)
    return [target]


def _act(file: SOPFile, item: LoadedSOP, procedure: Any, several: bool,
         task: Task) -> tuple[list[Path], dict[str, Any]]:
    """The task's action for one compiled SOP: the paths written and the site's record."""
    stem = output_stem(file, item, several)
    if task.kind == "site":
        from sopflow.catalogue.site import build_sop_assets

        return build_sop_assets(item, procedure, stem, task.options)
    out = Path(task.out_dir or ".")
    if task.kind == "render":
        return _render(procedure, out / f"{stem}.{task.fmt}", task), {}
    if task.kind == "export":
        return _export(item, procedure, out / f"{stem}.{task.fmt}", task), {}
    return [], {}


def _needs_valid(task: Task) -> bool:
    """Render and BPMN export refuse an SOP with errors, as the single-file commands do."""
    return task.kind == "render" or (task.kind == "export" and task.fmt == "bpmn")


def _one_sop(file: SOPFile, item: LoadedSOP, several: bool, task: Task) -> SOPResult:
    from sopflow.procedure import compile_definition

    procedure = compile_definition(item.definition, strict=False)
    report = procedure.report
    result = SOPResult(label=item.label, variable=item.variable, name=item.definition.name,
                       report=report.to_dict(),
                       record={**identity_record(item), "source": file.relative,
                               "origin": origin_key(item)})
    if _needs_valid(task) and not report.ok:
        return attrs.evolve(result, problem="not written: the SOP has validation errors")
    try:
        written, record = _act(file, item, procedure, several, task)
    except ImportError as error:
        return attrs.evolve(result, problem=f"needs {error.name or 'a module'} which is not "
                            f"installed: {error}", problem_code=EXIT_UNAVAILABLE)
    except (ValueError, TypeError, OSError) as error:
        return attrs.evolve(result, problem=f"{type(error).__name__}: {error}",
                            problem_code=EXIT_USAGE)
    return attrs.evolve(result, outputs=tuple(str(p) for p in written),
                        record={**result.record, **record})


def process_file(file: SOPFile, task: Task,
                 adopt: frozenset[str] = frozenset()) -> FileResult:
    """Load one file and do ``task`` for each of its SOPs; never raises for bad input.

    With ``adopt``, only the SOPs the file imported whose origin key is in it are done (the
    second pass of :func:`run_batch`).
    """
    try:
        found, imported = load_file(file)
    except LoadError as error:
        return FileResult(file=file, load_error=error.to_dict())
    keys = [origin_key(item) or "" for item in imported]
    several = len(found) + len(imported) > 1  # output names as in the first pass
    if adopt:
        found = [item for item, key in zip(imported, keys, strict=True) if key in adopt]
        keys = []
    try:
        return FileResult(file=file, sops=tuple(_one_sop(file, item, several, task)
                                                for item in found), deferred=tuple(keys))
    except KeyboardInterrupt:
        raise
    except Exception as error:
        where = traceback.extract_tb(error.__traceback__)[-1]
        return FileResult(file=file, crash=f"{type(error).__name__}: {error} "
                          f"(at {Path(where.filename).name}:{where.lineno})")


# -- many files ----------------------------------------------------------------------------


def _workers(requested: int | None, files: int) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(requested or cores or 1, files))


def _pool_run(files: Sequence[SOPFile], task: Task, workers: int,
              done: Callable[[int, FileResult], None],
              adopt: Sequence[frozenset[str]] | None = None) -> list[int]:
    """Run ``files`` in a process pool; the indexes whose worker died are returned."""
    broken: list[int] = []
    sets = adopt or [frozenset()] * len(files)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures: dict[Future[FileResult], int] = {
            pool.submit(process_file, file, task, keys): index
            for index, (file, keys) in enumerate(zip(files, sets, strict=True))
        }
        try:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    done(index, future.result())
                except BrokenProcessPool:
                    broken.append(index)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return broken


def _run(files: Sequence[SOPFile], task: Task, workers: int,
         done: Callable[[int, FileResult], None],
         adopt: Sequence[frozenset[str]] | None = None) -> None:
    """Every file through ``done``: inline for one worker, else in a pool (with retries)."""
    sets = adopt or [frozenset()] * len(files)
    if workers == 1:
        for index, file in enumerate(files):
            done(index, process_file(file, task, sets[index]))
        return
    broken = _pool_run(files, task, workers, done, adopt)
    if broken:
        # a dead worker fails every file still queued; the one that killed it is among the
        # first of them, so a second pool takes them in reverse order (the others finish
        # before it dies again), and what is left is tried one file per pool
        again = sorted(broken, reverse=True)
        broken = [again[k] for k in _pool_run(
            [files[i] for i in again], task, workers,
            lambda k, result: done(again[k], result), [sets[i] for i in again])]
    for index in sorted(broken):
        def alone(_: int, result: FileResult, index: int = index) -> None:
            done(index, result)

        if _pool_run([files[index]], task, 1, alone, [sets[index]]):
            done(index, FileResult(file=files[index], crash="the worker process died "
                                   "while handling this file"))


def _orphans(results: Sequence[FileResult | None]) -> dict[int, frozenset[str]]:
    """SOPs that files imported from a file which does not bind them itself (made by a
    helper function there): each goes back to the first file that imported it."""
    owned = {sop.record.get("origin") for result in results if result is not None
             for sop in result.sops}
    adopt: dict[int, set[str]] = {}
    for index, result in enumerate(results):
        for key in result.deferred if result is not None else ():
            if key and key not in owned:
                owned.add(key)
                adopt.setdefault(index, set()).add(key)
    return {index: frozenset(keys) for index, keys in adopt.items()}


def run_batch(files: Sequence[SOPFile], task: Task, *, workers: int | None = None,
              progress: Progress | None = None) -> BatchResult:
    """Do ``task`` for every file, on ``workers`` processes (default: the usable cores).

    A file whose worker process dies (a crash in a native library) is retried alone; if it
    dies again it is reported as an internal error and the others carry on. An SOP that a
    file imports is done once, in the file that binds it where it was made, or else in the
    first file that imported it (a second, usually empty, pass).
    """
    results: list[FileResult | None] = [None] * len(files)
    count = 0

    def done(index: int, result: FileResult) -> None:
        nonlocal count
        results[index] = result
        count += 1
        if progress is not None:
            progress(min(count, len(files)), len(files), files[index].spec)

    _run(files, task, _workers(workers, len(files)), done)
    orphans = _orphans(results)
    if orphans:
        order = sorted(orphans)
        extra: dict[int, FileResult] = {}
        _run([files[i] for i in order], task, _workers(workers, len(order)),
             lambda k, r: extra.__setitem__(order[k], r), [orphans[i] for i in order])
        for index, result in extra.items():
            base = results[index]
            if base is not None:
                results[index] = attrs.evolve(base, sops=base.sops + result.sops,
                                              crash=base.crash or result.crash)
    return BatchResult(task=task, files=tuple(r for r in results if r is not None))
