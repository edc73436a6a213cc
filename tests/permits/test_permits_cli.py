"""``renkou permit ...`` end to end on a register copy: the workflow, lists, reminders and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from permits_helpers import PEOPLE, citizen_id

from renkou.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process (the same entry point as the ``renkou`` script); return (exit code, out, err)."""
    argv, sys.argv = sys.argv, ["renkou", *args]
    try:
        main()
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 1 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误 / error: "), err
    for fragment in fragments:
        assert fragment in lines[0]


def test_permit_workflow_from_the_command_line(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    db = str(db_path)
    code, out, _ = run(capsys, "permit", "apply", "--db", db, "--id", PEOPLE["zhao"], "--on", "2019-07-05")
    assert code == 0 and "issue by 2019-07-22 (at the latest 2019-08-05)" in out and PEOPLE["zhao"] not in out
    code, out, _ = run(capsys, "permit", "issue", "--db", db, "--id", PEOPLE["zhao"], "--on", "2019-07-15", "--json")
    issued = json.loads(out)
    assert code == 0 and issued["permit_no"] == "3301062019000001" and issued["fee"] == 0
    code, _, err = run(capsys, "permit", "endorse", "--db", db, "--id", PEOPLE["zhao"], "--on", "2020-05-01")
    assert_one_line_error(code, err, "not yet due", "2020-06-15")
    code, out, _ = run(capsys, "permit", "endorse", "--db", db, "--id", PEOPLE["zhao"], "--on", "2021-09-01", "--json")
    endorsed = json.loads(out)
    assert endorsed["late"] and endorsed["before"]["status"] == "suspended" and endorsed["state"]["years"] == 0
    code, out, _ = run(capsys, "permit", "status", "--db", db, "--id", PEOPLE["zhao"], "--on", "2022-09-01", "--json")
    status = json.loads(out)
    assert (status["status"], status["years"], status["counting_from"], status["district"]) == (
        "valid",
        1,
        "2021-09-01",
        "330106",
    )
    assert len(status["services"]) == 13 and "居住证暂行条例" in status["services_source"]
    assert [step["kind"] for step in status["history"]] == ["issued", "suspended", "endorsed_late"]
    code, out, _ = run(capsys, "permit", "status", "--db", db, "--id", PEOPLE["zhao"], "--on", "2022-09-01")
    assert code == 0 and "连续居住年限 / continuous years: 1" in out and "义务教育" in out

    # Lists: in the window 2022-08-01..09-01 zhao is due; after 09-01 without endorsement, overdue.
    code, out, _ = run(capsys, "permit", "due", "--db", db, "--on", "2022-08-10", "--json")
    due = json.loads(out)
    assert due["total"] == 1 and due["districts"]["330106"]["name"] == "西湖区"
    assert due["districts"]["330106"]["permits"][0]["id"] == PEOPLE["zhao"][:6] + "********" + PEOPLE["zhao"][-4:]
    code, out, _ = run(capsys, "permit", "overdue", "--db", db, "--on", "2022-09-05", "--district", "330106", "--json")
    assert json.loads(out)["districts"]["330106"]["permits"][0]["days_overdue"] == 4
    code, out, _ = run(capsys, "permit", "overdue", "--db", db, "--on", "2022-09-05")
    assert code == 0 and "3301062019000001" in out and PEOPLE["zhao"] not in out

    code, out, _ = run(capsys, "permit", "cancel", "--db", db, "--id", PEOPLE["zhao"], "--on", "2022-10-10")
    assert code == 0 and "已注销 / cancelled" in out
    code, _, err = run(capsys, "permit", "endorse", "--db", db, "--id", PEOPLE["zhao"], "--on", "2022-10-11")
    assert_one_line_error(code, err, "cancelled on 2022-10-10", "cannot be endorsed")
    code, out, _ = run(capsys, "verify", "--db", db)
    assert code == 0


def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    db = str(db_path)
    stranger = citizen_id("340104", date(1990, 1, 1), 77, "F")
    code, _, err = run(capsys, "permit", "apply", "--db", db, "--id", stranger, "--on", "2020-01-01")
    assert_one_line_error(code, err, "no person with ID", stranger[-4:])
    assert stranger not in err
    code, _, err = run(capsys, "permit", "apply", "--db", db, "--id", PEOPLE["qian"], "--on", "2019-08-01")
    assert_one_line_error(code, err, "不符合申领条件", "not eligible: none of legal stable employment")
    code, _, err = run(capsys, "permit", "issue", "--db", db, "--id", PEOPLE["zhao"], "--on", "2019-13-01")
    assert_one_line_error(code, err, "--on", "'2019-13-01'")
    code, _, err = run(capsys, "permit", "apply", "--db", db, "--id", PEOPLE["zhao"], "--basis", "money")
    assert_one_line_error(code, err, "--basis", "'money'")
    code, _, err = run(capsys, "permit", "due", "--db", str(tmp_path / "none.duckdb"))
    assert_one_line_error(code, err, "register not found")
    code, _, err = run(capsys, "permit", "due", "--db", db, "--district", "3301")
    assert_one_line_error(code, err, "--district")
    code, _, err = run(capsys, "permit", "status", "--db", db, "--id", PEOPLE["zhao"], "--services", "nope.yaml")
    assert_one_line_error(code, err, "file not found: nope.yaml")  # named as given


def test_reminders_go_to_the_outbox_once(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    db, outbox = str(db_path), str(tmp_path / "outbox.sqlite")
    assert run(capsys, "permit", "issue", "--db", db, "--id", PEOPLE["sun"], "--on", "2019-07-15")[0] == 0
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "公民身份号码,手机号码,电子邮箱\n"
        f"{PEOPLE['sun']},138 0013 8000,\n"
        f"{PEOPLE['zhao']},12345,\n"  # bad phone: reported, left out
        "110101199003070000,13900139000,\n",  # bad ID number: reported, left out
        encoding="utf-8",
    )
    # sun's first window ends Wednesday 2020-07-15; ten working days before is 2020-07-01.
    args = ("permit", "remind", "--db", db, "--outbox", outbox, "--contacts", str(contacts), "--on", "2020-07-01")
    code, out, err = run(capsys, *args, "--json")
    report = json.loads(out)
    assert code == 0 and (report["due_holders"], report["enqueued"], report["contact_problems"]) == (1, 1, 2)
    assert "contacts.csv:3 phone" in err and "contacts.csv:4 id_number" in err and "13900139000" not in err
    assert json.loads(run(capsys, *args, "--json")[1])["already_queued"] == 1  # the next day's run adds nothing
    code, out, _ = run(capsys, "notify", "list", "--outbox", outbox, "--json")
    [message] = json.loads(out)["messages"]
    assert (message["to"], message["topic"], message["status"]) == ("138****8000", "permit.endorsement_due", "pending")
    code, out, _ = run(
        capsys, "notify", "send", "--outbox", outbox, "--sms-gateway", "renkou.notify.sms:FakeSmsGateway", "--json"
    )
    sent = json.loads(out)
    assert (sent["sent"], sent["outbox"]["sent"], sent["channels_without_sender"]) == (1, 1, ["email"])


def test_a_real_process_prints_no_traceback(db_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "renkou.cli", "permit", "endorse", "--db", str(db_path), "--id", PEOPLE["wu"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert_one_line_error(result.returncode, result.stderr, "holds no permit to endorse")


def test_restore_from_the_command_line_only_for_a_suspended_permit(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    db, sun = str(db_path), PEOPLE["sun"]
    code, _, err = run(capsys, "permit", "restore", "--db", db, "--id", sun, "--on", "2019-09-02")
    assert_one_line_error(code, err, "未中止", "is not suspended (status: no permit)")
    run(capsys, "permit", "issue", "--db", db, "--id", sun, "--on", "2019-08-01")
    # Anniversary Saturday 1 August 2020, last day Monday 3 August: suspended from the 4th.
    code, _, err = run(capsys, "permit", "restore", "--db", db, "--id", sun, "--on", "2020-08-03")
    assert_one_line_error(code, err, "（状态：有效）", "(status: valid)")
    code, out, _ = run(capsys, "permit", "restore", "--db", db, "--id", sun, "--on", "2020-09-01", "--json")
    restored = json.loads(out)
    assert code == 0 and restored["before"]["status"] == "suspended"
    assert (restored["state"]["status"], restored["state"]["counting_from"]) == ("valid", "2020-09-01")
    assert run(capsys, "permit", "cancel", "--db", db, "--id", sun, "--on", "2020-10-08")[0] == 0
    code, _, err = run(capsys, "permit", "cancel", "--db", db, "--id", sun, "--on", "2020-10-09")
    assert_one_line_error(code, err, "已于 2020-10-08 注销", "already cancelled on 2020-10-08")
