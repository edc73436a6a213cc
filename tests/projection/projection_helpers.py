"""Helpers shared by the projection tests: writing BASE.csv and A.yaml, running the CLI."""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
PRESTON = SHARED / "data" / "verification" / "preston_box6_2_sweden_1993.yaml"


def load_preston() -> dict[str, Any]:
    """The Preston Box 6.2 worked example; fails clearly when the shared folder is not beside the repo."""
    if not PRESTON.is_file():
        raise FileNotFoundError(
            f"verification data missing: {PRESTON.resolve()} (check out shared/ beside the repository)"
        )
    data: dict[str, Any] = yaml.safe_load(PRESTON.read_text(encoding="utf-8"))
    return data


def write_base(path: Path, rows: Sequence[tuple[str, str, int | str, float]]) -> Path:
    """Write a BASE.csv with the contract's header."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["region", "sex", "age", "population"])
        writer.writerows(rows)
    return path


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_cli_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``renkou`` in a fresh interpreter, exactly as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "renkou.cli", *map(str, args)], capture_output=True, text=True, check=False, cwd=REPO
    )


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``renkou``'s entry point in this process (same code path as the console script, without the start-up)."""
    from renkou.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    argv = sys.argv
    sys.argv = ["renkou", *map(str, args)]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = argv
    return subprocess.CompletedProcess(list(map(str, args)), code, out.getvalue(), err.getvalue())


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
