"""The running service: the register's database (owned for writing by this process), its lock, the clock, caches.

DuckDB lets one process open a database file for writing; ``renkou serve`` is that process, so it serves reads from
the same database. A DuckDB connection must not be used by two threads at once, hence :meth:`Service.database`:
every write (and every short read-then-write, such as a session check) goes through one engine under one lock.
Longer reads use :meth:`Service.reading`, a per-thread cursor that needs no lock (:mod:`renkou.api.readers`).
Published aggregates are cached (:mod:`renkou.api.published`), so the public's hot path touches no database at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher

from renkou.api import audit
from renkou.api.ratelimit import LoginFailures
from renkou.api.readers import Readers
from renkou.api.schema import ensure_schema
from renkou.api.settings import ServiceSettings
from renkou.engine import Engine
from renkou.errors import UserError
from renkou.register.store import Register

Clock = Callable[[], datetime]
T = TypeVar("T")
ANSWERS_KEPT = 4096  # cached public answers (each a few kilobytes); the oldest go first


class AnswerCache(Generic[T]):
    """Ready-made answers, bounded in number (the oldest go first), dropped when the register changes."""

    def __init__(self, size: int = ANSWERS_KEPT) -> None:
        self.size = size
        self._items: OrderedDict[Any, T] = OrderedDict()
        self._lock = threading.Lock()
        self.generation = 0

    def get(self, key: Any) -> T | None:
        """The cached answer, or None."""
        with self._lock:
            return self._items.get(key)

    def put(self, key: Any, body: T, generation: int) -> None:
        """Keep ``body`` unless the register changed since it was computed (``generation`` is then stale)."""
        with self._lock:
            if generation != self.generation:
                return
            self._items[key] = body
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self, generation: int) -> None:
        """Forget everything (the register changed)."""
        with self._lock:
            self.generation = generation
            self._items.clear()


def utc_now() -> datetime:
    """The current UTC time without a zone (how the database stores times)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Service:
    """What every endpoint shares."""

    def __init__(self, register: Register, settings: ServiceSettings | None = None, clock: Clock | None = None) -> None:
        self.register = register
        self.settings = settings or ServiceSettings()
        self.clock: Clock = clock or utc_now
        self._lock = threading.RLock()
        self.hasher = PasswordHasher(
            time_cost=self.settings.argon2_time_cost,
            memory_cost=self.settings.argon2_memory_kib,
            parallelism=self.settings.argon2_parallelism,
        )
        # Bumped whenever the register's data change through this service; caches keyed on it go stale at once.
        self.generation = 0
        self.cache: dict[Any, Any] = {}
        self.cache_lock = threading.Lock()
        self.compute_lock = threading.Lock()  # published tables are computed one at a time
        self.answers: AnswerCache[bytes] = AnswerCache()  # bodies by parsed query (renkou.api.routers.public)
        self.responses: AnswerCache[Any] = AnswerCache()  # whole responses by raw URL (renkou.api.fastpath)
        self._tasks: list[threading.Thread] = []  # background work on the register (joined on close)
        self.login_failures = LoginFailures(
            self.settings.login_failures_per_address, timedelta(minutes=self.settings.login_window_minutes)
        )
        with self.database() as engine:
            ensure_schema(engine)
        self.readers = Readers(register.engine)

    @classmethod
    def open(cls, path: str | Path, settings: ServiceSettings | None = None, clock: Clock | None = None) -> Service:
        """Open an existing register for serving (the file must exist: a typo should not create an empty one)."""
        if str(path) != ":memory:" and not Path(path).exists():
            raise UserError(f"数据库不存在：{path}", f"database not found: {path}")
        return cls(Register.open(path), settings, clock)

    @contextmanager
    def database(self) -> Iterator[Engine]:
        """The engine, for this thread alone while the context lasts."""
        with self._lock:
            yield self.register.engine

    @contextmanager
    def reading(self) -> Iterator[Engine]:
        """An engine for reads only: this thread's own cursor, without the write lock (see renkou.api.readers)."""
        if not self.readers.available:
            with self.database() as engine:
                yield engine
            return
        yield self.readers.get()

    def now(self) -> datetime:
        """The service's clock (UTC, no zone)."""
        return self.clock()

    def today(self) -> date:
        """Today's date in the office's time zone (a year has ended when 31 December has passed there)."""
        return self.clock().replace(tzinfo=UTC).astimezone(ZoneInfo(self.settings.timezone)).date()

    def record(self, event: audit.AuditEvent) -> int:
        """Append one audit entry on its own (for events that write nothing else)."""
        with self.database() as engine:
            return audit.append(engine, event, self.now())

    def data_changed(self) -> None:
        """Forget cached aggregates (call after any write to the register's events)."""
        with self.cache_lock:
            self.generation += 1
            self.cache.clear()
            self.answers.clear(self.generation)
            self.responses.clear(self.generation)

    def track(self, thread: threading.Thread) -> None:
        """Keep a background thread that uses the register, so that :meth:`close` waits for it."""
        with self.cache_lock:
            self._tasks = [t for t in self._tasks if t.is_alive()]
            self._tasks.append(thread)

    def wait_for_tasks(self, timeout: float | None = None) -> None:
        """Wait for the background threads started so far."""
        with self.cache_lock:
            tasks = list(self._tasks)
        for thread in tasks:
            thread.join(timeout)

    def close(self) -> None:
        """Wait for background work, then release the database."""
        self.wait_for_tasks(timeout=600)
        with self._lock:
            self.readers.close()
            self.register.close()
