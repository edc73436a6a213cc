"""Declared schemas of the department feeds.

Every department file is a list of *events*: one row, one event of a person. A feed declares which event types it
may carry and which columns it has; each column has an English name (used in the register) and the Chinese header
a department system writes. Ingest accepts either header, in any order, and rejects a header that matches no
declared column (extra columns) or lacks a required one.

The feed of a file is recognised from its header (or given explicitly): it is the feed whose required columns are
all present and whose other columns cover the rest of the header.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from renkou.register import codes


@dataclass(frozen=True)
class Column:
    """A column of a department file."""

    name: str
    zh: str
    kind: str  # text | id | date | region | code
    code_list: tuple[codes.Code, ...] | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    """A department's periodic file: who sends it, which events and which columns it carries."""

    name: str
    department_zh: str
    department_en: str
    event_types: tuple[str, ...]
    columns: tuple[str, ...]
    required: tuple[str, ...] = ("event_type", "id_number", "occurred_on")
    # Columns that an event type needs beyond the feed's required ones.
    required_by_event: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def narrowed(self, present: Iterable[str]) -> Feed:
        """The feed as one file delivers it: only the columns ``present`` (in the feed's order). A column the file
        lacks is NULL in every row, so validation and the events' attributes can treat it as a NULL constant."""
        keep = set(present)
        return replace(self, columns=tuple(column for column in self.columns if column in keep))


COLUMNS: dict[str, Column] = {
    column.name: column
    for column in (
        Column("record_no", "业务流水号", "text", aliases=("流水号", "记录号")),
        Column("event_type", "事件类型", "text", aliases=("变动类型", "业务类型")),
        Column("id_number", "公民身份号码", "id", aliases=("身份证号", "身份证号码")),
        Column("name", "姓名", "text"),
        Column("occurred_on", "发生日期", "date", aliases=("变动日期", "业务日期", "事件日期")),
        Column("sex", "性别", "code", codes.SEX),
        Column("birth_date", "出生日期", "date"),
        Column("ethnicity", "民族", "text"),
        Column("hukou_region", "户籍地区划代码", "region", aliases=("户籍地区划", "户籍地")),
        Column("residence_region", "居住地区划代码", "region", aliases=("居住地区划", "现住地区划")),
        Column("urban_rural", "城乡分类代码", "code", codes.URBAN_RURAL, aliases=("城乡属性",)),
        Column("residence_since", "居住起始日期", "date", aliases=("来本地日期",)),
        Column("household_id", "户号", "text"),
        Column("relation", "与户主关系", "code", codes.RELATION),
        Column("education", "文化程度", "code", codes.EDUCATION, aliases=("学历",)),
        Column("marital_status", "婚姻状况", "code", codes.MARITAL_STATUS),
        Column("employment", "就业状况", "code", codes.EMPLOYMENT),
        Column("insurance", "参保状况", "code", codes.INSURANCE, aliases=("养老保险",)),
        Column("housing", "住房状况", "code", codes.HOUSING),
        Column("permit_no", "居住证号", "text", aliases=("居住证编号",)),
        Column("mother_id", "母亲公民身份号码", "id", aliases=("母亲身份证号",)),
        Column("father_id", "父亲公民身份号码", "id", aliases=("父亲身份证号",)),
        Column("partner_id", "配偶公民身份号码", "id", aliases=("配偶身份证号",)),
        Column("corrects_record_no", "更正原流水号", "text", aliases=("原流水号",)),
    )
}

EVENT_TYPES_ZH = {
    "baseline": "基础登记",
    "birth": "出生",
    "death": "死亡",
    "hukou_in": "户口迁入",
    "hukou_out": "户口迁出",
    "hukou_transfer": "市内户口迁移",
    "residence_registered": "居住登记",
    "residence_left": "居住注销",
    "permit_issued": "居住证签发",
    "permit_renewed": "居住证签注",
    "permit_cancelled": "居住证注销",
    "permit_applied": "居住证申领受理",
    "permit_suspended": "居住证使用功能中止",
    "permit_restored": "居住证使用功能恢复",
    "permit_replaced": "居住证换领补领",
    "marriage": "结婚登记",
    "divorce": "离婚登记",
    "education_changed": "学历变更",
    "employment_changed": "就业变更",
    "insurance_changed": "参保变更",
    "housing_changed": "住房变更",
    "address_changed": "住址变更",
    "correction": "更正",
}
EVENT_TYPES = tuple(EVENT_TYPES_ZH)

