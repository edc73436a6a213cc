"""The points officer's API: score one applicant (from the form, and from the register, audited), create a round
from an uploaded file, rank it with the tie at the cut-off admitted, publish the masked list, record an objection
and re-score on accepting it; the history is kept sealed and hash-chained, and survives a restart."""

from __future__ import annotations

import json

from points_city import LI
from points_helpers import citizen_id
from points_service import Env

from renkou.points.masking import mask_id

IDS = {key: citizen_id(n, "110101", "19850101") for n, key in enumerate("ABCDEF", start=1)}
NAMES = {"A": "赵一", "B": "钱二", "C": "孙三", "D": "李四", "E": "周五", "F": "吴六"}
# Beijing 2016, quota 2. By hand: A 10 years x 3 + age <= 45 20 = 50; B 8 x 3 + 硕士 26 + 20 = 70;
# C 9 x 3 + 本科+学士 15 (age 50: no age points) = 42; D 30 + 20 = 50; E holds no permit; F (a woman of 52) is
# past the retirement age of 50.  Ranking: B 1, A 2, D 2 (tied at the cut-off: both admitted), C 4.
ROWS = {
    "A": "true,M,40,10,none",
    "B": "true,F,30,8,master",
    "C": "true,M,50,9,bachelor_degree",
    "D": "true,M,44,10,none",
    "E": "false,M,30,12,none",
    "F": "true,F,52,10,none",
}
CSV = "applicant_id,name,has_permit,sex,age,insurance_years,education\n" + "".join(
    f"{IDS[k]},{NAMES[k]},{v}\n" for k, v in ROWS.items()
)


def _secrets_absent(text: str) -> None:
    for key in IDS:
        assert IDS[key] not in text and NAMES[key] not in text, key


def _create(env: Env, headers: dict[str, str]) -> dict[str, object]:
    response = env.client.post(
        "/api/points/rounds",
        headers=headers,
        data={"rules": "beijing-2016", "quota": "2", "opens": "2021-06-01", "closes": "2021-06-07", "title": "2021"},
        files={"file": ("申请人.csv", CSV.encode("utf-8"), "text/csv")},
    )
    assert response.status_code == 201, response.text
    _secrets_absent(response.text)
    body: dict[str, object] = response.json()
    return body


