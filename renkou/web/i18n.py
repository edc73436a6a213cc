"""Languages of the pages: Chinese by default, English on request (``?lang=en`` or the ``renkou_lang`` cookie).

Every text a page shows is a key of :data:`renkou.web.catalog.MESSAGES` with its Chinese and English form; templates
call ``t(key)`` and scripts read the ``js.*`` keys from a JSON block the base template writes. Pure, no I/O.
"""

from __future__ import annotations

from typing import Literal

from renkou.web.catalog import MESSAGES

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
LANG_COOKIE = "renkou_lang"
LANG_PARAM = "lang"


def pick_lang(query: str | None, cookie: str | None) -> Lang:
    """The page language: the query parameter wins, then the cookie, then Chinese. Unknown values are ignored."""
    for candidate in (query, cookie):
        if candidate == "en":
            return "en"
        if candidate == "zh":
            return "zh"
    return DEFAULT_LANG


def translate(key: str, lang: Lang, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``{name}`` fields filled; an unknown key shows itself (easy to spot)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[0] if lang == "zh" else entry[1]
    return text.format(**values) if values else text


SHARED_WITH_SCRIPTS = ("card.", "kind.", "sex.")


def script_messages(lang: Lang) -> dict[str, str]:
    """The texts the page scripts use, in ``lang``: ``js.*`` keys without their prefix, and the shared vocabulary
    (:data:`SHARED_WITH_SCRIPTS`) under its full key."""
    found = {}
    for key, (zh, en) in MESSAGES.items():
        if key.startswith("js."):
            found[key[3:]] = zh if lang == "zh" else en
        elif key.startswith(SHARED_WITH_SCRIPTS):
            found[key] = zh if lang == "zh" else en
    return found


def bilingual(zh: str, en: str, lang: Lang) -> str:
    """One side of a bilingual pair (an API error, a reason text)."""
    return zh if lang == "zh" else en


def other_lang(lang: Lang) -> Lang:
    """The language the toggle switches to."""
    return "en" if lang == "zh" else "zh"
