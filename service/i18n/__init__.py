"""The one message catalogue: every user-facing string, Vietnamese first, English second."""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from pathlib import Path

from service.i18n.errors import ERRORS as _CORE

# Each domain keeps its strings in its own module of this package (`errors_<domain>.py`, `ui.py`,
# …) defining ERRORS and/or UI dicts; together they are the one catalogue.
ERRORS: dict[str, tuple[str, str]] = dict(_CORE)
UI: dict[str, tuple[str, str]] = {}
for _info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    _module = importlib.import_module(f"service.i18n.{_info.name}")
    ERRORS.update(getattr(_module, "ERRORS", {}))
    UI.update(getattr(_module, "UI", {}))

Lang = str  # "vi" | "en"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ui_text(key: str, lang: Lang = "vi", **params: object) -> str:
    vi, en = UI.get(key, (key, key))
    template = vi if lang == "vi" else en
    try:
        return nfc(template.format(**params))
    except (KeyError, IndexError):
        return nfc(template)


def error_text(code: str, lang: Lang = "vi", **params: object) -> str:
    vi, en = ERRORS.get(code, ERRORS["internal_error"])
    template = vi if lang == "vi" else en
    try:
        return nfc(template.format(**params))
    except (KeyError, IndexError):
        return nfc(template)
