"""Work claiming: many workers take items from one worklist without taking the same one.

A claim leases the active step of up to ``limit`` running instances to one worker until the
lease runs out (``lease`` after the claim, on the executor's clock). The lease lives on the
instance row in the store, so every process sharing the store sees it:

* PostgreSQL chooses, locks and marks the rows in one ``UPDATE ... WHERE seq IN (SELECT ...
  FOR UPDATE SKIP LOCKED)``: claimers skip rows another claimer (or a writer) holds instead of
  queueing behind it, and a claimer that reaches a row just claimed re-reads it and passes.
* SQLite does the same statement inside its write transaction (one writer at a time);
  MemoryStore under its lock.

A lease ends when its step is done (the instance's active step is then another one, or the
same step on a later visit), when the worker releases it, or when it runs out: a worker that
died holding it (killed, its machine gone) delays its items by at most the lease. A lease is
for coordination, not a permission: :meth:`Executor.complete` does not check it, and two
workers that both completed the same step would still be told apart by the store (the second
gets a :class:`ConcurrentModificationError` or :class:`StepNotActiveError`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from sopflow.runtime.errors import RevisionError

if TYPE_CHECKING:
    from sopflow.runtime.executor import Executor, WorkItem

__all__ = ["claim", "lease_seconds", "release"]

_EPOCH = datetime(1970, 1, 1)


def lease_seconds(moment: datetime) -> float:
    """A moment as the number a lease is stored as: POSIX seconds of an aware moment; for a
    naive one (the default clock's local time) seconds since 1970-01-01 on that same clock,
    which every process of one deployment shares."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment.timestamp()
    return (moment - _EPOCH).total_seconds()


def _store_method(executor: Executor, name: str) -> Callable[..., Any]:
    method = getattr(executor.store, name, None)
    if method is None:
        raise TypeError(f"{type(executor.store).__name__} cannot lease work (it has no "
                        f"{name}()); use MemoryStore, SQLiteStore or PostgresStore")
    return method  # type: ignore[no-any-return]


def _check_worker(worker: object) -> str:
    if not isinstance(worker, str) or not worker.strip():
        raise TypeError(f"worker must name the worker (a non-empty str), got {worker!r}")
    return worker


def claim(  # noqa: PLR0913 (the keywords of Executor.claim)
    executor: Executor, *, worker: str, actor: str | None, person: str | None, limit: int,
    lease: timedelta, at: datetime | None,
) -> list[WorkItem]:
    """See :meth:`Executor.claim`."""
    _check_worker(worker)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a whole number of items >= 1, got {limit!r}")
    if not isinstance(lease, timedelta) or lease <= timedelta(0):
        raise ValueError(f"lease must be a positive timedelta, got {lease!r}")
    store_claim = _store_method(executor, "claim")
    now = executor.clock() if at is None else at
    executor._check_time_kind("-", now)
    wanted = executor._wanted(person, actor)
    steps = None
    if wanted is not None:  # the steps of those actors in every revision known so far
        steps = sorted({step_id for plan in list(executor._plans.values())
                        for step_id, info in plan.steps.items()
                        if not wanted.isdisjoint(info.actors)})
    until = now + lease
    instances = store_claim(procedures=sorted(executor._names), steps=steps, worker=worker,
                            limit=limit, now=lease_seconds(now), until=lease_seconds(until))
    items = []
    for instance in instances:
        try:
            item = executor._work_items(instance)[0]
        except RevisionError:  # listed by its step id, but its revision cannot be read
            release(executor, instance.id, worker=worker)
            continue
        if wanted is not None and wanted.isdisjoint(item.actors):  # another revision's step
            release(executor, instance.id, worker=worker)
            continue
        items.append(attrs.evolve(item, claimed_by=worker, lease_until=until))
    return items


def release(executor: Executor, instance_id: str, *, worker: str) -> bool:
    """See :meth:`Executor.release`."""
    _check_worker(worker)
    return bool(_store_method(executor, "release")(instance_id, worker))
