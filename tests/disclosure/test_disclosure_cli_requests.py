"""``renkou disclosure request|publication|overdue|annual-report`` as an officer runs them, end to end."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pypdfium2
from docx import Document as WordDocument


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "renkou.cli", "disclosure", *args], capture_output=True, text=True, check=False
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_an_officer_takes_a_request_from_filing_to_reply(db_path: Path, tmp_path: Path) -> None:
    db = str(db_path)
    number = last_line(
        run(
            "request", "new", "--db", db, "--channel", "in_person", "--name", "钱七", "--id-number",
            "330106199001011234", "--phone", "13800001111", "--description", "2025年西湖区出生人口",
            "--submitted", "2026-02-02",
        )
    )  # fmt: skip
    assert number == "2026-0001"
    # Correction notice 02-04 (10 days), correction 02-13, so the period restarts: due 2026-03-19 as counted in
    # test_disclosure_deadlines.py::test_correction_restarts_the_clock_over_spring_festival_2026.
    assert last_line(run("request", "correct", number, "--db", db, "--on", "2026-02-04", "--days", "10")) == (
        "awaiting_correction"
    )
    due = run("request", "log", number, "--db", db, "--event", "correction-received", "--on", "2026-02-13")
    assert last_line(due) == "2026-03-19"
    # Extension of 5 approved 03-02: 03-20 (21), 03-23..26 (22-25) -> 2026-03-26 (test_disclosure_cli.py).
    extended = run(
        "request", "extend", number, "--db", db, "--on", "2026-03-02", "--days", "5", "--approved-by", "主任"
    )
    assert last_line(extended) == "2026-03-26"
    letter = tmp_path / "reply.docx"
    pdf = tmp_path / "reply.pdf"
    replied = run(
        "request", "reply", number, "--db", db, "--kind", "not_held", "--on", "2026-03-10", "--reason",
        "出生登记由公安机关办理", "--referral", "市公安局", "--letter", str(letter), "--letter", str(pdf),
    )  # fmt: skip
    assert replied.returncode == 0, replied.stderr
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(letter.read_bytes())).paragraphs)
    assert "钱七：" in text and "该政府信息由市公安局负责公开" in text and "第三十六条第（五）项" in text
    assert "钱七" in "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))
    shown = json.loads(run("request", "show", number, "--db", db, "--json", "--as-of", "2026-03-11").stdout)
    assert shown["state"] == "answered" and shown["id_masked"] == "330106********1234"
    assert "330106199001011234" not in json.dumps(shown)
    listed = run("request", "list", "--db", db, "--as-of", "2026-03-11")
    assert "2026-0001" in listed.stdout and "钱*" in listed.stdout and "330106199001011234" not in listed.stdout


def test_online_request_waits_for_confirmation_and_fee_by_pages(db_path: Path) -> None:
    db = str(db_path)
    new = run(
        "request", "new", "--db", db, "--channel", "online", "--applicant-kind", "business", "--name", "某公司",
        "--id-type", "统一社会信用代码", "--id-number", "91330100MA2B3C4D5E", "--email", "a@example.cn",
        "--description", "户籍迁入统计", "--submitted", "2026-03-06",
    )  # fmt: skip
    number = last_line(new)
    assert "awaiting confirmation" in new.stdout
    assert last_line(run("request", "show", number, "--db", db, "--as-of", "2026-03-06")) == "awaiting_receipt"
    assert last_line(run("request", "log", number, "--db", db, "--event", "confirm", "--on", "2026-03-09")) == (
        "2026-04-07"
    )
    fee = run(
        "request", "fee", number, "--db", db, "--method", "pages", "--pages", "120", "--on", "2026-03-10",
        "--notice-received", "2026-03-10",
    )  # fmt: skip
    # 120 pages: 70 x 10 + 20 x 20 = 1100 yuan.
    assert "人民币 1100 元" in fee.stdout and last_line(fee) == "awaiting_payment"


def test_publication_register_and_annual_report(db_path: Path, tmp_path: Path) -> None:
    db = str(db_path)
    late = run(
        "publication", "add", "--db", db, "--title", "2026年人口公报", "--category", "report", "--source",
        "renkou-report", "--formed", "2026-09-18", "--published", "2026-10-26",
    )  # fmt: skip
    assert "due 2026-10-22, 2 working days late" in late.stdout and last_line(late) == "1"
    listed = json.loads(run("publication", "list", "--db", db, "--json").stdout)
    assert listed[0]["late"] is True and listed[0]["due"] == "2026-10-22"
    out = tmp_path / "annual"
    report = run(
        "annual-report", "--db", db, "--year", "2025", "--format", "docx", "--format", "html", "--out", str(out)
    )
    assert report.returncode == 0, report.stderr
    assert (out / "disclosure-annual-2025.docx").stat().st_size > 10_000
    assert "本年新收政府信息公开申请数量" in (out / "disclosure-annual-2025.html").read_text(encoding="utf-8")


def test_bad_input_is_one_line(db_path: Path, tmp_path: Path) -> None:
    db = str(db_path)
    for args, fragment in (
        (("request", "show", "2026-0042", "--db", db), "no request numbered 2026-0042"),
        (("request", "list", "--db", str(tmp_path / "missing.duckdb")), "database not found"),
        (("request", "new", "--db", db, "--channel", "pigeon", "--name", "a", "--id-number", "1", "--phone", "1",
          "--description", "x"), "channel 'pigeon' is not valid"),
        (("annual-report", "--db", db, "--year", "2025", "--format", "xls"), "use html, pdf or docx"),
    ):  # fmt: skip
        result = run(*args)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("错误 / error:") and fragment in lines[0], result.stderr
