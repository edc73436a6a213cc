"""Permit commands leave entries in the service's audit log (renkou.api.audit), as the service's endpoints do: the
masked ID and keyed subject, never the full number; refusals too; the chain stays intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from permits_helpers import PEOPLE
from test_permits_cli import run

from renkou.api.audit import verify_audit
from renkou.ids import mask
from renkou.register.store import Register


def test_permit_commands_are_audited(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    db, zhao = str(db_path), PEOPLE["zhao"]
    assert run(capsys, "permit", "apply", "--db", db, "--id", zhao, "--on", "2019-07-05", "--record")[0] == 0
    assert run(capsys, "permit", "issue", "--db", db, "--id", zhao, "--on", "2019-07-15")[0] == 0
    code, _, _ = run(capsys, "permit", "endorse", "--db", db, "--id", zhao, "--on", "2019-12-01")
    assert code == 1  # before the window of year 1 (opens 15 June 2020): refused, and audited as such
    code, out, _ = run(capsys, "permit", "replace", "--db", db, "--id", zhao, "--on", "2019-12-02", "--json")
    assert code == 0 and json.loads(out)["old_permit_no"] == "3301062019000001"
    assert run(capsys, "permit", "status", "--db", db, "--id", zhao, "--on", "2019-12-03")[0] == 0
    assert run(capsys, "permit", "due", "--db", db, "--on", "2020-06-20")[0] == 0
    register = Register.open(db_path)
    try:
        rows = register.engine.rows(
            "SELECT action, role, coalesce(target, ''), outcome, client, coalesce(detail, '') FROM audit_log ORDER BY seq"
        )
        assert verify_audit(register.engine).ok
    finally:
        register.close()
    masked = mask(zhao)
    assert [(action, target, outcome) for action, _, target, outcome, _, _ in rows] == [
        ("permit.apply", masked, "ok"),
        ("permit.issue", masked, "ok"),
        ("permit.endorse", masked, "not_due"),
        ("permit.replace", masked, "ok"),
        ("permit.status", masked, "ok"),
        ("permit.due_list", "", "ok"),
    ]
    assert {role for _, role, _, _, _, _ in rows} == {"cli"} and {c for *_, c, _ in rows} == {"cli"}
    assert json.loads(rows[0][5])["recorded"] is True
    assert json.loads(rows[-1][5])["count"] == 1
    assert all(zhao not in detail for *_, detail in rows)


def test_permit_suspend_records_the_missed_windows_once(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    db, sun = str(db_path), PEOPLE["sun"]
    assert run(capsys, "permit", "issue", "--db", db, "--id", sun, "--on", "2019-08-01")[0] == 0
    code, out, _ = run(capsys, "permit", "suspend", "--db", db, "--on", "2021-06-01", "--json")
    assert code == 0 and (json.loads(out)["suspended"], json.loads(out)["recorded"]) == (1, 1)
    code, out, _ = run(capsys, "permit", "suspend", "--db", db, "--on", "2021-06-01", "--json")
    assert code == 0 and json.loads(out)["recorded"] == 0
    code, out, _ = run(capsys, "permit", "status", "--db", db, "--id", sun, "--on", "2021-06-01", "--json")
    history = json.loads(out)["history"]
    assert [step["kind"] for step in history] == ["issued", "suspended", "noted"]
    assert history[-1]["zh"] == "登记：居住证使用功能中止" and history[-1]["on"] == "2020-08-04"
