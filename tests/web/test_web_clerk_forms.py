"""The desk's forms: each is a legal row of its department feed, and the form layer refuses only what is not a
form (unknown field, missing required value, over-long text), leaving values to ingest."""

from __future__ import annotations

from datetime import date

import pytest

from renkou.errors import UserError
from renkou.register.feeds import COLUMNS, FEEDS
from renkou.web import clerk_forms


@pytest.mark.parametrize("event_type", list(clerk_forms.FORMS))
def test_every_form_is_a_legal_row_of_its_feed(event_type: str) -> None:
    spec = clerk_forms.FORMS[event_type]
    feed = FEEDS[spec.feed]
    assert spec.event_type in feed.event_types
    assert set(spec.fields) <= set(feed.columns)
    assert set(spec.required) <= set(spec.fields)
    # What ingest requires for this event must be asked by the form (else every form would be quarantined).
    assert set(feed.required) - {"event_type"} <= set(spec.required)
    assert set(feed.required_by_event.get(event_type, ())) <= set(spec.required)
    if spec.new_person:
        assert spec.district_field in spec.required and COLUMNS[str(spec.district_field)].kind == "region"


def test_the_desk_records_the_events_the_brief_names() -> None:
    assert set(clerk_forms.FORMS) == {
        "hukou_in",
        "hukou_out",
        "birth",
        "death",
        "permit_issued",
        "permit_renewed",
        "permit_cancelled",
    }


def test_unknown_event_type_names_the_value() -> None:
    with pytest.raises(UserError) as caught:
        clerk_forms.form_spec("marriage")
    assert "marriage" in caught.value.en and "hukou_in" in caught.value.en


def test_clean_values_keeps_text_and_drops_empty_fields() -> None:
    spec = clerk_forms.FORMS["hukou_in"]
    values = {"id_number": " 330106199005171230 ", "name": "测试", "occurred_on": "2021-05-20", "hukou_region": 330106}
    cleaned = clerk_forms.clean_values(spec, {**values, "urban_rural": "  "})
    assert cleaned == {
        "id_number": "330106199005171230",
        "name": "测试",
        "occurred_on": "2021-05-20",
        "hukou_region": "330106",
    }


@pytest.mark.parametrize(
    ("values", "names"),
    [
        ({"id_number": "1", "occurred_on": "2021-01-01", "permit_no": "P1"}, "permit_no"),  # not on the death form
        ({"id_number": "1"}, "occurred_on"),  # required and missing
        ({"id_number": "1", "occurred_on": "2021-01-01", "name": "x" * 201}, "name"),
        ({"id_number": ["1"], "occurred_on": "2021-01-01"}, "id_number"),
    ],
)
def test_clean_values_refusals_name_the_field(values: dict[str, object], names: str) -> None:
    with pytest.raises(UserError) as caught:
        clerk_forms.clean_values(clerk_forms.FORMS["death"], values)
    assert caught.value.en.startswith(names) and caught.value.zh.startswith(names)


def test_department_row_in_feed_order() -> None:
    spec = clerk_forms.FORMS["permit_issued"]
    cleaned = {"residence_region": "330106", "permit_no": "HZ1", "id_number": "X", "occurred_on": "2021-01-02"}
    row = clerk_forms.department_row(spec, cleaned, "W1")
    assert list(row) == ["record_no", "event_type", "id_number", "occurred_on", "residence_region", "permit_no"]
    assert row["event_type"] == "permit_issued" and row["record_no"] == "W1"


def test_repeats_finds_the_same_event_on_the_same_day() -> None:
    spec = clerk_forms.FORMS["death"]
    events = [
        {"event_type": "baseline", "occurred_on": date(2018, 12, 31), "superseded": False},
        {"event_type": "death", "occurred_on": date(2021, 5, 2), "superseded": False},
    ]
    assert clerk_forms.repeats(spec, {"occurred_on": "2021-05-02"}, events)
    assert not clerk_forms.repeats(spec, {"occurred_on": "2021-05-03"}, events)
    assert not clerk_forms.repeats(spec, {"occurred_on": "2021年5月2日"}, events)  # left to ingest
    superseded = [{**events[1], "superseded": True}]
    assert not clerk_forms.repeats(spec, {"occurred_on": "2021-05-02"}, superseded)


def test_form_view_labels_follow_the_language() -> None:
    zh = {form["event_type"]: form for form in clerk_forms.form_view("zh")}
    en = {form["event_type"]: form for form in clerk_forms.form_view("en")}
    assert zh["birth"]["label"] == "出生" and en["birth"]["label"] == "birth"
    sex_zh = next(f for f in zh["birth"]["fields"] if f["name"] == "sex")
    sex_en = next(f for f in en["birth"]["fields"] if f["name"] == "sex")
    assert sex_zh["kind"] == "code" and {o["label"] for o in sex_zh["options"]} == {"男", "女"}
    assert {o["label"] for o in sex_en["options"]} == {"male", "female"}
    region = next(f for f in zh["hukou_in"]["fields"] if f["name"] == "hukou_region")
    assert region["kind"] == "district" and region["required"] and region["label"] == "户籍地区划代码"
