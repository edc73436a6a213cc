"""Recording events at the desk: a form is a batch of one through the register's ingest (same validation,
quarantine, hash chain and findings), confined to the clerk's districts, audited, never recorded twice."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from conftest import Env
from service_city import citizen_id

from renkou.api import audit

TODAY = date(2021, 6, 1)  # the service's clock (conftest.NOW)
NEWCOMER = citizen_id("340104", date(1991, 4, 9), 901, "F")


def post(env: Env, headers: dict[str, str], event_type: str, **values: Any) -> httpx.Response:
    return env.client.post("/web/api/events", json={"event_type": event_type, "values": values}, headers=headers)


def registered(env: Env, on: str = "2021-05-31") -> dict[str, int]:
    with env.service.database() as engine:
        from renkou.register.population import population_by

        rows = population_by(engine, date.fromisoformat(on), "registered", ("district",)).to_pylist()
    return {row["district"]: row["population"] for row in rows}


def counts(env: Env) -> tuple[int, int, int]:
    with env.service.database() as engine:
        return (
            int(engine.scalar("SELECT count(*) FROM batches")),
            int(engine.scalar("SELECT count(*) FROM events")),
            int(engine.scalar("SELECT count(*) FROM quarantine")),
        )


def audit_entries(env: Env, **filters: Any) -> list[dict[str, Any]]:
    with env.service.database() as engine:
        return audit.search(engine, audit.AuditQuery(action="person.write", **filters))[1]


def test_move_in_is_recorded_findable_counted_and_audited(env: Env) -> None:
    headers = env.login("clerk_xihu")
    before = registered(env)
    response = post(
        env,
        headers,
        "hukou_in",
        id_number=NEWCOMER,
        name="新来者",
        occurred_on="2021-05-20",
        hukou_region="330106",
        urban_rural="111",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "recorded" and body["feed"] == "hukou"
    assert body["id_number"] == NEWCOMER[:6] + "********" + NEWCOMER[-4:] and NEWCOMER not in response.text
    after = registered(env)
    assert after["330106"] == before["330106"] + 1
    assert {k: v for k, v in after.items() if k != "330106"} == {k: v for k, v in before.items() if k != "330106"}
    person = env.client.get(f"/api/persons/{NEWCOMER}").json()
    assert person["name"] == "新来者" and person["identity_masked"] is False
    assert [e["event_type"] for e in person["events"]] == ["hukou_in"]
    assert person["events"][0]["record_no"] == body["record_no"]
    entries = audit_entries(env, actor="clerk_xihu", outcome="recorded")
    assert len(entries) == 1 and entries[0]["target"] == body["id_number"]
    assert entries[0]["detail"]["batch_id"] == body["batch_id"] and entries[0]["subject_id"]
    with env.service.database() as engine:
        assert audit.verify_audit(engine).ok
        log_text = str(engine.rows("SELECT * FROM audit_log"))
    assert NEWCOMER not in log_text
    assert env.service.register.verify().ok  # the register's hash chain takes the batch of one


def test_the_same_form_twice_is_recorded_once(env: Env) -> None:
    headers = env.login("clerk_xihu")
    form = {"id_number": NEWCOMER, "name": "新来者", "occurred_on": "2021-05-20", "hukou_region": "330106"}
    assert post(env, headers, "hukou_in", **form).status_code == 201
    before = counts(env)
    again = post(env, headers, "hukou_in", **form)
    assert again.status_code == 409 and again.json()["error"]["code"] == "duplicate"
    assert counts(env) == before
    assert [e["outcome"] for e in audit_entries(env, actor="clerk_xihu")] == ["duplicate", "recorded"]


def test_a_new_person_only_in_ones_own_district(env: Env) -> None:
    headers = env.login("clerk_xihu")
    before = counts(env)
    response = post(
        env, headers, "hukou_in", id_number=NEWCOMER, name="新来者", occurred_on="2021-05-20", hukou_region="330102"
    )
    assert response.status_code == 403
    assert "330102" in response.json()["error"]["en"] and "330106" in response.json()["error"]["en"]
    assert counts(env) == before
    assert audit_entries(env, actor="clerk_xihu")[0]["outcome"] == "denied_district"


def test_an_existing_person_only_in_ones_own_district(env: Env) -> None:
    person = env.city.local("330106", TODAY)
    headers = env.login("clerk_shangcheng")
    response = post(env, headers, "death", id_number=person.id_number, occurred_on="2021-05-02")
    assert response.status_code == 403 and person.id_number not in response.text
    headers = env.login("clerk_xihu")
    assert post(env, headers, "death", id_number=person.id_number, occurred_on="2021-05-02").status_code == 201
    assert registered(env)["330106"] == env.city.registered_on(date(2021, 5, 31))["330106"] - 1


@pytest.mark.parametrize(
    ("values", "reason", "column"),
    [
        ({"id_number": NEWCOMER[:-1] + ("0" if NEWCOMER[-1] != "0" else "1")}, "id_checksum", "id_number"),
        ({"occurred_on": "2021-07-01"}, "date_future", "occurred_on"),  # after the service's today
        ({"occurred_on": "2021-02-30"}, "date_invalid", "occurred_on"),
        ({"urban_rural": "999"}, "code_invalid", "urban_rural"),
        ({"hukou_region": "330106", "residence_region": "999999"}, "region_unknown", "residence_region"),
    ],
)
def test_bad_values_are_quarantined_with_their_reason(
    env: Env, values: dict[str, str], reason: str, column: str
) -> None:
    headers = env.login("clerk_xihu")
    form = {"id_number": NEWCOMER, "name": "新来者", "occurred_on": "2021-05-20", "hukou_region": "330106", **values}
    before = counts(env)
    response = post(env, headers, "hukou_in", **form)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["status"] == "quarantined" and body["error"]["code"] == "quarantined"
    assert [(r["code"], r["column"]) for r in body["reasons"]] == [(reason, column)]
    assert body["error"]["en"].startswith(column)
    # The batch of one exists, its only line is in quarantine, nothing entered the register's events.
    assert counts(env) == (before[0] + 1, before[1], before[2] + 1)
    assert NEWCOMER not in response.text


def test_events_of_known_persons_need_a_valid_known_number(env: Env) -> None:
    headers = env.login("clerk_xihu")
    bad = post(env, headers, "death", id_number="330106199005171231", occurred_on="2021-05-02")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_id"
    assert bad.json()["error"]["en"].startswith("id_number")
    unknown = post(env, headers, "death", id_number=NEWCOMER, occurred_on="2021-05-02")
    assert unknown.status_code == 404 and NEWCOMER not in unknown.text
    assert audit_entries(env, actor="clerk_xihu")[0]["outcome"] == "not_found"


@pytest.mark.parametrize(
    ("payload", "word"),
    [
        ({"event_type": "marriage", "values": {}}, "marriage"),
        (
            {"event_type": "death", "values": {"id_number": "1", "occurred_on": "2021-01-01", "permit_no": "x"}},
            "permit_no",
        ),
        ({"event_type": "death", "values": {"id_number": "1"}}, "occurred_on"),
    ],
)
def test_malformed_forms_are_refused_before_ingest(env: Env, payload: dict[str, Any], word: str) -> None:
    headers = env.login("clerk_xihu")
    before = counts(env)
    response = env.client.post("/web/api/events", json=payload, headers=headers)
    assert response.status_code == 400 and word in response.json()["error"]["en"]
    assert counts(env) == before


def test_a_browser_write_needs_the_csrf_header(env: Env) -> None:
    env.login("clerk_xihu")
    response = post(env, {}, "hukou_in", id_number=NEWCOMER, name="x", occurred_on="2021-05-20", hukou_region="330106")
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf"


def test_birth_reports_the_cross_department_finding(env: Env) -> None:
    headers = env.login("clerk_xihu")
    baby = citizen_id("330106", date(2021, 5, 10), 902, "M")
    response = post(
        env, headers, "birth", id_number=baby, name="新生儿", occurred_on="2021-05-10", hukou_region="330106", sex="M"
    )
    assert response.status_code == 201, response.text
    # The desk's birth form has no mother's number (the health feed carries it): the register flags it.
    assert [f["kind"] for f in response.json()["findings"]] == ["birth_mother_unknown"]


def test_permit_issued_and_renewed(env: Env) -> None:
    floating = next(p for p in env.city.persons if p.hukou is None)
    headers = env.login("clerk_xihu")
    issued = post(
        env,
        headers,
        "permit_issued",
        id_number=floating.id_number,
        name=floating.name,
        occurred_on="2021-03-01",
        permit_no="HZ2021-0001",
        residence_region="330106",
    )
    assert issued.status_code == 201, issued.text
    renewed = post(
        env, headers, "permit_renewed", id_number=floating.id_number, occurred_on="2021-05-28", permit_no="HZ2021-0001"
    )
    assert renewed.status_code == 201, renewed.text
    person = env.client.get(f"/api/persons/{floating.id_number}").json()
    assert person["state"]["permit_no"] == "HZ2021-0001"
    assert [e["event_type"] for e in person["events"]][-2:] == ["permit_issued", "permit_renewed"]


def test_recent_entries_are_ones_own_and_masked(env: Env) -> None:
    person = env.city.local("330106", TODAY)
    headers = env.login("clerk_xihu")
    post(env, headers, "death", id_number=person.id_number, occurred_on="2021-05-02")
    post(env, headers, "hukou_in", id_number=NEWCOMER, name="x", occurred_on="2021-05-20", hukou_region="330102")
    entries = env.client.get("/web/api/workbench/recent").json()["entries"]
    assert [(e["event_type"], e["status"]) for e in entries] == [("hukou_in", "denied_district"), ("death", "recorded")]
    assert all("*" in e["id_number"] for e in entries) and person.id_number not in str(entries)
    env.login("clerk_shangcheng")
    assert env.client.get("/web/api/workbench/recent").json()["entries"] == []


def test_forms_twin_lists_the_clerks_districts(env: Env) -> None:
    env.login("clerk_xihu")
    body = env.client.get("/web/api/events/forms?lang=en").json()
    assert body["districts"] == ["330106"]
    assert {form["event_type"] for form in body["forms"]} >= {"birth", "death", "hukou_in", "hukou_out"}
    assert next(f for f in body["forms"] if f["event_type"] == "death")["label"] == "death"
