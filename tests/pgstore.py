"""A scratch PostgreSQL schema per test: created by the store, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from services import postgres_url


def new_schema() -> tuple[str, str]:
    """(store URL with a fresh schema, schema name); skips when no server (fails in CI)."""
    base = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}schema={schema}", schema


def drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def scratch_url() -> Iterator[str]:
    """A store URL whose schema is dropped when the block ends."""
    url, schema = new_schema()
    try:
        yield url
    finally:
        drop_schema(schema)
