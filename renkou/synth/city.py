"""Generate a synthetic city: plan, draw persons chunk by chunk, write every department's files and the truth.

Memory stays bounded: a chunk is at most ``chunk_size`` persons of one district; its events are written (and
forgotten) before the next chunk is drawn. Everything random comes from streams seeded by (seed, part, district,
chunk), so the same seed writes the same bytes.
"""

from __future__ import annotations

import json
import math
import queue
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from renkou.errors import UserError
from renkou.synth import dirt as dirt_module
from renkou.synth.context import BASE_DAY, Context
from renkou.synth.dates import day, parts
from renkou.synth.dirt import DirtRates
from renkou.synth.events import DAY, TRUTH
from renkou.synth.floating import floating_tables
from renkou.synth.geography import all_district_id_codes, origins
from renkou.synth.idnumbers import SequenceAllocator
from renkou.synth.plan import AGE_END, EXIT_STAY, FLOAT_BORN, FLOAT_STAY, RESIDENT_CLASSES, CityPlan, build_plan
from renkou.synth.registered import registered_tables
from renkou.synth.targets import CITIES, city_targets
from renkou.synth.writers import EXTENSIONS, FeedWriter, open_writer

DEFAULT_CHUNK = 200_000
FEED_PREFIX = {"hukou": "GA", "health": "WJ", "residence": "JZ", "civil": "MZ", "hrss": "RS", "housing": "ZJ"}
TRUTH_SCHEMA = pa.schema(
    [("file", pa.string()), ("line", pa.int64()), ("person_id", pa.string()), ("kind", pa.string())]
)
MAX_SCALE = 5.0
LOAD_ORDER = ("hukou", "residence", "health", "civil", "hrss", "housing")

Progress = Callable[[int, int], None]  # (persons done, persons in all)


@dataclass(frozen=True)
class Task:
    """One chunk: registered or floating persons of a district."""

    part: str  # "registered" | "floating"
    district: int
    chunk: int
    n_chunks: int
    persons: int  # expected


@dataclass
class Summary:
    """What was written."""

    city: str
    scale: float
    seed: int
    dirt: dict[str, float]
    files: dict[str, int] = field(default_factory=dict)  # file name -> rows
    # Suggested order for ingest: people are introduced (hukou, residence) before the events that refer to them
    # (a birth names its mother), so cross-department checks do not flag what a later file would explain.
    load_order: list[str] = field(default_factory=list)
    persons: int = 0
    dirty_rows: int = 0
    seconds: float = 0.0
    expected: dict[str, float] = field(default_factory=dict)
    solved: dict[str, float] = field(default_factory=dict)


def _solution_path(city: str) -> Path:
    return Path(str(resources.files("renkou.synth.data") / CITIES[city].replace("_targets.yaml", "_solution.json")))


@cache
def city_plan(city: str) -> CityPlan:
    """The plan of a packaged city (its stored solution skips the search when it still fits the targets)."""
    targets = city_targets(city)
    path = _solution_path(city)
    start = np.array(json.loads(path.read_text())["x"]) if path.exists() else None
    plan, _ = build_plan(targets, start)
    return plan


def save_solution(city: str) -> Path:
    """Solve the plan from scratch and store its solution vector next to the targets."""
    _, x = build_plan(city_targets(city))
    path = _solution_path(city)
    path.write_text(json.dumps({"city": city, "x": [float(v) for v in x]}, indent=1) + "\n")
    return path


def tasks(plan: CityPlan, scale: float, chunk_size: int) -> list[Task]:
    """The chunks of a city at a scale, district by district."""
    out = []
    for d in range(len(plan.district_codes)):
        for part, total in (
            ("registered", plan.registered.lines[d].sum()),
            ("floating", plan.floating[d].sum()),
        ):
            persons = float(total) * scale
            n_chunks = max(1, math.ceil(persons / chunk_size))
            out += [Task(part, d, k, n_chunks, round(persons / n_chunks)) for k in range(n_chunks)]
    return out


def expected_figures(plan: CityPlan, scale: float) -> dict[str, float]:
    """Headline figures of the plan at the end of 2020, scaled (what the register should show)."""
    lines = plan.registered.lines
    stay = lines[..., EXIT_STAY].sum(axis=3)  # district, sex, cohort
    away = plan.away
    floating = plan.floating
    stock = floating[..., FLOAT_STAY] + floating[..., FLOAT_BORN]
    resident_floating = (stock * RESIDENT_CLASSES[None, None, None, :]).sum(axis=3)
    living = stay - away
    resident = living.sum() + resident_floating.sum()
    old = AGE_END >= 60
    return {
        "registered": float(stay.sum() * scale),
        "resident": float(resident * scale),
        "floating": float(stock.sum() * scale),
        "resident_share_60_plus": float((living[..., old].sum() + resident_floating[..., old].sum()) / resident),
        "resident_share_65_plus": float(
            (living[..., AGE_END >= 65].sum() + resident_floating[..., AGE_END >= 65].sum()) / resident
        ),
        "resident_share_0_14": float(
            (living[..., AGE_END <= 14].sum() + resident_floating[..., AGE_END <= 14].sum()) / resident
        ),
        "registered_share_0_17": float(stay[..., AGE_END <= 17].sum() / stay.sum()),
    }


