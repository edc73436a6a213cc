"""The clerk's permit actions beyond issue and endorse, through the service: restore a suspended permit, replace,
cancel (on departure too), record the suspensions of a district; refusals with one bilingual line, the district
check, the audit log; and one permit's whole life walked through the API with the continuous residence years the
service reports at each step. Dates worked by hand on the official calendar (the service's clock: 1 June 2021)."""

from __future__ import annotations

import json
from typing import Any

from permits_helpers import PEOPLE
from permits_service import Env

from renkou.ids import mask


def _post(env: Env, url: str, headers: dict[str, str], **body: object) -> Any:
    return env.client.post(url, headers=headers, json=body)


def _status(env: Env, number: str, on: str) -> dict[str, Any]:
    response = env.client.get(f"/api/permits/status/{number}", params={"on": on})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _events(env: Env) -> list[tuple[str, str]]:
    with env.service.database() as engine:
        rows = engine.rows(
            "SELECT event_type, CAST(occurred_on AS VARCHAR) FROM events "
            "WHERE event_type LIKE 'permit_%' OR event_type = 'residence_left' ORDER BY event_id"
        )
    return [(str(kind), str(on)) for kind, on in rows]


def _error(response: Any) -> dict[str, str]:
    error: dict[str, str] = response.json()["error"]
    return error


def test_a_permits_life_through_the_service_with_its_continuous_years(permits_env: Env) -> None:
    wu = PEOPLE["wu"]  # 拱墅区 330105 since 1 June 2018, owned housing
    headers = permits_env.login("clerk_gongshu")

    applied = _post(permits_env, "/api/permits/apply", headers, id_number=wu, on="2018-12-10", record=True).json()
    assert applied["eligible"] is True and applied["recorded"] is True
    issued = _post(permits_env, "/api/permits/issue", headers, id_number=wu, on="2018-12-14", accepted="2018-12-10")
    assert issued.status_code == 201, issued.text
    first_no = issued.json()["permit_no"]
    assert first_no == "3301052018000001"  # district of residence, year, first serial
    # Year 1: anniversary Saturday 14 December 2019, so the last day is Monday 16 December; opens 14 November.
    assert issued.json()["state"]["next_endorsement"] == {
        "year": 1,
        "anniversary": "2019-12-14",
        "opens": "2019-11-14",
        "due": "2019-12-16",
        "provisional": False,
    }
    on_time = _post(permits_env, "/api/permits/endorse", headers, id_number=wu, on="2019-12-02").json()
    assert on_time["late"] is False
    # 14 December 2018 .. 13 December 2020: one full year; on the second anniversary, two.
    assert _status(permits_env, wu, "2020-12-13")["years"] == 1
    at_two = _status(permits_env, wu, "2020-12-14")
    assert (at_two["status"], at_two["years"], at_two["counting_from"]) == ("valid", 2, "2018-12-14")
    # Year 2's window closed Monday 14 December 2020 without an endorsement: suspended from the 15th, no years.
    missed = _status(permits_env, wu, "2020-12-15")
    assert (missed["status"], missed["years"], missed["suspended_since"]) == ("suspended", 0, "2020-12-15")
    assert missed["services"] == []

    suspended = _post(permits_env, "/api/permits/suspend", headers, on="2021-01-04").json()
    assert suspended["districts"] == {
        "330105": {"suspended": 1, "recorded": 1, "batch_id": suspended["districts"]["330105"]["batch_id"]}
    }
    again = _post(permits_env, "/api/permits/suspend", headers, on="2021-01-05").json()
    assert (again["suspended"], again["recorded"]) == (1, 0)  # recorded once

    restored = _post(permits_env, "/api/permits/restore", headers, id_number=wu, on="2021-02-01")
    assert restored.status_code == 200, restored.text
    body = restored.json()
    assert body["late"] is True and body["before"]["status"] == "suspended"
    # The late endorsement restarts the count: from 1 February 2021, not from the 2018 issue.
    assert (body["state"]["status"], body["state"]["counting_from"], body["state"]["years"]) == (
        "valid",
        "2021-02-01",
        0,
    )
    assert body["state"]["next_endorsement"]["anniversary"] == "2022-02-01"
    assert _status(permits_env, wu, "2021-01-31")["years"] == 0  # still suspended the day before

    replaced = _post(permits_env, "/api/permits/replace", headers, id_number=wu, on="2021-03-01").json()
    assert (replaced["old_permit_no"], replaced["permit_no"]) == (first_no, "3301052021000001")
    # A replacement keeps the count and the windows.
    assert replaced["state"]["counting_from"] == "2021-02-01"
    assert replaced["state"]["next_endorsement"]["anniversary"] == "2022-02-01"

    cancelled = _post(permits_env, "/api/permits/cancel", headers, id_number=wu, on="2021-05-10", departed=True)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"]["status"] == "cancelled" and cancelled.json()["state"]["years"] == 0
    assert cancelled.json()["state"]["ended_on"] == "2021-05-10"

    assert _events(permits_env) == [
        ("permit_applied", "2018-12-10"),
        ("permit_issued", "2018-12-14"),
        ("permit_renewed", "2019-12-02"),
        ("permit_suspended", "2020-12-15"),
        ("permit_renewed", "2021-02-01"),
        ("permit_restored", "2021-02-01"),
        ("permit_replaced", "2021-03-01"),
        ("permit_cancelled", "2021-05-10"),
        ("residence_left", "2021-05-10"),
    ]
    actions = ("permit.apply", "permit.issue", "permit.endorse", "permit.restore", "permit.replace", "permit.cancel")
    for action in actions:
        entries = permits_env.audit(action)
        assert [(actor, target, outcome) for actor, target, outcome, _ in entries] == [
            ("clerk_gongshu", mask(wu), "ok")
        ], action
        assert wu not in entries[0][3]
    runs = permits_env.audit("permit.suspend_overdue")
    assert [(json.loads(d)["district"], json.loads(d)["recorded"]) for _, _, _, d in runs] == [
        ("330105", 1),
        ("330105", 0),
    ]


