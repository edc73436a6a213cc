"""Find an installed font that can draw Chinese, for the charts (matplotlib) and the documents' font lists.

The charts need a real CJK font: without one matplotlib draws empty boxes. Debian's ``fonts-noto-cjk`` and
``fonts-wqy-microhei`` provide them (the project's set-up script installs them). The first installed family of
:data:`PREFERRED` wins; failing those, any installed font that has the glyphs of :data:`PROBE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from renkou.errors import UserError

# Sans-serif first: chart labels read better in a 黑体-like face, and Noto Sans CJK SC has Simplified Chinese forms.
PREFERRED = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK JP",
)
PROBE = "人口统计公报杭州市区县"


@dataclass(frozen=True)
class CJKFont:
    """An installed font family that draws Chinese, and the file it was found in."""

    family: str
    path: str


def _draws(path: str, text: str) -> bool:
    """True when the font file has a glyph for every character of ``text``."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(char)) != 0 for char in text)


@cache
def find_cjk_font() -> CJKFont:
    """The installed CJK font to draw charts with; a bilingual :class:`UserError` when there is none."""
    from matplotlib import font_manager

    entries = font_manager.fontManager.ttflist
    by_family: dict[str, list[str]] = {}
    for entry in entries:
        by_family.setdefault(entry.name, []).append(entry.fname)
    for family in PREFERRED:
        for path in by_family.get(family, []):
            if _draws(path, PROBE):
                return CJKFont(family, path)
    for entry in sorted(entries, key=lambda e: e.name):
        if _draws(entry.fname, PROBE):
            return CJKFont(entry.name, entry.fname)
    raise UserError(
        "未找到可显示中文的字体，无法绘制报告图表；请安装 fonts-noto-cjk 或 fonts-wqy-microhei（apt-get install "
        "fonts-noto-cjk），然后删除 matplotlib 字体缓存（~/.cache/matplotlib）",
        "no installed font can draw Chinese, so the report's charts cannot be drawn; install fonts-noto-cjk or "
        "fonts-wqy-microhei (apt-get install fonts-noto-cjk), then delete matplotlib's font cache (~/.cache/matplotlib)",
        code="no_cjk_font",
    )
