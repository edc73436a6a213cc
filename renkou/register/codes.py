"""Code lists of the register's attributes: the stored code, its Chinese label and its English label.

Department files may carry either the code or the Chinese label (or, for sex, the GB/T 2261.1 digit); ingest
normalises to the code. Sources: GB/T 2261.1-2003 (sex), GB/T 4658-2006 (education, grouped), GB/T 2261.2-2003
(marital status), 国家统计局《统计用区划代码和城乡划分代码编制规则》 (urban-rural codes).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One code of a code list, with its labels."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


SEX = (
    Code("M", "男", "male", ("1", "m", "男性")),
    Code("F", "女", "female", ("2", "f", "女性")),
)

EDUCATION = (
    Code("none", "未上过学", "no schooling", ("未上学",)),
    Code("primary", "小学", "primary"),
    Code("junior", "初中", "junior secondary"),
    Code("senior", "高中", "senior secondary", ("中专", "高中/中专")),
    Code("college", "大学专科", "junior college", ("大专",)),
    Code("bachelor", "大学本科", "bachelor", ("本科",)),
    Code("master", "硕士研究生", "master", ("硕士",)),
    Code("doctor", "博士研究生", "doctorate", ("博士",)),
)

# Years of schooling used for the "mean years of schooling" indicator (statistics bureau convention).
YEARS_OF_SCHOOLING = {
    "none": 0.0,
    "primary": 6.0,
    "junior": 9.0,
    "senior": 12.0,
    "college": 15.0,
    "bachelor": 16.0,
    "master": 19.0,
    "doctor": 22.0,
}

MARITAL_STATUS = (
    Code("single", "未婚", "never married"),
    Code("married", "有配偶", "married", ("已婚", "初婚有配偶", "再婚有配偶")),
    Code("divorced", "离婚", "divorced"),
    Code("widowed", "丧偶", "widowed"),
)

EMPLOYMENT = (
    Code("employed", "就业", "employed", ("在业", "在职")),
    Code("unemployed", "失业", "unemployed"),
    Code("retired", "退休", "retired", ("离退休",)),
    Code("student", "在校学生", "student", ("学生",)),
    Code("inactive", "其他不在业", "not in the labour force", ("其他",)),
)

INSURANCE = (
    Code("urban_employee", "城镇职工基本养老保险", "urban employees' pension insurance", ("城镇职工",)),
    Code("resident", "城乡居民基本养老保险", "urban and rural residents' pension insurance", ("城乡居民",)),
    Code("none", "未参保", "not insured"),
)

HOUSING = (
    Code("owned", "自有住房", "owned", ("自有", "自购")),
    Code("rented", "租赁住房", "rented", ("租赁", "租房")),
    Code("public", "公共租赁住房", "public rental", ("公租房", "公房")),
    Code("dormitory", "单位宿舍", "employer dormitory", ("宿舍",)),
    Code("other", "其他", "other"),
)

RELATION = (
    Code("head", "户主", "head of household", ("本人",)),
    Code("spouse", "配偶", "spouse", ("妻", "夫")),
    Code("child", "子女", "child", ("子", "女", "长子", "长女", "次子", "次女")),
    Code("parent", "父母", "parent", ("父亲", "母亲", "父", "母")),
    Code("grandchild", "孙子女", "grandchild", ("孙子", "孙女")),
    Code("grandparent", "祖父母", "grandparent", ("祖父", "祖母")),
    Code("sibling", "兄弟姐妹", "sibling"),
    Code("other", "其他", "other", ("其他亲属", "非亲属")),
)

# 统计用城乡划分代码: 1xx urban (城镇), 2xx rural (乡村).
URBAN_RURAL = (
    Code("111", "主城区", "main urban area"),
    Code("112", "城乡结合区", "urban-rural fringe"),
    Code("121", "镇中心区", "town centre"),
    Code("122", "镇乡结合区", "town-rural fringe"),
    Code("123", "特殊区域", "special area"),
    Code("210", "乡中心区", "township centre"),
    Code("220", "村庄", "village"),
)

PERMIT_STATUS = (
    Code("valid", "有效", "valid"),
    Code("suspended", "中止", "suspended"),
    Code("cancelled", "注销", "cancelled"),
)


def lookup_table(codes: tuple[Code, ...]) -> dict[str, str]:
    """Map every accepted spelling (code, labels, aliases; case-insensitive for Latin) to the stored code."""
    table: dict[str, str] = {}
    for code in codes:
        for spelling in (code.code, code.zh, code.en, *code.aliases):
            table[spelling] = code.code
            table[spelling.lower()] = code.code
    return table


def is_urban(urban_rural_code: str | None) -> bool | None:
    """True for urban (1xx) codes, False for rural (2xx), None when unknown."""
    if not urban_rural_code:
        return None
    return urban_rural_code.startswith("1")
