"""The CJK font helper finds a font that really draws Chinese, and fails with a bilingual message without one."""

from __future__ import annotations

import pytest

from renkou.errors import UserError
from renkou.report import fonts


def test_an_installed_font_draws_the_report_words() -> None:
    found = fonts.find_cjk_font()
    assert fonts._draws(found.path, "人口与发展年度报告图表")
    assert not fonts._draws(found.path, "\U000f0000")  # a private-use plane character no font has


def test_no_cjk_font_is_a_bilingual_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    latin_only = [e for e in font_manager.fontManager.ttflist if "DejaVu" in e.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin_only)
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(UserError) as error:
            fonts.find_cjk_font()
        assert "fonts-noto-cjk" in error.value.zh and "no installed font can draw Chinese" in error.value.en
    finally:
        monkeypatch.undo()
        fonts.find_cjk_font.cache_clear()
