"""Quarantine reasons: a stable code for scripts, and the sentence a clerk reads in Chinese and English."""

from __future__ import annotations

REASONS: dict[str, tuple[str, str]] = {
    "id_missing": ("缺少公民身份号码", "citizen ID number missing"),
    "id_characters": ("身份号码含有非法字符", "ID number has characters other than digits and a final X"),
    "id_length": ("身份号码位数不对（应为 18 位或 15 位旧号）", "ID number has the wrong length (18, or 15 legacy)"),
    "id_impossible_date": ("身份号码中的出生日期不存在", "the birth date in the ID number does not exist"),
    "id_future_date": ("身份号码中的出生日期晚于今天", "the birth date in the ID number is in the future"),
    "id_too_old": ("身份号码中的出生日期早于 1880 年", "the birth date in the ID number is before 1880"),
    "id_unknown_division": ("身份号码中的行政区划代码不存在", "the ID number's division code never existed"),
    "id_checksum": ("身份号码校验码错误", "ID number check character is wrong"),
    "event_type_unknown": ("未知的事件类型", "unknown event type"),
    "event_type_not_in_feed": ("该部门数据不应包含此事件类型", "this feed may not carry this event type"),
    "required_missing": ("必填项为空", "a required field is empty"),
    "date_invalid": ("日期无法识别或不存在", "date not recognised or impossible"),
    "date_future": ("日期晚于今天", "date is in the future"),
    "date_too_old": ("日期早于 1880 年", "date is before 1880"),
    "code_invalid": ("代码不在代码表中", "value is not in the code list"),
    "region_invalid": ("行政区划代码应为 6 位数字", "division code must be 6 digits"),
    "region_unknown": ("行政区划代码不存在", "division code does not exist"),
    "region_outside_city": (
        "迁入或市内迁移的户籍地不在本市",
        "hukou moved in or within the city to a place outside it",
    ),
    "id_sex_mismatch": ("性别与身份号码不符", "sex does not match the ID number"),
    "id_birth_mismatch": ("出生日期与身份号码不符", "birth date does not match the ID number"),
    "before_birth": ("事件日期早于出生日期", "event dated before the birth date"),
    "control_characters": ("文本含有控制字符", "text holds control characters"),
    "correction_target_unknown": ("被更正的原记录不存在", "the record to correct does not exist"),
    "malformed_line": ("该行格式错误，无法解析", "the line is malformed and cannot be parsed"),
    "too_many_fields": ("该行字段数多于表头", "the line has more fields than the header"),
    "too_few_fields": (
        "该行字段数少于表头（文件可能被截断）",
        "the line has fewer fields than the header (truncated?)",
    ),
    "unterminated_quote": ("引号未闭合", "unterminated quote"),
    "line_too_long": ("该行过长", "the line is too long"),
    "invalid_text": ("该行含有无法识别的字节（编码错误）", "the line holds bytes that are not valid text"),
}


def describe(code: str) -> str:
    """The bilingual sentence for a reason code."""
    zh, en = REASONS.get(code, (code, code))
    return f"{zh} / {en}"
