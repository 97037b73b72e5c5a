"""What the ``sopflow`` command needs around its subcommands: reading an SOP from standard
input (``-``), colour on a terminal, and shell completion scripts built from the parser."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Mapping
from typing import IO

from sopflow.loader import LoadedSOP, LoadError

__all__ = ["colour_enabled", "completion_script", "load_stdin", "paint"]


def load_stdin(stream: IO[str] | None = None) -> list[LoadedSOP]:
    """The SOPs in standard input: a sopflow/1 JSON document (it starts with ``{``) or the
    source of a Python SOP file."""
    from sopflow.interchange.json_format import JSONFormatError, loads

    text = (stream or sys.stdin).read()
    if text.lstrip().startswith("{"):
        try:
            return [LoadedSOP(source="-", variable=None,
                              definition=loads(text, file="<stdin>"))]
        except JSONFormatError as error:
            where = f"{error.path}: " if error.path != "$" else ""
            raise LoadError(f"{where}{error.message}", file="<stdin>",
                            line=error.line) from None
    from sopflow.loader import load_sops

    with tempfile.TemporaryDirectory(prefix="sopflow-stdin-") as folder:
        path = os.path.join(folder, "stdin.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return [LoadedSOP(source="-", variable=item.variable, definition=item.definition)
                for item in load_sops(path)]


def colour_enabled(stream: IO[str], environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org) or the
    terminal is dumb."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


_COLOURS = {"error": "31", "warning": "33", "accepted": "32"}


def paint(text: str, kind: str, enabled: bool) -> str:
    """``text`` in the colour of ``kind`` (error red, warning yellow, accepted green)."""
    code = _COLOURS.get(kind)
    return f"\x1b[{code}m{text}\x1b[0m" if enabled and code else text


def completion_script(parser: argparse.ArgumentParser, shell: str) -> str:
    """A completion script for ``shell`` (bash or zsh): subcommands, their options, the
    choices of options that have them, and file names elsewhere."""
    commands: dict[str, list[str]] = {}
    choices: dict[str, list[str]] = {}
    top = [o for a in parser._actions for o in a.option_strings]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                commands[name] = [o for a in sub._actions for o in a.option_strings]
                for a in sub._actions:
                    if a.choices and a.option_strings:
                        for option in a.option_strings:  # per command: --to differs
                            choices[f"{name}:{option}"] = [str(c) for c in a.choices]
    cases = "\n".join(
        f'        {name}) opts="{" ".join(options)}" ;;' for name, options in commands.items()
    )
    choice_cases = "\n".join(
        f'        {option}) COMPREPLY=($(compgen -W "{" ".join(values)}" -- "$cur")); return ;;'
        for option, values in choices.items()
    )
    body = f"""_sopflow() {{
    local cur prev cmd opts i
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in -*) ;; *) cmd="${{COMP_WORDS[i]}}"; break ;; esac
    done
    if [[ -z "$cmd" ]]; then
        COMPREPLY=($(compgen -W "{' '.join(commands)} {' '.join(top)}" -- "$cur"))
        return
    fi
    case "$cmd:$prev" in
{choice_cases}
    esac
    case "$cmd" in
{cases}
        *) opts="" ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}}
complete -o filenames -F _sopflow sopflow
"""
    if shell == "zsh":
        return "autoload -U +X bashcompinit && bashcompinit\n" + body
    if shell != "bash":
        raise ValueError(f"unknown shell {shell!r}; one of bash, zsh")
    return body


def quiet_broken_stdout() -> None:
    """After the reader of standard output went away (``sopflow ... | head``), point it at
    the null device so Python's final flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests pass a StringIO): nothing to silence
