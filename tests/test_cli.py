"""The command line's shell: help text in both languages and one-line errors."""

import subprocess
import sys


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "renkou.cli", *args], capture_output=True, text=True, check=False)


def test_top_level_help_is_bilingual() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "人口" in result.stdout
    assert "population register" in result.stdout


def test_unknown_command_is_one_line_error_not_traceback() -> None:
    result = run_cli("no-such-command")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "错误 / error" in result.stderr
