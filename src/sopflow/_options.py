"""Options classes that answer a wrong keyword with the right one.

``ColumnLabels(uraian="Uraian Kegiatan")`` raised ``TypeError: ... got an unexpected keyword
argument 'uraian'`` and left the user to guess. :func:`helpful_options` makes such a class
say which option it has instead ("did you mean"), and list them all.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

__all__ = ["helpful_options"]

_C = TypeVar("_C", bound=type)


def _unknown(cls: type, names: list[str], key: str, hints: Mapping[str, str]) -> TypeError:
    close = hints.get(key.lower()) or next(
        iter(difflib.get_close_matches(key, names, n=1, cutoff=0.6)), None)
    hint = f"; did you mean {close!r}?" if close else ""
    return TypeError(f"{cls.__name__} has no option {key!r}{hint} "
                     f"(its options: {', '.join(names)})")


def helpful_options(hints: Mapping[str, str] | None = None) -> Callable[[_C], _C]:
    """Class decorator for attrs classes: an unknown keyword raises a TypeError naming the
    class, the closest option (or the one ``hints`` maps it to) and every valid option."""

    def decorate(cls: _C) -> _C:
        names = [a.alias for a in attrs.fields(cls) if a.init]
        original: Callable[..., None] = cls.__init__  # type: ignore[misc]

        @functools.wraps(original)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            for key in kwargs:
                if key not in names:
                    raise _unknown(cls, names, key, hints or {})
            original(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[misc]
        return cls

    return decorate
