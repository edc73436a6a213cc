"""Benchmark: public aggregate queries under load on loopback.

Bar (DESIGN.md): p99 < 50 ms at 200 requests/s. This script builds (or reuses) a register of ``--persons`` persons from
the benchmark's department files, starts ``renkou serve`` on 127.0.0.1, warms the published tables once (figures are
cached per year and kind), then sends requests *open-loop* at a fixed rate for a fixed duration with httpx on asyncio
(each request's latency counts from its scheduled start, so a stalled server cannot hide behind a slowed client) over
a pool of keep-alive connections (a minimal HTTP/1.1 client on asyncio streams; httpx is used for the set-up),
stops the server and prints p50/p99/max and the achieved rate. The query mix rotates over kinds, groupings, filters,
years and JSON/CSV.

Usage: ``python bench/bench_api.py`` (defaults: 200 000 persons, 200 req/s for 20 s) or e.g.
``python bench/bench_api.py --persons 12000000 --rate 200 --duration 30``. ``--results FILE`` appends the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx

FILES = ("hukou_baseline.csv", "residence_registered.csv", "hukou_changes.csv")
KINDS = ("registered", "resident", "floating")
GROUPINGS = ("district", "district,sex", "district,sex,age_group", "sex,age_group", "age_group", "")


def build_register(persons: int, workdir: Path) -> Path:
    """A register of ``persons`` persons (built once per size, then reused)."""
    database = workdir / f"api-{persons}.duckdb"
    if database.exists():
        return database
    files = workdir / f"files-{persons}"
    if not (files / FILES[-1]).exists():
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("make_register_files.py")),
                "--persons",
                str(persons),
                "--out",
                str(files),
            ],
            check=True,
        )
    partial = workdir / f"api-{persons}.partial.duckdb"
    partial.unlink(missing_ok=True)
    Path(f"{partial}.key").unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "renkou.cli", "ingest", *(str(files / name) for name in FILES), "--db", str(partial)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"register of {persons} persons built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    shutil.move(f"{partial}.key", f"{database}.key")
    shutil.move(partial, database)
    return database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def queries(years: list[int]) -> list[str]:
    """The rotating query mix (paths with their query strings)."""
    mix = []
    for year, kind, by, form in itertools.product(years[-3:], KINDS, GROUPINGS, ("", ".csv")):
        mix.append(f"/api/public/population{form}?year={year}&kind={kind}&by={by}")
    mix += [
        f"/api/public/population?year={years[-1]}&kind=resident&district={d}&by=sex,age_group"
        for d in ("330106", "330102")
    ]
    return mix


class Connection:
    """One keep-alive HTTP/1.1 connection, spoken directly over asyncio streams.

    A general client (httpx) spends about 2 ms of CPU per request in Python; on a 2-core machine that shares the CPU
    with the server under test it would measure itself. This one only writes a GET and reads the status line, the
    headers and ``Content-Length`` bytes of body (the service always sends a length).
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader = reader
        self.writer = writer
        self.host = host

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, host)

    async def get(self, path: str) -> int:
        """Send one GET and read the whole response; return the status code."""
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode("ascii"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


async def drive(
    host: str, port: int, mix: list[str], rate: float, duration: float, connections: int
) -> tuple[list[float], int, float]:
    """Send ``rate`` requests per second for ``duration`` seconds; return latencies (s), errors and elapsed time.

    Open loop: request ``i`` is due at ``start + i / rate`` whatever happened before, and its latency counts from
    then; requests wait for a free keep-alive connection from a pool of ``connections``.
    """
    total = int(rate * duration)
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await Connection.open(host, port))
    latencies: list[float] = []
    errors = 0

    async def one(path: str, scheduled: float) -> None:
        nonlocal errors
        connection = await pool.get()
        try:
            if await asyncio.wait_for(connection.get(path), timeout=10) != 200:
                errors += 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            connection.close()
            connection = await Connection.open(host, port)
        finally:
            pool.put_nowait(connection)
        latencies.append(time.perf_counter() - scheduled)

    started = time.perf_counter()
    tasks = []
    for i in range(total):
        scheduled = started + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(mix[i % len(mix)], scheduled)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    while not pool.empty():
        pool.get_nowait().close()
    return latencies, errors, elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def machine() -> str:
    """CPU model, core count, system and Python version."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections of the load driver")
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    parser.add_argument("--results", type=Path, default=None, help="append a Markdown line of figures to this file")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()[0]  # other work on the machine skews the figures: say how busy it was
    database = build_register(args.persons, args.workdir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "renkou.cli", "serve", "--db", str(database), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        years = httpx.get(f"{base}/api/public", timeout=60).json()["years"]
        mix = queries(years)
        warm_started = time.perf_counter()
        for path in mix:  # compute and cache each published table and answer once
            httpx.get(f"{base}{path}", timeout=300).raise_for_status()
        warm = time.perf_counter() - warm_started
        latencies, errors, elapsed = asyncio.run(
            drive("127.0.0.1", port, mix, args.rate, args.duration, args.connections)
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    achieved = len(latencies) / elapsed
    print(
        f"persons={args.persons} requests={len(latencies)} errors={errors} target={args.rate:.0f}/s "
        f"achieved={achieved:.1f}/s p50={p50:.2f} ms p99={p99:.2f} ms max={max(latencies) * 1000:.2f} ms "
        f"mean={statistics.fmean(latencies) * 1000:.2f} ms warm-up={warm:.1f} s ({len(mix)} distinct queries) "
        f"load-average-at-start={load_at_start:.1f}"
    )
    if args.results:
        command = "python bench/bench_api.py " + " ".join(sys.argv[1:])
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write(
                f"| {date.today().isoformat()} | {args.persons:,} | {args.rate:.0f}/s x {args.duration:.0f} s | "
                f"{load_at_start:.1f} | {achieved:.1f}/s | {p50:.2f} ms | {p99:.2f} ms | {errors} | {machine()} | "
                f"`{command}` |\n"
            )


if __name__ == "__main__":
    main()
