"""The one message catalogue: every user-facing string, Vietnamese first, English second."""

from __future__ import annotations

import unicodedata

from service.i18n.errors import ERRORS

Lang = str  # "vi" | "en"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def error_text(code: str, lang: Lang = "vi", **params: object) -> str:
    vi, en = ERRORS.get(code, ERRORS["internal_error"])
    template = vi if lang == "vi" else en
    try:
        return nfc(template.format(**params))
    except (KeyError, IndexError):
        return nfc(template)
