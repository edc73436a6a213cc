"""Languages: the choice of language, and a catalogue that covers every text the templates and scripts use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from renkou.web import i18n
from renkou.web.catalog import MESSAGES

WEB = Path(i18n.__file__).parent
TEMPLATE_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
SCRIPT_KEY = re.compile(r"""\bT\(\s*["']([a-z0-9_.]+)["']\s*\)""")
SCRIPT_PREFIXED_KEY = re.compile(r"""\bT\(\s*["']([a-z0-9_]+\.)["']\s*\+""")


@pytest.mark.parametrize(
    ("query", "cookie", "expected"),
    [
        (None, None, "zh"),
        ("en", None, "en"),
        ("zh", "en", "zh"),  # the query wins over the cookie
        (None, "en", "en"),
        ("fr", "en", "en"),  # an unknown query value is ignored, the cookie still counts
        ("EN", None, "zh"),  # exact values only
        ("", "", "zh"),
    ],
)
def test_language_choice(query: str | None, cookie: str | None, expected: str) -> None:
    assert i18n.pick_lang(query, cookie) == expected


def test_translate_fills_values_and_shows_unknown_keys() -> None:
    assert i18n.translate("workbench.lead", "zh", districts="330106 西湖区") == "您负责的区县：330106 西湖区"
    assert i18n.translate("workbench.lead", "en", districts="330106") == "Your districts: 330106"
    assert i18n.translate("no.such.key", "en") == "no.such.key"


def test_every_entry_has_both_languages() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        # The English side is English: no Han characters, except a language toggle naming the other language.
        if key != "nav.other_lang":
            assert not re.search(r"[\u4e00-\u9fff]", en), key


def test_every_template_key_is_in_the_catalogue() -> None:
    used = set()
    for template in (WEB / "templates").glob("*.html"):
        used |= set(TEMPLATE_KEY.findall(template.read_text(encoding="utf-8")))
    assert used, "no keys found: the pattern is wrong"
    assert sorted(key for key in used if key not in MESSAGES) == []


def test_every_script_key_is_handed_to_the_scripts() -> None:
    for lang in i18n.LANGS:
        available = i18n.script_messages(lang)
        used: set[str] = set()
        prefixes: set[str] = set()
        for script in (WEB / "static" / "js").glob("*.js"):
            text = script.read_text(encoding="utf-8")
            used |= set(SCRIPT_KEY.findall(text))
            prefixes |= set(SCRIPT_PREFIXED_KEY.findall(text))
        assert used
        assert sorted(key for key in used if key not in available) == []
        # Keys built at run time ("state." + key, "event." + type) need at least one entry with that prefix.
        assert sorted(p for p in prefixes if not any(k.startswith(p) for k in available)) == []


def test_scripts_get_event_names_in_both_languages() -> None:
    assert i18n.script_messages("zh")["event.hukou_in"] == "户口迁入"
    assert i18n.script_messages("en")["event.hukou_in"] == "hukou move-in"
    assert i18n.script_messages("en")["card.tfr"] == "Total fertility rate"
