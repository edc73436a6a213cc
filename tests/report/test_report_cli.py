"""``renkou report`` through the real entry point: it writes the file, and bad input is one bilingual line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from renkou.cli import main

    monkeypatch.setattr(sys, "argv", ["renkou", "report", *args])
    code = 0
    try:
        main()
    except SystemExit as error:
        code = int(error.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_writes_the_format_its_file_name_asks_for(report_db: Path, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import docx

    out = tmp_path / "nested" / "report.docx"
    code, stdout, stderr = _cli(monkeypatch, capsys, "--db", str(report_db), "--year", "2020", "--out", str(out))
    assert code == 0, stderr
    assert docx.Document(str(out)).paragraphs[0].text == "杭州市2020年人口与发展年度报告"
    assert "已写出" in stdout and "wrote" in stdout and "DOCX" in stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--year", "2015", "--format", "html"], "not a whole year"),
        (["--year", "2022", "--format", "html"], "no events in the year"),
        (["--year", "2020", "--format", "odt"], "--format: unsupported format 'odt'"),
        (["--year", "1066", "--format", "html"], "--year: not a plausible year: 1066"),
    ],
)
def test_bad_input_is_one_bilingual_line(  # type: ignore[no-untyped-def]
    report_db: Path, tmp_path: Path, monkeypatch, capsys, args: list[str], expected: str
) -> None:
    out = tmp_path / "r.html"
    code, _stdout, stderr = _cli(monkeypatch, capsys, "--db", str(report_db), "--out", str(out), *args)
    assert code == 1
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误 / error: ") and expected in lines[0]
    assert not out.exists()


def test_missing_database_is_named(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "none.duckdb"
    code, _stdout, stderr = _cli(
        monkeypatch, capsys, "--db", str(missing), "--year", "2020", "--format", "pdf", "--out", str(tmp_path / "r.pdf")
    )
    assert code == 1 and str(missing) in stderr and "Traceback" not in stderr


def test_several_formats_refuse_an_unknown_one_before_reading(tmp_path: Path) -> None:
    from renkou.errors import UserError
    from renkou.report import write_reports

    class Untouchable:
        """A register that fails the test if the report reads it."""

        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"the register was read ({name}) before the formats were checked")

    with pytest.raises(UserError) as error:
        write_reports(Untouchable(), 2020, {"html": tmp_path / "a.html", "rtf": tmp_path / "a.rtf"})  # type: ignore[arg-type]
    assert "rtf" in str(error.value)
    assert not list(tmp_path.iterdir())
