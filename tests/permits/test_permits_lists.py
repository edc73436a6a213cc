"""Due and overdue lists per district, and the endorsement reminders, over permit events from a department file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from permits_helpers import PEOPLE, calendar, rules, write_csv

from renkou.notify.message import Channel
from renkou.permits import lists, records
from renkou.permits.contacts import Contact
from renkou.permits.reminders import endorsement_reminders
from renkou.register.store import Register

ON = date(2021, 7, 1)  # a Thursday


def permit_row(person: str, event_type: str, on: str, permit_no: str) -> dict[str, str]:
    return {"event_type": event_type, "id_number": PEOPLE[person], "occurred_on": on, "permit_no": permit_no}


@pytest.fixture
def permits(register: Register, tmp_path: Path) -> Register:
    rows = [
        # 西湖区: zhao endorsed on time -> year 2 window 2021-06-15..07-15 open on ON.
        permit_row("zhao", "permit_issued", "2019-07-15", "P-ZHAO"),
        permit_row("zhao", "permit_renewed", "2020-06-20", "P-ZHAO"),
        # 西湖区: sun never endorsed -> window 2020-06-20..07-20 missed, suspended since 2020-07-21.
        permit_row("sun", "permit_issued", "2019-07-20", "P-SUN"),
        # 拱墅区: zhou endorsed -> year 2 window opens Saturday 2021-07-10.
        permit_row("zhou", "permit_issued", "2019-08-10", "P-ZHOU"),
        permit_row("zhou", "permit_renewed", "2020-07-15", "P-ZHOU"),
        # 拱墅区: wu cancelled -> on no list.
        permit_row("wu", "permit_issued", "2019-03-01", "P-WU"),
        permit_row("wu", "permit_cancelled", "2020-01-10", "P-WU"),
        # 拱墅区: qian endorsed late on 2020-09-01 -> next window 2021-08-01..09-01.
        permit_row("qian", "permit_issued", "2018-07-02", "P-QIAN"),
        permit_row("qian", "permit_renewed", "2020-09-01", "P-QIAN"),
    ]
    [summary] = register.ingest([write_csv(tmp_path / "residence-permits.csv", rows)])
    assert summary.accepted == len(rows)
    return register


def masked(person: str) -> str:
    return PEOPLE[person][:6] + "********" + PEOPLE[person][-4:]


def test_due_list_per_district_with_masked_ids(permits: Register) -> None:
    entries = lists.collect(permits, ON, rules(), calendar())
    assert len(entries) == 5
    chosen = lists.due(entries, ON, ON)
    rows = lists.rows(permits, chosen, ON, calendar())
    assert [(r["district"], r["district_name"], r["id"], r["permit_no"]) for r in rows] == [
        ("330106", "西湖区", masked("zhao"), "P-ZHAO")
    ]
    # 2021-07-01 to 07-15: 15 days; working days 07-01, 02, 05-09, 12-15 = 11 (both ends included).
    assert (rows[0]["window_opens"], rows[0]["due"], rows[0]["days_left"], rows[0]["working_days_left"]) == (
        "2021-06-15",
        "2021-07-15",
        14,
        11,
    )
    # Looking ahead: 5 working days reach Thursday 07-08 (zhou's window opens Saturday 07-10); 7 reach Monday 07-12.
    five = lists.due(entries, ON, calendar().add_working_days(ON, 5))
    seven = lists.due(entries, ON, calendar().add_working_days(ON, 7))
    assert [e.state.permit_no for e in five] == ["P-ZHAO"]
    assert [e.state.permit_no for e in seven] == ["P-ZHOU", "P-ZHAO"]  # by district: 330105 before 330106
    grouped = lists.by_district(lists.rows(permits, seven, ON, calendar()))
    assert {code: group["count"] for code, group in grouped.items()} == {"330105": 1, "330106": 1}


def test_overdue_list_shows_the_suspended(permits: Register) -> None:
    entries = lists.collect(permits, ON, rules(), calendar())
    rows = lists.rows(permits, lists.overdue(entries), ON, calendar())
    assert len(rows) == 1
    row = rows[0]
    assert (row["id"], row["permit_no"], row["status"], row["due"], row["suspended_since"]) == (
        masked("sun"),
        "P-SUN",
        "suspended",
        "2020-07-20",
        "2020-07-21",
    )
    assert row["days_overdue"] == 346  # 2020-07-20 to 2021-07-01
    assert PEOPLE["sun"] not in str(rows)


def test_district_filter(permits: Register) -> None:
    entries = lists.collect(permits, ON, rules(), calendar(), district="330105")
    assert sorted(e.state.permit_no or "" for e in entries.entries()) == ["P-QIAN", "P-WU", "P-ZHOU"]
    assert lists.due(entries, ON, ON) == [] and lists.overdue(entries) == []


def test_reminders_start_ten_working_days_before_the_last_day(permits: Register) -> None:
    entries = lists.due(lists.collect(permits, ON, rules(), calendar()), ON, ON)
    keys = records.subject_keys(permits, [PEOPLE["zhao"], PEOPLE["zhou"]])
    contacts = {
        keys[PEOPLE["zhao"]]: Contact(phone="13800138000", email="zhao@example.cn"),
        keys[PEOPLE["zhou"]]: Contact(phone="13900139000"),
    }
    # zhao's last day is Thursday 07-15; ten working days back: 07-14, 13, 12, 09, 08, 07, 06, 05, 02, 01.
    before = endorsement_reminders(
        lists.due(lists.collect(permits, date(2021, 6, 30), rules(), calendar()), date(2021, 6, 30), date(2021, 6, 30)),
        contacts,
        date(2021, 6, 30),
        rules().endorsement,
        calendar(),
    )
    assert before.notifications == ()
    run = endorsement_reminders(entries, contacts, ON, rules().endorsement, calendar())
    assert (run.due_holders, run.without_contact) == (1, 0)
    assert [(n.channel, n.recipient, n.reference) for n in run.notifications] == [
        (Channel.SMS, "13800138000", "P-ZHAO"),
        (Channel.EMAIL, "zhao@example.cn", "P-ZHAO"),
    ]
    sms = run.notifications[0]
    assert "2021年7月15日" in sms.body and "P-ZHAO" in sms.body and PEOPLE["zhao"] not in sms.body
    assert sms.dedupe_key == "permit.endorsement_due:P-ZHAO:2019-07-15:2:sms"
    # Without contact details the holder is counted, not silently dropped.
    assert endorsement_reminders(entries, {}, ON, rules().endorsement, calendar()).without_contact == 1