def test_restoring_a_permit_that_is_not_suspended_is_refused_in_both_languages(permits_env: Env) -> None:
    zhao = PEOPLE["zhao"]  # 西湖区, employed
    headers = permits_env.login("clerk_xihu")
    none = _post(permits_env, "/api/permits/restore", headers, id_number=zhao)
    assert none.status_code == 400 and _error(none)["code"] == "not_suspended"
    assert _error(none)["zh"] == f"{mask(zhao)} 的居住证未中止（状态：未持证），无须恢复"
    assert "is not suspended (status: no permit)" in _error(none)["en"]
    _post(permits_env, "/api/permits/issue", headers, id_number=zhao, on="2021-03-01")
    valid = _post(permits_env, "/api/permits/restore", headers, id_number=zhao)
    assert valid.status_code == 400 and "（状态：有效）" in _error(valid)["zh"]
    assert [o for _, _, o, _ in permits_env.audit("permit.restore")] == ["not_suspended", "not_suspended"]
    with permits_env.service.database() as engine:
        assert engine.scalar("SELECT count(*) FROM events WHERE event_type = 'permit_restored'") == 0


def test_cancelling_twice_or_replacing_a_cancelled_permit_is_refused(permits_env: Env) -> None:
    sun = PEOPLE["sun"]  # 西湖区, rented housing
    headers = permits_env.login("clerk_xihu")
    never = _post(permits_env, "/api/permits/cancel", headers, id_number=sun)
    assert never.status_code == 400 and _error(never)["code"] == "no_permit"
    _post(permits_env, "/api/permits/issue", headers, id_number=sun, on="2020-02-03")
    first = _post(permits_env, "/api/permits/cancel", headers, id_number=sun, on="2021-01-04")
    assert first.status_code == 200 and first.json()["departed"] is False
    twice = _post(permits_env, "/api/permits/cancel", headers, id_number=sun, on="2021-01-05")
    assert twice.status_code == 400 and _error(twice)["code"] == "permit_cancelled"
    assert _error(twice)["zh"] == f"{mask(sun)} 的居住证已于 2021-01-04 注销，不能再注销（须重新申领）"
    assert _error(twice)["en"].endswith("was already cancelled on 2021-01-04; it cannot be cancelled (apply again)")
    replace = _post(permits_env, "/api/permits/replace", headers, id_number=sun)
    assert replace.status_code == 400 and _error(replace)["code"] == "permit_cancelled"
    # Without departure the residence registration stands: the holder may apply again at once.
    again = _post(permits_env, "/api/permits/apply", headers, id_number=sun).json()
    assert again["eligible"] is True
    assert [o for _, _, o, _ in permits_env.audit("permit.cancel")] == ["no_permit", "ok", "permit_cancelled"]


