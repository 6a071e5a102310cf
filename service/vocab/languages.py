"""Language codes: what an asset, a language version or a caption may be tagged with."""

from __future__ import annotations

from typing import Any

from service.core.errors import KhoError
from transcoding.languages import Language, find, languages, normalise_code, well_formed


def _canonical(code: str) -> str:
    """BCP 47 casing: language lower, script title (Latn), region upper (VN)."""
    parts = code.split("-")
    rest = [p.upper() if len(p) == 2 or p.isdigit() else p.title() if len(p) == 4 else p for p in parts[1:]]
    return "-".join([parts[0], *rest])


def require_supported(code: str) -> str:
    """The stored form of `code`, or a 422 saying how to ask for a language that is not listed."""
    normal = normalise_code(code)
    if not well_formed(normal):
        raise KhoError("language_malformed", status=422, tag=code[:40])
    if find(normal) is None:
        raise KhoError("language_unsupported", status=422, tag=normal,
                       extra={"supported": sorted(languages()), "how_to_request": "/api/v1/languages"})
    return _canonical(normal)


def label(code: str, lang: str = "vi") -> str:
    found = find(code)
    return found.label(lang) if found else code


def listing() -> list[dict[str, Any]]:
    return [_out(entry) for entry in languages().values()]


def _out(entry: Language) -> dict[str, Any]:
    return {"code": entry.code, "iso639_3": entry.iso639_3, "label_vi": entry.label_vi,
            "label_en": entry.label_en, "native": entry.native}


def choices(lang: str = "vi") -> list[tuple[str, str]]:
    """(code, label) for a form: Vietnamese first, then English, then the rest by label."""
    entries = sorted(languages().values(), key=lambda e: (e.code != "vi", e.code != "en", e.label(lang)))
    return [(e.code, e.label(lang)) for e in entries]
