"""The public points list page (积分公示): no log-in, a round only once published, Chinese first and English with
``?lang=en``, masked IDs and names and nothing more of a person (no age, education, insurance...), 100 rows a page."""

from __future__ import annotations

import re

from points_helpers import citizen_id
from points_service import Env
from test_points_service_api import CSV, IDS, NAMES

from renkou.points.masking import mask_id


def _round(env: Env, csv: str, quota: int, title: str) -> int:
    headers = env.login("points1")
    response = env.client.post(
        "/api/points/rounds",
        headers=headers,
        data={"rules": "beijing-2016", "quota": str(quota), "opens": "2021-06-01", "closes": "2021-06-07",
              "title": title},
        files={"file": ("a.csv", csv.encode("utf-8"), "text/csv")},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    round_id: int = response.json()["summary"]["round_id"]
    return round_id


def _publish(env: Env, round_id: int) -> None:
    headers = env.login("points1")
    assert env.client.post(f"/api/points/rounds/{round_id}/publish", headers=headers).status_code == 200


def _cells(html: str) -> list[list[str]]:
    """The body rows of the public list, cell texts without markup."""
    body = html.split('<table class="data" id="public-list">', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]


def test_the_public_list_page_shows_a_published_round_masked_without_log_in(points_env: Env) -> None:
    round_id = _round(points_env, CSV, 2, "2021年积分落户")
    points_env.login(None)
    unpublished = points_env.client.get(f"/points/published/{round_id}")
    assert unpublished.status_code == 404 and "没有已发布的第" in unpublished.text
    assert "目前没有已发布的公示" in points_env.client.get("/points/published").text

    _publish(points_env, round_id)
    points_env.login(None)
    page = points_env.client.get(f"/points/published/{round_id}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="zh-CN"' in html and "积分公示：2021年积分落户" in html
    assert "北京" in html and "2021-06-01 — 2021-06-07" in html
    # Beijing 2016, quota 2, worked by hand in test_points_service_api: B 70 first; A and D tie at 50 on the cut-off.
    m = {key: mask_id(value) for key, value in IDS.items()}
    assert _cells(html) == [["1", m["B"], "钱*", "70"], ["2", m["A"], "赵*", "50"], ["2", m["D"], "李*", "50"]]
    assert 'data-total="3"' in html
    for key in IDS:
        assert IDS[key] not in html and NAMES[key] not in html
    # Nothing else of a person: the inputs of the rules are not shown.
    for word in ("社保", "学历", "年龄", "age", "insurance"):
        assert word not in html.split('id="public-list"', 1)[1], word

    english = points_env.client.get(f"/points/published/{round_id}?lang=en").text
    assert '<html lang="en"' in english and "Points list: 2021年积分落户" in english
    assert "Rank" in english and "ID numbers and names are masked" in english
    index = points_env.client.get("/points/published?lang=zh").text  # (the English choice is remembered)
    assert f'href="/points/published/{round_id}"' in index and "2021年积分落户" in index
    assert points_env.client.get("/points/published/99").status_code == 404


def test_a_long_list_pages_by_one_hundred(points_env: Env) -> None:
    # 150 applicants, all eligible and admitted: insurance years 7..156, each 3 points, plus 20 for the age of 30.
    rows = [
        f"{citizen_id(i, '110101', '19910101')},张{chr(0x4E00 + i)}{chr(0x4E00 + i)},true,M,30,{7 + i}"
        for i in range(150)
    ]
    csv = "applicant_id,name,has_permit,sex,age,insurance_years\n" + "\n".join(rows) + "\n"
    round_id = _round(points_env, csv, 150, "long")
    _publish(points_env, round_id)
    points_env.login(None)
    first = points_env.client.get(f"/points/published/{round_id}").text
    cells = _cells(first)
    assert len(cells) == 100
    assert cells[0][0] == "1" and cells[0][3] == str(3 * 156 + 20)  # the longest insurance first
    assert cells[0][2] == "张*" and "第 1 / 2 页" in first and 'id="page-prev"' not in first
    second = points_env.client.get(f"/points/published/{round_id}?page=2&lang=en").text
    cells = _cells(second)
    # Rank 101 holds the 101st longest insurance: 156 - 100 = 56 years, 188 points; the last 7 years, 41 points.
    assert len(cells) == 50 and cells[0][:1] == ["101"] and cells[0][3] == "188" and cells[-1][3] == "41"
    assert "Page 2 of 2 (from row 101)" in second and 'href="?page=1&amp;lang=en"' in second
    assert points_env.client.get(f"/points/published/{round_id}?page=0").status_code in (400, 422)


def test_public_lists_of_several_rounds_are_kept_apart_from_the_officers_round(
    points_env: Env,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from renkou.api.routers.points import CACHE_KEY
    from renkou.points import rounds

    first, second = _round(points_env, CSV, 2, "一"), _round(points_env, CSV, 1, "二")
    _publish(points_env, first)
    _publish(points_env, second)
    with points_env.service.cache_lock:
        points_env.service.cache.pop(CACHE_KEY)  # as after a restart
    opened: list[int] = []
    real = rounds.open_round

    def counting(store, round_id, clock):  # type: ignore[no-untyped-def]
        opened.append(round_id)
        return real(store, round_id, clock)

    monkeypatch.setattr(rounds, "open_round", counting)
    points_env.login(None)
    for _ in range(3):
        for round_id in (first, second):
            assert points_env.client.get(f"/points/published/{round_id}").status_code == 200
            assert points_env.client.get(f"/api/points/published/{round_id}").status_code == 200
    assert opened == [first, second]  # each built once, though the officers' slot holds one round
    # Quota 1: B alone (70); quota 2: B and the tie A, D at 50.
    assert points_env.client.get(f"/api/points/published/{second}").json()["total"] == 1
    assert points_env.client.get(f"/api/points/published/{first}").json()["total"] == 3
    # A decided objection changes the first round: its kept list is built anew. C's 12 years: 36 + 15 = 51, second
    # behind B 70; A and D (50) fall out of the two places.
    headers = points_env.login("points1")
    body = {"applicant_id": IDS["C"], "filed_on": "2021-06-03", "corrections": {"insurance_years": 12}}
    url = f"/api/points/rounds/{first}/objections"
    assert points_env.client.post(url, headers=headers, json=body).status_code == 201
    decided = {"accepted": True, "decided_on": "2021-06-04"}
    assert points_env.client.post(f"{url}/1/decision", headers=headers, json=decided).status_code == 200
    points_env.login(None)
    rows = points_env.client.get(f"/api/points/published/{first}").json()["rows"]
    assert [(r["rank"], r["name_masked"], r["score"]) for r in rows] == [(1, "钱*", 70), (2, "孙*", 51)]
    assert 'data-total="2"' in points_env.client.get(f"/points/published/{first}?lang=zh").text
    assert points_env.client.get(f"/api/points/published/{second}").json()["total"] == 1


def test_pages_built_alone_equal_the_slices_of_the_whole_tables(points_env: Env) -> None:
    from renkou.api.routers.points import _store
    from renkou.points import rounds
    from renkou.points.output import public_table, ranking_table

    # 120 applicants: every 7th holds no permit (ineligible, with its reason), ties every 3 insurance years.
    lines = [
        f"{citizen_id(i, '110101', '19920202')},王{chr(0x4E00 + i)},{'false' if i % 7 == 0 else 'true'},M,30,{7 + i // 3}"
        for i in range(120)
    ]
    csv = "applicant_id,name,has_permit,sex,age,insurance_years\n" + "\n".join(lines) + "\n"
    service = points_env.service
    with service.database():
        opened = rounds.create_round(
            _store(service), rules="beijing-2016", data=csv.encode(), file_name="p.csv", quota=40,
            opens=service.today(), closes=service.today(), title="p", user="points1", now=service.now(),
            clock=service.now,
        )  # fmt: skip
    publicity = opened.round
    ranked = publicity.ranking()
    rules = opened.rule_set.rules
    whole = ranking_table(rules, publicity.table, publicity.scores, ranked).to_pylist()
    listed = public_table(rules, publicity.table, publicity.scores, ranked).to_pylist()
    assert len(whole) == 120 and any(row["rank"] is None for row in whole) and len(listed) >= 40
    for offset in (0, 5, 37, 115):
        page = rounds.ranking_page(opened, offset, 5)
        assert page["total"] == 120 and page["rows"] == whole[offset : offset + 5], offset
        public = rounds.public_list(opened, offset, 5)
        assert public["total"] == len(listed) and public["rows"] == listed[offset : offset + 5], offset
