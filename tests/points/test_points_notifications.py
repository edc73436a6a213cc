"""Points results through the notification outbox: publishing a round queues each applicant's result for those with
a phone or e-mail in the applicants file (once, however often it is published), a decided objection queues the
decision to the objector and a changed result to those whose admission it changed; texts worked by hand, no ID
number in any message; without an outbox nothing is queued."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from points_city import LI, NOT_IN_REGISTER
from points_service import Env
from test_points_service_api import IDS, NAMES, ROWS

from renkou.notify.message import Message
from renkou.notify.outbox import Outbox
from renkou.permits.contacts import Contact

# Contacts of the six applicants of test_points_service_api (Beijing 2016, quota 2: B 70 first, A and D 50 tied
# second and both admitted, C 42 fourth, E without a permit and F past the retirement age not ranked).
CONTACTS = {
    "A": ("+86 138-0000-0001", ""),
    "B": ("", "qian@example.cn"),
    "C": ("13900000003", "sun@example.cn"),
    "D": ("", ""),
    "E": ("12345", ""),  # not a mobile number: left out, counted
    "F": ("13700000006", ""),
}
CSV = "applicant_id,name,has_permit,sex,age,insurance_years,education,手机号码,电子邮箱\n" + "".join(
    f"{IDS[k]},{NAMES[k]},{v},{CONTACTS[k][0]},{CONTACTS[k][1]}\n" for k, v in ROWS.items()
)
WINDOW = "公示期为2021年6月1日至2021年6月7日，如有异议，请在公示期内向积分管理部门提出。"


def _with_outbox(env: Env, path: Path | None) -> None:
    env.service.settings = replace(env.service.settings, outbox=path)


def _messages(path: Path) -> list[Message]:
    with Outbox.open(path) as box:
        rows = box.connection.execute("SELECT id FROM messages ORDER BY id").fetchall()
        return [box.get(int(row[0])) for row in rows]


def _round(env: Env, headers: dict[str, str], csv: str = CSV) -> int:
    response = env.client.post(
        "/api/points/rounds",
        headers=headers,
        data={"rules": "beijing-2016", "quota": "2", "opens": "2021-06-01", "closes": "2021-06-07", "title": "2021"},
        files={"file": ("a.csv", csv.encode("utf-8"), "text/csv")},
    )
    assert response.status_code == 201, response.text
    round_id: int = response.json()["summary"]["round_id"]
    return round_id


def _no_personal_data(messages: list[Message]) -> None:
    for message in messages:
        for key in IDS:
            assert IDS[key] not in message.body + message.subject and NAMES[key] not in message.body, key


def test_publishing_queues_each_result_once(points_env: Env, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite"
    _with_outbox(points_env, outbox)
    headers = points_env.login("points1")
    round_id = _round(points_env, headers)
    assert not outbox.exists()  # nothing before publication

    published = points_env.client.post(f"/api/points/rounds/{round_id}/publish", headers=headers)
    assert published.status_code == 200, published.text
    counts = published.json()["notifications"]
    # A sms, B e-mail, C both, F sms; D has no contact and E's number is unusable.
    assert counts == {"outbox": True, "applicants": 6, "without_contact": 2, "queued": 5, "already_queued": 0,
                      "invalid_contacts": 1}  # fmt: skip
    messages = _messages(outbox)
    got = {(m.recipient, m.channel.value): m for m in messages}
    assert sorted(got) == [
        ("13700000006", "sms"),
        ("13800000001", "sms"),
        ("13900000003", "sms"),
        ("qian@example.cn", "email"),
        ("sun@example.cn", "email"),
    ]
    assert {m.topic for m in messages} == {"points.result"} and {m.status.value for m in messages} == {"pending"}
    assert got[("13800000001", "sms")].body == f"您在“2021”中积分50分，排名第2名，列入拟录取名单。{WINDOW}"
    assert got[("13900000003", "sms")].body == f"您在“2021”中积分42分，排名第4名，未列入拟录取名单。{WINDOW}"
    assert got[("13700000006", "sms")].body == f"您在“2021”中未通过资格条件，未参加排名。{WINDOW}"
    email = got[("qian@example.cn", "email")]
    assert email.subject == "积分结果通知 / Points result: 2021"
    assert email.body.startswith(f"您在“2021”中积分70分，排名第1名，列入拟录取名单。{WINDOW}\n\n")
    assert "your score is 70, rank 1, on the list of those to be admitted" in email.body
    assert {m.reference for m in messages} == {f"points round {round_id}"}
    _no_personal_data(messages)

    again = points_env.client.post(f"/api/points/rounds/{round_id}/publish", headers=headers).json()
    assert (again["notifications"]["queued"], again["notifications"]["already_queued"]) == (0, 5)
    assert len(_messages(outbox)) == 5
    audited = [json.loads(detail) for _, _, _, detail in points_env.audit("points.notify")]
    assert [(d["queued"], d["already_queued"]) for d in audited] == [(5, 0), (0, 5)]
    assert all(IDS[k] not in json.dumps(audited) for k in IDS)


def test_a_decided_objection_tells_the_objector_and_those_it_moves(points_env: Env, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite"
    _with_outbox(points_env, outbox)
    headers = points_env.login("points1")
    round_id = _round(points_env, headers)
    points_env.client.post(f"/api/points/rounds/{round_id}/publish", headers=headers)
    before = len(_messages(outbox))

    def objection(key: str, corrections: dict[str, Any]) -> int:
        body = {"applicant_id": IDS[key], "filed_on": "2021-06-03", "corrections": corrections}
        filed = points_env.client.post(f"/api/points/rounds/{round_id}/objections", headers=headers, json=body)
        assert filed.status_code == 201, filed.text
        number: int = filed.json()["objection"]["number"]
        return number

    def decide(number: int, accepted: bool) -> Any:
        return points_env.client.post(
            f"/api/points/rounds/{round_id}/objections/{number}/decision",
            headers=headers,
            json={"accepted": accepted, "decided_on": "2021-06-08"},
        )

    # F (a woman of 52, past the retirement age) says she is younger: rejected, she alone is told.
    rejected = decide(objection("F", {"age": 45}), False)
    assert rejected.json()["notifications"]["queued"] == 1
    [told] = _messages(outbox)[before:]
    assert (told.recipient, told.topic) == ("13700000006", "points.objection_decided")
    assert told.body == "您对“2021”积分结果提出的第1号异议未予采纳，未通过资格条件，未参加排名。"

    # C: 12 years of insurance, not 9 -> 36 + 15 = 51, second and admitted; A and D (50) fall to third, out.
    accepted = decide(objection("C", {"insurance_years": 12}), True)
    assert accepted.status_code == 200, accepted.text
    counts = accepted.json()["notifications"]
    assert (counts["applicants"], counts["without_contact"], counts["queued"]) == (3, 1, 3)  # C, A; D unreachable
    new = {(m.recipient, m.channel.value): m for m in _messages(outbox)[before + 1 :]}
    assert sorted(new) == [("13800000001", "sms"), ("13900000003", "sms"), ("sun@example.cn", "email")]
    assert new[("13900000003", "sms")].body == (
        "您对“2021”积分结果提出的第2号异议已采纳，重新计分后积分51分，排名第2名，列入拟录取名单。"
    )
    assert new[("13900000003", "sms")].topic == "points.objection_decided"
    assert new[("13800000001", "sms")].topic == "points.result_changed"
    assert new[("13800000001", "sms")].body == (
        "因异议处理后重新计分，您在“2021”中的结果变更为：积分50分，排名第3名，未列入拟录取名单。"
    )
    assert "was accepted and your score recomputed: your score is 51, rank 2" in new[("sun@example.cn", "email")].body
    # Deciding again is refused and queues nothing.
    assert decide(2, True).status_code == 400
    assert len(_messages(outbox)) == before + 4
    _no_personal_data(_messages(outbox))


def test_without_an_outbox_nothing_is_queued(points_env: Env, tmp_path: Path) -> None:
    _with_outbox(points_env, None)
    headers = points_env.login("points1")
    round_id = _round(points_env, headers)
    published = points_env.client.post(f"/api/points/rounds/{round_id}/publish", headers=headers).json()
    assert published["notifications"] == {"outbox": False}
    assert points_env.audit("points.notify") == []


def test_an_unusable_outbox_is_reported_and_publishing_again_queues(points_env: Env, tmp_path: Path) -> None:
    _with_outbox(points_env, tmp_path)  # a directory: the outbox cannot be opened
    headers = points_env.login("points1")
    round_id = _round(points_env, headers)
    failed = points_env.client.post(f"/api/points/rounds/{round_id}/publish", headers=headers)
    assert failed.status_code == 200 and failed.json()["published_at"] is not None
    assert "outbox path is a directory" in failed.json()["notifications"]["error"]["en"]
    [(_, _, outcome, _)] = points_env.audit("points.notify")
    assert outcome == "bad_input"
    outbox = tmp_path / "outbox.sqlite"
    _with_outbox(points_env, outbox)
    again = points_env.client.post(f"/api/points/rounds/{round_id}/publish", headers=headers).json()
    assert again["notifications"]["queued"] == 5


def test_a_round_from_the_register_keeps_the_contacts(points_env: Env) -> None:
    from renkou.api.routers.points import _store
    from renkou.points import rounds

    text = (
        "applicant_id,name,has_permit,age,education,insurance_years,phone\n"
        f"{LI},李建国,false,30,bachelor_degree,9,13800000011\n{NOT_IN_REGISTER},王某,true,40,none,4,\n"
    )
    service = points_env.service
    with service.database():
        store = _store(service)
        opened = rounds.create_round(
            store, rules="shanghai-2015", data=text.encode(), file_name="r.csv", quota=None,
            opens=service.today(), closes=service.today(), title="r", user="points1", now=service.now(),
            clock=service.now, register=service.register, evidence_on=service.today(),
        )  # fmt: skip
        found = rounds.contacts(store, opened)
    assert opened.round.table.sources["age"][opened.round.table.row_of(LI)] == 1  # the register's value
    assert found.by_row == {opened.round.table.row_of(LI): Contact("13800000011", None)}


def test_contacts_are_read_from_a_gbk_file_by_row_and_bad_ones_counted() -> None:
    from renkou.points.contacts import row_contacts

    text = (
        "公民身份号码,姓名,手机号码,电子邮箱\n"
        "110101198501010011,赵一,138 0000 0001,\n"
        "110101198501010022,钱二,,not-an-address\n"
        "110101198501010033,孙三,,\n"
        '110101198501010044,李四,"+8613900000004","Li Si <li@example.cn>"\n'
    )
    found = row_contacts(text.encode("gb18030"), 4)
    assert found.by_row == {0: Contact("13800000001", None), 3: Contact("13900000004", "li@example.cn")}
    assert found.invalid == 1 and found.rows == 4
    assert row_contacts(b"applicant_id,age\n1,2\n", 1).by_row == {}  # no contact columns: nobody to tell
