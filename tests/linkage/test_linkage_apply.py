"""Clerk decisions and auto-links applied back to the register: the row re-filed under the person through ingest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import LinkedCity

from renkou.errors import UserError
from renkou.linkage.apply import apply_auto_links, decide_and_apply
from renkou.linkage.records import left_records
from renkou.linkage.run import run_linkage
from renkou.linkage.secrets_io import quarantined_row
from renkou.linkage.settings import LinkSettings
from renkou.linkage.store import review_queue
from renkou.register.store import Register


@pytest.fixture
def register(linked_city: LinkedCity, tmp_path: Path) -> Register:
    """A private copy of the linked city's register (these tests write to it)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(linked_city.db, copy)
    shutil.copy(f"{linked_city.db}.key", f"{copy}.key")  # the register's keys live beside the database
    opened = Register.open(copy)
    yield opened  # type: ignore[misc]
    opened.close()


def _events_of(register: Register, subject: str) -> list[tuple[str, str]]:
    return [
        (str(row[0]), str(row[1]))
        for row in register.engine.rows(
            "SELECT event_type, record_no FROM events WHERE hex(subject_id) = ? ORDER BY event_id", [subject]
        )
    ]


def test_confirmed_match_refiles_the_row_under_the_person(register: Register) -> None:
    # An unconverged run sends every model pair to review: plenty of pairs for a clerk.
    run = run_linkage(register, LinkSettings(max_iterations=1))
    queue = review_queue(register.engine, run.run_id).to_pylist()
    assert len(queue) >= 2
    first, second = queue[0], queue[1]
    raw = quarantined_row(register.engine, register.keys, first["batch_id"], first["line"])
    assert raw is not None and raw["record_no"]
    before = _events_of(register, first["subject"])
    assert all(record != raw["record_no"] for _type, record in before)
    batches_before = register.engine.scalar("SELECT count(*) FROM batches")

    done = decide_and_apply(
        register, run.run_id, first["batch_id"], first["line"], accepted=True, clerk="李文员", note="核对无误"
    )

    assert done is not None and done.rows == 1
    assert register.engine.scalar("SELECT count(*) FROM batches") == batches_before + 1
    after = _events_of(register, first["subject"])
    # The person's history now holds the row's event (its record number), unless ingest quarantined it again.
    if done.accepted:
        assert len(after) == len(before) + 1 and after[-1][1] == raw["record_no"]
    else:
        assert done.quarantined == 1 and after == before
    stored = register.engine.rows(
        "SELECT subject, refiled_batch_id, source FROM link_refiled WHERE batch_id = ? AND line = ?",
        [first["batch_id"], first["line"]],
    )
    assert stored == [(first["subject"], done.batch_id, "clerk")]
    decision = register.engine.rows(
        "SELECT accepted, clerk, note FROM link_decisions WHERE batch_id = ? AND line = ?",
        [first["batch_id"], first["line"]],
    )
    assert decision == [(True, "李文员", "核对无误")]
    # The re-filed row is no longer a linkage record; the pair left the queue.
    left_ids = set(left_records(register.engine, register.keys)["unique_id"].to_pylist())
    assert f"{first['batch_id']}:{first['line']}" not in left_ids
    assert f"{second['batch_id']}:{second['line']}" in left_ids
    assert (first["batch_id"], first["line"]) not in {
        (r["batch_id"], r["line"]) for r in review_queue(register.engine, run.run_id).to_pylist()
    }

    # A non-match is recorded and changes nothing in the register.
    events_before = register.engine.scalar("SELECT count(*) FROM events")
    assert (
        decide_and_apply(register, run.run_id, second["batch_id"], second["line"], accepted=False, clerk="李文员")
        is None
    )
    assert register.engine.scalar("SELECT count(*) FROM events") == events_before
    assert not register.engine.rows(
        "SELECT 1 FROM link_refiled WHERE batch_id = ? AND line = ?", [second["batch_id"], second["line"]]
    )
    # A later run does not propose the rejected person for that row again.
    again = run_linkage(register, LinkSettings(max_iterations=1))
    proposed = register.engine.rows(
        "SELECT subject FROM link_results WHERE run_id = ? AND batch_id = ? AND line = ?",
        [again.run_id, second["batch_id"], second["line"]],
    )
    assert proposed and proposed[0][0] != second["subject"]
    # A pair not under review cannot be decided; nothing is written.
    with pytest.raises(UserError, match="999"):
        decide_and_apply(register, again.run_id, 999, 1, accepted=True, clerk="李文员")
    assert register.engine.scalar("SELECT count(*) FROM events") == events_before


def test_auto_links_refiled_once_and_history_holds_them(register: Register, linked_city: LinkedCity) -> None:
    auto = register.engine.rows(
        "SELECT batch_id, line, subject FROM link_results WHERE run_id = 1 AND decision = 'auto' ORDER BY 1, 2"
    )
    assert len(auto) > 500
    events_before = register.engine.scalar("SELECT count(*) FROM events")
    done = apply_auto_links(register, 1)
    assert sum(d.rows for d in done) == len(auto)
    accepted = sum(d.accepted for d in done)
    assert register.engine.scalar("SELECT count(*) FROM events") == events_before + accepted
    # Most rows had nothing wrong but their ID number: re-filed with the person's number, they are accepted.
    assert accepted >= 0.95 * len(auto)
    # Each accepted row's event sits under the person it was linked to (checked on a sample, by record number).
    for batch_id, line, subject in auto[:: max(1, len(auto) // 25)]:
        raw = quarantined_row(register.engine, register.keys, batch_id, line)
        assert raw is not None
        records = {record for _type, record in _events_of(register, subject)}
        quarantined_again = register.engine.scalar(
            "SELECT count(*) FROM link_refiled f JOIN quarantine q ON q.batch_id = f.refiled_batch_id "
            "WHERE f.batch_id = ? AND f.line = ?",
            [batch_id, line],
        )
        assert raw["record_no"] in records or quarantined_again
    # Applying again re-files nothing; a new run no longer sees those rows.
    assert apply_auto_links(register, 1) == []
    rerun = run_linkage(register, LinkSettings())
    assert rerun.n_records == linked_city.run.n_records - len(auto)  # type: ignore[attr-defined]