class _Files:
    """Open writers by (feed, key), line bookkeeping, and the truth file."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.writers: dict[tuple[str, str], FeedWriter] = {}
        (out / "truth").mkdir(parents=True, exist_ok=True)
        self.truth = pq.ParquetWriter(out / "truth" / "dirt.parquet", TRUTH_SCHEMA, compression="zstd")
        self.rows: dict[str, int] = {}
        self.dirty = 0
        self.pending_truth: dict[str, list[object]] = {name: [] for name in TRUTH_SCHEMA.names}

    def writer(self, feed: str, key: str) -> FeedWriter:
        if (feed, key) not in self.writers:
            self.writers[(feed, key)] = open_writer(self.out, feed, key)
        return self.writers[(feed, key)]

    def write(self, feed: str, key: str, table: pa.Table) -> int:
        writer = self.writer(feed, key)
        first = writer.write(table)
        self.rows[writer.path.name] = self.rows.get(writer.path.name, 0) + table.num_rows
        return first

    def record(self, feed: str, key: str, lines: np.ndarray, persons: list[str], kinds: list[str]) -> None:
        """Remember the truth of dirty rows (written once per chunk by :meth:`flush_truth`)."""
        if len(lines) == 0:
            return
        name = self.writer(feed, key).path.name
        self.pending_truth["file"] += [name] * len(lines)
        self.pending_truth["line"] += np.asarray(lines, dtype=np.int64).tolist()
        self.pending_truth["person_id"] += persons
        self.pending_truth["kind"] += kinds
        self.dirty += len(lines)

    def flush_truth(self) -> None:
        """Write the truth rows gathered so far."""
        if self.pending_truth["file"]:
            self.truth.write_table(pa.table(self.pending_truth, schema=TRUTH_SCHEMA))
        self.pending_truth = {name: [] for name in TRUTH_SCHEMA.names}

    def close(self) -> None:
        self.flush_truth()
        for writer in self.writers.values():
            writer.close()
        self.truth.close()


def _file_slices(feed: str, days: np.ndarray, district_code: str) -> list[tuple[str, int, int]]:
    """(file key, start, stop) of rows sorted by day: the year's file, or the 2015 baseline / stock file before."""
    early = {"hukou": "2015_baseline", "residence": "2015_stock"}.get(feed, "2015")
    edges = [(early, int(np.searchsorted(days, BASE_DAY, side="right")))]
    last_year = int(parts(days[-1:])[0][0]) if len(days) else 2016
    for year in range(2016, max(last_year, 2016) + 1):
        edges.append((str(year), int(np.searchsorted(days, day(year + 1, 1, 1), side="left"))))
    out = []
    start = 0
    for key, stop in edges:
        if stop > start:
            out.append((key, start, stop))
        start = stop
    return out


def _next_key(key: str) -> str:
    if key.startswith("2015"):
        return "2016"
    year = int(key[:4])
    return str(year + 1) if year < 2020 else "2021_resend"


def _write_chunk(
    files: _Files,
    tables: list[tuple[str, pa.Table]],
    uid: int,
    district_code: str,
    rates: DirtRates,
    rng: np.random.Generator,
) -> None:
    """Route a chunk's blocks (each ordered by date) to their files, number the records, add dirt, write."""
    slices: dict[str, dict[str, list[pa.Table]]] = {}
    for feed, table in tables:
        if table.num_rows == 0:
            continue
        for key, start, stop in _file_slices(feed, table.column(DAY).to_numpy(), district_code):
            slices.setdefault(feed, {}).setdefault(key, []).append(table.slice(start, stop - start))
    for feed in sorted(slices):
        numbered = 0
        pending: dict[str, list[pa.Table]] = {}
        for key in sorted(slices[feed]):
            block = pa.concat_tables(slices[feed][key])
            record = pc.binary_join_element_wise(
                pa.scalar(f"{FEED_PREFIX[feed]}{uid:05d}"),
                pc.utf8_lpad(
                    pc.cast(pa.array(np.arange(numbered, numbered + block.num_rows)), pa.string()), width=8, padding="0"
                ),
                "",
            )
            numbered += block.num_rows
            block = block.set_column(block.column_names.index("record_no"), "record_no", record)
            dirtied = dirt_module.apply(block, rates, rng, excel=feed == "health")
            first = files.write(feed, key, dirtied.table)
            files.record(feed, key, first + dirtied.rows, dirtied.persons, dirtied.kinds)
            if dirtied.duplicates.num_rows:
                pending.setdefault(_next_key(key), []).append(dirtied.duplicates)
            for late in pending.pop(key, []):
                _write_duplicates(files, feed, key, late)
        for key, blocks in sorted(pending.items()):
            for late in blocks:
                _write_duplicates(files, feed, key, late)


