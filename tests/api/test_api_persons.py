"""A person's record for clerks: full identity in one's own district only, a reason required elsewhere, history."""

from __future__ import annotations

from datetime import date

from conftest import Env
from service_city import Person

TODAY = date(2021, 6, 1)


def pick(env: Env, *, district: str, moved: bool = False, dead: bool = False, floating: bool = False) -> Person:
    for person in env.city.persons:
        if floating != (person.hukou is None):
            continue
        if bool(person.moves) != moved or (person.died is not None) != dead:
            continue
        if floating and person.residence == district:
            return person
        if not floating and person.hukou_on(TODAY) == district:
            return person
    raise AssertionError("no such person in the synthetic city")


def masked(number: str) -> str:
    return number[:6] + "********" + number[-4:]


def read(env: Env, user: str, number: str, reason: str | None = None) -> tuple[int, dict[str, object]]:
    params = {"reason": reason} if reason is not None else None
    response = env.client.get(f"/api/persons/{number}", params=params, headers=env.headers(user))
    return response.status_code, response.json()


def test_clerk_of_the_district_sees_the_full_record(env: Env) -> None:
    person = pick(env, district="330106")
    status, body = read(env, "clerk_xihu", person.id_number)
    assert status == 200
    assert body["id_number"] == person.id_number
    assert body["name"] == person.name
    assert body["identity_masked"] is False
    state = body["state"]
    assert isinstance(state, dict)
    assert state["hukou_region"] == "330106" and state["hukou_region_name"] == "西湖区"
    assert state["sex"] == person.sex and state["birth_date"] == person.born.isoformat()
    assert state["alive"] is True
    assert [e["event_type"] for e in body["events"]] == ["baseline"]  # type: ignore[union-attr]


def test_history_of_a_person_who_moved(env: Env) -> None:
    person = pick(env, district="330102", moved=True)
    status, body = read(env, "clerk_shangcheng", person.id_number)
    assert status == 200
    events = body["events"]
    assert [(e["event_type"], e["occurred_on"]) for e in events] == [  # type: ignore[union-attr]
        ("baseline", "2015-12-31"),
        ("hukou_transfer", "2019-09-01"),
    ]
    assert body["state"]["hukou_region"] == "330102"  # type: ignore[index]
    assert events[1]["attributes"]["hukou_region"] == "330102"  # type: ignore[index]


def test_outside_ones_district_needs_a_reason_and_shows_the_identity_masked(env: Env) -> None:
    person = pick(env, district="330102", moved=True)  # now in 上城, was in 西湖
    status, body = read(env, "clerk_xihu", person.id_number)
    assert status == 403
    assert body["error"]["code"] == "reason_required"  # type: ignore[index]
    assert read(env, "clerk_xihu", person.id_number, reason="核查")[0] == 403  # too short to say anything
    status, body = read(env, "clerk_xihu", person.id_number, reason="迁出地核查 案号2021-117")
    assert status == 200
    assert body["identity_masked"] is True
    assert body["id_number"] == masked(person.id_number)
    assert body["name"] == person.name[0] + "*" * (len(person.name) - 1)
    assert person.id_number not in str(body) and person.name not in str(body)


def test_floating_person_belongs_to_the_district_of_residence(env: Env) -> None:
    person = pick(env, district="330106", floating=True)
    status, body = read(env, "clerk_xihu", person.id_number)
    assert status == 200 and body["identity_masked"] is False
    assert body["state"]["hukou_in_city"] is False  # type: ignore[index]
    assert body["state"]["residence_region"] == "330106"  # type: ignore[index]


def test_a_death_shows_in_the_state(env: Env) -> None:
    person = pick(env, district="330106", dead=True)
    status, body = read(env, "clerk_xihu", person.id_number)
    assert status == 200
    assert body["state"]["alive"] is False  # type: ignore[index]
    assert body["events"][-1]["event_type"] == "death"  # type: ignore[index]


def test_invalid_and_unknown_numbers(env: Env) -> None:
    person = pick(env, district="330106")
    wrong_check = person.id_number[:17] + ("0" if person.id_number[17] != "0" else "1")
    status, body = read(env, "clerk_xihu", wrong_check)
    assert status == 400
    assert "checksum" in body["error"]["en"]  # type: ignore[index]
    assert person.id_number[6:14] not in str(body)  # the birth date part is masked in the message
    unknown = "11010519491231002X"  # the GB 11643 example number: valid, not in the register
    status, body = read(env, "clerk_xihu", unknown)
    assert status == 404
    assert unknown not in str(body)
