"""The benchmark script runs at CI size and prints its figures (keeps bench/bench_projection.py from rotting)."""

from __future__ import annotations

import subprocess
import sys

from projection_helpers import REPO


def test_bench_small_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_projection.py"), "--small"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert "deterministic engine, 2 regions x 2 sexes x 101 ages x 5 years x 3 variants" in result.stdout
    assert "stochastic, 100 trajectories x 2 regions x 5 years" in result.stdout
