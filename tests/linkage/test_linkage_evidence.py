"""Evidence rules on a hand-made register: permit numbers and partners' ID numbers find the person, when the name
agrees and exactly one person is pointed to."""

from __future__ import annotations

from pathlib import Path

import pytest

from renkou.ids.checksum import check_character
from renkou.linkage import store
from renkou.linkage.evidence import evidence_links
from renkou.linkage.records import left_records, right_records
from renkou.linkage.run import _features, _without
from renkou.register.store import Register


def citizen(division: str, born: str, sequence: str) -> str:
    body = division + born + sequence
    return body + check_character(body)


A = citizen("330106", "19900101", "011")  # 王小明
B = citizen("330106", "19910202", "022")  # 李华
C = citizen("330106", "19920303", "031")  # 王小明, another person
D = citizen("330106", "19930404", "042")  # 李华, another person
E = citizen("330102", "19880505", "052")  # 赵丽
F = citizen("330102", "19870606", "061")  # 孙强

RESIDENCE = [
    # record_no, event_type, id_number, name, occurred_on, residence_region, permit_no
    ("R1", "residence_registered", A, "王小明", "2019-01-01", "330106", ""),
    ("R2", "permit_issued", A, "王小明", "2019-06-01", "", "330106JZ001"),
    ("R3", "residence_registered", B, "李华", "2019-01-02", "330106", ""),
    ("R4", "permit_issued", B, "李华", "2019-06-02", "", "330106JZ002"),
    ("R5", "residence_registered", C, "王小明", "2019-01-03", "330106", ""),
    ("R6", "permit_issued", C, "王小明", "2019-06-03", "", "330106JZ003"),
    ("R7", "residence_registered", D, "李华", "2019-01-04", "330106", ""),
    ("R8", "permit_issued", D, "李华", "2019-06-04", "", "330106JZ002"),  # the same number as B's (a clerk's slip)
    # Rows without an ID number (quarantined), lines 10 to 14:
    ("X1", "permit_renewed", "", "王小明", "2020-06-01", "", "330106JZ001"),  # -> A
    ("X2", "permit_renewed", "", "王曉明", "2020-06-01", "", "330106JZ001"),  # traditional characters -> A
    ("X3", "permit_renewed", "", "张三", "2020-06-02", "", "330106JZ003"),  # name disagrees with C: no link
    ("X4", "permit_renewed", "", "王小明", "2020-06-03", "", "330106JZ999"),  # number never seen: points nowhere
    ("X5", "permit_renewed", "", "李华", "2020-06-04", "", "330106JZ002"),  # two 李华 hold that number: no link
]
CIVIL = [
    # record_no, event_type, id_number, name, occurred_on, partner_id
    ("C1", "marriage", E, "赵丽", "2020-05-20", F),
    ("C2", "marriage", F, "孙强", "2020-05-20", E),
    ("C3", "divorce", "", "孙强", "2021-03-01", E),  # line 4 -> F (E's marriage names F as partner)
    ("C4", "divorce", "", "孙强", "2021-03-01", A),  # A never named a partner: points nowhere
]


def _csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    path.write_text(
        ",".join(header) + "\n" + "".join(",".join(row) + "\n" for row in rows),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def register(tmp_path: Path) -> Register:
    opened = Register.open(tmp_path / "r.duckdb", city="330100")
    residence = _csv(
        tmp_path / "residence.csv",
        ("record_no", "event_type", "id_number", "name", "occurred_on", "residence_region", "permit_no"),
        RESIDENCE,
    )
    civil = _csv(
        tmp_path / "civil.csv",
        ("record_no", "event_type", "id_number", "name", "occurred_on", "partner_id"),
        CIVIL,
    )
    opened.ingest([residence], feed="residence")
    opened.ingest([civil], feed="civil")
    yield opened  # type: ignore[misc]
    opened.close()


def test_permit_and_partner_evidence(register: Register) -> None:
    engine = register.engine
    store.ensure_schema(engine)
    left = left_records(engine, register.keys)
    by_line = {
        (name, line): uid
        for name, line, uid in zip(
            left["file_name"].to_pylist(), left["line"].to_pylist(), left["unique_id"].to_pylist(), strict=True
        )
    }
    assert set(by_line) == {("residence.csv", n) for n in range(10, 15)} | {("civil.csv", 4), ("civil.csv", 5)}
    right = right_records(engine, register.keys)
    subject = dict(zip(right["id_number"].to_pylist(), right["unique_id"].to_pylist(), strict=True))
    left_features, right_features = _features(left, right)
    with_names = _without(left, {}).join(left_features.select(["unique_id", "name_s", "name_py"]), "unique_id")
    links, dangling = evidence_links(engine, register.keys, with_names, right_features)

    assert links[by_line["residence.csv", 10]] == (subject[A], "evidence_permit_no")
    assert links[by_line["residence.csv", 11]] == (subject[A], "evidence_permit_no")
    assert by_line["residence.csv", 12] not in links  # the name does not agree
    assert by_line["residence.csv", 13] not in links and by_line["residence.csv", 13] in dangling
    assert by_line["residence.csv", 14] not in links  # ambiguous: B and D
    assert links[by_line["civil.csv", 4]] == (subject[F], "evidence_partner")
    assert by_line["civil.csv", 5] not in links and by_line["civil.csv", 5] in dangling
    # Rows whose pointer reached someone (even a refused one) are not "dangling".
    assert dangling == {by_line["residence.csv", 13], by_line["civil.csv", 5]}
