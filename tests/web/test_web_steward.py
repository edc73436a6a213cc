"""The steward's upload: a department file ingested as ``renkou ingest`` would, its bad lines quarantined with
reasons, its cross-department findings listed, the same file twice changing nothing, another department's file
refused by its header."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from conftest import Env
from service_city import citizen_id

from renkou.api import audit
from renkou.web.steward_api import safe_file_name

GOOD_BABY = citizen_id("330106", date(2021, 3, 4), 903, "F")


def upload(env: Env, headers: dict[str, str], name: str, text: str) -> httpx.Response:
    files = {"file": (name, text.encode("utf-8"), "text/csv")}
    return env.client.post("/web/api/feeds/upload", files=files, headers=headers)


def hukou_file(env: Env) -> str:
    dying = env.city.local("330102", date(2021, 6, 1))
    bad_checksum = GOOD_BABY[:-1] + ("1" if GOOD_BABY[-1] != "1" else "2")
    return (
        "事件类型,公民身份号码,姓名,发生日期,户籍地区划代码\n"
        f"出生,{GOOD_BABY},王小花,2021-03-04,330106\n"
        f"出生,{bad_checksum},李四,2021-03-04,330106\n"
        f"死亡,{dying.id_number},{dying.name},2021-04-01,\n"
        "死亡,,,2021-04-01,\n"
    )


def test_upload_loads_good_lines_and_quarantines_bad_ones(env: Env) -> None:
    headers = env.login("steward_hukou")
    response = upload(env, headers, "hukou_2021_q1.csv", hukou_file(env))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["feed"], body["file"]) == ("loaded", "hukou", "hukou_2021_q1.csv")
    assert (body["rows"], body["accepted"], body["quarantined"], body["duplicates"]) == (4, 2, 2, 0)
    assert body["reasons"] == {"id_checksum": 1, "id_missing": 1}
    assert body["reason_texts"]["id_checksum"][1] == "ID number check character is wrong"
    assert body["findings"] == {"birth_mother_unknown": 1}
    batch = body["batch_id"]
    lines = env.client.get("/api/feeds/hukou/quarantine", params={"batch_id": batch}).json()
    assert [(q["line"], q["reason"]) for q in lines] == [(3, "id_checksum"), (5, "id_missing")]
    assert GOOD_BABY[:6] in lines[0]["value_masked"] and "*" in lines[0]["value_masked"]
    found = env.client.get("/web/api/feeds/hukou/findings", params={"batch_id": batch}).json()
    assert found["total"] == 1 and found["findings"][0]["kind"] == "birth_mother_unknown"
    assert found["findings"][0]["kind_en"] == "birth with unknown mother"
    assert GOOD_BABY not in str(found) and GOOD_BABY not in response.text
    batches = env.client.get("/api/feeds/hukou/batches").json()
    assert batches[0]["file_name"] == "hukou_2021_q1.csv" and batches[0]["accepted"] == 2
    with env.service.database() as engine:
        entry = audit.search(engine, audit.AuditQuery(action="feed.upload"))[1][0]
    assert entry["actor"] == "steward_hukou" and entry["detail"]["batch_id"] == batch
    assert env.service.register.verify().ok


def test_the_same_file_twice_changes_nothing(env: Env) -> None:
    headers = env.login("steward_hukou")
    text = hukou_file(env)
    first = upload(env, headers, "q1.csv", text).json()
    again = upload(env, headers, "q1-resent.csv", text)
    assert again.status_code == 200
    assert again.json()["status"] == "already_loaded" and again.json()["batch_id"] == first["batch_id"]
    assert len(env.client.get("/api/feeds/hukou/batches").json()) == 3  # two from the city, one upload


def test_a_file_of_another_department_is_refused_by_its_header(env: Env) -> None:
    headers = env.login("steward_hukou")
    text = "event_type,id_number,occurred_on,partner_id\nmarriage,110101199003070014,2021-01-01,110101199003070022\n"
    response = upload(env, headers, "civil.csv", text)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "file_rejected" and error["en"].startswith("file civil.csv")
    assert "partner_id" in error["en"]


def test_a_steward_uploads_only_into_its_own_feed(env: Env) -> None:
    env.login("steward_hukou")
    hukou_before = len(env.client.get("/api/feeds/hukou/batches").json())
    headers = env.login("steward_health")
    # Births and deaths fit the health feed's columns too: the file is loaded as the steward's own feed.
    response = upload(env, headers, "births.csv", hukou_file(env))
    assert response.status_code == 201 and response.json()["feed"] == "health"
    assert env.client.get("/api/feeds/health/batches").json()[0]["file_name"] == "births.csv"
    env.login("steward_hukou")
    assert len(env.client.get("/api/feeds/hukou/batches").json()) == hukou_before


@pytest.mark.parametrize("name", ["report.exe", "notes.docx", "archive"])
def test_unsupported_file_types_are_refused(env: Env, name: str) -> None:
    headers = env.login("steward_hukou")
    response = upload(env, headers, name, "x")
    assert response.status_code == 400 and response.json()["error"]["code"] == "file_type"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("hukou_2021.csv", "hukou_2021.csv"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\data\\户籍 2021.csv", "户籍_2021.csv"),
        (".hidden.csv", "hidden.csv"),
        ("a<b>\"c'.csv", "a_b__c_.csv"),
        (None, "upload.csv"),
        ("", "upload.csv"),
    ],
)
def test_safe_file_name(given: str | None, kept: str) -> None:
    assert safe_file_name(given) == kept