_PERSON = ("name", "sex", "birth_date", "ethnicity")
_RESIDENCE = ("residence_region", "urban_rural", "residence_since")
_HOUSEHOLD = ("household_id", "relation")
_SOCIAL = ("education", "marital_status", "employment", "insurance", "housing")
_COMMON = ("record_no", "event_type", "id_number", "occurred_on")

FEEDS: dict[str, Feed] = {
    feed.name: feed
    for feed in (
        Feed(
            "hukou",
            "公安局户籍",
            "public security (hukou)",
            (
                "baseline",
                "birth",
                "death",
                "hukou_in",
                "hukou_out",
                "hukou_transfer",
                "address_changed",
                "education_changed",
                "correction",
            ),
            (*_COMMON, *_PERSON, "hukou_region", *_RESIDENCE, *_HOUSEHOLD, *_SOCIAL, "corrects_record_no"),
            required_by_event={
                # Sex and birth date, when absent, are read from the ID number.
                "baseline": ("hukou_region",),
                "birth": ("hukou_region",),
                "hukou_in": ("hukou_region",),
                "hukou_transfer": ("hukou_region",),
                "address_changed": ("residence_region",),
                "education_changed": ("education",),
                "correction": ("corrects_record_no",),
            },
        ),
        Feed(
            "health",
            "卫生健康委员会",
            "health commission",
            ("birth", "death"),
            (*_COMMON, *_PERSON, "hukou_region", "residence_region", "urban_rural", "mother_id", "father_id"),
        ),
        Feed(
            "residence",
            "公安局流动人口管理",
            "public security (residence registration)",
            (
                "residence_registered",
                "residence_left",
                "permit_issued",
                "permit_renewed",
                "permit_cancelled",
                "permit_applied",
                "permit_suspended",
                "permit_restored",
                "permit_replaced",
                "address_changed",
            ),
            (*_COMMON, *_PERSON, "hukou_region", *_RESIDENCE, "permit_no", "housing", "employment"),
            required_by_event={
                "residence_registered": ("residence_region",),
                "address_changed": ("residence_region",),
                "permit_issued": ("permit_no",),
                "permit_replaced": ("permit_no",),
            },
        ),
        Feed(
            "civil",
            "民政局",
            "civil affairs",
            ("marriage", "divorce"),
            (*_COMMON, "name", "partner_id"),
        ),
        Feed(
            "hrss",
            "人力资源和社会保障局",
            "human resources and social security",
            ("employment_changed", "insurance_changed"),
            (*_COMMON, "name", "employment", "insurance"),
            required_by_event={"employment_changed": ("employment",), "insurance_changed": ("insurance",)},
        ),
        Feed(
            "housing",
            "住房和城乡建设局",
            "housing and urban-rural development",
            ("housing_changed",),
            (*_COMMON, "name", "housing"),
            required_by_event={"housing_changed": ("housing",)},
        ),
    )
}


def header_map() -> dict[str, str]:
    """Every accepted header spelling (English name, Chinese header, aliases) mapped to the column name."""
    mapping: dict[str, str] = {}
    for column in COLUMNS.values():
        for spelling in (column.name, column.zh, *column.aliases):
            mapping[spelling] = column.name
    return mapping


def event_type_map() -> dict[str, str]:
    """Event type spellings (English or Chinese) mapped to the event type."""
    mapping = {name: name for name in EVENT_TYPES}
    mapping.update({zh: name for name, zh in EVENT_TYPES_ZH.items()})
    return mapping
