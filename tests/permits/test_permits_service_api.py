"""The clerk's permit API: an application checked with its reasons, issue, endorse on time and late, status, and the
due and overdue lists of the clerk's districts; a clerk of another district is refused, and everything is audited
with masked ID numbers. Dates worked by hand on the official calendar."""

from __future__ import annotations

import json
from typing import Any

from permits_helpers import PEOPLE
from permits_service import Env

from renkou.ids import mask


def _post(env: Any, url: str, headers: dict[str, str], **body: object) -> Any:
    return env.client.post(url, headers=headers, json=body)


def test_an_application_lists_its_reasons_and_only_the_districts_clerk_may_handle_it(permits_env: Env) -> None:
    qian = PEOPLE["qian"]  # 拱墅区 330105 since 2019-01-05; no employment, housing or study on record
    headers = permits_env.login("clerk_xihu")
    refused = _post(permits_env, "/api/permits/apply", headers, id_number=qian)
    assert refused.status_code == 403
    headers = permits_env.login("clerk_gongshu")
    answer = _post(permits_env, "/api/permits/apply", headers, id_number=qian).json()
    assert answer["eligible"] is False and answer["id"] == mask(qian)
    unmet = [c["key"] for c in answer["conditions"] if not c["met"]]
    assert unmet == ["basis"]
    declared = _post(permits_env, "/api/permits/apply", headers, id_number=qian, basis=["employment"], record=True)
    body = declared.json()
    assert body["eligible"] is True and body["recorded"] is True and body["issue_due"] > "2021-06-01"
    assert [o for _, _, o, _ in permits_env.audit("permit.apply")] == ["denied_district", "ok", "ok"]
    assert all(qian not in detail for _, _, _, detail in permits_env.audit("permit.apply"))


def test_issue_endorse_on_time_and_too_early(permits_env: Env) -> None:
    zhao = PEOPLE["zhao"]  # 西湖区, employed, registered 2019-01-05
    headers = permits_env.login("clerk_xihu")
    issued = _post(permits_env, "/api/permits/issue", headers, id_number=zhao, on="2020-03-02")
    assert issued.status_code == 201, issued.text
    body = issued.json()
    assert body["permit_no"] == "3301062020000001" and body["fee"] == 0
    assert body["state"]["next_endorsement"]["opens"] == "2021-02-02"  # a month before the anniversary 2 March
    on_time = _post(permits_env, "/api/permits/endorse", headers, id_number=zhao, on="2021-02-10").json()
    assert on_time["late"] is False and on_time["state"]["endorsements"] == 1
    early = _post(permits_env, "/api/permits/endorse", headers, id_number=zhao, on="2021-05-01")
    assert early.status_code == 400 and early.json()["error"]["code"] == "not_due"
    status = permits_env.client.get(f"/api/permits/status/{zhao}").json()
    assert (status["status"], status["years"], status["counting_from"]) == ("valid", 1, "2020-03-02")
    assert status["services"]
    outcomes = [(t, o) for _, t, o, _ in permits_env.audit("permit.endorse")]
    assert outcomes == [(mask(zhao), "ok"), (mask(zhao), "not_due")]


def test_a_missed_window_suspends_and_a_late_endorsement_restores_and_restarts(permits_env: Env) -> None:
    sun = PEOPLE["sun"]  # 西湖区, rented housing, registered 2019-01-05
    headers = permits_env.login("clerk_xihu")
    assert _post(permits_env, "/api/permits/issue", headers, id_number=sun, on="2019-08-01").status_code == 201
    # Anniversary Saturday 1 August 2020 -> last day Monday 3 August; suspended from 4 August.
    overdue = permits_env.client.get("/api/permits/overdue", params={"district": "330106"}).json()
    [row] = overdue["districts"]["330106"]["permits"]
    assert (row["id"], row["due"], row["suspended_since"]) == (mask(sun), "2020-08-03", "2020-08-04")
    assert row["days_overdue"] == 302  # 3 August 2020 to 1 June 2021
    late = _post(permits_env, "/api/permits/endorse", headers, id_number=sun).json()
    assert late["late"] is True and late["before"]["status"] == "suspended"
    assert (late["state"]["status"], late["state"]["counting_from"], late["state"]["years"]) == (
        "valid",
        "2021-06-01",
        0,
    )
    assert permits_env.client.get("/api/permits/overdue").json()["total"] == 0
    with permits_env.service.database() as engine:
        kinds = [
            k
            for (k,) in engine.rows("SELECT event_type FROM events WHERE event_type LIKE 'permit_%' ORDER BY event_id")
        ]
    assert kinds == ["permit_issued", "permit_renewed", "permit_restored"]


def test_due_list_of_ones_districts_only(permits_env: Env) -> None:
    headers = permits_env.login("clerk_xihu")
    _post(permits_env, "/api/permits/issue", headers, id_number=PEOPLE["zhao"], on="2020-03-02")
    _post(permits_env, "/api/permits/endorse", headers, id_number=PEOPLE["zhao"], on="2021-02-10")
    due = permits_env.client.get("/api/permits/due", params={"on": "2022-02-10"}).json()
    [row] = due["districts"]["330106"]["permits"]
    # Year 2 of the permit issued 2 March 2020: window 2 February .. Wednesday 2 March 2022.
    assert (row["id"], row["year"], row["due"], row["days_left"]) == (mask(PEOPLE["zhao"]), 2, "2022-03-02", 20)
    permits_env.login("clerk_gongshu")
    assert permits_env.client.get("/api/permits/due", params={"district": "330106"}).status_code == 403
    [(actor, _, outcome, detail)] = permits_env.audit("permit.due_list")
    assert (actor, outcome, json.loads(detail)["count"]) == ("clerk_xihu", "ok", 1)


def test_the_permit_page_is_for_clerks_in_both_languages(permits_env: Env) -> None:
    permits_env.login("clerk_xihu")
    zh = permits_env.client.get("/permits")
    assert zh.status_code == 200 and "居住证办理" in zh.text and "330106" in zh.text
    en = permits_env.client.get("/permits?lang=en")
    assert "Residence permits" in en.text and "Check the application" in en.text
    permits_env.login("points1")
    assert permits_env.client.get("/permits").status_code == 403
