"""Assemble the annual report (人口与发展年度报告) from the gathered figures: title, seven sections, notes.

Pure: :func:`build_report` turns a :class:`~renkou.report.gather.ReportData` into a :class:`~renkou.report.model.Report`
without touching the register or any file; the renderers then write HTML, PDF or Word.
"""

from __future__ import annotations

from collections.abc import Callable

from renkou.report.content_population import districts_section, structure_section, summary_section, trend_section
from renkou.report.content_vital import ageing_section, fertility_mortality_section, floating_section
from renkou.report.context import KIND_ZH, Context, zh
from renkou.report.gather import ReportData
from renkou.report.model import CHINESE_NUMERALS, Numbering, Report, Section

SECTIONS: tuple[Callable[[Context, str], Section], ...] = (
    summary_section,
    structure_section,
    trend_section,
    districts_section,
    ageing_section,
    fertility_mortality_section,
    floating_section,
)

DEFINITIONS = (
    "户籍人口：截至统计时点仍在世、户口登记在本市（本区县）的人员。",
    "常住人口：截至统计时点仍在世，且居住在本市、户口在本市；或居住在本市半年以上、户口在外地；或户口在本市、离开本市不满半年的人员"
    "（第七次全国人口普查口径）。",
    "流动人口：截至统计时点居住在本市、户口登记在本市以外的人员，不论居住时间长短。",
    "出生率、死亡率、自然增长率：本年出生人数、死亡人数及二者之差与年平均人口之比（‰）；年平均人口取年初与年末人口的平均数。",
    "总和生育率：15-49岁各五岁年龄组妇女生育率之和乘以5；平均预期寿命按简略生命表计算。",
    "各比重、增减量按未经修约的数据计算，部分合计数与分项之和因四舍五入略有出入。",
)


def _notes(ctx: Context) -> list[str]:
    notes = list(DEFINITIONS)
    for note in ctx.data.current.get("notes", []):
        # The statistics module prefixes some notes with the population's key ("registered：…").
        text = zh(note)
        for key, name in KIND_ZH.items():
            text = text.replace(f"{key}：", f"{name}：")
        notes.append(text)
    small = [
        str(d["name"])
        for d in ctx.data.current["districts"].values()
        if any("生命表" in str(text) for text in d["resident"].get("notes", {}).values())
    ]
    if small:
        notes.append(f"{'、'.join(small)}的死亡人数较少，其生命表指标不稳定或无法计算，本报告只列出全市的预期寿命。")
    return notes


def build_report(data: ReportData) -> Report:
    """The report of ``data.year`` as a document model, figures and tables numbered in reading order."""
    ctx = Context(data, Numbering())
    sections = [build(ctx, CHINESE_NUMERALS[i]) for i, build in enumerate(SECTIONS)]
    as_of = data.current["as_of"]
    return Report(
        title=f"{ctx.city_name}{data.year}年人口与发展年度报告",
        subtitle="人口统计公报",
        issuer=f"{ctx.city_name}人口登记与统计（renkou 人口登记库）",
        date_line=f"统计时点：{as_of}　　数据提取日期：{data.extracted_on.isoformat()}"
        + (f"　　登记信息截至：{data.known_at.isoformat(sep=' ', timespec='minutes')}" if data.known_at else ""),
        sections=sections,
        notes=_notes(ctx),
    )
