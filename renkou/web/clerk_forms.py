"""The clerk's event forms: which events a desk records, through which department feed, with which fields.

A form is written as a one-row department file of its feed and ingested like any other file (a batch of one), so
its values pass exactly the validation of ingest (:mod:`renkou.register.validate`); this module only decides which
columns a form may carry and which district the clerk must be responsible for. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from renkou.errors import UserError
from renkou.register import codes
from renkou.register.feeds import COLUMNS, EVENT_TYPES_ZH, FEEDS
from renkou.web.catalog import EVENT_EN
from renkou.web.i18n import Lang

MAX_VALUE_LENGTH = 200  # characters; a department column never needs more, and the quarantine keeps 200

COLUMN_EN = {
    "record_no": "record number",
    "event_type": "event type",
    "id_number": "citizen ID number",
    "name": "name",
    "occurred_on": "date of the event",
    "sex": "sex",
    "birth_date": "date of birth",
    "ethnicity": "ethnicity",
    "hukou_region": "hukou district (division code)",
    "residence_region": "district of residence (division code)",
    "urban_rural": "urban-rural code",
    "residence_since": "living here since",
    "household_id": "household number",
    "relation": "relation to the head of household",
    "education": "education",
    "marital_status": "marital status",
    "employment": "employment",
    "insurance": "pension insurance",
    "housing": "housing",
    "permit_no": "residence permit number",
    "mother_id": "mother's citizen ID number",
    "father_id": "father's citizen ID number",
    "partner_id": "partner's citizen ID number",
    "corrects_record_no": "record number corrected",
}


@dataclass(frozen=True)
class FormSpec:
    """One event form.

    ``new_person``: the event may introduce a person the register does not know (a birth, a move-in, a first
    permit); otherwise the person must be in the register and in one of the clerk's districts. ``district_field``:
    the column whose district must be one of the clerk's (for a new person).
    """

    event_type: str
    feed: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    new_person: bool
    district_field: str | None = None


FORMS: dict[str, FormSpec] = {
    spec.event_type: spec
    for spec in (
        FormSpec(
            "hukou_in",
            "hukou",
            (
                "id_number",
                "name",
                "occurred_on",
                "hukou_region",
                "residence_region",
                "urban_rural",
                "household_id",
                "relation",
                "education",
            ),
            ("id_number", "name", "occurred_on", "hukou_region"),
            new_person=True,
            district_field="hukou_region",
        ),
        FormSpec("hukou_out", "hukou", ("id_number", "name", "occurred_on"), ("id_number", "occurred_on"), False),
        FormSpec(
            "birth",
            "hukou",
            (
                "id_number",
                "name",
                "occurred_on",
                "sex",
                "hukou_region",
                "residence_region",
                "urban_rural",
                "household_id",
                "relation",
            ),
            ("id_number", "name", "occurred_on", "hukou_region"),
            new_person=True,
            district_field="hukou_region",
        ),
        FormSpec("death", "hukou", ("id_number", "name", "occurred_on"), ("id_number", "occurred_on"), False),
        FormSpec(
            "permit_issued",
            "residence",
            (
                "id_number",
                "name",
                "occurred_on",
                "permit_no",
                "residence_region",
                "hukou_region",
                "residence_since",
                "housing",
                "employment",
            ),
            ("id_number", "name", "occurred_on", "permit_no", "residence_region"),
            new_person=True,
            district_field="residence_region",
        ),
        FormSpec(
            "permit_renewed",
            "residence",
            ("id_number", "occurred_on", "permit_no"),
            ("id_number", "occurred_on", "permit_no"),
            False,
        ),
        FormSpec(
            "permit_cancelled",
            "residence",
            ("id_number", "occurred_on", "permit_no"),
            ("id_number", "occurred_on"),
            False,
        ),
    )
}


def form_spec(event_type: str) -> FormSpec:
    """The form of ``event_type``; a UserError naming the value when the desk does not record that event."""
    spec = FORMS.get(event_type)
    if spec is None:
        raise UserError(
            f"event_type：窗口不能登记“{event_type}”；可选：{', '.join(FORMS)}",
            f"event_type: the desk does not record '{event_type}'; choose one of {', '.join(FORMS)}",
        )
    return spec


def clean_values(spec: FormSpec, values: Mapping[str, Any]) -> dict[str, str]:
    """The form's values as text, empty ones dropped; unknown fields, missing required ones and over-long values
    are refused here (everything else is ingest's to judge, exactly as for a department file)."""
    unknown = sorted(set(values) - set(spec.fields))
    if unknown:
        raise UserError(
            f"{unknown[0]}：{EVENT_TYPES_ZH[spec.event_type]}表单没有这一项",
            f"{unknown[0]}: the {spec.event_type} form has no such field (fields: {', '.join(spec.fields)})",
        )
    cleaned: dict[str, str] = {}
    for name in spec.fields:
        raw = values.get(name)
        if raw is None:
            continue
        if not isinstance(raw, str | int):
            raise UserError(f"{name}：应为文本", f"{name}: must be text")
        text = str(raw).strip()
        if len(text) > MAX_VALUE_LENGTH:
            raise UserError(
                f"{name}：内容过长（{len(text)} 个字符，最多 {MAX_VALUE_LENGTH}）",
                f"{name}: too long ({len(text)} characters, at most {MAX_VALUE_LENGTH})",
            )
        if text:
            cleaned[name] = text
    missing = [name for name in spec.required if name not in cleaned]
    if missing:
        column = COLUMNS[missing[0]]
        raise UserError(f"{missing[0]}：必填项“{column.zh}”为空", f"{missing[0]}: required field is empty")
    return cleaned


def repeats(spec: FormSpec, cleaned: Mapping[str, str], events: Iterable[Mapping[str, Any]]) -> bool:
    """True when the person's history already holds this event: same type, same date, not superseded (a form sent
    twice, e.g. by a double click). Dates that are not ISO are left to ingest."""
    try:
        day = date.fromisoformat(cleaned.get("occurred_on", ""))
    except ValueError:
        return False
    return any(
        e["event_type"] == spec.event_type and e["occurred_on"] == day and not e.get("superseded") for e in events
    )


def department_row(spec: FormSpec, cleaned: Mapping[str, str], record_no: str) -> dict[str, str]:
    """The one row of the department file: record number, event type, then the form's columns in feed order."""
    row = {"record_no": record_no, "event_type": spec.event_type}
    feed_order = FEEDS[spec.feed].columns
    for name in feed_order:
        if name in cleaned:
            row[name] = cleaned[name]
    return row


def column_label(name: str, lang: Lang) -> str:
    """A column's label in the page language."""
    return COLUMNS[name].zh if lang == "zh" else COLUMN_EN.get(name, name)


def event_label(event_type: str, lang: Lang) -> str:
    """An event type's name in the page language."""
    return EVENT_TYPES_ZH.get(event_type, event_type) if lang == "zh" else EVENT_EN.get(event_type, event_type)


def input_kind(name: str) -> str:
    """How a field is entered: ``date``, ``district``, ``code`` (a list) or ``text``."""
    kind = COLUMNS[name].kind
    if kind == "date":
        return "date"
    if name in ("hukou_region", "residence_region"):
        return "district"
    if kind == "code":
        return "code"
    return "text"


def form_view(lang: Lang) -> list[dict[str, Any]]:
    """Every form as the page and its JSON twin show it: fields with labels, kinds, code lists, required marks."""
    forms = []
    for spec in FORMS.values():
        fields = []
        for name in spec.fields:
            column = COLUMNS[name]
            options = (
                [{"code": c.code, "label": c.zh if lang == "zh" else c.en} for c in column.code_list]
                if column.code_list
                else []
            )
            fields.append(
                {
                    "name": name,
                    "label": column_label(name, lang),
                    "kind": input_kind(name),
                    "required": name in spec.required,
                    "options": options,
                }
            )
        forms.append(
            {
                "event_type": spec.event_type,
                "label": event_label(spec.event_type, lang),
                "feed": spec.feed,
                "new_person": spec.new_person,
                "district_field": spec.district_field,
                "fields": fields,
            }
        )
    return forms


def code_list_view(lists: Mapping[str, tuple[codes.Code, ...]], lang: Lang) -> dict[str, dict[str, str]]:
    """Code -> label maps for showing a person's state in the page language."""
    return {name: {c.code: (c.zh if lang == "zh" else c.en) for c in found} for name, found in lists.items()}
