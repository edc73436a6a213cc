"""Texts of the clerk's linkage review page, Chinese and English: key -> (zh, en).

Merged into :data:`renkou.web.catalog.MESSAGES`; keys starting with ``js.`` reach the page scripts.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.linkage": ("关联复核", "Linkage review"),
    "linkage.title": ("跨部门记录关联复核", "Cross-department record linkage review"),
    "linkage.heading": ("关联复核", "Linkage review"),
    "linkage.lead": (
        "部门记录缺少有效身份证号时，系统按姓名、出生日期、证件等线索匹配人员；无法确定的记录对在此由窗口人员核对。"
        "确认为同一人后，该记录归档到此人名下。",
        "When a department's row lacks a valid ID number, the system matches it to a person by name, birth date and "
        "other evidence; pairs it cannot decide are checked here. A confirmed match files the row under the person.",
    ),
    "js.link.total": ("本辖区待复核 {n} 对", "{n} pairs waiting in your districts"),
    "js.link.empty": ("没有待复核的记录", "Nothing to review"),
    "js.link.row": ("部门记录", "Department row"),
    "js.link.person": ("登记人员", "Register person"),
    "js.link.line": ("行", "line"),
    "js.link.probability": ("匹配概率", "match probability"),
    "js.link.accept": ("是同一人", "Same person"),
    "js.link.reject": ("不是同一人", "Not the same person"),
    "js.link.note": ("备注（可选）", "Note (optional)"),
    "js.link.matched": ("已确认为同一人。", "Recorded as the same person."),
    "js.link.rejected": ("已记录为不同的人。", "Recorded as a different person."),
    "js.link.refiled": ("记录已归档（批次 {batch}）。", "The row was filed under the person (batch {batch})."),
    "js.link.requarantined": (
        "但该记录另有问题，再次进入隔离区。",
        "It has another problem, though, and was quarantined again.",
    ),
    "js.link.f.id": ("公民身份号码", "Citizen ID"),
    "js.link.f.name": ("姓名", "Name"),
    "js.link.f.sex": ("性别", "Sex"),
    "js.link.f.birth_date": ("出生日期", "Birth date"),
    "js.link.f.hukou_region": ("户籍地", "Hukou district"),
    "js.link.f.residence_region": ("居住地", "Residence district"),
    "js.link.f.event_type": ("事件", "Event"),
    "js.link.f.occurred_on": ("发生日期", "Date"),
    "js.link.f.permit_no": ("居住证号", "Permit number"),
}
