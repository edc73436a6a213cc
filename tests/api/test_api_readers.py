"""Per-thread read cursors: they see what the writer committed, never what it has not, and do not wait for its lock."""

from __future__ import annotations

import threading
import time

from conftest import Env


def test_readers_see_commits_and_not_open_transactions(env: Env) -> None:
    service = env.service
    with service.database() as engine:
        engine.execute("CREATE TABLE t_probe (x INTEGER)")
    seen: list[int] = []
    inside = threading.Event()
    checked = threading.Event()

    def writer() -> None:
        with service.database() as engine, engine.transaction():
            engine.execute("INSERT INTO t_probe VALUES (1)")
            inside.set()
            checked.wait(10)  # hold the lock and the open transaction while the reader looks

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(10)
    started = time.perf_counter()
    with service.reading() as engine:  # does not wait for the writer's lock
        seen.append(int(engine.scalar("SELECT count(*) FROM t_probe")))
    waited = time.perf_counter() - started
    checked.set()
    thread.join(10)
    with service.reading() as engine:
        seen.append(int(engine.scalar("SELECT count(*) FROM t_probe")))
    assert seen == [0, 1]  # uncommitted: invisible; committed: visible
    assert waited < 5


def test_each_thread_has_its_own_cursor(env: Env) -> None:
    engines = []

    def grab() -> None:
        with env.service.reading() as engine:
            engines.append(engine)

    threads = [threading.Thread(target=grab) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with env.service.reading() as mine, env.service.reading() as again:
        assert mine is again
    assert len({id(e) for e in engines}) == 3 and all(e is not mine for e in engines)
