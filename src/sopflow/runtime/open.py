"""Open a store from a URL, so a deployment chooses its database in configuration."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sopflow.runtime.store import MemoryStore, Store

__all__ = ["open_store"]

_SQLITE_OPTIONS = {"synchronous": str, "timeout": float}
_POSTGRES_OPTIONS = {"schema": str, "timeout": float}


def _options(query: list[tuple[str, str]], known: dict[str, type], url: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key, value in query:
        kind = known.get(key)
        if kind is None:
            raise ValueError(f"{url}: unknown option {key!r} (known: {', '.join(known)})")
        try:
            options[key] = kind(value.upper() if key == "synchronous" else value)
        except ValueError:
            raise ValueError(f"{url}: option {key}={value!r} is not a {kind.__name__}") from None
    return options


def open_store(url: str) -> Store:
    """The store a URL names.

    * ``memory:``: a :class:`MemoryStore` (nothing survives the process);
    * ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` (options:
      ``?synchronous=NORMAL&timeout=5``): a :class:`SQLiteStore`;
    * ``postgresql://user@host:5432/db?schema=sopflow&timeout=5`` (also ``postgres://``):
      a :class:`PostgresStore` (needs ``pip install 'sopflow[postgres]'``); the other query
      parameters go to libpq.
    """
    if not isinstance(url, str):
        raise TypeError(f"open_store takes a URL string, got {url!r}")
    if url in ("memory:", "memory://"):
        return MemoryStore()
    scheme, _, rest = url.partition(":")
    if scheme == "sqlite":
        if not rest.startswith("///") or len(rest) == 3:
            raise ValueError(f"{url}: a SQLite URL is sqlite:///path.db (relative) or "
                             "sqlite:////abs/path.db")
        path, _, query = rest[3:].partition("?")
        from sopflow.runtime.sqlite_store import SQLiteStore

        return SQLiteStore(path, **_options(parse_qsl(query, keep_blank_values=True),
                                            _SQLITE_OPTIONS, url))
    if scheme in ("postgresql", "postgres"):
        parts = urlsplit(url)
        ours = [(k, v) for k, v in parse_qsl(parts.query) if k in _POSTGRES_OPTIONS]
        libpq = [(k, v) for k, v in parse_qsl(parts.query) if k not in _POSTGRES_OPTIONS]
        from sopflow.runtime.postgres_store import PostgresStore

        return PostgresStore(urlunsplit(parts._replace(query=urlencode(libpq))),
                             **_options(ours, _POSTGRES_OPTIONS, url))
    raise ValueError(f"{url!r}: not a store URL (memory:, sqlite:///path.db, postgresql://...)")