def _write_duplicates(files: _Files, feed: str, key: str, table: pa.Table) -> None:
    first = files.write(feed, key, table)
    lines = first + np.arange(table.num_rows)
    files.record(feed, key, lines, table.column(TRUTH).to_pylist(), ["duplicate"] * table.num_rows)


class _Writer:
    """Writes chunks on a second thread while the next chunk is drawn (Arrow, zlib and file writes release the GIL).

    Chunks are written in the order they are put, each with its own random stream for the dirt, so the files do not
    depend on timing. At most two chunks wait, which keeps memory bounded.
    """

    def __init__(self, files: _Files, rates: DirtRates, ctx: Context, progress: Progress | None, total: int) -> None:
        self.files, self.rates, self.ctx, self.progress, self.total = files, rates, ctx, progress, total
        self.queue: queue.Queue[tuple[list[tuple[str, pa.Table]], int, Task] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.done = 0
        self.thread = threading.Thread(target=self._run, name="synth-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain after a failure
            tables, uid, task = item
            try:
                code = self.ctx.plan.district_codes[task.district]
                _write_chunk(self.files, tables, uid, code, self.rates, self.ctx.rng(3, uid))
                self.files.flush_truth()
                self.done += task.persons
                if self.progress is not None:
                    self.progress(self.done, self.total)
            except BaseException as error:  # re-raised on the generating thread
                self.error = error

    def put(self, item: tuple[list[tuple[str, pa.Table]], int, Task]) -> None:
        """Hand a chunk to the writer (waits while two are pending); re-raise the writer's error if it failed."""
        while True:
            if self.error is not None:
                raise self.error
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """Wait for everything handed over to be written."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _prepare(out: Path, force: bool) -> None:
    """Make ``out`` ready: refuse anything but our own files there; replace those only with ``force``."""
    if out.exists() and not out.is_dir():
        raise UserError(f"输出位置不是目录：{out}", f"the output is not a directory: {out}")
    if out.exists():
        ours = [
            p
            for p in out.iterdir()
            if p.is_file() and p.suffix.lstrip(".") in set(EXTENSIONS.values()) and p.name.split("_")[0] in EXTENSIONS
        ]
        others = [p for p in out.iterdir() if p not in ours and p.name != "truth"]
        if others:  # never mix department files with anything else, even with --force
            raise UserError(
                f"输出目录 {out} 含有其他文件（如 {others[0].name}）",
                f"the output directory {out} is not empty: it holds {others[0].name}",
            )
        if (ours or (out / "truth").exists()) and not force:
            raise UserError(
                f"输出目录 {out} 已有部门数据文件；请换一个目录或加 --force 覆盖",
                f"the output directory {out} already holds department files; use another or add --force",
            )
        for path in ours:
            path.unlink()
        if (out / "truth").exists():
            shutil.rmtree(out / "truth")
    out.mkdir(parents=True, exist_ok=True)


def generate(
    out: Path,
    *,
    city: str = "hangzhou-2020",
    scale: float = 0.1,
    seed: int = 1,
    dirt: DirtRates | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    force: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Write the department files of a synthetic city into ``out`` (and the ground truth into ``out/truth``)."""
    if not 0 < scale <= MAX_SCALE:
        raise UserError(f"--scale 应在 0 到 {MAX_SCALE} 之间：{scale}", f"--scale must be in (0, {MAX_SCALE}]: {scale}")
    if seed < 0:
        raise UserError(f"--seed 不能为负数：{seed}", f"--seed must not be negative: {seed}")
    rates = dirt if dirt is not None else DirtRates()
    started = time.perf_counter()
    plan = city_plan(city)
    targets = plan.targets
    _prepare(out, force)
    sources = origins(targets.assumptions.floating.origin_province_share, targets.region_code[:4])
    allocator = SequenceAllocator(sources.all_codes() + all_district_id_codes())
    ctx = Context(plan, scale, seed, sources, allocator, np.array([int(c) for c in targets.assumptions.away_regions]))
    work = tasks(plan, scale, chunk_size)
    total = sum(task.persons for task in work)
    files = _Files(out)
    writer = _Writer(files, rates, ctx, progress, total)
    try:
        for uid, task in enumerate(work):
            make = registered_tables if task.part == "registered" else floating_tables
            writer.put((make(ctx, task.district, task.chunk, task.n_chunks), uid, task))
    finally:
        writer.finish()
        files.close()
    summary = Summary(
        city=city,
        scale=scale,
        seed=seed,
        dirt=asdict(rates),
        files=dict(sorted(files.rows.items())),
        load_order=sorted(files.rows, key=lambda name: (LOAD_ORDER.index(name.split("_")[0]), name)),
        persons=total,
        dirty_rows=files.dirty,
        seconds=round(time.perf_counter() - started, 3),
        expected=expected_figures(plan, scale),
        solved=plan.solved,
    )
    written = asdict(summary)
    del written["seconds"]  # the truth folder is deterministic too
    (out / "truth" / "summary.json").write_text(json.dumps(written, ensure_ascii=False, indent=1) + "\n")
    return summary
