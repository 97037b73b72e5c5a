"""Build frozen attrs values from arguments that have already been checked.

The DSL checks every argument where the user writes it (so an error names the argument and
the line); running attrs' converters and validators again in ``Step.__init__`` only repeated
that work, for every step of a 100,000-row SOP. :func:`trusted_constructor` makes a keyword
constructor that stores the *trusted* fields as given and still converts and validates any
other field, so a field added to the class later keeps its own checks until its caller is
taught to check it first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

__all__ = ["trusted_constructor"]

_T = TypeVar("_T")


@functools.cache
def trusted_constructor(cls: type[_T], trusted: frozenset[str]) -> Callable[..., _T]:
    """A keyword-only constructor of the frozen, slotted attrs class ``cls`` that stores the
    fields named in ``trusted`` exactly as given (no converter, no validator) and treats every
    other field as ``cls.__init__`` does (default, converter, validator). Generated once per
    class, as attrs generates ``__init__``; the result equals ``cls(**kwargs)`` for checked
    arguments (tests/test_core_speedups.py)."""
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    params, body, checks = [], [], []
    for index, field in enumerate(fields):
        name = field.name
        namespace[f"_set{index}"] = cls.__dict__[name].__set__  # the slot's own setter
        default = field.default
        if default is attrs.NOTHING:
            params.append(name)
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            namespace[f"_factory{index}"] = default.factory
            params.append(f"{name}=_nothing")
            arg = "_o" if default.takes_self else ""
            body.append(f"    if {name} is _nothing: {name} = _factory{index}({arg})")
        else:
            namespace[f"_default{index}"] = default
            params.append(f"{name}=_default{index}")
        value = name
        if name not in trusted and isinstance(field.converter, attrs.Converter):
            return cls  # a converter that reads the instance: attrs' own __init__ knows how
        if name not in trusted and field.converter is not None:
            namespace[f"_convert{index}"] = field.converter
            value = f"_convert{index}({name})"
        body.append(f"    _set{index}(_o, {value})")
        if name not in trusted and field.validator is not None:
            namespace[f"_validate{index}"] = field.validator
            namespace[f"_field{index}"] = field
            checks.append(f"    _validate{index}(_o, _field{index}, _o.{name})")
    namespace["_nothing"] = attrs.NOTHING
    post = ["    _o.__attrs_post_init__()"] if hasattr(cls, "__attrs_post_init__") else []
    lines: Iterable[str] = (
        f"def build(*, {', '.join(params)}):", "    _o = _new(_cls)", *body, *checks, *post,
        "    return _o",
    )
    exec("\n".join(lines), namespace)  # the source is made of the class's own field names
    built: Callable[..., _T] = namespace["build"]
    return built
