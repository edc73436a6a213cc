"""Generation: same seed same bytes, bounded memory, the CLI contract and its errors."""

from __future__ import annotations

import hashlib
import json
import sys
import tracemalloc
from pathlib import Path

import pytest

from renkou.errors import UserError
from renkou.synth.city import city_plan, generate, tasks
from renkou.synth.dirt import DirtRates


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = _digests(_make(tmp_path / "a", seed=3))
    second = _digests(_make(tmp_path / "b", seed=3))
    other = _digests(_make(tmp_path / "c", seed=4))
    assert first == second
    assert len(first) > 30
    assert first["hukou_2015_baseline.csv"] != other["hukou_2015_baseline.csv"]


def _make(out: Path, seed: int, scale: float = 0.0005, chunk_size: int = 200_000) -> Path:
    generate(out, scale=scale, seed=seed, chunk_size=chunk_size)
    return out


def test_chunks_never_exceed_the_chunk_size() -> None:
    plan = city_plan("hangzhou-2020")
    work = tasks(plan, 1.0, 200_000)
    assert max(task.persons for task in work) <= 200_000
    assert sum(task.persons for task in work) > 19_000_000  # registered, floating and those who left or died


def test_memory_does_not_grow_with_the_chunks_written(tmp_path: Path) -> None:
    """Memory in use (Python and NumPy objects, plus Arrow's buffers) after each written chunk stays flat.

    Keeping the written tables alive (the way an accumulating writer would) adds about 3 MB over these 35 chunks;
    a correct run varies by under half a megabyte.
    """
    import pyarrow as pa

    city_plan("hangzhou-2020")
    in_use: list[int] = []
    tracemalloc.start()
    try:
        generate(
            tmp_path / "city",
            scale=0.0005,
            seed=1,
            chunk_size=300,
            progress=lambda done, total: in_use.append(tracemalloc.get_traced_memory()[0] + pa.total_allocated_bytes()),
        )
    finally:
        tracemalloc.stop()
    assert len(in_use) >= 40
    settled = in_use[10:]
    assert max(settled) - min(settled) < 1.5 * 2**20, (min(settled), max(settled))


def test_dirt_options_are_validated() -> None:
    assert DirtRates.parse(["0"]).total == 0
    assert DirtRates.parse(["0.01", "duplicate=0.03"]).duplicate == 0.03
    with pytest.raises(UserError, match="dirt"):
        DirtRates.parse(["typo=0.1"])
    with pytest.raises(UserError, match="rate"):
        DirtRates.parse(["lots"])
    with pytest.raises(UserError, match="between"):
        DirtRates.parse(["0.5"])


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``renkou synth ARGS`` in this process through the real entry point; (exit code, stdout, stderr)."""
    from renkou.cli import main

    monkeypatch.setattr(sys, "argv", ["renkou", "synth", *args])
    code = 0
    try:
        main()
    except SystemExit as error:
        code = int(error.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_writes_a_city_and_reports_json(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "city"
    code, stdout, stderr = _cli(monkeypatch, capsys, "--scale", "0.0003", "--out", str(out), "--dirt", "0", "--json")
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["scale"] == 0.0003 and summary["dirty_rows"] == 0
    assert (out / "hukou_2015_baseline.csv").exists()
    # Again into the same folder: refused without --force, replaced with it.
    code, _, stderr = _cli(monkeypatch, capsys, "--scale", "0.0003", "--out", str(out))
    assert code == 1 and "--force" in stderr
    code, _, stderr = _cli(monkeypatch, capsys, "--scale", "0.0003", "--out", str(out), "--force", "--json")
    assert code == 0, stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "0"], "--scale"),
        (["--scale", "0.001", "--dirt", "typo=1"], "--dirt"),
        (["--scale", "0.001", "--city", "atlantis"], "atlantis"),
        (["--scale", "many"], "--scale"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_1(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch, capsys, args: list[str], message: str
) -> None:
    code, _, stderr = _cli(monkeypatch, capsys, *args, "--out", str(tmp_path / "x"))
    assert code == 1
    assert message in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr


def test_cli_refuses_to_mix_with_existing_files(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, _, stderr = _cli(monkeypatch, capsys, "--scale", "0.0003", "--out", str(out), "--force")
    assert code == 1 and "not empty" in stderr
    assert (out / "notes.txt").read_text() == "mine"
