"""Rendering a quality report: plain text, JSON, or one self-contained HTML page (no scripts, no external files)."""

from __future__ import annotations

import json
from dataclasses import asdict

from renkou.quality.measure import QualityReport
from renkou.quality.scores import DIMENSIONS

DIMENSION_ZH = {
    "completeness": "完整性",
    "validity": "有效性",
    "uniqueness": "唯一性",
    "consistency": "一致性",
    "timeliness": "及时性",
}

HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>数据质量 / data quality</title>
<style>
body{font-family:"Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f2f2f2}td.t{text-align:left}.bar{display:inline-block;height:.7em;background:#4a7ab5}
</style></head><body>
<h1>数据质量 / Data quality</h1>
<p>及时性：登记时间距事件发生不超过 {{ timely_days }} 天的比例 / timeliness: share of events recorded within
{{ timely_days }} days of occurring. 评分为五项的平均（0–100）/ the score is the mean of the five dimensions (0-100).</p>
<h2>各部门 / Departments</h2>
<table><tr><th>部门 feed</th><th>行 rows</th>{% for d in dims %}<th>{{ zh[d] }}<br>{{ d }}</th>{% endfor %}
<th>评分 score</th><th>趋势 trend</th></tr>
{% for r in departments %}<tr><td class="t">{{ r.feed }}</td><td>{{ "{:,}".format(r.rows) }}</td>
{% for d in dims %}<td>{{ "%.2f%%" % (100 * r[d]) }}</td>{% endfor %}
<td><span class="bar" style="width:{{ r.score|int }}px"></span> {{ "%.1f" % r.score }}</td>
<td>{{ "%+.1f" % r.trend }}</td></tr>{% endfor %}</table>
<h2>最差字段 / Worst fields</h2>
<table><tr><th>部门 feed</th><th>字段 field</th><th>原因 reason</th><th>行 rows</th><th>占比 share</th>
<th>示例（已脱敏）/ examples (masked)</th></tr>
{% for p in worst %}<tr><td class="t">{{ p.feed }}</td><td class="t">{{ p.column }}</td><td class="t">{{ p.reason }}</td>
<td>{{ p.count }}</td><td>{{ "%.3f%%" % (100 * p.share) }}</td>
<td class="t">{% for e in p.examples %}{{ e.file }}:{{ e.line }} {{ e.value }}<br>{% endfor %}</td></tr>{% endfor %}
</table>
<h2>各批次 / Batches</h2>
<table><tr><th>批次 batch</th><th>部门 feed</th><th>文件 file</th><th>行 rows</th>
{% for d in dims %}<th>{{ d }}</th>{% endfor %}<th>评分 score</th></tr>
{% for r in batches %}<tr><td>{{ r.batch_id }}</td><td class="t">{{ r.feed }}</td><td class="t">{{ r.file_name }}</td>
<td>{{ "{:,}".format(r.rows) }}</td>{% for d in dims %}<td>{{ "%.2f%%" % (100 * r[d]) }}</td>{% endfor %}
<td>{{ "%.1f" % r.score }}</td></tr>{% endfor %}</table>
</body></html>
"""


def to_json(report: QualityReport) -> str:
    """The report as JSON."""
    return json.dumps(asdict(report), ensure_ascii=False, indent=1)


def to_html(report: QualityReport) -> str:
    """The report as one HTML page; values are escaped (file names and masked values come from deliveries)."""
    from jinja2 import Environment

    template = Environment(autoescape=True).from_string(HTML)
    return template.render(
        dims=DIMENSIONS,
        zh=DIMENSION_ZH,
        departments=report.departments,
        batches=report.batches,
        worst=report.worst_fields,
        timely_days=report.timely_days,
    )


def to_text(report: QualityReport) -> str:
    """The departments' scores and the worst fields as plain text."""
    lines = ["部门 feed      " + "  ".join(f"{d[:11]:>11}" for d in DIMENSIONS) + "   score  trend"]
    for r in report.departments:
        values = "  ".join(f"{100 * float(r[d]):10.2f}%" for d in DIMENSIONS)  # type: ignore[arg-type]
        lines.append(f"{r['feed']:<14}{values}  {r['score']:6.1f}  {float(r['trend']):+5.1f}")  # type: ignore[arg-type]
    lines.append("最差字段 / worst fields:")
    for p in report.worst_fields:
        example = ", ".join(f"{e['file']}:{e['line']} {e['value']}" for e in p.examples)
        lines.append(f"  {p.feed}.{p.column} {p.reason}: {p.count} ({100 * p.share:.3f}%)  e.g. {example}")
    return "\n".join(lines)
