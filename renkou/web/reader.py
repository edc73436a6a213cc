"""Long analytical reads of the dashboard on their own connection, so that they do not hold the service's lock.

The service serialises every use of its DuckDB connection with one lock (:meth:`renkou.api.service.Service.database`),
and every signed-in request takes that lock to look up its session. An indicator set of a large register takes
seconds; computed under the lock it would stall every other user's page for as long. DuckDB lets one process hold
several connections to the same database (they share one database instance, with snapshot isolation), so the
dashboard's computations open a second connection, read inside one transaction (one consistent snapshot), and close
it. An engine other than a DuckDB file falls back to the service's own connection under its lock.

Results are cached in the service's cache (emptied by every write through the service); one computation per key
runs at a time, and a result computed while the register changed is returned but not kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def cached(service: Service, key: tuple[Any, ...], compute: Callable[[Register], T]) -> T:
    """``compute(register)`` once per state of the register, on the analytics connection."""
    full_key = ("web", *key)
    with service.cache_lock:
        if full_key in service.cache:
            return service.cache[full_key]
    with _key_lock(service, key):
        with service.cache_lock:  # another request may have computed it while this one waited
            if full_key in service.cache:
                return service.cache[full_key]
            generation = service.generation
        with analytics_register(service) as register:
            value = compute(register)
        with service.cache_lock:
            if service.generation == generation:
                service.cache[full_key] = value
    return value