def test_bad_input_and_a_replacement_number_in_use(permits_env: Env) -> None:
    zhao, sun = PEOPLE["zhao"], PEOPLE["sun"]
    headers = permits_env.login("clerk_xihu")
    _post(permits_env, "/api/permits/issue", headers, id_number=zhao, on="2020-03-02", permit_no="XH-0001")
    _post(permits_env, "/api/permits/issue", headers, id_number=sun, on="2020-03-02", permit_no="XH-0002")
    taken = _post(permits_env, "/api/permits/replace", headers, id_number=zhao, permit_no="XH-0002")
    assert taken.status_code == 400 and "XH-0002" in _error(taken)["zh"] and "cannot be used" in _error(taken)["en"]
    same = _post(permits_env, "/api/permits/replace", headers, id_number=zhao, permit_no="XH-0001")
    assert same.status_code == 400
    future = _post(permits_env, "/api/permits/cancel", headers, id_number=zhao, on="2021-06-02")
    assert future.status_code == 400 and "in the future" in _error(future)["en"]
    bad_id = _post(permits_env, "/api/permits/cancel", headers, id_number="340104198805050000")
    assert bad_id.status_code == 400 and _error(bad_id)["code"] == "invalid_id"
    unknown_field = _post(permits_env, "/api/permits/cancel", headers, id_number=zhao, reason="moved")
    assert unknown_field.status_code in (400, 422)
    bad_district = _post(permits_env, "/api/permits/suspend", headers, district="33010")
    assert bad_district.status_code in (400, 422)
    ok = _post(permits_env, "/api/permits/replace", headers, id_number=zhao, permit_no="XH-0003").json()
    assert (ok["old_permit_no"], ok["permit_no"], ok["state"]["counting_from"]) == ("XH-0001", "XH-0003", "2020-03-02")


def test_only_the_districts_clerk_acts_and_every_refusal_is_audited(permits_env: Env) -> None:
    wu = PEOPLE["wu"]  # 拱墅区 330105
    headers = permits_env.login("clerk_gongshu")
    _post(permits_env, "/api/permits/issue", headers, id_number=wu, on="2019-03-01")
    headers = permits_env.login("clerk_xihu")
    for action in ("restore", "replace", "cancel"):
        refused = _post(permits_env, f"/api/permits/{action}", headers, id_number=wu)
        assert refused.status_code == 403, action
        assert [o for _, _, o, _ in permits_env.audit(f"permit.{action}")] == ["denied_district"]
    other = _post(permits_env, "/api/permits/suspend", headers, district="330105")
    assert other.status_code == 403 and "330105" in _error(other)["zh"]
    # The clerk's own run finds nothing in 西湖区 (wu's overdue permit is 拱墅区's).
    own = _post(permits_env, "/api/permits/suspend", headers).json()
    assert own["districts"] == {"330106": {"suspended": 0, "recorded": 0, "batch_id": None}}
    headers = permits_env.login("points1")
    assert _post(permits_env, "/api/permits/cancel", headers, id_number=wu).status_code == 403
    assert _post(permits_env, "/api/permits/suspend", headers).status_code == 403
    status = _status_as(permits_env, "clerk_gongshu", wu)
    assert status["status"] == "suspended"  # nothing was written by the refused calls


def _status_as(env: Env, user: str, number: str) -> dict[str, Any]:
    env.login(user)
    response = env.client.get(f"/api/permits/status/{number}")
    body: dict[str, Any] = response.json()
    return body