def test_score_from_the_form_explains_each_line_with_its_source(points_env: Env) -> None:
    headers = points_env.login("points1")
    body = {
        "rules": "shanghai-2015",
        "values": {"has_permit": "true", "age": 43, "education": "master", "skill": "title_senior",
                   "high_base_months": 6, "insurance_years": 7.9},
        "sources": {"education": "verified"},
    }  # fmt: skip
    response = points_env.client.post("/api/points/score", headers=headers, json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    lines = {line["indicator"]: line for line in answer["lines"]}
    # age 43: 7 + 2 x 12 = 31 -> cap 30; senior title 140 (6 months at the mean wage) beats 硕士 100; 7 full years x 3.
    assert (lines["age"]["points"], lines["age"]["raw"], lines["age"]["cap_applied"]) == (30, 31, True)
    assert (lines["skill"]["points"], lines["education"]["points"]) == (140, 0)
    assert lines["social_insurance"]["points"] == 21
    assert answer["total"] == 191 and answer["eligible"] is True
    assert lines["education"]["source"] == "verified" and lines["age"]["source"] == "self_declared"
    assert answer["warnings"] == []  # fields left empty take the rules' defaults silently
    assert points_env.audit("points.score") == []  # no person's record was read


def test_score_from_the_register_is_audited_with_the_masked_id(points_env: Env) -> None:
    headers = points_env.login("points1")
    body = {"rules": "shanghai-2015", "applicant_id": LI, "use_register": True, "values": {"age": 20}}
    answer = points_env.client.post("/api/points/score", headers=headers, json=body).json()
    assert answer["applicant_id_masked"] == mask_id(LI)
    lines = {line["indicator"]: line for line in answer["lines"]}
    assert (lines["age"]["evidence"], lines["age"]["source"]) == ("35", "register")
    # age 35: capped 30; the register's 大学本科 without a claimed degree counts as 本科 60; 5 full insurance years 15.
    assert (lines["education"]["points"], lines["education"]["source"]) == (60, "register")
    assert answer["total"] == 30 + 60 + 15
    [(actor, target, outcome, detail)] = points_env.audit("points.score")
    assert (actor, target, outcome) == ("points1", mask_id(LI), "ok")
    assert "age" in json.loads(detail)["from_register"] and LI not in detail


def test_bad_requests_are_one_line_errors(points_env: Env) -> None:
    headers = points_env.login("points1")
    unknown = points_env.client.post("/api/points/score", headers=headers, json={"rules": "nowhere-2020"})
    assert unknown.status_code == 400 and "nowhere-2020" in unknown.json()["error"]["en"]
    forged = {"rules": "shanghai-2015", "values": {"age": 30, "has_permit": "true", "insurance_years": 1},
              "sources": {"age": "register"}}  # fmt: skip
    assert points_env.client.post("/api/points/score", headers=headers, json=forged).status_code == 400
    bad_value = {"rules": "shanghai-2015", "values": {"age": "abc", "has_permit": "true", "insurance_years": 1}}
    refused = points_env.client.post("/api/points/score", headers=headers, json=bad_value)
    assert refused.status_code == 400 and "abc" in refused.json()["error"]["zh"]
    missing = {"rules": "shanghai-2015", "values": {"has_permit": "true", "insurance_years": 1}}
    empty = points_env.client.post("/api/points/score", headers=headers, json=missing)
    assert empty.status_code == 400 and "input age has no default" in empty.json()["error"]["en"]


def test_a_round_is_ranked_published_objected_to_and_rescored(points_env: Env) -> None:
    client = points_env.client
    headers = points_env.login("points1")
    created = _create(points_env, headers)
    summary = created["summary"]
    assert isinstance(summary, dict)
    round_id = summary["round_id"]
    assert (summary["applicant_count"], summary["eligible"], summary["admitted"]) == (6, 4, 3)
    # Eligible by 10-point band: C 42 in 40-50, A and D 50 in 50-60 (admitted), none in 60-70, B 70 in 70-80.
    assert summary["histogram"] == {"width": 10, "from": [40, 50, 60, 70], "admitted": [0, 2, 0, 1],
                                    "not_admitted": [1, 0, 0, 0]}  # fmt: skip
    ranking = created["ranking"]
    assert isinstance(ranking, dict)
    order = [(row["rank"], row["applicant_id_masked"], row["score"], row["admitted"]) for row in ranking["rows"]]
    m = {k: mask_id(v) for k, v in IDS.items()}
    assert order[:4] == [(1, m["B"], 70, True), (2, m["A"], 50, True), (2, m["D"], 50, True), (4, m["C"], 42, False)]
    assert {row["applicant_id_masked"]: row["rank"] for row in ranking["rows"][4:]} == {m["E"]: None, m["F"]: None}

    # Not public before publishing; the officer may preview it.
    points_env.login(None)
    assert client.get(f"/api/points/published/{round_id}").status_code == 404
    headers = points_env.login("points1")
    preview = client.get(f"/api/points/rounds/{round_id}/public").json()
    assert [(r["rank"], r["name_masked"]) for r in preview["rows"]] == [(1, "钱*"), (2, "赵*"), (2, "李*")]
    assert client.post(f"/api/points/rounds/{round_id}/publish", headers=headers).status_code == 200
    points_env.login(None)
    public = client.get(f"/api/points/published/{round_id}")
    assert public.status_code == 200 and [r["score"] for r in public.json()["rows"]] == [70, 50, 50]
    _secrets_absent(public.text)

    # 孙三 objects: 12 years of insurance, not 9. Accepted: 36 + 15 = 51 puts him second; A and D fall to 3.
    headers = points_env.login("points1")
    objection = {"applicant_id": IDS["C"], "filed_on": "2021-06-03", "statement": "社保年限有误",
                 "corrections": {"insurance_years": 12}}  # fmt: skip
    filed = client.post(f"/api/points/rounds/{round_id}/objections", headers=headers, json=objection)
    assert filed.status_code == 201, filed.text
    late = {**objection, "filed_on": "2021-06-09"}
    assert client.post(f"/api/points/rounds/{round_id}/objections", headers=headers, json=late).status_code == 400
    decided = client.post(
        f"/api/points/rounds/{round_id}/objections/1/decision",
        headers=headers,
        json={"accepted": True, "decided_on": "2021-06-08"},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["record"]["data"]["score_after"] == 51
    after = client.get(f"/api/points/rounds/{round_id}").json()
    assert after["summary"]["admitted"] == 2
    assert [(r["rank"], r["applicant_id_masked"]) for r in after["ranking"]["rows"][:4]] == [
        (1, m["B"]),
        (2, m["C"]),
        (3, m["A"]),
        (3, m["D"]),
    ]
    assert after["objections"][0]["decided"] is True
    history = client.get(f"/api/points/rounds/{round_id}/history").json()
    assert history["intact"] is True
    assert [r["kind"] for r in history["records"]] == ["published", "objection", "decision", "rescored"]
    _secrets_absent(json.dumps(history, ensure_ascii=False))
    audited = [(a, t, o) for a, t, o, _ in points_env.audit("points.objection")]
    assert audited == [("points1", m["C"], "ok")]

    # Nothing personal lies in the database in clear.
    database = points_env.service.register.engine
    stored = database.rows("SELECT applicants FROM points_rounds") + database.rows("SELECT sealed FROM points_history")
    assert all(IDS["C"].encode() not in bytes(blob) for (blob,) in stored)


def test_the_round_reopens_the_same_and_refuses_an_altered_history(points_env: Env) -> None:
    headers = points_env.login("points1")
    round_id = _create(points_env, headers)["summary"]["round_id"]  # type: ignore[index]
    objection = {"applicant_id": IDS["C"], "filed_on": "2021-06-02", "corrections": {"insurance_years": 12}}
    points_env.client.post(f"/api/points/rounds/{round_id}/objections", headers=headers, json=objection)
    points_env.client.post(
        f"/api/points/rounds/{round_id}/objections/1/decision",
        headers=headers,
        json={"accepted": True, "decided_on": "2021-06-04"},
    )
    before = points_env.client.get(f"/api/points/rounds/{round_id}").json()
    from renkou.points import rounds
    from renkou.points.store import RoundStore

    service = points_env.service
    with service.database() as engine:
        reopened = rounds.open_round(RoundStore(engine, service.register.keys.identity), round_id, service.now)
    assert rounds.ranking_page(reopened, 0, 100) == before["ranking"]
    # A stored record altered in place breaks the chain, and the round refuses to open.
    with service.database() as engine:
        engine.execute("UPDATE points_history SET sealed = sealed || '\\x00'::BLOB WHERE seq = 2")
    broken = points_env.client.get(f"/api/points/rounds/{round_id}")
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "round_sealed"


def test_only_points_officers_reach_the_rounds(points_env: Env) -> None:
    for user in ("clerk_xihu", "analyst1"):
        points_env.login(user)
        assert points_env.client.get("/api/points/rounds").status_code == 403
    points_env.login(None)
    assert points_env.client.get("/api/points/rounds").status_code == 401


def test_a_round_is_opened_once_until_it_changes(points_env: Env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from renkou.api.routers.points import CACHE_KEY
    from renkou.points import rounds

    opened: list[int] = []
    real = rounds.open_round

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(rounds, "open_round", counting)
    headers = points_env.login("points1")
    round_id = _create(points_env, headers)["summary"]["round_id"]  # type: ignore[index]
    for path in ("", "/public", "/history", ""):
        assert points_env.client.get(f"/api/points/rounds/{round_id}{path}").status_code == 200
    assert opened == []  # the round just created is the one in memory
    objection = {"applicant_id": IDS["A"], "filed_on": "2021-06-02", "corrections": {"insurance_years": 11}}
    points_env.client.post(f"/api/points/rounds/{round_id}/objections", headers=headers, json=objection)
    decided = {"accepted": True, "decided_on": "2021-06-03"}
    points_env.client.post(f"/api/points/rounds/{round_id}/objections/1/decision", headers=headers, json=decided)
    assert opened == []  # a change works on a copy of the round in memory, not a reopening ...
    answer = points_env.client.get(f"/api/points/rounds/{round_id}").json()
    assert opened == [] and answer["objections"][0]["applicant_id_masked"] == mask_id(IDS["A"])  # ... then kept
    # A 11 years: 33 + 20 = 53, now second behind B 70; the same as a reopening from the sealed file gives.
    assert [(r["rank"], r["score"]) for r in answer["ranking"]["rows"][:3]] == [(1, 70), (2, 53), (3, 50)]
    with points_env.service.cache_lock:
        points_env.service.cache.pop(CACHE_KEY)
    again = points_env.client.get(f"/api/points/rounds/{round_id}").json()
    assert opened == [1] and again["ranking"] == answer["ranking"] and again["summary"] == answer["summary"]


def test_a_round_from_the_register_keeps_the_values_of_its_evidence_date(points_env: Env) -> None:
    from points_city import NOT_IN_REGISTER

    from renkou.points import rounds
    from renkou.points.evidence import REGISTER, SELF_DECLARED
    from renkou.points.store import RoundStore

    headers = points_env.login("points1")
    text = (
        "applicant_id,name,has_permit,age,education,insurance_years\n"
        f"{LI},李建国,false,30,bachelor_degree,9\n{NOT_IN_REGISTER},王某,true,40,none,4\n"
    )
    response = points_env.client.post(
        "/api/points/rounds",
        headers=headers,
        data={"rules": "shanghai-2015", "opens": "2021-06-01", "closes": "2021-06-07", "use_register": "true",
              "evidence_on": "2021-06-01"},
        files={"file": ("register.csv", text.encode(), "text/csv")},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    # 李建国 from the register (see points_city.Expected): 30 + 90 + 15 = 135 >= 120. 王某 as declared:
    # age 40: 7 + 2 x 15 = 37 capped 30; 4 years x 3 = 12; 42 < 120.
    scores = {row["applicant_id_masked"]: (row["score"], row["admitted"]) for row in body["ranking"]["rows"]}
    assert scores == {mask_id(LI): (135, True), mask_id(NOT_IN_REGISTER): (42, False)}
    assert body["summary"]["evidence_on"] == "2021-06-01"
    round_id = body["summary"]["round_id"]
    service = points_env.service
    with service.database() as engine:
        opened = rounds.open_round(RoundStore(engine, service.register.keys.identity), round_id, service.now)
    table = opened.round.table
    row = table.row_of(LI)
    assert table.values["age"][row] == 35 and table.sources["age"][row] == REGISTER
    assert table.sources["age"][table.row_of(NOT_IN_REGISTER)] == SELF_DECLARED
    [(_, _, _, detail)] = points_env.audit("points.round.create")
    assert json.loads(detail)["evidence_on"] == "2021-06-01"
