"""Small synthetic cities generated once per test session (the generator is deterministic per seed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from renkou.synth.city import Summary, generate
from renkou.synth.dirt import DirtRates

SMALL = 0.002


@pytest.fixture(scope="session")
def dirty_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    """Scale 0.002 with the default dirt (about 40 000 persons); dirt raised to 2% so every kind shows up."""
    out = tmp_path_factory.mktemp("dirty") / "city"
    rates = DirtRates.parse(["0.02", "impossible=0.01"])
    return out, generate(out, scale=SMALL, seed=11, dirt=rates)


@pytest.fixture(scope="session")
def clean_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    """Scale 0.002 without dirt."""
    out = tmp_path_factory.mktemp("clean") / "city"
    return out, generate(out, scale=SMALL, seed=5, dirt=DirtRates.parse(["0"]))


Row = dict[str, object]


def _read_rows(path: Path) -> list[tuple[int, Row]]:
    """(line, row) of a department file, rows keyed by English column names; lines as ``renkou ingest`` counts."""
    import csv
    import io
    import json

    from renkou.register.feeds import header_map

    names = header_map()
    if path.suffix == ".csv":
        encoding = "gbk" if path.name.startswith("hukou") else "utf-8"
        reader = csv.reader(io.StringIO(path.read_bytes().decode(encoding)))
        header = [names[h] for h in next(reader)]
        return [(i, dict(zip(header, values, strict=True))) for i, values in enumerate(reader, start=2)]
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [(i, json.loads(text)) for i, text in enumerate(lines, start=1)]
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(enumerate(pq.read_table(path).to_pylist(), start=1))
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    header = [names[str(h)] for h in sheet[0]]
    return [(i, dict(zip(header, values, strict=False))) for i, values in enumerate(sheet[1:], start=2)]


@pytest.fixture(scope="session")
def read_rows():  # type: ignore[no-untyped-def]
    """The file reader used by the tests (independent of renkou's ingest)."""
    return _read_rows
