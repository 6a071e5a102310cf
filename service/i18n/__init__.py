"""The one message catalogue: every user-facing string, Vietnamese first, English second.

The texts live in gettext catalogues a translator edits (`locale/{vi,en}/LC_MESSAGES/messages.po`), compiled
to `.mo` by `scripts/i18n.sh compile` (run by `scripts/bootstrap.sh` and the Docker build) and read here with
the standard `gettext` runtime. Message ids are stable keys ("status_draft", error codes such as
"not_found"); texts are `str.format` templates ("{title}"). Workflow: service/i18n/README.md.
"""

from __future__ import annotations

import gettext
import unicodedata
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
FALLBACK_ERROR = "internal_error"

Lang = str  # "vi" | "en"


def N_(key: str) -> str:  # noqa: N802 - gettext's conventional name for "mark for extraction, translate later"
    """Marks a message id for `pybabel extract` where it is not looked up on the spot."""
    return key


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Absent(gettext.NullTranslations):
    """The last fallback of a catalogue: an id it lacks raises, so a lookup can tell "no text" apart."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)


@cache
def catalogue(lang: Lang) -> gettext.GNUTranslations:
    """The compiled catalogue of `lang` (read once per process; a missing `.mo` is an install fault, said so)."""
    code = "vi" if lang == "vi" else "en"  # as the pages do: anything but Vietnamese is English
    try:
        with (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as fp:
            texts = gettext.GNUTranslations(fp)
    except FileNotFoundError as exc:
        raise RuntimeError(f"message catalogue {code} is not compiled: run `scripts/i18n.sh compile`") from exc
    texts.add_fallback(_Absent())
    return texts


def _lookup(key: str, lang: Lang) -> str | None:
    try:
        return catalogue(lang).gettext(key)
    except KeyError:
        return None


def has_text(key: str) -> bool:
    """Whether `key` is a message id of the catalogue (callers fall back to a code's own name otherwise)."""
    return _lookup(key, "vi") is not None


def _format(template: str, params: dict[str, object]) -> str:
    try:
        return nfc(template.format(**params))
    except (KeyError, IndexError, ValueError):
        return nfc(template)


def ui_text(key: str, lang: Lang = "vi", **params: object) -> str:
    """The text of `key` in `lang`; the key itself when the catalogue has none."""
    text = _lookup(key, lang)
    return _format(key if text is None else text, params)


def error_text(code: str, lang: Lang = "vi", **params: object) -> str:
    """The problem text of error `code` in `lang`; the internal error's text for an unknown code."""
    text = _lookup(code, lang)
    return _format(_lookup(FALLBACK_ERROR, lang) or code if text is None else text, params)
