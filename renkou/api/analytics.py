"""Long analytical reads on their own connection, cached until the register changes; the year-end indicator sets.

The service serialises every use of its DuckDB connection with one lock (:meth:`renkou.api.service.Service.database`),
and every signed-in request takes that lock to look up its session. An indicator set of a large register takes
seconds; computed under the lock it would stall every other user's page for as long. DuckDB lets one process hold
several connections to the same database (they share one database instance, with snapshot isolation), so these
computations open a second connection, read inside one transaction (one consistent snapshot), and close it. An engine
other than a DuckDB file falls back to the service's own connection under its lock.

Results are cached in the service's cache (emptied by every write through the service); one computation per key
runs at a time, and a result computed while the register changed is returned but not kept. The dashboard
(:mod:`renkou.web`) and the public indicators (:mod:`renkou.api.public_figures`) share these caches, so an indicator
set is computed once for both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from renkou.api.service import Service
from renkou.engine.duckdb import DuckDBEngine
from renkou.register.store import Register

T = TypeVar("T")


@contextmanager
def analytics_register(service: Service) -> Iterator[Register]:
    """The register on a second connection (one snapshot), or the service's own under its lock."""
    engine = service.register.engine
    path = getattr(engine, "path", None)
    if not isinstance(engine, DuckDBEngine) or not path or path == ":memory:":
        with service.database():
            yield service.register
        return
    reader = Register(DuckDBEngine(path), service.register.keys)
    try:
        with reader.engine.transaction():
            yield reader
    finally:
        reader.close()


def _key_lock(service: Service, key: tuple[Any, ...]) -> threading.Lock:
    with service.cache_lock:
        found = service.cache.get(("web-lock", *key))
        if found is None:
            found = threading.Lock()
            service.cache[("web-lock", *key)] = found
        return found


def memo(service: Service, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per state of the register (one computation per key at a time)."""
    full_key = ("web", *key)
    with service.cache_lock:
        if full_key in service.cache:
            return service.cache[full_key]
    with _key_lock(service, key):
        with service.cache_lock:  # another request may have computed it while this one waited
            if full_key in service.cache:
                return service.cache[full_key]
            generation = service.generation
        value = compute()
        with service.cache_lock:
            if service.generation == generation:
                service.cache[full_key] = value
    return value


def cached(service: Service, key: tuple[Any, ...], compute: Callable[[Register], T]) -> T:
    """``compute(register)`` once per state of the register, on the analytics connection."""

    def on_snapshot() -> T:
        with analytics_register(service) as register:
            return compute(register)

    return memo(service, key, on_snapshot)


def usable_years(
    start: date | None, last_recorded: date | None, today: date, years_with_events: Iterable[int]
) -> list[int]:
    """Years whose indicator set can be computed: 31 December on or after the register's start (its baseline),
    not after the last recording nor today, and with events in the year."""
    if start is None or last_recorded is None:
        return []
    limit = min(last_recorded, today)
    return sorted(y for y in set(years_with_events) if start <= date(y, 12, 31) <= limit)


def indicator_years(service: Service) -> list[int]:
    """The year-ends whose indicator sets can be shown (:func:`usable_years` of the register)."""

    def compute(register: Register) -> list[int]:
        from renkou.stats.counts import register_range

        engine = register.engine
        today = service.now().date()
        found = register_range(engine, date(today.year, 12, 31))
        with_events = [int(row[0]) for row in engine.rows("SELECT DISTINCT year(occurred_on) FROM events")]
        return usable_years(found.start, found.last_recorded, today, with_events)

    return cached(service, ("years", service.now().date()), compute)


def year_stats(service: Service, year: int) -> dict[str, Any]:
    """The indicator set on 31 December ``year`` (what ``renkou stats --as-of`` prints)."""

    def compute(register: Register) -> dict[str, Any]:
        from renkou.stats.compute import StatsRequest, compute_stats

        return compute_stats(register, StatsRequest(as_of=date(year, 12, 31)))

    return cached(service, ("stats", year), compute)
